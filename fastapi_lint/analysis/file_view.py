"""What the cheap ``ast`` facts tell about one file before it is parsed with libcst.

``Rule.could_report(view)`` answers from a :class:`FileView` whether the rule could report
anything in the file; the engine parses a file with libcst only when some enabled rule
could. Answers must be conservative: a rule says False only when the facts prove it has
nothing to look at (no ``async def`` for a rule about coroutines, no route for a rule
about path operations, no way to reach a library for a rule about that library's calls).

The questions are about code: a name that reaches the file through an import of another
project module counts (``from app.deps import DbSession``), a word in a comment or a string
does not. A rule whose visit starts by classifying a call's callee answers with the same
function over ``call_sites``, resolved as the libcst pass resolves them. Only syntax a rule
needs written in the file itself (a keyword argument, a name, a loop target) is read from
the text, where comments and strings can only add candidates.
"""

from __future__ import annotations

import itertools
import re

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from fastapi_lint.analysis.facts import (
    INCOMPLETE, CallValue, ClassFacts, Const, FString, Lambda, ModuleFacts, Ref, Seq, Subscript, Value,
)
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.qualnames import canonical, package_aliases
from fastapi_lint.analysis.resolution import UNKNOWN, Symbol
from fastapi_lint.project import Project, module_share, query


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call of the file, as the facts recorded it (each callee once per scope)."""

    scope: str  # the scope its names resolve in
    function: str | None  # key of the innermost def whose body holds it (class bodies are seen through)
    callee: str  # ``facts.call_spelling``: ``requests.get``, ``self.client.get``, ``httpx.Client().get``

    @property
    def method(self) -> str | None:
        """The attribute called (``get`` of ``client.get``); None for a plain name."""
        head, dot, attr = self.callee.rpartition(".")
        return attr if dot else None


class FileView:
    def __init__(self, model: ModuleModel, text: str = "", extend_blocking_calls: frozenset[str] = frozenset()):
        self.model = model
        self.facts: ModuleFacts = model.facts
        self.project = model.project
        # The decoded source: for rules about comments (``# noqa``), which facts do not keep,
        # and for syntax a rule needs written in the file itself (``keyword_argument``).
        self.text = text
        self.extend_blocking_calls = extend_blocking_calls  # the `extend-blocking-calls` setting
        self._callees: dict[tuple[str, str], Symbol | None] = {}

    # ------------------------------------------------------------ calls

    @cached_property
    def call_sites(self) -> tuple[CallSite, ...] | None:
        """Every call whose callee a rule can resolve (``FileContext.callee``), each callee once
        per scope; None when the facts could not see them all (nesting too deep)."""
        facts = self.facts
        sites = [CallSite(key, key, callee) for key, function in facts.functions.items()
                 for callee in function.callees]
        for line in facts.call_sites.split("\n") if facts.call_sites else ():
            if line == INCOMPLETE:
                return None
            scope, _, callee = line.partition("\t")
            sites.append(CallSite(scope, self._function_holding(scope), callee))
        return tuple(sites)

    def _function_holding(self, scope: str) -> str | None:
        scopes, functions = self.facts.scopes, self.facts.functions
        while scope and scope not in functions:
            found = scopes.get(scope)
            if found is None or not found.is_class:
                return None
            scope = found.parent or ""
        return scope or None

    def any_call(self, test: Callable[[CallSite], bool]) -> bool:
        """Whether a call of the file passes ``test`` (True when the facts missed calls)."""
        sites = self.call_sites
        return sites is None or any(test(site) for site in sites)

    def callee(self, site: CallSite) -> Symbol | None:
        """What the call calls, as ``FileContext.callee`` resolves it in the libcst pass."""
        key = (site.scope, site.callee)
        try:
            return self._callees[key]
        except KeyError:
            found = self._callees[key] = callee_symbol(self.project, self.facts, site.scope, site.callee)
            return found

    def qualname(self, site: CallSite) -> str | None:
        """The callee's qualified name, as ``FileContext.qualname(call.func)`` gives it."""
        if "(" in site.callee:
            return None  # ``FileContext.qualname`` resolves name chains only
        symbol = self.callee(site)
        return canonical(symbol.qualname) if symbol is not None and symbol.qualname else None

    @cached_property
    def decorators(self) -> dict[str, frozenset[str]]:
        """What each def's decorators (or the callees of decorator calls) resolve to, by the
        def's key, as the rules read the decorator nodes (``FileContext.qualname``): where
        they are evaluated and, since some rules read them from inside the body, in the
        def's own scope too. A decorator that is not a name chain or a call of one gives
        nothing (the rules cannot resolve it either)."""
        project, facts = self.project, self.facts
        found: dict[str, frozenset[str]] = {}
        for key, function in facts.functions.items():
            names = set()
            for decorator in function.decorators:
                kind = type(decorator)
                spelled = decorator.dotted if kind is Ref else decorator.callee if kind is CallValue else None
                for scope in (function.scope, key) if spelled is not None else ():
                    symbol = project.resolve(facts, scope, spelled)
                    if symbol is not None and symbol.qualname:
                        names.add(canonical(symbol.qualname))
            found[key] = frozenset(names)
        return found

    @cached_property
    def _awaited_or_passed(self) -> frozenset[str]:
        return frozenset(self.facts.awaited_or_passed_calls.split("\n"))

    def awaited_or_passed(self, site: CallSite) -> bool:
        """Whether the def calls this callee only under ``await`` (``await request.json()``) or
        as an argument of another call (``asyncio.create_task(work())``)."""
        return f"{site.scope}\t{site.callee}" in self._awaited_or_passed

    @cached_property
    def _discarded(self) -> frozenset[str]:
        return frozenset(self.facts.discarded_calls.split("\n"))

    def discarded(self, site: CallSite) -> bool:
        """Whether the callee is called somewhere in the scope with its result thrown away."""
        found = self._discarded
        return f"{site.scope}\t{site.callee}" in found or INCOMPLETE in found

    @cached_property
    def _given_calls(self) -> frozenset[str]:
        return frozenset(self.facts.calls_given_calls.split("\n"))

    def given_a_call(self, site: CallSite) -> bool:
        """Whether the callee is called somewhere in the scope with a call's result as a
        positional argument before any ``*args`` (``run_in_threadpool(f(x))``)."""
        return f"{site.scope}\t{site.callee}" in self._given_calls

    def is_async(self, site: CallSite) -> bool:
        """Whether the call is in the body of an ``async def`` (or of a lambda in one)."""
        function = self.facts.functions.get(site.function) if site.function else None
        return function is not None and function.is_async

    # ------------------------------------------------------------ syntax in the file itself

    def keyword_argument(self, *names: str, value: str | None = None) -> bool:
        """Whether the file may pass one of ``names`` as a keyword argument (``prefix=``; with
        ``value``, a keyword written with exactly that value: ``debug=True``). Read from the
        text, comments and strings included: only for what a rule needs written in this file
        (a keyword cannot reach a call from another module)."""
        text = self.text
        if not any(name in text for name in names):
            return False
        return _keyword_pattern(names, value).search(text) is not None

    @cached_property
    def loops(self) -> dict[str, list[str | None]]:
        """Every name written between a ``for`` and the next ``in`` (loop and comprehension
        targets, which the facts do not bind; comments and strings add a few), with what
        each such loop iterates: a name or attribute chain, ``name()`` for a call of one,
        None for anything else."""
        text = self.text
        found: dict[str, list[str | None]] = {}
        opened: list[int] = []  # ends of the `for`s since the last `in`
        for word in _FOR_OR_IN.finditer(text):
            if word.group() == "for":
                opened.append(word.end())
                continue
            start = next((end for end in opened if word.start() - end <= _MAX_TARGETS), None)
            opened.clear()
            if start is None:
                continue
            head, call = _ITERABLE.match(text, word.end()).groups()
            iterable = None if head is None else re.sub(r"\s+", "", head) + ("()" if call else "")
            for name in _IDENTIFIER.findall(text, start, word.start()):
                found.setdefault(name, []).append(iterable)
        return found

    def mentions_word(self, *words: str) -> bool:
        """Whether one of ``words`` is written in the file as a whole word (an attribute or a
        name a rule needs written here), comments and strings included."""
        text = self.text
        return any(word in text for word in words) and _word_pattern(words).search(text) is not None

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
        (``"httpx"``, ``"fastapi.middleware"``): it imports from one of them, or imports from
        a project module that does (directly or through its own imports), or star-imports."""
        facts = self.facts
        if facts.star_imports or _imports_dynamically(facts):
            return True
        wanted = tuple(sorted({spelled for package in packages for spelled in package_aliases(package)}))
        targets = _import_targets(facts)
        if any(_under(target, wanted) for target in targets):
            return True
        return _imports_reach(self.project, tuple(sorted(targets)), wanted)


def callee_symbol(project: Project, facts: ModuleFacts, scope: str, callee: str) -> Symbol | None:
    """What a call spelled ``callee`` (``facts.call_spelling``) calls, resolved in ``scope``:
    a name chain as ``Project.resolve`` reads it, and a method of a call's result
    (``httpx.Client().get``) on the class that call returns, as ``FileContext.callee``."""
    inner, marked, method = callee.rpartition("().")
    if not marked:
        return project.resolve(facts, scope, callee)
    receiver = project.result_type_of_callee(callee_symbol(project, facts, scope, inner))
    return Symbol(receiver_type=receiver, attr=method) if receiver else None


# Between a call's `(` or `,` and a keyword: blanks, comments, line continuations.
_GAP = r"(?:\s|#[^\r\n]*(?:\r\n?|\n)|\\(?:\r\n?|\n))*"
_KEYWORD_PATTERNS: dict[tuple[tuple[str, ...], str | None], re.Pattern[str]] = {}


def _keyword_pattern(names: tuple[str, ...], value: str | None) -> re.Pattern[str]:
    key = (names, value)
    found = _KEYWORD_PATTERNS.get(key)
    if found is None:
        alternatives = "|".join(re.escape(name) for name in sorted(names))
        after = f"{_GAP}{re.escape(value)}(?![\\w])" if value is not None else "(?!=)"
        found = _KEYWORD_PATTERNS[key] = re.compile(rf"[(,]{_GAP}(?:{alternatives}){_GAP}={after}")
    return found


_WORD_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}
# A target list is short: the bound keeps a text of `for`s without `in` linear.
# A `for` is paired with the next `in` (a target list is short: at most _MAX_TARGETS
# characters), in one pass over the words, so a text of `for`s without `in` stays linear.
_FOR_OR_IN = re.compile(r"(?<![\w])(?:for|in)(?![\w])")
_MAX_TARGETS = 1000
_ITERABLE = re.compile(r"[ \t]*(?:await[ \t]+)?(?:([^\W\d]\w*(?:[ \t]*\.[ \t]*[^\W\d]\w*)*)[ \t]*(\()?)?")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    found = _WORD_PATTERNS.get(words)
    if found is None:
        alternatives = "|".join(re.escape(word) for word in words)
        found = _WORD_PATTERNS[words] = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
    return found


def _under(target: str, packages: tuple[str, ...]) -> bool:
    return any(target == package or target.startswith(package + ".") for package in packages)


def _import_targets(facts: ModuleFacts) -> set[str]:
    return set(facts.imported)


def _imports_dynamically(facts: ModuleFacts) -> bool:
    return any((scoped.call.callee or "").rsplit(".", 1)[-1] in _DYNAMIC_IMPORTS for scoped in facts.calls)


_DYNAMIC_IMPORTS = frozenset({"import_module", "__import__"})


def _project_modules_of(project: Project, target: str) -> list[str]:
    """The project modules an import of ``target`` may hand names from: the longest module
    prefix of the name (``app.deps`` for ``app.deps.get_db``); for a package imported
    itself (``import app``), its submodules too (``app.deps.x`` is then reachable)."""
    found = _project_module_of(project, target)
    if found is None:
        return []
    name, whole = found
    return [name, *_submodules(project, name)] if whole else [name]


def _project_module_of(project: Project, target: str) -> tuple[str, bool] | None:
    """The longest module prefix of ``target``, and whether it is all of it (a module
    imported itself)."""
    modules = project.modules
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        if name in modules:
            return name, cut == len(parts)
    return None


def _submodules(project: Project, package: str) -> tuple[str, ...]:
    return _submodule_index(project).get(package, ())


def _submodule_index(project: Project) -> dict[str, tuple[str, ...]]:
    """Every package's submodules (at any depth), from one walk over the module names (a
    walk per package asked for was quadratic in a project that imports its modules)."""
    def build() -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for name in project.modules.names():
            parts = name.split(".")
            for cut in range(1, len(parts)):
                index.setdefault(".".join(parts[:cut]), []).append(name)
        return {package: tuple(names) for package, names in index.items()}
    return project.memo(("submodule_index",), build)


@query(kept=False)
def _imports_reach(project: Project, targets: tuple[str, ...], packages: tuple[str, ...]) -> bool:
    """Whether one of these imports hands on something of ``packages`` (one question per
    file, which the cache records with its answer). An imported project module may hand on
    anything its own imports reach; an imported project function, what its return
    annotation names; a class, what it derives from; a variable, the class of its value."""
    for target in targets:
        modules = _project_modules_of(project, target)
        if not modules:
            continue  # another library: the rule's own names are checked by the caller
        symbol = project.resolve_qualname(target)
        if symbol is None:
            return True
        if symbol.qualname in modules:  # a module: anything its own imports reach
            reaching = _modules_reaching(project, packages)
            if any(module in reaching for module in modules):
                return True
        elif _symbol_reaches(project, symbol, packages, 0):
            return True
    return False


def _symbol_reaches(project: Project, symbol: Symbol, packages: tuple[str, ...], depth: int) -> bool:
    """Whether using ``symbol`` can lead a rule to something of ``packages`` (True when unsure)."""
    if depth > 8 or symbol is UNKNOWN:
        return True
    named = symbol.qualname or symbol.instance_of
    if named is None:
        return not isinstance(symbol.value, Const)  # a type alias, an attribute, an unreadable value
    if _under(canonical(named), packages):
        return True
    if symbol.project_ref is not None:
        found = project.definition(symbol)
        if found is None:
            return True
        facts, definition = found
        if isinstance(definition, ClassFacts):
            return _class_reaches(project, facts, definition, packages, depth + 1)
        returned = project.annotation_type(facts, definition.scope, definition.returns)
        return returned is not None and _type_reaches(project, returned, packages, depth + 1)
    if symbol.instance_of is not None:
        return _type_reaches(project, symbol.instance_of, packages, depth + 1)
    return False  # another library's name


def _type_reaches(project: Project, qualname: str, packages: tuple[str, ...], depth: int) -> bool:
    if _under(canonical(qualname), packages):
        return True
    found = project.project_class(qualname)
    return found is not None and _class_reaches(project, *found, packages, depth)


def _class_reaches(project: Project, facts: ModuleFacts, klass: ClassFacts, packages: tuple[str, ...], depth: int) -> bool:
    if depth > 8:
        return True
    for base in klass.bases:
        if not isinstance(base, (Ref, Subscript)):
            return True
        dotted = base.dotted if isinstance(base, Ref) else base.base
        symbol = project.resolve(facts, klass.scope, dotted) if dotted and dotted != "|" else None
        if symbol is None or _symbol_reaches(project, symbol, packages, depth + 1):
            return True
    return False


@query
def _modules_reaching(project: Project, packages: tuple[str, ...]) -> frozenset[str]:
    """The project modules whose imports reach one of ``packages``, directly or through
    other project modules (or that may import anything). A question: it reads every
    module, and what asks it keeps its answer's digest instead, so an edit that leaves
    the import graph as it was leaves their answers standing."""
    importers, whole_importers, importing, anything = project.memo(("import_graph",), lambda: _import_graph(project))
    found = set(anything)
    for package in packages:
        found.update(importing.get(package, ()))
    pending = list(found)
    while pending:
        module = pending.pop()
        parts = module.split(".")
        # Who imports from the module, and who imports it or a package holding it whole.
        reached = [importers.get(module, ()), *(whole_importers.get(".".join(parts[:cut]), ())
                                                 for cut in range(1, len(parts) + 1))]
        for importer in itertools.chain.from_iterable(reached):
            if importer not in found:
                found.add(importer)
                pending.append(importer)
    return frozenset(found)


def _import_graph(project: Project) -> tuple[_Index, _Index, _Index, frozenset[str]]:
    """Built once per run, whatever packages are asked about: the project modules
    importing from each project module; those importing each project module itself
    (``import app``: then every module under it is reachable too); the modules importing
    each dotted name or a name under it (``a``, ``a.b`` and ``a.b.c`` for an import of
    ``a.b.c``); the modules that may import anything (a star or dynamic import). Every
    worker holds it for the whole run: an importer of a package is kept once, not once per
    module under it (681,000 entries for 5,835 modules), and the sets become tuples."""
    importers: dict[str, set[str]] = {}
    whole_importers: dict[str, set[str]] = {}
    importing: dict[str, set[str]] = {}
    anything = set()
    for name in project.modules:
        reaches_anything, targets = _module_imports(project, name)
        if reaches_anything:
            anything.add(name)
        for target in targets:
            parts = target.split(".")
            for cut in range(1, len(parts) + 1):
                importing.setdefault(".".join(parts[:cut]), set()).add(name)
            found = _project_module_of(project, target)
            if found is not None:
                module, whole = found
                (whole_importers if whole else importers).setdefault(module, set()).add(name)
    return _tuples(importers), _tuples(whole_importers), _tuples(importing), frozenset(anything)


_Index = dict[str, tuple[str, ...]]


def _tuples(index: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(names) for key, names in index.items()}


def _module_imports(project: Project, module: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a module may import anything (a star or dynamic import), and what it
    imports: its share of ``_modules_reaching``."""
    return project.share("module_imports", module)


@module_share("module_imports")
def _scan_module_imports(project: Project, module: str) -> tuple[bool, tuple[str, ...]]:
    facts = project.modules[module]
    return bool(facts.star_imports) or _imports_dynamically(facts), tuple(sorted(_import_targets(facts)))


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
