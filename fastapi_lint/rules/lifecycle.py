"""FAPI501 on-event-deprecated and FAPI502 on-event-ignored: startup/shutdown hooks
that should be a ``lifespan``."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastapi_lint.data.fastapi_names import APP_CLASSES, ROUTER_CLASSES
from fastapi_lint.diagnostics import Severity
from fastapi_lint.names import call_keyword, call_positional, dotted_name
from fastapi_lint.project import Symbol
from fastapi_lint.rule import Rule

_HOOK_KEYWORDS = ("on_startup", "on_shutdown")


class _EventHooks(Rule):
    """Finds every way a startup/shutdown hook is attached; subclasses decide what to report."""

    triggers = ("on_event", "add_event_handler", "on_startup", "on_shutdown")
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/events/"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for registration in self.ctx.model.registrations_of(self.ctx.key_of(node), "on_event"):
            if registration.decorator_index is None:
                continue
            event = registration.call.arg(0, "event_type")
            event_name = getattr(event, "value", "event")
            self.on_hook(
                node.decorators[registration.decorator_index],
                registration.owner,
                f"`@{registration.call.callee}(\"{event_name}\")` on `{node.name.value}`",
            )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_event_handler":
            owner = self.ctx.resolve(func.value)
            if self.ctx.project.kind_of(owner):
                handler = call_positional(node, 1) or call_keyword(node, "func")
                name = dotted_name(handler.value) if handler else None
                self.on_hook(node, owner, f"`{dotted_name(func) or 'add_event_handler'}(...)`" +
                             (f" for `{name}`" if name else ""))
            return
        callee = self.ctx.callee(node)
        if callee is None or not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES | ROUTER_CLASSES):
            return
        for keyword in self._hook_keywords(node):
            self.on_constructor_hook(node, keyword)

    @staticmethod
    def _hook_keywords(call: cst.Call) -> Iterator[cst.Arg]:
        for keyword in _HOOK_KEYWORDS:
            arg = call_keyword(call, keyword)
            if arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                yield arg

    def on_hook(self, node: cst.CSTNode, owner: Symbol, what: str) -> None:
        raise NotImplementedError

    def on_constructor_hook(self, call: cst.Call, keyword: cst.Arg) -> None:
        raise NotImplementedError


def _has_lifespan(call: cst.Call) -> bool:
    arg = call_keyword(call, "lifespan")
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")


class OnEventDeprecated(_EventHooks):
    code = "FAPI501"
    name = "on-event-deprecated"
    summary = "`on_event` / `on_startup` hooks are deprecated; use a `lifespan`"
    severity = Severity.WARNING

    def on_hook(self, node: cst.CSTNode, owner: Symbol, what: str) -> None:
        self.report(node, f"{what} uses deprecated startup/shutdown events; move it into a `lifespan` context manager")

    def on_constructor_hook(self, call: cst.Call, keyword: cst.Arg) -> None:
        self.report(
            keyword,
            f"`{keyword.keyword.value}=` is deprecated; pass one `lifespan=` async context manager instead",
        )


class OnEventIgnored(_EventHooks):
    code = "FAPI502"
    name = "on-event-ignored"
    summary = "`on_event` handler on an app that has `lifespan=` never runs"
    severity = Severity.ERROR

    def on_hook(self, node: cst.CSTNode, owner: Symbol, what: str) -> None:
        if self.ctx.model.lifespan_of(owner) is not None:
            self.report(
                node,
                f"{what} never runs: the app was created with `lifespan=`, which replaces startup/shutdown "
                "events; move this code into the lifespan",
            )

    def on_constructor_hook(self, call: cst.Call, keyword: cst.Arg) -> None:
        if _has_lifespan(call):
            self.report(
                keyword,
                f"`{keyword.keyword.value}=` is ignored when `lifespan=` is also given; move these handlers "
                "into the lifespan",
            )
