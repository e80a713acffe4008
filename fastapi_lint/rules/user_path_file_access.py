"""FAPI406 user-path-file-access: request data used as a filesystem path without a
containment check (path traversal)."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.flow import Flow, FlowRule, Taint, data, has_request_functions, request_sources
from fastapi_lint.analysis.flow import PATH_GUARDS, filesystem_sinks


_FS_TOKENS = ("open(", "FileResponse", "shutil", "os.", "read_", "write_", "unlink", "rmtree", ".save(",
              "aiofiles", "zipfile", "tarfile", "mkdir", "listdir")


class _UserPathFlow(Flow):
    def on_call(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        for path, what in filesystem_sinks(self, node, receiver):
            taint = data(self.taint_of(path))
            if taint is None or taint.no_slash:
                continue
            self.report(
                node,
                f"`{what}` uses a path built from {taint.source}, which can contain `../`; resolve it and "
                "check it stays inside the base directory (`path.resolve().is_relative_to(base)`), "
                "or keep only its last component",
            )


class UserPathFileAccess(FlowRule):
    code = "FAPI406"
    name = "user-path-file-access"
    summary = "Request data used as a filesystem path without a containment check (path traversal)"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/custom-response/#fileresponse"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return has_request_functions(view.model)

    def analyse(self, function, key):
        env = request_sources(self.ctx, key, plain_path=False)
        if not env:
            return []
        return _UserPathFlow(self.ctx, function, env).run_unless(PATH_GUARDS)
