"""FAPI204 optional-path-param: path parameter with a default value or an Optional type."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.model import Registration
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.analysis.dependencies import router_prefix
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.parameters import cst_param
from fastapi_lint.analysis.parameters import signature


_ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})


def _route_path(registration: Registration) -> str | None:
    """The full literal path of a route: the router's literal prefix plus the route's path."""
    path = registration.path
    return None if path is None else router_prefix(registration.owner) + path


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
        paths = [_route_path(r) for r in routes]
        in_every_path: set[str] | None = None
        if all(path is not None for path in paths):
            for path in paths:
                names = {p.name for p in path_parameters(path)}
                in_every_path = names if in_every_path is None else in_every_path & names
        in_every_path = in_every_path or set()
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
