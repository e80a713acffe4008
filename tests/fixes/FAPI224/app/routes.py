from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
items: dict[str, dict] = {}


class Item(BaseModel):
    name: str | None = None
    tax: float = 10.5


@app.patch("/items/{item_id}")
async def update_item(item_id: str, item: Item):
    stored = Item(**items[item_id])
    updated = stored.model_copy(update=item.model_dump())
    items[item_id] = updated.model_dump()
    return updated


@app.patch("/v1/{item_id}")
async def update_v1(item_id: str, item: Item):
    items[item_id].update(item.dict(by_alias=True))
    items[item_id].update(item.model_dump(
        by_alias=True,
    ))
    return items[item_id]
