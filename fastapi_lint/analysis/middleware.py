"""Reading middleware configuration calls (shared by the CORS, trusted-host and secret rules).

A middleware is configured as ``app.add_middleware(Cls, ...)``, ``Middleware(Cls, ...)``
(e.g. in ``FastAPI(middleware=[...])``) or, rarely, by wrapping the app: ``Cls(app, ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.data.fastapi_names import MIDDLEWARE_WRAPPER, RESPONSE_CLASSES
from fastapi_lint.data.security import ANSWERING_MIDDLEWARE, BASE_HTTP_MIDDLEWARE_CLASSES
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, ModuleFacts, Ref
from fastapi_lint.analysis.names import call_keyword, call_positional, literal_value
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import canonical_or_none
from fastapi_lint.rule import FileContext

UNKNOWN = object()


def constant_value(ctx: FileContext, node: cst.BaseExpression):
    """A literal, or a module constant holding one; ``UNKNOWN`` otherwise."""
    try:
        return literal_value(node)
    except ValueError:
        pass
    symbol = ctx.resolve(node)
    if symbol is not None and isinstance(symbol.value, Const):
        return symbol.value.value
    return UNKNOWN


@dataclass(frozen=True)
class MiddlewareCall:
    call: cst.Call
    middleware: str  # canonical qualname of the middleware class
    offset: int  # index of the first positional argument after the class (or the wrapped app)

    def argument(self, keyword: str, position: int | None = None) -> cst.Arg | None:
        """The argument the middleware's ``__init__`` receives as ``keyword`` (``position``
        counts the parameters after ``app``)."""
        arg = call_keyword(self.call, keyword)
        if arg is None and position is not None:
            arg = call_positional(self.call, self.offset + position)
        return arg

    @property
    def has_star_args(self) -> bool:
        return any(arg.star for arg in self.call.args)


def middleware_call(
    ctx: FileContext, call: cst.Call, classes: frozenset[str], direct: bool = False
) -> MiddlewareCall | None:
    """The configuration of one of ``classes`` made by ``call``, else None.

    Recognises ``x.add_middleware(Cls, ...)`` and ``Middleware(Cls, ...)``; with ``direct``
    also ``Cls(app, ...)``.
    """
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
        pass
    elif ctx.qualname(func) != MIDDLEWARE_WRAPPER:
        if direct:
            qualname = ctx.qualname(func)
            if qualname in classes:
                return MiddlewareCall(call, qualname, 1)
        return None
    first = call_positional(call, 0) or call_keyword(call, "middleware_class") or call_keyword(call, "cls")
    if first is None:
        return None
    qualname = ctx.qualname(first.value)
    if qualname not in classes:
        return None
    return MiddlewareCall(call, qualname, 1 if first.keyword is None else 0)


# ---------------------------------------------------------------- middleware that answers on its own


def function_answers_itself(project, facts: ModuleFacts, function: FunctionFacts) -> bool:
    """Whether a middleware function (``@app.middleware("http")``, a ``dispatch`` method) has a
    ``return`` of a response it builds itself (``return JSONResponse(..., status_code=401)``),
    rather than only the one ``call_next`` produced: that answer never passes through the
    middleware inside it."""
    return any(_is_response(project, facts, function.key, value) for value in function.return_values)


def _is_response(project, facts: ModuleFacts, scope: str, value) -> bool:
    if isinstance(value, CallValue) and value.callee:
        symbol = project.resolve(facts, scope, value.callee)
        return symbol is not None and symbol.receiver_type is None and project.is_subclass(
            canonical_or_none(symbol), RESPONSE_CLASSES)
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        return symbol is not None and project.is_subclass(symbol.instance_of, RESPONSE_CLASSES)
    return False


def middleware_class_answers(project, qualname: str | None, depth: int = 0) -> bool:
    """Whether a middleware class can answer a request without calling the app: a known
    authentication or rate-limit middleware, or a project ``BaseHTTPMiddleware`` subclass whose
    ``dispatch`` (its own or inherited from a project base) returns a response it built."""
    if qualname is None or depth > 8:
        return False
    qualname = canonical(qualname)
    if qualname in ANSWERING_MIDDLEWARE:
        return True
    if not project.is_subclass(qualname, BASE_HTTP_MIDDLEWARE_CLASSES):
        return False
    found = project.project_class(qualname)
    if found is None:
        return False
    facts, klass = found
    dispatch = facts.functions.get(f"{klass.key}/dispatch")
    if dispatch is not None:
        return function_answers_itself(project, facts, dispatch)
    for base in klass.bases:
        if isinstance(base, Ref):
            symbol = project.resolve(facts, klass.scope, base.dotted)
            if symbol is not None and middleware_class_answers(project, symbol.qualname, depth + 1):
                return True
    return False
