"""The Python API the CLI calls: lint paths or a piece of source.

Two passes over the files: the cheap facts pass (``ast``) over every file of the
project builds the project index; then each file to lint is parsed once with libcst
and checked by all its enabled rules.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from fastapi_lint.config import DEFAULT_TARGET_VERSION, Settings, forget_configs
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Diagnostic, FileResult
from fastapi_lint.discovery import discover, is_excluded, package_root, walk
from fastapi_lint.analysis.facts import ModuleFacts, extract_facts
from fastapi_lint.analysis.qualnames import forget_packages, module_name_for
from fastapi_lint.project import Answers, Deferred, Project, pack_reads, unpack_reads
from fastapi_lint.codec import forget_shared
from fastapi_lint.cache import (
    NO_FACTS, Cache, Lookup, ProjectDigests, StoreAnswers, content_hash, decode_facts, digest, encode_facts,
)
from fastapi_lint.projects import ProjectRoot, SettingsResolver
from fastapi_lint.runner import MIN_FILES_FOR_POOL, claim_once, map_files
from fastapi_lint.severity import apply_overrides
from fastapi_lint.files import ReadStamp, WriteRefused, is_inside, read_stamped, real_roots, write_source
from fastapi_lint.source import MAX_SOURCE_BYTES

# The lint engine and the fix helpers (libcst, and through the settings the rules) are
# imported by the functions that lint: a run whose every result comes from the store
# loads neither (about 0.3 s of a cached run).
if TYPE_CHECKING:
    from fastapi_lint.engine import LintOptions
    from fastapi_lint.fixes import Fix


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    roots: tuple[str, ...] = ()  # real paths under which this run may rewrite files

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for f in self.files for d in f.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)

    @property
    def has_internal_error(self) -> bool:
        return any(d.code == INTERNAL_ERROR_CODE for d in self.diagnostics)

    @property
    def suppressed(self) -> int:
        return sum(f.suppressed for f in self.files)

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)


@dataclass(frozen=True)
class FixMode:
    """How ``--fix`` runs: with unsafe fixes or not; writing files or only computing them (``--diff``)."""

    unsafe: bool = False
    write: bool = True


def display_path(path: Path) -> str:
    """The path as reports show it: relative to the working directory when inside it."""
    absolute, inside = os.path.abspath(path), os.getcwd().rstrip(os.sep) + os.sep
    if absolute.startswith(inside):
        return absolute[len(inside):].replace(os.sep, "/")  # what relpath gives, without its cost
    return path.as_posix()


def _read(path: Path) -> bytes | OSError:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return exc


def facts_for(path: Path, source: bytes) -> ModuleFacts:
    module, is_package = module_name_for(path)
    return extract_facts(source, module, is_package)


def build_project(facts: list[ModuleFacts]) -> Project:
    modules: dict[str, ModuleFacts] = {}
    for item in facts:
        modules.setdefault(item.module, item)  # same dotted name twice: first (sorted) wins
    return Project(modules)


def project_files(files: list[Path], project: ProjectRoot, resolver: SettingsResolver) -> list[Path]:
    """The files whose facts the index needs: the ones to lint plus every other file of
    their project, whatever paths were named (linting one router still sees the app that
    includes it). A file outside the project's root (the Python API given a root that
    does not hold it) brings the rest of its package instead."""
    root = os.path.abspath(project.root)
    extra = set(walk(project.root, project.settings, resolver, own_project_only=True))
    outside = [f for f in files if not is_inside(os.path.abspath(f), (root,))]
    for package in {package_root(f) for f in outside} - {None}:
        extra.update(walk(package, project.settings))
    linted = {f.absolute() for f in files}
    return files + sorted((p for p in extra if p.absolute() not in linted), key=lambda p: p.as_posix())


CacheChoice = Cache | Callable[[Path], "Cache | None"] | None  # a cache, or one per project root


def lint_paths(
    paths: list[Path],
    settings: Settings | SettingsResolver,
    force_exclude: bool = False,
    fix: FixMode | None = None,
    only: set[Path] | None = None,
    jobs: int = 1,
    cache: CacheChoice = None,
) -> RunResult:
    """Lint the files under ``paths``, each with its project's settings and facts from
    its whole project; with ``only`` (absolute paths), lint just those. ``settings``:
    one settings object (everything is one project rooted at its ``root``) or a resolver
    that finds each file's project and configuration."""
    forget_packages()
    forget_configs()
    forget_shared()
    resolver = settings if isinstance(settings, SettingsResolver) else SettingsResolver.single(settings)
    files = discover(paths, resolver, force_exclude)
    if only is not None:
        files = [f for f in files if f.absolute() in only]
    groups: dict[Path, tuple[ProjectRoot, list[Path]]] = {}
    for path in files:
        project = resolver.for_file(path)
        groups.setdefault(project.root, (project, []))[1].append(path)
    roots = real_roots([*(p if p.is_dir() else p.absolute().parent for p in paths),
                        *(root for project, _ in groups.values() for root in (project.root, project.settings.root))])
    result = RunResult(roots=roots)
    for root in sorted(groups):
        project, members = groups[root]
        chosen = cache(root) if callable(cache) else cache
        part = _lint_files(members, project_files(members, project, resolver), project.settings, fix,
                           jobs=jobs, cache=chosen, roots=roots)
        result.files.extend(part.files)
    return result


