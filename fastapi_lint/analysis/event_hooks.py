"""Shared by the lifespan rules (FAPI501-FAPI504): which apps and routers of the project have
startup/shutdown hooks, and which routers each of them includes."""

from __future__ import annotations



from collections.abc import Iterator

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.facts import CallValue, Const, ModuleFacts, Ref
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.data.fastapi_names import APP_CLASSES, ROUTER_CLASSES
from fastapi_lint.analysis.model import app_param_origins, app_passed_for
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.project import Project, module_share, query
from fastapi_lint.rule import Rule

HOOK_KEYWORDS = ("on_startup", "on_shutdown")


def is_given(value) -> bool:
    """A keyword argument that is present and not ``None``/empty."""
    return value is not None and not (isinstance(value, Const) and value.value in (None, (), ""))


class EventHookIndex:
    """Project-wide, by owner (binding origin of the app/router): the ``@on_event`` and
    ``add_event_handler`` registrations, the routers each owner includes, and the owners with
    an ``include_router`` argument that cannot be resolved to a router."""

    def __init__(self, project: Project):
        self.decorators: dict[tuple, int] = {}  # owner -> number of @on_event decorators
        self.handler_calls: set[tuple] = set()  # owners with add_event_handler(...)
        self.includes: dict[tuple, list[Symbol]] = {}
        self.unknown_includes: set[tuple] = set()
        for _, (decorated, handled, included, unknown) in project.shares("event_hooks_in"):
            for origin in decorated:
                self.decorators[origin] = self.decorators.get(origin, 0) + 1
            self.handler_calls.update(handled)
            for origin, symbol in included:
                self.includes.setdefault(origin, []).append(symbol)
            self.unknown_includes.update(unknown)

    def has_hooks(self, origin: tuple) -> bool:
        """``origin`` registers a hook through ``@on_event`` or ``add_event_handler``."""
        return origin in self.decorators or origin in self.handler_calls

    def hooked_routers(self, origin: tuple, seen: set | None = None) -> bool:
        """A router included (transitively) into ``origin`` has startup/shutdown hooks, or an
        inclusion cannot be told: its hooks would stop running under a custom lifespan."""
        seen = set() if seen is None else seen
        if origin in self.unknown_includes:
            return True
        for router in self.includes.get(origin, ()):
            if router.origin is None:
                return True
            if router.origin in seen:
                continue
            seen.add(router.origin)
            if self.has_hooks(router.origin):
                return True
            if router.call is not None and any(is_given(router.call.kwarg(k)) for k in HOOK_KEYWORDS):
                return True
            if self.hooked_routers(router.origin, seen):
                return True
        return False


@module_share("event_hooks_in")
def _module_event_hooks(project: Project, module: str) -> tuple[tuple, tuple, tuple, tuple]:
    """One module's share of the index, as plain values the store keeps: the owner of each
    ``@on_event`` decorator, the owners of ``add_event_handler`` calls, (owner, router) of
    each ``include_router`` of a router, the owners of includes that cannot be told."""
    facts = project.modules[module]
    decorated: list[tuple] = []
    handled: list[tuple] = []
    included: list[tuple[tuple, Symbol]] = []
    unknown: list[tuple] = []
    for function in facts.functions.values():
        for decorator in function.decorators:
            if isinstance(decorator, CallValue) and (decorator.callee or "").endswith(".on_event"):
                decorated.extend(_owner_origins(project, facts, function.scope, decorator.callee))
    for scoped in facts.calls:
        callee = scoped.call.callee or ""
        method = callee.rpartition(".")[2]
        if method == "add_event_handler":
            handled.extend(_owner_origins(project, facts, scoped.scope, callee))
        elif method == "include_router":
            origin = _owner_origin(project, facts, scoped.scope, callee)
            if origin is None:
                continue
            router = scoped.call.arg(0, "router")
            symbol = project.resolve(facts, scoped.scope, router.dotted) if isinstance(router, Ref) else None
            if symbol is not None and project.kind_of(symbol) == "router":
                included.append((origin, symbol))
            else:
                unknown.append(origin)
    return tuple(decorated), tuple(handled), tuple(included), tuple(unknown)


def event_hook_index(project: Project) -> EventHookIndex:
    return project.memo(("event_hook_index",), lambda: EventHookIndex(project))


# Rules ask these small questions about one owner rather than read the index: a file then
# depends on the answers, not on every module the index scanned (any edit re-linted it).


