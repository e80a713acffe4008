from fastapi import Request
from fastapi.responses import JSONResponse


async def envelope(request: Request, exc: Exception) -> JSONResponse:
    status_code = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "Internal error")
    return JSONResponse({"error": {"code": status_code, "message": detail}}, status_code=status_code)
