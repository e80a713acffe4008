"""The project's route table: every route, websocket and ``include_router`` of every
module, by the app or router object it is registered on, and what the includes make
of them (full path, tags, operation id) in each app.

An app or router is identified by where it was bound (``Symbol.origin``:
``(module, scope, name)``), never by how a file spells it, so ``router`` in
``app/routers/items.py`` and ``items.router`` in ``app/main.py`` are one object.

Built lazily, once per :class:`~fastapi_lint.project.Project` (rules call
:func:`route_index`), from the facts of every module; nothing here parses source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi_lint.data.fastapi_names import HTTP_METHOD_DECORATORS
from fastapi_lint.analysis.facts import (
    MODULE_SCOPE,
    CallValue,
    Const,
    DefKeys,
    FString,
    Lambda,
    ModuleFacts,
    Ref,
    Subscript,
    Value,
)
from fastapi_lint.analysis.model import ModuleModel, Registration
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.project import Project, module_share, query

OwnerId = tuple[str, str, str]  # (module, scope, name) where the app/router was bound

FASTAPI_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
_FASTAPI_APP = frozenset({"fastapi.FastAPI"})
DEFAULT_GENERATOR = "fastapi.utils.generate_unique_id"
_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})
_MAX_CHAIN = 8  # include_router nesting followed when computing an app's view of a route
# Views of one route past which it is given up on (no operation id): routers included by
# several routers each, level after level, multiply the ways up to the apps.
_MAX_VIEWS = 1000


class _TooManyViews(Exception):
    pass


@dataclass(frozen=True)
class Include:
    """``parent.include_router(child, prefix=...)``."""

    module: str
    scope: str
    registration: Registration
    parent: OwnerId
    child: OwnerId | None  # None when the included router cannot be resolved

    @property
    def call(self) -> CallValue:
        return self.registration.call


@dataclass(frozen=True)
class OperationId:
    """The OpenAPI operationId a path operation gets in one app."""

    value: str
    explicit: bool  # from ``operation_id=``; else generated
    module: str
    registration: Registration
    function: str  # the route's name (endpoint function name or ``name=``)
    root: OwnerId  # the app (or the never-included router) whose schema it is in
    order: tuple = ()  # (module, line) of the include calls from the app down, then the route


@dataclass
class _View:
    """A route as seen from one app: full path, tags and id generator so far."""

    path: str | None
    tags: tuple | None
    generator: tuple | None  # (facts, scope, value) of the generate_unique_id_function; None = not set
    root: OwnerId
    order: tuple = ()  # where it is registered: include calls from the app down, then the route


@dataclass
class RouteIndex:
    project: Project
    registrations: dict[str, tuple[Registration, ...]] = field(default_factory=dict)  # by module
    routes: dict[OwnerId, list[tuple[str, Registration]]] = field(default_factory=dict)
    owners: dict[OwnerId, Symbol] = field(default_factory=dict)
    includes: list[Include] = field(default_factory=list)
    has_fastapi_app: bool = False
    dynamic_imports: bool = False
    imported: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module -> what it imports
    # Every ``x.include_router(y)`` whatever ``x`` is: what ``y`` resolves to, and the
    # last name of each ``y`` that does not resolve (``routers.items.router`` -> ``router``).
    any_included: set[OwnerId] = field(default_factory=set)
    unresolved_included_names: set[str] = field(default_factory=set)

    # ------------------------------------------------------------ building

    def build(self) -> RouteIndex:
        """The index, folded from each module's share (``_module_share``: a scan of one
        module kept per module, so the language server rescans only an edited module),
        in module order: the first module to name an owner gives its symbol."""
        project, owners, routes = self.project, self.owners, self.routes
        for name in project.modules:
            share = _route_share(project, name)
            self.imported[name] = share.imported
            if share.registrations:
                self.registrations[name] = share.registrations
                for origin, symbol in share.owners:
                    owners.setdefault(origin, symbol)
                for origin, registration in share.routes:
                    routes.setdefault(origin, []).append((name, registration))
                self.includes.extend(share.includes)
            if share.any_included:
                self.any_included.update(share.any_included)
            if share.unresolved_included_names:
                self.unresolved_included_names.update(share.unresolved_included_names)
            self.has_fastapi_app = self.has_fastapi_app or share.has_fastapi_app
            self.dynamic_imports = self.dynamic_imports or share.dynamic_imports
        return self

    # ------------------------------------------------------------ questions

    def _parents(self) -> dict[OwnerId, list[Include]]:
        cached = getattr(self, "_parents_cache", None)
        if cached is None:
            cached = {}
            for include in self.includes:
                if include.child is not None:
                    cached.setdefault(include.child, []).append(include)
            self._parents_cache = cached
        return cached

    def referenced_elsewhere(self, module: str, name: str) -> bool:
        """Whether a module other than ``module`` imports ``module.name``, the module
        itself or one of its packages (``items.router`` is invisible to the facts). An
        import target that ends with one of those counts too: the linted tree may start
        below the real package root (namespace packages, a missing ``__init__.py``)."""
        targets = {f"{module}.{name}", module}
        suffixes = tuple(f".{target}" for target in targets)
        parts = module.split(".")
        targets.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return any(
            imported in targets or imported.endswith(suffixes)
            for importer, imports in self.imported.items() if importer != module
            for imported in imports
        )

    # ------------------------------------------------------------ operation ids

    def operation_ids(self) -> dict[tuple[str, CallValue], tuple[OperationId, OperationId]]:
        """Path operations whose operationId an earlier one in the same app already has:
        ``(module, route call) -> (this one, the first one)``."""
        cached = getattr(self, "_operation_ids", None)
        if cached is not None:
            return cached
        groups: dict[tuple[OwnerId, str], list[OperationId]] = {}
        for owner_id, entries in self.routes.items():
            for module, registration in entries:
                for op in self._operation_ids_of(module, owner_id, registration):
                    groups.setdefault((op.root, op.value), []).append(op)
        result: dict[tuple[str, CallValue], tuple[OperationId, OperationId]] = {}
        for ops in groups.values():
            ops.sort(key=lambda op: op.order)
            first = ops[0]
            for op in ops[1:]:
                if op.registration is first.registration or op.registration.call is first.registration.call:
                    continue  # one route reached twice (router included twice): not two functions
                result.setdefault((op.module, op.registration.call), (op, first))
        self._operation_ids = result
        return result

    def _operation_ids_of(self, module: str, owner_id: OwnerId, registration: Registration) -> list[OperationId]:
        if registration.kind != "route":
            return []
        call = registration.call
        method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
        if method not in HTTP_METHOD_DECORATORS and method not in ("api_route", "add_api_route"):
            return []  # Starlette's app.route/add_route: not in the OpenAPI schema
        if any(name is None for name, _ in call.kwargs) or not _in_schema(call):
            return []
        owner = self.owners.get(owner_id)
        if owner is None or not self.project.is_subclass(owner.instance_of, FASTAPI_CLASSES):
            return []
        explicit = call.kwarg("operation_id")
        if explicit is not None and not (isinstance(explicit, Const) and explicit.value is None):
            if isinstance(explicit, Const) and isinstance(explicit.value, str):
                name = self._route_name(module, registration) or "?"
                start = _View("", (), None, owner_id, ((module, registration.line),))
                return [OperationId(explicit.value, True, module, registration, name, view.root, view.order)
                        for view in self._all_views(owner_id, start)]
            return []
        name = self._route_name(module, registration)
        if name is None or registration.path is None:
            return []
        tags = _literal_strings(call.kwarg("tags"))
        generator = (self.project.modules[module], MODULE_SCOPE, call.kwarg("generate_unique_id_function")) \
            if call.has_kwarg("generate_unique_id_function") else None
        start = _View(registration.path, tags, generator, owner_id, ((module, registration.line),))
        found = []
        for view in self._all_views(owner_id, start):
            value = self._generated_id(view, name, registration.methods)
            if value is not None:
                found.append(OperationId(value, False, module, registration, name, view.root, view.order))
        return found

    def _route_name(self, module: str, registration: Registration) -> str | None:
        call = registration.call
        if call.has_kwarg("name"):
            value = call.kwarg("name")
            if isinstance(value, Const) and isinstance(value.value, str):
                return value.value
            if not (isinstance(value, Const) and value.value is None):
                return None
        key = registration.function_key
        return None if key is None else DefKeys.name_of(key)  # a registered function's: no facts decoded

    def _all_views(self, owner_id: OwnerId, start: _View) -> list[_View]:
        """``_views`` from the route's own router; none past ``_MAX_VIEWS`` (unknown). The
        ways up from a router are the same for each of its routes: they are walked once
        from an empty view, then applied to each route's (prefixes and tags are joined
        outermost first, the route's own generator wins over the first one found above)."""
        cache = self.__dict__.setdefault("_ways_up", {})
        ways = cache.get(owner_id)
        if ways is None:
            try:
                ways = self._views(owner_id, _View("", (), None, owner_id, ()), 0, frozenset(), [0])
            except _TooManyViews:
                ways = []
            cache[owner_id] = ways
        return [_View(None if way.path is None or start.path is None else way.path + start.path,
                      None if way.tags is None or start.tags is None else way.tags + start.tags,
                      start.generator if start.generator is not None else way.generator,
                      way.root, way.order + start.order) for way in ways]

    def _views(self, owner_id: OwnerId, view: _View, depth: int, seen: frozenset, count: list[int]) -> list[_View]:
        """Follow ``include_router`` upwards from ``owner_id`` to every app (or to the
        router itself when nothing includes it), applying prefixes, tags and generators
        as FastAPI does (the owner's own settings first). ``count`` counts the steps taken,
        to give up past ``_MAX_VIEWS``."""
        count[0] += 1
        if count[0] > _MAX_VIEWS:
            raise _TooManyViews
        owner = self.owners.get(owner_id)
        if owner is None or owner_id in seen or depth > _MAX_CHAIN:
            return []
        ctor = owner.call
        if ctor is not None:
            openapi_url = ctor.kwarg("openapi_url")
            if not _in_schema(ctor) or (isinstance(openapi_url, Const) and openapi_url.value is None):
                return []  # no schema, so no operation ids
            prefix = ctor.kwarg("prefix")
            view = _View(
                _join(_literal_string(prefix, ""), view.path),
                _concat(_literal_strings(ctor.kwarg("tags")), view.tags),
                view.generator if view.generator is not None else (
                    (self.project.modules.get(owner_id[0]), owner_id[1], ctor.kwarg("generate_unique_id_function"))
                    if ctor.has_kwarg("generate_unique_id_function") else None
                ),
                owner_id,
                view.order,
            )
        elif owner.instance_of is None:
            return []
        else:
            view = _View(view.path, view.tags, view.generator, owner_id, view.order)
        parents = self._parents().get(owner_id, [])
        if not parents:
            return [view]
        views = []
        for include in parents:
            call = include.call
            if any(name is None for name, _ in call.kwargs) or not _in_schema(call):
                continue
            upward = _View(
                _join(_literal_string(call.kwarg("prefix"), ""), view.path),
                _concat(_literal_strings(call.kwarg("tags")), view.tags),
                view.generator if view.generator is not None else (
                    (self.project.modules.get(include.module), include.scope, call.kwarg("generate_unique_id_function"))
                    if call.has_kwarg("generate_unique_id_function") else None
                ),
                include.parent,
                ((include.module, include.registration.line), *view.order),
            )
            views.extend(self._views(include.parent, upward, depth + 1, seen | {owner_id}, count))
        return views

    def _generated_id(self, view: _View, name: str, methods: tuple[str, ...]) -> str | None:
        template = self._template(view.generator)
        if template is None:
            return None
        if template == "default":
            if view.path is None or len(methods) != 1:
                return None  # several methods: FastAPI picks one from a set
            return re.sub(r"\W", "_", f"{name}{view.path}") + f"_{methods[0].lower()}"
        out = []
        for part in template:
            if part == ("name",):
                out.append(name)
            elif part == ("tag0",):
                if not view.tags:
                    return None
                out.append(str(view.tags[0]))
            else:
                out.append(part)
        return "".join(out)

    def _template(self, generator: tuple | None):
        """``"default"``, a tuple of literal strings and ``("name",)``/``("tag0",)`` parts,
        or None when the generator's result cannot be read."""
        if generator is None:
            return "default"
        facts, scope, value = generator
        if facts is None or value is None:
            return None
        if isinstance(value, Lambda):
            return _template_of(value.body, value.params[0]) if len(value.params) == 1 else None
        if not isinstance(value, Ref):
            return None
        symbol = self.project.resolve(facts, scope, value.dotted)
        if symbol is None:
            return None
        if symbol.qualname and canonical(symbol.qualname) == DEFAULT_GENERATOR:
            return "default"
        if symbol.project_ref is None:
            if isinstance(symbol.value, Lambda) and len(symbol.value.params) == 1:
                return _template_of(symbol.value.body, symbol.value.params[0])
            return None
        module, key = symbol.project_ref
        function = self.project.modules[module].functions.get(key)
        if function is None or not function.params or function.has_yield or function.has_bare_return:
            return None
        templates = {_template_of(value, function.params[0].name) for value in function.return_values}
        return templates.pop() if len(templates) == 1 else None


