"""FAPI401 cors-wildcard-credentials and FAPI402 cors-wildcard-origin."""

from __future__ import annotations

import re

import libcst as cst

from fastapi_lint.data.fastapi_names import CORS_MIDDLEWARE
from fastapi_lint.diagnostics import Severity
from fastapi_lint.names import call_keyword
from fastapi_lint.rule import FileContext, Rule
from fastapi_lint.rules._middleware import constant_value as _value
from fastapi_lint.rules._middleware import middleware_call

# Origins no sane allow-list would match together; a regex matching all of them is a wildcard.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null")
_CORS = frozenset({CORS_MIDDLEWARE})


def cors_settings(ctx: FileContext, call: cst.Call) -> tuple[bool, bool] | None:
    """``(wildcard_origin, credentials)`` for a CORSMiddleware configuration call, else None.

    Recognises ``x.add_middleware(CORSMiddleware, ...)`` and ``Middleware(CORSMiddleware, ...)``.
    """
    if middleware_call(ctx, call, _CORS) is None:
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
