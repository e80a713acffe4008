"""Under PEP 563 FastAPI evaluates `color`'s string annotation in the module's globals,
where the factory's `Color` does not exist: no fix writes into that annotation."""
from __future__ import annotations

from enum import Enum

from fastapi import APIRouter


def make_router(prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix)

    class Color(str, Enum):
        red = "red"

    @router.get("/")
    async def list_items(
        q: str = None,  # builtins only: fixed
        color: Color = None,  # expect: FAPI212
    ):
        return []

    return router