def _template_of(value: Value | None, param: str):
    """The parts of ``route.name`` / ``f"{route.tags[0]}-{route.name}"``; None otherwise."""
    def part(item):
        if isinstance(item, str):
            return item
        if isinstance(item, Ref) and item.dotted == f"{param}.name":
            return ("name",)
        if (isinstance(item, Subscript) and item.base == f"{param}.tags" and len(item.items) == 1
                and isinstance(item.items[0], Const) and item.items[0].value == 0):
            return ("tag0",)
        return None

    if isinstance(value, FString):
        parts = tuple(part(item) for item in value.parts)
        return parts if parts and None not in parts and ("name",) in parts else None
    if isinstance(value, Ref) and part(value) == ("name",):
        return (("name",),)
    return None


def _in_schema(call: CallValue) -> bool:
    value = call.kwarg("include_in_schema")
    return value is None or (isinstance(value, Const) and value.value is True)


def _literal_string(value: Value | None, default: str) -> str | None:
    if value is None or (isinstance(value, Const) and value.value is None):
        return default
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else None


def _literal_strings(value: Value | None) -> tuple | None:
    if value is None or (isinstance(value, Const) and value.value is None):
        return ()
    if isinstance(value, Const) and isinstance(value.value, tuple):
        return value.value
    return None


