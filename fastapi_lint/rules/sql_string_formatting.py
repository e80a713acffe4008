"""FAPI407 sql-string-formatting: SQL text built by f-string/``%``/``.format``/``+`` from a
value the function receives, passed to ``text()`` or a driver's ``execute``/``fetch*`` method.

The shared flow walker runs with the function's parameters as sources (request data in a
path operation, arguments in a query helper; not ``self``/``cls``, numbers, UUIDs, dates
or ``Depends`` values). Strings get two extra labels: CONST (no tainted part; its leading
literal text is kept so a variable holding ``"SELECT ..."`` is still recognised as SQL
after ``+=``) and SQL (formatted from a tainted value). Module constants, placeholder
lists built from constants and lists of constant fragments stay CONST. A project model's
``model_dump()`` is FIELDS: its keys are field names (CONST), its values the caller's data.
A SQL string remembers whether every tainted value sits where an identifier goes (the
message then asks for an allow-list or identifier quoting, which bound parameters cannot
replace). Connections of known drivers (asyncpg, pg8000), from how they were made or
annotated, add their own sinks (``cursor()``, ``run()``).
"""

from __future__ import annotations

import re
from dataclasses import replace

import libcst as cst

from fastapi_lint.data.taint import (
    SQL_DRIVER_ACQUIRE,
    SQL_DRIVER_CLASSES,
    SQL_DRIVER_FACTORIES,
    SQL_DRIVER_METHODS,
    SQL_EXECUTE_METHODS,
    SQL_KEYWORDS,
    SQL_SAFE_CALLS,
    SQL_SAFE_TYPES,
    SQL_TEXT_FUNCTIONS,
)
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.facts import Const, FunctionFacts, ModuleFacts
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.flow import (
    MODEL,
    Flow,
    FlowRule,
    Taint,
    arg_at,
    bound_parameter,
    fields_are_keys,
    string_literal,
    value_kind,
)
from fastapi_lint.analysis.parameters import signature

CONST = "const"  # an untainted string whose leading literal text is ``text``
SQL = "sql"  # a string formatted from a tainted value; ``text`` is its leading literal part
FIELDS = "fields"  # a dict of a Pydantic model's fields (``model_dump()``): its keys are field names
ITEMS = "items"  # its ``.items()``
PAIR = "pair"  # one ``(field name, value)`` pair of those

# Linear: the optional ``(`` and the blanks after it are one group, so no two quantifiers
# compete for the same blanks.
_SQL_START = re.compile(r"\s*(?:\(\s*)?(?:" + "|".join(SQL_KEYWORDS) + r")\b", re.IGNORECASE)
# The word before a formatted value that makes the value an identifier (a table, column,
# schema, constraint... name): ``FROM {table}``, ``ALTER TABLE {name}``, ``ORDER BY {column}``.
_IDENTIFIER_WORDS = frozenset({
    "FROM", "JOIN", "INTO", "UPDATE", "TABLE", "EXISTS", "SCHEMA", "VIEW", "INDEX", "SEQUENCE",
    "DATABASE", "TRUNCATE", "COLUMN", "CONSTRAINT", "TO", "BY", "SELECT", "DISTINCT", "TYPE",
    "FUNCTION", "TRIGGER", "ROLE", "EXTENSION", "REFERENCES", "TABLESPACE", "USING",
})
# Characters that open a quoted identifier (``"{schema}"``, `` `{table}` ``, ``[{name}]``) or
# qualify one (``{schema}.{table}``), or names a bind parameter or a type (``:{name}``, ``::{type}``).
_IDENTIFIER_OPENERS = ('"', "`", "[", ".", ":")
# A value that starts a condition (``WHERE {column} = :v``, ``AND {column} IN (...)``) is a column.
_COMPARISONS = ("=", "<", ">", "!=")
_VALUE_WORDS = frozenset({"LIKE", "ILIKE", "IN", "VALUES", "THEN", "ELSE", "IS", "BETWEEN", "AND", "OR"})
_CONDITION_WORDS = frozenset({"WHERE", "AND", "OR", "ON", "SET", "NOT", "HAVING", "WHEN"})
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


