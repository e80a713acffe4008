from fastapi import FastAPI, HTTPException

app = FastAPI()
ITEMS = {"a": 1}


@app.get("/items/{name}")
def read_item(name: str):
    if name not in ITEMS:
        return HTTPException(status_code=404, detail="not found")  # a comment stays
    if not name:
        return  HTTPException(400); x = 1
    return {"value": ITEMS[name]}