def _join(prefix: str | None, path: str | None) -> str | None:
    return None if prefix is None or path is None else prefix + path


def _concat(first: tuple | None, second: tuple | None) -> tuple | None:
    return None if first is None or second is None else first + second


def _import_targets(project: Project, module: str) -> tuple[str, ...]:
    """What the module imports (names and ``*`` bases): a scan of its own facts, kept per
    module (the index is rebuilt per keystroke in a route path by the language server; the
    other modules' scans stay as they were)."""
    return project.share("import_targets", module)


@module_share("import_targets")
def _scan_import_targets(project: Project, module: str) -> tuple[str, ...]:
    facts = project.modules[module]
    found = [binding.target for scope in facts.scopes.values() for binding in scope.bindings.values()
             if binding.kind == "import" and binding.target]
    return tuple(found + list(facts.star_imports))


@dataclass(frozen=True)
class _ModuleShare:
    """What one module adds to the route index (see ``RouteIndex.build``); every part in
    the order the module's facts give it."""

    registrations: tuple[Registration, ...]
    owners: tuple[tuple[OwnerId, Symbol], ...]  # each app or router met, the first time
    routes: tuple[tuple[OwnerId, Registration], ...]
    includes: tuple[Include, ...]
    imported: tuple[str, ...]  # import targets, and modules imported by name
    any_included: frozenset[OwnerId]
    unresolved_included_names: frozenset[str]
    has_fastapi_app: bool
    dynamic_imports: bool

    def plain(self) -> tuple:
        """The share as plain values the store keeps: routes and includes name their
        registration by its position in ``registrations`` (the index and the route
        tables tell registrations by identity, which a copy through the store loses)."""
        position = {id(registration): index for index, registration in enumerate(self.registrations)}
        return (self.registrations, self.owners,
                tuple((origin, position[id(registration)]) for origin, registration in self.routes),
                tuple((include.module, include.scope, position[id(include.registration)], include.parent,
                       include.child) for include in self.includes),
                self.imported, self.any_included, self.unresolved_included_names, self.has_fastapi_app,
                self.dynamic_imports)

    @classmethod
    def of(cls, plain: tuple) -> _ModuleShare:
        registrations, owners, routes, includes, *rest = plain
        return cls(registrations, owners, tuple((origin, registrations[index]) for origin, index in routes),
                   tuple(Include(module, scope, registrations[index], parent, child)
                         for module, scope, index, parent, child in includes), *rest)


