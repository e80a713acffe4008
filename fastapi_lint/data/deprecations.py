"""Deprecated FastAPI / Starlette / Pydantic APIs and what to use instead (FAPI507).

Every entry was checked against the source of FastAPI 0.163.2, Starlette 1.10 and
Pydantic 2 (the ``deprecated(...)`` markers and ``*DeprecationWarning`` warnings there).
Qualified names are canonical (see ``fastapi_names.CANONICAL``); re-exports that are not
canonicalised there are listed under each spelling.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeywordRow:
    """A deprecated keyword. Messages read "`<call>(<keyword>=...)` <text>".

    ``replacement`` is how the fix spells the argument, ``{}`` standing for the old value
    (``"pattern={}"``, ``"examples=[{}]"``); None means no autofix. ``unsafe`` marks
    rewrites that can change behaviour (see rules/FAPI507.md, "Fix safety")."""

    text: str
    replacement: str | None = None
    unsafe: bool = False


@dataclass(frozen=True)
class NameRow:
    """A deprecated name. Messages read "`<name>` is deprecated<advice>".

    ``rename`` is the new last segment of the name (same module) for the fix; None means
    no autofix."""

    advice: str
    rename: str | None = None
    unsafe: bool = False
    since: tuple[str, tuple[int, ...]] | None = None  # (package, version) that deprecated it


_REGEX = "is deprecated since FastAPI 0.100 (Pydantic v2); use `pattern=` instead"
_EXAMPLE = (
    "is deprecated; use `examples=[...]` (a list), or `openapi_examples=` for named examples in the docs UI"
)

# callee qualname -> {keyword: row}
# - `regex=` -> `pattern=` on FastAPI's parameter functions is safe: since FastAPI 0.100 (the
#   release that deprecated `regex`) `regex` is only an alias that FastAPI copies into `pattern`.
# - `Field(regex=)` -> `pattern=` is unsafe: `regex=` only works on Pydantic v1 (v2 raises), and
#   Pydantic v1 puts an unknown `pattern=` into the schema extras, silently dropping the check.
# - `example=X` -> `examples=[X]` is unsafe: the OpenAPI document changes (a parameter's
#   `example` becomes its schema's `examples`), and before FastAPI 0.99 `examples=` took a dict.
DEPRECATED_KEYWORDS: dict[str, dict[str, KeywordRow]] = {
    **{
        f"fastapi.{name}": {
            "regex": KeywordRow(_REGEX, "pattern={}"),
            "example": KeywordRow(_EXAMPLE, "examples=[{}]", unsafe=True),
        }
        for name in ("Query", "Path", "Header", "Cookie", "Body", "Form", "File")
    },
    "pydantic.Field": {
        "regex": KeywordRow(
            "was removed in Pydantic v2 and raises at import time; use `pattern=` instead", "pattern={}", unsafe=True
        ),
        "example": KeywordRow(
            "is deprecated (Pydantic v2 deprecates extra `Field` keywords); use `examples=[...]` instead",
            "examples=[{}]",
            unsafe=True,
        ),
    },
    "fastapi.FastAPI": {
        "root_path": KeywordRow(
            "is deprecated; set the root path on the server instead, e.g. `fastapi run --root-path /api/v1` "
            "or `uvicorn --root-path /api/v1`"
        ),
    },
}

# Messages read "`<name>` is deprecated<text>".
_JSON_RESPONSE_ADVICE = (
    "; declare a return type or `response_model` and let FastAPI serialise with Pydantic (faster, "
    "no extra library), or use `JSONResponse` where a Response class is required"
)
_WSGI_ADVICE = " (`starlette.middleware.wsgi` will be removed); use `a2wsgi.WSGIMiddleware` instead"
_RUN_UNTIL_ADVICE = (
    " and will be removed; start the tasks in an `anyio` task group and cancel its "
    "scope when the first one finishes"
)
_OPERATION_ID_ADVICE = (
    " (FastAPI no longer uses it); use `fastapi.routing.APIRoute.unique_id` "
    "or pass `generate_unique_id_function=`"
)

_STATUS_RENAMES = {
    "HTTP_413_REQUEST_ENTITY_TOO_LARGE": "HTTP_413_CONTENT_TOO_LARGE",
    "HTTP_414_REQUEST_URI_TOO_LONG": "HTTP_414_URI_TOO_LONG",
    "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE": "HTTP_416_RANGE_NOT_SATISFIABLE",
    "HTTP_422_UNPROCESSABLE_ENTITY": "HTTP_422_UNPROCESSABLE_CONTENT",
}

# qualname -> row; reported where the name is used (not where it is imported).
# The status renames are unsafe fixes: the new names exist only from Starlette 0.48, and on an
# older Starlette the rewritten code fails with AttributeError/ImportError.
DEPRECATED_NAMES: dict[str, NameRow] = {
    "fastapi.responses.ORJSONResponse": NameRow(_JSON_RESPONSE_ADVICE),
    "fastapi.responses.UJSONResponse": NameRow(_JSON_RESPONSE_ADVICE),
    "starlette.middleware.wsgi.WSGIMiddleware": NameRow(_WSGI_ADVICE),
    "fastapi.middleware.wsgi.WSGIMiddleware": NameRow(_WSGI_ADVICE),
    "starlette.concurrency.run_until_first_complete": NameRow(_RUN_UNTIL_ADVICE),
    "fastapi.concurrency.run_until_first_complete": NameRow(_RUN_UNTIL_ADVICE),
    "fastapi.openapi.utils.generate_operation_id": NameRow(_OPERATION_ID_ADVICE),
    "fastapi.utils.generate_operation_id_for_path": NameRow(_OPERATION_ID_ADVICE),
    **{
        f"{module}.{old}": NameRow(
            f" (renamed after RFC 9110); use `status.{new}` (Starlette 0.48+)", rename=new, unsafe=True,
            since=("starlette", (0, 48)),
        )
        for module in ("starlette.status", "fastapi.status")
        for old, new in _STATUS_RENAMES.items()
    },
}

# Last segments of DEPRECATED_NAMES: a cheap filter before resolving a name.
DEPRECATED_NAME_TAILS = frozenset(name.rsplit(".", 1)[-1] for name in DEPRECATED_NAMES)

GENERATOR_LIFESPAN_ADVICE = "decorate it with `@contextlib.asynccontextmanager`"
