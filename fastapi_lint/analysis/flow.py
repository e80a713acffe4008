"""A small intra-function taint tracker shared by the data-flow rules (FAPI405, FAPI406,
FAPI407, FAPI411).

One pass over one function body, in source order: local names assigned from tainted
expressions become tainted (plain, annotated and augmented assignments, ``for x in ...``,
walrus, tuple unpacking, comprehension variables); f-strings, ``+``/``%``/``/``,
``.format``/``.join``, ``os.path.join``, ``Path(...)`` and ``str(...)`` carry taint;
sanitisers (``os.path.basename``, ``Path(x).name``, ``secure_filename``, suffix-only
uses, unknown functions) clear it. ``if``/``else`` branches are merged (a name stays
tainted if either branch taints it); loops are walked once. Nested functions, classes and
lambdas are not entered: each function is analysed on its own.

Rules subclass :class:`Flow`, seed ``env`` with their sources, and override the hooks
(``attribute``, ``method``, ``on_call``, ``on_return``) to recognise sources and sinks.
Checks the function makes on tainted values (containment, allow-list membership,
comparisons, validators) are collected in ``guards`` so a rule can stay silent.
"""

from __future__ import annotations


import dataclasses
from collections.abc import Iterator
import os
from dataclasses import dataclass, replace

import libcst as cst

from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS

from fastapi_lint.analysis.names import source_text

from fastapi_lint.data.taint import (
    FS_FUNCTIONS,
    FS_PATH_METHODS,
    FS_SAVE_METHODS,
    CLEAN_METHODS,
    CONTAINMENT_FUNCTIONS,
    CONTAINMENT_METHODS,
    FILENAME_SANITISERS,
    PATH_BASENAME_ATTRIBUTES,
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    PROPAGATING_FUNCTIONS,
    PROPAGATING_METHODS,
)
from fastapi_lint.analysis.facts import CallValue, Const, ModuleFacts, Param, Ref, Value
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.project import Project, query
from fastapi_lint.rule import FileContext, Rule
from fastapi_lint.analysis.parameters import read_param, signature
from fastapi_lint.analysis.resolution import TypeForm, is_none

DATA = "data"  # a string/bytes/path value carrying the tainted data
UPLOAD = "upload"  # an UploadFile object (FAPI405)
UPLOADS = "uploads"  # a list of UploadFile objects
REQUEST = "request"  # a starlette Request object
MODEL = "model"  # a Pydantic model instance from the request body

# Words in a function name that make a call with tainted arguments a validation check.
_VALIDATOR_WORDS = ("valid", "safe", "sanit", "check", "allowed", "secure", "verify", "ensure")
_REGEX_FUNCTIONS = frozenset({"re.match", "re.fullmatch", "re.search", "regex.match", "regex.fullmatch",
                              "regex.search"})
_SEPARATORS = frozenset({"..", "/", "\\", "../", "..\\"})
_SPLITTERS = frozenset({"split", "rsplit", "rpartition", "partition"})
_RESOLVERS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath", "posixpath.realpath",
                        "posixpath.abspath", "posixpath.normpath"})


@dataclass(frozen=True)
class Taint:
    """What is known about a value derived from a source."""

    source: str  # how messages name the source, e.g. "query parameter `path`"
    kind: str = DATA
    is_path: bool = False  # a pathlib path object (so `.name` is a base name)
    head: bool = True  # the tainted data is at the start of the value (controls a URL's host)
    no_slash: bool = False  # the data cannot contain "/" (a plain `{name}` path segment)
    builders: tuple = ()  # path-building nodes the value went through
    model: str | None = None  # class qualname for MODEL values
    resolved: bool = False  # went through resolve()/realpath()/abspath(): a full path to compare
    text: str | None = None  # FAPI407: the leading literal text of a string
    # FAPI407: whether every tainted part of a SQL string sits where an identifier goes
    # (``FROM {table}``, ``"{schema}"``): True, False, or None while not known.
    identifier: bool | None = None
    spliced: str | None = None  # FAPI407: the source of the (first) value formatted into SQL
    some_identifier: bool = False  # FAPI407: at least one tainted part sits where an identifier goes


def union(*taints: Taint | None) -> Taint | None:
    """The first tainted value, with the builders of all of them; None when none is tainted."""
    found = [t for t in taints if t is not None]
    if not found:
        return None
    first = found[0]
    if len(found) == 1:
        return first
    builders = tuple(dict.fromkeys(b for t in found for b in t.builders))
    return replace(first, builders=builders, no_slash=all(t.no_slash for t in found))


def data(taint: Taint | None) -> Taint | None:
    return taint if taint is not None and taint.kind == DATA else None


