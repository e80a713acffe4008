"""The one base class rule authors learn, and the per-file context rules query.

A rule is a class with ``code``, ``name``, ``summary`` and ``visit_<Node>`` /
``leave_<Node>`` methods, exactly as in a libcst visitor; all enabled rules share one
traversal. Inside those methods ``self.ctx`` answers the FastAPI questions (is the
current function a path operation? what does this name resolve to?) and
``self.report(node, message)`` records a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from fastapi_lint.diagnostics import Applicability, Severity
from fastapi_lint.analysis.facts import DefKeys
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.fixes import Fix
from fastapi_lint.versions import ProjectVersions
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.names import dotted_name, in_main_block
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line for `fastapi-lint rules`
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    # The best fix the rule can offer (SAFE if some findings get a safe fix); each
    # finding's own Fix says what applies to it.
    fix: ClassVar[Applicability | None] = None
    fastapi_docs: ClassVar[str | None] = None
    # Versions ({package: ">=X"}, versions.py): the rule is silent on a project whose every
    # allowed version is older than ``requires`` (its advice cannot be acted on there),
    # unless selected by its exact code; its fixes are offered only when every allowed
    # version meets ``fix_requires``.
    requires: ClassVar[dict[str, str]] = {}
    fix_requires: ClassVar[dict[str, str]] = {}

    def __init__(self, ctx: FileContext):
        self.ctx = ctx

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        """Whether the rule could report anything in the file, answered from the cheap facts
        (``view``) before the file is parsed with libcst: the engine parses a file only when
        some enabled rule could report in it. Be conservative: True when unsure."""
        return True

    def report(self, node: cst.CSTNode, message: str, fix: Fix | None = None) -> None:
        """Record a finding on ``node``; ``fix`` proposes edits to this file's tree."""
        ctx = self.ctx
        ctx.reports.append(Report(self, node, message, ctx.current_statement, fix, ctx.top_statement, ctx.inner_def))


@dataclass
class Report:
    rule: Rule
    node: cst.CSTNode
    message: str
    statement: cst.CSTNode | None
    fix: Fix | None = None
    top: cst.CSTNode | None = None  # the top-level statement holding ``statement``: what is placed
    # The innermost def or class below ``top`` holding ``statement``, with the line of its
    # keyword: what is placed instead, where it can be (``Positions.of_statements``).
    inner: tuple[cst.CSTNode, int] | None = None


@dataclass
class _Frame:
    node: cst.CSTNode
    key: str | None  # facts key of a def/class; None for a lambda




def _concrete(base: type) -> frozenset[type]:
    found, pending = set(), [base]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        found.add(cls)
    return frozenset(found)


# Exact-type sets: libcst's base classes are ABCs, and an isinstance() against one, twice
# per node of every file, was a tenth of the linting time.
_STATEMENT_TYPES = _concrete(cst.BaseCompoundStatement) | {cst.SimpleStatementLine}
_DEF_TYPES = frozenset({cst.FunctionDef, cst.ClassDef})
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


