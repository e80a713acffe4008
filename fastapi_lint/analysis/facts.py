"""The cheap first pass: summarise one module with the ``ast`` parser.

``ast.parse`` costs about a tenth of a libcst parse, so every candidate file of the
project is summarised first: its imports and name bindings per scope, its classes and
functions with their decorators, parameters and return values, and the calls the
FastAPI model cares about (``Depends``, ``include_router``, ``add_event_handler`` ...).
The summaries are small, plain data and cacheable; from them ``project.py`` builds the
project (``resolution.py`` resolves names over it) and ``model.py`` the per-module FastAPI
model. Rules read facts only as the analysis layer hands them out (a function's
``FunctionFacts``, a parameter's ``Param``, the value summaries below); the facts of other
modules only through the project, which records the read for the cache.

The join with the libcst pass. Facts keep no nodes and no columns; the libcst rule pass
finds a node's facts by meeting the same things in the same order:

- defs and classes are keyed by their nesting path (``create_app/read_item``, with
  ``#N`` for the N-th redefinition of a name in a scope), by :class:`DefKeys`, which
  both passes use;
- ``calls`` are recorded in source order (a call before the calls in its arguments,
  arguments left to right), the order in which libcst visits them, so the n-th call
  spelled ``app.add_api_route`` the traversal meets is the n-th one recorded
  (``model.CallsInOrder``).

``tests/test_join.py`` checks both over the fixtures and generated modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator, Union

from fastapi_lint.analysis.database_urls import url_with_password
from fastapi_lint.analysis.qualnames import resolve_relative
from fastapi_lint.data.coroutines import SYNC_SESSION_METHODS

MODULE_SCOPE = ""
_MAX_DEPTH = 6  # how deep a value summary goes; deeper parts become Other()


# ---------------------------------------------------------------- value summaries


@dataclass(frozen=True, slots=True)
class Const:
    value: object


@dataclass(frozen=True, slots=True)
class Ref:
    """A Name/Attribute chain as written, e.g. ``routers.items.router``."""

    dotted: str


@dataclass(frozen=True, slots=True)
class CallValue:
    callee: str | None  # dotted spelling of the callee, None when not a name chain
    args: tuple
    kwargs: tuple  # ((name, value), ...); name None for **kwargs
    line: int

    def kwarg(self, name: str):
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    def has_kwarg(self, name: str) -> bool:
        return any(key == name for key, _ in self.kwargs)

    def arg(self, index: int, name: str | None = None):
        if index < len(self.args):
            return self.args[index]
        return self.kwarg(name) if name else None


@dataclass(frozen=True, slots=True)
class Subscript:
    base: str | None
    items: tuple


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple


@dataclass(frozen=True, slots=True)
class Other:
    pass


@dataclass(frozen=True, slots=True)
class Lambda(Other):
    """``lambda a, b: body``; an Other to code that does not look inside."""

    params: tuple  # parameter names
    body: object  # summary of the body expression


@dataclass(frozen=True, slots=True)
class FString(Other):
    """``f"...{x}..."``; an Other to code that does not look inside."""

    parts: tuple  # str for literal text, a summary for each ``{expression}``


Value = Union[Const, Ref, CallValue, Subscript, Seq, Other]
OTHER = Other()


def summarise(node: ast.AST | None, depth: int = 0) -> Value | None:
    if node is None:
        return None
    if depth > _MAX_DEPTH:
        return OTHER
    if isinstance(node, ast.Constant):
        return Const(node.value)
    if isinstance(node, ast.Await):  # what `await f()` yields is what f is declared to return
        return summarise(node.value, depth)
    dotted = dotted_of(node)
    if dotted is not None:
        return Ref(dotted)
    if isinstance(node, ast.Call):
        args = tuple(
            summarise(a, depth + 1) for a in node.args if not isinstance(a, ast.Starred)
        )
        kwargs = tuple((k.arg, summarise(k.value, depth + 1)) for k in node.keywords)
        return CallValue(dotted_of(node.func), args, kwargs, node.lineno)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = tuple(summarise(e, depth + 1) for e in node.elts)
        if all(isinstance(i, Const) for i in items):
            return Const(tuple(i.value for i in items))
        return Seq(items)
    if isinstance(node, ast.Subscript):
        index = node.slice
        elements = index.elts if isinstance(index, ast.Tuple) else [index]
        return Subscript(dotted_of(node.value), tuple(summarise(e, depth + 1) for e in elements))
    if isinstance(node, ast.Lambda):
        names = tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs))
        return Lambda(names, summarise(node.body, depth + 1))
    if isinstance(node, ast.JoinedStr):
        return FString(tuple(
            v.value if isinstance(v, ast.Constant) else summarise(getattr(v, "value", None), depth + 1)
            for v in node.values
        ))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        # ``X | None`` in annotations: keep the parts.
        return Subscript("|", (summarise(node.left, depth + 1), summarise(node.right, depth + 1)))
    return OTHER


def dotted_of(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


INCOMPLETE = "*"  # the last line of ``ModuleFacts.call_sites`` when some calls were not seen


_MAX_CHAINED = 16  # methods of call results in one callee: deeper chains make the sites INCOMPLETE


def call_spelling(func: ast.AST) -> str | None:
    """The callee of a call as rules resolve it: a dotted name (``requests.get``), or a method
    of what a call returns, ``()`` marking the call (``httpx.Client().get``,
    ``Path().read_text``); None for any other callee (``handlers[0]``), which no rule resolves;
    INCOMPLETE for a chain of more than ``_MAX_CHAINED`` calls (each call of a chain has its
    own callee, so spelling them all would take the square of its length)."""
    methods = []
    while isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        if len(methods) == _MAX_CHAINED:
            return INCOMPLETE
        methods.append(func.attr)
        func = func.value.func
    dotted = dotted_of(func)
    if dotted is None:
        return None
    return dotted + "".join(f"().{method}" for method in reversed(methods))


# ---------------------------------------------------------------- bindings


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name is bound to in a scope.

    kind: ``import`` (target = qualified name), ``def``/``class`` (target = key),
    ``value`` (value = summary of the assigned expression, incl. ``with X() as name``),
    ``param`` (value = annotation summary or None), ``unknown`` (loop targets etc.).
    """

    kind: str
    target: str | None = None
    value: Value | None = None
    annotation: Value | None = None  # ``name: T = value``: the summary of ``T``