def string_literal(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes
            return None
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value if isinstance(value, str) else None
    return None


def arg_at(call: cst.Call, position: int | None, keyword: str | None) -> cst.Arg | None:
    found = call_keyword(call, keyword) if keyword else None
    if found is None and position is not None:
        found = call_positional(call, position)
    return found


class Flow:
    """One function body, walked once. Subclasses seed ``env`` and override the hooks."""

    track_builders = False

    def __init__(self, ctx: FileContext, function: cst.FunctionDef, env: dict[str, Taint]):
        self.ctx = ctx
        self.function = function
        self.env: dict[str, Taint] = dict(env)
        self.findings: list[tuple[cst.CSTNode, str]] = []
        self.guards: set[str] = set()  # kinds of checks seen anywhere in the function
        self.checked: set[str] = set()  # sources of the values those checks looked at
        self.sources: dict[int, str] = {}  # id(finding node) -> source of the reported value
        self._reported: set[int] = set()
        self._memo: dict[int, Taint | None] = {}
        self._qualnames: dict[int, str | None] = {}

    # ------------------------------------------------------------ running

    def run(self) -> list[tuple[cst.CSTNode, str]]:
        try:
            self.suite(self.function.body)
        except RecursionError:
            return []
        return self.findings

    def run_unless(self, guards: frozenset[str]) -> list[tuple[cst.CSTNode, str]]:
        """:meth:`run`, or nothing when the function makes one of the ``guards`` checks anywhere
        (a rule that takes such a function to validate its values)."""
        findings = self.run()
        return [] if self.guards & guards else findings

    def report(self, node: cst.CSTNode, message: str, source: str | None = None) -> None:
        if id(node) not in self._reported:
            self._reported.add(id(node))
            self.findings.append((node, message))
            if source is not None:
                self.sources[id(node)] = source

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        key = id(expr)
        if key not in self._qualnames:
            self._qualnames[key] = self.ctx.qualname(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
        return self._qualnames[key]

    def taint_of(self, node: cst.CSTNode | None) -> Taint | None:
        """The taint of an already evaluated node (or evaluate it now)."""
        if node is None:
            return None
        key = id(node)
        return self._memo[key] if key in self._memo else self.expr(node)

    # ------------------------------------------------------------ statements

    def suite(self, body: cst.BaseSuite) -> None:
        if isinstance(body, cst.IndentedBlock):
            for statement in body.body:
                self.statement(statement)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.small(small)

    def statement(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small)
        elif isinstance(node, cst.If):
            self.branches(node)
        elif isinstance(node, (cst.For,)):
            taint = self.expr(node.iter)
            self.bind(node.target, self.element(taint))
            self.suite(node.body)
            if node.orelse is not None:
                self.suite(node.orelse.body)
        elif isinstance(node, cst.While):
            self.expr(node.test)
            self.suite(node.body)
            if node.orelse is not None:
                self.suite(node.orelse.body)
        elif isinstance(node, cst.With):
            for item in node.items:
                taint = self.expr(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, self.entered(taint), item.item)
            self.suite(node.body)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.suite(node.body)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name is not None:
                    self.bind(handler.name.name, None)
                self.suite(handler.body)
            if node.orelse is not None:
                self.suite(node.orelse.body)
            if node.finalbody is not None:
                self.suite(node.finalbody.body)
        elif isinstance(node, cst.Match):
            self.expr(node.subject)
            for case in node.cases:
                if case.guard is not None:
                    self.expr(case.guard)
                self.suite(case.body)
        # FunctionDef / ClassDef: analysed on their own; decorators are not request data.

    def branches(self, node: cst.If) -> None:
        self.expr(node.test)
        before = dict(self.env)
        self.suite(node.body)
        taken = self.env
        self.env = before
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            self.branches(orelse)
        elif isinstance(orelse, cst.Else):
            self.suite(orelse.body)
        for name, taint in taken.items():
            self.env.setdefault(name, taint)

    def small(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Assign):
            taint = self.expr(node.value)
            for target in node.targets:
                self.bind(target.target, taint, node.value)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.expr(node.value), node.value)
        elif isinstance(node, cst.AugAssign):
            value = self.expr(node.value)
            if isinstance(node.target, cst.Name):
                self.bind(node.target, self.augment(node, self.env.get(node.target.value), value))
            else:
                self.expr(node.target)
        elif isinstance(node, cst.Expr):
            self.expr(node.value)
        elif isinstance(node, cst.Return):
            if node.value is not None:
                self.on_return(node.value, self.expr(node.value))
        elif isinstance(node, cst.Raise):
            if node.exc is not None:
                self.expr(node.exc)
        elif isinstance(node, cst.Assert):
            self.expr(node.test)
        elif isinstance(node, cst.Del):
            self.delete(node.target)

    def delete(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.env.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.delete(element.value)

    def bind(self, target: cst.CSTNode, taint: Taint | None, value: cst.CSTNode | None = None) -> None:
        if isinstance(target, cst.Name):
            if taint is None:
                self.env.pop(target.value, None)
            else:
                self.env[target.value] = taint
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            values = None
            if (
                isinstance(value, (cst.Tuple, cst.List))
                and len(value.elements) == len(elements)
                and not any(isinstance(e, cst.StarredElement) for e in value.elements)
            ):
                values = value.elements
            for index, element in enumerate(elements):
                if values is not None:
                    sub = self.taint_of(values[index].value)
                else:
                    sub = self.unpacked(value, taint, index)
                self.bind(element.value, sub)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, taint)
        else:  # attribute or subscript target: evaluate its parts for the calls in them
            self.expr(target)

    # ------------------------------------------------------------ hooks

    def element(self, taint: Taint | None) -> Taint | None:
        """What iterating over a value yields."""
        if taint is None:
            return None
        if taint.kind == UPLOADS:
            return replace(taint, kind=UPLOAD)
        return taint if taint.kind == DATA else None

    def entered(self, taint: Taint | None) -> Taint | None:
        """What ``with <value> as name`` binds (a file object, a client): nothing tainted."""
        return None

    def unpacked(self, value: cst.CSTNode | None, taint: Taint | None, index: int) -> Taint | None:
        if isinstance(value, cst.Call) and self.qualname(value.func) in ("os.path.splitext", "posixpath.splitext"):
            return taint if index == 0 else None
        return taint

    def augment(self, node: cst.AugAssign, old: Taint | None, value: Taint | None) -> Taint | None:
        if isinstance(node.operator, (cst.AddAssign, cst.ModuloAssign)):
            return union(data(old), data(value))
        if isinstance(node.operator, cst.DivideAssign) and (data(old) or data(value)):
            # ``path /= name``: no expression node to report on, so no builder is recorded
            # (a later filesystem sink reports the use instead).
            return replace(union(data(old), data(value)), is_path=True, head=data(old) is not None)
        return old

    def on_call(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        """Called for every call after its arguments are evaluated (sinks go here)."""

    def on_return(self, node: cst.BaseExpression, taint: Taint | None) -> None:
        """Called for ``return <value>`` and ``yield <value>``."""

    def attribute(self, node: cst.Attribute, base: Taint | None) -> Taint | None:
        if base is None:
            return None
        attr = node.attr.value
        if base.kind == DATA:
            if base.is_path and attr in PATH_BASENAME_ATTRIBUTES:
                return None
            return base
        if base.kind == REQUEST:
            if attr in ("query_params", "headers", "cookies"):
                return Taint(f"`request.{attr}`")
            return None
        if base.kind == MODEL:
            return self.model_field(base, attr)
        return None

    def model_field(self, base: Taint, attr: str) -> Taint | None:
        kind = field_kind(self.ctx, base.model, attr)
        if kind is None:
            return None
        if kind == DATA:
            return Taint(f"{base.source} (field `{attr}`)")
        return Taint(f"{base.source} (field `{attr}`)", kind=MODEL, model=kind)

    def method(self, node: cst.Call, receiver: Taint, name: str, args: list[Taint | None]) -> Taint | None:
        """The result of ``<tainted receiver>.name(...)``."""
        if receiver.kind == REQUEST:
            return Taint("the request body") if name in ("json", "form", "body", "stream") else None
        if receiver.kind == MODEL:
            return Taint(receiver.source) if name in ("model_dump", "dict", "model_dump_json", "json") else None
        if receiver.kind != DATA:
            return None
        if name in CLEAN_METHODS:
            return None
        if name == "joinpath":
            return self.built(union(receiver, *map(data, args)), node, True)
        if name in ("resolve", "absolute", "expanduser", "readlink"):
            return replace(receiver, is_path=True, resolved=True)
        if name == "replace" and node.args and string_literal(node.args[0].value) in ("/", os.sep):
            return replace(receiver, no_slash=True)  # every separator replaced
        return receiver

    # ------------------------------------------------------------ building

    def built(self, taint: Taint | None, node: cst.CSTNode, is_path: bool, head: bool | None = None) -> Taint | None:
        if taint is None:
            return None
        builders = taint.builders + (node,) if self.track_builders else taint.builders
        return replace(taint, is_path=is_path, builders=builders, head=taint.head if head is None else head)

    # ------------------------------------------------------------ expressions

    def expr(self, node: cst.CSTNode) -> Taint | None:
        key = id(node)
        if key in self._memo:
            return self._memo[key]
        handler = getattr(self, "e_" + type(node).__name__, None)
        result = handler(node) if handler is not None else self.e_default(node)
        self._memo[key] = result
        return result

    def e_default(self, node: cst.CSTNode) -> Taint | None:
        # ``node.children`` rebuilds the node; reading the dataclass fields is far cheaper.
        for name in _child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, cst.CSTNode):
                self.expr(value)
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        self.expr(item)
        return None

    def e_Lambda(self, node: cst.Lambda) -> None:
        return None

    def e_Name(self, node: cst.Name) -> Taint | None:
        return self.env.get(node.value)

    def e_Attribute(self, node: cst.Attribute) -> Taint | None:
        return self.attribute(node, self.expr(node.value))

    def e_Await(self, node: cst.Await) -> Taint | None:
        return self.expr(node.expression)

    def e_NamedExpr(self, node: cst.NamedExpr) -> Taint | None:
        taint = self.expr(node.value)
        self.bind(node.target, taint, node.value)
        return taint

    def e_IfExp(self, node: cst.IfExp) -> Taint | None:
        self.expr(node.test)
        return union(self.expr(node.body), self.expr(node.orelse))

    def e_BooleanOperation(self, node: cst.BooleanOperation) -> Taint | None:
        return union(self.expr(node.left), self.expr(node.right))

    def e_UnaryOperation(self, node: cst.UnaryOperation) -> Taint | None:
        self.expr(node.expression)
        return None

    def _sequence(self, node) -> Taint | None:
        taints = [self.expr(e.value) for e in node.elements]
        result = union(*map(data, taints))
        if result is not None:
            head = data(taints[0]) if taints else None
            result = replace(result, head=head is not None and head.head)
        return result

    e_Tuple = e_List = e_Set = _sequence

    def e_Dict(self, node: cst.Dict) -> None:
        self.e_default(node)
        return None

    def e_StarredElement(self, node: cst.StarredElement) -> Taint | None:
        return self.expr(node.value)

    def e_Yield(self, node: cst.Yield) -> None:
        value = node.value
        if isinstance(value, cst.From):
            value = value.item
        if value is not None:
            self.on_return(value, self.expr(value))
        return None

    def _comprehension(self, node) -> Taint | None:
        saved = dict(self.env)
        comp = node.for_in
        while comp is not None:
            taint = self.expr(comp.iter)
            self.bind(comp.target, self.element(taint))
            for condition in comp.ifs:
                self.expr(condition.test)
            comp = comp.inner_for_in
        if isinstance(node, cst.DictComp):
            self.expr(node.key)
            self.expr(node.value)
            result = None
        else:
            result = self.comprehension_result(self.expr(node.elt))
        self.env = saved
        return result

    e_ListComp = e_SetComp = e_GeneratorExp = e_DictComp = _comprehension

    def comprehension_result(self, element: Taint | None) -> Taint | None:
        """The taint of a list/set/generator comprehension whose element has ``element``."""
        return data(element)

    def e_FormattedString(self, node: cst.FormattedString) -> Taint | None:
        found = []
        head = False
        for index, part in enumerate(node.parts):
            if isinstance(part, cst.FormattedStringExpression):
                taint = data(self.expr(part.expression))
                for spec in part.format_spec or ():
                    if isinstance(spec, cst.FormattedStringExpression):
                        self.expr(spec.expression)
                if taint is not None:
                    found.append(taint)
                    if index == 0:
                        head = taint.head
        result = union(*found)
        return replace(result, head=head, is_path=False) if result is not None else None

    def e_ConcatenatedString(self, node: cst.ConcatenatedString) -> Taint | None:
        left, right = data(self.expr(node.left)), data(self.expr(node.right))
        result = union(left, right)
        return replace(result, head=left is not None and left.head) if result is not None else None

    def e_BinaryOperation(self, node: cst.BinaryOperation) -> Taint | None:
        left, right = data(self.expr(node.left)), data(self.expr(node.right))
        if left is None and right is None:
            return None
        operator = node.operator
        if isinstance(operator, cst.Divide):
            return self.built(union(left, right), node, True, head=left is not None and left.head)
        if isinstance(operator, cst.Add):
            result = union(left, right)
            return replace(result, head=left is not None and left.head, is_path=False)
        if isinstance(operator, cst.Modulo):
            template = string_literal(node.left)
            head = (left is not None and left.head) or (
                template is not None and template.startswith("%") and right is not None and right.head
            )
            return replace(union(left, right), head=head, is_path=False)
        return None

    def e_Subscript(self, node: cst.Subscript) -> Taint | None:
        base = self.expr(node.value)
        index = None
        for element in node.slice:
            self.expr(element.slice)
            if isinstance(element.slice, cst.Index):
                index = element.slice.value
        if base is None:
            return None
        if base.kind == UPLOADS:
            return replace(base, kind=UPLOAD)
        if base.kind in (REQUEST, MODEL, UPLOAD):
            return None
        value = node.value
        last = _int_literal(index)
        if isinstance(value, cst.Call):
            func = value.func
            if self.qualname(func) in ("os.path.splitext", "posixpath.splitext"):
                return base if last == 0 else None
            if isinstance(func, cst.Attribute) and func.attr.value in _SPLITTERS and last == -1:
                separator = string_literal(value.args[0].value) if value.args else None
                if separator in ("/", "\\"):
                    return None  # the last component
        return replace(base, head=base.head and last in (None, 0))

    def e_Comparison(self, node: cst.Comparison) -> None:
        left = self.expr(node.left)
        operand, operand_taint = node.left, left
        for target in node.comparisons:
            right = self.expr(target.comparator)
            self.compare(target.operator, operand, operand_taint, target.comparator, right)
            operand, operand_taint = target.comparator, right
        return None

    def guard(self, kind: str, *taints: Taint | None) -> None:
        """Record a check of ``kind`` on the given values (their sources count as checked)."""
        self.guards.add(kind)
        for taint in taints:
            if taint is not None:
                self.checked.add(taint.source)

    def compare(self, operator, left: cst.CSTNode, left_taint, right: cst.CSTNode, right_taint) -> None:
        if isinstance(operator, (cst.In, cst.NotIn)):
            needle = string_literal(left)
            if needle is not None and needle in _SEPARATORS and right_taint is not None:
                self.guard("traversal", right_taint)
            elif isinstance(left, cst.Attribute) and left.attr.value in ("sep", "altsep", "pardir") and right_taint is not None:
                self.guard("traversal", right_taint)
            elif left_taint is not None:
                self.guard("membership", left_taint)
        elif isinstance(operator, (cst.Equal, cst.NotEqual)):
            if left_taint is not None or right_taint is not None:
                self.guard("compare", left_taint, right_taint)

    def e_Call(self, node: cst.Call) -> Taint | None:
        func = node.func
        receiver = None
        if isinstance(func, cst.Attribute):
            receiver = self.expr(func.value)
        else:
            self.expr(func)
        args = [self.expr(arg.value) for arg in node.args]
        result = self.call_result(node, receiver, args)
        self.check(node, receiver, args)
        self.on_call(node, receiver, args)
        return result

    def call_result(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> Taint | None:
        func = node.func
        qualname = self.qualname(func)
        tainted = [data(t) for t in args if data(t) is not None]
        if qualname is not None:
            if qualname in PATH_CONSTRUCTORS:
                first = data(args[0]) if args else None
                return self.built(union(*tainted), node, True, head=first is not None and first.head)
            if qualname in PATH_JOINS:
                first = data(args[0]) if args else None
                return self.built(union(*tainted), node, False, head=first is not None and first.head)
            if qualname in PROPAGATING_FUNCTIONS:
                first = data(args[0]) if args else None
                result = union(*tainted)
                if result is None:
                    return None
                return replace(result, head=first is not None and first.head,
                               resolved=result.resolved or qualname in _RESOLVERS)
            if qualname in FILENAME_SANITISERS:
                return None
            if receiver is None:
                return None
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if receiver is not None:
                return self.method(node, receiver, name, args)
            if name in PROPAGATING_METHODS and tainted:
                result = union(*tainted)
                template = string_literal(func.value)
                if name == "joinpath":
                    return self.built(result, node, True, head=False)
                if name in ("format", "format_map"):
                    head = template is not None and template.startswith("{") and (data(args[0]) or result).head
                    return replace(result, head=bool(head))
                if name == "join":
                    return replace(result, head=template == "" and result.head)
                return replace(result, head=False)
        return None

    def check(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        """Record the checks a call makes on tainted values."""
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
        qualname = self.qualname(func)
        if qualname in CONTAINMENT_FUNCTIONS or name in CONTAINMENT_METHODS:
            self.guard("containment", receiver, *args)
            return
        if receiver is not None and receiver.kind == DATA:
            if name == "startswith":
                prefix = node.args[0].value if node.args else None
                if receiver.resolved or (prefix is not None and string_literal(prefix) is None):
                    self.guard("containment", receiver)
                self.guard("compare", receiver)
            elif name == "endswith":
                self.guard("compare", receiver)
            elif name.startswith("is") and name not in ("is_file", "is_dir", "is_symlink", "is_absolute"):
                self.guard("validation", receiver)
            elif name in ("match", "fullmatch"):
                self.guard("validation", receiver)
            return
        if not any(t is not None for t in args):
            return
        if qualname in _REGEX_FUNCTIONS or name in ("match", "fullmatch", "search"):
            self.guard("validation", *args)
        elif name == "startswith":
            self.guard("compare", *args)
        elif any(word in name.lower() for word in _VALIDATOR_WORDS) and self._project_or_unknown(qualname):
            self.guard("validation", *args)

    def _project_or_unknown(self, qualname: str | None) -> bool:
        """A validator by name only when it is the project's own (or unresolved) function."""
        if qualname is None:
            return True
        return _has_package(self.ctx.project, qualname.split(".", 1)[0])


@query
def _has_package(project: Project, root: str) -> bool:
    """Whether the project has a module ``root`` or one under it."""
    return any(m == root or m.startswith(root + ".") for m in project.modules)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_SKIPPED_FIELDS = frozenset({"lpar", "rpar", "comma", "semicolon", "equal", "star", "operator", "colon",
                             "first_colon", "second_colon", "leading_lines", "lines_after_decorators",
                             "header", "footer", "newline", "indent", "asynchronous", "dot"})


def _child_fields(kind: type) -> tuple[str, ...]:
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        found = tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _CHILD_FIELDS[kind] = found
    return found


def _int_literal(node: cst.CSTNode | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    ):
        return -int(node.expression.value.replace("_", ""), 0)
    return None


# ---------------------------------------------------------------- request sources

_STRING_TYPES = frozenset({
    "builtins.str", "builtins.bytes", "pathlib.Path", "pathlib.PurePath", "typing.Any",
    "typing_extensions.Any", "builtins.object", "builtins.dict", "typing.Dict",
    "builtins.list", "typing.List", "builtins.set", "typing.Set", "collections.abc.Sequence",
    "typing.Sequence", "pydantic.AnyUrl", "pydantic.HttpUrl", "pydantic.AnyHttpUrl",
    "pydantic.networks.AnyUrl", "pydantic.networks.HttpUrl", "pydantic.networks.AnyHttpUrl",
    "pydantic.FilePath", "pydantic.DirectoryPath", "pydantic.Json", "pydantic.SecretStr",
})
_CONTAINERS = frozenset({
    "builtins.list", "typing.List", "builtins.set", "typing.Set", "builtins.tuple", "typing.Tuple",
    "collections.abc.Sequence", "typing.Sequence", "builtins.frozenset", "typing.FrozenSet",
    "collections.abc.Iterable", "typing.Iterable",
})
_REQUEST_TYPES = frozenset({"starlette.requests.Request", "starlette.requests.HTTPConnection"})
_UPLOAD_TYPES = frozenset({"fastapi.UploadFile", "starlette.datastructures.UploadFile"})
_MARKER_KIND = {
    "fastapi.Query": "query parameter",
    "fastapi.Body": "body parameter",
    "fastapi.Form": "form field",
    "fastapi.Header": "header",
    "fastapi.Cookie": "cookie",
    "fastapi.Path": "path parameter",
}


def value_kind(ctx: FileContext, sp) -> tuple[str, str | None] | None:
    """``(DATA, None)``, ``(MODEL, class)`` or ``(REQUEST, None)`` for a parameter's type,
    or None when its values cannot carry a string (int, UUID, Enum, Literal ...)."""
    project = ctx.project
    if sp.type_value is None:
        return (DATA, None)  # unannotated: FastAPI passes the raw string
    qualname = sp.type
    if qualname is None:
        item = _container_item(ctx, sp)
        if item is not None:
            return item
        return None
    if qualname in _REQUEST_TYPES:
        return (REQUEST, None)
    if qualname in _UPLOAD_TYPES:
        return None
    if qualname in _STRING_TYPES:
        return (DATA, None)
    if project.is_subclass(qualname, PYDANTIC_MODELS):
        return (MODEL, qualname)
    return None


def _container_item(ctx: FileContext, sp) -> tuple[str, str | None] | None:
    """``list[str]`` / ``list[str] | None`` / ``Optional[list[str]]``: the item's kind."""
    facts, scope = sp.home
    found = _generic_type(ctx.project, facts, scope, sp.type_value)
    if found is None:
        return None
    name = found.qualname
    if name in _CONTAINERS:
        item = ctx.project.annotation_type(found.facts, found.scope, found.items[0])
        if item in _STRING_TYPES:
            return (DATA, None)
        if item is not None and ctx.project.is_subclass(item, PYDANTIC_MODELS):
            return (DATA, None)
        return None
    if name in ("builtins.dict", "typing.Dict", "collections.abc.Mapping", "typing.Mapping"):
        return (DATA, None)
    return None


def _generic_type(project, facts: ModuleFacts, scope: str, value: Value | None) -> TypeForm | None:
    """The subscripted type an annotation declares (a ``"generic"`` :meth:`Resolver.type_form
    <fastapi_lint.analysis.resolution.Resolver.type_form>`, with at least one item), seen
    through ``| None``, ``Optional[...]`` and ``Annotated[...]`` (three levels at most)."""
    for _ in range(3):
        form = project.type_form(facts, scope, value)
        facts, scope = form.facts, form.scope
        if form.kind == "union":
            parts = [p for p in form.items if not is_none(p)]
            if len(parts) != 1:
                return None
            value = parts[0]
        elif form.kind == "annotated":
            value = form.items[0]
        else:
            return form if form.kind == "generic" and form.items else None
    return None


def field_kind(ctx: FileContext, model: str | None, attr: str, depth: int = 0) -> str | None:
    """DATA, a model class qualname, or None (a field whose type cannot carry a string)."""
    if model is None or depth > 8:
        return None
    project = ctx.project
    symbol = project.resolve_qualname(model)
    if symbol is None or symbol.project_ref is None:
        return DATA  # a model from a library: its fields are unknown, assume text
    found = project.class_body(symbol)
    if found is None:
        return None
    facts, klass, scope = found
    key = klass.key
    binding = scope.bindings.get(attr)
    if binding is not None:
        if binding.kind == "param":
            annotation = binding.value
        else:  # ``name: T = default``
            annotation = getattr(binding, "annotation", None) if binding.kind == "value" else None
        if annotation is None:
            return None  # a method, a property or a class constant: not request data
        sp = read_param(project, facts, key, Param(attr, annotation, None, "keyword"))
        kind = value_kind(ctx, sp)
        if kind is None:
            return None
        return DATA if kind[0] == DATA else (kind[1] if kind[0] == MODEL else None)
    for base in klass.bases:
        if isinstance(base, Ref):
            resolved = project.resolve(facts, klass.scope, base.dotted)
            if resolved is not None and resolved.qualname and resolved.qualname not in PYDANTIC_MODELS:
                found = field_kind(ctx, resolved.qualname, attr, depth + 1)
                if found is not None:
                    return found
    return None


_CLOSED_EXTRA = frozenset({"ignore", "forbid"})


def fields_are_keys(ctx, model: str | None) -> bool:
    """Whether the keys of ``model.model_dump()`` can only be the field names the project's
    model declares: a class of the project (and its project bases) that does not allow extra
    fields (``extra="allow"`` in ``model_config`` or a ``class Config``)."""
    project = ctx.project
    seen = 0
    pending = [model]
    while pending:
        qualname = pending.pop()
        if qualname is None or qualname in PYDANTIC_MODELS:
            continue
        seen += 1
        if seen > 8:
            return False
        symbol = project.resolve_qualname(qualname)
        found = project.class_body(symbol)
        if found is None:
            return False  # a library's model (its configuration is unknown), or not a class
        facts, klass, scope = found
        key = klass.key
        config = scope.bindings.get("model_config")
        if config is not None:
            value = config.value if config.kind == "value" else None
            if not isinstance(value, CallValue):
                return False
            extra = value.kwarg("extra")
            if extra is not None and not (isinstance(extra, Const) and extra.value in _CLOSED_EXTRA):
                return False
            if any(name is None for name, _ in value.kwargs):
                return False  # ``ConfigDict(**options)``
        inner = facts.scopes.get(f"{key}/Config")
        if inner is not None and "extra" in inner.bindings:
            binding = inner.bindings["extra"]
            value = binding.value if binding.kind == "value" else None
            if not (isinstance(value, Const) and value.value in _CLOSED_EXTRA):
                return False
        for base in klass.bases:
            if isinstance(base, Ref):
                resolved = project.resolve(facts, klass.scope, base.dotted)
                if resolved is None or resolved.qualname is None:
                    return False
                pending.append(resolved.qualname)
            else:
                return False
    return True


_VALIDATING_KWARGS = ("pattern", "regex", "enum")


def request_sources(ctx: FileContext, key: str | None, *, plain_path: bool) -> dict[str, Taint]:
    """The parameters of a path operation that carry request data, as taints.

    Path parameters are sources only with the ``path`` convertor, unless ``plain_path``
    (then a plain ``{name}`` is a source that cannot hold ``/``). Dependencies count only
    for parameters with an explicit Query/Body/Form/Header/Cookie marker.
    """
    model = ctx.model
    function = model.function(key)
    if function is None:
        return {}
    routes = model.routes_of(key)
    is_dependency = not routes and model.is_dependency(key)
    if not routes and not is_dependency:
        return {}
    convertors: dict[str, set[str]] = {}
    for route in routes:
        path = route.path
        if path is None:
            continue
        for param in path_parameters(path):
            convertors.setdefault(param.name, set()).add(param.convertor)
    env: dict[str, Taint] = {}
    bound = bound_parameter(ctx, function)
    for sp in _signature_or_none(ctx.project, ctx.model.facts, function):
        if sp.name == bound:
            continue  # ``self``/``cls`` of a class-based view: the instance, never request data
        marker = sp.marker
        if marker in ("fastapi.Depends", "fastapi.Security", "fastapi.File"):
            continue
        if marker is not None and marker not in _MARKER_KIND:
            continue
        if is_dependency and marker is None:
            if sp.type in _REQUEST_TYPES:
                env[sp.name] = Taint("the request", kind=REQUEST)
            continue
        if sp.marker_call is not None and any(sp.marker_call.has_kwarg(k) for k in _VALIDATING_KWARGS):
            continue  # validated against a pattern
        kind = value_kind(ctx, sp)
        if kind is None:
            continue
        if kind[0] == REQUEST:
            env[sp.name] = Taint("the request", kind=REQUEST)
            continue
        if sp.name in convertors or marker == "fastapi.Path":
            found = convertors.get(sp.name, set())
            if not found:
                continue  # a Path() marker for a name no route template has: unknown
            if "path" in found:
                label = f"path parameter `{sp.name}` (`{{{sp.name}:path}}`)"
                env[sp.name] = Taint(label, kind=kind[0], model=kind[1])
            elif plain_path and found <= {"str"}:
                env[sp.name] = Taint(f"path parameter `{sp.name}`", kind=kind[0], model=kind[1], no_slash=True)
            continue
        if marker is not None:
            what = _MARKER_KIND[marker]
        elif kind[0] == MODEL:
            what = "request body"
        else:
            what = "query parameter"
        env[sp.name] = Taint(f"{what} `{sp.name}`", kind=kind[0], model=kind[1])
    return env


_NOT_BOUND_DECORATORS = frozenset({"builtins.staticmethod"})


def bound_parameter(ctx: FileContext, function) -> str | None:
    """The name of the parameter a method receives its instance or class in (the first
    positional parameter of a function defined in a class body, unless it is a
    ``@staticmethod``), or ``self``/``cls`` when spelled so; None for a plain function.

    Class-based views (fastapi-utils/fastapi-restful ``@cbv``, controller classes whose
    methods carry route decorators) bind it to the view object, never to request data."""
    params = [p for p in function.params if p.kind not in ("vararg", "kwarg")]
    if not params:
        return None
    first = params[0]
    if first.kind != "positional":
        return None
    facts = ctx.model.facts
    if function.scope in facts.classes:
        for decorator in function.decorators:
            if not isinstance(decorator, Ref):
                continue
            resolved = ctx.project.resolve(facts, function.scope, decorator.dotted)
            qualname = resolved.qualname if resolved is not None else None
            if qualname in _NOT_BOUND_DECORATORS or (qualname is None and decorator.dotted == "staticmethod"):
                return None
        return first.name
    if first.name in ("self", "cls") and first.annotation is None:
        return first.name
    return None


def _signature_or_none(project, facts: ModuleFacts, function) -> list:
    """The function's parameters as FastAPI reads them; none when they nest too deeply to read."""
    try:
        return signature(project, facts, function)
    except RecursionError:
        return []


def upload_sources(project, model, key: str | None) -> dict[str, Taint]:
    """Parameters typed ``UploadFile`` (or a list of them), in any function."""
    function = model.function(key)
    if function is None:
        return {}
    env: dict[str, Taint] = {}
    for sp in _signature_or_none(project, model.facts, function):
        if sp.type in _UPLOAD_TYPES:
            env[sp.name] = Taint(f"`{sp.name}.filename`", kind=UPLOAD)
            continue
        facts, scope = sp.home
        found = _generic_type(project, facts, scope, sp.type_value)
        if found is None:
            continue
        if found.qualname in _CONTAINERS and (
                project.annotation_type(found.facts, found.scope, found.items[0]) in _UPLOAD_TYPES):
            env[sp.name] = Taint(f"`{sp.name}[...].filename`", kind=UPLOADS)
    return env


def has_request_functions(model) -> bool:
    """The module defines a path operation, or a function some ``Depends`` in the project uses."""
    if model.of_kind("route"):
        return True
    return any(model.is_dependency(key) for key in model.facts.functions)


def function_body_of(ctx: FileContext, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The def whose body ``node`` is (called from ``visit_IndentedBlock``/``visit_SimpleStatementSuite``)."""
    function = ctx.function_node
    if isinstance(function, cst.FunctionDef) and function.body is node:
        return function
    return None


def spelled(ctx: FileContext, node: cst.CSTNode, limit: int = 40) -> str:
    """How the source spells a (short) expression, for messages."""
    text = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    module = getattr(ctx, "module", None)
    if text is None and module is not None:
        try:
            text = source_text(node)
        except Exception:  # noqa: BLE001 - a message detail must never fail a rule
            text = None
    if not text:
        return "the value"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FlowRule(Rule):
    """A rule that analyses each function body once with a :class:`Flow` and reports the
    findings when the traversal reaches their nodes (so ``# noqa`` sees the right statement)."""

    def __init__(self, ctx: FileContext):
        super().__init__(ctx)
        self._pending: dict[int, tuple[cst.CSTNode, str]] = {}

    def analyse(self, function: cst.FunctionDef, key: str | None) -> list[tuple[cst.CSTNode, str]]:
        raise NotImplementedError

    def _enter_body(self, node: cst.CSTNode) -> None:
        function = function_body_of(self.ctx, node)
        if function is None:
            return
        for found, message in self.analyse(function, self.ctx.key_of(function)):
            self._pending.setdefault(id(found), (found, message))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_body(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_body(node)

    def _emit(self, node: cst.CSTNode) -> None:
        if self._pending:
            found = self._pending.pop(id(node), None)
            if found is not None and found[0] is node:
                self.report(node, found[1])

    visit_Call = _emit
    visit_BinaryOperation = _emit


# ---------------------------------------------------------------- from upload_paths.py

# Checks after which the function is taken to guard its paths.
PATH_GUARDS = frozenset({"containment", "traversal", "membership", "validation"})


def short_qualname(qualname: str) -> str:
    for prefix in ("builtins.", "starlette.responses."):
        if qualname.startswith(prefix):
            return qualname[len(prefix):]
    return qualname


def filesystem_sinks(flow: Flow, node: cst.Call, receiver: Taint | None) -> Iterator[tuple[cst.CSTNode, str]]:
    """``(path expression, how the sink is named)`` for each path a call hands to the filesystem."""
    func = node.func
    qualname = flow.qualname(func)
    if qualname in FS_FUNCTIONS:
        for position, keyword in FS_FUNCTIONS[qualname]:
            arg = arg_at(node, position, keyword)
            if arg is not None:
                yield arg.value, f"{short_qualname(qualname)}()"
        return
    if not isinstance(func, cst.Attribute):
        return
    name = func.attr.value
    if receiver is not None and receiver.kind == DATA and receiver.is_path and name in FS_PATH_METHODS:
        yield func.value, f".{name}()"
    elif name in FS_SAVE_METHODS and receiver is None:
        arg = arg_at(node, 0, None)
        if arg is not None and spells_a_path(arg.value):
            yield arg.value, f".{name}()"


def spells_a_path(node: cst.CSTNode) -> bool:
    """An f-string or concatenation with a literal ``/`` in it (``f"uploads/{name}"``)."""
    if isinstance(node, cst.FormattedString):
        return any(isinstance(p, cst.FormattedStringText) and "/" in p.value for p in node.parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return any(string_literal(side) is not None and "/" in string_literal(side) or spells_a_path(side)
                   for side in (node.left, node.right))
    return False
