"""`pydantic.BaseSettings` inside an annotation under PEP 563: rewritten only where every
name of the new annotation is a module-level name (FastAPI evaluates it in the module's
globals); the factory's own dependency is not one."""
from __future__ import annotations

from typing import Annotated

import pydantic
from fastapi import APIRouter, Depends


def get_settings():
    return None


def make_router(loader) -> APIRouter:
    router = APIRouter()

    @router.get("/local")
    async def local(settings: Annotated[pydantic.BaseSettings, Depends(loader)]):  # expect: FAPI604
        return {}

    return router


router = APIRouter()


@router.get("/shared")
async def shared(settings: Annotated[pydantic.BaseSettings, Depends(get_settings)]):  # fixed
    return {}
