"""Under PEP 563 the new parameter's annotation is evaluated in the module's globals: the
factory's own `UUID` import is not there, builtins are."""
from __future__ import annotations

from fastapi import APIRouter


def make_router() -> APIRouter:
    from uuid import UUID

    router = APIRouter(prefix="/factory")

    @router.get("/sessions/{session_id:uuid}")  # expect: FAPI203
    async def read_session(fallback: UUID | None = None):
        return {}

    @router.get("/tags/{tag}")
    async def read_tag():
        return {}

    return router
