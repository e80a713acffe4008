"""FAPI307 module-level-session: a SQLAlchemy session created once at module level and used by
path operations or dependencies: every request shares one session, which is not safe to share."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.dependencies import module_level_session
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.parameters import fastapi_function
from fastapi_lint.rule import Rule, Severity


class ModuleLevelSession(Rule):
    code = "FAPI307"
    name = "module-level-session"
    summary = "A database session created at module level is shared by every request"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/sql-databases/#create-a-session-dependency"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

    def __init__(self, ctx):
        super().__init__(ctx)
        # per enclosing def: (its role and name, origins already reported) or None
        self._frames: list[tuple[str, set] | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = fastapi_function(self.ctx, node)
        if function is None:
            self._frames.append(None)
            return
        key = self.ctx.key_of(node)
        model = self.ctx.model
        role = "path operation" if model.is_endpoint(key) else \
            "websocket handler" if model.is_websocket_handler(key) else "dependency"
        self._frames.append((f"{role} `{node.name.value}`", set()))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    # where a session is used: `db.query(...)`, `crud.get(db, ...)`, `return db`, `yield db`

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check(node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        self._check(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._check(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._check(node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self._check(node.item)

    def _check(self, expr: cst.BaseExpression) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is None or not isinstance(expr, (cst.Name, cst.Attribute)) or self.ctx.function_node is None:
            return
        symbol = self.ctx.resolve(expr)
        made = module_level_session(self.ctx.project, symbol)
        if made is None or symbol.origin in frame[1]:
            return
        frame[1].add(symbol.origin)
        spelled = dotted_name(expr)
        module = symbol.origin[0]
        where = "this module" if module == self.ctx.model.facts.module else f"`{module}`"
        self.report(
            expr,
            f"`{spelled}` is a database session made once at module level (`{made}` in {where}) and used by "
            f"{frame[0]}: every request shares it, and a session is not safe to share between concurrent "
            f"requests (one transaction, one identity map, one connection); open one per request in a dependency "
            f"that yields it (`with SessionLocal() as session: yield session`)",
        )
