"""FAPI402 cors-wildcard-origin: CORS allows every origin (`allow_origins=["*"]`)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.cors import cors_settings


class CorsWildcardOrigin(Rule):
    code = "FAPI402"
    name = "cors-wildcard-origin"
    summary = "CORS allows every origin (`allow_origins=[\"*\"]`)"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/cors/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("CORSMiddleware")

    def visit_Call(self, node: cst.Call) -> None:
        settings = cors_settings(self.ctx, node)
        if settings is not None and settings[0] and not settings[1]:
            self.report(
                node,
                "CORSMiddleware allows any origin (`\"*\"`); list the origins that should call this API",
            )
