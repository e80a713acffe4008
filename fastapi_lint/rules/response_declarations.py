"""FAPI202 redundant-response-model and FAPI208 body-on-no-content: what a path operation
declares about its response body, compared with its return annotation and status code."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import RESPONSE_CLASSES
from fastapi_lint.fixes import Fix, annotation_allowed, lazy_annotations
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.names import call_keyword, canonical, dotted_name, literal_value
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.route_nodes import (
    drop_argument,
    is_none,
    literal_string,
    route_decorators,
    status_code,
)
from fastapi_lint.analysis.parameters import ANNOTATED

_EMPTY = cst.Module([])
_NONE = ("none",)
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_ANY = frozenset({"typing.Any", "typing_extensions.Any"})
# typing's aliases of builtin and collections.abc generics: ``List[Item]`` is ``list[Item]``.
_GENERIC_ALIASES = {
    **{f"{module}.{name}": f"builtins.{name.lower()}"
       for module in ("typing", "typing_extensions")
       for name in ("List", "Dict", "Set", "FrozenSet", "Tuple", "Type")},
    **{f"{module}.{name}": f"collections.abc.{name}"
       for module in ("typing", "typing_extensions")
       for name in ("Sequence", "MutableSequence", "Mapping", "MutableMapping", "Iterable", "Iterator",
                    "AsyncIterable", "AsyncIterator", "Collection", "Generator", "AsyncGenerator",
                    "Callable", "Awaitable", "Coroutine")},
    "typing.AbstractSet": "collections.abc.Set",
    "typing.DefaultDict": "collections.defaultdict",
    "typing.OrderedDict": "collections.OrderedDict",
    "typing.Deque": "collections.deque",
    "typing.Counter": "collections.Counter",
}
_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel",
                          "sqlmodel.main.SQLModel", "typing.TypedDict", "typing_extensions.TypedDict"})
_RESPONSE_MODULES = ("starlette.responses.", "fastapi.responses.", "sse_starlette.")
_DATA_BUILTINS = frozenset(f"builtins.{name}" for name in (
    "dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool"))
_NO_BODY = (204, 304)
_STATUS_TEXT = {204: "204 No Content", 304: "304 Not Modified"}


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def _parse_annotation(text: str) -> cst.BaseExpression | None:
    try:
        return cst.parse_expression(text.strip())
    except Exception:  # not an expression: a forward reference we cannot read
        return None


class RedundantResponseModel(Rule):
    code = "FAPI202"
    name = "redundant-response-model"
    summary = "`response_model=` repeats the path operation's return annotation"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-model/"
    triggers = ("response_model",)
    fix = Applicability.SAFE

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
                    f"`response_model={_code(keyword.value)}` repeats the return annotation of "
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
        if isinstance(expr, cst.Name) and expr.value == "None":
            return _NONE
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            text = literal_string(expr)
            parsed = _parse_annotation(text) if text is not None else None
            return self._type_key(parsed, depth + 1) if parsed is not None else None
        if isinstance(expr, (cst.Name, cst.Attribute)):
            return self._name_key(expr)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._union([expr.left, expr.right], depth)
        if isinstance(expr, cst.Subscript):
            return self._subscript_key(expr, depth)
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
            return ("name", _GENERIC_ALIASES.get(qualname, qualname))
        if symbol.origin is not None:  # a type alias variable: equal only to itself
            return ("binding", symbol.origin)
        return None

    def _subscript_key(self, expr: cst.Subscript, depth: int):
        items = []
        for element in expr.slice:
            if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
                return None
            items.append(element.slice.value)
        base = self._name_key(expr.value) if isinstance(expr.value, (cst.Name, cst.Attribute)) else None
        if base is None:
            return None
        base_name = base[1] if base[0] == "name" else None
        if base_name in _OPTIONAL:
            return self._union([*items, cst.Name("None")], depth) if len(items) == 1 else None
        if base_name in _UNION:
            return self._union(items, depth)
        if base_name in ANNOTATED:
            return None  # metadata is not compared
        if base_name in _LITERAL:
            try:
                return ("literal", tuple(literal_value(item) for item in items))
            except ValueError:
                return None
        keys = tuple(self._type_key(item, depth + 1) for item in items)
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
        parsed = _parse_annotation(text) if text is not None else None
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


class BodyOnNoContent(Rule):
    code = "FAPI208"
    name = "body-on-no-content"
    summary = "`status_code=204`/`304` path operation declares or returns a response body"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-status-code/"

    @classmethod
    def applies_to(cls, text: str, model: ModuleModel) -> bool:
        return bool(model.of_kind("route")) and any(
            token in text for token in ("204", "304", "NO_CONTENT", "NOT_MODIFIED")
        )

    def __init__(self, ctx):
        super().__init__(ctx)
        self._no_content: dict[int, tuple[str, int]] = {}  # id(def) -> (def name, status)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = self.ctx.model.function(self.ctx.key_of(node))
        if function is None or function.has_yield:
            return  # streaming generators are another story
        for _registration, _decorator, call in route_decorators(self.ctx, node):
            keyword = call_keyword(call, "status_code")
            status = status_code(self.ctx, keyword.value) if keyword is not None else None
            if status not in _NO_BODY:
                continue
            name = node.name.value
            what = f"`status_code={_code(keyword.value)}` ({_STATUS_TEXT[status]})"
            model = call_keyword(call, "response_model")
            if model is not None and not is_none(model.value):
                self.report(
                    keyword,
                    f"{what} allows no response body, but `{name}` declares "
                    f"`response_model={_code(model.value)}`, which FastAPI rejects at startup; remove "
                    "`response_model`",
                )
                return
            if model is None and node.returns is not None and self._is_body_annotation(node.returns.annotation):
                self.report(
                    keyword,
                    f"{what} allows no response body, but `{name}` is annotated "
                    f"`-> {_code(node.returns.annotation)}`, which FastAPI turns into a response model "
                    "and rejects at startup; annotate it `-> None`",
                )
                return
            self._no_content[id(node)] = (name, status)
            return

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function_node
        found = self._no_content.get(id(function)) if function is not None else None
        if found is None or node.value is None or is_none(node.value):
            return
        if self._is_body_value(node.value):
            name, status = found
            self.report(
                node,
                f"`{name}` returns a value, but its route answers {_STATUS_TEXT[status]}, so FastAPI "
                f"serialises it and then drops it; return nothing (or `Response(status_code={status})`)",
            )

    # ------------------------------------------------------------ classification

    def _kind(self, qualname: str | None) -> str | None:
        """``"response"``, ``"body"`` (a model, builtin data, Any), or None when unknown."""
        if not qualname:
            return None
        project = self.ctx.project
        if qualname.startswith(_RESPONSE_MODULES) or project.is_subclass(qualname, RESPONSE_CLASSES):
            return "response"
        if qualname in _DATA_BUILTINS or qualname in _ANY or _GENERIC_ALIASES.get(qualname) in _DATA_BUILTINS:
            return "body"
        if project.is_subclass(qualname, _MODEL_BASES):
            return "body"
        return None

    def _is_body_annotation(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        if depth > 8 or is_none(expr):
            return False
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            text = literal_string(expr)
            parsed = _parse_annotation(text) if text is not None else None
            return parsed is not None and self._is_body_annotation(parsed, depth + 1)
        if isinstance(expr, (cst.Name, cst.Attribute)):
            return self._kind(self.ctx.qualname(expr)) == "body"
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._is_body_annotation(expr.left, depth + 1) or self._is_body_annotation(expr.right, depth + 1)
        if isinstance(expr, cst.Subscript):
            items = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
            base = self.ctx.qualname(expr.value)
            if base in _OPTIONAL or base in _UNION:
                return any(self._is_body_annotation(item, depth + 1) for item in items)
            if base in ANNOTATED:
                return bool(items) and self._is_body_annotation(items[0], depth + 1)
            if base in _DATA_BUILTINS or _GENERIC_ALIASES.get(base) in _DATA_BUILTINS:
                return True
        return False

    def _is_body_value(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if isinstance(expr, (cst.Dict, cst.List, cst.Tuple, cst.Set, cst.DictComp, cst.ListComp, cst.SetComp,
                             cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer,
                             cst.Float)):
            return True
        if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
            return True
        if isinstance(expr, (cst.Name, cst.Attribute, cst.Call)):
            return self._kind(self.ctx.type_of(expr)) == "body"
        return False
