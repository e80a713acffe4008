from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

app = FastAPI()


def jsonable_encoder(value):
    return value


@app.exception_handler(RequestValidationError)
async def on_invalid(request, exc):
    return JSONResponse({"detail": exc.errors()})  # expect: FAPI222
