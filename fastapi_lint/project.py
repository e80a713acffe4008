"""The project: every module's facts by name, with name resolution over them
(:class:`~fastapi_lint.analysis.resolution.Resolver`). Cross-file questions — is this
imported object a FastAPI app, does that app have a lifespan, is this function used with
``Depends`` anywhere — are answered lazily and memoised.

The project also records which modules' facts a file's rules read (``reads()``), so the
cache can keep a file's findings while only unrelated modules change: reading one module
records its name, walking all of them records ``EVERY_MODULE``, and a memoised answer
(``memo``) replays the reads that computed it each time it is reused. A project-wide
question with a small answer (``@query``: is this function used with ``Depends``
anywhere?) records the question and its answer instead: the cache asks it again and keeps
the result while the answer stays the same, whatever else changed.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple, TypeVar

from fastapi_lint.analysis.facts import CallValue, ModuleFacts, Subscript, Value
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Resolver
from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS


EVERY_MODULE = "*"  # not a module name: the reader walked every module of the project
_EVERY = frozenset({EVERY_MODULE})
_NO_QUESTIONS: frozenset = frozenset()  # one object: frozenset() makes a new one each time
_INLINE_READS = 16  # a memoised computation that read more than this records a ReadGroup


class ReadGroup:
    """The reads of one memoised computation (module names, question tuples and nested
    groups), recorded once and shared by every file that reused its answer. Equal by
    identity: two groups with the same reads are two computations."""

    __slots__ = ("items", "modules")

    def __init__(self, items) -> None:
        self.items = frozenset(items)
        self.modules: frozenset[str] | None | bool = False  # see _kept_modules; False: not computed yet


_SHARED = "#shared"  # a packed read: ("#shared", key) stands for a ReadGroup sent once


def pack_reads(reads: frozenset, sent: dict[int, ReadGroup]) -> tuple[frozenset, list]:
    """``reads`` ready to cross a process boundary: every group becomes a reference, and
    a group this process has not sent yet (``sent``: by id, kept alive so ids stay
    unique) comes with its definition, inner groups first. A thousand results sharing the
    app's route table then carry its modules once, not a thousand times."""
    definitions: list[tuple[tuple[int, int], frozenset]] = []

    def reference(group: ReadGroup) -> tuple:
        key = (os.getpid(), id(group))
        if id(group) not in sent:
            sent[id(group)] = group
            definitions.append((key, frozenset(_packed(item) for item in group.items)))
        return (_SHARED, key)

    def _packed(item):
        return reference(item) if isinstance(item, ReadGroup) else item

    return frozenset(_packed(item) for item in reads), definitions


def unpack_reads(packed: frozenset, definitions: list, groups: dict) -> frozenset:
    """The reads ``pack_reads`` packed, each group one shared object (``groups``: by key,
    across every result of the run). A reference to a group whose definition was lost
    (its worker died) stands for every module: the result is then re-checked whenever
    anything changes, never wrongly kept."""
    def resolved(item):
        if isinstance(item, tuple) and len(item) == 2 and item[0] == _SHARED:
            return groups.get(item[1], EVERY_MODULE)
        return item

    for key, items in definitions:
        groups[key] = ReadGroup(resolved(item) for item in items)
    return frozenset(resolved(item) for item in packed)


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
SHARES: dict[str, Callable] = {}  # index name -> function(project, module): that module's share


def module_share(name: str):
    """Registers ``function(project, module)``, one module's share of the project-wide
    index ``name`` (a value the store can keep, see ``query``): ``Project.shares(name)``
    gives every module's."""
    def register(function: Callable[[Project, str], T]) -> Callable[[Project, str], T]:
        SHARES[name] = function
        return function
    return register


_UNKEPT: set[str] = set()  # questions answered again at each ask (see ``query``)


def query(function: Callable[..., T] | None = None, *, kept: bool = True):
    """Registers a project-wide question ``function(project, *args)`` whose answer (a
    bool, str, number, None, or a tuple or frozenset of those) is memoised per project,
    and recorded by value in the reads of whoever asks it. ``kept=False``: answered again
    at each ask, for a question that is a lookup in a memoised index and is asked with
    tens of thousands of different arguments (a worker kept 60 MB of such answers)."""
    def register(function: Callable[..., T]) -> Callable[..., T]:
        name = f"{function.__module__}.{function.__qualname__}"
        QUERIES[name] = function
        if not kept:
            _UNKEPT.add(name)

        def ask(project: Project, *args):
            return project.ask(name, args)

        ask.__doc__ = function.__doc__
        return ask
    return register(function) if function is not None else register


