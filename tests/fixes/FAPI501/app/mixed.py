"""Hooks attached two ways: the fix would have to merge add_event_handler too, so none is offered."""
from fastapi import FastAPI

from app.cache import close_cache, open_cache

mixed_app = FastAPI(title="Mixed")
mixed_app.add_event_handler("shutdown", close_cache)  # expect: FAPI501


@mixed_app.on_event("startup")  # expect: FAPI501
async def start() -> None:
    await open_cache()
