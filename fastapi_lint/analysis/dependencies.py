"""Helpers for the dependency rules (FAPI302-FAPI306): reading ``Depends(...)`` calls in the
libcst pass, and telling from the project facts whether a class's instances are callable
and whether a function could be a dependency factory."""

from __future__ import annotations



from dataclasses import dataclass

import libcst as cst

from fastapi_lint.data.coroutines import (
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    SESSION_FACTORIES,
    SYNC_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
    YIELDING_GENERICS,
)
from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, ModuleFacts, Param, Ref, Seq, Subscript, Value
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.project import Project, module_share, query
from fastapi_lint.rule import FileContext
from fastapi_lint.analysis.parameters import SignatureParam, qualname_of

# Bases whose instances are not callable (and that add no ``__call__``).
_NOT_CALLABLE_BASES = frozenset({
    "builtins.object", "builtins.Exception", "builtins.BaseException", "builtins.dict",
    "builtins.list", "builtins.str", "builtins.int", "pydantic.BaseModel", "pydantic.main.BaseModel",
    "abc.ABC", "typing.Generic", "typing.Protocol", "typing.NamedTuple", "enum.Enum", "enum.IntEnum",
    "enum.StrEnum", "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.v1.BaseModel", "pydantic.v1.BaseSettings",
})
# Values of these builtins (and of these classes) are never callable.
_NOT_CALLABLE_RESULTS = frozenset(
    f"builtins.{name}"
    for name in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool",
                 "len", "sorted", "repr", "format", "sum", "min", "max", "abs", "round", "isinstance")
)
_CACHE_DECORATORS = frozenset({"functools.lru_cache", "functools.cache"})
_CALLABLE_TYPES = frozenset({"typing.Callable", "collections.abc.Callable", "typing.Any", "builtins.object",
                             "typing_extensions.Any", "builtins.type", "typing.Type"})
SETTINGS_CLASSES = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.env_settings.BaseSettings", "pydantic.v1.BaseSettings",
    "pydantic.v1.env_settings.BaseSettings",
})




def settings_class_names(project: Project) -> frozenset[str]:
    """Simple names of the project's ``BaseSettings`` subclasses (plus ``BaseSettings``): a cheap
    text pre-filter; the rule itself resolves every name."""
    return _settings_class_names(project)


@query
def _settings_class_names(project: Project) -> frozenset[str]:
    return frozenset({"BaseSettings"}).union(*(found for _, found in project.shares("settings_classes_in")))


@module_share("settings_classes_in")
def _settings_classes_in(project: Project, module: str) -> frozenset[str]:
    # One module's share, kept per module: a keystroke in one file of the language server
    # recomputes only that module's.
    facts = project.modules[module]
    return frozenset(klass.name for key, klass in facts.classes.items()
                     if klass.bases and project.is_subclass(facts.qualname_of_key(key), SETTINGS_CLASSES))


def is_depends(ctx: FileContext, call: cst.Call) -> bool:
    """``Depends(...)``/``Security(...)`` however imported (``from fastapi import Depends as D``)."""
    func = call.func
    if not isinstance(func, (cst.Name, cst.Attribute)):
        return False
    return ctx.qualname(func) in DEPENDS_FUNCTIONS


def depends_target(call: cst.Call) -> cst.BaseExpression | None:
    """The dependency passed to ``Depends(...)`` (first positional or ``dependency=``)."""
    arg = call_positional(call, 0) or call_keyword(call, "dependency")
    return arg.value if arg is not None else None


@dataclass(frozen=True)
class CalledDependency:
    """``Depends(f())``/``Security(f())``: a call made where the dependency should only be passed."""

    call: cst.Call  # ``f()``
    callee: Symbol | None  # what ``f`` is
    spelled: str | None  # ``f`` as written, when a name chain
    marker: str  # ``Depends`` or ``Security``, as the file spells it (last part)