def lint_stdin(
    source: bytes, filename: Path, settings: Settings | SettingsResolver, force_exclude: bool = False,
    fix: FixMode | None = None, cache: CacheChoice = None,
) -> RunResult:
    """Lint source read from standard input as if it were the file ``filename``: its
    project's settings and facts apply (the buffer replacing the file); nothing is written."""
    forget_packages()
    forget_configs()
    forget_shared()
    resolver = settings if isinstance(settings, SettingsResolver) else SettingsResolver.single(settings)
    project = resolver.for_path(filename)
    if force_exclude and is_excluded(filename, project.settings, check_parents=True):
        return RunResult()
    fix = FixMode(fix.unsafe, write=False) if fix else None
    chosen = cache(project.root) if callable(cache) else cache
    return _lint_files([filename], project_files([filename], project, resolver), project.settings, fix,
                       {filename: source}, cache=chosen if fix is None else None)


@dataclass(frozen=True)
class _Job:
    """What every worker needs to lint any file of the run."""

    project: Project
    facts: dict[Path, ModuleFacts]
    settings: Settings
    options: LintOptions
    fix: FixMode | None
    contents: Contents
    roots: tuple[str, ...] = ()
    sends_reads: bool = True  # what each file read goes to a caller that stores results


# What the run has read, so no file is read twice: its bytes with the stat taken before
# reading them (a fix checks the file is still that before replacing it), bytes given
# directly (standard input: never written), or why it could not be read.
Contents = dict[Path, "ReadStamp | bytes | OSError"]


def _read_stamped(path: Path) -> ReadStamp | OSError:
    try:
        return read_stamped(path)
    except OSError as exc:
        return exc


def _source(contents: Contents, path: Path) -> bytes | OSError:
    found = contents[path] if path in contents else _read_stamped(path)
    return found.data if isinstance(found, ReadStamp) else found


def _facts_job(contents: Contents, path: Path) -> ModuleFacts | None:
    source = _source(contents, path)
    if not isinstance(source, bytes) or len(source) > MAX_SOURCE_BYTES:
        return None  # unreadable or too large: the lint pass reports it
    try:
        return facts_for(path, source)
    except Exception:  # noqa: BLE001 - the file's lint pass reports what is wrong with it
        return None


def _encoded_facts_job(contents: Contents, path: Path) -> tuple[str, str] | None:
    """The facts encoded for the store, with their digest (``cache.encode_facts``), in the
    worker that extracted them: the main process keeps text, not a project of objects."""
    facts = _facts_job(contents, path)
    if facts is None:
        return None
    try:
        return encode_facts(facts)
    except (TypeError, ValueError, RecursionError):  # a value the store cannot keep: the lint pass extracts them
        return None


