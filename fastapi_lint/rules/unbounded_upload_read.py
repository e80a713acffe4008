"""FAPI225 unbounded-upload-read (opt-in): ``await file.read()`` with no size on an ``UploadFile``
parameter of a path operation or dependency reads the whole upload into memory."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.parameters import UPLOAD_FILES, element_types, fastapi_function, params_of
from fastapi_lint.rule import Rule, Severity


# words in the name of a function an upload is handed to that say it checks its size
_SIZE_CHECK_WORDS = ("size", "limit")


class UnboundedUploadRead(Rule):
    code = "FAPI225"
    name = "unbounded-upload-read"
    summary = "`await file.read()` reads a whole upload into memory; read it in chunks or check its size"
    severity = Severity.WARNING
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/request-files/#uploadfile"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        # `read` (an attribute the body reads), not `UploadFile`: the type may come from an alias
        return view.mentions("read") and view.has_functions_fastapi_calls

    def __init__(self, ctx):
        super().__init__(ctx)
        # per enclosing def: (names of single uploads, names of upload lists), or None
        self._frames: list[tuple[set[str], set[str]] | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(self._uploads(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def _uploads(self, node: cst.FunctionDef) -> tuple[set[str], set[str]] | None:
        function = fastapi_function(self.ctx, node)
        if function is None or "size" in function.attributes:
            return None  # `if file.size > LIMIT: raise ...` bounds the read
        single, lists = set(), set()
        for param in params_of(self.ctx, function):
            types = element_types(self.ctx.project, *param.home, param.type_value)
            if not types or not all(name in UPLOAD_FILES for name, _ in types):
                continue
            if all(in_sequence for _, in_sequence in types):
                lists.add(param.name)
            elif not any(in_sequence for _, in_sequence in types):
                single.add(param.name)
        return (single, lists) if single or lists else None

    def visit_For(self, node: cst.For) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is not None and isinstance(node.iter, cst.Name) and node.iter.value in frame[1] \
                and isinstance(node.target, cst.Name):
            frame[0].add(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        # `check_file_size_under_limit(file=file)` before the read: a size check of its own
        frame = self._frames[-1] if self._frames else None
        if frame is None:
            return
        callee = node.func.attr.value if isinstance(node.func, cst.Attribute) else \
            node.func.value if isinstance(node.func, cst.Name) else ""
        if not any(word in callee.lower() for word in _SIZE_CHECK_WORDS):
            return
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                frame[0].discard(arg.value.value)
                frame[1].discard(arg.value.value)

    def visit_Await(self, node: cst.Await) -> None:
        frame = self._frames[-1] if self._frames else None
        call = node.expression
        if frame is None or not isinstance(call, cst.Call) or call.args:
            return
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "read" and isinstance(func.value, cst.Name)
                and func.value.value in frame[0]):
            return
        name = func.value.value
        self.report(
            node,
            f"`await {name}.read()` reads the whole upload into memory: one large file (or a few at once) can "
            f"exhaust the server's memory; check `{name}.size` against a limit first, or read it in chunks "
            f"(`while chunk := await {name}.read(1024 * 1024):`)",
        )
