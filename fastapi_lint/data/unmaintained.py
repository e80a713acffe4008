"""Libraries FastAPI's documentation moved away from, and what it uses instead (FAPI510).

Each row was checked against the FastAPI docs and the libraries' own repositories:
the OAuth2/JWT tutorial replaced python-jose with PyJWT and passlib with pwdlib (both
went years without a release; passlib does not work cleanly with current ``bcrypt``); aioredis was merged into
redis-py as ``redis.asyncio`` and archived; ``databases`` and ``gino`` were dropped from the
docs with the "Async SQL Databases" page; SQLAlchemy 1.4 moved ``declarative_base`` into
``sqlalchemy.orm`` (the old spelling warns, ``MovedIn20Warning``, and 2.0 documents
``DeclarativeBase``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryRow:
    """A library (its import name). Messages read "`<import>`: <library> <advice>"."""

    library: str  # the distribution's name, as people know it
    advice: str


# Top-level import name -> row; an import of the module or of anything under it is reported.
UNMAINTAINED_LIBRARIES: dict[str, LibraryRow] = {
    "jose": LibraryRow(
        "python-jose",
        "is barely maintained and FastAPI's docs moved away from it; use PyJWT (`import jwt`), as the docs do",
    ),
    "passlib": LibraryRow(
        "passlib",
        "is unmaintained (no release since 2020; it does not work cleanly with current bcrypt) and FastAPI's docs "
        "moved away from it; use pwdlib (as the docs do), argon2-cffi or bcrypt directly",
    ),
    "aioredis": LibraryRow(
        "aioredis",
        "is archived: it was merged into redis-py 4.2+ as `redis.asyncio`; use `from redis import asyncio as redis`",
    ),
    "databases": LibraryRow(
        "databases (encode/databases)",
        "is no longer maintained and FastAPI's docs dropped it; use SQLAlchemy 2's asyncio support "
        "(`create_async_engine`) or SQLModel",
    ),
    "gino": LibraryRow(
        "gino",
        "is no longer maintained (it supports SQLAlchemy < 1.4 only); use SQLAlchemy 2's asyncio "
        "support (`create_async_engine`) or SQLModel",
    ),
}

# Names moved out of a module: (module, name) -> (new module, advice). The rewrite of
# ``from <module> import <name>`` to ``from <new module> import <name>`` is safe where the
# new module holds the same object (the old name is a wrapper that only adds a warning).
_MOVED_DECLARATIVE = (
    "moved to `sqlalchemy.orm` in SQLAlchemy 1.4 (the old spelling warns and will be removed); import it "
    "from `sqlalchemy.orm`"
)
MOVED_NAMES: dict[tuple[str, str], tuple[str, str]] = {
    ("sqlalchemy.ext.declarative", "declarative_base"): (
        "sqlalchemy.orm", _MOVED_DECLARATIVE + ", or subclass `sqlalchemy.orm.DeclarativeBase` (SQLAlchemy 2.0)",
    ),
    **{
        ("sqlalchemy.ext.declarative", name): ("sqlalchemy.orm", _MOVED_DECLARATIVE)
        for name in ("as_declarative", "has_inherited_table", "synonym_for")
    },
}
MOVED_FROM_MODULES = frozenset(module for module, _ in MOVED_NAMES)

# Names the old module merely re-exports from the new one (the same object, no warning): not
# reported, but an import that lists them beside a moved name can still move as a whole.
SAME_IN: dict[tuple[str, str], str] = {
    ("sqlalchemy.ext.declarative", "declared_attr"): "sqlalchemy.orm",
    ("sqlalchemy.ext.declarative", "DeclarativeMeta"): "sqlalchemy.orm",
}