def identifier_position(before: str | None, after: str | None = None) -> bool:
    """Whether a value formatted between the SQL texts ``before`` and ``after`` is an
    identifier: it follows ``FROM``/``JOIN``/``INTO``/``UPDATE``/``TABLE``/``BY``..., opens a
    quoted or qualified name, or is the column a comparison starts with (``{column} = :v``);
    never inside a ``'...'`` string literal."""
    if before is None or before.count("'") % 2:
        return False
    tail = before.rstrip()
    if tail.endswith('"'):
        # ``"{schema}"`` is a quoted name, but SQLite and MySQL also read ``= "{value}"`` as a string
        ahead = tail[:-1].rstrip()
        return not (ahead.endswith(("=", "<", ">", ",", "(")) or (ahead and ahead.rsplit(None, 1)[-1].upper() in _VALUE_WORDS))
    if tail.endswith(_IDENTIFIER_OPENERS):
        return True
    if tail and tail.rsplit(None, 1)[-1].upper() in _IDENTIFIER_WORDS:
        return True
    if after is not None:
        head = after.lstrip()
        if head.startswith(_COMPARISONS) or head.split(None, 1)[:1] in (["IN"], ["LIKE"], ["ILIKE"], ["IS"]):
            return not tail or tail.endswith(("(", ",")) or tail.rsplit(None, 1)[-1].upper() in _CONDITION_WORDS
    return False


def _text_after(parts, part) -> str | None:
    """The literal text right after an f-string's replacement field."""
    index = next(i for i, p in enumerate(parts) if p is part)
    following = parts[index + 1] if index + 1 < len(parts) else None
    if following is None:
        return ""
    return following.value if isinstance(following, cst.FormattedStringText) else None


def _sql(source: str, text: str | None, spliced: list[tuple]) -> Taint:
    """A SQL-kind string formatted from the tainted ``(value, SQL text before it[, text after
    it])`` entries (``None`` for unknown text)."""
    identifier: bool | None = None
    some = False
    name = None
    for value, before, *rest in spliced:
        if not tainted(value):
            continue
        if name is None:
            name = value.spliced if value.kind == SQL and value.spliced else value.source
        if value.kind == SQL and value.identifier is not None:
            found = value.identifier
        else:
            found = identifier_position(before, rest[0] if rest else None)
        identifier = found if identifier is None else identifier and found
        some = some or found or (value.kind == SQL and value.some_identifier)
    return Taint(source, kind=SQL, text=text, identifier=bool(identifier), spliced=name, some_identifier=some)


def _data(taint: Taint) -> Taint:
    """Plain data derived from a tainted value; from a SQL string, named after what was formatted in."""
    if taint.kind == SQL and taint.spliced:
        return Taint(taint.spliced)
    return Taint(taint.source)


def _placeholder_text(text: str | None, mark: str) -> str | None:
    """The SQL text before the only placeholder of a template (None when there are several)."""
    if text is None or text.count(mark) != 1:
        return None
    return text.split(mark, 1)[0]


