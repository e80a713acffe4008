"""`regex=` -> `pattern=` inside `Annotated[...]` under PEP 563: only where FastAPI can
evaluate the annotation in the module's globals."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

SKU = "^[A-Z]+$"


def make_router(pattern: str) -> APIRouter:
    router = APIRouter()

    @router.get("/local")
    async def local(q: Annotated[str, Query(regex=pattern)]):  # expect: FAPI507
        return {"q": q}

    @router.get("/shared")
    async def shared(q: Annotated[str, Query(regex=SKU)]):  # a module-level constant: fixed
        return {"q": q}

    return router
