"""FAPI303 yield-dependency-without-finally: cleanup after a dependency's ``yield`` that
is skipped when the request fails."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

_CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
_CATCH_ALL = frozenset({"builtins.BaseException"})


@dataclass
class _Frame:
    stmts: tuple  # the statement list the yield (or its enclosing statement) is in
    index: int
    kind: str  # body | with | try | handler | else | finally | other
    owner: cst.CSTNode | None = None  # the Try for try/handler/else/finally frames


class _YieldFinder(cst.CSTVisitor):
    """Does a simple statement contain a ``yield`` of its own (not in a lambda)?"""

    def __init__(self) -> None:
        self.found = False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False


def _has_yield(stmt: cst.SimpleStatementLine) -> bool:
    finder = _YieldFinder()
    stmt.visit(finder)
    return finder.found


class YieldDependencyWithoutFinally(Rule):
    code = "FAPI303"
    name = "yield-dependency-without-finally"
    summary = "Cleanup after `yield` in a dependency is skipped when the request fails"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        model = view.model
        return any(f.has_yield and model.is_dependency(f.key) for f in view.facts.functions.values())

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self.ctx.key_of(node)
        function = self.ctx.model.function(key)
        if function is None or not function.has_yield or not self.ctx.model.is_dependency(key):
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            target = expr.func if isinstance(expr, cst.Call) else expr
            if self.ctx.qualname(target) in _CONTEXT_MANAGER_DECORATORS:
                return  # FastAPI does not treat the wrapped generator as a yield dependency
        if not isinstance(node.body, cst.IndentedBlock):
            return
        reported: set[int] = set()
        for chain in self._yields(tuple(node.body.body), [], "body", None):
            stmt = self._unprotected_after(chain)
            if stmt is None or id(stmt) in reported:
                continue
            reported.add(id(stmt))
            self.report(
                stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else stmt,
                f"{self._describe(stmt)} after the `yield` in dependency `{node.name.value}` is skipped when the "
                "request fails (the error is raised at the `yield`); put the cleanup in a `finally:` around "
                "the `yield` or use a `with` block",
            )

    # ------------------------------------------------------------ finding yields

    def _yields(self, stmts: tuple, chain: list[_Frame], kind: str, owner):
        for index, stmt in enumerate(stmts):
            frame = _Frame(stmts, index, kind, owner)
            here = [*chain, frame]
            if isinstance(stmt, cst.SimpleStatementLine):
                if _has_yield(stmt):
                    yield here
            elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            elif isinstance(stmt, cst.BaseCompoundStatement):
                yield from self._compound(stmt, here)

    def _compound(self, stmt: cst.BaseCompoundStatement, chain: list[_Frame]):
        if isinstance(stmt, cst.With):
            yield from self._block(stmt.body, chain, "with", stmt)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            yield from self._block(stmt.body, chain, "try", stmt)
            for handler in stmt.handlers:
                yield from self._block(handler.body, chain, "handler", stmt)
            if stmt.orelse is not None:
                yield from self._block(stmt.orelse.body, chain, "else", stmt)
            if stmt.finalbody is not None:
                yield from self._block(stmt.finalbody.body, chain, "finally", stmt)
        elif isinstance(stmt, cst.If):
            yield from self._block(stmt.body, chain, "other", stmt)
            if stmt.orelse is not None:
                yield from self._block(stmt.orelse, chain, "other", stmt)
        elif isinstance(stmt, cst.Else):
            yield from self._block(stmt.body, chain, "other", stmt)
        elif isinstance(stmt, (cst.For, cst.While)):
            yield from self._block(stmt.body, chain, "other", stmt)
            if stmt.orelse is not None:
                yield from self._block(stmt.orelse.body, chain, "other", stmt)
        elif isinstance(stmt, cst.Match):
            for case in stmt.cases:
                yield from self._block(case.body, chain, "other", stmt)

    def _block(self, block, chain: list[_Frame], kind: str, owner):
        if isinstance(block, cst.If):  # elif
            yield from self._compound(block, chain)
            return
        if isinstance(block, cst.Else):
            block = block.body
        body = getattr(block, "body", None)
        if isinstance(body, (list, tuple)):
            yield from self._yields(tuple(body), chain, kind, owner)

    # ------------------------------------------------------------ judging one yield

    def _unprotected_after(self, chain: list[_Frame]) -> cst.CSTNode | None:
        for frame in chain:
            if frame.kind in ("with", "finally"):
                return None  # a context manager or a finally clause owns the cleanup
            if frame.kind in ("try", "handler", "else") and frame.owner.finalbody is not None:
                return None
            if frame.kind == "try" and self._catches_everything(frame.owner):
                return None
        # Innermost first: the statement that would run next after the yield on success.
        for frame in reversed(chain):
            if frame.kind == "try" and frame.owner.handlers:
                continue  # success-only code next to an `except` that handles the error path
            for stmt in frame.stmts[frame.index + 1:]:
                if self._ends_flow(stmt):
                    return None  # `yield; return`: nothing else runs after this yield
                if not self._trivial(stmt):
                    return stmt
        return None

    @staticmethod
    def _ends_flow(stmt: cst.CSTNode) -> bool:
        return isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(small, (cst.Return, cst.Raise, cst.Break, cst.Continue)) for small in stmt.body
        )

    def _catches_everything(self, try_node) -> bool:
        for handler in try_node.handlers:
            if handler.type is None:
                return True
            if self.ctx.qualname(handler.type) in _CATCH_ALL:
                return True
        return False

    @staticmethod
    def _trivial(stmt: cst.CSTNode) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return False
        for small in stmt.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.Ellipsis, cst.SimpleString)):
                continue
            return False
        return True

    @staticmethod
    def _describe(stmt: cst.CSTNode) -> str:
        if isinstance(stmt, cst.SimpleStatementLine):
            return f"`{source_text(stmt.body[0], 60)}`"
        keyword = {cst.If: "if", cst.For: "for", cst.While: "while", cst.Try: "try", cst.With: "with",
                   cst.Match: "match"}.get(type(stmt), "compound")
        return f"The `{keyword}` block"
