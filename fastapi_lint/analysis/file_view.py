"""What the cheap ``ast`` facts tell about one file before it is parsed with libcst.

``Rule.could_report(view)`` answers from a :class:`FileView` whether the rule could report
anything in the file; the engine parses a file with libcst only when some enabled rule
could. Answers must be conservative: a rule says False only when the facts prove it has
nothing to look at (no ``async def`` for a rule about coroutines, no route for a rule
about path operations, no way to reach a library for a rule about that library's calls).

The questions are about code, not text: a name that reaches the file through an import of
another project module counts (``from app.deps import DbSession``), a word in a comment or
a string does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property

from fastapi_lint.analysis.facts import CallValue, FString, Lambda, ModuleFacts, Ref, Seq, Subscript, Value
from fastapi_lint.analysis.model import ModuleModel


class FileView:
    def __init__(self, model: ModuleModel, text: str = ""):
        self.model = model
        self.facts: ModuleFacts = model.facts
        self.project = model.project
        # The decoded source: only for rules about comments (``# noqa``), which facts do not keep.
        self.text = text

    # ------------------------------------------------------------ structure

    @cached_property
    def has_async_functions(self) -> bool:
        return any(function.is_async for function in self.facts.functions.values())

    def has(self, *kinds: str) -> bool:
        """Whether something of one of these kinds (``route``, ``websocket``, ``middleware``,
        ``include_router`` ... see ``model.Registration``) is registered in the file."""
        return any(registration.kind in kinds for registration in self.model.registrations)

    @cached_property
    def has_functions_fastapi_calls(self) -> bool:
        """Whether the file defines a path operation, a websocket handler or a dependency
        (a function or a class FastAPI calls with request data)."""
        model = self.model
        return self.has("route", "websocket") or any(
            model.is_dependency(key) for key in (*self.facts.functions, *self.facts.classes)
        )

    # ------------------------------------------------------------ names

    @cached_property
    def words(self) -> frozenset[str]:
        """Every identifier the facts saw: bound and imported names (each part of a dotted
        import), def/class/parameter names, the names and keyword names in decorators,
        annotations, defaults, bases, assigned and returned values and recorded calls, and
        the attribute names a function body reads."""
        found: set[str] = set()
        facts = self.facts
        for scope in facts.scopes.values():
            for name, binding in scope.bindings.items():
                found.add(name)
                if binding.target:
                    found.update(binding.target.replace("/", ".").split("."))
                _add_words(found, (binding.value, binding.annotation))
        for function in facts.functions.values():
            found.add(function.name)
            found.update(function.attributes)
            _add_words(found, function.decorators)
            _add_words(found, (function.returns, *function.return_values))
            for param in function.params:
                found.add(param.name)
                _add_words(found, (param.annotation, param.default))
        for klass in facts.classes.values():
            found.add(klass.name)
            _add_words(found, (*klass.bases, *klass.decorators))
        _add_words(found, (scoped.call for scoped in facts.calls))
        found.discard("")
        return frozenset(found)

    def mentions(self, *names: str) -> bool:
        """Whether one of ``names`` is an identifier of the file's code (see ``words``)."""
        return not self.words.isdisjoint(names)

    def mentions_part(self, *parts: str) -> bool:
        """Whether an identifier of the file's code contains one of ``parts``."""
        return any(part in word for word in self.words for part in parts)

    def may_use(self, *packages: str) -> bool:
        """Whether code in this file could refer to something of one of ``packages``
        (``"httpx"``, ``"fastapi.middleware"``): it imports from one of them, or imports
        from another module of the project (which may hand it on), or star-imports."""
        facts = self.facts
        if facts.star_imports:
            return True
        for target in self._import_targets:
            if any(target == package or target.startswith(package + ".") for package in packages):
                return True
            if self._in_project(target):
                return True
        return False

    @cached_property
    def _import_targets(self) -> frozenset[str]:
        return frozenset(
            binding.target
            for scope in self.facts.scopes.values()
            for binding in scope.bindings.values()
            if binding.kind == "import" and binding.target
        )

    def _in_project(self, target: str) -> bool:
        parts = target.split(".")
        modules = self.project.modules
        return any(".".join(parts[:cut]) in modules for cut in range(len(parts), 0, -1))


def packages_of(qualnames: Iterable[str]) -> tuple[str, ...]:
    """The top-level packages of qualified names (for ``may_use``)."""
    return tuple(sorted({name.split(".", 1)[0] for name in qualnames}))


def _add_words(found: set[str], values: Iterable[Value | None]) -> None:
    for value in _values(values):
        if isinstance(value, Ref):
            found.update(value.dotted.split("."))
        elif isinstance(value, CallValue):
            if value.callee:
                found.update(value.callee.split("."))
            found.update(name for name, _ in value.kwargs if name)


def _values(values: Iterable[Value | None]) -> Iterator[Value]:
    stack = [v for v in values if v is not None]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, CallValue):
            stack.extend(v for v in value.args if v is not None)
            stack.extend(v for _, v in value.kwargs if v is not None)
        elif isinstance(value, Subscript):
            if value.base:
                stack.append(Ref(value.base) if value.base != "|" else None)
            stack.extend(v for v in value.items if v is not None)
        elif isinstance(value, Seq):
            stack.extend(v for v in value.items if v is not None)
        elif isinstance(value, Lambda):
            if value.body is not None:
                stack.append(value.body)
        elif isinstance(value, FString):
            stack.extend(v for v in value.parts if v is not None and not isinstance(v, str))
        stack = [v for v in stack if v is not None]
