"""`lifespan` already names something else here: no fix."""
from fastapi import FastAPI

from app.cache import open_cache

lifespan = "managed by the platform"
taken_app = FastAPI(title="Taken")


@taken_app.on_event("startup")  # expect: FAPI501
async def start() -> None:
    await open_cache()