class FileContext:
    """What rules see of the file being linted; the engine keeps it in step with the traversal."""

    # ``enter``/``leave`` do something only for nodes of these types and for the bodies in
    # ``waiting_bodies`` (of a def, class or lambda entered): a walker may skip the others.
    FOLLOWED_TYPES: ClassVar[frozenset[type]] = _STATEMENT_TYPES | {cst.ExceptHandler} | _SCOPE_TYPES

    def __init__(
        self, path: str, model: ModuleModel, module: cst.Module | None = None, python: tuple[int, int] = (3, 10),
        versions: ProjectVersions = ProjectVersions(), extend_blocking_calls: frozenset[str] = frozenset(),
        in_test_file: bool = False,
    ):
        self.path = path
        self.versions = versions  # what the project uses: rules whose advice depends on a version ask
        self.model = model
        self.module = module  # the tree being visited: fixes build new code with its config
        self.python = python  # target version of the linted code: fixes write syntax it supports
        self.extend_blocking_calls = extend_blocking_calls  # the `extend-blocking-calls` setting
        self.in_test_file = in_test_file  # the file matches the `test-paths` setting
        self.project = model.project
        self.reports: list[Report] = []
        self._scope_keys: list[str] = [""]
        self._functions: list[_Frame] = []  # enclosing def/lambda frames, innermost last
        self._pending: dict[int, _Frame] = {}  # frames whose body we have not entered yet
        self._keys = DefKeys()
        self._statements: list[cst.CSTNode] = []
        self._handlers: list[cst.ExceptHandler] = []  # enclosing except clauses, innermost last
        self._bodies: dict[int, cst.CSTNode] = {}  # id(body) -> the def/class/lambda owning it
        self.waiting_bodies = self._bodies  # read-only for walkers (FOLLOWED_TYPES)
        # (scope key, dotted name) -> Symbol: many rules resolve the same callee. An answer is
        # reused only where the project records reads into the set it recorded them in (the
        # file's own, outside any memoised computation), so what the file read stays whole.
        self._resolved: dict[tuple[str, str], Symbol | None] = {}
        self._reads_stack = getattr(self.project, "_reads", None)
        self._reads_depth = len(self._reads_stack) if self._reads_stack is not None else 0
        self._reads_top = self._reads_stack[-1] if self._reads_stack else None

    # ------------------------------------------------------------ traversal bookkeeping
    # Keys follow facts.py: a def/class gets its key when the statement is reached;
    # its scope starts at its body (decorators and defaults belong to the outer scope).

    def enter(self, node: cst.CSTNode) -> None:
        body_owner = self._bodies.get(id(node))
        if body_owner is not None:
            self._enter_body(body_owner)
        kind = type(node)
        if kind in _STATEMENT_TYPES:
            self._statements.append(node)
        elif kind is cst.ExceptHandler:
            self._handlers.append(node)
        if kind in _DEF_TYPES:
            self._pending[id(node)] = _Frame(node, self._keys.next(self._scope_keys[-1], node.name.value))
            self._bodies[id(node.body)] = node
        elif kind is cst.Lambda:
            self._pending[id(node)] = _Frame(node, None)
            self._bodies[id(node.body)] = node

    def leave(self, node: cst.CSTNode) -> None:
        kind = type(node)
        if kind in _STATEMENT_TYPES:
            self._statements.pop()
        elif kind is cst.ExceptHandler:
            self._handlers.pop()
        if kind in _SCOPE_TYPES:
            self._pending.pop(id(node), None)
        body_owner = self._bodies.pop(id(node), None)
        if body_owner is not None:
            self._leave_body(body_owner)

    def _enter_body(self, node: cst.CSTNode) -> None:
        frame = self._pending[id(node)]
        if frame.key is not None:
            self._scope_keys.append(frame.key)
        if not isinstance(node, cst.ClassDef):
            self._functions.append(frame)

    def _leave_body(self, node: cst.CSTNode) -> None:
        frame = self._pending[id(node)]
        if frame.key is not None:
            self._scope_keys.pop()
        if not isinstance(node, cst.ClassDef):
            self._functions.pop()

    # ------------------------------------------------------------ questions

    @property
    def current_statement(self) -> cst.CSTNode | None:
        return self._statements[-1] if self._statements else None

    @property
    def top_statement(self) -> cst.CSTNode | None:
        """The top-level statement being walked (a statement of ``module.body``)."""
        return self._statements[0] if self._statements else None

    @property
    def inner_def(self) -> tuple[cst.CSTNode, int] | None:
        """The innermost def or class statement being walked below the top-level one, with
        the line of its ``def``/``class`` keyword (its facts')."""
        facts = self.model.facts
        for node in reversed(self._statements[1:]):
            kind = type(node)
            if kind in _DEF_TYPES:
                found = (facts.functions if kind is cst.FunctionDef else facts.classes).get(self.key_of(node))
                return (node, found.line) if found is not None else None
        return None

    @property
    def scope_key(self) -> str:
        return self._scope_keys[-1]

    @property
    def function_node(self) -> cst.FunctionDef | cst.Lambda | None:
        """The innermost def or lambda whose body we are in."""
        return self._functions[-1].node if self._functions else None

    def in_async_function(self) -> bool:
        node = self.function_node
        return isinstance(node, cst.FunctionDef) and node.asynchronous is not None

    def path_operation(self, node: cst.FunctionDef):
        """``(routes, facts)`` of a def that FastAPI registers as a path operation (the
        registrations naming it and its function facts); None for any other def."""
        key = self.key_of(node)
        routes = self.model.routes_of(key)
        function = self.model.function(key)
        return (routes, function) if routes and function is not None else None

    def in_handler_of(self, exceptions: frozenset[str]) -> bool:
        """Whether the current node is inside an ``except`` clause (its types included) that
        catches one of ``exceptions`` (qualified names; one type of a tuple is enough): the
        fallback of a compatibility import, say."""
        for handler in self._handlers:
            types = handler.type
            if types is None:
                continue
            elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
            if any(self.qualname(e) in exceptions for e in elements):
                return True
        return False

    def outside_server(self) -> bool:
        """Whether the current code never runs in a served app: it is under
        ``if __name__ == "__main__":``, or in a test file (``test-paths``) outside the endpoints,
        dependencies and lifespans the file itself defines (``ModuleModel.runs_in_app``).
        The async-blocking rules skip such code: it stalls a test or a script, not a server."""
        if in_main_block(self._statements):
            return True
        if not self.in_test_file:
            return False
        key = next((frame.key for frame in reversed(self._functions) if frame.key is not None), None)
        return not self.model.runs_in_app(key)

    def key_of(self, node: cst.FunctionDef | cst.ClassDef) -> str | None:
        """The facts key of a def/class that is being visited (or whose body we are in)."""
        frame = self._pending.get(id(node))
        return frame.key if frame else None

    def resolve(self, expr: cst.BaseExpression) -> Symbol | None:
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        scope = self._scope_keys[-1]
        stack = self._reads_stack
        if stack is None or (len(stack) == self._reads_depth and (not stack or stack[-1] is self._reads_top)):
            key = (scope, dotted)
            try:
                return self._resolved[key]
            except KeyError:
                found = self._resolved[key] = self.project.resolve(self.model.facts, scope, dotted)
                return found
        return self.project.resolve(self.model.facts, scope, dotted)

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        symbol = self.resolve(expr)
        return canonical(symbol.qualname) if symbol and symbol.qualname else None

    def type_of(self, expr: cst.BaseExpression) -> str | None:
        """The class of an expression's value where it is known: a variable bound to a
        constructor call or annotated parameter, or a call of a class/known factory."""
        if isinstance(expr, cst.Call):
            return self.project.result_type_of_callee(self._callee_symbol(expr.func))
        symbol = self.resolve(expr)
        if symbol is None:
            return None
        if symbol.receiver_type is not None:  # attribute of a known instance, e.g. path.parent
            return self.project.result_type_of_callee(symbol) if symbol.attr else None
        return symbol.instance_of

    def _callee_symbol(self, func: cst.BaseExpression) -> Symbol | None:
        if isinstance(func, cst.Attribute) and not isinstance(func.value, (cst.Name, cst.Attribute)):
            receiver = self.type_of(func.value)
            return Symbol(receiver_type=receiver, attr=func.attr.value) if receiver else None
        return self.resolve(func)

    def callee(self, call: cst.Call) -> Symbol | None:
        """What a call calls, including methods on typed receivers (``Path(p).read_text``)."""
        return self._callee_symbol(call.func)

    def owner_kind(self, expr: cst.BaseExpression) -> str | None:
        """``"app"``/``"router"`` when ``expr`` is a FastAPI/Starlette app or an APIRouter."""
        return self.project.kind_of(self.resolve(expr))
