"""The public catalog app."""
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from app.errors import envelope  # shared error body

app = FastAPI(title="Catalog")


@app.exception_handler(HTTPException)  # reshape every HTTP error
async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


@app.get("/items/{item_id}")
async def read_item(item_id: int) -> dict[str, int]:
    if item_id < 0:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"id": item_id}


legacy = FastAPI(title="Legacy catalog")
legacy.add_exception_handler(
    HTTPException,  # legacy clients expect the envelope
    envelope,
)
