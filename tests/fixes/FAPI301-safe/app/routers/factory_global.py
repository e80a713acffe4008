"""Under PEP 563 a marker may move into `Annotated[...]` when every name of the new
annotation is a module-level name (or a builtin) bound before the route."""
from __future__ import annotations

from typing import Annotated, Callable

from fastapi import APIRouter, Depends, Query


def require_admin() -> str:
    return "root"


def make_router(guard: Callable[[], str], page_size: int) -> APIRouter:
    router = APIRouter()

    @router.get("/admin")
    async def admin_page(
        admin: str = Depends(require_admin),
        limit: int = Query(page_size),  # the default stays a default: evaluated when the def runs
        other: str = Depends(guard),  # expect: FAPI301
    ) -> dict:
        return {"admin": admin}

    return router


router = APIRouter()


@router.get("/")
async def index(admin: str = Depends(require_admin)) -> dict:
    return {"admin": admin}
