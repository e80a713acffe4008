import fastapi
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import envelope

admin = fastapi.FastAPI(
    title="Catalog admin",
    exception_handlers={fastapi.HTTPException: envelope, 500: envelope},
)

reports = fastapi.FastAPI(
    exception_handlers={fastapi.HTTPException: envelope, StarletteHTTPException: envelope},  # expect: FAPI505
)


def raise_missing() -> None:
    raise StarletteHTTPException(status_code=404)
