from typing import TYPE_CHECKING, List, Optional

from fastapi import APIRouter, status

from app import models
from app.models import Item
from app.models import ItemOut as PublicItem

if TYPE_CHECKING:
    from app.models import Tag

router = APIRouter(prefix="/items", tags=["items"])

_ITEMS: dict[int, Item] = {}


@router.get("/", response_model=list[Item], summary="All items")
async def list_items() -> list[Item]:
    return list(_ITEMS.values())


@router.get("/all", response_model=List[Item])
async def list_all_items() -> list[Item]:
    return list(_ITEMS.values())


@router.get(
    "/{item_id}",
    response_model=PublicItem,  # the public view
)
async def read_item(item_id: int) -> models.ItemOut:
    return PublicItem.model_validate(_ITEMS[item_id].model_dump())


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,  # created
    response_model=Item,
    # shown in the docs
    summary="Create an item",
)
async def create_item(item: Item) -> Item:
    _ITEMS[item.id] = item
    return item


@router.get(
    "/{item_id}/maybe",
    response_model=Optional[Item]
)
async def find_item(item_id: int) -> Item | None:
    return _ITEMS.get(item_id)


@router.get("/by-name",
            response_model=dict[str, Item],
            tags=["lookup"])
async def items_by_name() -> "dict[str, Item]":
    return {item.name: item for item in _ITEMS.values()}


@router.get("/tags", response_model=list[models.Tag])  # expect: FAPI202
async def item_tags() -> "list[Tag]":  # only imported for type checkers: FastAPI could not evaluate it
    return []


@router.get("/{item_id}/full", response_model=PublicItem)  # ok: the intended filter pattern, returns Item
async def read_item_filtered(item_id: int) -> Item:
    return _ITEMS[item_id]
