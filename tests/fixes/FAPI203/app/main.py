"""Endpoints whose path names a parameter the function does not take."""
from fastapi import FastAPI, Request

from app.routers import stores

app = FastAPI()
app.include_router(stores.router)


@app.get("/users/{user_id:int}")
async def read_user(verbose: bool = False):
    return {"verbose": verbose}


@app.get("/files/{file_path:path}")
async def read_file(request: Request):
    return {"client": request.client}


@app.get("/sessions/{session_id:uuid}")
async def read_session():
    return {}


@app.put("/rates/{rate:float}")
async def set_rate(
    request: Request,  # the raw request
    dry_run: bool,
):
    return {"dry_run": dry_run}


@app.get("/orgs/{org_id}/teams/{team_id}")
async def read_team():
    return {}


@app.get("/search/{scope}")
async def search(q: str | None = None, *, limit: int = 10):
    return {"q": q, "limit": limit}


@app.get("/jobs/{job_id}")  # expect: FAPI203
async def read_job():
    job_id = "latest"  # a local of that name already: no fix
    return {"job": job_id}


@app.get("/classes/{class}")  # expect: FAPI203
async def read_class():
    return {}
