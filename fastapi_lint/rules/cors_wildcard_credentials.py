"""FAPI401 cors-wildcard-credentials: CORS allows every origin together with credentials."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.cors import cors_settings


class CorsWildcardCredentials(Rule):
    code = "FAPI401"
    name = "cors-wildcard-credentials"
    summary = "CORS allows every origin together with credentials"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/cors/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("CORSMiddleware")

    def visit_Call(self, node: cst.Call) -> None:
        settings = cors_settings(self.ctx, node)
        if settings == (True, True):
            self.report(
                node,
                "CORSMiddleware allows any origin with `allow_credentials=True`: every website can make "
                "authenticated requests and read the responses; list the trusted origins explicitly",
            )
