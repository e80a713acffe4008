"""FAPI218 duplicate-operation-name: two path operations of one app with the same
OpenAPI operationId (an explicit ``operation_id=`` twice, or a
``generate_unique_id_function`` that builds the id from the function name alone)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.model import CallsInOrder
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.analysis.routing import duplicate_operation_ids
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.route_nodes import route_decorators


class DuplicateOperationName(Rule):
    code = "FAPI218"
    name = "duplicate-operation-name"
    summary = "Two path operations of one app get the same OpenAPI operationId"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/path-operation-advanced-configuration/#openapi-operationid"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def __init__(self, ctx):
        super().__init__(ctx)
        facts = ctx.model.facts
        self._duplicates = None
        if ctx.project.module_facts(facts.module) is facts:
            self._duplicates = {found[0]: found[1:] for found in duplicate_operation_ids(ctx.project, facts.module)}
        self._calls = CallsInOrder(facts, ("add_api_route",))

    def _lookup(self, call_value):
        if not self._duplicates:
            return None
        return self._duplicates.get(call_value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._duplicates:
            return
        for registration, _decorator, call in route_decorators(self.ctx, node):
            found = self._lookup(registration.call)
            if found is None:
                continue
            target = node.name
            if found[1]:
                keyword = call_keyword(call, "operation_id")
                target = keyword if keyword is not None else call
            self.report(target, _message(*found))

    def visit_Call(self, node: cst.Call) -> None:
        if not self._duplicates or not isinstance(node.func, cst.Attribute) or node.func.attr.value != "add_api_route":
            return
        spelling = dotted_name(node.func)
        if spelling is None:
            return
        call = self._calls.next(spelling)
        found = self._lookup(call) if call is not None else None
        if found is not None:
            keyword = call_keyword(node, "operation_id") if found[1] else None
            self.report(keyword if keyword is not None else node, _message(*found))


def _message(value: str, explicit: bool, function: str, first_explicit: bool, first_function: str,
             first_module: str, first_line: int) -> str:
    where = f"`{first_module}` line {first_line}"
    if explicit and first_explicit:
        how = f"`operation_id=\"{value}\"` is also used by `{first_function}` ({where})"
    elif not explicit and not first_explicit and function == first_function:
        how = (f"`{function}` gets the operationId `{value}` from the `generate_unique_id_function`, "
               f"the same as `{first_function}` ({where})")
    else:
        how = f"operationId `{value}` of `{function}` is also the operationId of `{first_function}` ({where})"
    return f"{how}; duplicate operationIds break generated API clients, make them unique"
