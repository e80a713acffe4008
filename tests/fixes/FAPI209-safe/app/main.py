"""Without --unsafe-fixes only constants every supported Starlette has are written."""
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.post("/upload", status_code=201)
async def upload(size: int, kind: str):
    if size > 10_000_000:
        raise HTTPException(413, "Too large")  # expect: FAPI209
    if kind not in ("csv", "json"):
        raise HTTPException(status_code=422, detail="Unknown kind")  # expect: FAPI209
    if kind == "json" and size == 0:
        raise HTTPException(400, "Empty file")
    return {"queued": True}


@app.get("/files/{name}")
async def read_file(name: str, start: int = 0):
    if start < 0:
        raise HTTPException(416)  # expect: FAPI209
    if len(name) > 200:
        raise HTTPException(414)  # expect: FAPI209
    raise HTTPException(404)
