"""FAPI401 cors-wildcard-credentials and FAPI402 cors-wildcard-origin."""

from __future__ import annotations

import re

import libcst as cst

from fastapi_lint.data.fastapi_names import CORS_MIDDLEWARE, MIDDLEWARE_WRAPPER
from fastapi_lint.diagnostics import Severity
from fastapi_lint.facts import Const
from fastapi_lint.names import call_keyword, call_positional, literal_value
from fastapi_lint.rule import FileContext, Rule

# Origins no sane allow-list would match together; a regex matching all of them is a wildcard.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null")
_UNKNOWN = object()


def _value(ctx: FileContext, node: cst.BaseExpression):
    """A literal, or a module constant holding one; ``_UNKNOWN`` otherwise."""
    try:
        return literal_value(node)
    except ValueError:
        pass
    symbol = ctx.resolve(node)
    if symbol is not None and isinstance(symbol.value, Const):
        return symbol.value.value
    return _UNKNOWN


def cors_settings(ctx: FileContext, call: cst.Call) -> tuple[bool, bool] | None:
    """``(wildcard_origin, credentials)`` for a CORSMiddleware configuration call, else None.

    Recognises ``x.add_middleware(CORSMiddleware, ...)`` and ``Middleware(CORSMiddleware, ...)``.
    """
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
        pass
    elif ctx.qualname(func) != MIDDLEWARE_WRAPPER:
        return None
    first = call_positional(call, 0) or call_keyword(call, "middleware_class") or call_keyword(call, "cls")
    if first is None or ctx.qualname(first.value) != CORS_MIDDLEWARE:
        return None
    wildcard = False
    origins = call_keyword(call, "allow_origins")
    if origins is not None:
        value = _value(ctx, origins.value)
        wildcard = isinstance(value, (tuple, str)) and "*" in value
    regex = call_keyword(call, "allow_origin_regex")
    if regex is not None and not wildcard:
        pattern = _value(ctx, regex.value)
        if isinstance(pattern, str):
            try:
                compiled = re.compile(pattern)
            except re.error:
                compiled = None
            wildcard = compiled is not None and all(compiled.fullmatch(o) for o in _PROBE_ORIGINS)
    credentials = call_keyword(call, "allow_credentials")
    with_credentials = credentials is not None and _value(ctx, credentials.value) is True
    return wildcard, with_credentials


class CorsWildcardCredentials(Rule):
    code = "FAPI401"
    name = "cors-wildcard-credentials"
    summary = "CORS allows every origin together with credentials"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/cors/"
    triggers = ("CORSMiddleware",)

    def visit_Call(self, node: cst.Call) -> None:
        settings = cors_settings(self.ctx, node)
        if settings == (True, True):
            self.report(
                node,
                "CORSMiddleware allows any origin with `allow_credentials=True`: every website can make "
                "authenticated requests and read the responses; list the trusted origins explicitly",
            )


class CorsWildcardOrigin(Rule):
    code = "FAPI402"
    name = "cors-wildcard-origin"
    summary = "CORS allows every origin (`allow_origins=[\"*\"]`)"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/cors/"
    triggers = ("CORSMiddleware",)

    def visit_Call(self, node: cst.Call) -> None:
        settings = cors_settings(self.ctx, node)
        if settings is not None and settings[0] and not settings[1]:
            self.report(
                node,
                "CORSMiddleware allows any origin (`\"*\"`); list the origins that should call this API",
            )