@dataclass(slots=True)
class Param:
    name: str
    annotation: Value | None
    default: Value | None
    kind: str  # positional | keyword | vararg | kwarg


@dataclass(slots=True)
class FunctionFacts:
    key: str
    name: str
    scope: str  # key of the scope the def statement is in
    is_async: bool
    line: int
    decorators: list[Value]
    params: list[Param]
    returns: Value | None  # the return annotation
    return_values: list[Value] = field(default_factory=list)  # `return <expr>`
    has_bare_return: bool = False
    has_yield: bool = False
    has_await: bool = False
    # Attribute names read in the body (`x.path_params`); a dict, not a set, so equal
    # sources pickle to equal bytes whatever the string hash seed (see cache.facts_digest).
    attributes: dict[str, None] = field(default_factory=dict)
    # Un-awaited calls of a method a SQLAlchemy session has, by the callee's dotted spelling
    # (``db.query``, ``self.session.execute``): what a helper does with a session it is given.
    session_calls: dict[str, None] = field(default_factory=dict)
    # ``self.session = session``: attribute target spelling -> the plain name assigned.
    stores: dict[str, str] = field(default_factory=dict)
    # Dotted spellings of the callees of every call in the body (``helper``, ``self.load``,
    # ``utils.read_tenant``), in first-seen order; a dict for the same reason.
    callees: dict[str, None] = field(default_factory=dict)
    # The body formats a string from values: an f-string with a ``{value}``, ``+`` or ``%``
    # (also ``+=``/``%=``); with ``attributes`` (``.format``, ``.join``), whether it may
    # build SQL from data (FAPI407).
    builds_strings: bool = False
    # A statement of the body itself (not one nested in an ``if``, a loop...) returns or
    # raises: running the body never reaches its end (``pydantic.may_fall_off``, FAPI605).
    leaves: bool = False


