"""FAPI407 sql-string-formatting: SQL text built by f-string/``%``/``.format``/``+`` from a
value the function receives, passed to ``text()`` or a driver's ``execute``/``fetch*`` method.

The shared flow walker runs with the function's parameters as sources (request data in a
path operation, arguments in a query helper; not ``self``/``cls``, numbers, UUIDs, dates
or ``Depends`` values). Strings get two extra labels: CONST (no tainted part; its leading
literal text is kept so a variable holding ``"SELECT ..."`` is still recognised as SQL
after ``+=``) and SQL (formatted from a tainted value). Module constants, placeholder
lists built from constants and lists of constant fragments stay CONST.
"""

from __future__ import annotations

import re

import libcst as cst

from fastapi_lint.data.taint import SQL_EXECUTE_METHODS, SQL_KEYWORDS, SQL_SAFE_CALLS, SQL_SAFE_TYPES, SQL_TEXT_FUNCTIONS
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.facts import Const
from fastapi_lint.analysis.flow import Flow, FlowRule, Taint, arg_at, string_literal, value_kind
from fastapi_lint.analysis.parameters import signature

CONST = "const"  # an untainted string whose leading literal text is ``text``
SQL = "sql"  # a string formatted from a tainted value; ``text`` is its leading literal part

_SQL_START = re.compile(r"\s*\(?\s*(" + "|".join(SQL_KEYWORDS) + r")\b", re.IGNORECASE)
_STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize",
                             "replace", "casefold", "removeprefix", "removesuffix", "format", "format_map"})
_MUTATORS = frozenset({"append", "extend", "insert", "add"})
_QUERY_KEYWORDS = ("query", "statement", "sql", "operation", "text")
_NOT_DATA = frozenset({"self", "cls"})
# Checks on a tainted value that make the function's formatting deliberate (allow-lists, validators).
_GUARDS = frozenset({"membership", "validation"})
# Node types the finding can be reported on (the traversal must visit them).
_REPORTABLE = (cst.FormattedString, cst.BinaryOperation, cst.Call, cst.Name, cst.Attribute,
               cst.ConcatenatedString, cst.Subscript)


def _const(text: str | None, complete: bool = True) -> Taint:
    return Taint("a constant", kind=CONST, text=text or "", head=complete)


def tainted(taint: Taint | None) -> bool:
    return taint is not None and taint.kind != CONST


def _head(taint: Taint | None) -> str | None:
    """The leading literal text of a string value (None when it starts with unknown data)."""
    return taint.text if taint is not None and taint.kind in (CONST, SQL) else None


def looks_like_sql(text: str | None) -> bool:
    return bool(text) and _SQL_START.match(text) is not None


