"""Upload, webhook and websocket endpoints with forgotten awaits."""
import asyncio as aio
import json

from fastapi import FastAPI, Request, UploadFile as UF, WebSocket

from app.routers import uploads

app = FastAPI()
app.include_router(uploads.router)


@app.post("/files")
async def upload(file: UF) -> dict[str, int]:
    contents = file.read()  # read the whole upload
    await file.seek(0)  # already awaited: untouched
    header: bytes = file.read(512)
    text = file.read().decode()
    return {"size": len(contents) + len(header) + len(text)}


@app.post("/webhook")
async def webhook(request: Request) -> dict[str, str]:
    event = request.json()["event"]
    kind = (request.json())["kind"]
    body = request.body()
    payload = json.loads(body)
    print(f"got {request.body()!r} for {event}")
    print(f"{request.body()=}")  # expect: FAPI103
    return {"event": event, "kind": kind, "payload": payload}


@app.post("/poll")
async def poll(request: Request) -> dict[str, int]:
    ticks = 0
    while not request.is_disconnected():
        aio.sleep(0.5)
        ticks += 1
    if request.is_disconnected() and ticks:
        return {"ticks": ticks}
    size = len(await request.body())
    empty = request.body() == b""
    kind = "gone" if request.is_disconnected() else "here"
    if (data := request.body()):
        size += len(data)
    for byte in request.body():
        size += byte
    sizes = [b for b in request.body()]
    size += request.body()
    return {"ticks": ticks, "size": size + len(sizes) + empty + len(kind)}


@app.websocket("/ws")
async def echo(websocket: WebSocket) -> None:
    websocket.accept()
    pause = aio.sleep(1)
    websocket.send_json(
        {
            "type": "hello",  # greeting first
            "pause": str(pause),
        },
    )
    (websocket.send_text("ready"))
    lines = (websocket.receive_text().upper() for _ in range(3))  # expect: FAPI103
    callback = lambda: websocket.send_text("bye")  # ok: a lambda body is never flagged

    class Frame:
        raw = websocket.receive_text().upper()  # expect: FAPI103

    print(list(lines), callback, Frame)
    await websocket.close()


def sync_handler(websocket: WebSocket) -> None:
    websocket.send_text("plain def: never flagged")