class _SqlFlow(Flow):
    """Taint = the function's parameters (request data in endpoints, arguments in helpers);
    strings formatted from tainted values become SQL-kind when they are queries."""

    def __init__(self, ctx, function, env, local_names, drivers):
        super().__init__(ctx, function, env)
        self.local_names = local_names
        self.drivers: dict[str, str] = dict(drivers)  # local name -> driver of a known connection

    def bind(self, target: cst.CSTNode, taint: Taint | None, value: cst.CSTNode | None = None) -> None:
        super().bind(target, taint, value)
        if isinstance(target, cst.Name):
            driver = self._driver_of(value)
            if driver is None:
                self.drivers.pop(target.value, None)
            else:
                self.drivers[target.value] = driver

    def _driver_of(self, value: cst.CSTNode | None) -> str | None:
        """The driver of a connection or pool made by ``value``: ``await asyncpg.connect()``,
        ``asyncpg.create_pool()``, ``pg8000.native.Connection()``, ``pool.acquire()``."""
        while isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        found = SQL_DRIVER_FACTORIES.get(self.qualname(func) or "")
        if found is not None:
            return found
        if isinstance(func, cst.Attribute) and func.attr.value in SQL_DRIVER_ACQUIRE and isinstance(func.value, cst.Name):
            return self.drivers.get(func.value.value)
        return None

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
        leading, known = [], True
        before: list[str] = []  # the text so far, unknown values as a neutral word
        spliced: list[tuple[Taint | None, str | None]] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if known:
                    leading.append(part.value)
                before.append(part.value)
                continue
            value = self.expr(part.expression)
            for spec in part.format_spec or ():
                if isinstance(spec, cst.FormattedStringExpression):
                    self.expr(spec.expression)
            if tainted(value):
                spliced.append((value, "".join(before), _text_after(node.parts, part)))
            if value is not None and value.kind == CONST and value.head:
                before.append(value.text or "")
            else:
                before.append(" value ")
            if known and value is not None and value.kind == CONST and value.head:
                leading.append(value.text or "")
            else:
                known = False
        if spliced:
            return _sql("an f-string", "".join(leading), spliced)
        return _const("".join(leading), known)

    def add(self, left: Taint | None, right: Taint | None, how: str) -> Taint | None:
        if tainted(left) or tainted(right):
            before = left.text if left is not None and left.kind == CONST and left.head else None
            spliced = [(left, ""), (right, before)]
            for side in (left, right):
                if side is not None and side.kind == SQL:
                    return _sql(side.source, _head(left), spliced)
            return _sql(how, _head(left), spliced)
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
                text = left.text or ""
                return _sql("`%` formatting", text.split("%", 1)[0], [(right, _placeholder_text(text, "%"))])
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
                return _data(t)
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
        if taint is not None and taint.kind == FIELDS:
            return _const("", False)  # iterating a model's dump yields its field names
        if taint is not None and taint.kind == ITEMS:
            return Taint(taint.source, kind=PAIR)
        return _data(taint) if tainted(taint) else None

    def comprehension_result(self, element: Taint | None) -> Taint | None:
        return element if tainted(element) else _const("", False)

    def unpacked(self, value, taint, index):
        if taint is not None and taint.kind == PAIR and index == 0:
            return _const("", False)  # the field name of a ``(name, value)`` pair
        return _data(taint) if tainted(taint) else None

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
                text = receiver.text or ""
                if any(tainted(a) for a in args):
                    before = _placeholder_text(text, "{")
                    return _sql("`.format()`", text.split("{", 1)[0], [(a, before) for a in args])
                return _const(text.split("{", 1)[0], False)
            if name == "join":
                arg = args[0] if args else None
                if tainted(arg) and arg.kind != FIELDS:  # joined field names are constants
                    return Taint(arg.source if arg.kind == SQL else "`.join()`", kind=SQL, text=None,
                                 identifier=arg.identifier if arg.kind == SQL else None,
                                 some_identifier=arg.kind == SQL and arg.some_identifier,
                                 spliced=(arg.spliced or arg.source) if arg.kind == SQL else arg.source)
                return _const("", False)
            if name in _STRING_METHODS:
                return _const(receiver.text, False)
            return None
        if receiver.kind == SQL:
            return receiver if name in _STRING_METHODS else None
        if receiver.kind == MODEL:
            if name in ("model_dump", "dict"):
                kind = FIELDS if fields_are_keys(self.ctx, receiver.model) else None
                return Taint(receiver.source, kind=kind) if kind else Taint(receiver.source)
            if name in ("model_dump_json", "json"):
                return Taint(receiver.source)
            return None  # the model's own method: unknown, like any other function
        if receiver.kind == FIELDS:
            if name == "keys":
                return _const("", False)
            if name == "items":
                return Taint(receiver.source, kind=ITEMS)
            if name == "copy":
                return receiver
        if name in ("startswith", "endswith", "isalnum", "isdigit", "isidentifier", "count", "find", "index"):
            return None
        return _data(receiver)  # a method of a tainted value: still the caller's data

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
        driver = self.drivers.get(func.value.value) if (
            isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
        ) else None
        if driver is not None:
            spec = SQL_DRIVER_METHODS.get(driver, {}).get(func.attr.value)
            if spec is not None:
                arg = arg_at(node, *spec)
                if arg is not None:
                    self._check(node, arg.value, f".{func.attr.value}()", need_sql=False)
                return
        if isinstance(func, cst.Attribute) and func.attr.value in SQL_EXECUTE_METHODS:
            arg = arg_at(node, 0, None)
            for keyword in _QUERY_KEYWORDS:
                if arg is not None:
                    break
                arg = arg_at(node, None, keyword)
            if arg is not None:
                self._check(node, arg.value, f".{func.attr.value}()", need_sql=driver is None)

    def _mutate(self, name: str, args: list[Taint | None]) -> None:
        """``parts.append(x)``: a list of constant fragments stays constant."""
        current = self.env.get(name)
        if current is None or current.kind != CONST:
            return
        for added in args:
            if added is not None and added.kind == SQL:
                self.env[name] = replace(added, text=None)
                return
            if tainted(added):
                self.env[name] = _data(added)
                return

    def _check(self, call: cst.Call, value: cst.BaseExpression, what: str, need_sql: bool) -> None:
        taint = self.taint_of(value)
        if taint is None or taint.kind != SQL:
            return
        if need_sql and not looks_like_sql(taint.text):
            return
        where = f" (in `{value.value}`)" if isinstance(value, cst.Name) else ""
        if taint.identifier:
            spliced = f" {taint.spliced}" if taint.spliced else " a value"
            message = (
                f"SQL built with {taint.source}{where} is passed to `{what}`, with{spliced} formatted in "
                "where an identifier (a table, column or schema name) goes; bound parameters cannot "
                "hold identifiers: check the name against an allow-list of known names, or quote it as "
                "an identifier (`psycopg.sql.Identifier`, SQLAlchemy's "
                "`dialect.identifier_preparer.quote()`)"
            )
        else:
            message = (
                f"SQL built with {taint.source}{where} is passed to `{what}`; pass the values as bound "
                "parameters (`:name` / `%s` with a parameters argument) instead of formatting them into the query"
            )
            if taint.some_identifier:
                message += (
                    ", and check the names formatted in where an identifier goes (which cannot be bound) "
                    "against an allow-list, or quote them as identifiers"
                )
        self.report(value if isinstance(value, _REPORTABLE) else call, message)


