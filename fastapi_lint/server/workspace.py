"""The language server's model of the workspace, without any LSP in it.

Per project (the root the CLI would choose for a file, see ``projects.py``), the facts of
every one of its files, from the project's store or extracted once (``api.index_facts``),
with the open buffers' facts in place of their files' (an unsaved edit to ``deps.py``
changes findings in the router that uses it), and the :class:`~fastapi_lint.project.Project`
index over them, kept in memory. An edit that changes a module's facts replaces that
module and keeps every memoised project answer that did not read it
(``Project.with_modules``); an edit that leaves them as they were (a function body, a
comment) keeps the project as it is.

After linting a buffer, :meth:`Workspace.affected` names the other open files whose last
lint read a module whose facts just changed (or asked a project-wide question whose
answer did): only they are linted again.

While a buffer does not parse, the other files see the last version of it that did (what
is on disk, or an earlier state of the buffer): a half-typed line must not make every
router that imports from it light up.

A project is indexed from disk when its root is inside a workspace folder or holds one;
a file opened from anywhere else is linted with the facts of the open buffers of its
project only (opening one file of an installed library must not index the library).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import io
import itertools
import multiprocessing
import os
import threading
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from fastapi_lint.analysis.facts import ModuleFacts
from fastapi_lint.analysis.qualnames import forget_packages
from fastapi_lint.api import BufferLint, buffer_facts, fix_buffer, index_facts, lint_buffer
from fastapi_lint.cache import CACHE_DIR_NAME, Cache
from fastapi_lint.config import Settings, forget_configs
from fastapi_lint.diagnostics import FileResult
from fastapi_lint.discovery import is_excluded, walk
from fastapi_lint.errors import UsageError
from fastapi_lint.files import is_inside
from fastapi_lint.project import EVERY_MODULE, Project, flat_reads
from fastapi_lint.projects import MARKERS, ProjectRoot, SettingsResolver

Log = Callable[[str], None]
_MIN_FILES_FOR_POOL = 64


def spawned_map(jobs: int, function: Callable, contents: dict, paths: list[Path]) -> list:
    """``[function(contents, path) for path in paths]`` on ``jobs`` fresh processes.

    The server indexes on a thread while the event loop runs on another: forking then
    would copy locks other threads hold (the runner's pool forks), so the workers are
    spawned. Each path travels with its contents, if read already."""
    if jobs <= 1 or len(paths) < _MIN_FILES_FOR_POOL:
        return [function(contents, path) for path in paths]
    payloads = [({path: contents[path]} if path in contents else {}, path) for path in paths]
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_call, itertools.repeat(function), payloads, chunksize=16))


def _call(function: Callable, payload: tuple) -> object:
    return function(*payload)


def encode_buffer(text: str) -> bytes:
    """An editor's buffer as the bytes the file would hold: in the encoding its coding
    declaration names (UTF-8 without one). Text that cannot be encoded so is encoded as
    UTF-8 (a lone surrogate passes through, and the lint reports the bad bytes)."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        declared, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return data
    if declared in ("utf-8", "utf-8-sig"):
        return data
    try:
        return text.encode(declared)
    except (UnicodeError, LookupError):
        return data


@dataclass
class Document:
    """An open buffer and its last lint."""

    uri: str
    path: Path
    text: str
    version: int | None = None
    lint: BufferLint | None = None
    linted_text: str | None = None  # the text of ``lint`` (positions are computed on it)
    linted_version: int | None = None
    stale: bool = False  # another file's change may have changed its findings
    approximate: bool = False  # linted against the project before its lines moved (see Workspace.lint)

    @property
    def current(self) -> bool:
        """Its lint is of its text as it is now, with the project as it is now."""
        return self.lint is not None and not self.stale and self.linted_text == self.text


# What a project's settings and detected versions are read from, in its root: a change to
# any of them reloads (checked before each lint, for clients that do not watch files).
_CONFIG_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock",
                 "requirements.txt")


