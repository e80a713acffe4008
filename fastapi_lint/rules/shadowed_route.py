"""FAPI205 shadowed-route: route registered after a parameterised route (or a mount) that
already matches its path, in the app's route table."""

from __future__ import annotations

from fastapi_lint.rule import Severity
from fastapi_lint.analysis.route_nodes import Entry
from fastapi_lint.analysis.route_conflicts import RouteTableRule, shown_methods
from fastapi_lint.analysis.route_table import RouteClash


class ShadowedRoute(RouteTableRule):
    code = "FAPI205"
    name = "shadowed-route"
    summary = "Route registered after a parameterised route that already matches its path"
    severity = Severity.ERROR

    def message(self, conflicts: list[RouteClash], entry: Entry) -> str | None:
        if any(conflict.duplicate for conflict in conflicts):
            return None  # a repeat of an earlier identical route is FAPI206's finding
        conflict = conflicts[0]
        methods = shown_methods(conflict.methods)
        first, second = conflict.earlier_path, conflict.later_path
        if conflict.earlier_kind == "mount":
            return (
                f"`{methods} {second}` is unreachable: the mount `{first or '/'}` ({conflict.where}) is "
                f"registered earlier and takes every request under it; register `{second}` before the mount"
            )
        if conflict.same_router:
            return (
                f"`{methods} {second}` is unreachable: `{methods} {first}` ({conflict.where}) is registered "
                f"earlier on `{entry.receiver}` and matches it first; register `{second}` before `{first}`"
            )
        return (
            f"`{methods} {second}` is unreachable in `{conflict.app}`: `{methods} {first}` "
            f"({conflict.where}) comes earlier in its route list and matches it first; register or include "
            f"`{second}` before `{first}`"
        )
