"""Pydantic models for notes (still written in Pydantic v1 style)."""
from datetime import datetime

from pydantic import BaseModel, validator


class NoteCreate(BaseModel):
    title: str
    body: str = ""
    pinned: bool = False

    @validator("title")
    def title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be blank")
        return value.strip()


class NoteOut(BaseModel):
    id: int
    owner: str
    title: str
    body: str
    pinned: bool
    fetched_at: datetime | None = None

    class Config:
        orm_mode = True
