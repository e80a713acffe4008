"""FAPI306 sync-dependency (opt-in): a plain ``def`` dependency that does no blocking work
but still costs a threadpool round trip on every request."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

# Builtins that compute from their arguments only (no I/O, no user callbacks).
PURE_BUILTINS = frozenset(
    f"builtins.{name}"
    for name in (
        "len", "str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "set", "frozenset",
        "isinstance", "issubclass", "min", "max", "abs", "sum", "any", "all", "sorted", "reversed",
        "enumerate", "zip", "range", "round", "repr", "hasattr", "getattr", "callable", "divmod",
        "hash", "id", "chr", "ord", "hex", "bin", "oct", "type", "format",
    )
)
# Values of these types have only pure methods (``token.split()``, ``data.get("k")``).
PURE_RECEIVERS = frozenset(
    f"builtins.{name}" for name in ("str", "bytes", "int", "float", "bool", "dict", "list", "tuple", "set", "frozenset")
)
EXCEPTION_BASES = frozenset({
    "builtins.BaseException", "builtins.Exception", "fastapi.HTTPException",
    "starlette.exceptions.HTTPException", "fastapi.exceptions.RequestValidationError",
    "fastapi.exceptions.WebSocketException", "fastapi.WebSocketException",
})


class SyncDependency(Rule):
    code = "FAPI306"
    name = "sync-dependency"
    summary = "Plain `def` dependency with no blocking work still runs in the threadpool"
    severity = Severity.WARNING
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/async/#dependencies"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        model = view.model
        return any(
            not f.is_async and not f.decorators and model.is_dependency(f.key) for f in view.facts.functions.values()
        )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._candidates: dict[int, bool] = {}  # id(def) -> still clean


    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None or node.decorators:
            return
        key = self.ctx.key_of(node)
        if self.ctx.model.is_dependency(key) and self.ctx.model.function(key) is not None:
            self._candidates[id(node)] = True

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._candidates.pop(id(node), False):
            self.report(
                node.name,
                f"Dependency `{node.name.value}` does no blocking work, yet as a plain `def` FastAPI runs it in "
                "the threadpool on every request; declare it `async def`",
            )

    def _taint(self) -> None:
        function = self.ctx.function_node
        if function is not None and id(function) in self._candidates:
            self._candidates[id(function)] = False

    def visit_Call(self, node: cst.Call) -> None:
        function = self.ctx.function_node
        if function is None or id(function) not in self._candidates:
            return
        if not self._pure_call(node):
            self._candidates[id(function)] = False

    def visit_With(self, node: cst.With) -> None:
        self._taint()  # entering a context manager may block (locks, files, sessions)

    def visit_Import(self, node: cst.Import) -> None:
        self._taint()

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._taint()

    def visit_Await(self, node: cst.Await) -> None:
        self._taint()

    def _pure_call(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, (cst.SimpleString, cst.FormattedString)):
            return True  # "".join(...), f"...".format(...)
        callee = self.ctx.callee(call)
        if callee is None:
            return False
        if callee.receiver_type is not None:
            return canonical(callee.receiver_type) in PURE_RECEIVERS
        if not callee.qualname:
            return False
        qualname = canonical(callee.qualname)
        if qualname in PURE_BUILTINS:
            return True
        if qualname.startswith("builtins.") and qualname.endswith(("Error", "Exception", "Warning")):
            return True
        return self.ctx.project.is_subclass(qualname, EXCEPTION_BASES)
