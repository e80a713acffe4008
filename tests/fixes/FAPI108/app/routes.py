import asyncio
import time

import anyio
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

app = FastAPI()


def render(order_id: int, fmt: str) -> bytes:
    time.sleep(1)
    return b""


def ping() -> None:
    time.sleep(1)


async def notify(order_id: int) -> None:
    return None


@app.get("/r/{order_id}")
async def report(order_id: int, args: list):
    await run_in_threadpool(render(order_id, "pdf"))
    await asyncio.to_thread(ping())
    await anyio.to_thread.run_sync(render(order_id, fmt="pdf"))  # expect: FAPI108
    await anyio.to_thread.run_sync(render(order_id, "pdf"), abandon_on_cancel=True)
    await asyncio.get_running_loop().run_in_executor(None, render(*args))
    await run_in_threadpool(render(order_id, "pdf"), extra=1)  # expect: FAPI108
    await run_in_threadpool(notify(order_id))  # expect: FAPI108
    await run_in_threadpool(render(order_id,  # expect: FAPI108
                                   "pdf"))  # a comment inside stays, so no fix
    return {}
