"""FAPI201 missing-response-model: a JSON path operation with no declared response type."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import JSON_RESPONSE_CLASSES, RESPONSE_CLASSES
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, Ref, Value
from fastapi_lint.analysis.model import Registration
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

NO_CONTENT = (204, 304)
RESPONSE_MODULES = ("starlette.responses.", "fastapi.responses.", "sse_starlette.")


class MissingResponseModel(Rule):
    code = "FAPI201"
    name = "missing-response-model"
    summary = "Path operation declares neither `response_model=` nor a return annotation"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-model/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.returns is not None:
            return
        found = self.ctx.path_operation(node)
        if found is None or not found[1].return_values:
            return  # not an endpoint, or returns nothing (null body)
        routes, function = found
        if any(self._is_response(function, value) for value in function.return_values):
            return  # it builds its own responses on at least one path
        for route in routes:
            if self._needs_model(route):
                methods = "/".join(route.methods) or "route"
                where = f" ({methods} {route.path})" if route.path is not None else ""
                self.report(
                    node.name,
                    f"Path operation `{node.name.value}`{where} has neither `response_model=` nor a "
                    "return annotation; annotate the return type so FastAPI validates, filters and "
                    "documents the response",
                )
                return

    def _needs_model(self, route: Registration) -> bool:
        call = route.call
        if call.has_kwarg("response_model") or any(name is None for name, _ in call.kwargs):
            return False
        status = call.kwarg("status_code")
        if isinstance(status, Const) and status.value in NO_CONTENT:
            return False
        if isinstance(status, Ref) and status.dotted.rsplit(".", 1)[-1].startswith(("HTTP_204", "HTTP_304")):
            return False
        response_class = call.kwarg("response_class")
        if response_class is None:
            response_class = route.owner.call.kwarg("default_response_class") if route.owner.call else None
        return response_class is None or self._is_json_class(response_class)

    def _is_json_class(self, value: Value) -> bool:
        if not isinstance(value, Ref):
            return False  # unknown: stay quiet
        symbol = self.ctx.project.resolve(self.ctx.model.facts, "", value.dotted)
        return bool(symbol and symbol.qualname and canonical(symbol.qualname) in JSON_RESPONSE_CLASSES)

    def _is_response(self, function: FunctionFacts, value: Value) -> bool:
        """The returned value is a Response: built here, returned by a project function or
        method declared ``-> SomeResponse`` (across modules, awaited or not), or a local
        annotated as one (``response: RedirectResponse = await oauth.authorize_redirect()``)."""
        project, facts = self.ctx.project, self.ctx.model.facts
        if isinstance(value, CallValue):
            if value.callee and value.callee.rsplit(".", 1)[-1] == "TemplateResponse":
                return True
            result = project.call_result_type(facts, function.key, value)
            if not self._response_class(result) and value.callee:
                result = project.declared_return_type(project.resolve(facts, function.key, value.callee))
            return self._response_class(result)
        if isinstance(value, Ref):
            symbol = project.resolve(facts, function.key, value.dotted)
            if symbol is not None and self._response_class(symbol.instance_of):
                return True
            found = project.binding(facts, function.key, value.dotted) if "." not in value.dotted else None
            if found is not None and found[1].annotation is not None:
                return self._response_class(project.annotation_type(facts, found[0], found[1].annotation))
        return False

    def _response_class(self, result: str | None) -> bool:
        project = self.ctx.project
        return bool(result) and (
            project.is_subclass(result, RESPONSE_CLASSES) or result.startswith(RESPONSE_MODULES)
        )
