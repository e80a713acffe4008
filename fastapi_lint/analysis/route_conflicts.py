"""Routes that can never be reached (FAPI205 shadowed-route, FAPI206 duplicate-route), as
the route table says: :func:`~fastapi_lint.analysis.route_table.route_conflicts` finds
them in each app's route list in Starlette's matching order (prefixes and includes across
modules applied), the list ``fastapi-lint routes`` prints. :class:`RouteTableRule` joins
them with the file being linted: it collects the file's route and ``include_router``
nodes during the traversal (see :class:`~fastapi_lint.analysis.route_nodes.RouteWalker`),
drops the pairs the facts cannot tell apart from code that does not always run together
(the ``if`` and the ``else`` of one statement; an earlier route under an ``if`` the later
one is not in, which overrides it only when the condition holds) and reports each later
route once, on its path."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.route_nodes import Entry, RouteWalker
from fastapi_lint.analysis.route_table import RouteClash, registration_key, route_clashes


def shown_methods(methods) -> str:
    return "/".join(sorted(methods))


class RouteTableRule(RouteWalker):
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/#order-matters"
    kinds = frozenset({"route", "websocket", "include_router"})

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route", "websocket") and bool(route_clashes(view.project, view.facts.module))

    def leave_Module(self, node: cst.Module) -> None:
        module = self.ctx.model.facts.module
        conflicts: dict[tuple, list[RouteClash]] = {}
        for clash in route_clashes(self.ctx.project, module):
            conflicts.setdefault(clash.later, []).append(clash)
        if not conflicts:
            return
        entries = {registration_key(entry.registration): entry for entry in self.entries}
        for entry in self.entries:
            if entry.registration.kind not in ("route", "websocket"):
                continue
            found = conflicts.get(registration_key(entry.registration))
            if not found:
                continue
            usable = [c for c in found if not self._never_together(c, entries, module)]
            message = self.message(usable, entry) if usable else None
            if message is not None:
                self.report(entry.path_node, message)

    @staticmethod
    def _never_together(conflict: RouteClash, entries: dict, module: str) -> bool:
        """The earlier of the two entries where the routes part is under an ``if`` or ``match``
        branch of this file the later one is not in, or the earlier route is registered under
        a condition of this file below that point: the route table (from the facts) does not
        know branches."""
        (one_module, one_key), (other_module, other_key) = conflict.parting
        if one_module == other_module == module:
            first = entries.get(one_key)
            second = entries.get(other_key)
            if first is not None and second is not None and not set(first.branches) <= set(second.branches):
                # the earlier one is under a condition the later one is not (an override
                # behind a setting), or in another branch of the same statement
                return True
        for step_module, step_key in conflict.below:
            if step_module == module:
                below = entries.get(step_key)
                if below is not None and below.branches:
                    return True
        return False

    def message(self, conflicts: list[RouteClash], entry: Entry) -> str | None:
        """The message for the later route ``entry`` given what answers first, else None."""
        raise NotImplementedError