@dataclass(slots=True)
class ClassFacts:
    key: str
    name: str
    scope: str
    line: int
    bases: list[Value]
    decorators: list[Value]


@dataclass(slots=True)
class Scope:
    key: str
    parent: str | None
    is_class: bool
    bindings: dict[str, Binding] = field(default_factory=dict)


@dataclass(slots=True)
class ScopedCall:
    scope: str
    call: CallValue


@dataclass
class ModuleFacts:
    module: str
    is_package: bool
    scopes: dict[str, Scope] = field(default_factory=dict)
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: dict[str, ClassFacts] = field(default_factory=dict)
    calls: list[ScopedCall] = field(default_factory=list)  # calls the model cares about
    # Other calls that hand what may be an app to a callable (``setup(app)``,
    # ``hooks.install(app=application)``): an argument spelled like an app or bound in the
    # scope to a ``FastAPI(...)``/``Starlette(...)`` call; no ``*args``. The resolver decides.
    handoffs: list[ScopedCall] = field(default_factory=list)
    syntax_error: tuple[str, int, int] | None = None  # Python's (message, line, column)
    star_imports: list[str] = field(default_factory=list)  # modules of `from X import *`
    # Every name or module imported anywhere in the module, also where a later binding
    # shadows it (``try: import httpx`` / ``except ImportError: httpx = None``).
    imported: list[str] = field(default_factory=list)
    # The line each top-level statement starts on (its first decorator's for a decorated
    # def), space-separated: where the engine places a finding without generating the code
    # of the whole module (``positions.py``). One string, not a list of ints: every worker
    # holds every module's decoded facts.
    statement_lines: str = ""
    # Where each statement of a long top-level class's body starts, a ``class line:body
    # lines`` line per class (``BODY_LINES_OF_CLASSES_FROM``): a large file is parsed a
    # slice at a time (``sliced_parse``), and one class may be most of it.
    class_body_lines: str = ""
    # The calls ``FunctionFacts.callees`` does not hold, one ``scope<TAB>callee`` line each
    # (first seen first, no repeats): those outside a def's body (module level, class bodies,
    # decorators, defaults) and those whose callee is a method of a call's result
    # (``httpx.Client().get``: ``call_spelling``). With the callees, every call whose callee
    # a rule can resolve: ``FileView.call_sites``. One string for the reason above.
    call_sites: str = ""
    # A string literal is a database URL with a password written in it (FAPI403).
    password_url: bool = False
    # The callees an ``async def`` always awaits or passes on as an argument of another call
    # (``create_task(work())``) where it calls them, ``scope<TAB>callee`` lines: calls a rule
    # about un-awaited coroutines (FAPI103) need not look at.
    awaited_or_passed_calls: str = ""
    # The callees of calls whose result is thrown away (a call as a statement, and the call
    # ``.add_done_callback(...)`` is chained to), ``scope<TAB>callee`` lines (FAPI107).
    discarded_calls: str = ""
    # The callees of calls given a call's result as a positional argument (before any
    # ``*args``), ``scope<TAB>callee`` lines: ``run_in_threadpool(f(x))`` (FAPI108).
    calls_given_calls: str = ""

    def qualname_of_key(self, key: str) -> str:
        return f"{self.module}.{key.replace('/', '.')}" if self.module else key.replace("/", ".")


# Calls recorded for the model, by the last segment of the callee's spelling.
INTERESTING_CALLS = frozenset({
    "Depends", "Security", "include_router", "add_api_route", "add_api_websocket_route",
    "add_event_handler", "add_exception_handler", "add_middleware", "mount", "Middleware",
    "FastAPI", "APIRouter", "Starlette",
    "import_module", "__import__",  # dynamic imports (a router loaded by name is not unused)
})


def _app_like(name: str) -> bool:
    """A name spelled like an application object: ``app``, ``application``, ``api_app``, ``app_``..."""
    name = name.lower()
    return name in ("app", "application") or name.endswith(("_app", "_application")) or name.startswith("app_")


