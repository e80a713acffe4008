"""FAPI204 optional-path-param: path parameter with a default value or an Optional type."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.dependencies import path_parameter_names
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.parameters import cst_param
from fastapi_lint.analysis.parameters import signature


_ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})


class OptionalPathParam(Rule):
    code = "FAPI204"
    name = "optional-path-param"
    summary = "Path parameter with a default value or an Optional type"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params-numeric-validations/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        found = self.ctx.path_operation(node)
        if found is None:
            return
        routes, function = found
        # A name is a path parameter when every route of the function has it in its path
        # (one def on `/items/` and `/items/{item_id}` legitimately defaults item_id).
        per_route = path_parameter_names(routes)
        in_every_path = set.intersection(*per_route) if per_route and None not in per_route else set()
        for param in signature(self.ctx.project, self.ctx.model.facts, function):
            if param.marker is not None and param.marker != "fastapi.Path":
                continue
            if param.marker != "fastapi.Path" and param.name not in in_every_path:
                continue
            target = cst_param(node, param.name)
            if target is None:
                continue
            if param.has_default:
                if param.marker == "fastapi.Path":
                    why = "which FastAPI rejects at startup"
                else:
                    why = "which FastAPI never uses because the route only matches when the segment is present"
                self.report(
                    target,
                    f"Path parameter `{param.name}` of `{node.name.value}` has a default value, {why}; "
                    "path parameters are always required, so remove the default",
                )
            elif param.admits_none is True and param.type not in _ANY:
                self.report(
                    target,
                    f"Path parameter `{param.name}` of `{node.name.value}` is typed as optional, but a path "
                    "parameter is never None; use the plain type (or a separate route without the parameter)",
                )