class _SqlFlow(Flow):
    """Taint = the function's parameters (request data in endpoints, arguments in helpers);
    strings formatted from tainted values become SQL-kind when they are queries."""

    def __init__(self, ctx, function, env, local_names):
        super().__init__(ctx, function, env)
        self.local_names = local_names

    # ------------------------------------------------------------ values

    def constant(self, node: cst.BaseExpression) -> Taint | None:
        symbol = self.ctx.resolve(node)
        if symbol is None or not isinstance(symbol.value, Const):
            return None
        value = symbol.value.value
        if isinstance(value, str):
            return _const(value)
        if isinstance(value, bytes):
            return _const(value.decode("latin-1"))
        return None

    def e_Name(self, node: cst.Name) -> Taint | None:
        name = node.value
        if name in self.env:
            return self.env[name]
        if name in self.local_names:
            return None
        return self.constant(node)

    def e_Attribute(self, node: cst.Attribute) -> Taint | None:
        base = self.expr(node.value)
        if tainted(base):
            return self.attribute(node, base)
        return self.constant(node)

    def e_SimpleString(self, node: cst.SimpleString) -> Taint | None:
        return _const(string_literal(node))

    def e_ConcatenatedString(self, node: cst.ConcatenatedString) -> Taint | None:
        return self.add(self.expr(node.left), self.expr(node.right), "an f-string")

    def e_FormattedString(self, node: cst.FormattedString) -> Taint | None:
        leading, known, dynamic = [], True, False
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if known:
                    leading.append(part.value)
                continue
            value = self.expr(part.expression)
            for spec in part.format_spec or ():
                if isinstance(spec, cst.FormattedStringExpression):
                    self.expr(spec.expression)
            if tainted(value):
                dynamic = True
            if known and value is not None and value.kind == CONST and value.head:
                leading.append(value.text or "")
            else:
                known = False
        if dynamic:
            return Taint("an f-string", kind=SQL, text="".join(leading))
        return _const("".join(leading), known)

    def add(self, left: Taint | None, right: Taint | None, how: str) -> Taint | None:
        if tainted(left) or tainted(right):
            for side in (left, right):
                if side is not None and side.kind == SQL:
                    return Taint(side.source, kind=SQL, text=_head(left))
            return Taint(how, kind=SQL, text=_head(left))
        if left is not None and left.kind == CONST:
            if left.head and right is not None and right.kind == CONST:
                return _const((left.text or "") + (right.text or ""), right.head)
            return _const(left.text, False)
        return None

    def e_BinaryOperation(self, node: cst.BinaryOperation) -> Taint | None:
        left, right = self.expr(node.left), self.expr(node.right)
        operator = node.operator
        if isinstance(operator, cst.Add):
            return self.add(left, right, "`+` concatenation")
        if isinstance(operator, cst.Modulo):
            return self.modulo(left, right)
        if isinstance(operator, cst.Multiply) and left is not None and left.kind == CONST:
            return _const(left.text, False)
        return None

    def modulo(self, left: Taint | None, right: Taint | None) -> Taint | None:
        if left is None:
            return None
        if left.kind == SQL:
            return left
        if left.kind == CONST and "%" in (left.text or ""):
            if tainted(right):
                return Taint("`%` formatting", kind=SQL, text=(left.text or "").split("%", 1)[0])
            return _const(left.text, False)
        return None

    def augment(self, node: cst.AugAssign, old: Taint | None, value: Taint | None) -> Taint | None:
        if isinstance(node.operator, cst.AddAssign):
            return self.add(old, value, "`+=` concatenation")
        if isinstance(node.operator, cst.ModuloAssign):
            return self.modulo(old, value)
        return old if tainted(old) else None

    def _sequence(self, node) -> Taint | None:
        taints = [self.expr(e.value) for e in node.elements]
        for t in taints:
            if t is not None and t.kind == SQL:
                return t
        for t in taints:
            if tainted(t):
                return Taint(t.source)
        return _const("", False)

    e_Tuple = e_List = e_Set = _sequence

    def e_IfExp(self, node: cst.IfExp) -> Taint | None:
        self.expr(node.test)
        return self._either(self.expr(node.body), self.expr(node.orelse))

    def e_BooleanOperation(self, node: cst.BooleanOperation) -> Taint | None:
        return self._either(self.expr(node.left), self.expr(node.right))

    @staticmethod
    def _either(a: Taint | None, b: Taint | None) -> Taint | None:
        for t in (a, b):
            if t is not None and t.kind == SQL:
                return t
        for t in (a, b):
            if tainted(t):
                return t
        return a if a is not None and b is not None and a.kind == CONST else None

    def e_Subscript(self, node: cst.Subscript) -> Taint | None:
        base = self.expr(node.value)
        for element in node.slice:
            self.expr(element.slice)
        if tainted(base):
            return Taint(base.source) if base.kind != SQL else base
        return None

    def element(self, taint: Taint | None) -> Taint | None:
        return Taint(taint.source) if tainted(taint) else None

    def comprehension_result(self, element: Taint | None) -> Taint | None:
        return element if tainted(element) else _const("", False)

    def unpacked(self, value, taint, index):
        return Taint(taint.source) if tainted(taint) else None

    def call_result(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> Taint | None:
        func = node.func
        qualname = self.qualname(func)
        if qualname in SQL_SAFE_CALLS:
            return None
        if qualname == "builtins.str":
            return args[0] if args else None
        if not isinstance(func, cst.Attribute):
            return None  # an unknown function may quote or validate its argument
        name = func.attr.value
        if receiver is None:
            return None
        if receiver.kind == CONST:
            if name in ("format", "format_map"):
                if any(tainted(a) for a in args):
                    return Taint("`.format()`", kind=SQL, text=(receiver.text or "").split("{", 1)[0])
                return _const((receiver.text or "").split("{", 1)[0], False)
            if name == "join":
                arg = args[0] if args else None
                if tainted(arg):
                    return Taint(arg.source if arg.kind == SQL else "`.join()`", kind=SQL, text=None)
                return _const("", False)
            if name in _STRING_METHODS:
                return _const(receiver.text, False)
            return None
        if receiver.kind == SQL:
            return receiver if name in _STRING_METHODS else None
        if name in ("startswith", "endswith", "isalnum", "isdigit", "isidentifier", "count", "find", "index"):
            return None
        return Taint(receiver.source)  # a method of a tainted value: still the caller's data

    # ------------------------------------------------------------ sinks

    def on_call(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATORS:
            self._mutate(func.value.value, args)
            return
        qualname = self.qualname(func)
        if qualname in SQL_TEXT_FUNCTIONS:
            arg = arg_at(node, 0, "text")
            if arg is not None:
                self._check(node, arg.value, "text()", need_sql=False)
            return
        if isinstance(func, cst.Attribute) and func.attr.value in SQL_EXECUTE_METHODS:
            arg = arg_at(node, 0, None)
            for keyword in _QUERY_KEYWORDS:
                if arg is not None:
                    break
                arg = arg_at(node, None, keyword)
            if arg is not None:
                self._check(node, arg.value, f".{func.attr.value}()", need_sql=True)

    def _mutate(self, name: str, args: list[Taint | None]) -> None:
        """``parts.append(x)``: a list of constant fragments stays constant."""
        current = self.env.get(name)
        if current is None or current.kind != CONST:
            return
        for added in args:
            if added is not None and added.kind == SQL:
                self.env[name] = Taint(added.source, kind=SQL, text=None)
                return
            if tainted(added):
                self.env[name] = Taint(added.source)
                return

    def _check(self, call: cst.Call, value: cst.BaseExpression, what: str, need_sql: bool) -> None:
        taint = self.taint_of(value)
        if taint is None or taint.kind != SQL:
            return
        if need_sql and not looks_like_sql(taint.text):
            return
        where = f" (in `{value.value}`)" if isinstance(value, cst.Name) else ""
        self.report(
            value if isinstance(value, _REPORTABLE) else call,
            f"SQL built with {taint.source}{where} is passed to `{what}`; pass the values as bound "
            "parameters (`:name` / `%s` with a parameters argument) instead of formatting them into the query",
        )


class SqlStringFormatting(FlowRule):
    code = "FAPI407"
    name = "sql-string-formatting"
    summary = "SQL built with f-string/`%`/`.format`/`+` passed to `text()`/`execute()` (SQL injection)"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/sql-databases/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("text") or view.mentions_part(
            "execute", "fetch", "iterate", "mogrify", "exec_driver_sql", "copy_expert"
        )

    def analyse(self, function, key):
        facts = self.ctx.model.facts
        function_facts = self.ctx.model.function(key)
        scope = facts.scopes.get(key) if key else None
        if function_facts is None or scope is None:
            return []
        env: dict[str, Taint] = {}
        try:
            params = signature(self.ctx.project, facts, function_facts)
        except RecursionError:
            params = []
        for sp in params:
            if sp.name in _NOT_DATA or sp.type in SQL_SAFE_TYPES:
                continue
            if sp.marker in ("fastapi.Depends", "fastapi.Security"):
                continue
            kind = value_kind(self.ctx, sp)
            if kind is not None:
                env[sp.name] = Taint(f"parameter `{sp.name}`", kind=kind[0], model=kind[1])
        for param in function_facts.params:
            if param.kind == "kwarg":
                env[param.name] = Taint(f"parameter `{param.name}`")
            elif param.kind == "vararg":
                env[param.name] = Taint(f"parameter `{param.name}`")
        if not env:
            return []
        flow = _SqlFlow(self.ctx, function, env, frozenset(scope.bindings))
        findings = flow.run()
        if flow.guards & _GUARDS:
            return []
        return findings

    def _emit_value(self, node: cst.CSTNode) -> None:
        self._emit(node)

    visit_FormattedString = _emit_value
    visit_Name = _emit_value
    visit_Attribute = _emit_value
    visit_ConcatenatedString = _emit_value
    visit_Subscript = _emit_value
