"""Billing API: `uvicorn app.main:app`."""
import logging

from fastapi import FastAPI as F
from fastapi import Request

from app.cache import close_cache, open_cache

logger = logging.getLogger("billing")

# the public app
app = F(
    title="Billing",
    version="2.1",  # keep in sync with the changelog
)


@app.on_event("startup")  # expect: FAPI501
async def startup() -> None:
    await open_cache()
    logger.info("billing started")


@app.on_event("startup")
def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO)


@app.on_event("shutdown")
async def shutdown() -> None:
    """Close what startup opened."""
    await close_cache()


@app.middleware("http")
async def log_requests(request: Request, call_next):
    response = await call_next(request)
    logger.info("%s %s -> %s", request.method, request.url.path, response.status_code)
    return response


def create_app() -> F:
    factory_app = F(title="Billing (factory)")

    @factory_app.on_event("startup")  # expect: FAPI501
    async def warm_up() -> None:
        await open_cache()

    return factory_app
