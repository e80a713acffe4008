"""Notes API: a deliberately flawed demo for fastapi-lint.

Every module in this package contains pitfalls the linter is built to catch.
Run `fastapi-lint examples/demo_app` to see them; do not copy this code.
"""
import logging
import sqlite3

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from demo_app.deps import DB_PATH
from demo_app.routers import notes

logger = logging.getLogger("notes")

app = FastAPI(title="Notes API", version="0.1.0")

# The frontend runs on several preview domains, so "just allow everything".
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(notes.router, prefix="/notes", tags=["notes"])


@app.on_event("startup")
async def create_tables() -> None:
    with sqlite3.connect(DB_PATH) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS notes ("
            " id INTEGER PRIMARY KEY, owner TEXT, title TEXT, body TEXT, pinned INTEGER DEFAULT 0)"
        )
    logger.info("database ready at %s", DB_PATH)


@app.on_event("shutdown")
async def say_goodbye() -> None:
    logger.info("notes API shutting down")


@app.get("/health")
async def health():
    return {"status": "ok", "version": app.version}