def config_stamp(root: Path) -> tuple:
    found = []
    for name in _CONFIG_FILES:
        try:
            status = os.stat(root / name)
        except OSError:
            continue
        found.append((name, status.st_mtime_ns, status.st_size))
    return tuple(found)


_FIELDS: dict[type, tuple[str, ...]] = {}
_LINE_FIELDS = frozenset({"line", "statement_lines", "class_body_lines"})


def same_but_lines(a: object, b: object) -> bool:
    """``a == b`` for facts, except for the fields that hold line numbers."""
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a):
        names = _FIELDS.get(type(a))
        if names is None:
            names = _FIELDS[type(a)] = tuple(f.name for f in dataclasses.fields(a) if f.name not in _LINE_FIELDS)
        return all(same_but_lines(getattr(a, name), getattr(b, name)) for name in names)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_but_lines(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_but_lines(value, b[key]) for key, value in a.items())
    return a == b


class ProjectState:
    """The facts of one project's files (open buffers' in place of their files') and the
    project index over them."""

    def __init__(self, root: ProjectRoot, facts: dict[Path, ModuleFacts], indexed: bool):
        self.root = root.root
        self.settings = root.settings
        self.indexed = indexed
        self.stamp = config_stamp(root.root)  # what its configuration files were when it was made
        self.facts = dict(sorted(facts.items(), key=lambda item: item[0].as_posix()))
        self.disk: dict[Path, ModuleFacts] = {}  # what a file's facts were before its buffer replaced them
        self.project = Project(self._modules())

    def _modules(self) -> dict[str, ModuleFacts]:
        modules: dict[str, ModuleFacts] = {}
        for found in self.facts.values():
            modules.setdefault(found.module, found)  # as api.build_project: the first path wins
        return modules

    def update(self, path: Path, new: ModuleFacts | None) -> set[str] | None:
        """Use ``new`` as the facts of ``path`` (None: it has none); returns the names of
        the modules whose facts changed (empty when the module names changed too: then
        every answer may have), or None when nothing changed."""
        old = self.facts.get(path)
        if old == new:
            return None
        if new is None:
            del self.facts[path]
        elif old is None:
            self.facts[path] = new
            self.facts = dict(sorted(self.facts.items(), key=lambda item: item[0].as_posix()))
        else:
            self.facts[path] = new
        modules = self._modules()
        names_changed = dict.keys(self.project.modules) != modules.keys()
        changed = {found.module for found in (old, new) if found is not None}
        self.project = self.project.with_modules(modules, changed)
        return set() if names_changed else changed


