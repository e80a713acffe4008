import fastapi
from fastapi import APIRouter as Router

router = Router(prefix='''items/''', tags=["items"])
admin = fastapi.APIRouter(prefix="//admin//")


@router.get("/")
async def list_items() -> list[dict]:
    return []
