"""FAPI214 upload-as-bytes: a ``bytes`` parameter with ``File()`` reads the whole upload into memory."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.parameters import cst_param, element_types, fastapi_params


class UploadAsBytes(Rule):
    code = "FAPI214"
    name = "upload-as-bytes"
    summary = "`bytes` + `File()` parameter reads the whole upload into memory; use `UploadFile`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/request-files/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for param in fastapi_params(self.ctx, node):
            if param.marker != "fastapi.File":
                continue
            facts, scope = param.home
            types = element_types(self.ctx.project, facts, scope, param.type_value)
            if not types or any(name != "builtins.bytes" for name, _ in types):
                continue
            cst_node = cst_param(node, param.name)
            if cst_node is None:
                continue
            many = any(in_sequence for _, in_sequence in types)
            declared, instead = ("list[bytes]", "list[UploadFile]") if many else ("bytes", "UploadFile")
            self.report(
                cst_node,
                f"`{param.name}` is declared as `{declared}` with `File()`, so FastAPI reads the whole upload "
                f"into memory before `{node.name.value}` runs; declare it as `{instead}` and read or stream it "
                "in chunks",
            )
