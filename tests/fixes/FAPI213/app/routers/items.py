from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends  # markers come from fastapi
from pydantic import Field
from pydantic import Field as F

from app.deps import get_pagination
from app.models import Item

router = APIRouter(prefix="/items")


class Color(str, Enum):
    red = "red"


@router.get("/")
async def list_items(
    q: str | None = Field(None, max_length=50),  # free text
    limit: int = F(10, ge=1, description="page size"),
    offset: Annotated[int, Field(ge=0)] = 0,
    tags: list[str] = Field(default_factory=list),
    color: Color = Field(Color.red),
    secret: str = Field("", exclude=True),  # expect: FAPI213
    pagination: dict = Depends(get_pagination),
):
    return []


@router.put("/{item_id}")
async def update_item(
    item_id: int = Field(..., gt=0),
    item: Item = Field(
        ...,
        description="the new item",
    ),
    extra: dict = Field(None),
) -> Item:
    return item
