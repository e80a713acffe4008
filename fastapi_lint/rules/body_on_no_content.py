"""FAPI208 body-on-no-content: `status_code=204`/`304` path operation declares or returns a
response body."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS

from fastapi_lint.analysis.names import source_text

from fastapi_lint.data.fastapi_names import RESPONSE_CLASSES
from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.route_nodes import is_none, route_decorators, status_code
from fastapi_lint.analysis.responses import GENERIC_ALIASES, node_type_form


_ANY = frozenset({"typing.Any", "typing_extensions.Any"})


_MODEL_BASES = PYDANTIC_MODELS | {"typing.TypedDict", "typing_extensions.TypedDict"}


_RESPONSE_MODULES = ("starlette.responses.", "fastapi.responses.", "sse_starlette.")


_DATA_BUILTINS = frozenset(f"builtins.{name}" for name in (
    "dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool"))


_NO_BODY = (204, 304)


_STATUS_TEXT = {204: "204 No Content", 304: "304 Not Modified"}


class BodyOnNoContent(Rule):
    code = "FAPI208"
    name = "body-on-no-content"
    summary = "`status_code=204`/`304` path operation declares or returns a response body"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-status-code/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._no_content: dict[int, tuple[str, int]] = {}  # id(def) -> (def name, status)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = self.ctx.model.function(self.ctx.key_of(node))
        if function is None or function.has_yield:
            return  # streaming generators are another story
        for _registration, _decorator, call in route_decorators(self.ctx, node):
            keyword = call_keyword(call, "status_code")
            status = status_code(self.ctx, keyword.value) if keyword is not None else None
            if status not in _NO_BODY:
                continue
            name = node.name.value
            what = f"`status_code={source_text(keyword.value)}` ({_STATUS_TEXT[status]})"
            model = call_keyword(call, "response_model")
            if model is not None and not is_none(model.value):
                self.report(
                    keyword,
                    f"{what} allows no response body, but `{name}` declares "
                    f"`response_model={source_text(model.value)}`, which FastAPI rejects at startup; remove "
                    "`response_model`",
                )
                return
            if model is None and node.returns is not None and self._is_body_annotation(node.returns.annotation):
                self.report(
                    keyword,
                    f"{what} allows no response body, but `{name}` is annotated "
                    f"`-> {source_text(node.returns.annotation)}`, which FastAPI turns into a response model "
                    "and rejects at startup; annotate it `-> None`",
                )
                return
            self._no_content[id(node)] = (name, status)
            return

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function_node
        found = self._no_content.get(id(function)) if function is not None else None
        if found is None or node.value is None or is_none(node.value):
            return
        if self._is_body_value(node.value):
            name, status = found
            self.report(
                node,
                f"`{name}` returns a value, but its route answers {_STATUS_TEXT[status]}, so FastAPI "
                f"serialises it and then drops it; return nothing (or `Response(status_code={status})`)",
            )

    # ------------------------------------------------------------ classification

    def _kind(self, qualname: str | None) -> str | None:
        """``"response"``, ``"body"`` (a model, builtin data, Any), or None when unknown."""
        if not qualname:
            return None
        project = self.ctx.project
        if qualname.startswith(_RESPONSE_MODULES) or project.is_subclass(qualname, RESPONSE_CLASSES):
            return "response"
        if qualname in _DATA_BUILTINS or qualname in _ANY or GENERIC_ALIASES.get(qualname) in _DATA_BUILTINS:
            return "body"
        if project.is_subclass(qualname, _MODEL_BASES):
            return "body"
        return None

    def _is_body_annotation(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        if depth > 8:
            return False
        form = node_type_form(self.ctx, expr, strings=True)
        if form.kind == "class":
            return self._kind(form.qualname) == "body"
        if form.kind == "union":
            return any(self._is_body_annotation(item, depth + 1) for item in form.items)
        if form.kind == "annotated":
            return self._is_body_annotation(form.items[0], depth + 1)
        if form.kind == "generic":
            return form.qualname in _DATA_BUILTINS or GENERIC_ALIASES.get(form.qualname) in _DATA_BUILTINS
        return False

    def _is_body_value(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if isinstance(expr, (cst.Dict, cst.List, cst.Tuple, cst.Set, cst.DictComp, cst.ListComp, cst.SetComp,
                             cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer,
                             cst.Float)):
            return True
        if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
            return True
        if isinstance(expr, (cst.Name, cst.Attribute, cst.Call)):
            return self._kind(self.ctx.type_of(expr)) == "body"
        return False
