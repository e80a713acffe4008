"""A status number inside an annotation under PEP 563: `status.HTTP_404_NOT_FOUND` may only
be written where `status` is a module-level name (FastAPI evaluates the annotation in the
module's globals)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException


def fail_with(error: HTTPException):
    def dependency() -> None:
        raise error

    return dependency


def make_router() -> APIRouter:
    from fastapi import status

    router = APIRouter()

    @router.get("/local")
    async def local(_: Annotated[None, Depends(fail_with(HTTPException(404)))]):  # expect: FAPI209
        return {"status": status.HTTP_200_OK}

    return router


router = APIRouter()


@router.get("/shared")
async def shared(_: Annotated[None, Depends(fail_with(HTTPException(404)))]):  # a new top-level import: fixed
    return {}
