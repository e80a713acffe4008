"""Autofixes: what a rule proposes, and applying a set of them to one module.

A rule attaches a :class:`Fix` to a finding: edits that replace (or remove) nodes of
the concrete syntax tree the rule was given, plus the imports the new code needs. The
engine picks non-overlapping fixes, applies them in one transformation, adds the
imports next to existing imports of the same module (libcst's ``AddImportsVisitor``),
and keeps the result only if it still parses. Fixes that overlap one already chosen
wait for the next pass, when they are proposed again against the fixed source.
"""

from __future__ import annotations

import builtins
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Union

import libcst as cst
from fastapi_lint.diagnostics import Applicability
from fastapi_lint.analysis.cst_parser import parse_expression, parse_module
from fastapi_lint.analysis.facts import MODULE_SCOPE, Const
from fastapi_lint.analysis.names import bound_names, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.project import Project
from fastapi_lint.traversal import traverse

if TYPE_CHECKING:
    from fastapi_lint.rule import FileContext

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]


@dataclass(frozen=True)
class Edit:
    node: cst.CSTNode
    replacement: Replacement


@dataclass(frozen=True)
class Import:
    """``import module`` (name None) or ``from module import name``."""

    module: str
    name: str | None = None


def imports_for_name(ctx: FileContext, name: str, accepted: Iterable[str], module: str) -> tuple[Import, ...] | None:
    """What a fix must import to write the plain name ``name`` for one of the ``accepted``
    qualified names: nothing when the file already binds it to one of them, ``from module
    import name`` when the file does not bind it, None when it means something else here
    (the fix must not be offered)."""
    bound = ctx.resolve(cst.Name(name))
    if bound is None:
        return (Import(module, name),)
    return () if canonical(bound.qualname or "") in frozenset(accepted) else None


def name_fix(
    ctx: FileContext,
    node: cst.CSTNode,
    name: str,
    accepted: Iterable[str],
    module: str,
    replacement: Replacement | None = None,
    *,
    unsafe: bool = False,
) -> Fix | None:
    """Replace ``node`` by ``replacement`` (the plain name ``name`` when not given), code that
    writes ``name`` for one of the ``accepted`` qualified names: with ``from module import
    name`` where the file does not bind it yet, None where ``name`` means something else
    here (:func:`imports_for_name`)."""
    imports = imports_for_name(ctx, name, accepted, module)
    if imports is None:
        return None
    return Fix.replace(node, cst.Name(name) if replacement is None else replacement, unsafe=unsafe, imports=imports)


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    imports: tuple[Import, ...] = ()

    @classmethod
    def replace(
        cls,
        node: cst.CSTNode,
        replacement: Replacement,
        *,
        unsafe: bool = False,
        imports: Iterable[Import] = (),
    ) -> Fix:
        applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
        return cls((Edit(node, replacement),), applicability, tuple(imports))

    def allowed(self, unsafe: bool) -> bool:
        return self.applicability is Applicability.SAFE or unsafe


def expression(code: str, like: cst.Module | None = None) -> cst.BaseExpression:
    """Parse generated code with the file's own settings (quotes and newlines stay consistent)."""
    return cst.parse_expression(code, config=_parsing_config(like))


def statement(code: str, like: cst.Module | None = None) -> cst.BaseStatement:
    return cst.parse_statement(code, config=_parsing_config(like))


_INDENT = re.compile(r"[ \t]+")  # the indentation libcst's parser accepts as a default


def _parsing_config(like: cst.Module | None) -> cst.PartialParserConfig:
    """``like.config_for_parsing``, but with four spaces where the file's first indented
    line starts with a form feed (libcst infers it as the indentation, then rejects it)."""
    if like is None:
        return cst.PartialParserConfig()
    indent = like.default_indent if _INDENT.fullmatch(like.default_indent) else "    "
    return cst.PartialParserConfig(encoding=like.encoding, default_indent=indent, default_newline=like.default_newline)


