from typing import Annotated

from fastapi import FastAPI, Query, status
from fastapi.responses import ORJSONResponse
from starlette import status as st_status

app = FastAPI(title="Inventory", default_response_class=ORJSONResponse)  # expect: FAPI507


@app.get("/search", status_code=status.HTTP_200_OK)
async def search(
    q: Annotated[str, Query(min_length=2, regex="^[a-z]+$")],  # lower-case words only
    tag: Annotated[str | None, Query(regex=None)] = None,
) -> list[str]:
    return [q]


@app.get("/both")
async def both(q: Annotated[str, Query(regex="^a", pattern="^b")]) -> list[str]:  # expect: FAPI507
    return [q]


@app.post("/import", status_code=st_status.HTTP_422_UNPROCESSABLE_ENTITY)
async def import_items() -> None:
    return None


try:
    HTTP_422 = status.HTTP_422_UNPROCESSABLE_CONTENT
except AttributeError:  # Starlette < 0.48
    HTTP_422 = status.HTTP_422_UNPROCESSABLE_ENTITY