def _packed_facts_job(contents: Contents, path: Path) -> bytes | None:
    """The facts encoded and compressed, for a run without a store: the main process holds
    every module's until the run ends (on the corpus 116 MB of text, 20 MB packed)."""
    found = _encoded_facts_job(contents, path)
    return zlib.compress(found[0].encode("ascii"), 1) if found is not None else None


def _read_and_packed_facts_job(given: Contents, path: Path) -> tuple[bytes | None, ReadStamp | OSError | None]:
    """``_packed_facts_job`` on a file this worker reads (unless ``given``), with what it
    read, packed (``ReadStamp.packed``), for the lint pass: no file is read twice, and the
    main process holds each file's bytes compressed until it is linted."""
    read = None if path in given else _read_stamped(path)
    contents = given if read is None else {path: read}
    return _packed_facts_job(contents, path), read.packed() if isinstance(read, ReadStamp) else read


def _unpacked_facts(packed: bytes) -> ModuleFacts | None:
    return decode_facts(zlib.decompress(packed))


_SENT_GROUPS: dict = {}  # per process: the groups of reads this worker has already sent (project.pack_reads)


def _lint_job_packed(job: _Job, path: Path) -> tuple[FileResult, list, bytes]:
    """``_lint_job`` with its reads packed to cross to the parent (shared groups once), and
    the answers the project learnt meanwhile (``StoreAnswers.drain``)."""
    result = _lint_job(job, path)
    if not job.sends_reads:
        result.reads = frozenset()
    result.reads, definitions = pack_reads(result.reads, _SENT_GROUPS)
    answers = job.project.answers
    return result, definitions, answers.drain() if isinstance(answers, StoreAnswers) else b""


def _lint_job(job: _Job, path: Path) -> FileResult:
    from fastapi_lint.engine import engine_diagnostic, fix_source, lint_source

    shown = display_path(path)
    found = job.contents[path] if path in job.contents else _read_stamped(path)
    stamp = found if isinstance(found, ReadStamp) else None
    source = found.data if isinstance(found, ReadStamp) else found
    if isinstance(source, OSError):
        reason = source.strerror or type(source).__name__
        return FileResult(shown, [engine_diagnostic(shown, PARSE_ERROR_CODE, f"cannot read file: {reason}")])
    pinned = job.facts.pinned(path) if isinstance(job.facts, _FactsOf) else contextlib.nullcontext()
    file_facts = job.facts.get(path)
    if file_facts is None:
        try:
            file_facts = extract_facts(b"", module_name_for(path)[0]) if len(source) > MAX_SOURCE_BYTES \
                else facts_for(path, source)
        except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the run
            return FileResult(shown, [engine_diagnostic(
                shown, INTERNAL_ERROR_CODE, f"internal error while indexing this file: {type(exc).__name__}: {exc}; "
                "please report this")])
    rules = job.settings.rules_for(path)
    if job.fix is None:
        with job.project.reads() as reads, pinned:
            file_result = lint_source(shown, source, file_facts, job.project, rules, job.options)
        file_result.source_hash = content_hash(source)
        file_result.reads = frozenset(reads)
        return file_result
    with pinned:
        file_result = fix_source(
            shown, source, file_facts, job.project, rules, job.options,
            refresh_facts=lambda data: facts_for(path, data), unsafe=job.fix.unsafe,
        )
    if file_result.fixed_source is not None:
        file_result.source = source
        if job.fix.write and stamp is not None:
            _write_file(path, file_result, file_result.fixed_source, stamp, job.roots)
    return file_result


