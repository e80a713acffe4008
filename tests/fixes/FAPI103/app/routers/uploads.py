"""Uploads router: the file type is Starlette's, imported under an alias."""
from fastapi import APIRouter
from starlette.datastructures import UploadFile as Upload

router = APIRouter(prefix="/uploads")


@router.post("/")
async def store(file: Upload) -> dict[str, int]:
    data = file.read(
        1024,  # first chunk only
    )
    file.close()
    return {"size": len(data)}