# ---------------------------------------------------------------- the join with libcst


class DefKeys:
    """Keys of defs and classes, in the order both passes meet them: the nesting path
    (``create_app/read_item``), with ``#N`` for the N-th redefinition of a name in a scope."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}

    def next(self, scope: str, name: str) -> str:
        n = self._seen.get((scope, name), 0)
        self._seen[(scope, name)] = n + 1
        base = f"{scope}/{name}" if scope else name
        return base if n == 0 else f"{base}#{n}"

    @staticmethod
    def name_of(key: str) -> str:
        """The def's or class's own name, read from its key."""
        return key.rsplit("/", 1)[-1].split("#", 1)[0]


_LEAVING = (ast.Return, ast.Raise)  # FunctionFacts.leaves
_FORMATTING_OPERATORS = (ast.Add, ast.Mod)  # ``"..." + x``, ``"..." % x`` (FunctionFacts.builds_strings)


def in_source_order(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every node below it, depth first, each before its children and the
    children in source order: the order libcst visits them (``ast.walk`` is breadth first,
    and ``ast`` keeps some children out of source order, e.g. a call's keywords after its
    positional arguments). Contexts and operators are left out."""
    stack = [node]
    while stack:
        sub = stack.pop()
        yield sub
        stack.extend(reversed(_children_in_source_order(sub)))


def _children_in_source_order(node: ast.AST) -> list[ast.AST]:
    kind = type(node)
    if kind is ast.Call:
        arguments = [*node.args, *node.keywords]
        if node.args and node.keywords:  # ``f(a=1, *rest)`` is legal
            arguments.sort(key=_position)
        return [node.func, *arguments]
    if kind is ast.IfExp:
        return [node.body, node.test, node.orelse]
    if kind is ast.Dict:  # keys and values are two lists; None is a ``**mapping`` key
        return [part for pair in zip(node.keys, node.values) for part in pair if part is not None]
    if kind is ast.arguments:  # a lambda's: only defaults can hold calls
        return [*node.posonlyargs, *node.args, *node.defaults, *filter(None, [node.vararg]),
                *node.kwonlyargs, *filter(None, node.kw_defaults), *filter(None, [node.kwarg])]
    # ``list(ast.iter_child_nodes(node))`` without its two generators (the facts pass's
    # hottest loop): the same children in the same order, less the leaves nobody reads
    # (a name's load/store context, an operator).
    fields = _NODE_FIELDS.get(kind)
    if fields is None:
        fields = _NODE_FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
    children = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


_NODE_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})  # expr_context, operator/unaryop/boolop, cmpop list


def _position(node: ast.AST) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


# ---------------------------------------------------------------- extraction


def older_spelling(source: bytes | str) -> str | None:
    from fastapi_lint.analysis.newer_syntax import older_spelling as rewrite  # libcst: only for such files

    return rewrite(source)


def _wraps_itself(name: str, value: Value | None) -> bool:
    """``name = Wrapper(name, ...)`` (also ``Wrapper(app=name)``): an ASGI middleware,
    Sentry or OpenTelemetry wrapping the app at the end of ``main.py``. The name keeps its
    earlier binding in the facts: everything registered on it above (routes, routers,
    middleware, handlers) was registered on the app, which the wrapper only serves."""
    if not isinstance(value, CallValue):
        return False
    first = value.args[0] if value.args else value.kwarg("app")
    return isinstance(first, Ref) and first.dotted == name or (
        isinstance(first, CallValue) and _wraps_itself(name, first))


# What Python says of an expression nested deeper than it reads (parser and tokenizer limits,
# the recursion limit while building the tree); ``MemoryError`` is its name when it has no
# message. (Its limit of 100 indentation levels is not one: blocks cost libcst little.)
_TOO_DEEP = ("too many nested parentheses", "too complex", "maximum recursion depth", "MemoryError")


# The longest `and`/`or` chain given to libcst: it nests one level per operand, at ~1 KB of
# stack and ~5 KB of memory each (the longest a 2 MB file can hold is 400,000).
_MAX_BOOLEAN_CHAIN = 20_000


