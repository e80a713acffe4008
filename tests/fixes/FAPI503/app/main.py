from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.orders = {}
    yield
    app.state.orders.clear()


def create_app() -> FastAPI:
    return FastAPI(title="Orders", lifespan=lifespan)


app = FastAPI(title="Orders", lifespan=lifespan)


@app.get("/orders/{order_id}")
async def read_order(order_id: int) -> dict[str, int]:
    return {"id": order_id}
