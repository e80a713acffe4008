from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

app = FastAPI()


@app.exception_handler(ValidationError)
async def on_invalid(request: Request, exc):
    return JSONResponse(status_code=422, content={"ok": False, "errors": str(exc)})
