"""FAPI209 status-code-literal (opt-in): a bare number where a ``status.HTTP_*`` constant says
what the status means."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import HTTP_METHOD_DECORATORS
from fastapi_lint.data.status_codes import OLD_STATUS_NAMES, RENAMED_IN_STARLETTE_0_48, STATUS_CONSTANTS, STATUS_MODULES
from fastapi_lint.analysis.facts import MODULE_SCOPE
from fastapi_lint.fixes import Fix, Import, annotation_fix, expression
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity

_ROUTE_METHODS = HTTP_METHOD_DECORATORS | {"api_route", "add_api_route"}
_HTTP_EXCEPTIONS = frozenset({"fastapi.HTTPException", "starlette.exceptions.HTTPException"})
_RESPONSE_MODULES = ("starlette.responses.", "fastapi.responses.")


class StatusCodeLiteral(Rule):
    code = "FAPI209"
    name = "status-code-literal"
    summary = "Numeric status code instead of a `status.HTTP_*` constant"
    severity = Severity.WARNING
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-status-code/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.may_use("fastapi", "starlette")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._untracked: set[str] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _ROUTE_METHODS:
            if self.ctx.owner_kind(func.value) is not None:
                keyword = call_keyword(node, "status_code")
                self._check(keyword.value if keyword else None, f"`{dotted_name(func) or func.attr.value}(...)`")
            return
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return
        qualname = self.ctx.qualname(func)
        if qualname is None:
            return
        if qualname in _HTTP_EXCEPTIONS:
            arg = call_positional(node, 0) or call_keyword(node, "status_code")
        elif qualname.startswith(_RESPONSE_MODULES) and qualname.endswith("Response"):
            arg = call_keyword(node, "status_code") or call_positional(node, 1)
        else:
            return
        self._check(arg.value if arg else None, f"`{dotted_name(func)}(...)`")

    def _check(self, value: cst.BaseExpression | None, where: str) -> None:
        if not isinstance(value, cst.Integer):
            return
        try:
            number = int(value.value.replace("_", ""), 0)
        except ValueError:
            return
        constant = STATUS_CONSTANTS.get(number)
        if number in RENAMED_IN_STARLETTE_0_48 and self.ctx.versions.older_than("starlette", (0, 48)):
            constant = OLD_STATUS_NAMES[number]  # the project's Starlette predates the new name
        if constant is None:
            return  # no named constant to suggest
        self.report(
            value,
            f"Use `status.{constant}` instead of the number `{number}` in {where} (`from fastapi import status`)",
            fix=annotation_fix(self.ctx, self._fix(value, number, constant)),
        )

    # ------------------------------------------------------------ fix

    def _fix(self, value: cst.Integer, number: int, constant: str) -> Fix | None:
        spelling = self._status_module()
        if spelling is None:
            return None
        module, imports = spelling
        replacement = expression(f"{module}.{constant}", self.ctx.module).with_changes(
            lpar=value.lpar, rpar=value.rpar
        )
        # The current names of 413/414/416/422 need Starlette 0.48; older releases lack them.
        return Fix.replace(value, replacement, unsafe=constant == STATUS_CONSTANTS.get(number) and number in RENAMED_IN_STARLETTE_0_48, imports=imports)

    def _status_module(self) -> tuple[str, tuple[Import, ...]] | None:
        """How to spell the status module here: a name already bound to it (``status``, an
        alias, ``fastapi.status``), or ``status`` with a new ``from fastapi import status``
        when that name is free; None when neither is certain."""
        untracked = self._untracked_names()
        if "status" not in untracked and self._is_status_module("status"):
            return "status", ()
        for name in self._visible_imports():
            if name not in untracked and name != "status" and self._is_status_module(name):
                return name, ()
        for name in self._visible_imports():
            if name not in untracked and self._is_status_module(f"{name}.status", "fastapi.status"):
                return f"{name}.status", ()  # ``import fastapi`` -> ``fastapi.status``
        facts = self.ctx.model.facts
        if "status" in untracked or facts.star_imports:
            return None  # a binding we cannot see might be shadowed by the import
        if self.ctx.resolve(cst.Name("status")) is not None:
            return None  # ``status`` means something else here
        if self.ctx.project.resolve(facts, MODULE_SCOPE, "status") is not None:
            return None
        return "status", (Import("fastapi", "status"),)

    def _is_status_module(self, dotted: str, *only: str) -> bool:
        symbol = self.ctx.project.resolve(self.ctx.model.facts, self.ctx.scope_key, dotted)
        if symbol is None or not symbol.qualname or symbol.instance_of or symbol.attr:
            return False
        qualname = canonical(symbol.qualname)
        return qualname in (only or STATUS_MODULES)

    def _visible_imports(self):
        """Local names of ``import``/``from ... import`` bindings visible from the current scope
        that point at a status module or at the ``fastapi`` package."""
        facts = self.ctx.model.facts
        scope: str | None = self.ctx.scope_key
        first = True
        seen: set[str] = set()
        while scope is not None:
            found = facts.scopes.get(scope)
            if found is None:
                return
            if first or not found.is_class:
                for name, binding in found.bindings.items():
                    if binding.kind == "import" and name not in seen and (
                        binding.target in STATUS_MODULES or binding.target == "fastapi"
                    ):
                        seen.add(name)
                        yield name
            first = False
            scope = found.parent

    def _untracked_names(self) -> set[str]:
        """Names bound where the project resolver does not look (comprehension and ``match``
        targets, lambda parameters, ``global``/``nonlocal``): a fix never relies on them."""
        if self._untracked is None:
            collector = _UntrackedBindings()
            if self.ctx.module is not None:
                self.ctx.module.visit(collector)
            self._untracked = collector.names
        return self._untracked


class _UntrackedBindings(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def _targets(self, node: cst.CSTNode | None) -> None:
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif node is not None:
            for child in node.children:
                if not isinstance(child, cst.Attribute) and not isinstance(child, cst.Subscript):
                    self._targets(child)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._targets(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        self._targets(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        self._targets(node.rest)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._targets(node.params)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.names.add(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.names.add(item.name.value)
