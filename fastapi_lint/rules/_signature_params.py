"""Helpers for the signature rules (FAPI211-FAPI214, FAPI301): which functions FastAPI calls
with request data, their parameters as :mod:`fastapi_lint.signature` reads them (once per
function), the libcst node of a parameter, and reading types through ``Optional`` and
sequences."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.facts import CallValue, Const, FunctionFacts, ModuleFacts, Ref, Subscript, Value
from fastapi_lint.names import canonical
from fastapi_lint.project import Project
from fastapi_lint.rule import FileContext
from fastapi_lint.signature import ANNOTATED, SignatureParam, qualname_of, signature

OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
SEQUENCES = frozenset({
    "builtins.list", "builtins.set", "builtins.frozenset", "builtins.tuple",
    "typing.List", "typing.Set", "typing.FrozenSet", "typing.Tuple", "typing.Sequence",
    "collections.abc.Sequence", "typing_extensions.Sequence",
})
UPLOAD_FILES = frozenset({"fastapi.UploadFile", "starlette.datastructures.UploadFile"})
PYDANTIC_MODELS = frozenset({
    "pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel", "sqlmodel.main.SQLModel",
})
_EMPTY_MODULE = cst.Module([])


def fastapi_function(ctx: FileContext, node: cst.FunctionDef) -> FunctionFacts | None:
    """The facts of ``node`` when FastAPI calls it with request data: a path operation, a
    websocket handler, a dependency (project-wide), or ``__init__`` of a dependency class."""
    key = ctx.key_of(node)
    function = ctx.model.function(key)
    if function is None:
        return None
    model = ctx.model
    if model.is_endpoint(key) or model.is_websocket_handler(key) or model.is_dependency(key):
        return function
    if function.name == "__init__" and function.scope in model.facts.classes and model.is_dependency(function.scope):
        return function
    return None


def params_of(ctx: FileContext, function: FunctionFacts) -> list[SignatureParam]:
    """``signature(...)`` of a function, computed once per file for all the rules that ask."""
    cache = ctx.__dict__.setdefault("_signature_params_cache", {})
    found = cache.get(function.key)
    if found is None:
        found = cache[function.key] = signature(ctx.project, ctx.model.facts, function)
    return found


def cst_param(node: cst.FunctionDef, name: str) -> cst.Param | None:
    params = node.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            return param
    return None


def code(node: cst.CSTNode) -> str:
    """Source text of a node on one line."""
    return " ".join(_EMPTY_MODULE.code_for_node(node).split())


def element_types(project: Project, facts: ModuleFacts, scope: str, value: Value | None,
                  depth: int = 0) -> list[tuple[str | None, bool]]:
    """The classes a type annotation can hold, looking through ``Optional``/``Union``/``| None``
    and one level of ``list[...]``-like sequences: ``[(qualname or None, in_sequence)]``.
    ``None`` entries are dropped; an unreadable part gives ``(None, False)``."""
    if depth > 6 or value is None:
        return [(None, False)]
    if isinstance(value, Const) and value.value is None:
        return []
    if isinstance(value, Ref):
        if value.dotted == "None":
            return []
        symbol = project.resolve(facts, scope, value.dotted)
        if symbol is not None and symbol.qualname:
            return [(canonical(symbol.qualname), False)]
        alias = project.type_alias(symbol)
        return element_types(project, *alias, depth + 1) if alias else [(None, False)]
    if isinstance(value, Subscript):
        if value.base == "|":
            return [t for item in value.items for t in element_types(project, facts, scope, item, depth + 1)]
        base = qualname_of(project, facts, scope, value.base)
        if base in OPTIONAL or base in UNION:
            return [t for item in value.items for t in element_types(project, facts, scope, item, depth + 1)]
        if base in ANNOTATED and value.items:
            return element_types(project, facts, scope, value.items[0], depth + 1)
        if base in SEQUENCES and value.items:
            items = [i for i in value.items if not (isinstance(i, Ref) and i.dotted == "Ellipsis")]
            inner = [t for item in items for t in element_types(project, facts, scope, item, depth + 1)]
            return [(name, True) for name, _ in inner]
        return [(base, False)]
    return [(None, False)]


def is_call_to(project: Project, facts: ModuleFacts, scope: str, value: Value | None, targets: frozenset) -> bool:
    return isinstance(value, CallValue) and qualname_of(project, facts, scope, value.callee) in targets
