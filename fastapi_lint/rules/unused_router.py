"""FAPI216 unused-router: `APIRouter()` with routes that no `include_router` in the project
includes."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import ROUTER_CLASSES, ROUTE_DECORATORS, WEBSOCKET_DECORATORS
from fastapi_lint.analysis.facts import MODULE_SCOPE
from fastapi_lint.analysis.names import literal_value
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.routing import router_use



# ``router.<method>`` uses that only register things on the router; any other use of
# the name (passed, returned, stored, ``router.routes``) may hand it to someone else.
_OWN_USES = ROUTE_DECORATORS | WEBSOCKET_DECORATORS | {
    "add_api_route", "add_api_websocket_route", "add_route", "add_websocket_route",
    "include_router", "on_event", "add_event_handler", "exception_handler", "middleware",
}

_DOCS = "https://fastapi.tiangolo.com/tutorial/bigger-applications/"


class UnusedRouter(Rule):
    code = "FAPI216"
    name = "unused-router"
    summary = "`APIRouter()` with routes that no `include_router` in the project includes"
    severity = Severity.WARNING
    fastapi_docs = _DOCS


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("APIRouter") or any(r.owner_kind == "router" for r in view.model.registrations)

    def __init__(self, ctx):
        super().__init__(ctx)
        self._candidates: list[tuple[str, cst.Call]] = []
        self._ignored: set[int] = set()  # ids of Name nodes that are not uses
        self._used: set[str] = set()
        self._exported: set[str] = set()

    def _binding(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if self.ctx.scope_key != MODULE_SCOPE or self.ctx.function_node is not None:
            return
        if not isinstance(target, cst.Name):
            return
        if target.value == "__all__" and value is not None:
            try:
                names = literal_value(value)
            except ValueError:
                self._used.add("*")  # a computed __all__: anything may be exported
                return
            if isinstance(names, tuple):
                self._exported.update(n for n in names if isinstance(n, str))
            return
        if not isinstance(value, cst.Call):
            return
        result = self.ctx.type_of(value)
        if result and self.ctx.project.is_subclass(result, ROUTER_CLASSES):
            self._ignored.add(id(target))
            self._candidates.append((target.value, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._binding(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._binding(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__":
            self._used.add("*")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._ignored.add(id(node.attr))
        if isinstance(node.value, cst.Name) and node.attr.value in _OWN_USES:
            self._ignored.add(id(node.value))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._ignored.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._ignored:
            self._used.add(node.value)

    def leave_Module(self, node: cst.Module) -> None:
        if not self._candidates or "*" in self._used:
            return
        facts = self.ctx.model.facts
        project = self.ctx.project
        if project.module_facts(facts.module) is not facts:
            return  # another file has this module name: the index does not describe this one
        names = [name for name, _ in self._candidates]
        for name, call in self._candidates:
            if names.count(name) > 1 or name in self._used or name in self._exported:
                continue
            owner_id = (facts.module, MODULE_SCOPE, name)
            symbol = project.resolve(facts, MODULE_SCOPE, name)
            if symbol is None or symbol.origin != owner_id:
                continue
            use = router_use(project, facts.module, name)
            if use is None:
                return  # the project's routes cannot tell
            routes, used = use
            if not routes or used:
                continue
            count = f"{routes} route" + ("s" if routes != 1 else "")
            self.report(
                call,
                f"Router `{name}` has {count} but nothing includes it (no `include_router({name})` in the "
                "project), so they are never served; include it into the app or delete it",
            )
