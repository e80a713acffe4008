from typing import Annotated

import fastapi
from fastapi import APIRouter, Body, Depends, Header, Path, Query, Security
from sqlalchemy.orm import Session

from app.deps import get_db, get_user
from app.models import Item

router = APIRouter(prefix="/items")


@router.get("/{item_id}")
async def read_item(
    item_id: int = Path(..., ge=1),
    db: Session = Depends(get_db),  # the session
    q: str | None = Query(None, max_length=50),  # search text
    verbose: bool = Query(
        default=False,
        alias="v",
    ),
    flag: Annotated[bool, "shown in docs"] = fastapi.Query(False),
    lang: Annotated[str, Query()] = Query("en"),  # expect: FAPI301
) -> dict:
    return {"id": item_id}


@router.post("/")
async def create_item(
    item: Item,
    limit: int = Query(10),  # page size
    db: Session = Depends(get_db),  # the session
    user=Security(get_user, scopes=["items"]),
    *,
    token: str = Header(...),
    note: str = Body(""),
    dry_run: bool = False,
) -> Item:
    return item
