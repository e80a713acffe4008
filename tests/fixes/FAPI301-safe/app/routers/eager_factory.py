"""Without `from __future__ import annotations` the annotation is evaluated when the def
runs, in the factory's scope: moving `Depends(guard)` into it is safe. A string forward
reference is still evaluated later, in the module's globals."""
from typing import Annotated, Callable

from fastapi import APIRouter, Depends


def make_router(guard: Callable[[], str]) -> APIRouter:
    router = APIRouter()

    class Admin(str):
        pass

    @router.get("/admin")
    async def admin_page(admin: str = Depends(guard)) -> dict:
        return {"admin": admin}

    @router.get("/admins")
    async def admins_page(admins: list["Admin"] = Depends(guard)) -> dict:  # expect: FAPI301
        return {"admins": admins}

    return router
