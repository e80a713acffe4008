"""FAPI502 on-event-ignored: `on_event` handler on an app that has `lifespan=` never runs."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.event_hooks import EventHookRule


def _has_lifespan(call: cst.Call) -> bool:
    arg = call_keyword(call, "lifespan")
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")


class OnEventIgnored(EventHookRule):
    code = "FAPI502"
    name = "on-event-ignored"
    requires = fix_requires = {"fastapi": ">=0.93"}  # lifespan= arrived in FastAPI 0.93
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