def _lint_files(
    files: list[Path],
    fact_files: list[Path],
    settings: Settings,
    fix: FixMode | None,
    contents: Contents | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    roots: tuple[str, ...] = (),
) -> RunResult:
    if cache is not None and fix is None:
        return _lint_files_cached(files, fact_files, settings, jobs, cache, contents or {})
    given, contents, packed = contents or {}, dict(contents or {}), {}
    for path, (found, read) in zip(fact_files, map_files(_read_and_packed_facts_job, given, fact_files, jobs, "indexing")):
        if read is not None:
            contents[path] = read
        if found is not None:
            packed[path] = found
    facts = _FactsOf(lambda path: _unpacked_facts(packed[path]) if path in packed else None)
    kept: dict[str, Path] = {}
    for path in packed:
        kept.setdefault(module_name_for(path)[0], path)  # as build_project: the first file wins
    project = _deferred_project(facts, kept)
    return _lint_with_facts(files, facts, settings, fix, contents, jobs, roots, project=project)


def _lint_with_facts(
    files: list[Path],
    facts: dict[Path, ModuleFacts] | _FactsOf,
    settings: Settings,
    fix: FixMode | None,
    contents: Contents,
    jobs: int,
    roots: tuple[str, ...] = (),
    project: Project | None = None,
    learned: Callable[[bytes], None] | None = None,
    settled: Callable[[Path, FileResult], None] | None = None,
) -> RunResult:
    """Lints ``files`` over ``project`` (built from ``facts`` when not given). As each
    file's result arrives (from a worker, or in this process), the answers the project
    learnt meanwhile are handed to ``learned`` (``StoreAnswers.drain``) and the result to
    ``settled``: a caller that stores them keeps no more than the findings until the run
    ends."""
    # The engine and the registry (libcst, every rule) are imported here, in the parent,
    # before the workers fork: they inherit them instead of each importing them again (about
    # 0.3 s and its memory per worker). A run served from the store never gets here.
    import fastapi_lint.rules  # noqa: F401 - what Settings.rules_for reads in the workers
    from fastapi_lint.engine import engine_diagnostic

    if project is None:
        project = build_project(list(facts.values()))
    on_workers = jobs > 1 and len(files) >= MIN_FILES_FOR_POOL
    if on_workers and project.answers is not None:
        drained = project.answers.drain()
        if learned is not None and drained:
            learned(drained)
        project.answers = project.answers.for_workers(claim_once)
    options = _options(settings)
    # Without a store, nobody asks what a file read: its reads stay in the worker (at
    # 5,835 files they were 100 MB of the main process's peak).
    job = _Job(project, facts, settings, options, fix, contents, roots, sends_reads=settled is not None)
    _SENT_GROUPS.clear()  # workers start with none sent; no group outlives its run here
    groups: dict = {}

    def received(index: int, packed: tuple[FileResult, list, bytes]) -> FileResult:
        file_result, definitions, answers = packed
        file_result.reads = unpack_reads(file_result.reads, definitions, groups)
        if learned is not None and answers:
            learned(answers)
        if settled is not None:
            settled(files[index], file_result)
        return file_result

    result = RunResult()
    for path, file_result in zip(files, map_files(_lint_job_packed, job, files, jobs, "linting", received,
                                                  heavy=functools.partial(_heaviness, contents))):
        if file_result is None:
            shown = display_path(path)
            file_result = FileResult(shown, [engine_diagnostic(
                shown, INTERNAL_ERROR_CODE, "internal error: the worker process linting this file died; please report this"
            )])
        result.files.append(file_result)
    _SENT_GROUPS.clear()
    return result


# A file this large may take 50 MB or more while it is linted (its tree is about 20 bytes
# per byte of source, and libcst's parser holds 250 when the file cannot be parsed in slices:
# ``sliced_parse``): workers lint such files one at a time (runner.map_files), so their
# peaks do not add up, and the largest first.
HEAVY_SOURCE_BYTES = 200_000


def _heaviness(contents: Contents, path: Path) -> int:
    """The file's size when its tree is heavy (``HEAVY_SOURCE_BYTES``), else 0."""
    found = contents.get(path)
    if isinstance(found, ReadStamp):
        size = found.size
    elif isinstance(found, bytes):
        size = len(found)
    else:
        try:
            size = os.path.getsize(path)
        except OSError:
            return 0
    return size if size >= HEAVY_SOURCE_BYTES else 0