@query
def _hooks_of(project: Project, origin: tuple) -> tuple[bool, tuple[Symbol, ...]]:
    """Whether the app or router bound at ``origin`` registers startup/shutdown hooks, and
    the routers it includes."""
    index = event_hook_index(project)
    return index.has_hooks(origin), tuple(index.includes.get(origin, ()))


@query
def on_event_count(project: Project, origin: tuple) -> int:
    """How many ``@on_event`` decorators register hooks on ``origin``, project-wide."""
    return event_hook_index(project).decorators.get(origin, 0)


@query
def hooks_beyond_decorators(project: Project, origin: tuple) -> bool:
    """``origin`` has ``add_event_handler`` calls, or a router included into it
    (transitively) has hooks, or an inclusion cannot be told."""
    index = event_hook_index(project)
    return origin in index.handler_calls or index.hooked_routers(origin)


def _owner_origins(project: Project, facts: ModuleFacts, scope: str, callee: str) -> tuple:
    """The owners a hook registration is made on: the app/router the receiver resolves to,
    or, for the unannotated parameter of a helper (``def setup(app): app.on_event(...)``),
    every app the helper is called with."""
    origin = _owner_origin(project, facts, scope, callee)
    if origin is not None:
        return (origin,)
    receiver = callee.rpartition(".")[0]
    if "." in receiver or app_passed_for(project, facts, scope, receiver) is None:
        return ()
    return tuple(o for o in app_param_origins(project, facts.module, scope, receiver) if o[0])


def hook_owner(project: Project, facts: ModuleFacts, scope: str, receiver: str) -> Symbol | None:
    """The app or router an ``add_event_handler``/``on_event`` receiver is: what it resolves
    to, or the app a helper's unannotated parameter is bound to at its call sites."""
    symbol = project.resolve(facts, scope, receiver)
    if project.kind_of(symbol) is not None:
        return symbol
    return app_passed_for(project, facts, scope, receiver) if "." not in receiver else None


def _owner_origin(project: Project, facts: ModuleFacts, scope: str, callee: str) -> tuple | None:
    receiver = callee.rpartition(".")[0]
    if not receiver:
        return None
    symbol = project.resolve(facts, scope, receiver)
    if symbol is None or symbol.origin is None or project.kind_of(symbol) is None:
        return None
    return symbol.origin


# ---------------------------------------------------------------- what never runs without a started app

_MAX_DEPTH = 6
_HANDLERS = "the app's startup/shutdown handlers never run"


def lifecycle_of(project: Project, symbol: Symbol | None, depth: int = 0) -> str | None:
    """What never runs when the app is not started (e.g. "the app's lifespan never runs") if the
    app or a router included into it has a lifespan or startup/shutdown handlers, else None
    (also when it cannot be told)."""
    if symbol is None or depth > _MAX_DEPTH:
        return None
    hooked, included = _hooks_of(project, symbol.origin) if symbol.origin is not None else (False, ())
    if hooked:
        return _HANDLERS
    call = symbol.call
    if call is not None and symbol.origin is not None:
        facts = project.module_facts(symbol.origin[0])
        callee = project.resolve(facts, symbol.origin[1], call.callee) if facts and call.callee else None
        if callee is not None and callee.project_ref is not None and callee.project_ref[1] in (
            project.module_facts(callee.project_ref[0]).functions
        ):
            reason = factory_lifecycle(project, callee, depth + 1)
            if reason:
                return reason
        elif callee is not None and project.is_subclass(callee.qualname, APP_CLASSES | ROUTER_CLASSES):
            reason = _constructor_lifecycle(call)
            if reason:
                return reason
    elif call is not None:
        reason = _constructor_lifecycle(call)
        if reason:
            return reason
    for router in included:
        if router.origin != symbol.origin and lifecycle_of(project, router, depth + 1):
                return "the startup/shutdown code of a router included into the app never runs"
    return None


def _constructor_lifecycle(call: CallValue) -> str | None:
    if is_given(call.kwarg("lifespan")):
        return "the app's lifespan never runs"
    if any(is_given(call.kwarg(k)) for k in HOOK_KEYWORDS):
        return _HANDLERS
    return None