def without_arg(call: cst.Call, drop: cst.Arg) -> cst.Call:
    """``call`` without one argument, keeping the commas of the rest valid."""
    args = [a for a in call.args if a is not drop]
    if args and drop is call.args[-1]:
        last = args[-1]
        args[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


class _Replacer(cst.CSTTransformer):
    def __init__(self, edits: dict[int, Replacement]):
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        replacement = self.edits.get(id(original_node))
        return updated_node if replacement is None else replacement


def apply(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    """The module with every edit of ``fixes`` applied and their imports added."""
    edits = {id(edit.node): edit.replacement for fix in fixes for edit in fix.edits}
    fixed = module.visit(_Replacer(edits))
    imports = {item for fix in fixes for item in fix.imports}
    if imports:
        # libcst.codemod pulls in libcst.matchers (~0.4 s of imports): only when needed.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor, ImportItem

        items = [ImportItem(i.module, i.name) for i in sorted(imports, key=lambda i: (i.module, i.name or ""))]
        indent = fixed.default_indent
        if _INDENT.fullmatch(indent):
            return fixed.visit(AddImportsVisitor(CodemodContext(), items))
        # See _parsing_config: the visitor parses the imports with the module's settings.
        fixed = fixed.with_changes(default_indent="    ").visit(AddImportsVisitor(CodemodContext(), items))
        return fixed.with_changes(default_indent=indent)
    return fixed


def reparses(code: bytes) -> bool:
    """libcst parses the result and Python compiles it (compiling also rejects what
    parsing accepts, such as ``await`` outside an ``async def``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are the file's own business
            compile(code, "<fixed>", "exec", dont_inherit=True)  # first: what is too deep for libcst fails here
        parse_module(code)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# ---------------------------------------------------------------- annotations a fix may write
#
# FastAPI evaluates an annotation that is a string (every annotation under ``from __future__
# import annotations``, PEP 563; Python 3.14's deferred annotations, PEP 649, are treated the
# same) in the *module's globals*, when the route is registered. A name it cannot find there
# (a parameter of a router factory, a closure or class-body variable, an import made only
# under ``TYPE_CHECKING`` or after the route) makes the whole annotation unreadable, and
# FastAPI silently takes the parameter for a required query parameter: a ``Depends(guard)``
# moved into such an annotation never runs. Every fix that writes into an annotation asks
# here first.

_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_TYPE_CHECKING = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})
_BUILTIN_NAMES = frozenset(dir(builtins))
# In an annotation evaluated later these cannot be checked (names they bind would be read as
# free names) or cannot be evaluated at all (``await`` outside its coroutine).
_UNCHECKED_EXPRESSIONS = (
    cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.NamedExpr, cst.Await, cst.Yield,
)
_EMPTY_MODULE = cst.Module([])


def lazy_annotations(ctx: FileContext) -> bool:
    """The module's annotations are evaluated lazily: ``from __future__ import annotations``,
    or a target version with deferred annotations (3.14)."""
    found = ctx.__dict__.get("_lazy_annotations")
    if found is None:
        found = ctx.python >= (3, 14) or ctx.module is None or any(
            isinstance(statement, cst.SimpleStatementLine)
            and any(
                isinstance(small, cst.ImportFrom)
                and isinstance(small.module, cst.Name)
                and small.module.value == "__future__"
                and not isinstance(small.names, cst.ImportStar)
                and any(alias.evaluated_name == "annotations" for alias in small.names)
                for small in statement.body
            )
            for statement in ctx.module.body
        )
        ctx.__dict__["_lazy_annotations"] = found
    return found


def annotation_allowed(ctx: FileContext, annotation: cst.BaseExpression, imports: Iterable[Import] = ()) -> bool:
    """Whether a fix may write ``annotation`` on the statement being visited (a parameter or
    return annotation of the def, or an annotated assignment): every name FastAPI would have
    to look up in the module's globals — all of them when annotations are lazy, else those
    inside string forward references — is a module-level name of this file (per the scope
    facts) bound at runtime before the statement, or a builtin, or one ``imports`` adds."""
    names = _evaluated_names(ctx, annotation, lazy_annotations(ctx))
    if names is None:
        return False
    imported = {item.name or item.module.split(".")[0] for item in imports}
    return all(_global_before(ctx, name, imported) for name in names)


def annotation_fix(ctx: FileContext, fix: Fix | None) -> Fix | None:
    """``fix``, unless one of the annotations it writes or changes on the statement being
    visited is not :func:`annotation_allowed` (then no fix: the finding stays without one)."""
    if fix is None:
        return None
    statement = ctx.current_statement
    before = _annotations_of(statement)
    if before is None:
        return fix
    edits = {id(edit.node): edit.replacement for edit in fix.edits}
    if id(statement) in edits:
        replacement = edits[id(statement)]
        nodes = replacement.nodes if isinstance(replacement, cst.FlattenSentinel) else (replacement,)
        after: dict = {}
        for index, node in enumerate(nodes):
            found = _annotations_of(node) if isinstance(node, cst.CSTNode) else None
            after.update({(index, key): value for key, value in (found or {}).items()})
        before = {(0, key): value for key, value in before.items()}
    elif not _touches(statement, edits):
        return fix
    else:
        after = _annotations_after(statement, edits)
    for key, annotation in after.items():
        old = before.get(key)
        if old is not None and _EMPTY_MODULE.code_for_node(old) == _EMPTY_MODULE.code_for_node(annotation):
            continue
        if not annotation_allowed(ctx, annotation, fix.imports):
            return None
    return fix


def _annotations_of(statement: cst.CSTNode | None) -> dict | None:
    """The annotation expressions of a def or of a line of annotated assignments, by slot."""
    if isinstance(statement, cst.FunctionDef):
        return _function_annotations(statement.params, statement.returns)
    if isinstance(statement, cst.SimpleStatementLine):
        found = {
            ("assign", index): small.annotation.annotation
            for index, small in enumerate(statement.body) if isinstance(small, cst.AnnAssign)
        }
        return found or None
    return None


def _function_annotations(params: cst.CSTNode, returns: cst.CSTNode | None) -> dict:
    found = {}
    if isinstance(params, cst.Parameters):
        for param in (*params.posonly_params, *params.params, *params.kwonly_params,
                      params.star_arg, params.star_kwarg):
            if isinstance(param, cst.Param) and param.annotation is not None:
                found[("param", param.name.value)] = param.annotation.annotation
    if isinstance(returns, cst.Annotation):
        found[("return",)] = returns.annotation
    return found


def _touches(statement: cst.CSTNode, edits: dict[int, Replacement]) -> bool:
    """An edit replaces a node of the statement's parameters or annotations."""
    if isinstance(statement, cst.FunctionDef):
        parts = [statement.params, *([statement.returns] if statement.returns is not None else [])]
    else:
        parts = [small.annotation for small in statement.body if isinstance(small, cst.AnnAssign)]
    found = False

    def visit(node: cst.CSTNode) -> bool:
        nonlocal found
        found = found or id(node) in edits
        return not found

    for part in parts:
        traverse(part, visit, lambda node: None)
    return found


def _annotations_after(statement: cst.CSTNode, edits: dict[int, Replacement]) -> dict:
    if isinstance(statement, cst.FunctionDef):
        params = statement.params.visit(_Replacer(edits))
        returns = statement.returns.visit(_Replacer(edits)) if statement.returns is not None else None
        return _function_annotations(params, returns)
    found = {}
    for index, small in enumerate(statement.body):
        if isinstance(small, cst.AnnAssign):
            new = small.annotation.visit(_Replacer(edits))
            if isinstance(new, cst.Annotation):
                found[("assign", index)] = new.annotation
    return found


def _evaluated_names(ctx: FileContext, annotation: cst.BaseExpression, lazy: bool) -> set[str] | None:
    """The free names evaluating ``annotation`` looks up: all of them (``lazy``), else only
    those in string forward references. None when that cannot be told (an unreadable string,
    an f-string, a lambda, comprehension or ``await`` in an evaluated part)."""
    found: set[str] = set()

    def read(node: cst.CSTNode, is_type: bool, evaluated: bool, depth: int) -> bool:
        if depth > 64:
            return False
        if isinstance(node, cst.Name):
            if evaluated:
                found.add(node.value)
            return True
        if isinstance(node, cst.Attribute):
            return read(node.value, False, evaluated, depth + 1)  # ``.attr`` is no name of its own
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            if not is_type:
                return True  # a value (``Query(alias="x")``, ``Literal["a"]``), not a forward reference
            text = node.evaluated_value
            if not isinstance(text, str):
                return False
            try:
                parsed = parse_expression(text.strip())
            except Exception:  # noqa: BLE001 - not an expression: FastAPI cannot read it either
                return False
            return read(parsed, True, True, depth + 1)
        if isinstance(node, cst.FormattedString):
            return not (is_type or evaluated)
        if isinstance(node, _UNCHECKED_EXPRESSIONS):
            return not evaluated
        if isinstance(node, cst.Call):
            return read(node.func, False, evaluated, depth + 1) and all(
                read(arg.value, False, evaluated, depth + 1) for arg in node.args
            )
        if isinstance(node, cst.Subscript):
            if not read(node.value, False, evaluated, depth + 1):
                return False
            base = ctx.qualname(node.value)
            for index, element in enumerate(node.slice):
                if base in _LITERAL:
                    item_is_type = False
                elif base in _ANNOTATED:
                    item_is_type = index == 0
                else:
                    item_is_type = is_type
                if not read(element.slice, item_is_type, evaluated, depth + 1):
                    return False
            return True
        if isinstance(node, cst.BinaryOperation) and not isinstance(node.operator, cst.BitOr):
            is_type = False
        return all(read(child, is_type, evaluated, depth + 1) for child in node.children)

    try:
        readable = read(annotation, True, lazy, 0)
    except RecursionError:
        return None
    return found if readable else None


def _global_before(ctx: FileContext, name: str, imported: set[str]) -> bool:
    """``name``, looked up from the scope being visited through the scope facts, is bound at
    module level (not in a def or class body), at runtime (not only under ``TYPE_CHECKING``)
    and before the top-level statement holding the current one; or it is unbound and a
    builtin; or the fix imports it (the import joins the module's leading import block)."""
    facts = ctx.model.facts
    if ctx.scope_key not in facts.scopes:
        return False
    found = Project._lookup(facts, ctx.scope_key, name)  # noqa: SLF001 - Python's lookup rule, as the resolver has it
    if found is None:
        return name in imported or name in _BUILTIN_NAMES
    if found[0] != MODULE_SCOPE:
        return False
    if name in imported:
        return True
    layout = _module_layout(ctx)
    here = layout.top.get(id(ctx.current_statement))
    bound = layout.bound.get(name)
    return here is not None and bound is not None and bound < here


@dataclass
class _Layout:
    top: dict[int, int]  # id(statement) -> index of the top-level statement that holds it
    bound: dict[str, int]  # module-level name -> first top-level statement binding it at runtime


def _module_layout(ctx: FileContext) -> _Layout:
    layout = ctx.__dict__.get("_fix_module_layout")
    if layout is None:
        layout = _Layout({}, {})
        for index, statement in enumerate(ctx.module.body if ctx.module is not None else ()):
            _index_statements(statement, index, layout.top)
            _runtime_bindings(ctx, statement, index, layout.bound)
        ctx.__dict__["_fix_module_layout"] = layout
    return layout


def _blocks(statement: cst.CSTNode) -> Iterable[tuple[str, cst.CSTNode]]:
    """``(field, statement)`` for the statements nested in a compound statement's blocks."""
    for field in ("body", "orelse", "handlers", "finalbody", "cases"):
        value = getattr(statement, field, None)
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, cst.IndentedBlock):
                for inner in item.body:
                    yield field, inner
            elif isinstance(item, (cst.BaseCompoundStatement, cst.SimpleStatementSuite)):  # ``elif``, ``if x: y = 1``
                yield field, item
            elif isinstance(item, (cst.Else, cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)):
                for _, inner in _blocks(item):
                    yield field, inner


def _index_statements(statement: cst.CSTNode, index: int, top: dict[int, int]) -> None:
    top[id(statement)] = index
    if isinstance(statement, cst.BaseCompoundStatement):
        for _, inner in _blocks(statement):
            _index_statements(inner, index, top)


def _runtime_bindings(ctx: FileContext, statement: cst.CSTNode, index: int, bound: dict[str, int]) -> None:
    """Names a module-level statement binds when the module runs (a def or class body is
    another scope; an ``if TYPE_CHECKING:`` block never runs)."""
    if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        for small in statement.body:
            for name in _small_statement_names(small):
                bound.setdefault(name, index)
        return
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        bound.setdefault(statement.name.value, index)
        return
    skipped = None
    if isinstance(statement, cst.If):
        skipped = _type_checking_branch(ctx, statement.test)
    if isinstance(statement, cst.For):
        for name in bound_names(statement.target):
            bound.setdefault(name, index)
    if isinstance(statement, cst.With):
        for item in statement.items:
            if item.asname is not None:
                for name in bound_names(item.asname.name):
                    bound.setdefault(name, index)
    for field, inner in _blocks(statement):
        if field != skipped:
            _runtime_bindings(ctx, inner, index, bound)


def _type_checking_branch(ctx: FileContext, test: cst.BaseExpression) -> str | None:
    """``"body"`` for ``if TYPE_CHECKING:``, ``"orelse"`` for ``if not TYPE_CHECKING:``."""
    negated = isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
    expression = test.expression if negated else test
    dotted = dotted_name(expression)
    symbol = ctx.project.resolve(ctx.model.facts, MODULE_SCOPE, dotted) if dotted else None
    if symbol is None:
        return None
    if (symbol.qualname and canonical(symbol.qualname) in _TYPE_CHECKING) or symbol.value == Const(False):
        return "orelse" if negated else "body"
    return None


def _small_statement_names(small: cst.BaseSmallStatement) -> list[str]:
    if isinstance(small, cst.Import):
        return [
            alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            else (dotted_name(alias.name) or "").split(".")[0]
            for alias in small.names
        ]
    if isinstance(small, cst.ImportFrom):
        if isinstance(small.names, cst.ImportStar):
            return []
        return [
            alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            else alias.evaluated_name
            for alias in small.names
        ]
    if isinstance(small, cst.Assign):
        return [name for target in small.targets for name in bound_names(target.target)]
    if isinstance(small, cst.AnnAssign) and small.value is not None:  # a bare annotation binds nothing
        return bound_names(small.target)
    if isinstance(small, cst.AugAssign):
        return bound_names(small.target)
    if isinstance(small, cst.TypeAlias):  # ``type Alias = ...``
        return [small.name.value]
    return []