@dataclass
class Workspace:
    """Open documents and the projects they belong to. Not thread-safe: the protocol
    calls it from one thread, except :meth:`index`, which only reads the disk."""

    folders: list[Path] = field(default_factory=list)
    use_cache: bool = True
    jobs: int = 1
    log: Log = lambda message: None  # noqa: E731 - a default that does nothing

    def __post_init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.projects: dict[Path, ProjectState] = {}
        self.resolver = SettingsResolver()
        self._lock = threading.Lock()  # the resolver is shared with the indexing thread
        self._broken: dict[str, ProjectRoot] = {}  # directory -> fallback, while its configuration is broken

    # ------------------------------------------------------------ projects

    def project_root(self, path: Path) -> ProjectRoot:
        """The project of ``path`` and its settings; a broken configuration is logged and
        its project linted with the defaults (the editor keeps working while it is fixed)."""
        with self._lock:
            directory = os.path.dirname(os.path.abspath(path))
            broken = self._broken.get(directory)
            if broken is not None:
                return broken
            try:
                return self.resolver.for_path(path)
            except UsageError as exc:
                self.log(f"configuration error: {exc}; linting with the default settings until it is fixed")
                fallback = SettingsResolver(fixed=Settings(root=path.parent), isolated=True)
                found = self._broken[directory] = fallback.for_path(path)
                return found

    def wants_index(self, root: Path) -> bool:
        """Index the project at ``root`` from disk: it is inside a workspace folder, or it
        holds one and is marked as a project (``pyproject.toml``, ``.git``...): a root that
        is only the server's working directory (the home directory...) is never walked."""
        text = os.path.abspath(root)
        marked = any(os.path.lexists(os.path.join(text, marker)) for marker in MARKERS)
        return any(is_inside(text, (os.path.abspath(f),)) or marked and is_inside(os.path.abspath(f), (text,))
                   for f in self.folders)

    def index(self, root: ProjectRoot) -> ProjectState:
        """The project's state from disk (may take long: called off the protocol's thread)."""
        if not self.wants_index(root.root):
            return ProjectState(root, {}, indexed=False)
        with self._lock:
            files = walk(root.root, root.settings, self.resolver, own_project_only=True)
        cache = Cache(root.root / CACHE_DIR_NAME) if self.use_cache else None
        try:
            facts = index_facts(files, cache, self.jobs, mapper=functools.partial(spawned_map, self.jobs))
        finally:
            if cache is not None:
                cache.close()
        return ProjectState(root, facts, indexed=True)

    def install(self, state: ProjectState) -> None:
        """Make ``state`` the project's, with the open buffers' facts in place of their files'."""
        self.projects[state.root] = state
        for document in self.documents.values():
            if self.project_root(document.path).root == state.root:
                self._overlay(state, document)

    def state_of(self, document: Document) -> ProjectState | None:
        """The project state of an open document; None until its project is installed."""
        return self.projects.get(self.project_root(document.path).root)

    # ------------------------------------------------------------ documents

    def open(self, uri: str, path: Path, text: str, version: int | None) -> Document:
        document = self.documents[uri] = Document(uri, path, text, version)
        return document

    def change(self, uri: str, text: str, version: int | None) -> Document | None:
        document = self.documents.get(uri)
        if document is not None:
            document.text, document.version = text, version
        return document

    def close(self, uri: str) -> tuple[ProjectState, set[str]] | None:
        """Forget a buffer: its file's facts come from disk again. Returns its project and
        what changed (as :meth:`ProjectState.update`), or None when nothing did."""
        document = self.documents.pop(uri, None)
        if document is None:
            return None
        state = self.projects.get(self.project_root(document.path).root)
        if state is None or document.path in (d.path for d in self.documents.values()):
            return None
        changed = state.update(document.path, self._disk_facts(state, document.path))
        return None if changed is None else (state, changed)

    def _disk_facts(self, state: ProjectState, path: Path) -> ModuleFacts | None:
        if not state.indexed:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return buffer_facts(path, data)

    def _overlay(self, state: ProjectState, document: Document, source: bytes | None = None,
                 exact: bool = True) -> tuple[ModuleFacts | None, set[str] | None, bool]:
        """Put the buffer's facts into the project; returns the facts to lint it with, what
        changed, and whether the project was left behind (see :meth:`lint`). A buffer
        with a syntax error leaves the last facts that parsed in the project."""
        found = buffer_facts(document.path, encode_buffer(document.text) if source is None else source)
        previous = state.facts.get(document.path)
        if found is not None and found == previous:
            return previous, None, False  # the very object the project holds: rules compare by identity
        if found is not None and found.syntax_error is not None and previous is not None \
                and previous.syntax_error is None:
            return found, None, False
        if not exact and found is not None and previous is not None and same_but_lines(found, previous):
            # Findings are placed by the lines the top-level statements start on: the buffer's
            # own (nothing the project computes reads them).
            previous.statement_lines = found.statement_lines
            previous.class_body_lines = found.class_body_lines
            return previous, None, True
        return found, state.update(document.path, found), False

    def config_changed(self, document: Document) -> bool:
        """A configuration file of the document's project changed since it was read."""
        state = self.state_of(document)
        return state is not None and config_stamp(state.root) != state.stamp

    def excluded(self, document: Document) -> bool:
        """Excluded by its configuration (as with ``--force-exclude``): not linted."""
        settings = self.project_root(document.path).settings
        return is_excluded(document.path, settings, check_parents=True)

    def lint(self, document: Document, exact: bool = True) -> set[str] | None:
        """Lint the buffer as it is now (its project must be installed); returns the names
        of the modules whose facts changed with it (see :meth:`ProjectState.update`).

        Without ``exact``, a buffer whose facts differ from the project's only in line
        numbers (a line typed or deleted: every later line moved) is linted against the
        project as it is, which saves recomputing every project-wide answer that read the
        module; only a message quoting a line of this module's facts can be off by the
        lines that moved. ``document.approximate`` then says an exact lint should follow."""
        state = self.state_of(document)
        if state is None:
            raise LookupError("the project of this document is not indexed yet")
        text = document.text
        source = encode_buffer(text)
        if self.excluded(document):
            document.lint, document.linted_text, document.linted_version = (
                BufferLint(FileResult(str(document.path)), source), text, document.version)
            return None
        facts, changed, approximate = self._overlay(state, document, source, exact)
        document.lint = lint_buffer(document.path, source, facts, state.project, state.settings)
        document.linted_text, document.linted_version, document.stale = text, document.version, False
        document.approximate = approximate
        return changed

    def fix_all(self, document: Document, unsafe: bool = False) -> bytes | None:
        """The buffer with every safe fix applied; None when nothing changes."""
        state = self.state_of(document)
        if state is None or self.excluded(document):
            return None
        source = encode_buffer(document.text)
        return fix_buffer(document.path, source, buffer_facts(document.path, source), state.project, state.settings,
                          unsafe)

    def affected(self, state: ProjectState | None, changed: set[str], but: Document | None = None) -> list[Document]:
        """The open documents of ``state``'s project (but ``but``) whose last lint may be
        wrong now that the facts of the ``changed`` modules changed (empty: the module
        names did); they are marked stale, to be linted again."""
        if state is None:
            return []
        found = []
        for other in self.documents.values():
            if other is but or other.lint is None or self.state_of(other) is not state:
                continue
            if _reads_changed(state.project, other.lint.result.reads, changed):
                other.stale = True
                found.append(other)
        return found

    # ------------------------------------------------------------ changes on disk

    def reload(self) -> list[Document]:
        """A configuration changed: settings, project roots and facts are found again;
        returns the open documents to lint again."""
        with self._lock:
            forget_configs()
            forget_packages()
            self.resolver = SettingsResolver()
            self._broken.clear()
        self.projects.clear()
        for document in self.documents.values():
            document.lint = None
        return list(self.documents.values())

    def file_changed(self, path: Path, deleted: bool = False) -> tuple[ProjectState, set[str]] | None:
        """A Python file changed on disk (not through an open buffer, which wins). Returns
        its project and what changed, or None when nothing did."""
        if any(d.path == path for d in self.documents.values()):
            return None
        state = self.projects.get(self.project_root(path).root)
        if state is None or not state.indexed:
            return None
        new = None if deleted else self._disk_facts(state, path)
        if new is not None and is_excluded(path, state.settings, check_parents=True):
            new = None
        changed = state.update(path, new)
        return None if changed is None else (state, changed)


def _reads_changed(project: Project, reads: frozenset, changed: set[str]) -> bool:
    """A lint that read ``reads`` may find something else in ``project``: it read a module
    in ``changed`` (empty: every module may differ), walked every module, or asked a
    question whose answer is not the same now."""
    if not changed:
        return True
    for item in flat_reads(reads):
        if item == EVERY_MODULE or item in changed:
            return True
        if isinstance(item, tuple) and len(item) == 4 and item[0] == "?":
            _, name, args, answer = item
            try:
                if not project.still_answers(name, args, answer):
                    return True
            except Exception:  # noqa: BLE001 - a question that fails now: lint again, which reports it
                return True
    return False
