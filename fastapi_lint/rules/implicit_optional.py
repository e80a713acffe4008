"""FAPI212 implicit-optional: parameter defaults to None but its type does not admit None."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.analysis.facts import Const, Ref, Subscript, Value
from fastapi_lint.fixes import Fix, annotation_fix, imports_for_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.parameters import cst_param, fastapi_params
from fastapi_lint.analysis.responses import NodeTypeForm, node_type_form
from fastapi_lint.analysis.resolution import OPTIONAL


# Parameters of these types are always injected by FastAPI, whatever their default.
_INJECTED = frozenset({
    "starlette.requests.Request", "starlette.requests.HTTPConnection", "fastapi.requests.HTTPConnection",
    "starlette.websockets.WebSocket", "starlette.responses.Response", "starlette.background.BackgroundTasks",
    "fastapi.BackgroundTasks", "fastapi.background.BackgroundTasks", "fastapi.security.SecurityScopes",
    "fastapi.security.oauth2.SecurityScopes",
})


class ImplicitOptional(Rule):
    code = "FAPI212"
    name = "implicit-optional"
    summary = "Parameter defaults to None but its type does not admit None"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params/#optional-parameters"
    fix = Applicability.SAFE


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for param in fastapi_params(self.ctx, node):
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
            form = node_type_form(self.ctx, annotation)
            self.report(
                annotation,
                f"Parameter `{param.name}` defaults to None but is annotated `{source_text(annotation, 60)}`"
                f"{self._advice(annotation, form, param)}",
                fix=annotation_fix(self.ctx, self._optional_fix(annotation, form, param)),
            )

    def _optional_fix(self, annotation: cst.BaseExpression, form: NodeTypeForm, param) -> Fix | None:
        """``str`` -> ``str | None`` (``Optional[str]`` before Python 3.10); inside ``Annotated[...]``
        only the first argument changes. No fix for string annotations and for aliases of
        ``Annotated[...]`` (wrapping those in a union would hide their FastAPI marker)."""
        target = annotation
        if form.kind == "annotated":
            target = form.items[0]
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
            imports = imports_for_name(self.ctx, "Optional", OPTIONAL, "typing")
            if imports is None:
                return None  # `Optional` means something else in this file
            new = cst.Subscript(cst.Name("Optional"), [cst.SubscriptElement(cst.Index(target))])
        return Fix.replace(target, new, imports=imports)

    def _advice(self, annotation: cst.BaseExpression, form: NodeTypeForm, param) -> str:
        tail = ", which does not admit None; annotate it "
        if form.kind == "annotated":
            first, *rest = form.items
            metadata = "".join(f", {source_text(e)}" for e in rest)
            if len(metadata) > 40:  # long Query(...)/Body(...) metadata would drown the advice
                metadata = ", ..."
            return f"{tail}`{source_text(form.node.value)}[{source_text(first)} | None{metadata}]`"
        if isinstance(annotation, (cst.Name, cst.Attribute)) and param.type_value is not param.param.annotation:
            # a type alias such as ``SearchTerm = Annotated[str, Query()]``
            rendered = _render(param.type_value)
            if rendered:
                return f", whose type `{rendered}` does not admit None; use an alias whose type is `{rendered} | None`"
            return ", whose type does not admit None; use an alias whose type admits None"
        return f"{tail}`{source_text(annotation)} | None`"


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
