"""FAPI202 redundant-response-model: `response_model=` repeats the path operation's return
annotation."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.fixes import Fix, annotation_allowed, lazy_annotations
from fastapi_lint.analysis.names import call_keyword, dotted_name, literal_value
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.route_nodes import drop_argument, is_none, literal_string, route_decorators
from fastapi_lint.analysis.responses import GENERIC_ALIASES, node_type_form, parse_annotation


_NONE = ("none",)


_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})


class RedundantResponseModel(Rule):
    code = "FAPI202"
    name = "redundant-response-model"
    requires = fix_requires = {"fastapi": ">=0.89"}  # the return annotation became the response model in FastAPI 0.89
    summary = "`response_model=` repeats the path operation's return annotation"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-model/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.returns is None:
            return
        returns = None
        for _registration, _decorator, call in route_decorators(self.ctx, node):
            keyword = call_keyword(call, "response_model")
            if keyword is None or is_none(keyword.value):
                continue
            if returns is None:
                returns = self._type_key(node.returns.annotation)
                if returns is None:
                    return  # an annotation we cannot compare
            if self._type_key(keyword.value) == returns:
                self.report(
                    keyword,
                    f"`response_model={source_text(keyword.value)}` repeats the return annotation of "
                    f"`{node.name.value}`; remove it, FastAPI already uses the return annotation as the "
                    "response model",
                    fix=self._fix(call, keyword, node.returns.annotation),
                )

    def _fix(self, call: cst.Call, keyword: cst.Arg, annotation: cst.BaseExpression) -> Fix | None:
        """Drop ``response_model=``, when FastAPI will certainly be able to evaluate the annotation."""
        if not self._evaluates_at_runtime(annotation, keyword.value):
            return None
        return Fix.replace(call, drop_argument(call, keyword))

    def _evaluates_at_runtime(self, annotation: cst.BaseExpression, model: cst.BaseExpression) -> bool:
        """An annotation Python evaluated when the def ran is what FastAPI uses. A string (or
        every annotation under ``from __future__ import annotations``) is evaluated by FastAPI
        in the module's globals: only safe when FastAPI can evaluate it there
        (:func:`annotation_allowed`) and, to be sure, each name in it also appears in the
        ``response_model=`` expression (which runs)."""
        if not lazy_annotations(self.ctx) and not _contains_string(annotation):
            return True
        names = _head_names(annotation)
        if names is None or not names <= (_head_names(model) or set()):
            return False
        return annotation_allowed(self.ctx, annotation)

    # A comparable key for a type expression: names resolved to qualified names, typing
    # aliases mapped to the builtin generics, Optional/Union/``|`` unified; None = unknown.
    def _type_key(self, expr: cst.BaseExpression, depth: int = 0):
        if depth > 12:
            return None
        form = node_type_form(self.ctx, expr, strings=True)
        expr = form.node
        if form.kind == "none":
            return _NONE
        if form.kind == "class":
            return self._name_key(expr)
        if form.kind == "union":
            return self._union(list(form.items), depth)
        if form.kind == "annotated":
            return None  # metadata is not compared
        if form.kind == "generic":
            return self._generic_key(form, depth)
        if isinstance(expr, cst.List):  # Callable[[int], str]
            items = [self._type_key(e.value, depth + 1) if isinstance(e, cst.Element) else None
                     for e in expr.elements]
            return None if None in items else ("list", tuple(items))
        if isinstance(expr, cst.Ellipsis):
            return ("ellipsis",)
        return None

    def _name_key(self, expr: cst.BaseExpression):
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        symbol = self.ctx.resolve(expr)
        if symbol is None:
            return ("unresolved", dotted)  # same spelling in the same scope: the same object
        if symbol.qualname:
            qualname = canonical(symbol.qualname)
            return ("name", GENERIC_ALIASES.get(qualname, qualname))
        if symbol.origin is not None:  # a type alias variable: equal only to itself
            return ("binding", symbol.origin)
        return None

    def _generic_key(self, form, depth: int):
        base_node = form.node.value
        base = self._name_key(base_node) if isinstance(base_node, (cst.Name, cst.Attribute)) else None
        if base is None:
            return None
        if form.qualname in _LITERAL:
            try:
                return ("literal", tuple(literal_value(item) for item in form.items))
            except ValueError:
                return None
        keys = tuple(self._type_key(item, depth + 1) for item in form.items)
        return None if None in keys else ("generic", base, keys)

    def _union(self, members: list[cst.BaseExpression], depth: int):
        parts: list = []
        has_none = False
        for member in members:
            key = self._type_key(member, depth + 1)
            if key is None:
                return None
            if key == _NONE:
                has_none = True
            elif key[0] == "union":
                parts.extend(p for p in key[1] if p not in parts)
                has_none = has_none or key[2]
            elif key not in parts:
                parts.append(key)
        if len(parts) == 1 and not has_none:
            return parts[0]
        return ("union", tuple(parts), has_none)


class _Names(cst.CSTVisitor):
    """The first name of every name/attribute chain in a type expression, strings read as types."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.unreadable = False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False  # ``.attr`` is not a name of its own

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._string(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self._string(node)
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self.unreadable = True
        return False

    def _string(self, node: cst.BaseString) -> None:
        text = literal_string(node)
        parsed = parse_annotation(text) if text is not None else None
        if parsed is None:
            self.unreadable = True
        else:
            parsed.visit(self)


def _head_names(expr: cst.BaseExpression) -> set[str] | None:
    visitor = _Names()
    try:
        expr.visit(visitor)
    except RecursionError:
        return None
    return None if visitor.unreadable else visitor.names


def _contains_string(expr: cst.BaseExpression) -> bool:
    return any(True for _ in _strings(expr))


def _strings(expr: cst.CSTNode):
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        yield expr
        return
    for child in expr.children:
        yield from _strings(child)