def nested_too_deeply(message: str) -> bool:
    """Whether Python refused a source for its nesting (``ModuleFacts.syntax_error``'s
    message): libcst must not see it (``cst_parser``)."""
    return any(reason in message for reason in _TOO_DEEP)


def extract_facts(source: bytes | str, module: str, is_package: bool = False) -> ModuleFacts:
    facts = ModuleFacts(module=module, is_package=is_package)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        # newer syntax than the running Python's?
        older = None if nested_too_deeply(exc.msg or "") else older_spelling(source)
        if older is None:
            facts.syntax_error = (exc.msg, exc.lineno or 1, exc.offset or 1)
            facts.scopes[MODULE_SCOPE] = Scope(MODULE_SCOPE, None, False)
            return facts
        tree = ast.parse(older)
    except (ValueError, RecursionError, MemoryError) as exc:
        facts.syntax_error = (str(exc) or type(exc).__name__, 1, 1)
        facts.scopes[MODULE_SCOPE] = Scope(MODULE_SCOPE, None, False)
        return facts
    try:
        _Extractor(facts).run(tree)
    except RecursionError:  # keep what was collected before the nesting got too deep
        facts.call_sites += f"\n{INCOMPLETE}"  # ... but no rule may take it for every call
        facts.password_url = True
    facts.statement_lines = " ".join(str(_first_line(stmt)) for stmt in tree.body)
    facts.class_body_lines = "\n".join(
        f"{_first_line(stmt)}:{' '.join(str(_first_line(inner)) for inner in stmt.body)}" for stmt in tree.body
        if type(stmt) is ast.ClassDef and (stmt.end_lineno or 0) - stmt.lineno >= BODY_LINES_OF_CLASSES_FROM)
    return facts


def _given_a_call(call: ast.Call) -> bool:
    """Whether a positional argument of ``call`` before any ``*args`` is a call."""
    for arg in call.args:
        if type(arg) is ast.Starred:
            return False
        if type(arg) is ast.Call:
            return True
    return False


# A top-level class this many lines long has its body's statement lines in the facts.
BODY_LINES_OF_CLASSES_FROM = 200


def statement_starts(statement_lines: str) -> list[int]:
    """``ModuleFacts.statement_lines`` read. Raises ValueError on anything else than the facts
    pass writes (facts may come from a store inside the linted tree)."""
    return [int(line) for line in statement_lines.split()]


def class_bodies(facts: ModuleFacts) -> dict[int, list[int]]:
    """``ModuleFacts.class_body_lines`` read: a class's first line -> its body's statement
    lines. Raises ValueError as ``statement_starts``."""
    found = {}
    for entry in facts.class_body_lines.splitlines():
        line, _, body = entry.partition(":")
        found[int(line)] = statement_starts(body)
    return found


def _first_line(stmt: ast.stmt) -> int:
    return min((stmt.lineno, *(decorator.lineno for decorator in getattr(stmt, "decorator_list", ()))))


