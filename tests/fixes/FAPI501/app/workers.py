"""Worker API: a startup-only app, constructed on one line."""
from contextlib import asynccontextmanager

import fastapi

from app.cache import open_cache

worker_app = fastapi.FastAPI(title="Billing workers")


@worker_app.on_event("startup")
async def warm_cache() -> None:
    await open_cache()
