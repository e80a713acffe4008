"""FAPI206 duplicate-route: the same method and path registered twice on one app/router."""

from __future__ import annotations



from fastapi_lint.rule import Severity
from fastapi_lint.analysis.route_nodes import Entry
from fastapi_lint.analysis.route_conflicts import RouteTableRule


class DuplicateRoute(RouteTableRule):
    code = "FAPI206"
    name = "duplicate-route"
    summary = "The same method and path registered twice on one app/router"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/#order-matters"

    def conflict(self, earlier: Entry, later: Entry, methods: str) -> str | None:
        path = later.registration.path
        if earlier.registration.path != path:
            return None
        return (
            f"`{methods} {path}` is already registered on `{later.receiver}` (line "
            f"{earlier.registration.line}); requests never reach this second registration, remove "
            "it or give it another path"
        )