def called_dependency(ctx: FileContext, call: cst.Call) -> CalledDependency | None:
    """The call passed to ``Depends(...)``/``Security(...)`` in place of the dependency, with
    what it calls; None for anything else."""
    if not is_depends(ctx, call):
        return None
    inner = depends_target(call)
    if not isinstance(inner, cst.Call):
        return None
    return CalledDependency(inner, ctx.callee(inner), dotted_name(inner.func), marker_name(call))


# ---------------------------------------------------------------- classes




def ancestors(project: Project, qualname: str, _depth: int = 0) -> list[str | None]:
    """Qualnames of the class and all its bases as far as they resolve (None for an unreadable base)."""
    out: list[str | None] = [canonical(qualname)]
    if _depth > 16:
        return out + [None]
    ref = project.project_class(qualname)
    if ref is None:
        return out
    facts, klass = ref
    for base in klass.bases:
        if isinstance(base, Subscript):  # Generic[T], Protocol[T]
            base = Ref(base.base) if base.base else None
        if not isinstance(base, Ref):
            out.append(None)
            continue
        symbol = project.resolve(facts, klass.scope, base.dotted)
        if symbol is None or not symbol.qualname:
            out.append(None)
            continue
        out.extend(ancestors(project, symbol.qualname, _depth + 1))
    return out


def instances_callable(project: Project, qualname: str) -> bool | None:
    """Whether instances of a project class are callable: True (a ``__call__`` is defined in
    the class or a project base), False (no ``__call__`` and every base is known), None (unknown)."""
    unknown = False
    for name in ancestors(project, qualname):
        if name is None:
            unknown = True
            continue
        ref = project.project_class(name)
        if ref is not None:
            facts, klass = ref
            scope = facts.scopes.get(klass.key)
            if scope is not None and "__call__" in scope.bindings:
                return True
            if not klass.bases:
                continue
        elif name not in _NOT_CALLABLE_BASES:
            unknown = True
    return None if unknown else False


def is_project_class(project: Project, qualname: str | None) -> bool:
    return project.project_class(qualname) is not None


# ---------------------------------------------------------------- functions




def is_cache_decorator(project: Project, facts: ModuleFacts, scope: str, decorator: Value) -> bool:
    dotted = decorator.callee if isinstance(decorator, CallValue) else decorator.dotted if isinstance(decorator, Ref) else None
    return qualname_of(project, facts, scope, dotted) in _CACHE_DECORATORS


