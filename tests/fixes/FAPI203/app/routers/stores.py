from fastapi import APIRouter

router = APIRouter(prefix="/stores/{store_id}", tags=["stores"])


@router.get("/items")
async def list_items(
    limit: int = 20,
    offset: int = 0
):
    return {"limit": limit, "offset": offset}


@router.get("/items/{item_id}")
async def read_item(item_id: int, store_id: str):  # ok: both path parameters are taken
    return {"store": store_id, "item": item_id}
