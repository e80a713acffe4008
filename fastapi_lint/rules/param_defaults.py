"""FAPI212 implicit-optional and FAPI213 field-in-signature: what a FastAPI-called
function's parameters default to."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.facts import Const, Ref, Subscript, Value
from fastapi_lint.fixes import Fix, Import, annotation_fix
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.names import canonical
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.data.marker_keywords import MARKER_KEYWORDS
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.analysis.dependencies import code_of
from fastapi_lint.analysis.parameters import (
    PYDANTIC_MODELS, code, cst_param, element_types, fastapi_function, params_of,
)
from fastapi_lint.analysis.parameters import ANNOTATED

_FIELD = frozenset({"pydantic.Field"})
# Types FastAPI reads from the query string when no marker says otherwise.
_SCALARS = frozenset({
    "builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.bytes",
    "uuid.UUID", "decimal.Decimal", "datetime.date", "datetime.datetime", "datetime.time",
    "datetime.timedelta",
})
_MAPPINGS = frozenset({"builtins.dict", "typing.Dict"})  # read from the body, like models
_ENUMS = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum"})
# Parameters of these types are always injected by FastAPI, whatever their default.
_INJECTED = frozenset({
    "starlette.requests.Request", "starlette.requests.HTTPConnection", "fastapi.requests.HTTPConnection",
    "starlette.websockets.WebSocket", "starlette.responses.Response", "starlette.background.BackgroundTasks",
    "fastapi.BackgroundTasks", "fastapi.background.BackgroundTasks", "fastapi.security.SecurityScopes",
    "fastapi.security.oauth2.SecurityScopes",
})


def _called_by_fastapi(model: ModuleModel) -> bool:
    return bool(model.registrations) or any(
        model.is_dependency(key) for key in (*model.facts.functions, *model.facts.classes)
    )


class ImplicitOptional(Rule):
    code = "FAPI212"
    name = "implicit-optional"
    summary = "Parameter defaults to None but its type does not admit None"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params/#optional-parameters"
    fix = Applicability.SAFE

    @classmethod
    def applies_to(cls, text: str, model: ModuleModel) -> bool:
        return "None" in text and _called_by_fastapi(model)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = fastapi_function(self.ctx, node)
        if function is None:
            return
        for param in params_of(self.ctx, function):
            if param.marker in ("fastapi.Depends", "fastapi.Security"):
                continue
            if param.default_value != Const(None) or param.admits_none is not False:
                continue
            if param.marker is None and self.ctx.project.is_subclass(param.type, _INJECTED):
                continue  # `response: Response = None`: FastAPI passes the real object anyway
            cst_node = cst_param(node, param.name)
            if cst_node is None or cst_node.annotation is None:
                continue
            annotation = cst_node.annotation.annotation
            self.report(
                annotation,
                f"Parameter `{param.name}` defaults to None but is annotated `{code_of(annotation)}`"
                f"{self._advice(annotation, param)}",
                fix=annotation_fix(self.ctx, self._optional_fix(annotation, param)),
            )

    def _optional_fix(self, annotation: cst.BaseExpression, param) -> Fix | None:
        """``str`` -> ``str | None`` (``Optional[str]`` before Python 3.10); inside ``Annotated[...]``
        only the first argument changes. No fix for string annotations and for aliases of
        ``Annotated[...]`` (wrapping those in a union would hide their FastAPI marker)."""
        target = annotation
        if isinstance(annotation, cst.Subscript) and self.ctx.qualname(annotation.value) in ANNOTATED:
            first = annotation.slice[0] if annotation.slice else None
            if first is None or not isinstance(first.slice, cst.Index) or first.slice.star is not None:
                return None
            target = first.slice.value
        elif isinstance(annotation, (cst.Name, cst.Attribute)):
            if param.type_value is not param.param.annotation:
                return None  # an alias of Annotated[...]
        elif not isinstance(annotation, cst.Subscript):
            if not (isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr)):
                return None  # strings, calls and other shapes: left to the author
        if not isinstance(target, (cst.Name, cst.Attribute, cst.Subscript, cst.BinaryOperation)) or (
            isinstance(target, cst.BinaryOperation) and not isinstance(target.operator, cst.BitOr)
        ):
            return None
        if self.ctx.python >= (3, 10):
            new = cst.BinaryOperation(target, cst.BitOr(), cst.Name("None"))
            imports = ()
        else:
            bound = self.ctx.resolve(cst.Name("Optional"))
            if bound is not None and canonical_or_none(bound) not in ("typing.Optional", "typing_extensions.Optional"):
                return None  # `Optional` means something else in this file
            new = cst.Subscript(cst.Name("Optional"), [cst.SubscriptElement(cst.Index(target))])
            imports = () if bound is not None else (Import("typing", "Optional"),)
        return Fix.replace(target, new, imports=imports)

    def _advice(self, annotation: cst.BaseExpression, param) -> str:
        tail = ", which does not admit None; annotate it "
        if isinstance(annotation, cst.Subscript) and self.ctx.qualname(annotation.value) in ANNOTATED:
            first, *rest = annotation.slice
            if isinstance(first.slice, cst.Index):
                metadata = "".join(f", {code(e.slice.value)}" for e in rest if isinstance(e.slice, cst.Index))
                if len(metadata) > 40:  # long Query(...)/Body(...) metadata would drown the advice
                    metadata = ", ..."
                return f"{tail}`{code(annotation.value)}[{code(first.slice.value)} | None{metadata}]`"
        if isinstance(annotation, (cst.Name, cst.Attribute)) and param.type_value is not param.param.annotation:
            # a type alias such as ``SearchTerm = Annotated[str, Query()]``
            rendered = _render(param.type_value)
            if rendered:
                return f", whose type `{rendered}` does not admit None; use an alias whose type is `{rendered} | None`"
            return ", whose type does not admit None; use an alias whose type admits None"
        return f"{tail}`{code(annotation)} | None`"


def canonical_or_none(symbol) -> str | None:
    return canonical(symbol.qualname) if symbol is not None and symbol.qualname else None


def _render(value: Value | None) -> str | None:
    if isinstance(value, Ref):
        return value.dotted
    if isinstance(value, Const) and value.value is None:
        return "None"
    if isinstance(value, Subscript):
        items = [_render(i) for i in value.items]
        if None in items:
            return None
        if value.base == "|":
            return " | ".join(items)
        return f"{value.base}[{', '.join(items)}]" if value.base else None
    return None


class FieldInSignature(Rule):
    code = "FAPI213"
    name = "field-in-signature"
    summary = "`pydantic.Field()` on a path-operation parameter; use Query/Path/Body/..."
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params-str-validations/"
    triggers = ("Field",)
    fix = Applicability.UNSAFE

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = fastapi_function(self.ctx, node)
        if function is None:
            return
        for param in params_of(self.ctx, function):
            if param.marker != "pydantic.Field":
                continue
            cst_node = cst_param(node, param.name)
            if cst_node is None:
                continue
            if not param.marker_in_annotated:
                target = cst_node.default
                self.report(
                    target,
                    f"`{param.name}` uses pydantic's `Field()` as its default; FastAPI cannot tell where "
                    "the value comes from and fails at startup (`AssertionError: non-body parameters must be in "
                    "path, query, header or cookie`) — use `Query()`, `Path()`, `Body()`, `Header()`, "
                    "`Cookie()` or `Form()`",
                    fix=annotation_fix(self.ctx, self._marker_fix(target, function, param, in_annotated=False)),
                )
                continue
            target = self._field_call(cst_node.annotation.annotation) if cst_node.annotation else None
            target = target or (cst_node.annotation.annotation if cst_node.annotation else cst_node)
            self.report(
                target,
                f"`{param.name}` carries pydantic `Field()` in `Annotated[...]`; FastAPI only documents its "
                "own markers there, and older versions ignore `Field`'s alias and description — use "
                "`Query()`, `Path()`, `Body()`, `Header()`, `Cookie()` or `Form()`",
                fix=annotation_fix(self.ctx, self._marker_fix(target, function, param, in_annotated=True)),
            )

    def _marker_fix(self, call: cst.CSTNode, function, param, in_annotated: bool) -> Fix | None:
        """``Field(...)`` -> ``Path(...)``/``Body(...)``/``Query(...)``, the marker FastAPI would infer for
        the parameter: unsafe (the author may have meant a header, a cookie or a form field, and the
        OpenAPI schema changes). No fix when an argument means something else to the marker."""
        if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
            return None
        marker = self._inferred_marker(function, param)
        if marker is None:
            return None
        positional = [a for a in call.args if a.keyword is None]
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        if len(positional) > 1 or not keywords <= MARKER_KEYWORDS[marker]:
            return None
        default = positional[0].value if positional else next(
            (a.value for a in call.args if a.keyword is not None and a.keyword.value == "default"), None)
        if default is not None and not (isinstance(default, cst.Ellipsis) or
                                        (isinstance(default, cst.Name) and default.value == "Ellipsis")):
            if in_annotated or marker == "Path":
                return None  # a default inside Annotated[...] or on a path parameter is rejected by FastAPI
        bound = self.ctx.resolve(cst.Name(marker))
        if bound is not None and canonical_or_none(bound) != f"fastapi.{marker}":
            return None  # the name means something else in this file
        imports = () if bound is not None else (Import("fastapi", marker),)
        return Fix.replace(call, call.with_changes(func=cst.Name(marker)), unsafe=True, imports=imports)

    def _inferred_marker(self, function, param) -> str | None:
        """``Path`` for a name in the route's path, ``Body`` for a model, ``Query`` for scalars and
        lists of scalars; None when it cannot be told (a dependency, an unknown type)."""
        model, key = self.ctx.model, function.key
        routes = model.routes_of(key)
        websocket = model.is_websocket_handler(key)
        if not routes and not websocket:
            return None  # a dependency: which routes (and path parameters) it serves is not known here
        registrations = routes or model.registrations_of(key, "websocket")
        paths = [r.path for r in registrations]
        if any(p is None for p in paths):
            return None
        in_path = {any(pp.name == param.name for pp in path_parameters(p)) for p in paths}
        if in_path == {True}:
            return "Path"
        if in_path != {False}:
            return None
        facts, scope = param.home
        kinds = element_types(self.ctx.project, facts, scope, param.type_value)
        if not kinds or any(name is None for name, _ in kinds):
            return None
        project = self.ctx.project
        if all(name in _SCALARS or project.is_subclass(name, _ENUMS) for name, _ in kinds):
            return "Query"
        if all(name in _MAPPINGS or project.is_subclass(name, PYDANTIC_MODELS) for name, _ in kinds) and not websocket:
            return "Body"
        return None

    def _field_call(self, annotation: cst.BaseExpression) -> cst.Call | None:
        if not (isinstance(annotation, cst.Subscript) and self.ctx.qualname(annotation.value) in ANNOTATED):
            return None
        for element in annotation.slice[1:]:
            value = element.slice.value if isinstance(element.slice, cst.Index) else None
            if isinstance(value, cst.Call) and self.ctx.qualname(value.func) in _FIELD:
                return value
        return None