def _options(settings: Settings) -> LintOptions:
    from fastapi_lint.engine import LintOptions

    return LintOptions(settings.docs_url, settings.allow_bare_noqa, settings.target_version or DEFAULT_TARGET_VERSION,
                       settings.detected, frozenset(settings.extend_blocking_calls), settings.test_paths,
                       str(settings.root))


def _content_hashes(files: list[Path], cache: Cache, given: Contents) -> tuple[dict[Path, str], Contents]:
    """Each file's content hash: from the store for a file whose stat (taken before any
    read) is unchanged, else from its bytes, which are kept (``Contents``) so the run reads
    no file twice; ``given`` bytes (an editor's buffer) replace the file on disk."""
    hashes: dict[Path, str] = {}
    contents: Contents = dict(given)
    for path in files:
        if isinstance(given.get(path), bytes):
            hashes[path] = content_hash(given[path])
            continue
        try:
            status = os.stat(path)
        except OSError:
            continue
        known = cache.known_hash(path, status)
        if known is None:
            data = _read(path)
            if not isinstance(data, bytes):
                continue
            contents[path] = ReadStamp.of(status, data).packed()
            known = cache.remember_hash(path, status, data)
        hashes[path] = known
    return hashes, contents


def _lint_files_cached(
    files: list[Path], fact_files: list[Path], settings: Settings, jobs: int, cache: Cache, given: Contents
) -> RunResult:
    """As ``_lint_files``, reusing what the cache knows (see cache.py for the keys).
    ``given``: contents that replace files on disk (an editor's buffer on stdin)."""
    hashes, contents = _content_hashes(fact_files, cache, given)
    stored = _facts_keys(hashes)
    modules = {path: module for path, (module, _) in stored.items()}
    known = {path: cache.get_digest(*stored[path]) for path in hashes}
    new = [path for path in hashes if known[path] is None]

    def store_facts(index: int, computed: tuple[str, str] | None) -> str:
        # Written as they arrive: the facts' text leaves memory before the lint pass forks
        # its workers, and the run keeps each file's digest.
        cache.put_facts(*stored[new[index]], computed)
        cache.save_if_many()
        return NO_FACTS if computed is None else computed[1]  # what put_facts keeps

    for index, found in enumerate(map_files(_encoded_facts_job, contents, new, jobs, "indexing", store_facts)):
        known[new[index]] = store_facts(index, None) if found is None else found  # None: its worker died
    if new:
        cache.save()
    # Each module's facts digest, for the file build_project keeps under that name.
    digests: dict[str, str] = {}
    kept: dict[str, Path] = {}  # module name -> the file whose facts the project uses
    for path, found in known.items():
        if found is not None and found != NO_FACTS:  # as build_project, which skips those
            digests.setdefault(modules[path], found)
            kept.setdefault(modules[path], path)
    project_digests = ProjectDigests(digests)
    settings_key = digest(settings.docs_url, settings.allow_bare_noqa, settings.target_version, settings.detected.key(),
                          settings.extend_blocking_calls, settings.test_paths)

    def key(path: Path) -> tuple:
        return (hashes.get(path), settings.codes_for(path), settings_key)

    found: dict[Path, FileResult] = {}
    to_confirm: dict[Path, Lookup] = {}
    cache.prefetch_results([path for path in files if hashes.get(path) is not None])
    for path in files:
        if hashes.get(path) is not None:
            lookup = cache.get_result(path, key(path), display_path(path), project_digests)
            if lookup.result is not None and not lookup.questions:
                found[path] = lookup.result
                cache.refresh_result(path, project_digests)
            elif lookup.result is not None:
                to_confirm[path] = lookup

    def load(path: Path) -> ModuleFacts | None:
        """A file's facts from the store (extracted again when the store lost them)."""
        if path not in hashes:
            return None
        cached = cache.get_facts(*stored[path])
        if cached is None and cache.get_digest(*stored[path]) != NO_FACTS:
            computed = _encoded_facts_job(contents, path)
            cache.put_facts(*stored[path], computed)
            cached = decode_facts(computed[0]) if computed is not None else None
        return cached

    facts = _FactsOf(load)
    answers = cache.answers(str(settings.root), project_digests)
    project = _deferred_project(facts, kept, answers)
    if to_confirm:
        # The questions are asked by name: every module that registers one must be loaded
        # (a run served from the store has not imported the rules and the analysis they use).
        import fastapi_lint.rules  # noqa: F401

        for path, lookup in to_confirm.items():
            if _same_answers(project, lookup.questions):
                found[path] = lookup.result
                cache.refresh_result(path, project_digests)
    missing = [path for path in files if path not in found]

    # Results and answers are stored as they arrive, and written in batches while the
    # run lints: the parent keeps the findings to report, not what each file read.
    def learned(packed: bytes) -> None:
        cache.put_answers(packed)
        cache.save_if_many()

    def settled(path: Path, file_result: FileResult) -> None:
        if file_result.source_hash is not None and file_result.source_hash == hashes.get(path):
            cache.put_result(path, key(path), file_result, project_digests)
        file_result.reads = frozenset()
        cache.save_if_many()

    if missing:
        fresh = _lint_with_facts(missing, facts, settings, None, contents, jobs, project=project,
                                 learned=learned, settled=settled)
        found.update(zip(missing, fresh.files))
    learned(answers.drain())
    if new:
        cache.forget_other_versions(set(stored.values()))
    cache.save()
    return RunResult([found[path] for path in files])


