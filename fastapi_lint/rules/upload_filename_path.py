"""FAPI405 upload-filename-path: `UploadFile.filename` used to build a filesystem path (path
traversal)."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.data.taint import (
    FILENAME_SANITISERS,
    FS_PATH_METHODS,
    FS_SAVE_METHODS,
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    PROPAGATING_FUNCTIONS,
    PROPAGATING_METHODS,
)
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.flow import UPLOAD, UPLOADS, Flow, FlowRule, Taint, data, spelled, upload_sources
from fastapi_lint.analysis.flow import PATH_GUARDS, filesystem_sinks


# Methods of a tainted path that touch the filesystem (besides FS_PATH_METHODS).
_PATH_PROBES = frozenset({"exists", "is_file", "is_dir", "stat", "lstat", "samefile"})


class _UploadFlow(Flow):
    track_builders = True

    def attribute(self, node: cst.Attribute, base: Taint | None) -> Taint | None:
        if base is not None and base.kind in (UPLOAD, UPLOADS):
            if base.kind == UPLOAD and node.attr.value == "filename":
                return Taint(f"`{spelled(self.ctx, node)}`")
            return None
        return super().attribute(node, base)

    def method(self, node, receiver, name, args):
        if receiver.kind in (UPLOAD, UPLOADS):
            return None
        return super().method(node, receiver, name, args)

    def on_call(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        for path, what in filesystem_sinks(self, node, receiver):
            taint = data(self.taint_of(path))
            if taint is None or taint.no_slash:
                continue
            if taint.builders:
                self.report_builders(taint)
            else:
                self.report(
                    node,
                    f"`{what}` uses a path built from the client-supplied {taint.source}, which can contain "
                    "`../` or be absolute; keep only its last component (`Path(name).name`) or generate the "
                    "file name",
                )
        if self._passes_through(node, receiver):
            return
        for taint in (receiver, *args):
            taint = data(taint)
            if taint is not None and taint.builders and not taint.no_slash:
                self.report_builders(taint)

    def _passes_through(self, node: cst.Call, receiver: Taint | None) -> bool:
        """The call only derives a value from its tainted inputs (no filesystem or outside use)."""
        func = node.func
        qualname = self.qualname(func)
        if qualname in PATH_CONSTRUCTORS or qualname in PATH_JOINS or qualname in PROPAGATING_FUNCTIONS:
            return True
        if qualname in FILENAME_SANITISERS:
            return True
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if data(receiver) is not None:
                return name not in FS_PATH_METHODS and name not in _PATH_PROBES and name not in FS_SAVE_METHODS
            return name in PROPAGATING_METHODS
        return False

    def on_return(self, node: cst.BaseExpression, taint: Taint | None) -> None:
        taint = data(taint)
        if taint is not None and taint.builders and not taint.no_slash:
            self.report_builders(taint)

    def report_builders(self, taint: Taint) -> None:
        for builder in taint.builders:
            if isinstance(builder, cst.Call):
                how = f"`{spelled(self.ctx, builder.func)}()`"
            else:
                how = "`/`"
            self.report(
                builder,
                f"{how} builds a filesystem path from the client-supplied {taint.source}, which can contain "
                "`../` or be absolute; keep only its last component (`Path(name).name`) or generate the file name",
            )


class UploadFilenamePath(FlowRule):
    code = "FAPI405"
    name = "upload-filename-path"
    summary = "`UploadFile.filename` used to build a filesystem path (path traversal)"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/request-files/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("filename") and any(
            upload_sources(view.project, view.model, key) for key in view.facts.functions)

    def analyse(self, function, key):
        env = upload_sources(self.ctx.project, self.ctx.model, key)
        if not env:
            return []
        return _UploadFlow(self.ctx, function, env).run_unless(PATH_GUARDS)
