"""Service endpoints: response_model= repeated from the return annotation."""
from fastapi import FastAPI as F

from app.models import ServiceInfo
from app.routers import items, reports

app = F(title="Inventory")
app.include_router(items.router)
app.include_router(reports.router)


@app.get("/info", response_model=ServiceInfo)  # the public service card
async def info() -> ServiceInfo:
    return ServiceInfo(name="inventory", version="1.0")


@app.get("/info/raw", response_model=ServiceInfo)  # ok: returns a dict that the model filters
async def info_raw() -> dict:
    return {"name": "inventory", "version": "1.0"}


@app.get(response_model=ServiceInfo, path="/info/v2", tags=["meta"])
async def info_v2() -> ServiceInfo:
    return ServiceInfo(name="inventory", version="2.0")
