"""The project-wide index built from every module's facts, and the name resolver.

A name is resolved through the scopes of its module, through imports into the other
modules of the project, and through assignments (``router = APIRouter()``,
``app: Final = create_app()``), to a :class:`Symbol`: a qualified name, or an
instance of a class together with the call that made it. Cross-file questions — is
this imported object a FastAPI app, does that app have a lifespan, is this function
used with ``Depends`` anywhere — are answered here, lazily and memoised.

The project also records which modules' facts a file's rules read (``reads()``), so the
cache can keep a file's findings while only unrelated modules change: reading one module
records its name, walking all of them records ``EVERY_MODULE``, and a memoised answer
(``memo``) replays the reads that computed it each time it is reused. A project-wide
question with a small answer (``@query``: is this function used with ``Depends``
anywhere?) records the question and its answer instead: the cache asks it again and keeps
the result while the answer stays the same, whatever else changed.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from fastapi_lint.data.fastapi_names import APP_CLASSES, DEPENDS_FUNCTIONS, ROUTER_CLASSES
from fastapi_lint.data.types import CALL_RETURNS
from fastapi_lint.analysis.facts import (
    MODULE_SCOPE,
    Binding,
    CallValue,
    Const,
    ModuleFacts,
    Ref,
    Subscript,
    Value,
)
from fastapi_lint.analysis.names import canonical

_BUILTINS = frozenset(dir(builtins))
_MAX_HOPS = 24  # alias chains longer than this are treated as unknown (and cycles end)
_WRAPPER_TYPES = frozenset({"typing.Optional", "typing.Annotated", "typing_extensions.Annotated",
                            "typing.Final", "typing_extensions.Final", "typing.ClassVar"})


EVERY_MODULE = "*"  # not a module name: the reader walked every module of the project
_INLINE_READS = 16  # a memoised computation that read more than this records a ReadGroup


class ReadGroup:
    """The reads of one memoised computation (module names, question tuples and nested
    groups), recorded once and shared by every file that reused its answer. Equal by
    identity: two groups with the same reads are two computations."""

    __slots__ = ("items",)

    def __init__(self, items) -> None:
        self.items = frozenset(items)


def flat_reads(reads) -> Iterator[object]:
    """Every module name and question in ``reads``, groups opened (each once)."""
    seen: set[int] = set()
    stack = [reads]
    while stack:
        for item in stack.pop():
            if isinstance(item, ReadGroup):
                if id(item) not in seen:
                    seen.add(id(item))
                    stack.append(item.items)
            else:
                yield item
T = TypeVar("T")
QUERIES: dict[str, Callable] = {}


def query(function: Callable[..., T]) -> Callable[..., T]:
    """Registers a project-wide question ``function(project, *args)`` whose answer (a
    bool, str, number, None, or a tuple or frozenset of those) is memoised per project,
    and recorded by value in the reads of whoever asks it."""
    name = f"{function.__module__}.{function.__qualname__}"
    QUERIES[name] = function

    def ask(project: Project, *args):
        return project.ask(name, args)

    ask.__doc__ = function.__doc__
    return ask


def answer_digest(value: object) -> str:
    """A digest of a query's answer that does not depend on set iteration order."""
    def canonical(item: object) -> object:
        if isinstance(item, (frozenset, set)):
            return ("set", sorted(map(repr, item)))
        if isinstance(item, tuple):
            return tuple(canonical(i) for i in item)
        return item
    return repr(canonical(value))


class _Modules(dict):
    """The project's modules by dotted name, noting every read while a recording runs."""

    def __init__(self, modules: dict[str, ModuleFacts], reads: list[set[str]]):
        super().__init__(modules)
        self._reads = reads  # a stack: memoised computations record into their own set

    # Only modules that exist are noted: the cache keys every result on the set of module
    # names too, so a module appearing where a lookup found none re-checks everything.

    def get(self, name, default=None):
        found = super().get(name, default)
        if self._reads and found is not default:
            self._reads[-1].add(name)
        return found

    def __getitem__(self, name):
        found = super().__getitem__(name)
        if self._reads:
            self._reads[-1].add(name)
        return found

    def __contains__(self, name) -> bool:
        found = super().__contains__(name)
        if self._reads and found:
            self._reads[-1].add(name)
        return found

    def _walked(self) -> None:
        if self._reads:
            self._reads[-1].add(EVERY_MODULE)

    def __iter__(self):
        self._walked()
        return super().__iter__()

    def keys(self):
        self._walked()
        return super().keys()

    def values(self):
        self._walked()
        return super().values()

    def items(self):
        self._walked()
        return super().items()


