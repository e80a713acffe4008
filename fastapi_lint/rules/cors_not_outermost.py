"""FAPI413 cors-not-outermost: ``CORSMiddleware`` inside a middleware that answers requests
itself (authentication, rate limits): those answers reach the browser without CORS headers."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.middleware import function_answers_itself, middleware_call, middleware_class_answers
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.fastapi_names import APP_CLASSES, CORS_MIDDLEWARE, MIDDLEWARE_WRAPPER
from fastapi_lint.rule import Rule, Severity

_CORS = frozenset({CORS_MIDDLEWARE})


@dataclass
class _Added:
    """One middleware added to an app, in the order the code adds it."""

    node: cst.CSTNode
    name: str  # how the message names it
    cors: bool
    answers: bool


class CorsNotOutermost(Rule):
    code = "FAPI413"
    name = "cors-not-outermost"
    summary = "`CORSMiddleware` added before a middleware that answers itself: its 401/429 reach the browser without CORS headers"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/cors/"

    def __init__(self, ctx):
        super().__init__(ctx)
        # (scope, app spelling) -> middleware added by add_middleware / @app.middleware, in source order
        self._added: dict[tuple[str, str], list[_Added]] = {}
        # (scope, app name) -> the CORSMiddleware of the app's constructor list (inner to everything added)
        self._constructor_cors: dict[tuple[str, str], cst.CSTNode] = {}

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("CORSMiddleware") and view.may_use("starlette", "fastapi")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value == "middleware"):
                continue
            receiver = call.func.value
            spelled = dotted_name(receiver)
            if spelled is None or self.ctx.owner_kind(receiver) != "app":
                continue
            key = self.ctx.key_of(node)
            function = self.ctx.model.facts.functions.get(key) if key else None
            answers = function is not None and function_answers_itself(self.ctx.project, self.ctx.model.facts, function)
            self._add(spelled, _Added(decorator, f"`{node.name.value}` (`@{spelled}.middleware`)", False, answers))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_middleware":
            spelled = dotted_name(func.value)
            if spelled is None or self.ctx.owner_kind(func.value) != "app":
                return
            first = call_positional(node, 0) or call_keyword(node, "middleware_class")
            if first is None:
                return
            qualname = self.ctx.qualname(first.value)
            if qualname is None:
                return
            cors = qualname == CORS_MIDDLEWARE
            answers = not cors and middleware_class_answers(self.ctx.project, qualname)
            self._add(spelled, _Added(node, f"`{dotted_name(first.value)}`", cors, answers))
            return
        middleware = call_keyword(node, "middleware")
        if middleware is not None and isinstance(middleware.value, cst.List):
            callee = self.ctx.callee(node)
            if callee is not None and callee.receiver_type is None and self.ctx.project.is_subclass(
                canonical(callee.qualname or ""), APP_CLASSES
            ):
                self._check_constructor_list(node, middleware.value)

    def _add(self, spelled: str, added: _Added) -> None:
        self._added.setdefault((self.ctx.scope_key, spelled), []).append(added)

    def _check_constructor_list(self, call: cst.Call, listed: cst.List) -> None:
        """``FastAPI(middleware=[...])`` lists the outermost first."""
        entries = []
        for element in listed.elements:
            value = element.value
            if not isinstance(value, cst.Call) or self.ctx.qualname(value.func) != MIDDLEWARE_WRAPPER:
                entries.append(None)
                continue
            found = middleware_call(self.ctx, value, _CORS)
            if found is not None:
                entries.append(_Added(value, "`CORSMiddleware`", True, False))
                continue
            first = call_positional(value, 0) or call_keyword(value, "cls")
            qualname = self.ctx.qualname(first.value) if first is not None else None
            answers = middleware_class_answers(self.ctx.project, qualname)
            entries.append(_Added(value, f"`{dotted_name(first.value)}`", False, answers) if first else None)
        for index, entry in enumerate(entries):
            if entry is None or not entry.cors:
                continue
            outer = [e for e in entries[:index] if e is not None and e.answers]
            if outer:
                self._report(entry.node, outer[0].name, "it is listed before `CORSMiddleware` in `middleware=[...]`, which puts it outside")
            else:
                target = self._assigned_name(call)
                if target is not None:
                    self._constructor_cors[(self.ctx.scope_key, target)] = entry.node

    def _assigned_name(self, call: cst.Call) -> str | None:
        statement = self.ctx.current_statement
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is call:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if len(targets) == 1 and isinstance(targets[0], cst.Name):
                    return targets[0].value
        return None

    def leave_Module(self, original_node: cst.Module) -> None:
        for key, added in self._added.items():
            constructor_cors = self._constructor_cors.get(key)
            if constructor_cors is not None:
                answering = [a for a in added if a.answers]
                if answering:
                    self._report(constructor_cors, answering[0].name,
                                 "it is added after the app is built, and middleware added later runs outside the "
                                 "constructor's `middleware=[...]`")
            for index, entry in enumerate(added):
                if not entry.cors:
                    continue
                later = [a for a in added[index + 1:] if a.answers]
                if later:
                    self._report(entry.node, later[0].name,
                                 "it is added after `CORSMiddleware`, and the middleware added last runs outermost")

    def _report(self, node: cst.CSTNode, other: str, why: str) -> None:
        self.report(
            node,
            f"`CORSMiddleware` runs inside {other}, which answers some requests itself (a 401, 403 or 429): {why}; "
            f"those answers and the preflights it rejects reach the browser without CORS headers, so it shows a "
            f"CORS error instead of the status. Make `CORSMiddleware` the outermost middleware",
        )
