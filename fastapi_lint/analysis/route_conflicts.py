"""Conflicting routes of one app or router (FAPI205 shadowed-route, FAPI206 duplicate-route):
pairs of registrations, in registration order, on the same object and in the same scope,
that can both run and share a method. :class:`RouteTableRule` collects them during the
traversal (see :class:`~fastapi_lint.analysis.route_nodes.RouteWalker`) and reports each
later route once."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.route_nodes import Entry, RouteWalker, exclusive


def route_methods(entry: Entry) -> frozenset[str]:
    if entry.registration.kind == "websocket":
        return frozenset({"WEBSOCKET"})
    return frozenset(entry.registration.methods)


def shown_methods(methods: frozenset[str]) -> str:
    return "/".join(sorted(methods))


def conflicting_pairs(entries: list[Entry], keys):
    """(earlier, later) registrations on the same object, in the same scope, that can
    both run, for overlapping methods. ``keys(path)`` gives the bucket a path is filed
    under and the buckets of earlier paths that may conflict with it: comparing every
    pair is quadratic, and apps with thousands of routes on one router exist."""
    by_owner: dict[tuple, list[tuple[Entry, frozenset[str]]]] = {}
    for entry in entries:
        methods = route_methods(entry)
        if entry.registration.path is None or not methods:
            continue
        by_owner.setdefault((entry.registration.owner.origin, entry.scope), []).append((entry, methods))
    for group in by_owner.values():
        earlier_by_key: dict[object, list[int]] = {}
        for position, (later, methods) in enumerate(group):
            own_key, conflicting_keys = keys(later.registration.path)
            candidates = sorted(i for key in conflicting_keys for i in earlier_by_key.get(key, ()))
            for i in candidates:
                earlier, earlier_methods = group[i]
                overlap = earlier_methods & methods
                if overlap and not exclusive(earlier, later):
                    yield earlier, later, overlap
            earlier_by_key.setdefault(own_key, []).append(position)


class RouteTableRule(RouteWalker):
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/#order-matters"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return len(view.model.of_kind("route")) + len(view.model.of_kind("websocket")) > 1

    def leave_Module(self, node: cst.Module) -> None:
        pairs = list(conflicting_pairs(self.entries, self.keys))
        reported = self.skipped(pairs)
        for earlier, later, overlap in pairs:
            if id(later) in reported:
                continue
            message = self.conflict(earlier, later, shown_methods(overlap))
            if message is not None:
                # A later route is reported once, for the first earlier route that answers first.
                reported.add(id(later))
                self.report(later.path_node, message)

    @staticmethod
    def keys(path: str) -> tuple[object, tuple]:
        """The bucket ``path`` is filed under, and the buckets of earlier paths to compare it with."""
        return path, (path,)

    def skipped(self, pairs: list) -> set[int]:
        """ids of the later entries not to report at all."""
        return set()

    def conflict(self, earlier: Entry, later: Entry, methods: str) -> str | None:
        """The message when ``earlier`` keeps requests from reaching ``later``, else None."""
        raise NotImplementedError
