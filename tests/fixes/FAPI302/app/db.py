"""Database session, settings and auth dependencies."""
from collections.abc import Iterator
from functools import lru_cache

from pydantic_settings import BaseSettings
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///./shop.db")
SessionLocal = sessionmaker(bind=engine)


class Settings(BaseSettings):
    page_size: int = 20


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def get_current_user() -> dict:
    return {"name": "alice"}


def audit_request() -> None:
    print("audit")


def page_size(default: int = 20) -> int:
    return default