@dataclass(frozen=True)
class Symbol:
    """What an expression refers to, as far as a static reading can tell."""

    qualname: str | None = None  # a module, class, function or external name
    instance_of: str | None = None  # class qualname when the symbol is an instance
    call: CallValue | None = None  # the call that created the instance
    origin: tuple[str, str, str] | None = None  # (module, scope, name) of that binding
    project_ref: tuple[str, str] | None = None  # (module, key) of a def/class in the project
    value: Value | None = None  # a constant or other bound value
    receiver_type: str | None = None  # for ``obj.attr`` on a known instance: obj's class
    attr: str | None = None


UNKNOWN = Symbol()


class Project:
    def __init__(self, modules: dict[str, ModuleFacts]):
        self._reads: list[set[str]] = []
        self.modules = _Modules(modules, self._reads)
        self._memo: dict[tuple, tuple[object, frozenset]] = {}

    def with_module(self, facts: ModuleFacts) -> Project:
        """The same project with one module's facts replaced (after a fix rewrote it)."""
        return Project({**dict.copy(self.modules), facts.module: facts})

    # ------------------------------------------------------------ dependency recording

    @contextmanager
    def reads(self) -> Iterator[set[str]]:
        """Collects the names of the modules read inside the block (``EVERY_MODULE`` when
        all were walked), including those read earlier to compute memoised answers."""
        self._reads.append(set())
        try:
            yield self._reads[-1]
        finally:
            done = self._reads.pop()
            if self._reads:
                self._reads[-1].update(done)

    def ask(self, name: str, args: tuple):
        """The answer of the registered ``@query`` ``name`` for ``args`` (see ``query``)."""
        key = ("query", name, args)
        entry = self._memo.get(key)
        if entry is None:
            self._reads.append(set())  # what the answer needs is not what the asker needs
            try:
                value = QUERIES[name](self, *args)
            finally:
                self._reads.pop()
            entry = self._memo[key] = (value, frozenset({("?", name, args, answer_digest(value))}))
        if self._reads:
            self._reads[-1].update(entry[1])
        return entry[0]

    def memo(self, key: tuple, compute: Callable[[], T], placeholder: object = None) -> T:
        """``compute()`` once per project; every use records the reads it needed.
        ``placeholder`` is what a recursive use sees while the first one is running."""
        entry = self._memo.get(key)
        if entry is None:
            self._memo[key] = (placeholder, frozenset())
            self._reads.append(set())
            try:
                value = compute()
            finally:
                found = self._reads.pop()
            # A large answer's reads are kept once, as a group every user shares: a
            # thousand files reusing the app's route table do not each copy its modules.
            entry = self._memo[key] = (value, frozenset(found) if len(found) <= _INLINE_READS
                                       else frozenset({ReadGroup(found)}))
        if self._reads:
            self._reads[-1].update(entry[1])
        return entry[0]  # type: ignore[return-value]

    # ------------------------------------------------------------ resolution

    def resolve(self, facts: ModuleFacts, scope: str, dotted: str, hops: int = 0) -> Symbol | None:
        """Resolve a dotted spelling as seen from ``scope`` of ``facts``' module."""
        if hops > _MAX_HOPS:
            return None
        head, _, rest = dotted.partition(".")
        found = self._lookup(facts, scope, head)
        if found is None:
            if head in _BUILTINS:
                symbol = Symbol(qualname=f"builtins.{head}")
            else:
                return None
        else:
            binding_scope, binding = found
            symbol = self._symbol_of_binding(facts, binding_scope, head, binding, hops + 1)
        for attr in rest.split(".") if rest else ():
            if symbol is None:
                return None
            symbol = self._attribute(symbol, attr, hops + 1)
        return symbol

    def resolve_qualname(self, qualname: str, hops: int = 0) -> Symbol | None:
        """A fully qualified name, followed into project modules where it points into one."""
        return self.memo(("qualname", qualname), lambda: self._resolve_qualname(qualname, hops),
                         placeholder=Symbol(qualname=canonical(qualname)))  # a cycle ends here

    def _resolve_qualname(self, qualname: str, hops: int) -> Symbol | None:
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            facts = self.modules.get(module)
            if facts is None:
                continue
            if cut == len(parts):
                return Symbol(qualname=module)
            return self.resolve(facts, MODULE_SCOPE, ".".join(parts[cut:]), hops + 1) or Symbol(
                qualname=qualname
            )
        return Symbol(qualname=canonical(qualname))

    @staticmethod
    def _lookup(facts: ModuleFacts, scope: str, name: str) -> tuple[str, Binding] | None:
        # Python's rule: a class body's names are visible in that body only.
        current: str | None = scope
        first = True
        while current is not None:
            s = facts.scopes.get(current)
            if s is None:
                return None
            if first or not s.is_class:
                binding = s.bindings.get(name)
                if binding is not None:
                    return current, binding
            first = False
            current = s.parent
        return None

    def _symbol_of_binding(
        self, facts: ModuleFacts, scope: str, name: str, binding: Binding, hops: int
    ) -> Symbol | None:
        kind = binding.kind
        if kind == "import":
            return self.resolve_qualname(binding.target, hops)
        if kind in ("def", "class"):
            return Symbol(
                qualname=facts.qualname_of_key(binding.target),
                project_ref=(facts.module, binding.target),
            )
        if kind == "param":
            instance = self.annotation_type(facts, scope, binding.value, hops)
            return Symbol(instance_of=instance) if instance else UNKNOWN
        if kind == "value":
            return self._symbol_of_value(facts, scope, name, binding.value, hops)
        return UNKNOWN

    def _symbol_of_value(
        self, facts: ModuleFacts, scope: str, name: str, value: Value | None, hops: int
    ) -> Symbol | None:
        if isinstance(value, Ref):
            return self.resolve(facts, scope, value.dotted, hops) or UNKNOWN
        if isinstance(value, CallValue):
            instance = self.call_result_type(facts, scope, value, hops)
            return Symbol(instance_of=instance, call=value, origin=(facts.module, scope, name))
        return Symbol(value=value, origin=(facts.module, scope, name))

    def _attribute(self, symbol: Symbol, attr: str, hops: int) -> Symbol | None:
        if symbol.instance_of is not None:
            return Symbol(receiver_type=symbol.instance_of, attr=attr)
        if symbol.qualname is not None:
            return self.resolve_qualname(f"{symbol.qualname}.{attr}", hops)
        return UNKNOWN if symbol is UNKNOWN else None

    def call_result_type(self, facts: ModuleFacts, scope: str, call: CallValue, hops: int = 0) -> str | None:
        """The class of what a call returns: a class's instance, a known factory's product,
        or a project function's return annotation."""
        if call.callee is None:
            return None
        callee = self.resolve(facts, scope, call.callee, hops + 1)
        return self.result_type_of_callee(callee, hops)

    def result_type_of_callee(self, callee: Symbol | None, hops: int = 0) -> str | None:
        if callee is None:
            return None
        if callee.receiver_type is not None:  # obj.method(...): only known factories
            return CALL_RETURNS.get(f"{callee.receiver_type}.{callee.attr}")
        if callee.qualname is None:
            return None
        qualname = canonical(callee.qualname)
        if qualname in CALL_RETURNS:
            return CALL_RETURNS[qualname]
        if callee.project_ref is not None:
            module, key = callee.project_ref
            target = self.modules[module]
            function = target.functions.get(key)
            if function is not None:
                return self.annotation_type(target, function.scope, function.returns, hops + 1)
        return qualname

    def annotation_type(self, facts: ModuleFacts, scope: str, annotation: Value | None, hops: int = 0) -> str | None:
        """The class an annotation names, looking through Optional/Annotated/``X | None``."""
        if isinstance(annotation, Const) and isinstance(annotation.value, str):
            annotation = Ref(annotation.value) if annotation.value.replace(".", "").isidentifier() else None
        if isinstance(annotation, Ref):
            symbol = self.resolve(facts, scope, annotation.dotted, hops + 1)
            if symbol and symbol.qualname:
                return canonical(symbol.qualname)
            alias = self.type_alias(symbol)
            return self.annotation_type(*alias, hops + 1) if alias else None
        if isinstance(annotation, Subscript):
            if annotation.base == "|":
                parts = [p for p in annotation.items if not (isinstance(p, Const) and p.value is None)]
                return self.annotation_type(facts, scope, parts[0], hops) if len(parts) == 1 else None
            base = self.resolve(facts, scope, annotation.base, hops + 1) if annotation.base else None
            if base and base.qualname in _WRAPPER_TYPES and annotation.items:
                return self.annotation_type(facts, scope, annotation.items[0], hops)
        return None

    def type_alias(self, symbol: Symbol | None) -> tuple[ModuleFacts, str, Subscript] | None:
        """``(facts, scope, value)`` where the symbol is a name bound to a subscripted type,
        e.g. ``DbSession = Annotated[Session, Depends(get_db)]`` in any module."""
        if symbol is None or not isinstance(symbol.value, Subscript) or symbol.origin is None:
            return None
        module, scope, _ = symbol.origin
        facts = self.modules.get(module)
        return (facts, scope, symbol.value) if facts is not None else None

    # ------------------------------------------------------------ classes

    def is_subclass(self, qualname: str | None, targets: frozenset[str], _seen: frozenset = frozenset()) -> bool:
        if qualname is None:
            return False
        qualname = canonical(qualname)
        if qualname in targets:
            return True
        if qualname in _seen or len(_seen) > _MAX_HOPS:
            return False
        ref = self._class_ref(qualname)
        if ref is None:
            return False
        facts, klass = ref
        for base in klass.bases:
            if isinstance(base, Ref):
                symbol = self.resolve(facts, klass.scope, base.dotted)
                if symbol and self.is_subclass(symbol.qualname, targets, _seen | {qualname}):
                    return True
        return False

    def _class_ref(self, qualname: str):
        symbol = self.resolve_qualname(qualname)
        if symbol is None or symbol.project_ref is None:
            return None
        module, key = symbol.project_ref
        facts = self.modules[module]
        klass = facts.classes.get(key)
        return (facts, klass) if klass else None

    def kind_of(self, symbol: Symbol | None) -> str | None:
        """``"app"`` or ``"router"`` when the symbol is a FastAPI/Starlette app or router."""
        if symbol is None or symbol.instance_of is None:
            return None
        if self.is_subclass(symbol.instance_of, APP_CLASSES):
            return "app"
        if self.is_subclass(symbol.instance_of, ROUTER_CLASSES):
            return "router"
        return None

    # ------------------------------------------------------------ project-wide facts

    @property
    def dependency_qualnames(self) -> frozenset[str]:
        """Everything the project passes to ``Depends``/``Security`` (functions and classes)."""
        return self.memo(("dependency_qualnames",), self._dependency_qualnames)

    def is_dependency(self, qualname: str) -> bool:
        return _is_dependency(self, qualname)

    def _dependency_qualnames(self) -> frozenset[str]:
        found: set[str] = set()
        for facts in self.modules.values():
            for scoped in facts.calls:
                call = scoped.call
                if not self._is_depends(facts, scoped.scope, call):
                    continue
                target = call.arg(0, "dependency")
                if isinstance(target, Ref):
                    symbol = self.resolve(facts, scoped.scope, target.dotted)
                    if symbol is not None and symbol.qualname:
                        found.add(symbol.qualname)
            # ``x: Cls = Depends()`` and ``Annotated[Cls, Depends()]`` depend on the annotation.
            for function in facts.functions.values():
                for param in function.params:
                    for call, annotation in _bare_depends(param):
                        if self._is_depends(facts, function.scope, call):
                            instance = self.annotation_type(facts, function.scope, annotation)
                            if instance:
                                found.add(instance)
        return frozenset(found)

    def _is_depends(self, facts: ModuleFacts, scope: str, call: CallValue) -> bool:
        if call.callee is None:
            return False  # the spelling may be an alias (``from fastapi import Depends as D``)
        symbol = self.resolve(facts, scope, call.callee)
        return bool(symbol and symbol.qualname and canonical(symbol.qualname) in DEPENDS_FUNCTIONS)


def _bare_depends(param) -> list[tuple[CallValue, Value | None]]:
    out = []
    default = param.default
    if isinstance(default, CallValue) and not default.args and not default.has_kwarg("dependency"):
        out.append((default, param.annotation))
    annotation = param.annotation
    if isinstance(annotation, Subscript) and annotation.items:
        for item in annotation.items[1:]:
            if isinstance(item, CallValue) and not item.args and not item.has_kwarg("dependency"):
                out.append((item, annotation.items[0]))
    return out


@query
def _is_dependency(project: Project, qualname: str) -> bool:
    return qualname in project.dependency_qualnames
