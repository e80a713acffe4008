from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/reports")


class Report(BaseModel):
    title: str


@router.get("/latest", response_model=Report)
def latest_report() -> Report:
    return Report(title="weekly")


def versioned_router(version: str) -> APIRouter:
    versioned = APIRouter(prefix=f"/{version}/reports")

    class VersionedReport(BaseModel):
        title: str
        version: str

    @versioned.get("/latest", response_model=VersionedReport)  # expect: FAPI202
    def latest_versioned() -> VersionedReport:  # a local class: FastAPI cannot evaluate the string
        return VersionedReport(title="weekly", version=version)

    return versioned


class ArchiveViews:
    archive = APIRouter(prefix="/archive")

    class Archived(BaseModel):
        title: str

    @archive.get("/latest", response_model=Archived)  # expect: FAPI202
    def latest_archived() -> Archived:  # a class-body name: not in the module's globals either
        return ArchiveViews.Archived(title="old")