def not_a_factory(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """Why calling ``function`` evidently does not give a dependency (a short phrase naming what
    the call gives), or None when it may return a callable (a dependency factory) or we cannot tell."""
    if any(not is_cache_decorator(project, facts, function.scope, d) for d in function.decorators):
        return None  # a decorator may turn it into anything
    if function.has_yield:
        return "a generator object" if not function.is_async else "an async generator object"
    if function.is_async:
        return "a coroutine"
    verdict = _annotation_verdict(project, facts, function)
    if verdict is not None:
        return verdict or None
    if not function.return_values:
        return "None"  # no `return <value>` anywhere: the call returns None
    for value in function.return_values:
        if not _evidently_not_callable(project, facts, function.key, value):
            return None
    return "a value that is not callable"


def _annotation_verdict(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """From the return annotation: a phrase when it names a non-callable type, "" when it says
    callable, None when it is absent or unknown."""
    returns = function.returns
    if returns is None:
        return None
    if isinstance(returns, Const) and returns.value is None:
        return "None"
    base = returns.base if isinstance(returns, Subscript) else returns.dotted if isinstance(returns, Ref) else None
    if base == "|" or base is None:
        return None
    qualname = qualname_of(project, facts, function.scope, base)
    if qualname is None:
        return None
    if qualname in _CALLABLE_TYPES:
        return ""
    if qualname in _NOT_CALLABLE_RESULTS:
        return f"a value of type `{qualname.removeprefix('builtins.')}`"
    if is_project_class(project, qualname) and instances_callable(project, qualname) is False:
        return f"a `{qualname.rsplit('.', 1)[-1]}` instance"
    return None


def _evidently_not_callable(project: Project, facts: ModuleFacts, scope: str, value: Value | None) -> bool:
    if isinstance(value, (Const, Seq)):
        return True
    if isinstance(value, CallValue):
        qualname = qualname_of(project, facts, scope, value.callee)
        if qualname in _NOT_CALLABLE_RESULTS:
            return True
        return bool(qualname) and is_project_class(project, qualname) and instances_callable(project, qualname) is False
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        if symbol is None or symbol.project_ref is not None:
            return False  # a function or class: callable
        if symbol.instance_of and symbol.call is not None:
            qualname = canonical(symbol.instance_of)
            if qualname in _NOT_CALLABLE_RESULTS:
                return True
            return is_project_class(project, qualname) and instances_callable(project, qualname) is False
        return isinstance(symbol.value, (Const, Seq))
    return False


# ---------------------------------------------------------------- apps and routers

Dependencies = list  # [(facts, scope, CallValue)] of `Depends(...)` calls


def owner_class(owner: Symbol) -> str | None:
    return canonical(owner.instance_of) if owner.instance_of else None


def router_prefix(owner: Symbol) -> str:
    """The literal ``prefix=`` an APIRouter was created with ("" when none or not literal)."""
    if owner.call is None or owner_class(owner) != "fastapi.APIRouter":
        return ""
    value = owner.call.kwarg("prefix")
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else ""


def path_parameter_names(routes) -> list[set[str] | None]:
    """The names of each route's path parameters, its router's literal ``prefix=`` included
    (:func:`router_prefix`); None for a route whose path is not a literal."""
    return [None if route.path is None else {p.name for p in path_parameters(router_prefix(route.owner) + route.path)}
            for route in routes]


# ---------------------------------------------------------------- dependencies of every route of an app/router


@module_share("includes_in")
def _module_includes(project: Project, module: str) -> tuple[tuple, bool, frozenset[str]]:
    """One module's share of the project's ``include_router`` index: the calls that include
    a router we can follow, as (the router's binding, the call's index in ``facts.calls``);
    whether an include we cannot follow adds dependencies; which of ``fastapi.FastAPI`` /
    ``fastapi.APIRouter`` it builds with ``dependencies=``. Kept per module (immutable), so
    an edit elsewhere does not scan this module again (the language server)."""
    facts = project.modules[module]
    sites: list[tuple[tuple, int]] = []
    opaque = False
    constructors: set[str] = set()
    for index, scoped in enumerate(facts.calls):
        call = scoped.call
        method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
        if method in ("FastAPI", "APIRouter") and _has_dependencies(call):
            constructors.add(f"fastapi.{method}")
        if method != "include_router":
            continue
        target = call.arg(0, "router")
        symbol = project.resolve(facts, scoped.scope, target.dotted) if isinstance(target, Ref) else None
        if symbol is None or symbol.origin is None:
            opaque = opaque or _has_dependencies(call)
            continue
        sites.append((symbol.origin, index))
    return tuple(sites), opaque, frozenset(constructors)


def _shares(project: Project) -> list[tuple[str, tuple[tuple, bool, frozenset[str]]]]:
    return list(project.shares("includes_in"))


@query
def _include_flags(project: Project) -> tuple[bool, frozenset[str]]:
    """(an include we cannot follow adds dependencies, the classes built with ``dependencies=``)."""
    shares = [share for _, share in _shares(project)]
    return any(opaque for _, opaque, _ in shares), frozenset().union(*(built for _, _, built in shares))


def _include_index(project: Project) -> dict[tuple, tuple[tuple[str, int], ...]]:
    def build() -> dict[tuple, tuple[tuple[str, int], ...]]:
        index: dict[tuple, list[tuple[str, int]]] = {}
        for module, (sites, _, _) in _shares(project):
            for origin, position in sites:
                index.setdefault(origin, []).append((module, position))
        return {origin: tuple(found) for origin, found in index.items()}
    return project.memo(("include_index",), build)


@query
def _include_sites(project: Project, origin: tuple) -> tuple[tuple[str, int], ...]:
    """The ``include_router`` calls that include the router bound at ``origin``, as (module,
    index in its ``facts.calls``): a small answer, so a file depends on the includes of its
    own routers, not on every module the index scanned."""
    return _include_index(project).get(origin, ())


def _has_dependencies(call: CallValue) -> bool:
    value = call.kwarg("dependencies")
    return value is not None and value != Const(()) and value != Const(None)


def dependency_list(value, facts: ModuleFacts, scope: str) -> Dependencies | None:
    """The ``Depends(...)`` calls of a literal ``dependencies=[...]``; None when not literal."""
    if value is None or value == Const(()) or value == Const(None):
        return []
    if not isinstance(value, Seq) or not all(isinstance(item, CallValue) for item in value.items):
        return None
    return [(facts, scope, item) for item in value.items]


def owner_dependencies(project: Project, owner: Symbol, depth: int = 0) -> Dependencies | None:
    """Dependencies FastAPI adds to every route of an app/router: its own ``dependencies=``,
    those of each ``include_router`` that includes it and of the including app/router.
    None when any of them cannot be read."""
    opaque_with_dependencies, constructors_with_dependencies = _include_flags(project)
    if depth > 8 or opaque_with_dependencies:
        return None
    if owner.call is None or owner.origin is None:
        # An app/router we only know by type (a function parameter ``app: FastAPI``): it
        # has no dependencies unless some app/router in the project is built with them.
        return None if owner_class(owner) in constructors_with_dependencies else []
    module, scope, _ = owner.origin
    facts = project.modules.get(module)
    if facts is None:
        return None
    found = dependency_list(owner.call.kwarg("dependencies"), facts, scope)
    if found is None:
        return None
    for include_module, position in _include_sites(project, owner.origin):
        include_facts = project.modules.get(include_module)
        if include_facts is None or position >= len(include_facts.calls):
            return None
        include_scope, call = include_facts.calls[position].scope, include_facts.calls[position].call
        if any(name is None for name, _ in call.kwargs):
            return None  # include_router(router, **options)
        extra = dependency_list(call.kwarg("dependencies"), include_facts, include_scope)
        if extra is None:
            return None
        found.extend(extra)
        receiver = call.callee.rpartition(".")[0] if call.callee else ""
        includer = project.resolve(include_facts, include_scope, receiver) if receiver else None
        if includer is None or project.kind_of(includer) is None:
            # ``def configure(app): app.include_router(...)``: some app or router we cannot see
            if constructors_with_dependencies:
                return None
            continue
        upper = owner_dependencies(project, includer, depth + 1)
        if upper is None:
            return None
        found.extend(upper)
    return found


# ---------------------------------------------------------------- database sessions

SYNC, ASYNC = "sync", "async"


def session_kind(project: Project, qualname: str | None) -> str | None:
    """``"sync"``/``"async"`` when a class is a (subclass of a) SQLAlchemy session class."""
    if qualname is None:
        return None
    if project.is_subclass(qualname, ASYNC_SESSION_CLASSES):
        return ASYNC
    if project.is_subclass(qualname, SYNC_SESSION_CLASSES):
        return SYNC
    return None


def module_level_session(project: Project, symbol: Symbol | None) -> str | None:
    """How a module-level database session was made (``"Session(...)"``, ``"SessionLocal()"``) when
    ``symbol`` is a name bound at module level to a SQLAlchemy/SQLModel session: a session class
    called, or an instance of ``sessionmaker``/``async_sessionmaker`` called; else None."""
    if symbol is None or symbol.call is None or symbol.origin is None or symbol.origin[1] != "":
        return None
    call = symbol.call
    facts = project.module_facts(symbol.origin[0])
    if facts is None or not call.callee:
        return None
    callee = project.resolve(facts, "", call.callee)
    if callee is None:
        return None
    if callee.qualname is not None and session_kind(project, canonical(callee.qualname)):
        return f"{call.callee}(...)"
    if callee.call is not None and callee.call.callee and callee.origin is not None:
        home = project.module_facts(callee.origin[0])
        factory = project.resolve(home, callee.origin[1], callee.call.callee) if home is not None else None
        if factory is not None and factory.qualname and canonical(factory.qualname) in SESSION_FACTORIES:
            return f"{call.callee}()"
    return None


def provided_type(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """The class a dependency function provides: its return annotation, or what it
    yields for ``Generator[X, ...]``/``Iterator[X]``/``AsyncIterator[X]`` annotations."""
    returns: Value | None = function.returns
    if isinstance(returns, Subscript) and returns.base and returns.base != "|" and returns.items:
        base = project.resolve(facts, function.scope, returns.base)
        if base is not None and base.qualname and canonical(base.qualname) in YIELDING_GENERICS:
            returns = returns.items[0]
    return project.annotation_type(facts, function.scope, returns)


# ---------------------------------------------------------------- from depends_usage.py

def marker_name(call: cst.Call) -> str:
    name = dotted_name(call.func) or "Depends"
    return name.rsplit(".", 1)[-1]


def param_session_kind(project: Project, param: SignatureParam) -> str | None:
    """``"sync"``/``"async"`` when a parameter of an endpoint or dependency is a SQLAlchemy
    session: by its annotation or by what its ``Depends(...)`` dependency provides. An
    annotation or dependency that says async wins (a sync-looking one is then a mistake)."""
    declared = session_kind(project, param.type)
    provided = None
    if param.marker in DEPENDS_FUNCTIONS and param.marker_call is not None:
        target = param.marker_call.arg(0, "dependency")
        if isinstance(target, Ref):
            facts, scope = param.home
            found = project.project_function(project.resolve(facts, scope, target.dotted))
            if found is not None:
                provided = session_kind(project, provided_type(project, *found))
    if ASYNC in (declared, provided):
        return ASYNC
    return SYNC if SYNC in (declared, provided) else None


def symbol_session_kind(project: Project, symbol: Symbol | None) -> str | None:
    """``"sync"``/``"async"`` when a name is bound to a SQLAlchemy session: an instance of a
    session class, or what calling a ``sessionmaker``/``async_sessionmaker`` gives
    (``async with async_session() as session:``, ``db = SessionLocal()``)."""
    if symbol is None:
        return None
    kind = session_kind(project, symbol.instance_of)
    if kind is not None or symbol.call is None or symbol.origin is None or symbol.call.callee is None:
        return kind
    module, scope, _ = symbol.origin
    facts = project.module_facts(module)
    if facts is None:
        return None
    return sessionmaker_kind(project, project.resolve(facts, scope, symbol.call.callee))


def sessionmaker_kind(project: Project, maker: Symbol | None) -> str | None:
    """``"sync"``/``"async"`` for a ``sessionmaker(...)``/``async_sessionmaker(...)`` instance
    (``sessionmaker(class_=AsyncSession)`` makes async sessions)."""
    if maker is None or maker.instance_of is None:
        return None
    made = canonical(maker.instance_of)
    if made in ASYNC_SESSIONMAKERS:
        return ASYNC
    if made not in SYNC_SESSIONMAKERS:
        return None
    class_ = maker.call.kwarg("class_") if maker.call is not None else None
    if class_ is None:
        return SYNC
    if not isinstance(class_, Ref) or maker.origin is None:
        return None
    facts = project.module_facts(maker.origin[0])
    symbol = project.resolve(facts, maker.origin[1], class_.dotted) if facts is not None else None
    return session_kind(project, symbol.qualname) if symbol is not None else None


# ---------------------------------------------------------------- helpers a session is handed to


def _bound_param(function: FunctionFacts, index: int | None, keyword: str | None, method: bool) -> Param | None:
    """The parameter of ``function`` an argument binds: positional ``index`` (after ``self``
    for a method) or ``keyword``."""
    positional = [p for p in function.params if p.kind == "positional"]
    if method:
        positional = positional[1:]
    if index is not None:
        return positional[index] if index < len(positional) else None
    return next((p for p in function.params if p.name == keyword and p.kind in ("positional", "keyword")), None)


def session_call_in(project: Project, facts: ModuleFacts, function: FunctionFacts, name: str) -> str | None:
    """The first un-awaited session method call ``function`` makes on its parameter (or
    attribute spelling) ``name`` (``db.query``, ``self.session.execute``), or None; a parameter
    annotated as an ``AsyncSession`` or rebound in the body makes none."""
    head = name.split(".", 1)[0]
    scope = facts.scopes.get(function.key)
    binding = scope.bindings.get(head) if scope is not None else None
    if binding is None or binding.kind != "param":
        return None
    if "." not in name and session_kind(project, project.annotation_type(facts, function.key, binding.value)) == ASYNC:
        return None
    found = [callee for callee in function.session_calls if callee.rpartition(".")[0] == name]
    # name a call that talks to the database before `add`, which only stages an object
    return next((c for c in found if c.rpartition(".")[2] not in ("add", "add_all")), found[0] if found else None)


def helper_session_call(project: Project, callee: Symbol | None, index: int | None, keyword: str | None) -> str | None:
    """``crud.create_user(db, ...)``: when the project function ``callee`` runs session
    methods on the parameter the argument at ``index`` (or ``keyword``) binds, the first
    such call as spelled there (``db.query``), else None."""
    found = project.project_function(callee)
    if found is None:
        return None
    facts, function = found
    if any(not is_cache_decorator(project, facts, function.scope, d) for d in function.decorators):
        return None  # a decorator may change what the call does
    method = function.scope in facts.classes
    param = _bound_param(function, index, keyword, method)
    return session_call_in(project, facts, function, param.name) if param is not None else None


def _class_function(project: Project, qualname: str, name: str) -> tuple[ModuleFacts, FunctionFacts] | None:
    for ancestor in ancestors(project, qualname):
        ref = project.project_class(ancestor) if ancestor else None
        if ref is None:
            continue
        facts, klass = ref
        function = facts.functions.get(f"{klass.key}/{name}")
        if function is not None:
            return facts, function
    return None


def repository_session_call(
    project: Project, class_qualname: str | None, index: int | None, keyword: str | None, method: str
) -> str | None:
    """``UserRepo(db).get(...)``: when the project class stores the constructor argument at
    ``index`` (or ``keyword``) in an attribute (``self.session = session`` in ``__init__``,
    its own or a base's) and its ``method`` runs session methods on that attribute, the
    first such call as spelled there (``self.session.query``), else None."""
    if class_qualname is None or project.project_class(class_qualname) is None:
        return None
    init = _class_function(project, class_qualname, "__init__")
    target = _class_function(project, class_qualname, method)
    if init is None or target is None:
        return None
    init_facts, init_function = init
    if init_function.decorators or target[1].decorators:
        return None  # a static/class method or property: not the instance the session was stored in
    param = _bound_param(init_function, index, keyword, method=True)
    positional = [p.name for p in init_function.params if p.kind == "positional"]
    target_positional = [p.name for p in target[1].params if p.kind == "positional"]
    if param is None or not positional or not target_positional:
        return None
    init_self, target_self = positional[0], target_positional[0]
    for spelled, value in init_function.stores.items():
        owner, _, attr = spelled.partition(".")
        if value == param.name and owner == init_self and attr and "." not in attr:
            found = session_call_in(project, target[0], target[1], f"{target_self}.{attr}")
            if found is not None:
                return found
    return None
