"""Under PEP 563 the new marker's name must be a module-level name: the factory's own
`from fastapi import Query` is invisible where FastAPI evaluates the annotation."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field


def make_router() -> APIRouter:
    from fastapi import Query

    router = APIRouter()

    @router.get("/")
    async def list_items(
        offset: Annotated[int, Field(ge=0)] = 0,  # expect: FAPI213
        limit: int = Query(10),
    ):
        return []

    return router


router = APIRouter()


@router.get("/page")
async def page(
    offset: Annotated[int, Field(ge=0)] = 0,  # `Query` is imported at the top: fixed
):
    return []
