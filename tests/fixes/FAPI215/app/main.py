"""Application entry point."""
import fastapi
from fastapi.responses import JSONResponse

from app.routers import webhooks

app = fastapi.FastAPI()
app.include_router(webhooks.router)


@app.api_route("/items", methods=("get",))  # list everything
def list_items() -> list:
    return []


@app.route("/legacy-upload", methods=["POST"])  # raw request, no validation
async def legacy_upload(request: fastapi.Request) -> JSONResponse:
    return JSONResponse({"ok": True})


@app.api_route("/multi", methods=["GET", "POST"])  # ok: two methods
def multi() -> dict:
    return {}
