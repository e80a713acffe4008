"""Note endpoints."""
import sqlite3
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from demo_app.deps import get_current_user, get_db
from demo_app.models import NoteCreate, NoteOut

router = APIRouter()


@router.get("/search")
async def search_notes(q: str = None, user: dict = Depends(get_current_user)) -> list[NoteOut]:
    # Give the search index a moment to catch up with recent writes.
    time.sleep(0.5)
    db = sqlite3.connect("notes.db")
    cur = db.execute(
        "SELECT * FROM notes WHERE owner = ? AND title LIKE ?", (user["sub"], f"%{q or ''}%")
    )
    rows = cur.fetchall()
    return [NoteOut(id=r[0], owner=r[1], title=r[2], body=r[3], pinned=bool(r[4])) for r in rows]


@router.get("/{note_id}")
def get_note(note_id: int, db: sqlite3.Connection = Depends(get_db())):
    row = db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="Note not found")
    return dict(row)


@router.post("/", status_code=status.HTTP_201_CREATED)
def create_note(
    payload: NoteCreate,
    db: Annotated[sqlite3.Connection, Depends(get_db)],
    user: Annotated[dict, Depends(get_current_user)],
) -> NoteOut:
    cur = db.execute(
        "INSERT INTO notes (owner, title, body, pinned) VALUES (?, ?, ?, ?)",
        (user["sub"], payload.title, payload.body, int(payload.pinned)),
    )
    db.commit()
    return NoteOut(
        id=cur.lastrowid, owner=user["sub"], title=payload.title, body=payload.body, pinned=payload.pinned
    )
