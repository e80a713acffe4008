"""FAPI508 base-http-middleware (opt-in): ``@app.middleware("http")`` and
``BaseHTTPMiddleware`` subclasses, which cost more per request than pure ASGI middleware."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import MIDDLEWARE_WRAPPER
from fastapi_lint.analysis.facts import Const, Ref
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

BASE_HTTP_MIDDLEWARE = "starlette.middleware.base.BaseHTTPMiddleware"
_WHY = (
    "`BaseHTTPMiddleware`, which adds overhead to every request and hides contextvars set in the "
    "endpoint from the middleware; prefer a pure ASGI middleware on hot paths"
)


class BaseHTTPMiddlewareUsed(Rule):
    code = "FAPI508"
    name = "base-http-middleware"
    summary = "`@app.middleware(\"http\")` / `BaseHTTPMiddleware`: slower than a pure ASGI middleware"
    severity = Severity.WARNING
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/middleware/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("BaseHTTPMiddleware") or view.has("middleware")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for registration in self.ctx.model.registrations_of(self.ctx.key_of(node), "middleware"):
            index = registration.decorator_index
            if index is None or index >= len(node.decorators):
                continue
            kind = registration.call.arg(0, "middleware_type")
            if not (isinstance(kind, Const) and kind.value == "http"):
                continue
            spelled = registration.call.callee or "app.middleware"
            self.report(
                node.decorators[index],
                f"`@{spelled}(\"http\")` on `{node.name.value}` wraps every request in {_WHY}",
            )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        key = self.ctx.key_of(node)
        facts = self.ctx.model.facts
        klass = facts.classes.get(key) if key else None
        if klass is None:
            return
        for base in klass.bases:
            if not isinstance(base, Ref):
                continue
            symbol = self.ctx.project.resolve(facts, klass.scope, base.dotted)
            if symbol is not None and symbol.qualname and canonical(symbol.qualname) == BASE_HTTP_MIDDLEWARE:
                self.report(node.name, f"`{node.name.value}` subclasses {_WHY}")
                return

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
            if not self.ctx.owner_kind(func.value):
                return
        elif self.ctx.qualname(func) != MIDDLEWARE_WRAPPER:
            return
        first = call_positional(node, 0) or call_keyword(node, "middleware_class") or call_keyword(node, "cls")
        if first is None or first.star or self.ctx.qualname(first.value) != BASE_HTTP_MIDDLEWARE:
            return
        self.report(
            first.value,
            f"`{dotted_name(func) or 'add_middleware'}(BaseHTTPMiddleware, dispatch=...)` uses {_WHY}",
        )
