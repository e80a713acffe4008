"""Route registrations in the libcst pass: the nodes the FastAPI model's registrations
were read from.

- For one def: the decorator call of each of its route registrations
  (:func:`route_decorators`), the literal path, status codes however they are spelled.
- For the whole file: :class:`RouteWalker`, a rule base that collects every route and
  ``include_router`` call in registration order, with the ``if``/``match`` branch each
  sits in. The model knows what is registered where (owner, path, methods, line); the
  libcst pass adds what the facts cannot: the node to report on, the enclosing scope, the
  branches (two registrations in the ``if`` and ``else`` of one statement never both
  run), and the true order of stacked decorators (the one nearest the ``def`` registers
  first). Calls are paired with their facts by :class:`~fastapi_lint.analysis.model.CallsInOrder`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.model import CallsInOrder, Registration
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.data.status_codes import status_code_of
from fastapi_lint.fixes import without_arg
from fastapi_lint.rule import FileContext, Rule


def route_decorators(ctx: FileContext, node: cst.FunctionDef) -> list[tuple[Registration, cst.Decorator, cst.Call]]:
    """``(registration, decorator, call)`` for every route decorator of the def being visited."""
    out = []
    for registration in ctx.model.routes_of(ctx.key_of(node)):
        index = registration.decorator_index
        if index is None or index >= len(node.decorators):
            continue
        decorator = node.decorators[index]
        if isinstance(decorator.decorator, cst.Call):
            out.append((registration, decorator, decorator.decorator))
    return out


def path_argument(call: cst.Call) -> cst.Arg | None:
    return call_positional(call, 0) or call_keyword(call, "path")


def literal_string(expr: cst.BaseExpression | None) -> str | None:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def status_code(ctx: FileContext, expr: cst.BaseExpression | None) -> int | None:
    """``204``, ``status.HTTP_204_NO_CONTENT`` (fastapi/starlette, any import spelling) or
    ``HTTPStatus.NO_CONTENT`` -> 204; None when it is something else."""
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return status_code_of(ctx.qualname(expr))
    return None


def is_none(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


# ---------------------------------------------------------------- fixes


def _joined(before: cst.BaseParenthesizableWhitespace, after: cst.BaseParenthesizableWhitespace):
    """The whitespace that replaces ``before <dropped code> after``. No comment is lost: the
    comment that ends the line before the dropped code stays there, one on the dropped code's
    own line moves up to end that line (or below it, when that line has its own), and the
    comment lines below survive."""
    if isinstance(after, cst.ParenthesizedWhitespace):
        if isinstance(before, cst.ParenthesizedWhitespace):
            first, moved = before.first_line, []
            if after.first_line.comment is not None:
                if first.comment is None:
                    first = after.first_line
                else:
                    moved = [cst.EmptyLine(indent=True, comment=after.first_line.comment)]
            return after.with_changes(first_line=first, empty_lines=[*before.empty_lines, *moved, *after.empty_lines])
        return after
    return before


def _has_comment(whitespace: cst.ParenthesizedWhitespace) -> bool:
    return whitespace.first_line.comment is not None or any(line.comment for line in whitespace.empty_lines)


def drop_argument(call: cst.Call, drop: cst.Arg) -> cst.Call:
    """``call`` without the argument ``drop`` (via ``fixes.without_arg``), keeping the layout of
    a multi-line call: the trailing comma, the indentation and the comments of the others."""
    index = next(i for i, arg in enumerate(call.args) if arg is drop)
    fixed = without_arg(call, drop)
    args = list(fixed.args)
    is_last = index == len(call.args) - 1
    # The whitespace that followed the dropped argument (up to the next argument or ``)``).
    after = drop.comma.whitespace_after if isinstance(drop.comma, cst.Comma) else drop.whitespace_after_arg
    if index == 0:
        return fixed.with_changes(whitespace_before_args=_joined(call.whitespace_before_args, after))
    previous = call.args[index - 1]
    before = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) else cst.SimpleWhitespace("")
    if is_last and not isinstance(drop.comma, cst.Comma):
        # ``a,  # c\n    drop\n)`` -> ``a  # c\n)``: the comma goes, its comment moves behind ``a``
        if isinstance(after, cst.ParenthesizedWhitespace):
            closing = _joined(before, after)
        elif isinstance(before, cst.ParenthesizedWhitespace) and _has_comment(before):
            closing = before.with_changes(last_line=cst.SimpleWhitespace(""))
        else:
            closing = after
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing)
    else:
        comma = previous.comma if isinstance(previous.comma, cst.Comma) else cst.Comma()
        args[index - 1] = args[index - 1].with_changes(comma=comma.with_changes(whitespace_after=_joined(before, after)))
    return fixed.with_changes(args=args)


# ---------------------------------------------------------------- the file's registrations, in order

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
