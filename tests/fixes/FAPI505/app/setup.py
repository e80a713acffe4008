"""Handlers registered by a helper on whatever app it is given."""
from fastapi import FastAPI, HTTPException

from app.errors import envelope


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, envelope)  # expect: FAPI505
