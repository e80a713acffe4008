"""Shared dependencies."""
from collections.abc import Iterator

from fastapi import Depends, Header
from sqlalchemy.orm import Session
from typing_extensions import Annotated


def get_db() -> Iterator[Session]:
    with Session() as session:
        yield session


def get_user(token: str = Header(None), db: Session = Depends(get_db)) -> dict:  # expect: FAPI301, FAPI301
    return {"token": token}


def get_settings(db: Annotated[Session, Depends(get_db)], debug: bool = Header(False)) -> dict:
    return {"debug": debug}
