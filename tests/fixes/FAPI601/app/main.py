"""Item endpoints, still written against the Pydantic v1 API."""
from fastapi import FastAPI

from app import models
from app.models import Item, UserRecord

app = FastAPI()


@app.post("/items")
def create_item(item: Item) -> dict:
    data = item.dict(  # keep the arguments
        exclude_unset=True,
        by_alias=True,
    )
    text = item.json(indent=2)  # expect: FAPI601
    return {"data": data, "text": text}


@app.post("/import")
def import_item(raw: str, row: object) -> dict:
    first = models.Item.parse_obj({"name": "a", "price": 1})
    second = Item.parse_raw(raw)
    third = Item.from_orm(row)
    user = UserRecord.from_orm(row)
    clone = first.copy(update={"price": 2.0}, deep=True)
    partial = first.copy(include={"name"})  # expect: FAPI601
    Item.update_forward_refs()
    return {"schema": Item.schema(by_alias=False), "items": [second, third, clone, partial, user]}
