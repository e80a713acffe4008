"""An included router has its own startup hook: a lifespan on the app would silently drop it."""
from fastapi import APIRouter, FastAPI

from app.cache import open_cache

router = APIRouter(prefix="/webhooks", on_startup=[open_cache])  # expect: FAPI501
webhooks_app = FastAPI(title="Webhooks")
webhooks_app.include_router(router)


@webhooks_app.on_event("startup")  # expect: FAPI501
async def start() -> None:
    print("webhooks ready")
