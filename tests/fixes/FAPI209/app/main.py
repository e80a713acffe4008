"""The app: no `status` import yet, one is added and merged into the fastapi import."""
from fastapi import FastAPI, HTTPException  # framework

from app.routers import items, orders, users

app = FastAPI()
app.include_router(items.router)
app.include_router(orders.router)
app.include_router(users.router)


@app.get("/health", status_code=200)
async def health():
    return {"ok": True}


@app.post(
    "/upload",
    status_code=202,  # accepted for processing
)
async def upload(size: int):
    if size > 10_000_000:
        raise HTTPException(413, "Too large")  # renamed in Starlette 0.48: unsafe
    return {"queued": True}


@app.get("/custom")
async def custom():
    raise HTTPException(299)  # ok: no named constant for 299