def factory_lifecycle(project: Project, function_symbol: Symbol, depth: int = 0) -> str | None:
    """The same question for the app an app factory (``def create_app() -> FastAPI``) returns."""
    if function_symbol.project_ref is None or depth > _MAX_DEPTH:
        return None
    module, key = function_symbol.project_ref
    facts = project.module_facts(module)
    function = facts.functions.get(key)
    if function is None:
        return None
    for value in function.return_values:
        if isinstance(value, Ref):
            symbol = project.resolve(facts, key, value.dotted)
        elif isinstance(value, CallValue):
            callee = project.resolve(facts, key, value.callee) if value.callee else None
            if callee is None or not project.is_subclass(callee.qualname, APP_CLASSES):
                continue
            symbol = Symbol(instance_of=callee.qualname, call=value)
        else:
            continue
        if project.kind_of(symbol) == "app":
            reason = lifecycle_of(project, symbol, depth + 1)
            if reason:
                return reason
    return None


# ---------------------------------------------------------------- from lifecycle.py

class EventHookRule(Rule):
    """Finds every way a startup/shutdown hook is attached; subclasses decide what to report."""

    fastapi_docs = "https://fastapi.tiangolo.com/advanced/events/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("on_event") or view.mentions("on_event", "add_event_handler", "on_startup", "on_shutdown")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for registration in self.ctx.model.registrations_of(self.ctx.key_of(node), "on_event"):
            if registration.decorator_index is None:
                continue
            event = registration.call.arg(0, "event_type")
            event_name = getattr(event, "value", "event")
            self.on_hook(
                node.decorators[registration.decorator_index],
                registration.owner,
                f"`@{registration.call.callee}(\"{event_name}\")` on `{node.name.value}`",
            )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_event_handler":
            receiver = dotted_name(func.value)
            owner = hook_owner(self.ctx.project, self.ctx.model.facts, self.ctx.scope_key, receiver) if receiver else None
            if self.ctx.project.kind_of(owner):
                handler = call_positional(node, 1) or call_keyword(node, "func")
                name = dotted_name(handler.value) if handler else None
                self.on_hook(node, owner, f"`{dotted_name(func) or 'add_event_handler'}(...)`" +
                             (f" for `{name}`" if name else ""))
            return
        callee = self.ctx.callee(node)
        if callee is None or not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES | ROUTER_CLASSES):
            return
        for keyword in self._hook_keywords(node):
            self.on_constructor_hook(node, keyword)

    @staticmethod
    def _hook_keywords(call: cst.Call) -> Iterator[cst.Arg]:
        for keyword in HOOK_KEYWORDS:
            arg = call_keyword(call, keyword)
            if arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                yield arg

    def on_hook(self, node: cst.CSTNode, owner: Symbol, what: str) -> None:
        raise NotImplementedError

    def on_constructor_hook(self, call: cst.Call, keyword: cst.Arg) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------- lifespans of mounted apps (FAPI509)

NO_LIFESPAN = "none"
UNKNOWN_LIFESPAN = "unknown"


def lifespan_function(project: Project, app: Symbol | None):
    """The project function an app was constructed with as ``lifespan=``: ``(facts, function)``,
    or ``NO_LIFESPAN`` when the app has none, or ``UNKNOWN_LIFESPAN`` when it cannot be told (a
    factory's app, a lifespan built by a call, a name from outside the project)."""
    if app is None or app.call is None or app.origin is None:
        return UNKNOWN_LIFESPAN
    facts = project.module_facts(app.origin[0])
    if facts is None:
        return UNKNOWN_LIFESPAN
    callee = project.resolve(facts, app.origin[1], app.call.callee) if app.call.callee else None
    if callee is None or not project.is_subclass(callee.qualname, APP_CLASSES | ROUTER_CLASSES):
        return UNKNOWN_LIFESPAN  # made by a factory: its lifespan is not in this call
    value = app.call.kwarg("lifespan")
    if not is_given(value):
        return UNKNOWN_LIFESPAN if app.call.kwargs and any(k is None for k, _ in app.call.kwargs) else NO_LIFESPAN
    if not isinstance(value, Ref):
        return UNKNOWN_LIFESPAN
    found = project.project_function(project.resolve(facts, app.origin[1], value.dotted))
    return found if found is not None else UNKNOWN_LIFESPAN


def reads_lifespan_context(function) -> bool:
    """The function reads ``.lifespan_context`` (``async with sub.router.lifespan_context(sub)``),
    the way a parent's lifespan enters a mounted app's."""
    return "lifespan_context" in function.attributes
