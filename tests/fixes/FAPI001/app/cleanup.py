"""Only FAPI001 runs on this case: unknown FAPI codes and the engine's own codes go,
every other code stays."""

import asyncio

from fastapi import APIRouter

router = APIRouter()


@router.get("/ping")  # noqa: FAPI999
async def ping() -> dict[str, str]:
    await asyncio.sleep(0)  # noqa: FAPI1010, E501
    # noqa: FAPI000
    await asyncio.sleep(0)  # type: ignore[misc]  # noqa: FAPI900
    await asyncio.sleep(0)  # noqa:FAPI998,FAPI101 -- kept: FAPI101 is not enabled in this run
    await asyncio.sleep(0)  # noqa: FAPI997 - limiter, see #12
    return {"status": "ok"}  # noqa: FAPI001, FAPI996
