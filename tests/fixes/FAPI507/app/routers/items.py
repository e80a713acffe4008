from fastapi import APIRouter, Body, HTTPException, Path
from fastapi.status import HTTP_404_NOT_FOUND, HTTP_413_REQUEST_ENTITY_TOO_LARGE

router = APIRouter(prefix="/items")


@router.get("/{sku}")
async def read_item(sku: str = Path(..., example="ABC-1234")) -> dict[str, str]:
    if not sku:
        raise HTTPException(status_code=HTTP_404_NOT_FOUND)
    return {"sku": sku}


@router.put("/{sku}")
async def replace_item(sku: str, body: dict = Body(..., example={"name": "Widget"})) -> dict:
    if len(body) > 100:
        raise HTTPException(status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE)  # too many fields
    return body
