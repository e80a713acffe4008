"""Order endpoints."""
import fastapi
from fastapi import APIRouter, Depends, Security

from app import db as database
from app.db import audit_request, get_current_user, get_settings, page_size
from app.deps import DbSession

router = APIRouter(prefix="/orders", dependencies=[Depends(audit_request())])


@router.get("/")
def list_orders(
    db: DbSession,
    settings=fastapi.Depends(
        get_settings(),  # cached settings
        use_cache=True,
    ),
    user=Security(get_current_user()),
):
    return {"page_size": settings.page_size, "user": user}


@router.get("/session")
def session_info(
    db=Depends(dependency=database.get_db()),
    raw=Depends((database.get_db())),
):
    return {}


@router.get("/page")
def page(size: int = Depends(page_size(50))):  # expect: FAPI302
    return {"size": size}


@router.get("/page/commented")
def page_commented(size: int = Depends(page_size(  # expect: FAPI302
    # no arguments, but a comment inside the call would be lost
))):
    return {"size": size}


@router.get("/ok")
def ok(size: int = Depends(page_size)):  # ok: the function itself is passed
    return {"size": size}