def answer_digest(value: object) -> str:
    """A digest of a query's answer that does not depend on set iteration order (short:
    results and answers keep one per question they read). Most answers are True, False or
    None: those digests are made once and shared by every memoised question."""
    if value is None or type(value) is bool:
        return _COMMON_DIGESTS[value]
    return _digest_of(value)


def _digest_of(value: object) -> str:
    def canonical(item: object) -> object:
        if isinstance(item, (frozenset, set)):
            return ("set", sorted(map(repr, item)))
        if isinstance(item, tuple):
            return tuple(canonical(i) for i in item)
        return item
    return hashlib.blake2b(repr(canonical(value)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_COMMON_DIGESTS = {value: _digest_of(value) for value in (None, True, False)}


class Deferred:
    """A module's facts not decoded yet (a run re-linting one file decodes only the
    modules it reads): ``load()`` gives them."""

    __slots__ = ("load",)

    def __init__(self, load: Callable[[], ModuleFacts]):
        self.load = load


def facts_weight(facts: ModuleFacts) -> int:
    """Roughly how many objects decoding ``facts`` made (what the decoded-facts budget counts)."""
    return (1 + len(facts.calls) + len(facts.handoffs) + len(facts.classes)
            + sum(len(scope.bindings) for scope in facts.scopes.values())
            + sum(2 + len(function.params) + len(function.callees) + len(function.attributes)
                  for function in facts.functions.values()))


_SAMPLED_MODULES = 64  # what may_exceed_budget weighs, at most


class _Modules(dict):
    """The project's modules by dotted name, noting every read while a recording runs;
    deferred facts are decoded when first read.

    With a ``budget`` (see ``facts_weight``), decoded facts past it go back to being
    deferred, least recently read first: a worker linting files one after another holds
    the modules they read, not every module's facts it has ever read (5,000 modules
    decoded are 200 MB, and each worker of a run read nearly all of them). Modules
    ``pinned`` (the file being linted: rules tell their own module by identity) stay."""

    def __init__(self, modules: dict[str, ModuleFacts | Deferred], reads: list[set[str]], budget: int | None = None):
        super().__init__(modules)
        self._reads = reads  # a stack: memoised computations record into their own set
        self.budget = budget
        # Each decoded module that may be dropped: name -> (weight, its Deferred), oldest read first.
        self._decoded: collections.OrderedDict[str, tuple[int, Deferred]] = collections.OrderedDict()
        self._held = 0  # the weights in _decoded
        self._pinned: collections.Counter[str] = collections.Counter()
        self._estimate: int | None = None  # of every module's weight (see may_exceed_budget)

    def may_exceed_budget(self) -> bool:
        """Whether every module's facts decoded may weigh more than the budget, estimated
        once from modules spread over the project, whatever this process read first: their
        mean weight without the heaviest sixteenth (one app module that imports every
        router weighs as much as thousands of them)."""
        if self.budget is None:
            return False
        if self._estimate is None:
            weights = sorted(facts_weight(self.unrecorded(name)) for name in self.sample())
            weights = weights[:len(weights) - len(weights) // 16]
            self._estimate = sum(weights) * len(self) // max(1, len(weights))
        return self._estimate > self.budget

    def sample(self) -> list[str]:
        """Up to 64 module names spread over the project (an eighth of a small one)."""
        names = list(self.names())
        return names[::max(1, len(names) // min(_SAMPLED_MODULES, max(1, len(names) // 8)))]

    # Only modules that exist are noted: the cache keys every result on the set of module
    # names too, so a module appearing where a lookup found none re-checks everything.

    def _loaded(self, name, found):
        if type(found) is Deferred:
            deferred, found = found, found.load()
            dict.__setitem__(self, name, found)
            if self.budget is not None:
                weight = facts_weight(found)
                self._decoded[name] = (weight, deferred)
                self._held += weight
                if self._held > self.budget:
                    self._evict()
        elif name in self._decoded:
            self._decoded.move_to_end(name)
        return found

    def _evict(self) -> None:
        excess = self._held - self.budget
        victims = []
        for name, (weight, _) in itertools.islice(self._decoded.items(), len(self._decoded) - 1):  # never the newest
            if excess <= 0:
                break
            if name not in self._pinned:
                victims.append(name)
                excess -= weight
        for name in victims:
            weight, deferred = self._decoded.pop(name)
            self._held -= weight
            dict.__setitem__(self, name, deferred)

    @contextmanager
    def pinned(self, name: str) -> Iterator[None]:
        """Keeps ``name``'s decoded facts (once read) the same object inside the block."""
        self._pinned[name] += 1
        try:
            yield
        finally:
            self._pinned[name] -= 1
            if not self._pinned[name]:
                del self._pinned[name]

    def get(self, name, default=None):
        found = super().get(name, default)
        if found is not default:
            if self._reads:
                self._reads[-1].add(name)
            found = self._loaded(name, found)
        return found

    def __getitem__(self, name):
        found = self._loaded(name, super().__getitem__(name))
        if self._reads:
            self._reads[-1].add(name)
        return found

    def unrecorded(self, name: str) -> ModuleFacts | None:
        """``name``'s facts without noting a read (None when there is no such module)."""
        found = super().get(name)
        return None if found is None else self._loaded(name, found)

    def __contains__(self, name) -> bool:
        found = super().__contains__(name)
        if self._reads and found:
            self._reads[-1].add(name)
        return found

    def names(self) -> Iterator[str]:
        """The module names, not noted as a read of every module: each stored result and
        answer depends on the set of names anyway (see ``cache.ProjectDigests``)."""
        return super().__iter__()

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
        return (self._loaded(name, found) for name, found in list(super().items()))

    def items(self):
        self._walked()
        return ((name, self._loaded(name, found)) for name, found in list(super().items()))

    def plain(self) -> dict[str, ModuleFacts | Deferred]:
        """Every module as held now (decoded or deferred), for a project made from this one."""
        return {name: self._decoded[name][1] if name in self._decoded else found for name, found in super().items()}


class Project(Resolver):
    """The modules of a project by name; resolution (:class:`Resolver`) over them, recording
    what each computation read."""

    def __init__(self, modules: dict[str, ModuleFacts | Deferred], answers: Answers | None = None,
                 budget: int | None = None):
        self._reads: list[set[str]] = []
        self.modules = _Modules(modules, self._reads, budget)
        # key -> (answer, reads), and once with_modules has looked at it (answer, reads,
        # the modules it read or None when it can never be kept across an edit)
        self._memo: dict[tuple, tuple] = {}
        self._noted = 0  # the first entries of _memo, kept by with_modules, have their modules noted
        self.answers = answers  # what earlier runs answered (the store), and what this one learns
        self._group_deps: dict[int, tuple[ReadGroup, AnswerDeps]] = {}
        self._held: dict[frozenset, bool] = {}  # sets of stored answers' questions: still answered the same?
        # Each distinct set of reads a memoised answer replays (and each distinct set it
        # answers), once: a module's shares of the indexes all read that module, most
        # answers are the empty set, and every frozenset costs 200 bytes.
        self._read_sets: dict[frozenset, frozenset] = {}
        self._swept = False  # see _sweep
        self._learning_shares = True  # False while a sweep another process teaches runs

    def with_module(self, facts: ModuleFacts) -> Project:
        """The same project with one module's facts replaced (after a fix rewrote it)."""
        return Project({**self.modules.plain(), facts.module: facts}, budget=self.modules.budget)

    def with_modules(self, modules: dict[str, ModuleFacts], changed: set[str]) -> Project:
        """A project of ``modules``, which differ from this one's only in the facts of the
        modules named ``changed``, keeping the memoised answers that read none of them (the
        language server re-lints a buffer per keystroke without recomputing what the rest
        of the project answered). Kept: immutable answers (a resolved name, a string, a
        tuple...) whose recorded reads name neither a changed module, nor every module,
        nor a question (whose own reads are not recorded). Nothing is kept when the set of
        module names changed: a lookup that found nothing may find something now."""
        fresh = Project(modules)
        if dict.keys(self.modules) != modules.keys():
            return fresh
        memo = self._memo
        # What each answer read, noted once per answer (value, reads, modules or None): the
        # entries past the ones this project kept were computed since it was made.
        for key, entry in list(itertools.islice(memo.items(), self._noted, None)):
            if len(entry) == 2:
                value, reads = entry
                memo[key] = (value, reads, _kept_modules(reads) if key[0] != "query" and _immutable(value) else None)
        fresh._memo = {key: entry for key, entry in memo.items()
                       if len(entry) == 3 and entry[2] is not None and entry[2].isdisjoint(changed)}
        fresh._noted = len(fresh._memo)
        return fresh

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
            known = self.answers.known(name, args) if self.answers is not None else None
            if known is not None and self._still_hold(known[1].questions):
                value = known[0]
            else:
                known = None  # computed here: learnt below
                self._reads.append(set())  # what the answer needs is not what the asker needs
                try:
                    value = QUERIES[name](self, *args)
                finally:
                    found = self._reads.pop()
            digest = answer_digest(value)
            if known is None and self.answers is not None:  # without a store, nothing asks what it read
                self.answers.learn(name, args, value, self._deps_of(found), digest)
            # The asker reads the question and its answer, not what answering it read.
            entry = (value, ("?", name, args, digest))
            if name not in _UNKEPT:
                self._memo[key] = entry
        if self._reads:
            self._reads[-1].add(entry[1])
        return entry[0]

    def still_answers(self, name: str, args: tuple, digest: str) -> bool:
        """Whether the ``@query`` ``name`` answers ``args`` now as it did when its answer
        was digested ``digest``. A stored answer that still holds is compared by its stored
        digest, not decoded: after an edit, a run confirms every stored result's questions,
        and most answers are large values (route tables, read sets) nobody else needs."""
        entry = self._memo.get(("query", name, args))
        if entry is not None:
            return entry[1][3] == digest
        if self.answers is not None:
            stored = self.answers.known_digest(name, args)
            if stored is not None and self._still_hold(stored[1].questions):
                return stored[0] == digest
        return answer_digest(self.ask(name, args)) == digest

    def _still_hold(self, questions: frozenset[tuple[str, tuple, str]]) -> bool:
        """Whether the questions a stored answer read (name, args, answer digest) are
        answered as they were: then the answer holds whatever else changed, e.g. an answer
        built on the import graph survives an edit that leaves the graph as it was."""
        if not questions:
            return True
        held = self._held.get(questions)  # stored answers share few sets of questions
        if held is None:
            held = self._held[questions] = all(self.still_answers(*question) for question in questions)
        return held

    def _deps_of(self, reads) -> AnswerDeps:
        """What a computation read, as a stored answer keeps it: the modules (``{EVERY_MODULE}``
        when it walked them all) and the questions with their answers' digests, through the
        groups it reused."""
        modules: set[str] = set()
        questions: set[tuple[str, tuple, str]] = set()
        parts: list[AnswerDeps] = []
        for item in reads:
            if isinstance(item, ReadGroup):
                parts.append(self._group_deps_of(item))
            elif isinstance(item, tuple):
                questions.add(item[1:])
            else:
                modules.add(item)
        if not modules and not questions and len(parts) == 1:
            return parts[0]  # one shared group: its sets, not a copy per answer
        for part in parts:
            modules |= part.modules
            questions |= part.questions
        # Shared sets: every answer is kept until it is stored, most ask no question, and
        # the shares of one module's indexes all read that module.
        return AnswerDeps(_EVERY if EVERY_MODULE in modules else self._shared(frozenset(modules)),
                          self._shared(frozenset(questions)) if questions else _NO_QUESTIONS)

    def _group_deps_of(self, group: ReadGroup) -> AnswerDeps:
        """A group's dependencies, worked out once per group (thousands of answers reuse the
        same few large groups)."""
        known = self._group_deps.get(id(group))
        if known is None:
            known = self._group_deps[id(group)] = (group, self._deps_of(group.items))  # keeps id() unique
        return known[1]

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
            if type(value) is frozenset:  # many answers are the same small set (most often: none)
                value = self._shared(value)
            entry = self._memo[key] = (value, self._shared(_recorded(found)))
        if self._reads:
            self._reads[-1].update(entry[1])
        return entry[0]  # type: ignore[return-value]

    def _shared(self, reads: frozenset) -> frozenset:
        return self._read_sets.setdefault(reads, reads)

    def share(self, name: str, module: str) -> object:
        """One module's share of the project-wide index ``name`` (``module_share``), memoised,
        which the store keeps too (through ``answers``, as a question's answer) with the
        modules computing it read. After an edit, an index is rebuilt from the stored
        shares of the modules the edit left alone, without decoding their facts. The value
        must be one the store can keep (see ``query``)."""
        key = (name, module)
        compute = functools.partial(SHARES[name], self, module)
        if key not in self._memo and self.answers is not None:
            known = self.answers.known(name, (module,))
            if known is not None and self._still_hold(known[1].questions):
                value, deps = known
                replayed = deps.modules | {("?", *question) for question in deps.questions}
                self._memo[key] = (value, self._shared(_recorded(replayed)))
            else:
                value = self.memo(key, compute)
                if self._learning_shares:
                    self.answers.learn(name, (module,), value, self._deps_of(self._memo[key][1]))
                return value
        return self.memo(key, compute)

    def shares(self, name: str) -> Iterator[tuple[str, object]]:
        """``(module, its share)`` of every module for the ``module_share`` ``name``, in
        order and as asked (``any()`` over them stops early). A keystroke in one file of
        the language server, or an edit between two runs, recomputes only the shares of
        the modules it changed."""
        self._sweep()
        for module in self.modules:
            yield module, self.share(name, module)

    def _sweep(self) -> None:
        """Every module's share of every registered index, module after module, once: a
        project that keeps only some modules decoded (``budget``) would otherwise decode
        every module again for each index it walks. Not when the project fits the budget
        (a project of many small modules): every share would be computed and kept, the
        walks need not; nor when the store holds the shares (``_shares_stored``). What the
        sweep reads is not the asker's: each walk then records the reads of the shares it
        takes."""
        if self._swept or not self.modules.may_exceed_budget():
            return
        self._swept = True  # decided: the store's shares, or a sweep
        if self._shares_stored():
            return
        self._learning_shares = self.answers is None or self.answers.teaches_sweep()
        self._reads.append(set())
        try:
            # Last module first: what stays decoded afterwards is the first modules, the
            # ones the files linted next read.
            for module in reversed(list(self.modules.names())):
                for name in SHARES:
                    self.share(name, module)
        finally:
            self._reads.pop()
            self._learning_shares = True

    def _shares_stored(self) -> bool:
        """Whether the store holds most modules' shares (a run after an edit, one file from
        an editor or standard input): each index walked then replays them without decoding
        facts, and a sweep would only load every share of every index from the store."""
        if self.answers is None:
            return False
        name = next(iter(SHARES), None)
        sample = self.modules.sample()
        stored = sum(self.answers.known(name, (module,)) is not None for module in sample) if name else 0
        return 2 * stored > len(sample)

    # ------------------------------------------------------------ project-wide facts

    @property
    def dependency_qualnames(self) -> frozenset[str]:
        """Everything the project passes to ``Depends``/``Security`` (functions and classes)."""
        return _passed_to_depends(self)

    def is_dependency(self, qualname: str) -> bool:
        return _is_dependency(self, qualname)

    def _dependency_qualnames(self) -> frozenset[str]:
        return frozenset().union(*(found for _, found in self.shares("dependency_qualnames_in")))

    def _is_depends(self, facts: ModuleFacts, scope: str, call: CallValue) -> bool:
        if call.callee is None:
            return False  # the spelling may be an alias (``from fastapi import Depends as D``)
        symbol = self.resolve(facts, scope, call.callee)
        return bool(symbol and symbol.qualname and canonical(symbol.qualname) in DEPENDS_FUNCTIONS)


class AnswerDeps(NamedTuple):
    """What a stored answer depends on: the modules it read (``{EVERY_MODULE}``: all of
    them) and the questions it asked, each (name, args, digest of the answer it got)."""

    modules: frozenset[str]
    questions: frozenset[tuple[str, tuple, str]] = _NO_QUESTIONS


Learned = tuple[str, tuple, object, AnswerDeps, str]


class Answers:
    """Answers of ``@query`` questions kept across runs (by the store): ``known`` gives an
    answer computed earlier while none of the modules it read changed, with what it
    depends on (the project checks that its questions are still answered the same);
    ``known_digest`` the digest of such an answer (a question's, see ``Project.ask``), not
    decoding it; ``learn`` notes an answer this run computed (``learned``, for the store to
    keep), with its digest when it answers a question ("" for a module's share)."""

    def __init__(self, known: Callable[[str, tuple], tuple[object, AnswerDeps] | None] | None = None,
                 known_digest: Callable[[str, tuple], tuple[str, AnswerDeps] | None] | None = None,
                 teaches_sweep: Callable[[], bool] = lambda: True):
        self._known = known
        self._known_digest = known_digest
        # Whether the shares a sweep computes are learnt here (``Project._sweep``): each of a
        # run's workers sweeps, with the same shares; one hands them to the store, the
        # others' would only cross to the parent to be dropped (80,000 on the corpus).
        self.teaches_sweep = teaches_sweep
        self.learned: list[Learned] = []

    def known(self, name: str, args: tuple) -> tuple[object, AnswerDeps] | None:
        return self._known(name, args) if self._known is not None else None

    def known_digest(self, name: str, args: tuple) -> tuple[str, AnswerDeps] | None:
        return self._known_digest(name, args) if self._known_digest is not None else None

    def learn(self, name: str, args: tuple, value: object, deps: AnswerDeps, digest: str = "") -> None:
        self.learned.append((name, args, value, deps, digest))

    def drain(self) -> list[Learned]:
        learned, self.learned = self.learned, []
        return learned

    def for_workers(self, teaches_sweep: Callable[[], bool]) -> Answers:
        """What a run's workers learn in (the parent keeps what the store knows)."""
        return Answers(teaches_sweep=teaches_sweep)


def _recorded(reads) -> frozenset:
    """The reads a memoised answer replays to each user. A large answer's are kept once,
    as a group every user shares: a thousand files reusing the app's route table do not
    each copy its modules."""
    return frozenset(reads) if len(reads) <= _INLINE_READS else frozenset({ReadGroup(reads)})


def _kept_modules(reads) -> frozenset[str] | None:
    """The modules ``reads`` name, groups opened; None when they name every module or a
    question (an answer that read them is never kept across an edit). A group's is
    computed once and kept on it (groups are shared by many answers)."""
    if len(reads) == 1:
        (only,) = reads
        if type(only) is ReadGroup:
            if only.modules is False:
                only.modules = _kept_modules(only.items)
            return only.modules  # shared with every answer that reused the group
    modules: set[str] = set()
    for item in reads:
        if type(item) is ReadGroup:
            inner = item.modules
            if inner is False:
                inner = item.modules = _kept_modules(item.items)
            if inner is None:
                return None
            modules |= inner
        elif item == EVERY_MODULE or isinstance(item, tuple):
            return None
        else:
            modules.add(item)
    return frozenset(modules)


def _immutable(value: object) -> bool:
    """An answer that cannot compute more later (which would read the project it came from)."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(_immutable(item) for item in value)
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen


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
def _passed_to_depends(project: Project) -> frozenset[str]:
    # A question, not a memo: what asks it keeps its answer's digest, not a read of every
    # module, and so survives an edit that passes nothing new to ``Depends``.
    return project._dependency_qualnames()


@query(kept=False)
def _is_dependency(project: Project, qualname: str) -> bool:
    return qualname in project.dependency_qualnames


@module_share("dependency_qualnames_in")
def _module_dependency_qualnames(project: Project, module: str) -> frozenset[str]:
    facts = project.modules[module]
    found: set[str] = set()
    for scoped in facts.calls:
        call = scoped.call
        if not project._is_depends(facts, scoped.scope, call):
            continue
        qualname = project.ref_qualname(facts, scoped.scope, call.arg(0, "dependency"))
        if qualname:
            found.add(qualname)
    # ``x: Cls = Depends()`` and ``Annotated[Cls, Depends()]`` depend on the annotation.
    for function in facts.functions.values():
        for param in function.params:
            for call, annotation in _bare_depends(param):
                if project._is_depends(facts, function.scope, call):
                    instance = project.annotation_type(facts, function.scope, annotation)
                    if instance:
                        found.add(instance)
    return frozenset(found)
