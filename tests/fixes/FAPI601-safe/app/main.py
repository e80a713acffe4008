"""Unsafe FAPI601 fixes are not applied without --unsafe-fixes."""
from fastapi import FastAPI

from app.models import Item, UserRecord

app = FastAPI()


@app.post("/import")
def import_item(raw: str, row: object) -> dict:
    second = Item.parse_raw(raw)  # expect: FAPI601
    user = UserRecord.from_orm(row)  # expect: FAPI601
    third = Item.from_orm(row)
    return {"items": [second, third, user]}
