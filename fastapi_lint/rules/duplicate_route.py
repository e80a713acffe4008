"""FAPI206 duplicate-route: the same method and path registered twice in one app's route
table (on one app or router, or through two includes)."""

from __future__ import annotations

from fastapi_lint.rule import Severity
from fastapi_lint.analysis.route_nodes import Entry
from fastapi_lint.analysis.route_conflicts import RouteTableRule, shown_methods
from fastapi_lint.analysis.route_table import RouteClash


class DuplicateRoute(RouteTableRule):
    code = "FAPI206"
    name = "duplicate-route"
    summary = "The same method and path registered twice on one app/router"
    severity = Severity.ERROR

    def message(self, conflicts: list[RouteClash], entry: Entry) -> str | None:
        conflict = next((conflict for conflict in conflicts if conflict.duplicate), None)
        if conflict is None:
            return None
        methods, path = shown_methods(conflict.methods), conflict.later_path
        if conflict.same_router:
            return (
                f"`{methods} {path}` is already registered on `{entry.receiver}` ({conflict.where}); requests "
                "never reach this second registration, remove it or give it another path"
            )
        return (
            f"`{methods} {path}` is already in the route list of `{conflict.app}` ({conflict.where}, "
            "through another include); requests never reach this second registration, remove it or give it "
            "another path"
        )