def _facts_keys(hashes: dict[Path, str]) -> dict[Path, tuple[str, str]]:
    """Where the store keeps each file's facts: (module name, version). The version is the
    content hash, marked for a package's ``__init__``: the same bytes make other facts
    there (relative imports), and two such files may share a module name (an empty
    ``x/__init__.py`` beside an empty ``x.py`` in a folder that is not a package)."""
    keys = {}
    for path, hashed in hashes.items():
        module, is_package = module_name_for(path)
        keys[path] = (module, f"{hashed}+package" if is_package else hashed)
    return keys


class _FactsOf:
    """Files' facts by path, each decoded (``load``) when asked for, in the process that
    asks: a worker decodes what its files read, the main process none of it. A file the
    project keeps under its module name gets the project's object (rules tell their own
    module by identity), which the project may drop again once it is not being linted
    (``Project.modules.pinned``); any other file's facts are decoded at each ask."""

    def __init__(self, load: Callable[[Path], ModuleFacts | None]):
        self.load = load
        self.project: Project | None = None  # set by _deferred_project
        self.kept: dict[Path, str] = {}  # path -> the module name the project keeps it under

    def get(self, path: Path) -> ModuleFacts | None:
        module = self.kept.get(path)
        if module is not None and self.project is not None:
            return self.project.modules.unrecorded(module)
        return self.load(path)

    def pinned(self, path: Path):
        """Keeps the file's facts the project's object while it is linted."""
        module = self.kept.get(path)
        return self.project.modules.pinned(module) if module is not None and self.project is not None \
            else contextlib.nullcontext()

    def loaded(self, path: Path) -> ModuleFacts:
        return self.load(path) or ModuleFacts(*module_name_for(path))


# How many decoded objects (``project.facts_weight``) of modules' facts a process keeps
# while it lints: about 25 MB. Each worker of a run reads nearly every module (the
# project-wide indexes), and keeping them all decoded was 200 MB per worker at 5,000
# modules; what is dropped is decoded again when read again (on the corpus, once the
# indexes were built in one sweep: 150,000 cost about 2 CPU s more than 400,000, for
# 30 MB less at the peak).
DECODED_FACTS_BUDGET = 150_000
# ...or this many per module of the project, when more: a project of 20,000 small modules
# (the synthetic scale project) walks every module in more ways than the indexes' sweep
# covers, and dropping what every walk needs again made it a third slower and no smaller
# (the indexes keep parts of each module's facts). Memory stays linear in the project.
DECODED_FACTS_PER_MODULE = 50


