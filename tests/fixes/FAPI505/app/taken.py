from fastapi import FastAPI, HTTPException

from app.errors import envelope


class StarletteHTTPException(Exception):
    """Our own class that happens to have the name the fix would import."""


partners = FastAPI(title="Partners")
partners.add_exception_handler(HTTPException, envelope)  # expect: FAPI505
