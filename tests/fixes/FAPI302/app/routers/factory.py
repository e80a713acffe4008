"""`Depends(f())` inside `Annotated[...]` under PEP 563: FastAPI evaluates the annotation in
the module's globals, so a dependency defined inside the factory cannot be read there."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.db import page_size


def make_router(default: int) -> APIRouter:
    router = APIRouter()

    def local_size() -> int:
        return default

    @router.get("/local")
    def local(size: Annotated[int, Depends(local_size())]):  # expect: FAPI302
        return {"size": size}

    @router.get("/shared")
    def shared(size: Annotated[int, Depends(page_size())]):  # a module-level function: fixed
        return {"size": size}

    return router
