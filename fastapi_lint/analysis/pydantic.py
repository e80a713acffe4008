"""Pydantic v1 APIs in code that runs on Pydantic v2 (FAPI601-604): the rule base they share.

A "model" is a class that subclasses ``pydantic.BaseModel``, ``pydantic_settings.BaseSettings``
or ``sqlmodel.SQLModel`` anywhere in the project. Code written against the v1 shim
(``from pydantic.v1 import BaseModel``) is correct v1 code and never flagged, and code in a
Pydantic-version compatibility branch (``if PYDANTIC_V2: ... else: ...``, ``try: ... except
ImportError/AttributeError: ...``) is left alone: :class:`PydanticV1Rule` tracks both
during the traversal (with the enclosing classes and indentation its subclasses' fixes need).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.data.pydantic_v2 import (
    CONSTRUCTORS, FIELD_VALIDATOR, MODEL_BASES, MODEL_VALIDATOR, PYDANTIC_MODELS, VALIDATORS,
)
from fastapi_lint.analysis.facts import MODULE_SCOPE, CallValue, Const, FunctionFacts, ModuleFacts, Ref, Subscript, Value
from fastapi_lint.analysis.names import dotted_name, literal_value
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.parameters import ANNOTATED, element_types
from fastapi_lint.project import Project
from fastapi_lint.rule import Rule


COMPAT_ERRORS = frozenset({
    "builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.AttributeError",
})


# An `if`/conditional expression whose test mentions one of these picks a Pydantic version.
COMPAT_TEST_WORDS = ("pydantic", "version", "v1", "v2", "hasattr", "model_dump", "model_validate")


_TOKENS = (
    cst.Name, cst.SimpleString, cst.FormattedStringText, cst.TemplatedStringText, cst.Integer, cst.Float,
    cst.Imaginary, cst.Comment,
)


def _token_texts(node: cst.CSTNode) -> list[str]:
    """The lowercased text of each name, literal and comment token under ``node``."""
    found: list[str] = []
    pending = [node]
    while pending:
        child = pending.pop()
        if isinstance(child, _TOKENS):
            found.append(child.value.lower())
        for name in _fields_of(type(child)):
            value = getattr(child, name)
            if isinstance(value, cst.CSTNode):
                pending.append(value)
            elif isinstance(value, (tuple, list)):
                pending.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


@functools.cache
def _fields_of(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def is_model(project: Project, qualname: str | None) -> bool:
    return bool(qualname) and project.is_subclass(qualname, MODEL_BASES)


def class_is_model(project: Project, facts: ModuleFacts, klass) -> bool:
    """A class of this module is a model; its bases are read from the module's own facts (two
    namespace-package modules may share a dotted name in the project index)."""
    for base in klass.bases:
        if isinstance(base, Ref):
            symbol = project.resolve(facts, klass.scope, base.dotted)
            if symbol is not None and symbol.qualname and is_model(project, canonical(symbol.qualname)):
                return True
    return False


def constructed_model(project: Project, callee) -> str | None:
    """``Model.model_validate`` (and the other constructors) -> ``Model``."""
    if callee is None or not callee.qualname:
        return None
    owner, _, attr = callee.qualname.rpartition(".")
    return owner if attr in CONSTRUCTORS and is_model(project, owner) else None


def sequence_model(project: Project, facts: ModuleFacts, scope: str, annotation) -> str | None:
    """``Model`` for ``list[Model]``-like annotations (also ``Optional``, ``Annotated``)."""
    kinds = element_types(project, facts, scope, annotation)
    names = {name for name, _ in kinds}
    if not kinds or not all(in_sequence for _, in_sequence in kinds) or len(names) != 1:
        return None
    [name] = names
    return name if name and is_model(project, name) else None


def returned_model(project: Project, callee) -> str | None:
    """``Model`` for a call of a project def declared ``-> list[Model]``."""
    found = project.declared_return(callee)
    return sequence_model(project, *found) if found is not None else None


def loop_may_hold_models(project: Project, facts: ModuleFacts, scope: str, iterable: str | None) -> bool:
    """Whether a loop over ``iterable`` (``FileView.loops``: a name, a call ``name()``, or None
    when the text does not say) may give models, as ``PydanticV1Rule.loop_model`` reads it
    from the tree: never False where it finds a model."""
    if iterable is None:
        return True
    if iterable.endswith("()"):
        return returned_model(project, project.resolve(facts, scope, iterable[:-2])) is not None
    if "." in iterable:
        return False  # an attribute: loop_model reads names and calls only
    found = project.binding(facts, scope, iterable)
    if found is None:
        return False
    where, binding = found
    declared = binding.annotation if binding.kind == "value" else binding.value if binding.kind == "param" else None
    if declared is not None:
        return sequence_model(project, facts, where, declared) is not None
    if binding.kind != "value":
        return False
    value = binding.value
    if isinstance(value, CallValue) and value.callee and (value.args or value.kwargs or value.callee != "list"):
        return returned_model(project, project.resolve(facts, where, value.callee)) is not None
    return value == Const(()) or (isinstance(value, CallValue) and value.callee == "list")  # appended to


class PydanticV1Rule(Rule):
    """Shared traversal state: enclosing classes/defs, indentation, compatibility branches."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self._defs: list[cst.CSTNode] = []  # enclosing ClassDef/FunctionDef nodes, innermost last
        self._indents: list[str] = []
        self._compat: list[cst.CSTNode] = []
        self._blocks: list[cst.CSTNode] = []  # enclosing IndentedBlocks
        self._model_cache: dict[str | None, bool] = {}
        self._loops: list[_Loop] = []  # loops whose body is being visited, innermost last
        self._pending_loops: dict[int, _Loop] = {}  # id(loop body) -> the loop

    # ------------------------------------------------------------ traversal state

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._defs.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._defs.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._defs.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._defs.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        module = self.ctx.module
        default = module.default_indent if module is not None else "    "
        self._indents.append(node.indent if node.indent is not None else default)
        self._blocks.append(node)
        self._enter_loop_body(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._indents.pop()
        self._blocks.pop()
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()
        self._leave_loop_body(original_node)

    # A loop variable's class is known inside the loop's body (and a comprehension's element)
    # when the iterable's elements are models: see :meth:`loop_model`.

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self._pending_loops[id(node.body)] = _Loop(node.target.value, node.iter, node.body,
                                                       self.ctx.scope_key, self.ctx.function_node)

    def leave_For(self, original_node: cst.For) -> None:
        self._pending_loops.pop(id(original_node.body), None)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_loop_body(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_loop_body(original_node)

    def _enter_loop_body(self, node: cst.CSTNode) -> None:
        loop = self._pending_loops.get(id(node))
        if loop is not None:
            self._loops.append(loop)

    def _leave_loop_body(self, node: cst.CSTNode) -> None:
        if self._loops and self._loops[-1].body is node:
            self._loops.pop()

    def _visit_comprehension(self, node) -> None:
        comp = node.for_in
        if comp.inner_for_in is None and isinstance(comp.target, cst.Name):
            self._loops.append(_Loop(comp.target.value, comp.iter, node, self.ctx.scope_key,
                                     self.ctx.function_node, comprehension=True))

    def _leave_comprehension(self, node) -> None:
        if self._loops and self._loops[-1].body is node:
            self._loops.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _visit_comprehension
    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = _leave_comprehension

    def visit_Try(self, node: cst.Try) -> None:
        if any(self._catches_compat(h) for h in node.handlers):
            self._compat.append(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()

    def visit_If(self, node: cst.If) -> None:
        if self._compat_test(node.test):
            self._compat.append(node)

    def leave_If(self, original_node: cst.If) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()
            # `if PYDANTIC_V2: return new()` then the v1 spelling: the rest of the block is
            # the other branch.
            if original_node.orelse is None and ends_early(original_node.body) and self._blocks:
                self._compat.append(self._blocks[-1])

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if self._compat_test(node.test):
            self._compat.append(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()

    def _catches_compat(self, handler: cst.ExceptHandler) -> bool:
        types = handler.type
        if types is None:
            return False
        elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
        return any(self.ctx.qualname(e) in COMPAT_ERRORS for e in elements)

    def _compat_test(self, test: cst.BaseExpression) -> bool:
        """Whether the test's code mentions one of ``COMPAT_TEST_WORDS``, read from its tokens
        (the words are identifiers: in code, one never spans two tokens) rather than by
        generating its code: every ``if`` of a file is asked, by each rule of this base."""
        if self.ctx.module is None:
            return False
        # By id: the tree outlives the context, so an id stays its node's.
        answers = self.ctx.__dict__.setdefault("_pydantic_compat_tests", {})
        found = answers.get(id(test))
        if found is None:
            found = answers[id(test)] = any(word in text for text in _token_texts(test) for word in COMPAT_TEST_WORDS)
        return found

    # ------------------------------------------------------------ models

    def is_model(self, qualname: str | None) -> bool:
        if qualname not in self._model_cache:
            self._model_cache[qualname] = is_model(self.ctx.project, qualname)
        return self._model_cache[qualname]

    def is_model_class(self, node: cst.ClassDef) -> bool:
        """A class of this file is a model (``class_is_model``)."""
        key = self.ctx.key_of(node)
        facts = self.ctx.model.facts
        klass = facts.classes.get(key) if key else None
        return klass is not None and class_is_model(self.ctx.project, facts, klass)

    def loop_model(self, name: cst.Name) -> str | None:
        """The model class of a loop variable (``for m in items: m.dict()``, also in a
        comprehension) when every element of the iterable is a model of that class: the
        iterable is annotated ``list[Model]`` (a parameter, a local, a module variable), is
        returned by a project function declared ``-> list[Model]``, or is a local list filled
        only by ``items.append(Model(...))``. None when unknown, also when the loop body binds
        the name again."""
        for loop in reversed(self._loops):
            if loop.target == name.value:
                if loop.model is _UNSET:
                    loop.model = self._loop_model(loop)
                return loop.model
        return None

    def _loop_model(self, loop: _Loop) -> str | None:
        if _binds(loop.body if not loop.comprehension else loop.body.elt, loop.target):
            return None
        iterable = loop.iterable.expression if isinstance(loop.iterable, cst.Await) else loop.iterable
        project, facts = self.ctx.project, self.ctx.model.facts
        if isinstance(iterable, cst.Call):
            callee = project.resolve(facts, loop.scope, dotted_name(iterable.func) or "")
            return self._returned_model(callee)
        if not isinstance(iterable, cst.Name):
            return None
        found = project.binding(facts, loop.scope, iterable.value)
        if found is None:
            return None
        scope, binding = found
        declared = binding.annotation if binding.kind == "value" else binding.value if binding.kind == "param" else None
        if declared is not None:
            return self._sequence_model(facts, scope, declared)  # a declared type: trusted
        if binding.kind != "value" or scope != loop.scope:
            return None
        region = loop.function if isinstance(loop.function, cst.FunctionDef) else (
            self.ctx.module if loop.scope == MODULE_SCOPE else None)
        if region is None:
            return None
        value = binding.value
        if isinstance(value, CallValue) and value.callee and (value.args or value.kwargs or value.callee != "list"):
            if _binding_sites(region, iterable.value) != 1:
                return None
            return self._returned_model(project.resolve(facts, scope, value.callee))
        if value == Const(()) or (isinstance(value, CallValue) and value.callee == "list"):
            return self._appended_model(region, iterable.value)
        return None

    def _sequence_model(self, facts, scope: str, annotation) -> str | None:
        return sequence_model(self.ctx.project, facts, scope, annotation)

    def _returned_model(self, callee) -> str | None:
        return returned_model(self.ctx.project, callee)

    def _appended_model(self, region: cst.CSTNode, name: str) -> str | None:
        """A list bound once to ``[]`` and only appended models, iterated, returned or measured."""
        uses = _ListUses(name)
        try:
            region.visit(uses)
        except RecursionError:
            return None
        if uses.bindings != 1 or not uses.appended or any(id(n) not in uses.allowed for n in uses.names):
            return None
        models = {self.value_model(value) for value in uses.appended}
        if len(models) != 1:
            return None
        [model] = models
        return model

    def value_model(self, value: cst.BaseExpression) -> str | None:
        """The model class of a value built here: ``Model(...)``, ``Model.model_validate(...)``
        (and the other constructors), or a variable bound to one."""
        typed = self.ctx.type_of(value)
        if typed is not None and self.is_model(typed):
            return typed
        return self.constructed(self.ctx.callee(value)) if isinstance(value, cst.Call) else None

    def constructed(self, callee) -> str | None:
        """``Model.model_validate`` (and the other constructors) -> ``Model``."""
        return constructed_model(self.ctx.project, callee)

    def enclosing_class(self) -> cst.ClassDef | None:
        """The class whose body directly holds the node being visited (not through a def)."""
        return self._defs[-1] if self._defs and isinstance(self._defs[-1], cst.ClassDef) else None

    def class_qualname(self, node: cst.ClassDef) -> str | None:
        key = self.ctx.key_of(node)
        return self.ctx.model.facts.qualname_of_key(key) if key else None

    def class_chain(self, qualname: str):
        """``(facts, class key)`` of the class and its project base classes (MRO-ish order)."""
        for facts, klass in self.ctx.project.class_chain(qualname):
            yield facts, klass.key

    def class_binds(self, qualname: str, name: str) -> bool:
        """The class or one of its project bases binds ``name`` (a method or a field)."""
        for facts, key in self.class_chain(qualname):
            scope = facts.scopes.get(key)
            if scope is not None and name in scope.bindings:
                return True
        return False

    def module_name_ok(self, name: str, meanings: frozenset[str]) -> bool:
        """``name`` is free at module level of this file or already means one of ``meanings``."""
        symbol = self.ctx.project.resolve(self.ctx.model.facts, MODULE_SCOPE, name)
        if symbol is None:
            return True
        return bool(symbol.qualname) and canonical(symbol.qualname) in meanings

    def in_compat_branch(self) -> bool:
        return bool(self._compat)


_UNSET = object()


class _Loop:
    """A ``for`` loop or single-``for`` comprehension binding a plain name."""

    def __init__(self, target: str, iterable: cst.BaseExpression, body: cst.CSTNode, scope: str,
                 function: cst.CSTNode | None, comprehension: bool = False):
        self.target, self.iterable, self.body, self.scope = target, iterable, body, scope
        self.function, self.comprehension = function, comprehension
        self.model: object = _UNSET


class _ListUses(cst.CSTVisitor):
    """Every use of the variable ``name`` below a node, and which ones are harmless for a list
    of models: ``name = []`` (counted in ``bindings``), ``name.append(x)`` (``x`` collected),
    ``for ... in name``, ``return name``, ``len(name)``."""

    def __init__(self, name: str):
        self.name = name
        self.names: list[cst.Name] = []
        self.allowed: set[int] = set()
        self.appended: list[cst.BaseExpression] = []
        self.bindings = 0

    def _is_name(self, node: cst.CSTNode | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.allowed.add(id(node.attr))  # ``x.name``: an attribute, not the variable

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.allowed.add(id(node.keyword))

    def visit_Call(self, node: cst.Call) -> None:
        func, args = node.func, node.args
        single = len(args) == 1 and not args[0].star and args[0].keyword is None
        if isinstance(func, cst.Attribute) and self._is_name(func.value) and func.attr.value == "append" and single:
            self.allowed.add(id(func.value))
            self.appended.append(args[0].value)
        elif isinstance(func, cst.Name) and func.value == "len" and single and self._is_name(args[0].value):
            self.allowed.add(id(args[0].value))

    def visit_For(self, node: cst.For) -> None:
        if self._is_name(node.iter):
            self.allowed.add(id(node.iter))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if self._is_name(node.iter):
            self.allowed.add(id(node.iter))

    def visit_Return(self, node: cst.Return) -> None:
        if self._is_name(node.value):
            self.allowed.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if self._is_name(target.target):
                self.bindings += 1
                self.allowed.add(id(target.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._is_name(node.target):
            self.bindings += 1
            self.allowed.add(id(node.target))


def _binding_sites(region: cst.CSTNode, name: str) -> int:
    """How many statements below ``region`` bind ``name``; a large number when unknown."""
    uses = _ListUses(name)
    try:
        region.visit(uses)
    except RecursionError:
        return 99
    return uses.bindings + (99 if _binds(region, name, assignments=False) else 0)


def _binds(node: cst.CSTNode, name: str, assignments: bool = True) -> bool:
    """Whether code below ``node`` binds ``name`` (``assignments``: also by ``=``)."""
    found = False

    class Binder(cst.CSTVisitor):
        def _target(self, target: cst.CSTNode | None) -> None:
            nonlocal found
            if target is not None and any(isinstance(n, cst.Name) and n.value == name for n in _names_in(target)):
                found = True

        def visit_Assign(self, node: cst.Assign) -> None:
            if assignments:
                for target in node.targets:
                    self._target(target.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if assignments:
                self._target(node.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._target(node.target)

        def visit_For(self, node: cst.For) -> None:
            self._target(node.target)

        def visit_CompFor(self, node: cst.CompFor) -> None:
            self._target(node.target)

        def visit_AsName(self, node: cst.AsName) -> None:
            self._target(node.name)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            self._target(node.target)

        def visit_Del(self, node: cst.Del) -> None:
            self._target(node.target)

        def visit_Global(self, node: cst.Global) -> None:
            self._target(cst.Tuple([cst.Element(n.name) for n in node.names]))

        def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
            self._target(cst.Tuple([cst.Element(n.name) for n in node.names]))

    try:
        node.visit(Binder())
    except RecursionError:
        return True
    return found


def _names_in(target: cst.CSTNode) -> list[cst.CSTNode]:
    """The plain names a binding target binds (through tuples, lists, starred)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in _names_in(element.value)]
    if isinstance(target, cst.StarredElement):
        return _names_in(target.value)
    return []


def ends_early(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if not statements:
        return False
    last = statements[-1]
    smalls = last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    return bool(smalls) and isinstance(smalls[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))


def literal_or_unknown(node: cst.BaseExpression):
    """The value of a simple literal, or ``ValueError`` (the class) when it is not one."""
    try:
        return literal_value(node)
    except ValueError:
        return ValueError


# ---------------------------------------------------------------- validators (FAPI605, FAPI606)

_V1_VALIDATORS = frozenset({"pydantic.v1.validator", "pydantic.v1.class_validators.validator"})


# What ``validator_of`` takes for a validator's decorator.
VALIDATOR_DECORATORS = FIELD_VALIDATOR | VALIDATORS | _V1_VALIDATORS | MODEL_VALIDATOR


def decorated_with(view, qualnames: frozenset[str]) -> Iterator[FunctionFacts]:
    """The defs of the file with a decorator that resolves to one of ``qualnames``
    (``FileView.decorators``)."""
    for key, names in view.decorators.items():
        if not names.isdisjoint(qualnames):
            yield view.facts.functions[key]


def validator_of(ctx, node: cst.FunctionDef) -> tuple[str, str | None, cst.Decorator] | None:
    """``(kind, mode, decorator)`` when ``node`` is a Pydantic validator: kind ``"field"``
    (``@field_validator``, v1's ``@validator``) or ``"model"`` (``@model_validator``); mode
    ``"before"``/``"after"``/``"wrap"``/``"plain"``, or None when it is not a literal. Found by
    what the decorator resolves to, however it is imported."""
    for decorator in node.decorators:
        expr = decorator.decorator
        func = expr.func if isinstance(expr, cst.Call) else expr
        qualname = ctx.qualname(func)
        if qualname is None:
            continue
        qualname = canonical(qualname)
        if qualname in FIELD_VALIDATOR:
            return "field", _mode(expr, "after"), decorator
        if qualname in VALIDATORS or qualname in _V1_VALIDATORS:
            pre = _keyword_literal(expr, "pre", False)
            return "field", (None if pre is ValueError else "before" if pre else "after"), decorator
        if qualname in MODEL_VALIDATOR:
            return "model", _mode(expr, None), decorator
    return None


def _keyword_literal(expr: cst.BaseExpression, name: str, default):
    if not isinstance(expr, cst.Call):
        return default
    for arg in expr.args:
        if arg.star:
            return ValueError
        if arg.keyword is not None and arg.keyword.value == name:
            return literal_or_unknown(arg.value)
    return default


def _mode(expr: cst.BaseExpression, default: str | None) -> str | None:
    mode = _keyword_literal(expr, "mode", default)
    return mode if isinstance(mode, str) else None


def may_fall_off(body: cst.BaseSuite) -> bool:
    """Whether running ``body`` can reach its end (conservatively: True when unsure, except
    that ``while True`` without ``break`` never ends)."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    return not any(_always_leaves(statement) for statement in statements)


def _always_leaves(statement: cst.CSTNode) -> bool:
    """The statement always returns or raises (never continues to the next one)."""
    if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(isinstance(small, (cst.Return, cst.Raise)) for small in statement.body)
    if isinstance(statement, cst.If):
        if statement.orelse is None:
            return False
        orelse = statement.orelse
        other = _always_leaves(orelse) if isinstance(orelse, cst.If) else not may_fall_off(orelse.body)
        return not may_fall_off(statement.body) and other
    if isinstance(statement, (cst.With,)):
        return not may_fall_off(statement.body)
    if isinstance(statement, (cst.Try, cst.TryStar)):
        if statement.finalbody is not None and not may_fall_off(statement.finalbody.body):
            return True
        main = not may_fall_off(statement.body) or (
            statement.orelse is not None and not may_fall_off(statement.orelse.body))
        return main and all(not may_fall_off(handler.body) for handler in statement.handlers)
    if isinstance(statement, (cst.While, cst.For)):
        if _breaks(statement.body):
            return False
        test = getattr(statement, "test", None)
        if isinstance(test, cst.Name) and test.value == "True":
            return True  # never ends but by return/raise
        return statement.orelse is not None and not may_fall_off(statement.orelse.body)
    if isinstance(statement, cst.Match):
        # Every case leaves: taken as exhaustive even without `case _:` (`match result: case
        # Ok(v): ... case Error(e): ...` over a closed union is how such code is written).
        return bool(statement.cases) and all(not may_fall_off(case.body) for case in statement.cases)
    return False


def _breaks(body: cst.CSTNode) -> bool:
    """A ``break`` that leaves this loop (not one of a nested loop or function)."""
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Break(self, node: cst.Break) -> None:
            nonlocal found
            found = True

        def visit_For(self, node) -> bool:
            return False

        def visit_While(self, node) -> bool:
            return False

        def visit_FunctionDef(self, node) -> bool:
            return False

        def visit_ClassDef(self, node) -> bool:
            return False

    body.visit(Finder())
    return found



# ---------------------------------------------------------------- the fields of models, through nesting


@dataclass
class ModelField:
    """A field of a project Pydantic model reached from a type: ``path`` from the outer model
    (``("owner", "hashed_password")``), the class that declares it, and what the facts say."""

    path: tuple[str, ...]
    model: str  # qualname of the declaring class
    annotation: Value | None
    types: tuple[str | None, ...]  # the classes the annotation can hold (Optional/Union/list looked through)
    excluded: bool  # ``Field(exclude=True)``: never serialised
    transformed: bool = False  # a validator or serializer of the model names the field (it may redact it)
    root: str = ""  # qualname of the outermost model of the path


_CLASS_VAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field", "sqlmodel.main.Field"})
_FIELD_SERIALIZERS = frozenset({"pydantic.field_serializer", "pydantic.functional_serializers.field_serializer"})
_FIELD_HOOKS = FIELD_VALIDATOR | VALIDATORS | _FIELD_SERIALIZERS


def is_project_model(project: Project, qualname: str | None) -> bool:
    """A class defined in the project that is a Pydantic model (subclass of ``BaseModel``/``SQLModel``)."""
    return bool(qualname) and project.project_class(qualname) is not None and project.is_subclass(
        qualname, PYDANTIC_MODELS)


def fields_of_type(project: Project, facts: ModuleFacts, scope: str, value: Value | None,
                   max_depth: int = 4) -> list[ModelField]:
    """Every field of the project models a type annotation (or ``response_model=`` value) holds,
    looking through ``Optional``/``Union``/``list[...]`` and into nested models, ``max_depth``
    models deep (each model once per path). Models from libraries are not entered."""
    found: list[ModelField] = []

    def walk(types: list[tuple[str | None, bool]], path: tuple[str, ...], seen: frozenset[str],
             root: str = "") -> None:
        if len(path) >= max_depth:
            return
        for qualname, _ in types:
            if qualname in seen or not is_project_model(project, qualname):
                continue
            for field in _own_and_inherited_fields(project, qualname):
                field.path = path + field.path
                field.root = root or qualname
                found.append(field)
                model_facts, klass = project.project_class(field.model)
                walk(element_types(project, model_facts, klass.key, field.annotation), field.path,
                     seen | {qualname}, field.root)

    walk(element_types(project, facts, scope, value), (), frozenset())
    return found


def _own_and_inherited_fields(project: Project, qualname: str, depth: int = 0) -> list[ModelField]:
    found = project.project_class(qualname)
    if found is None or depth > 8:
        return []
    facts, klass = found
    scope = facts.scopes.get(klass.key)
    fields: dict[str, ModelField] = {}
    for base in klass.bases:
        if isinstance(base, Ref):
            symbol = project.resolve(facts, klass.scope, base.dotted)
            base_name = canonical(symbol.qualname) if symbol and symbol.qualname else None
            if base_name and base_name not in PYDANTIC_MODELS:
                for field in _own_and_inherited_fields(project, base_name, depth + 1):
                    fields[field.path[-1]] = field
    hooked: set[str] = set()  # fields a validator or serializer of this class names
    for function in facts.functions.values():
        if function.scope != klass.key:
            continue
        for decorator in function.decorators:
            if isinstance(decorator, CallValue) and _qualname(project, facts, klass.key, decorator.callee) in _FIELD_HOOKS:
                hooked.update(a.value for a in decorator.args if isinstance(a, Const) and isinstance(a.value, str))
                hooked.update(v for a in decorator.args if isinstance(a, Const) and isinstance(a.value, tuple)
                              for v in a.value if isinstance(v, str))
    for name, binding in (scope.bindings.items() if scope else ()):
        if name.startswith("_") or name == "model_config":
            continue
        if binding.kind == "param":
            annotation, default = binding.value, None
        elif binding.kind == "value" and binding.annotation is not None:
            annotation, default = binding.annotation, binding.value
        else:
            continue
        if isinstance(annotation, Subscript) and _qualname(project, facts, klass.key, annotation.base) in _CLASS_VAR:
            continue
        markers = [default]
        if isinstance(annotation, Subscript) and _qualname(project, facts, klass.key, annotation.base) in ANNOTATED:
            markers.extend(annotation.items[1:])
        excluded = any(
            isinstance(marker, CallValue) and _qualname(project, facts, klass.key, marker.callee) in _FIELD
            and marker.kwarg("exclude") == Const(True)
            for marker in markers
        )
        types = tuple(name for name, _ in element_types(project, facts, klass.key, annotation))
        fields[name] = ModelField((name,), qualname, annotation, types, excluded, name in hooked)
    return list(fields.values())


def _qualname(project: Project, facts: ModuleFacts, scope: str, dotted: str | None) -> str | None:
    symbol = project.resolve(facts, scope, dotted) if dotted else None
    return canonical(symbol.qualname) if symbol and symbol.qualname else None
