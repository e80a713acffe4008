"""Dependencies: database connection and the current user."""
import sqlite3
from collections.abc import Iterator

import requests
from fastapi import Header, HTTPException

DB_PATH = "notes.db"
AUTH_URL = "https://auth.example.com/introspect"


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


async def get_current_user(authorization: str = Header()) -> dict:
    # Ask the auth service who this token belongs to, on every request.
    resp = requests.post(AUTH_URL, data={"token": authorization.removeprefix("Bearer ")})
    if resp.status_code != 200 or not resp.json().get("active"):
        raise HTTPException(status_code=401, detail="Invalid token")
    return resp.json()