class _Extractor:
    def __init__(self, facts: ModuleFacts):
        self.facts = facts
        self.keys = DefKeys()
        # Local names of interesting callables imported under another name (``Depends as D``).
        self.call_aliases: set[str] = set()
        self.call_sites: dict[str, None] = {}  # ``scope<TAB>callee`` (ModuleFacts.call_sites)
        self.incomplete = False  # a call was left out of them
        # ``scope<TAB>callee`` of the calls in async defs' bodies, by whether they are awaited
        # or passed on (ModuleFacts.awaited_or_passed_calls)
        self.awaited: dict[str, None] = {}
        self.not_awaited: set[str] = set()
        self.discarded: dict[str, None] = {}  # ``scope<TAB>callee`` of calls in statement position
        self.given_calls: dict[str, None] = {}  # ``scope<TAB>callee`` (ModuleFacts.calls_given_calls)

    def run(self, tree: ast.Module) -> None:
        self.facts.scopes[MODULE_SCOPE] = Scope(MODULE_SCOPE, None, False)
        try:
            self.body(tree.body, MODULE_SCOPE, None)
        finally:
            self.facts.call_sites = "\n".join([*self.call_sites, *([INCOMPLETE] if self.incomplete else [])])
            self.facts.awaited_or_passed_calls = "\n".join(site for site in self.awaited if site not in self.not_awaited)
            self.facts.discarded_calls = "\n".join(self.discarded)
            self.facts.calls_given_calls = "\n".join(self.given_calls)

    def bind(self, scope: str, name: str, binding: Binding) -> None:
        self.facts.scopes[scope].bindings[name] = binding

    def body(self, stmts: list[ast.stmt], scope: str, func: FunctionFacts | None) -> None:
        for stmt in stmts:
            self.statement(stmt, scope, func)

    def statement(self, stmt: ast.stmt, scope: str, func: FunctionFacts | None) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(stmt, scope)
            return
        if isinstance(stmt, ast.ClassDef):
            self.klass(stmt, scope)
            return
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self.facts.imported.append(alias.name)
                if not alias.asname and "." in alias.name:  # `import a.b` binds `a`
                    self.facts.imported.append(alias.name.split(".")[0])
                if alias.asname:
                    self.bind(scope, alias.asname, Binding("import", alias.name))
                else:
                    head = alias.name.split(".")[0]
                    self.bind(scope, head, Binding("import", head))
            return
        if isinstance(stmt, ast.ImportFrom):
            base = resolve_relative(
                self.facts.module, self.facts.is_package, stmt.level or 0, stmt.module
            )
            for alias in stmt.names:
                if alias.name == "*":
                    self.facts.star_imports.append(base)
                    continue
                target = f"{base}.{alias.name}" if base else alias.name
                self.facts.imported.append(target)
                self.bind(scope, alias.asname or alias.name, Binding("import", target))
                if alias.asname and alias.name in INTERESTING_CALLS:
                    self.call_aliases.add(alias.asname)
            return
        # Compound statements: header expressions here, bodies recursively in order.
        if isinstance(stmt, (ast.If, ast.While)):
            self.expressions(stmt.test, scope, func)
            self.body(stmt.body, scope, func)
            self.body(stmt.orelse, scope, func)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expressions(stmt.target, scope, func)
            self.expressions(stmt.iter, scope, func)
            self.bind_targets(stmt.target, scope, None)
            if isinstance(stmt, ast.AsyncFor) and func is not None:
                func.has_await = True
            self.body(stmt.body, scope, func)
            self.body(stmt.orelse, scope, func)
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expressions(item.context_expr, scope, func)
                if item.optional_vars is not None:
                    self.expressions(item.optional_vars, scope, func)
                    self.bind_targets(item.optional_vars, scope, summarise(item.context_expr))
            if isinstance(stmt, ast.AsyncWith) and func is not None:
                func.has_await = True
            self.body(stmt.body, scope, func)
            return
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.body(stmt.body, scope, func)
            for handler in stmt.handlers:
                if handler.type is not None:
                    self.expressions(handler.type, scope, func)
                if handler.name:
                    self.bind(scope, handler.name, Binding("unknown"))
                self.body(handler.body, scope, func)
            self.body(stmt.orelse, scope, func)
            self.body(stmt.finalbody, scope, func)
            return
        if type(stmt).__name__ == "Match":
            self.expressions(stmt.subject, scope, func)
            for case in stmt.cases:
                if case.guard is not None:
                    self.expressions(case.guard, scope, func)
                self.body(case.body, scope, func)
            return
        # Simple statements.
        self.expressions(stmt, scope, func)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.discard(stmt.value, scope)
        if isinstance(stmt, ast.Assign) and func is not None and isinstance(stmt.value, ast.Name):
            for target in stmt.targets:
                spelled = dotted_of(target) if isinstance(target, ast.Attribute) else None
                if spelled:
                    func.stores[spelled] = stmt.value.id
        if isinstance(stmt, ast.Assign):
            value = summarise(stmt.value)
            for target in stmt.targets:
                if isinstance(target, ast.Name) and _wraps_itself(target.id, value) \
                        and target.id in self.facts.scopes[scope].bindings:
                    continue  # `app = Wrapper(app)`: routes declared on `app` stay on the app
                self.bind_targets(target, scope, value)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if stmt.value is not None:
                self.bind(scope, stmt.target.id, Binding(
                    "value", value=summarise(stmt.value), annotation=summarise(stmt.annotation)))
            elif scope != MODULE_SCOPE or stmt.target.id not in self.facts.scopes[scope].bindings:
                self.bind(scope, stmt.target.id, Binding("param", value=summarise(stmt.annotation)))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            self.bind(scope, stmt.target.id, Binding("unknown"))
        elif isinstance(stmt, ast.Return) and func is not None:
            if stmt.value is None:
                func.has_bare_return = True
            else:
                func.return_values.append(summarise(stmt.value))

    def discard(self, call: ast.Call, scope: str) -> None:
        """A call whose result is thrown away, and the call ``.add_done_callback(...)`` is
        chained to (``asyncio.create_task(work()).add_done_callback(log)``)."""
        func = call.func
        chained = isinstance(func, ast.Attribute) and func.attr == "add_done_callback" and isinstance(func.value, ast.Call)
        for discarded in (call, func.value) if chained else (call,):
            spelled = call_spelling(discarded.func)
            if spelled is not None:
                self.discarded[INCOMPLETE if spelled == INCOMPLETE else f"{scope}\t{spelled}"] = None

    def bind_targets(self, target: ast.AST, scope: str, value: Value | None) -> None:
        if isinstance(target, ast.Name):
            self.bind(scope, target.id, Binding("value", value=value) if value else Binding("unknown"))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_targets(element, scope, None)
        elif isinstance(target, ast.Starred):
            self.bind_targets(target.value, scope, None)

    def expressions(self, node: ast.AST, scope: str, func: FunctionFacts | None) -> None:
        """Record interesting calls, awaits, yields and walrus bindings below ``node``."""
        awaited: set[int] = set()
        passed: set[int] = set()  # calls that are arguments of a call
        for sub in in_source_order(node):
            kind = type(sub)  # parsed trees hold the ast classes themselves, never subclasses
            if kind is ast.Call:
                callee = dotted_of(sub.func)
                spelled = callee or call_spelling(sub.func)
                site = f"{scope}\t{spelled}" if spelled is not None and spelled != INCOMPLETE else None
                if func is not None and callee:
                    func.callees[callee] = None
                elif spelled == INCOMPLETE:
                    self.incomplete = True
                elif site is not None:
                    self.call_sites[site] = None
                if site is not None and _given_a_call(sub):
                    self.given_calls[site] = None
                for argument in (*sub.args, *(keyword.value for keyword in sub.keywords)):
                    if type(argument) is ast.Call:  # passed on: awaited, or not, elsewhere
                        passed.add(id(argument))
                if func is not None and func.is_async and site is not None:
                    if id(sub) in awaited or id(sub) in passed:
                        self.awaited[site] = None
                    else:
                        self.not_awaited.add(site)
                if callee and (callee.rsplit(".", 1)[-1] in INTERESTING_CALLS or callee in self.call_aliases):
                    value = summarise(sub)
                    self.facts.calls.append(ScopedCall(scope, value))
                elif callee and self._hands_off_app(sub, scope):
                    self.facts.handoffs.append(ScopedCall(scope, summarise(sub)))
                if (func is not None and callee and "." in callee and id(sub) not in awaited
                        and callee.rsplit(".", 1)[-1] in SYNC_SESSION_METHODS):
                    func.session_calls[callee] = None
            elif kind is ast.NamedExpr:
                if isinstance(sub.target, ast.Name):
                    self.bind(scope, sub.target.id, Binding("value", value=summarise(sub.value)))
            elif kind is ast.Constant:
                value = sub.value
                if type(value) is str and "@" in value and "://" in value and url_with_password(value):
                    self.facts.password_url = True
            elif kind is ast.BoolOp and len(sub.values) > _MAX_BOOLEAN_CHAIN and self.facts.syntax_error is None:
                # One flat node for Python, as many nested ones for libcst (see cst_parser).
                self.facts.syntax_error = (f"too complex: {len(sub.values)} operands of one `and`/`or` chain",
                                           sub.lineno, sub.col_offset + 1)
            elif func is None:
                continue
            elif kind is ast.Attribute:
                func.attributes[sub.attr] = None
            elif kind is ast.BinOp or kind is ast.AugAssign:
                if type(sub.op) in _FORMATTING_OPERATORS:
                    func.builds_strings = True
            elif kind is ast.JoinedStr:
                if any(type(part) is ast.FormattedValue for part in sub.values):
                    func.builds_strings = True
            elif kind is ast.Await:
                func.has_await = True
                awaited.add(id(sub.value))
            elif kind is ast.Yield or kind is ast.YieldFrom:
                func.has_yield = True
            elif kind is ast.comprehension and sub.is_async:
                func.has_await = True

    def _hands_off_app(self, call: ast.Call, scope: str) -> bool:
        if any(isinstance(arg, ast.Starred) for arg in call.args):
            return False
        for keyword, value in [*((None, a) for a in call.args), *((k.arg, k.value) for k in call.keywords)]:
            spelled = dotted_of(value)
            if spelled is None:
                continue
            if keyword == "app" or _app_like(spelled.rsplit(".", 1)[-1]):
                return True
            binding = self.facts.scopes[scope].bindings.get(spelled)
            if binding is not None and isinstance(binding.value, CallValue) and binding.value.callee \
                    and binding.value.callee.rsplit(".", 1)[-1] in ("FastAPI", "Starlette"):
                return True
        return False

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str) -> None:
        key = self.keys.next(scope, node.name)
        for decorator in node.decorator_list:
            self.expressions(decorator, scope, None)
        params = self.parameters(node.args, scope)
        if node.returns is not None:
            self.expressions(node.returns, scope, None)
        facts = FunctionFacts(
            key=key,
            name=node.name,
            scope=scope,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            line=node.lineno,
            decorators=[summarise(d) for d in node.decorator_list],
            params=params,
            returns=summarise(node.returns),
            leaves=any(type(statement) in _LEAVING for statement in node.body),
        )
        self.facts.functions[key] = facts
        self.bind(scope, node.name, Binding("def", key))
        inner = Scope(key, scope, False)
        for param in params:
            inner.bindings[param.name] = Binding("param", value=param.annotation)
        self.facts.scopes[key] = inner
        self.body(node.body, key, facts)

    def parameters(self, args: ast.arguments, scope: str) -> list[Param]:
        params: list[Param] = []
        positional = args.posonlyargs + args.args
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for arg, default in zip(positional, defaults):
            params.append(self.param(arg, default, "positional", scope))
        if args.vararg:
            params.append(self.param(args.vararg, None, "vararg", scope))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            params.append(self.param(arg, default, "keyword", scope))
        if args.kwarg:
            params.append(self.param(args.kwarg, None, "kwarg", scope))
        return params

    def param(self, arg: ast.arg, default: ast.AST | None, kind: str, scope: str) -> Param:
        if arg.annotation is not None:
            self.expressions(arg.annotation, scope, None)
        if default is not None:
            self.expressions(default, scope, None)
        return Param(arg.arg, summarise(arg.annotation), summarise(default), kind)

    def klass(self, node: ast.ClassDef, scope: str) -> None:
        key = self.keys.next(scope, node.name)
        arguments = sorted([*node.bases, *node.keywords], key=_position)  # ``class A(x=1, *B)``
        for expr in [*node.decorator_list, *arguments]:
            self.expressions(expr, scope, None)
        self.facts.classes[key] = ClassFacts(
            key=key,
            name=node.name,
            scope=scope,
            line=node.lineno,
            bases=[summarise(b) for b in node.bases],
            decorators=[summarise(d) for d in node.decorator_list],
        )
        self.bind(scope, node.name, Binding("class", key))
        self.facts.scopes[key] = Scope(key, scope, True)
        self.body(node.body, key, None)
