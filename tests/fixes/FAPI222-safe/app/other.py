from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

app = FastAPI()


async def on_invalid(request, exc):
    errors = exc.errors()
    return JSONResponse({"detail": errors}, status_code=422)


app.add_exception_handler(RequestValidationError, on_invalid)