def _numeric_default(default) -> bool:
    return isinstance(default, Const) and isinstance(default.value, (int, float)) and default.value is not None


# The known drivers' own methods that take SQL (pg8000's ``run()``, asyncpg's ``cursor()``):
# sinks only on a connection the flow knows the driver of (``on_call``).
_DRIVER_METHODS = frozenset(name for methods in SQL_DRIVER_METHODS.values() for name in methods)


def _may_call_a_sink(project, facts: ModuleFacts, function: FunctionFacts) -> bool:
    """Whether the body of ``function`` (the flow's reach: not its nested defs and classes)
    calls something that may be a sink: a method named like one (the facts keep every
    attribute name the body reads; a driver's own method only where the function may hold
    a connection of a driver) or a callee that resolves to ``text()``."""
    if not SQL_EXECUTE_METHODS.isdisjoint(function.attributes):
        return True
    if not _DRIVER_METHODS.isdisjoint(function.attributes) and _may_hold_a_driver(project, facts, function):
        return True
    return any(_resolves_into(project, facts, function, callee, SQL_TEXT_FUNCTIONS) for callee in function.callees)


def _may_hold_a_driver(project, facts: ModuleFacts, function: FunctionFacts) -> bool:
    """Where the flow learns a connection's driver (``_SqlFlow.drivers``): a parameter of a
    driver's class, or a call of a driver's factory in the body."""
    if any(_resolves_into(project, facts, function, callee, SQL_DRIVER_FACTORIES) for callee in function.callees):
        return True
    try:
        return any(parameter.type in SQL_DRIVER_CLASSES for parameter in signature(project, facts, function))
    except RecursionError:
        return True


def _resolves_into(project, facts: ModuleFacts, function: FunctionFacts, callee: str, names) -> bool:
    symbol = project.resolve(facts, function.key, callee)
    return symbol is not None and bool(symbol.qualname) and (
        symbol.qualname in names or canonical(symbol.qualname) in names)


# ``"...".format(x)``, ``", ".join(xs)``: the methods that make SQL from data (``call_result``).
_FORMATTING_METHODS = frozenset({"format", "format_map", "join"})


def _may_build_sql(project, facts: ModuleFacts, function: FunctionFacts) -> bool:
    """Whether ``function`` may pass SQL built from data to a sink: it calls something that
    may be one, and formats a string the only ways the flow makes SQL of (an f-string with a
    value, ``+``, ``%``, ``.format()``, ``.join()``)."""
    return ((function.builds_strings or not _FORMATTING_METHODS.isdisjoint(function.attributes))
            and _may_call_a_sink(project, facts, function))


class SqlStringFormatting(FlowRule):
    code = "FAPI407"
    name = "sql-string-formatting"
    summary = "SQL built with f-string/`%`/`.format`/`+` passed to `text()`/`execute()` (SQL injection)"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/sql-databases/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return (view.mentions("text") or view.mentions_part(
            "execute", "fetch", "iterate", "mogrify", "exec_driver_sql", "copy_expert"
        ) or view.may_use("asyncpg", "pg8000")) and any(
            _may_build_sql(view.project, view.facts, function) for function in view.facts.functions.values()
        )

    def analyse(self, function, key):
        facts = self.ctx.model.facts
        function_facts = self.ctx.model.function(key)
        scope = facts.scopes.get(key) if key else None
        if function_facts is None or scope is None or not _may_build_sql(self.ctx.project, facts, function_facts):
            return []
        env: dict[str, Taint] = {}
        drivers: dict[str, str] = {}
        try:
            params = signature(self.ctx.project, facts, function_facts)
        except RecursionError:
            params = []
        model = self.ctx.model
        helper = not model.routes_of(key) and not model.is_dependency(key)
        bound = bound_parameter(self.ctx, function_facts)
        for sp in params:
            if sp.type in SQL_DRIVER_CLASSES:
                drivers[sp.name] = SQL_DRIVER_CLASSES[sp.type]
                continue
            if sp.name in _NOT_DATA or sp.name == bound or sp.type in SQL_SAFE_TYPES:
                continue
            if helper and sp.type_value is None and _numeric_default(sp.param.default):
                continue  # ``def page(conn, limit=50)``: callers pass numbers
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
        return _SqlFlow(self.ctx, function, env, frozenset(scope.bindings), drivers).run_unless(_GUARDS)

    def _emit_value(self, node: cst.CSTNode) -> None:
        self._emit(node)

    visit_FormattedString = _emit_value
    visit_Name = _emit_value
    visit_Attribute = _emit_value
    visit_ConcatenatedString = _emit_value
    visit_Subscript = _emit_value
