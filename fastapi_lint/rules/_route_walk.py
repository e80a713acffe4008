"""Shared by the route-table rules: the routes and ``include_router`` calls of the file
being linted, in registration order, with the ``if``/``match`` branch each sits in.

The model knows what is registered where (owner, path, methods, line); the libcst pass
adds what the facts cannot: the node to report on, the enclosing scope, the branches
(two registrations in the ``if`` and ``else`` of one statement never both run), and
the true order of stacked decorators (the one nearest the ``def`` registers first).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.model import CallsInOrder, Registration
from fastapi_lint.names import dotted_name
from fastapi_lint.rule import Rule
from fastapi_lint.rules._route_decorators import path_argument

_CALL_METHODS = frozenset({"add_api_route", "add_api_websocket_route", "include_router"})


@dataclass(frozen=True)
class Entry:
    registration: Registration
    node: cst.Call  # the decorator call or the add_api_route/include_router call
    scope: str
    branches: tuple[tuple[int, object], ...]  # (id of an if/match statement, branch taken)

    @property
    def receiver(self) -> str:
        callee = self.registration.call.callee or ""
        return callee.rpartition(".")[0] or callee

    @property
    def path_node(self) -> cst.CSTNode:
        arg = path_argument(self.node)
        return arg.value if arg is not None else self.node


def exclusive(a: Entry, b: Entry) -> bool:
    """True when the two sit in different branches of one ``if``/``match``."""
    taken = dict(a.branches)
    return any(key in taken and taken[key] != branch for key, branch in b.branches)


class RouteWalker(Rule):
    """Collects :class:`Entry` objects during the traversal; subclasses report in
    ``leave_Module`` (by then every registration of the file has been seen)."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.entries: list[Entry] = []
        self._frames: list[list] = []  # [node, branch]
        self._calls = CallsInOrder(ctx.model.facts, _CALL_METHODS)
        self._by_call: dict[int, Registration] | None = None

    # ------------------------------------------------------------ branches

    def visit_If(self, node: cst.If) -> None:
        if self._frames and getattr(self._frames[-1][0], "orelse", None) is node:  # elif
            self._frames[-1][1] = "else"
        self._frames.append([node, "body"])

    def visit_Else(self, node: cst.Else) -> None:
        if self._frames and getattr(self._frames[-1][0], "orelse", None) is node:
            self._frames[-1][1] = "else"

    def leave_If(self, node: cst.If) -> None:
        self._frames.pop()

    def visit_Match(self, node: cst.Match) -> None:
        self._frames.append([node, None])

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if self._frames and isinstance(self._frames[-1][0], cst.Match):
            self._frames[-1][1] = id(node)

    def leave_Match(self, node: cst.Match) -> None:
        self._frames.pop()

    def _branches(self) -> tuple:
        return tuple((id(node), branch) for node, branch in self._frames)

    # ------------------------------------------------------------ registrations

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        registrations = [
            r for r in self.ctx.model.registrations_of(self.ctx.key_of(node))
            if r.decorator_index is not None and r.kind in self.kinds
        ]
        # Decorators apply bottom-up: the one nearest the def registers first.
        for registration in sorted(registrations, key=lambda r: -r.decorator_index):
            if registration.decorator_index >= len(node.decorators):
                continue
            decorator = node.decorators[registration.decorator_index].decorator
            if isinstance(decorator, cst.Call):
                self._add(registration, decorator)

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute) or node.func.attr.value not in _CALL_METHODS:
            return
        spelling = dotted_name(node.func)
        if spelling is None:
            return
        call = self._calls.next(spelling)
        if call is None:
            return
        if self._by_call is None:
            self._by_call = {
                id(r.call): r for r in self.ctx.model.registrations if r.decorator_index is None
            }
        registration = self._by_call.get(id(call))
        if registration is not None and registration.kind in self.kinds:
            self._add(registration, node)

    def _add(self, registration: Registration, node: cst.Call) -> None:
        owner = registration.owner
        if owner.origin is None:
            return  # a parameter or attribute: which object it is is unknown
        if (owner.call is not None and owner.origin[0] == self.ctx.model.facts.module
                and owner.call.line > registration.line):
            return  # the name was bound again later: this registration used an earlier object
        self.entries.append(Entry(registration, node, self.ctx.scope_key, self._branches()))

    kinds: frozenset[str] = frozenset({"route", "websocket"})
