"""Mounting the routers."""
from fastapi import FastAPI

from app import config
from app.routers import items

VERSION = "2"

app = FastAPI(title="Shop")

app.include_router(items.router, prefix="api/")  # mounted under /api
app.include_router(items.router, prefix='/')
app.include_router(items.admin, prefix=r"admin")
app.include_router(items.router, prefix="/v1")  # ok: well-formed
app.include_router(items.router, prefix=config.API_PREFIX)  # expect: FAPI210
app.include_router(items.router, prefix="/api" + "/shop/")  # expect: FAPI210
app.include_router(items.router, prefix=f"v{VERSION}")  # expect: FAPI210
app.include_router(
    items.admin,
    prefix="/internal/",  # staff only
    tags=["internal"],
)
