from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/jobs")
status = {"running": 0}  # a module variable named status: no `status` import can be added


@router.post("/", status_code=202)  # expect: FAPI209
async def start_job():
    status["running"] += 1
    if status["running"] > 10:
        raise HTTPException(429, "Too many jobs")  # expect: FAPI209
    return status
