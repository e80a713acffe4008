"""Router factories under PEP 563: FastAPI evaluates each (string) annotation in the
module's globals, so an annotation naming a factory parameter, a closure variable, a
class-body name or a `TYPE_CHECKING`-only import cannot be read, and a marker moved into
it would be lost: `admin` would become a required query parameter and `guard` never run.
No fix is offered here; every finding stays."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Callable

from fastapi import APIRouter, Depends

from app.deps import get_db

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def make_router(guard: Callable[[], str]) -> APIRouter:
    router = APIRouter()

    @router.get("/admin")
    async def admin_page(admin: str = Depends(guard)) -> dict:  # expect: FAPI301
        return {"admin": admin}

    return router


def make_role_router(role: str) -> APIRouter:
    router = APIRouter()

    def require_role() -> str:
        return role

    checker = require_role

    @router.get("/role")
    async def role_page(user: str = Depends(checker)) -> dict:  # expect: FAPI301
        return {"user": user}

    @router.get("/role-direct")
    async def role_direct(user: str = Depends(require_role)) -> dict:  # expect: FAPI301
        return {"user": user}

    return router


class AdminViews:
    router = APIRouter()

    def current_admin() -> str:
        return "root"

    @router.get("/views")
    async def views(admin: str = Depends(current_admin)) -> dict:  # expect: FAPI301
        return {"admin": admin}


typed_router = APIRouter()


@typed_router.get("/typed")
async def typed(db: Session = Depends(get_db)) -> dict:  # expect: FAPI301
    return {}


@typed_router.get("/later")
async def later(item: Later = Depends(get_db)) -> dict:  # expect: FAPI301
    return {}


class Later:
    pass
