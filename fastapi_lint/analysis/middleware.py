"""Reading middleware configuration calls (shared by the CORS, trusted-host and secret rules).

A middleware is configured as ``app.add_middleware(Cls, ...)``, ``Middleware(Cls, ...)``
(e.g. in ``FastAPI(middleware=[...])``) or, rarely, by wrapping the app: ``Cls(app, ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.data.fastapi_names import MIDDLEWARE_WRAPPER
from fastapi_lint.analysis.facts import Const
from fastapi_lint.analysis.names import call_keyword, call_positional, literal_value
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
