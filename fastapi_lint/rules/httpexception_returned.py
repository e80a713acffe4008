"""FAPI219 httpexception-returned: ``return HTTPException(...)`` in a path operation or
dependency sends a 200 with the exception's attributes instead of the error."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.security import HTTP_EXCEPTIONS
from fastapi_lint.fixes import Fix
from fastapi_lint.rule import Applicability, Rule, Severity


class HttpExceptionReturned(Rule):
    code = "FAPI219"
    name = "httpexception-returned"
    summary = "`return HTTPException(...)` sends 200 with the exception as JSON; `raise` it"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/handling-errors/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if not isinstance(value, cst.Call):
            return
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return  # module level or a lambda
        symbol = self.ctx.callee(value)
        if symbol is None or symbol.receiver_type is not None or symbol.qualname is None:
            return
        if not self.ctx.project.is_subclass(canonical(symbol.qualname), HTTP_EXCEPTIONS):
            return
        key = self.ctx.key_of(function)
        model = self.ctx.model
        if model.is_endpoint(key):
            role = "path operation"
        elif model.is_dependency(key):
            role = "dependency"
        else:
            return  # a helper may build the exception for its caller to raise
        spelled = dotted_name(value.func) or symbol.qualname
        self.report(
            node,
            f"{role.capitalize()} `{function.name.value}` returns `{spelled}(...)` instead of raising it: "
            f"the client gets 200 with the exception's attributes as JSON; `raise` it",
            fix=Fix.replace(node, cst.Raise(exc=value, whitespace_after_raise=node.whitespace_after_return,
                                            semicolon=node.semicolon)),
        )
