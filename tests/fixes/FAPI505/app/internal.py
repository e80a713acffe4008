from fastapi import FastAPI
from fastapi import HTTPException as FastAPIHTTPException

from app.errors import envelope

internal = FastAPI(title="Catalog internal")
internal.add_exception_handler(FastAPIHTTPException, envelope)  # expect: FAPI505