def _deferred_project(facts: _FactsOf, kept: dict[str, Path], answers: Answers | None = None) -> Project:
    """The project of ``kept`` (module name -> the file whose facts it uses), each
    module's facts decoded when first read."""
    budget = None if DECODED_FACTS_BUDGET is None else max(DECODED_FACTS_BUDGET, DECODED_FACTS_PER_MODULE * len(kept))
    project = Project({module: Deferred(functools.partial(facts.loaded, path)) for module, path in kept.items()},
                      answers, budget=budget)
    facts.project = project
    facts.kept = {path: module for module, path in kept.items()}
    return project


def _same_answers(project: Project, questions: tuple) -> bool:
    try:
        return all(project.still_answers(name, args, answer) for _, name, args, answer in questions)
    except Exception:  # noqa: BLE001 - a question that fails now: lint the file again, which reports it
        return False


def _write_file(path: Path, file_result: FileResult, data: bytes, stamp: ReadStamp, roots: tuple[str, ...]) -> None:
    from fastapi_lint.engine import engine_diagnostic

    try:
        write_source(path, data, stamp, roots)
    except (OSError, WriteRefused) as exc:
        reason = str(exc) if isinstance(exc, WriteRefused) else f"cannot write fixed file: {exc.strerror or type(exc).__name__}"
        file_result.diagnostics.append(engine_diagnostic(file_result.path, PARSE_ERROR_CODE, reason))
        file_result.fixed_source = None
        file_result.fixed = 0


def unified_diff(file_result: FileResult) -> bytes:
    """The fix of one file as a unified diff that ``patch -p0``/``git apply`` accept; bytes,
    so files in any encoding or line-ending convention round-trip."""
    if file_result.fixed_source is None or file_result.source is None:
        return b""
    name = file_result.path.encode("utf-8", errors="surrogateescape")
    lines = difflib.diff_bytes(
        difflib.unified_diff,
        file_result.source.splitlines(keepends=True),
        file_result.fixed_source.splitlines(keepends=True),
        fromfile=name,
        tofile=name,
    )
    out = []
    for line in lines:
        if not line.endswith((b"\n", b"\r")):  # the last line of a file without a final newline
            line += b"\n\\ No newline at end of file\n"
        out.append(line)
    return b"".join(out)


def lint_text(source: str | bytes, path: str = "example.py", settings: Settings | None = None) -> list[Diagnostic]:
    """Lint one piece of source as if it were the only file of its project."""
    from fastapi_lint.engine import lint_source

    settings = settings or Settings(root=Path(os.getcwd()))
    data = source.encode("utf-8") if isinstance(source, str) else source
    facts = extract_facts(data, Path(path).stem)
    project = build_project([facts])
    options = _options(settings)
    return lint_source(path, data, facts, project, settings.rules_for(Path(path)), options).diagnostics


# ---------------------------------------------------------------- a long-lived project model
#
# The language server (fastapi_lint/server/) keeps every file's facts in memory and lints
# one buffer at a time as it is edited; these are the pieces of a run it needs.


Mapper = Callable[[Callable, "Contents", list[Path]], list]  # map(function, contents, paths): a pool


