"""Polling endpoints that wait between retries."""
import time
import time as clock
from typing import Optional  # keep this import where it is

from fastapi import FastAPI

app = FastAPI()


@app.get("/jobs/{job_id}")
async def wait_for_job(job_id: str) -> dict[str, str]:
    for _ in range(3):
        time.sleep(0.5)  # expect: FAPI101
    clock.sleep(1)  # expect: FAPI101
    return {"job": job_id}


@app.get("/report")
async def build_report(delay: Optional[float] = None) -> dict[str, str]:
    with open("report.txt") as handle:  # expect: FAPI101
        text = handle.read()
    return {"report": text}


def sync_helper() -> None:
    time.sleep(1)  # plain def: not flagged, not touched
