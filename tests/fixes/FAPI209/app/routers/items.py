from fastapi import APIRouter, HTTPException, Response
from starlette import status as http_status

router = APIRouter(prefix="/items")
ITEMS: dict[int, str] = {}


@router.post("/", status_code=201)
async def create_item(name: str):
    ITEMS[len(ITEMS) + 1] = name
    return {"id": len(ITEMS)}


@router.get("/{item_id}")
async def read_item(item_id: int):
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    if item_id < 0:
        raise HTTPException(422, "negative id")
    return {"name": ITEMS[item_id]}


@router.delete("/{item_id}")
async def delete_item(item_id: int):
    ITEMS.pop(item_id, None)
    return Response(status_code=204)
