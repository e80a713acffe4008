from typing import Optional

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Filters(BaseModel):
    status: str = "open"


@app.get("/items")
async def list_items(tags: list[str], ids: Optional[set[int]] = None, limit: int = 10):
    return {"tags": tags, "ids": ids, "limit": limit}


@app.get("/search")
async def search(filters: Filters):  # expect: FAPI220
    return filters
