"""FAPI220 collection-param-becomes-body: a ``list``/``set``/``tuple``/``dict``/model parameter
without a marker on a GET/HEAD/OPTIONS operation is read from the request body, so
``?tags=a`` is ignored."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.dependencies import path_parameter_names
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import source_text
from fastapi_lint.analysis.parameters import ANNOTATED, cst_param, implicit_body_kind, params_of
from fastapi_lint.fixes import Fix, Import, annotation_allowed, imports_for_name
from fastapi_lint.rule import Applicability, Rule, Severity

# Methods whose requests carry no body (RFC 9110 gives such a body no meaning; clients, proxies
# and caches may drop it). DELETE is not among them: APIs send bodies with DELETE on purpose
# (`DeleteFilesRequest`, bulk deletes), and FastAPI reads them as intended.
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


class CollectionParamBecomesBody(Rule):
    code = "FAPI220"
    name = "collection-param-becomes-body"
    summary = "A `list`/`dict`/model parameter without a marker on a GET is read from the body, not the query"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params-str-validations/#query-parameter-list-multiple-values"
    fix = Applicability.UNSAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        found = self.ctx.path_operation(node)
        if found is None:
            return
        routes, function = found
        methods = {method for route in routes for method in route.methods}
        if not methods or not methods <= _BODYLESS or any(not route.methods for route in routes):
            return
        path_names = set().union(*(names for names in path_parameter_names(routes) if names is not None))
        method = "/".join(sorted(methods))
        for param in params_of(self.ctx, function):
            if param.marker is not None or param.name in path_names or param.param.kind not in ("positional", "keyword"):
                continue
            kind = implicit_body_kind(self.ctx.project, *param.home, param.type_value)
            target = cst_param(node, param.name)
            if kind is None or target is None or target.annotation is None:
                continue
            written = source_text(target.annotation.annotation, 40)
            if kind == "sequence":
                advice = (f"`?{param.name}=a` is ignored ({'its default is used' if param.has_default else '422: body missing'}); "
                          f"declare `{param.name}: Annotated[{written}, Query()]` to read repeated query parameters")
            elif kind == "model":
                advice = (f"a {method} request's query string does not fill it; declare "
                          f"`{param.name}: Annotated[{written}, Query()]` (FastAPI 0.115+) to read its fields from the "
                          f"query string, or use a method that carries a body")
            else:
                advice = ("a query string cannot carry a mapping; read separate query parameters, or use a method "
                          "that carries a body and mark it `Body()`")
            self.report(
                target,
                f"`{param.name}: {written}` has no marker, so FastAPI reads it from the request body of this "
                f"{method} operation (`{node.name.value}`): {advice}",
                fix=self._fix(target) if kind == "sequence" else None,
            )

    def _fix(self, param: cst.Param) -> Fix | None:
        typing_module = "typing" if self.ctx.python >= (3, 9) else "typing_extensions"
        imports: list[Import] = []
        for name, accepted, module in (("Annotated", ANNOTATED, typing_module), ("Query", {"fastapi.Query"}, "fastapi")):
            needed = imports_for_name(self.ctx, name, accepted, module)
            if needed is None:
                return None
            imports.extend(needed)
        annotation = param.annotation.annotation
        if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
            return None  # a string annotation: `Annotated["T", ...]` is resolved differently
        new = cst.Subscript(cst.Name("Annotated"), [
            cst.SubscriptElement(cst.Index(annotation), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.SubscriptElement(cst.Index(cst.Call(cst.Name("Query")))),
        ])
        if not annotation_allowed(self.ctx, new, imports):
            return None
        return Fix.replace(param.annotation, param.annotation.with_changes(annotation=new), unsafe=True,
                           imports=imports)
