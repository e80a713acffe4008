"""FAPI207 decorator-above-route: a decorator stacked above ``@app.get(...)`` wraps the
function after FastAPI registered it, so its wrapper never runs for requests."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.analysis.facts import Ref
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

# Decorators that return the function itself (or mark it) rather than wrapping it.
_NOT_WRAPPING = frozenset({
    "builtins.staticmethod", "builtins.classmethod",
    "typing.overload", "typing_extensions.overload", "typing.no_type_check",
    "typing.final", "typing_extensions.final", "typing.override", "typing_extensions.override",
})


class DecoratorAboveRoute(Rule):
    code = "FAPI207"
    name = "decorator-above-route"
    summary = "Decorator above the route decorator never runs for requests"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/first-steps/#define-a-path-operation-decorator"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return any(r.decorator_index for r in view.model.of_kind("route"))  # a route decorator is not the first

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        registrations = [
            r for r in self.ctx.model.registrations_of(self.ctx.key_of(node)) if r.decorator_index is not None
        ]
        routes = [r for r in registrations if r.kind == "route"]
        if not routes:
            return
        top = min(routes, key=lambda r: r.decorator_index)
        if top.decorator_index >= len(node.decorators):
            return
        registering = {r.decorator_index for r in registrations}
        receivers = {r.call.callee.rpartition(".")[0] for r in registrations if r.call.callee}
        route_label = f"@{top.call.callee}(...)" if top.call.callee else "the route decorator"
        for index in range(top.decorator_index):
            if index in registering:
                continue  # another route (or websocket) registration of the same function
            decorator = node.decorators[index]
            if not self._wraps(decorator.decorator, receivers):
                continue
            self.report(
                decorator,
                f"`@{source_text(decorator.decorator)}` is above `{route_label}`, so it wraps "
                f"`{node.name.value}` only after FastAPI registered the undecorated function and never runs "
                "for requests; move it below the route decorator",
            )

    def _wraps(self, expr: cst.BaseExpression, receivers: set[str]) -> bool:
        """Whether a decorator may replace the function with a wrapper (unknown: yes)."""
        target = expr.func if isinstance(expr, cst.Call) else expr
        if isinstance(target, cst.Attribute):
            receiver = target.value
            if dotted_name(receiver) in receivers or self.ctx.owner_kind(receiver) is not None:
                return False  # a method of the app/router itself (e.g. cadwyn's version markers)
        qualname = self.ctx.qualname(target)
        if qualname in _NOT_WRAPPING:
            return False
        return not self._returns_function_unchanged(target, isinstance(expr, cst.Call))

    def _returns_function_unchanged(self, target: cst.BaseExpression, is_factory: bool) -> bool:
        """A project decorator (or decorator factory) that only registers or marks the
        function: it returns its own parameter."""
        symbol = self.ctx.resolve(target)
        if symbol is None or symbol.project_ref is None:
            return False
        module, key = symbol.project_ref
        facts = self.ctx.project.module_facts(module)
        function = facts.functions.get(key) if facts else None
        if function is None:
            return False
        if is_factory:  # @tag("x"): the decorator is the inner def the factory returns
            inner = [v for v in function.return_values if isinstance(v, Ref) and "." not in v.dotted]
            if len(inner) != 1 or len(function.return_values) != 1:
                return False
            function = facts.functions.get(f"{key}/{inner[0].dotted}")
            if function is None:
                return False
        if not function.params or function.has_yield:
            return False
        first = function.params[0].name
        values = function.return_values
        return bool(values) and all(isinstance(v, Ref) and v.dotted == first for v in values)