def index_facts(files: list[Path], cache: Cache | None = None, jobs: int = 1,
                mapper: Mapper | None = None) -> dict[Path, ModuleFacts]:
    """The facts of ``files`` (in their order): from the project's store where it has them
    (a file whose stat is unchanged is not even read), else extracted on ``jobs``
    processes (or by ``mapper``, for a caller that cannot fork) and remembered there.
    Files that cannot be read, are too large or whose facts cannot be extracted are left
    out (linting them reports why)."""
    def run(function: Callable, contents: Contents, paths: list[Path]) -> list:
        return mapper(function, contents, paths) if mapper else map_files(function, contents, paths, jobs, "indexing")

    if cache is None:
        computed = run(_facts_job, {}, files)
        return {path: found for path, found in zip(files, computed) if found is not None}
    hashes, contents = _content_hashes(files, cache, {})
    stored = _facts_keys(hashes)
    facts: dict[Path, ModuleFacts] = {}
    missing = []
    for path in hashes:
        found = cache.get_facts(*stored[path])
        if found is not None:
            facts[path] = found
        elif cache.get_digest(*stored[path]) != NO_FACTS:
            missing.append(path)
    for path, computed in zip(missing, run(_encoded_facts_job, contents, missing)):
        decoded = decode_facts(computed[0]) if computed is not None else None
        if decoded is not None:
            facts[path] = decoded
        cache.put_facts(*stored[path], computed)
    cache.save()
    return {path: facts[path] for path in hashes if path in facts}


def buffer_facts(path: Path, source: bytes) -> ModuleFacts | None:
    """The facts of an editor's buffer for ``path``; None when it has none (unreadable as
    Python source, too large: its lint reports why)."""
    return _facts_job({path: source}, path)


@dataclass
class BufferLint:
    """One lint of one version of a file (an editor's buffer): its findings, with the
    severities its configuration gives them and the project facts its rules read
    (``result.reads``), and the fix each finding proposes, to apply on its own."""

    result: FileResult
    source: bytes
    module: object = None  # the parsed libcst module the fixes edit; None when not parsed
    fixes: dict[int, Fix] = field(default_factory=dict)  # index in result.diagnostics -> its fix

    def fixed_source(self, index: int) -> bytes | None:
        """The source with only the fix of finding ``index`` applied; None when it has no
        fix, or applying it fails or leaves code that does not compile."""
        from fastapi_lint.fixes import apply as apply_fixes, reparses

        fix = self.fixes.get(index)
        if fix is None or self.module is None:
            return None
        try:
            fixed = apply_fixes(self.module, [fix]).bytes
        except Exception:  # noqa: BLE001 - a rule's broken fix is no fix
            return None
        if self.source.endswith(b"\r") and not fixed.endswith((b"\r", b"\n")):
            fixed += b"\r"  # libcst drops the last line end of a file whose lines end with a lone CR
        return fixed if fixed != self.source and reparses(fixed) else None


def lint_buffer(path: Path, source: bytes, facts: ModuleFacts | None, project: Project, settings: Settings) -> BufferLint:
    """Lint ``source`` as the file ``path`` of ``project`` with ``settings``, the
    configuration of its project. ``facts`` are the buffer's own, and should be the very
    object the project holds for its module (rules tell their own module by identity)."""
    from fastapi_lint.engine import lint_source_with_fixes

    if facts is None:
        facts = extract_facts(b"", module_name_for(path)[0])  # the lint reports what is wrong with the source
    with project.reads() as reads:
        result, module, fixes = lint_source_with_fixes(
            str(path), source, facts, project, settings.rules_for(path), _options(settings))
    result.reads = frozenset(reads)
    result.source_hash = content_hash(source)
    apply_overrides(RunResult([result]), settings)
    return BufferLint(result, source, module if fixes else None, dict(fixes))  # a tree only where a fix edits it


def fix_buffer(
    path: Path, source: bytes, facts: ModuleFacts | None, project: Project, settings: Settings, unsafe: bool = False,
) -> bytes | None:
    """``source`` with every safe fix applied (unsafe ones too with ``unsafe``), as
    ``--fix`` would write it; None when nothing changes."""
    from fastapi_lint.engine import fix_source

    if facts is None:
        return None
    result = fix_source(str(path), source, facts, project, settings.rules_for(path), _options(settings),
                        refresh_facts=lambda data: facts_for(path, data), unsafe=unsafe)
    return result.fixed_source