def _route_share(project: Project, module: str) -> _ModuleShare:
    """``module``'s share of the route index: kept per module (the language server rescans
    only an edited module), and by the store (a run after an edit reads the unchanged
    modules' shares instead of their facts)."""
    return project.memo(("route_index_in", module), lambda: _ModuleShare.of(project.share("route_index_share", module)))


@module_share("route_index_share")
def _plain_module_share(project: Project, module: str) -> tuple:
    return _module_share(project, module).plain()


def _module_share(project: Project, module: str) -> _ModuleShare:
    facts = project.modules[module]
    model = ModuleModel(facts, project)
    owners: dict[OwnerId, Symbol] = {}
    routes, includes = [], []
    has_app = dynamic = False
    scope_of = {id(scoped.call): scoped.scope for scoped in facts.calls}
    for registration in model.registrations:
        owner = registration.owner
        if not has_app and registration.owner_kind == "app" and project.is_subclass(owner.instance_of, _FASTAPI_APP):
            has_app = True
        if owner.origin is None:
            continue
        owners.setdefault(owner.origin, owner)
        if registration.kind in ("route", "websocket"):
            routes.append((owner.origin, registration))
        elif registration.kind == "include_router":
            scope = scope_of.get(id(registration.call), MODULE_SCOPE)
            child = _included(project, facts, scope, registration.call)
            if child is not None:
                owners.setdefault(child.origin, child)
            includes.append(Include(module, scope, registration, owner.origin, child.origin if child else None))
    imported = list(_import_targets(project, module))
    any_included: set[OwnerId] = set()
    unresolved: set[str] = set()
    for scoped in facts.calls:
        callee = scoped.call.callee or ""
        last = callee.rsplit(".", 1)[-1]
        if last == "FastAPI" and not has_app:
            symbol = project.resolve(facts, scoped.scope, callee)
            if symbol and symbol.qualname and project.is_subclass(symbol.qualname, _FASTAPI_APP):
                has_app = True
        elif last == "include_router":
            target = scoped.call.arg(0, "router")
            symbol = project.resolve(facts, scoped.scope, target.dotted) if isinstance(target, Ref) else None
            if symbol is not None and symbol.origin is not None:
                any_included.add(symbol.origin)
            elif isinstance(target, Ref) and (symbol is None or symbol.qualname is not None):
                # a name from outside the linted tree; a parameter or loop variable is
                # handed its router by code that names it, which the rule checks itself
                unresolved.add(target.dotted.rsplit(".", 1)[-1])
        elif last in ("import_module", "__import__"):
            symbol = project.resolve(facts, scoped.scope, callee)
            if symbol and symbol.qualname and canonical(symbol.qualname) in _DYNAMIC_IMPORTS:
                name = scoped.call.arg(0, "name")
                if isinstance(name, Const) and isinstance(name.value, str):
                    imported.append(name.value)
                else:
                    dynamic = True
    return _ModuleShare(tuple(model.registrations), tuple(owners.items()), tuple(routes), tuple(includes),
                        tuple(imported), frozenset(any_included), frozenset(unresolved), has_app, dynamic)


