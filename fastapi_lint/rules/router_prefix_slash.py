"""FAPI210 router-prefix-slash: a router prefix that FastAPI rejects at startup."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.data.fastapi_names import APP_CLASSES, ROUTER_CLASSES
from fastapi_lint.analysis.facts import Const
from fastapi_lint.fixes import Fix
from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity


@dataclass(frozen=True)
class _Text:
    """What is known of a string expression: all of it, or a literal head and tail."""

    full: str | None
    head: str = ""
    tail: str = ""


_UNKNOWN = _Text(None)


class RouterPrefixSlash(Rule):
    code = "FAPI210"
    name = "router-prefix-slash"
    summary = "Router prefix must start with `/` and must not end with `/`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/bigger-applications/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.keyword_argument("prefix") and view.any_call(
            lambda site: site.callee.rpartition(".")[2] == "include_router" or _makes_a_router(view.project, view.callee(site)))

    def visit_Call(self, node: cst.Call) -> None:
        arg = call_keyword(node, "prefix")
        if arg is None:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "include_router":
            owner = self.ctx.resolve(func.value)
            if not self.ctx.project.kind_of(owner) or self._overrides(owner.instance_of, "include_router"):
                return
            where = f"`{source_text(func, 50)}(..., prefix=...)`"
        else:
            callee = self.ctx.callee(node)
            if not _makes_a_router(self.ctx.project, callee) or self._overrides(canonical(callee.qualname), "__init__"):
                return
            where = f"`{source_text(func, 50)}(prefix=...)`"
        text = self._evaluate(arg.value)
        problem = _problem(text)
        if problem is None:
            return
        if text.full is not None:
            fixed = "/" + text.full.strip("/") if text.full.strip("/") else ""
            shown, advice = f"`{text.full!r}`", f"use `{fixed!r}`"
        else:
            shown = f"`{source_text(arg.value, 50)}`"
            advice = "start it with `/`" if problem is _NO_SLASH else "drop the trailing `/`"
        self.report(arg.value, f"Prefix {shown} in {where} {problem[0]}; FastAPI fails at startup with "
                               f"`AssertionError: {problem[1]}` — {advice}", fix=_literal_fix(arg.value))

    def _overrides(self, qualname: str | None, method: str) -> bool:
        """A project subclass of APIRouter/FastAPI that defines ``method`` may rewrite the prefix."""
        return self.ctx.project.project_class_defines(qualname, method, APP_CLASSES | ROUTER_CLASSES)

    # ------------------------------------------------------------ evaluation

    def _evaluate(self, node: cst.BaseExpression, depth: int = 0) -> _Text:
        if depth > 8:
            return _UNKNOWN
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return _Text(value, value, value) if isinstance(value, str) else _UNKNOWN
        if isinstance(node, cst.ConcatenatedString):
            return _concat(self._evaluate(node.left, depth + 1), self._evaluate(node.right, depth + 1))
        if isinstance(node, cst.FormattedString):
            return _formatted(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return _concat(self._evaluate(node.left, depth + 1), self._evaluate(node.right, depth + 1))
        if isinstance(node, (cst.Name, cst.Attribute)):
            symbol = self.ctx.resolve(node)
            # only constants bound at module level: a function's locals may change
            if symbol is not None and isinstance(symbol.value, Const) and isinstance(symbol.value.value, str) \
                    and symbol.origin is not None and symbol.origin[1] == "":
                value = symbol.value.value
                return _Text(value, value, value)
        return _UNKNOWN


def _literal_fix(node: cst.BaseExpression) -> Fix | None:
    """``"api/"`` -> ``"/api"``, ``"/"`` -> ``""``, in the string's own quotes and prefix; only for a
    plain literal without escapes (constants, concatenations and f-strings are left to the author)."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower():
        return None
    raw = node.raw_value
    if "\\" in raw or "\n" in raw or "\r" in raw:
        return None
    stripped = raw.strip("/")
    fixed = "/" + stripped if stripped else ""
    return Fix.replace(node, node.with_changes(value=f"{node.prefix}{node.quote}{fixed}{node.quote}"))


_NO_SLASH = ("does not start with `/`", "A path prefix must start with '/'")
_TRAILING = ("ends with `/`", "A path prefix must not end with '/', as the routes will start with '/'")


def _problem(text: _Text) -> tuple[str, str] | None:
    """What FastAPI's assertions in ``APIRouter.__init__``/``include_router`` say of it."""
    if text.full is not None:
        if not text.full:
            return None  # "" means no prefix
        if not text.full.startswith("/"):
            return _NO_SLASH
        if text.full.endswith("/"):
            return _TRAILING
        return None
    if text.head and not text.head.startswith("/"):
        return _NO_SLASH
    if text.tail.endswith("/"):
        return _TRAILING
    return None


def _formatted(node: cst.FormattedString) -> _Text:
    parts = node.parts
    if not all(isinstance(p, (cst.FormattedStringText, cst.FormattedStringExpression)) for p in parts):
        return _UNKNOWN
    if all(isinstance(p, cst.FormattedStringText) for p in parts):
        value = "".join(p.value for p in parts)
        if "{" in value or "\\" in value:
            return _UNKNOWN  # escapes ({{, \n ...): not worth decoding
        return _Text(value, value, value)
    head = parts[0].value if isinstance(parts[0], cst.FormattedStringText) else ""
    tail = parts[-1].value if isinstance(parts[-1], cst.FormattedStringText) else ""
    if "\\" in head or "{" in head or "}" in head:
        head = ""
    if "\\" in tail or "{" in tail or "}" in tail:
        tail = ""
    return _Text(None, head, tail)


def _concat(left: _Text, right: _Text) -> _Text:
    if left.full is not None and right.full is not None:
        value = left.full + right.full
        return _Text(value, value, value)
    head = left.head if left.full is None else left.full + right.head
    tail = right.tail if right.full is None else left.tail + right.full
    return _Text(None, head, tail)


def _makes_a_router(project, callee) -> bool:
    """Whether a call of ``callee`` makes a router: ``APIRouter(...)`` or a subclass's."""
    return callee is not None and bool(callee.qualname) and project.is_subclass(canonical(callee.qualname), ROUTER_CLASSES)
