"""FAPI412 debug-enabled: ``FastAPI(debug=True)`` / ``Starlette(debug=True)`` sends
tracebacks to clients."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.data.fastapi_names import APP_CLASSES
from fastapi_lint.rule import Rule, Severity


class DebugEnabled(Rule):
    code = "FAPI412"
    name = "debug-enabled"
    summary = "`FastAPI(debug=True)` sends tracebacks of server errors to clients"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/reference/fastapi/"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._branches = 0  # enclosing if/match statements and conditional expressions

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.keyword_argument("debug", value="True") and view.may_use("fastapi", "starlette")

    # `if in_debug_mode(): app = FastAPI(debug=True)` is already a switch: only an app that is
    # in debug mode whatever the environment is flagged.
    def visit_If(self, node: cst.If) -> None:
        self._branches += 1

    def leave_If(self, original_node: cst.If) -> None:
        self._branches -= 1

    def visit_Match(self, node: cst.Match) -> None:
        self._branches += 1

    def leave_Match(self, original_node: cst.Match) -> None:
        self._branches -= 1

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._branches += 1

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self._branches -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self._branches:
            return
        arg = call_keyword(node, "debug")
        if arg is None or not (isinstance(arg.value, cst.Name) and arg.value.value == "True"):
            return  # only a literal True: settings and environment switches are the right way
        callee = self.ctx.callee(node)
        if callee is None or callee.receiver_type is not None or callee.qualname is None:
            return
        if not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES):
            return
        spelled = dotted_name(node.func) or callee.qualname
        self.report(
            arg,
            f"`{spelled}(debug=True)` sends the traceback of every server error to the client "
            f"(source lines, paths, local names); drive it from settings that are off in production, or leave it out",
        )
