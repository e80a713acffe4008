"""FAPI503 testclient-without-lifespan: `TestClient(app)` outside `with` never runs the
app's lifespan/startup handlers."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fixes import Edit, Fix, Import, expression, statement
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.event_hooks import factory_lifecycle, lifecycle_of
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Report, Rule, Severity


TEST_CLIENTS = frozenset({"starlette.testclient.TestClient", "fastapi.testclient.TestClient"})


# ---------------------------------------------------------------- FAPI503


class TestClientWithoutLifespan(Rule):
    __test__ = False  # not a pytest test class

    code = "FAPI503"
    name = "testclient-without-lifespan"
    fix = Applicability.UNSAFE
    summary = "`TestClient(app)` outside `with` never runs the app's lifespan/startup handlers"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/testing-events/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("TestClient")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._managed: set[int] = set()  # calls used directly as context managers
        self._entered: set[str] = set()  # names used in `with name:` / `name.__enter__()`
        self._pending: list[tuple[cst.Call, list[str], str, cst.CSTNode | None, Fix | None, tuple | None]] = []
        self._replaced: set[tuple] = set()  # origins of apps whose lifespan this module replaces

    # ``app.router.lifespan_context = noop`` (or ``on_startup = []``, ``on_startup.clear()``,
    # ``monkeypatch.setattr(app.router, "lifespan_context", noop)``) anywhere in the module:
    # the test deliberately runs the app without its startup work.

    def _replaces(self, router: cst.BaseExpression) -> None:
        if isinstance(router, cst.Attribute) and router.attr.value == "router":
            symbol = self.ctx.resolve(router.value)
            if symbol is not None and symbol.origin is not None and self.ctx.project.kind_of(symbol) == "app":
                self._replaced.add(symbol.origin)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and target.target.attr.value in _STARTUP_ATTRIBUTES:
                self._replaces(target.target.value)

    def _replacing_call(self, node: cst.Call) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if method == "clear" and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) \
                and func.value.attr.value in ("on_startup", "on_shutdown"):
            self._replaces(func.value.value)
        elif method in ("setattr", "object") and len(node.args) >= 2:
            name = node.args[1].value
            if isinstance(name, cst.SimpleString) and name.evaluated_value in _STARTUP_ATTRIBUTES:
                self._replaces(node.args[0].value)

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if isinstance(item.item, cst.Call):
                self._managed.add(id(item.item))
            else:
                name = dotted_name(item.item)
                if name:
                    self._entered.add(name)

    def visit_Call(self, node: cst.Call) -> None:
        self._replacing_call(node)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("enter_context", "__enter__"):
            if func.attr.value == "enter_context":
                for arg in node.args:
                    if isinstance(arg.value, cst.Call):
                        self._managed.add(id(arg.value))
            elif isinstance(func.value, cst.Call):
                self._managed.add(id(func.value))
            else:
                name = dotted_name(func.value)
                if name:
                    self._entered.add(name)
            return
        if id(node) in self._managed or self.ctx.qualname(func) not in TEST_CLIENTS:
            return
        app_arg = call_positional(node, 0) or call_keyword(node, "app")
        if app_arg is None or app_arg.star:
            return
        reason = self._lifecycle(app_arg.value)
        if reason is None:
            return
        symbol = None if isinstance(app_arg.value, cst.Call) else self.ctx.resolve(app_arg.value)
        origin = symbol.origin if symbol is not None else None
        spelled = dotted_name(func) or "TestClient"
        app = dotted_name(app_arg.value) or (
            f"{dotted_name(app_arg.value.func)}()" if isinstance(app_arg.value, cst.Call) and
            dotted_name(app_arg.value.func) else "app"
        )
        message = (
            f"`{spelled}({app})` is not used as a context manager, so {reason}; "
            f"use `with {spelled}({app}) as client:`"
        )
        self._pending.append((node, self._targets(node), message, self.ctx.current_statement, self._fix(node), origin))

    def _lifecycle(self, expr: cst.BaseExpression) -> str | None:
        project = self.ctx.project
        if isinstance(expr, cst.Call):
            callee = self.ctx.resolve(expr.func)
            if callee is None or callee.project_ref is None:
                return None
            return factory_lifecycle(project, callee)
        symbol = self.ctx.resolve(expr)
        if project.kind_of(symbol) != "app":
            return None
        return lifecycle_of(project, symbol)

    def _targets(self, node: cst.Call) -> list[str]:
        statement = self.ctx.current_statement
        if not isinstance(statement, cst.SimpleStatementLine):
            return []
        names = []
        for small in statement.body:
            if isinstance(small, cst.Assign) and small.value is node:
                names += [dotted_name(t.target) for t in small.targets]
            elif isinstance(small, cst.AnnAssign) and small.value is node:
                names.append(dotted_name(small.target))
        return [n for n in names if n]

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, targets, message, owner_statement, fix, origin in self._pending:
            if any(t in self._entered for t in targets):
                continue  # `client = TestClient(app)` ... `with client:`
            if origin is not None and origin in self._replaced:
                continue  # the module replaces the app's lifespan/startup handlers on purpose
            self.ctx.reports.append(Report(self, node, message, owner_statement, fix))

    # ------------------------------------------------------------ fix (pytest fixtures only)

    def _fix(self, call: cst.Call) -> Fix | None:
        """In a sync pytest fixture, ``return TestClient(app)`` (the fixture's only return) or a final
        ``yield TestClient(app)`` becomes ``with TestClient(app) as client: yield client``; a return
        annotation ``T`` becomes ``Iterator[T]``. Unsafe: the lifespan now runs in the tests."""
        function = self.ctx.function_node
        line = self.ctx.current_statement
        if not isinstance(function, cst.FunctionDef) or function.asynchronous is not None:
            return None
        body = function.body
        if not isinstance(body, cst.IndentedBlock) or not isinstance(line, cst.SimpleStatementLine):
            return None
        if not any(stmt is line for stmt in body.body) or len(line.body) != 1:
            return None
        if not any(self._is_fixture(d.decorator) for d in function.decorators):
            return None
        small = line.body[0]
        returns, yields, names = _function_body_facts(body)
        names |= {p.name.value for p in (*function.params.params, *function.params.posonly_params,
                                         *function.params.kwonly_params)}
        if isinstance(small, cst.Return) and small.value is call:
            if returns != 1 or yields:
                return None
        elif (isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and small.value.value is call
              and body.body[-1] is line):
            if returns:
                return None
            small = None  # already a generator: the annotation stays
        else:
            return None
        name = next((n for n in ("client", "test_client") if n not in names), None)
        if name is None:
            return None
        block = statement(f"with _ as {name}:\n    yield {name}\n", self.ctx.module)
        item = block.items[0].with_changes(item=call)
        block = block.with_changes(
            items=[item], leading_lines=line.leading_lines,
            body=block.body.with_changes(header=line.trailing_whitespace),
        )
        edits = [Edit(line, block)]
        imports: list[Import] = []
        if small is not None and function.returns is not None:
            iterator = self._iterator_spelling()
            if iterator is None:
                return None
            spelled, imports = iterator
            annotation = function.returns.annotation
            wrapped = expression(f"{spelled}[_]", self.ctx.module)
            wrapped = wrapped.with_changes(slice=[wrapped.slice[0].with_changes(
                slice=cst.Index(value=annotation))])
            edits.append(Edit(annotation, wrapped))
        return Fix(tuple(edits), Applicability.UNSAFE, tuple(imports))

    def _is_fixture(self, decorator: cst.BaseExpression) -> bool:
        target = decorator.func if isinstance(decorator, cst.Call) else decorator
        return self.ctx.qualname(target) in _PYTEST_FIXTURES

    def _iterator_spelling(self) -> tuple[str, list[Import]] | None:
        module = "collections.abc" if self.ctx.python >= (3, 9) else "typing"
        bound = self.ctx.qualname(cst.Name("Iterator"))
        if self.ctx.resolve(cst.Name("Iterator")) is None:
            return "Iterator", [Import(module, "Iterator")]
        if bound in ("collections.abc.Iterator", "typing.Iterator"):
            return "Iterator", []
        return None


# Attributes of an app's router that hold its startup work.
_STARTUP_ATTRIBUTES = frozenset({"lifespan_context", "on_startup", "on_shutdown"})

_PYTEST_FIXTURES = frozenset({"pytest.fixture", "_pytest.fixtures.fixture"})


def _function_body_facts(body: cst.BaseSuite) -> tuple[int, int, set[str]]:
    """Returns, yields and every name spelled in a function body (nested scopes excluded for
    returns/yields, included for names, which only makes the name choice more careful)."""

    class Walker(cst.CSTVisitor):
        def __init__(self) -> None:
            self.returns = self.yields = 0
            self.names: set[str] = set()
            self.depth = 0

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.depth += 1

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            self.depth -= 1

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.depth += 1

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            self.depth -= 1

        def visit_Lambda(self, node: cst.Lambda) -> None:
            self.depth += 1

        def leave_Lambda(self, original_node: cst.Lambda) -> None:
            self.depth -= 1

        def visit_Return(self, node: cst.Return) -> None:
            self.returns += self.depth == 0

        def visit_Yield(self, node: cst.Yield) -> None:
            self.yields += self.depth == 0

        def visit_Name(self, node: cst.Name) -> None:
            self.names.add(node.value)

    walker = Walker()
    body.visit(walker)
    return walker.returns, walker.yields, walker.names
