import typing
from typing import Annotated, Callable, Literal

from fastapi import APIRouter, Body, Depends, Header, Query

from app import models
from app.types import SearchTerm, Sorter

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(
    q: str = None,  # free text
    tags: list[str] = Query(default=None),
    lang: Annotated[str, Query(max_length=2)] = None,
    order: typing.Annotated[Literal["asc", "desc"], Query()] = None,
    title: SearchTerm = None,  # expect: FAPI212
    label: "str" = None,  # ok: a string annotation is not read
    limit: int = 10,  # ok: not None
):
    return []


@router.put("/{item_id}")
async def update_item(
    item_id: int,
    item: models.Item = Body(None),
    kind: int | str = None,
    x_request_id: str = Header(default=None),  # sent by the proxy
):
    return item


def get_sorter(key: Callable[..., int] = None, sorter: Sorter = None) -> None:
    return None


@router.get("/sorted")
async def sorted_items(sorter: None = Depends(get_sorter)):
    return []
