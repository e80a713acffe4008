"""How FastAPI reads a path operation's or dependency's parameters.

For each parameter: its declared type, the FastAPI marker it carries (``Query()``,
``Depends(get_db)``, ``File()`` ... as the default or inside ``Annotated[...]``, also
through a type alias defined in another module such as
``DbSession = Annotated[Session, Depends(get_db)]``), and whether its type admits None.
Rules about signatures ask this module instead of re-reading annotations.

In the libcst pass: which functions FastAPI calls with request data
(:func:`fastapi_function`), their parameters read once per file (:func:`params_of`), the
libcst node of a parameter (:func:`cst_param`), and the classes an annotation can hold
through ``Optional`` and sequences (:func:`element_types`).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.data.fastapi_names import PARAM_FUNCTIONS
from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, ModuleFacts, Param, Ref, Subscript, Value
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.rule import FileContext
from fastapi_lint.analysis.resolution import ANNOTATED, OPTIONAL, UNION, Symbol  # noqa: F401 - re-exported
from fastapi_lint.project import Project

SEQUENCES = frozenset({
    "builtins.list", "builtins.set", "builtins.frozenset", "builtins.tuple",
    "typing.List", "typing.Set", "typing.FrozenSet", "typing.Tuple", "typing.Sequence",
    "collections.abc.Sequence", "typing_extensions.Sequence",
})
UPLOAD_FILES = frozenset({"fastapi.UploadFile", "starlette.datastructures.UploadFile"})
_ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
_MARKERS = PARAM_FUNCTIONS | {"pydantic.Field"}


@dataclass(frozen=True)
class SignatureParam:
    param: Param
    type_value: Value | None  # the annotation without Annotated's metadata (alias expanded)
    type: str | None  # qualname of the declared class where known (Optional/Annotated looked through)
    marker: str | None  # canonical qualname of the FastAPI marker, e.g. "fastapi.Query", "pydantic.Field"
    marker_call: CallValue | None
    marker_in_annotated: bool
    admits_none: bool | None  # None when the annotation cannot be read
    home: tuple[ModuleFacts, str]  # where ``type_value`` and ``marker_call`` names resolve

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def has_default(self) -> bool:
        """A Python default, or a marker whose own default is given (``Query(None)``)."""
        if self.marker_call is not None and not self.marker_in_annotated:
            if self.marker in ("fastapi.Depends", "fastapi.Security"):
                return False
            value = self.marker_call.arg(0, "default")
            if value is None:
                return self.marker_call.has_kwarg("default_factory")
            return not (isinstance(value, Ref) and value.dotted == "Ellipsis") and value != Const(...)
        return self.param.default is not None

    @property
    def default_value(self) -> Value | None:
        """The default FastAPI sees (the marker's ``default`` when the marker is the default)."""
        if self.marker_call is not None and not self.marker_in_annotated:
            return self.marker_call.arg(0, "default")
        return self.param.default


def signature(project: Project, facts: ModuleFacts, function: FunctionFacts) -> list[SignatureParam]:
    """The parameters FastAPI would inspect (``*args``/``**kwargs`` excluded)."""
    out = []
    for param in function.params:
        if param.kind in ("vararg", "kwarg"):
            continue
        out.append(read_param(project, facts, function.scope, param))
    return out


def read_param(project: Project, facts: ModuleFacts, scope: str, param: Param) -> SignatureParam:
    home = (facts, scope)
    type_value, marker_call, in_annotated = param.annotation, None, False
    annotated = _annotated(project, facts, scope, param.annotation)
    if annotated is not None:
        home, parts = annotated
        type_value = parts[0]
        for item in parts[1:]:
            if isinstance(item, CallValue) and _marker_name(project, *home, item):
                marker_call, in_annotated = item, True
    marker_home = home
    if marker_call is None and isinstance(param.default, CallValue) and _marker_name(project, facts, scope, param.default):
        marker_call, marker_home = param.default, (facts, scope)
    return SignatureParam(
        param=param,
        type_value=type_value,
        type=project.annotation_type(*home, type_value),
        marker=_marker_name(project, *marker_home, marker_call) if marker_call else None,
        marker_call=marker_call,
        marker_in_annotated=in_annotated,
        admits_none=admits_none(project, *home, type_value) if type_value is not None else None,
        home=home,
    )


def _marker_name(project: Project, facts: ModuleFacts, scope: str, call: CallValue) -> str | None:
    name = qualname_of(project, facts, scope, call.callee)
    return name if name in _MARKERS else None


def qualname_of(project: Project, facts: ModuleFacts, scope: str, dotted: str | None) -> str | None:
    """The canonical qualname ``dotted`` names in ``scope``, or None when it does not resolve."""
    symbol = project.resolve(facts, scope, dotted) if dotted else None
    return canonical(symbol.qualname) if symbol and symbol.qualname else None


def _annotated(project, facts, scope, annotation) -> tuple[tuple[ModuleFacts, str], tuple] | None:
    """``(home, items)`` of an ``Annotated[...]`` annotation, following a type alias."""
    form = project.type_form(facts, scope, annotation)
    return ((form.facts, form.scope), form.items) if form.kind == "annotated" else None


def admits_none(project: Project, facts: ModuleFacts, scope: str, annotation: Value | None, depth: int = 0) -> bool | None:
    """Whether a type annotation accepts None: True, False, or None when it cannot be told."""
    if depth > 8:
        return None
    form = project.type_form(facts, scope, annotation)
    if form.kind == "none":
        return True
    if form.kind == "class":
        if form.qualname in _ANY:
            return True
        return None if form.qualname.startswith(("typing.", "typing_extensions.")) else False
    if form.kind == "union":
        answers = [admits_none(project, form.facts, form.scope, item, depth + 1) for item in form.items]
        return True if True in answers else (None if None in answers else False)
    if form.kind == "annotated":
        return admits_none(project, form.facts, form.scope, form.items[0], depth + 1)
    return False if form.kind == "generic" else None


# ---------------------------------------------------------------- dependencies, recursively

_DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security"})
_PARAMETERLESS_LIBRARIES = ("fastapi.security.",)  # their callables read only the Request


@dataclass(frozen=True)
class DependencyCallable:
    """What FastAPI calls to solve one dependency: a project function, the ``__init__`` of a
    dependency class, or the ``__call__`` of a callable instance (``bound``: its first
    parameter, ``self``, is not read). ``function`` is None for a callable that reads no
    request parameters (FastAPI's security schemes, a class without ``__init__`` or bases)."""

    facts: ModuleFacts
    function: FunctionFacts | None
    bound: bool = False

    def parameters(self, project: Project) -> list[SignatureParam]:
        if self.function is None:
            return []
        params = signature(project, self.facts, self.function)
        if self.bound and params and self.function.params and self.function.params[0].kind == "positional":
            return params[1:]
        return params


def dependency_callable(
    project: Project, facts: ModuleFacts, scope: str, call: CallValue, annotation_type: str | None = None
) -> DependencyCallable | None:
    """What a ``Depends(...)``/``Security(...)`` call written in ``scope`` of ``facts`` makes
    FastAPI call; ``annotation_type`` is the parameter's class for a bare ``Depends()``.
    None when it cannot be found (a library function, a lambda, an inherited ``__init__``)."""
    target = call.arg(0, "dependency")
    if target is None or (isinstance(target, Const) and target.value is None):
        if not annotation_type:
            return None
        return _callable_of_symbol(project, facts, project.resolve_qualname(annotation_type))
    if isinstance(target, Ref):
        return _callable_of_symbol(project, facts, project.resolve(facts, scope, target.dotted))
    if isinstance(target, CallValue):  # Depends(RoleChecker("admin")): the instance's __call__
        return _instance_callable(project, facts, project.call_result_type(facts, scope, target))
    return None


def dependencies(
    project: Project,
    facts: ModuleFacts,
    function: FunctionFacts,
    extra: tuple[tuple[ModuleFacts, str, CallValue], ...] = (),
) -> list[DependencyCallable] | None:
    """Every dependency FastAPI solves before calling ``function`` (a path operation or a
    dependency), recursively: the ``Depends``/``Security`` markers of its parameters (as
    defaults, in ``Annotated[...]``, through type aliases from other modules; a bare
    ``Depends()`` means the annotated class), plus ``extra`` — ``(facts, scope, call)`` of
    ``Depends(...)`` calls from route or router ``dependencies=[...]`` lists — and the
    sub-dependencies of all of them. ``function`` itself is not included. None when any
    dependency cannot be resolved, so callers needing the complete set can stay silent."""
    found: list[DependencyCallable] = []
    seen = {(facts.module, function.key)}
    queue: list[DependencyCallable] = []

    def add(dependency: DependencyCallable | None) -> bool:
        if dependency is None:
            return False
        ident = (dependency.facts.module, dependency.function.key if dependency.function else None)
        if dependency.function is None or ident not in seen:
            seen.add(ident)
            found.append(dependency)
            queue.append(dependency)
        return True

    for home_facts, scope, call in extra:
        if not add(dependency_callable(project, home_facts, scope, call)):
            return None
    queue.append(DependencyCallable(facts, function))
    while queue:
        current = queue.pop()
        if current.function is None:
            continue
        for param in current.parameters(project):
            if param.marker not in _DEPENDS or param.marker_call is None:
                continue
            home = param.home if param.marker_in_annotated else (current.facts, current.function.scope)
            if not add(dependency_callable(project, *home, param.marker_call, param.type)):
                return None
    return found


def _callable_of_symbol(project: Project, facts: ModuleFacts, symbol) -> DependencyCallable | None:
    if symbol is None:
        return None
    if symbol.project_ref is not None:
        module, key = symbol.project_ref
        target = project.modules.get(module)
        if target is None:
            return None
        if key in target.functions:
            return DependencyCallable(target, target.functions[key])
        if key in target.classes:
            return _method(project, target, key, "__init__")
        return None
    if symbol.instance_of is not None:
        return _instance_callable(project, facts, symbol.instance_of)
    return None


def _instance_callable(project: Project, facts: ModuleFacts, class_qualname: str | None) -> DependencyCallable | None:
    if not class_qualname:
        return None
    if class_qualname.startswith(_PARAMETERLESS_LIBRARIES):
        return DependencyCallable(facts, None)
    found = _project_class(project, project.resolve_qualname(class_qualname))
    return _method(project, *found, "__call__") if found is not None else None


def _project_class(project: Project, symbol: Symbol | None) -> tuple[ModuleFacts, str] | None:
    """``(facts, class key)`` when ``symbol`` is a class defined in the project."""
    if symbol is None or symbol.project_ref is None:
        return None
    module, key = symbol.project_ref
    facts = project.modules.get(module)
    if facts is None or key not in facts.classes:
        return None
    return facts, key


_ABSENT = object()  # a class hierarchy that defines no such method (object's is used)


def _method(project: Project, facts: ModuleFacts, class_key: str, name: str) -> DependencyCallable | None:
    """``name`` (``__init__``/``__call__``) of a project class, looked up through its project
    base classes in order; None when the class or a base cannot be read."""
    found = _lookup_method(project, facts, class_key, name, 0)
    if found is _ABSENT:
        return DependencyCallable(facts, None) if name == "__init__" else None
    return found


def _lookup_method(project: Project, facts: ModuleFacts, class_key: str, name: str, depth: int):
    function = facts.functions.get(f"{class_key}/{name}")
    if function is not None:
        return DependencyCallable(facts, function, bound=True)
    klass = facts.classes[class_key]
    if klass.decorators or depth > 8:
        return None  # @dataclass and friends write their own __init__
    for base in klass.bases:
        if not isinstance(base, Ref):
            return None
        symbol = project.resolve(facts, klass.scope, base.dotted)
        qualname = canonical(symbol.qualname) if symbol and symbol.qualname else None
        if qualname == "builtins.object":
            continue
        if qualname and qualname.startswith(_PARAMETERLESS_LIBRARIES) and name == "__call__":
            return DependencyCallable(facts, None)
        base_class = _project_class(project, symbol)
        if base_class is None:
            return None
        found = _lookup_method(project, *base_class, name, depth + 1)
        if found is not _ABSENT:
            return found
    return _ABSENT


# ---------------------------------------------------------------- what a function calls


def reads_attribute(project: Project, facts: ModuleFacts, function: FunctionFacts, attribute: str,
                    depth: int = 2) -> bool:
    """Whether ``function``, or a project function it calls up to ``depth`` calls deep, reads
    ``.attribute`` (``request.path_params``). Callees are followed across modules: functions,
    classes (their ``__init__``) and, through the first parameter of a method, the methods of
    its own class and its project bases (``self._load(...)``)."""
    seen = {(facts.module, function.key)}
    level = [(facts, function)]
    for _ in range(depth + 1):
        following = []
        for home, current in level:
            if attribute in current.attributes:
                return True
            for callee in called_functions(project, home, current):
                ident = (callee[0].module, callee[1].key)
                if ident not in seen:
                    seen.add(ident)
                    following.append(callee)
        level = following
    return False


def called_functions(project: Project, facts: ModuleFacts, function: FunctionFacts):
    """``(facts, function)`` of the project functions ``function`` calls, where known."""
    first = function.params[0].name if function.params and function.params[0].kind == "positional" else None
    for dotted in function.callees:
        head, _, rest = dotted.partition(".")
        if rest and "." not in rest and head == first and function.scope in facts.classes:
            found = _lookup_method(project, facts, function.scope, rest, 0)
            if isinstance(found, DependencyCallable) and found.function is not None:
                yield found.facts, found.function
            continue
        definition = project.definition(project.resolve(facts, function.key, dotted))
        if definition is None:
            continue
        home, target = definition
        if isinstance(target, FunctionFacts):
            yield home, target
        else:  # a class: calling it runs its __init__
            found = _lookup_method(project, home, target.key, "__init__", 0)
            if isinstance(found, DependencyCallable) and found.function is not None:
                yield found.facts, found.function


def class_methods(project: Project, dependency: DependencyCallable) -> list[DependencyCallable]:
    """For a method of a class (a class dependency's ``__init__``, an instance's ``__call__``):
    the class's ``__init__`` and ``__call__`` (through its project bases), else nothing."""
    function = dependency.function
    if function is None or not dependency.bound or function.scope not in dependency.facts.classes:
        return []
    found = []
    for name in ("__init__", "__call__"):
        method = _lookup_method(project, dependency.facts, function.scope, name, 0)
        if isinstance(method, DependencyCallable) and method.function is not None:
            found.append(method)
    return found


# ---------------------------------------------------------------- in the libcst pass


def fastapi_function(ctx: FileContext, node: cst.FunctionDef) -> FunctionFacts | None:
    """The facts of ``node`` when FastAPI calls it with request data: a path operation, a
    websocket handler, a dependency (project-wide), or ``__init__`` of a dependency class."""
    key = ctx.key_of(node)
    function = ctx.model.function(key)
    if function is None:
        return None
    model = ctx.model
    if model.is_endpoint(key) or model.is_websocket_handler(key) or model.is_dependency(key):
        return function
    if function.name == "__init__" and function.scope in model.facts.classes and model.is_dependency(function.scope):
        return function
    return None


def params_of(ctx: FileContext, function: FunctionFacts) -> list[SignatureParam]:
    """``signature(...)`` of a function, computed once per file for all the rules that ask."""
    cache = ctx.__dict__.setdefault("_signature_params_cache", {})
    found = cache.get(function.key)
    if found is None:
        found = cache[function.key] = signature(ctx.project, ctx.model.facts, function)
    return found


def fastapi_params(ctx: FileContext, node: cst.FunctionDef) -> list[SignatureParam]:
    """The parameters of ``node`` as FastAPI reads them when FastAPI calls it with request
    data (:func:`fastapi_function`); none otherwise."""
    function = fastapi_function(ctx, node)
    return params_of(ctx, function) if function is not None else []


def cst_param(node: cst.FunctionDef, name: str) -> cst.Param | None:
    params = node.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            return param
    return None


def element_types(project: Project, facts: ModuleFacts, scope: str, value: Value | None,
                  depth: int = 0) -> list[tuple[str | None, bool]]:
    """The classes a type annotation can hold, looking through ``Optional``/``Union``/``| None``
    and one level of ``list[...]``-like sequences: ``[(qualname or None, in_sequence)]``.
    ``None`` entries are dropped; an unreadable part gives ``(None, False)``."""
    if depth > 6 or value is None:
        return [(None, False)]
    form = project.type_form(facts, scope, value)
    home = (form.facts, form.scope)
    if form.kind == "none":
        return []
    if form.kind == "class":
        return [(form.qualname, False)]
    if form.kind == "union":
        return [t for item in form.items for t in element_types(project, *home, item, depth + 1)]
    if form.kind == "annotated":
        return element_types(project, *home, form.items[0], depth + 1)
    if form.kind == "generic":
        if form.qualname in SEQUENCES and form.items:
            items = [i for i in form.items if not (isinstance(i, Ref) and i.dotted == "Ellipsis")]
            inner = [t for item in items for t in element_types(project, *home, item, depth + 1)]
            return [(name, True) for name, _ in inner]
        return [(form.qualname, False)]
    return [(None, False)]



# ---------------------------------------------------------------- parameters read from the body

# Mappings FastAPI reads from the body when a parameter carries no marker.
MAPPINGS = frozenset({
    "builtins.dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping",
    "collections.abc.Mapping", "collections.abc.MutableMapping", "typing_extensions.Mapping",
})
_FILE_ELEMENTS = UPLOAD_FILES | {"builtins.bytes"}


def implicit_body_kind(project: Project, facts: ModuleFacts, scope: str, value: Value | None,
                       depth: int = 0) -> str | None:
    """What makes FastAPI read a parameter *without a marker* from the request body although
    its name suggests a query parameter: ``"sequence"`` (``list[str]``, ``set[int]``,
    ``tuple[...]``, also ``Optional[list[str]]``), ``"mapping"`` (``dict[str, int]``) or
    ``"model"`` (a Pydantic model). None for scalars, files, unknown types and unions that
    mix collections with scalars."""
    if depth > 6 or value is None:
        return None
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        if symbol is not None and symbol.qualname:
            qualname = canonical(symbol.qualname)
            if qualname in SEQUENCES:
                return "sequence"
            if qualname in MAPPINGS:
                return "mapping"
            if project.project_class(qualname) is not None and project.is_subclass(qualname, PYDANTIC_MODELS):
                return "model"
            return None
        alias = project.type_alias(symbol)
        return implicit_body_kind(project, *alias, depth + 1) if alias else None
    if not isinstance(value, Subscript):
        return None
    if value.base == "|":
        members = value.items
    else:
        base = qualname_of(project, facts, scope, value.base)
        if base in ANNOTATED and value.items:
            return implicit_body_kind(project, facts, scope, value.items[0], depth + 1)
        if base in OPTIONAL or base in UNION:
            members = value.items
        elif base in SEQUENCES:
            elements = element_types(project, facts, scope, value, depth + 1)
            return None if any(name in _FILE_ELEMENTS for name, _ in elements) else "sequence"
        elif base in MAPPINGS:
            return "mapping"
        else:
            return None
    members = tuple(m for m in members if not (isinstance(m, Const) and m.value is None)
                    and not (isinstance(m, Ref) and m.dotted == "None"))
    kinds = [implicit_body_kind(project, facts, scope, m, depth + 1) for m in members]
    return kinds[0] if kinds and None not in kinds else None