def _included(project: Project, facts: ModuleFacts, scope: str, call: CallValue) -> Symbol | None:
    """The router ``include_router`` is given, when it resolves to one bound in the project."""
    target = call.arg(0, "router")
    if not isinstance(target, Ref):
        return None
    symbol = project.resolve(facts, scope, target.dotted)
    if symbol is None or symbol.origin is None:
        return None
    return symbol


def module_registrations(project: Project, module: str) -> tuple[Registration, ...]:
    """The registrations of ``module`` (the very objects the route index holds)."""
    return _route_share(project, module).registrations


def route_index(project: Project) -> RouteIndex:
    """The project's route index, built on first use and kept for the project's lifetime."""
    return project.memo(("route_index",), lambda: RouteIndex(project).build())


# Questions with small answers, which the cache keeps per file: a file whose rules need
# one fact of the route index does not depend on the index itself.


@query
def duplicate_operation_ids(project: Project, module: str) -> tuple:
    """The path operations registered in ``module`` whose operationId an earlier one of
    the same app already has, each ``(route call, value, explicit, function, first's
    explicit, first's function, first's module, first's line)``."""
    return tuple(
        (call, this.value, this.explicit, this.function, first.explicit, first.function, first.module,
         first.registration.line)
        for (where, call), (this, first) in route_index(project).operation_ids().items() if where == module
    )


@query
def router_use(project: Project, module: str, name: str) -> tuple[int, bool] | None:
    """For the router bound to ``name`` at the top of ``module``: how many routes it has
    and whether anything includes or imports it; None when the index cannot tell (no
    FastAPI app in the project, or modules imported by name)."""
    index = route_index(project)
    if not index.has_fastapi_app or index.dynamic_imports:
        return None
    owner_id = (module, MODULE_SCOPE, name)
    used = (owner_id in index.any_included or name in index.unresolved_included_names
            or index.referenced_elsewhere(module, name))
    return len(index.routes.get(owner_id, ())), used

