"""FAPI405 upload-filename-path and FAPI406 user-path-file-access: client-chosen names
and paths used to build filesystem paths (path traversal)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastapi_lint.data.taint import (
    FILENAME_SANITISERS,
    FS_FUNCTIONS,
    FS_PATH_METHODS,
    FS_SAVE_METHODS,
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    PROPAGATING_FUNCTIONS,
    PROPAGATING_METHODS,
)
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.flow import (
    DATA,
    UPLOAD,
    UPLOADS,
    Flow,
    FlowRule,
    Taint,
    arg_at,
    data,
    has_request_functions,
    request_sources,
    spelled,
    string_literal,
    upload_sources,
)

# Checks after which the function is taken to guard its paths.
_PATH_GUARDS = frozenset({"containment", "traversal", "membership", "validation"})
# Methods of a tainted path that touch the filesystem (besides FS_PATH_METHODS).
_PATH_PROBES = frozenset({"exists", "is_file", "is_dir", "stat", "lstat", "samefile"})
_FS_TOKENS = ("open(", "FileResponse", "shutil", "os.", "read_", "write_", "unlink", "rmtree", ".save(",
              "aiofiles", "zipfile", "tarfile", "mkdir", "listdir")


def _short(qualname: str) -> str:
    for prefix in ("builtins.", "starlette.responses."):
        if qualname.startswith(prefix):
            return qualname[len(prefix):]
    return qualname


def filesystem_sinks(flow: Flow, node: cst.Call, receiver: Taint | None) -> Iterator[tuple[cst.CSTNode, str]]:
    """``(path expression, how the sink is named)`` for each path a call hands to the filesystem."""
    func = node.func
    qualname = flow.qualname(func)
    if qualname in FS_FUNCTIONS:
        for position, keyword in FS_FUNCTIONS[qualname]:
            arg = arg_at(node, position, keyword)
            if arg is not None:
                yield arg.value, f"{_short(qualname)}()"
        return
    if not isinstance(func, cst.Attribute):
        return
    name = func.attr.value
    if receiver is not None and receiver.kind == DATA and receiver.is_path and name in FS_PATH_METHODS:
        yield func.value, f".{name}()"
    elif name in FS_SAVE_METHODS and receiver is None:
        arg = arg_at(node, 0, None)
        if arg is not None and _spells_a_path(arg.value):
            yield arg.value, f".{name}()"


def _spells_a_path(node: cst.CSTNode) -> bool:
    """An f-string or concatenation with a literal ``/`` in it (``f"uploads/{name}"``)."""
    if isinstance(node, cst.FormattedString):
        return any(isinstance(p, cst.FormattedStringText) and "/" in p.value for p in node.parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return any(string_literal(side) is not None and "/" in string_literal(side) or _spells_a_path(side)
                   for side in (node.left, node.right))
    return False


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
    triggers = ("filename",)

    def analyse(self, function, key):
        env = upload_sources(self.ctx, key)
        if not env:
            return []
        flow = _UploadFlow(self.ctx, function, env)
        findings = flow.run()
        if flow.guards & _PATH_GUARDS:
            return []
        return findings


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
    def applies_to(cls, text: str, model: ModuleModel) -> bool:
        return any(token in text for token in _FS_TOKENS) and has_request_functions(model)

    def analyse(self, function, key):
        env = request_sources(self.ctx, key, plain_path=False)
        if not env:
            return []
        flow = _UserPathFlow(self.ctx, function, env)
        findings = flow.run()
        if flow.guards & _PATH_GUARDS:
            return []
        return findings
