"""FAPI213 field-in-signature: `pydantic.Field()` on a path-operation parameter; use
`Query()`/`Path()`/`Body()` instead."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fixes import Fix, annotation_fix, name_fix
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.data.marker_keywords import MARKER_KEYWORDS
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS
from fastapi_lint.analysis.parameters import (
    cst_param,
    element_types,
    fastapi_function,
    params_of,
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


class FieldInSignature(Rule):
    code = "FAPI213"
    name = "field-in-signature"
    summary = "`pydantic.Field()` on a path-operation parameter; use Query/Path/Body/..."
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params-str-validations/"
    fix = Applicability.UNSAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

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
        return name_fix(self.ctx, call, marker, {f"fastapi.{marker}"}, "fastapi",
                        call.with_changes(func=cst.Name(marker)), unsafe=True)

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
