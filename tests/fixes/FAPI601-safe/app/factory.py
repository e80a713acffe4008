"""`.dict()` inside an annotation under PEP 563: renamed only where every name of the
annotation is a module-level name (FastAPI evaluates it in the module's globals)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.models import Item

DEFAULT = Item(name="widget", price=1.0)


def make_router() -> APIRouter:
    router = APIRouter()
    sample = Item(name="gadget", price=2.0)

    @router.get("/local")
    async def local(q: Annotated[str, Query(examples=[sample.dict()])] = ""):  # expect: FAPI601
        return {"q": q}

    return router


router = APIRouter()


@router.get("/shared")
async def shared(q: Annotated[str, Query(examples=[DEFAULT.dict()])] = ""):  # a module-level instance: fixed
    return {"q": q}
