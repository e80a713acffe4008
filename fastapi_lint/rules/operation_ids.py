"""FAPI218 duplicate-operation-name: two path operations of one app with the same
OpenAPI operationId (an explicit ``operation_id=`` twice, or a
``generate_unique_id_function`` that builds the id from the function name alone)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.diagnostics import Severity
from fastapi_lint.model import ModuleModel
from fastapi_lint.names import call_keyword, dotted_name
from fastapi_lint.routing import OperationId, route_index
from fastapi_lint.rule import Rule


class DuplicateOperationName(Rule):
    code = "FAPI218"
    name = "duplicate-operation-name"
    summary = "Two path operations of one app get the same OpenAPI operationId"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/path-operation-advanced-configuration/#openapi-operationid"

    @classmethod
    def applies_to(cls, text: str, model: ModuleModel) -> bool:
        return bool(model.of_kind("route"))

    def __init__(self, ctx):
        super().__init__(ctx)
        facts = ctx.model.facts
        self._duplicates = None
        if ctx.project.modules.get(facts.module) is facts:
            self._module = facts.module
            self._duplicates = route_index(ctx.project).operation_ids()
        self._calls: dict[str, list] | None = None
        self._seen: dict[str, int] = {}

    def _lookup(self, call_value):
        if not self._duplicates:
            return None
        return self._duplicates.get((self._module, call_value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._duplicates:
            return
        for registration in self.ctx.model.routes_of(self.ctx.key_of(node)):
            index = registration.decorator_index
            found = self._lookup(registration.call)
            if found is None or index is None or index >= len(node.decorators):
                continue
            decorator = node.decorators[index].decorator
            target = node.name
            if found[0].explicit and isinstance(decorator, cst.Call):
                keyword = call_keyword(decorator, "operation_id")
                target = keyword if keyword is not None else decorator
            self.report(target, _message(*found))

    def visit_Call(self, node: cst.Call) -> None:
        if not self._duplicates or not isinstance(node.func, cst.Attribute) or node.func.attr.value != "add_api_route":
            return
        spelling = dotted_name(node.func)
        if spelling is None:
            return
        if self._calls is None:
            self._calls = {}
            for scoped in self.ctx.model.facts.calls:
                if scoped.call.callee and scoped.call.callee.endswith("add_api_route"):
                    self._calls.setdefault(scoped.call.callee, []).append(scoped.call)
        n = self._seen.get(spelling, 0)
        self._seen[spelling] = n + 1
        calls = self._calls.get(spelling, [])
        found = self._lookup(calls[n]) if n < len(calls) else None
        if found is not None:
            keyword = call_keyword(node, "operation_id") if found[0].explicit else None
            self.report(keyword if keyword is not None else node, _message(*found))


def _message(this: OperationId, first: OperationId) -> str:
    where = f"`{first.module}` line {first.registration.line}"
    if this.explicit and first.explicit:
        how = f"`operation_id=\"{this.value}\"` is also used by `{first.function}` ({where})"
    elif not this.explicit and not first.explicit and this.function == first.function:
        how = (f"`{this.function}` gets the operationId `{this.value}` from the `generate_unique_id_function`, "
               f"the same as `{first.function}` ({where})")
    else:
        how = f"operationId `{this.value}` of `{this.function}` is also the operationId of `{first.function}` ({where})"
    return f"{how}; duplicate operationIds break generated API clients, make them unique"
