"""FAPI215 single-method-api-route: ``@app.api_route(path, methods=["GET"])`` or
``@app.route(path, methods=["POST"])`` where ``@app.get`` / ``@app.post`` says it."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import HTTP_METHOD_DECORATORS
from fastapi_lint.analysis.facts import Const
from fastapi_lint.fixes import Fix
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.routing import FASTAPI_CLASSES


class SingleMethodApiRoute(Rule):
    code = "FAPI215"
    name = "single-method-api-route"
    summary = "`api_route()`/`route()` with a single method; use the method decorator (`@app.get`)"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/first-steps/#define-a-path-operation-decorator"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for registration in self.ctx.model.routes_of(self.ctx.key_of(node)):
            index = registration.decorator_index
            call = registration.call
            kind = call.callee.rsplit(".", 1)[-1] if call.callee else ""
            if index is None or index >= len(node.decorators) or kind not in ("api_route", "route"):
                continue
            methods = call.arg(1, "methods") if kind == "route" else call.kwarg("methods")
            if not (isinstance(methods, Const) and isinstance(methods.value, tuple) and len(methods.value) == 1):
                continue
            method = methods.value[0]
            if not isinstance(method, str) or method.lower() not in HTTP_METHOD_DECORATORS:
                continue
            if not self.ctx.project.is_subclass(registration.owner.instance_of, FASTAPI_CLASSES):
                continue  # a Starlette app has no `.get()` decorator
            receiver = call.callee.rpartition(".")[0]
            path = registration.path
            shown = f'"{path}"' if path is not None else "..."
            extra = (
                " (a FastAPI path operation: parameters are validated and documented)"
                if kind == "route" else ""
            )
            decorator = node.decorators[index].decorator
            self.report(
                decorator,
                f"`@{call.callee}(..., methods=[\"{method}\"])` registers a single method; use "
                f"`@{receiver}.{method.lower()}({shown})` instead{extra}",
                fix=_method_decorator(decorator, kind, method.lower()),
            )


def _method_decorator(decorator: cst.BaseExpression, kind: str, method: str) -> Fix | None:
    """``@r.api_route(path, methods=["GET"], ...)`` -> ``@r.get(path, ...)``: the receiver, the other
    arguments and their comments stay. Safe for ``api_route`` (the same ``APIRoute`` is built);
    unsafe for ``route``, which turns a plain Starlette endpoint into a FastAPI path operation."""
    if not (isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Attribute)
            and decorator.func.attr.value == kind):
        return None
    args = list(decorator.args)
    if any(arg.star for arg in args):
        return None
    methods = next((a for a in args if a.keyword is not None and a.keyword.value == "methods"), None)
    positional = [a for a in args if a.keyword is None]
    if methods is None and kind == "route" and len(positional) >= 2:
        methods = positional[1]
    if methods is None:
        return None
    rest = [a for a in args if a is not methods]
    # the method decorators take only the path positionally
    if sum(1 for a in rest if a.keyword is None) > 1 or (rest and rest[0].keyword is None and rest[0] is not args[0]):
        return None
    if not rest:
        return None
    if methods is args[-1]:
        # the new last argument takes over the dropped one's comma (trailing comma, line break)
        rest[-1] = rest[-1].with_changes(comma=methods.comma)
    new = decorator.with_changes(func=decorator.func.with_changes(attr=cst.Name(method)), args=rest)
    return Fix.replace(decorator, new, unsafe=kind == "route")
