"""The persistent cache (``.fastapi_lint_cache/`` next to the config).

Four stores, each one pickle file replaced atomically (temp file + rename), so
concurrent runs never see half a file; a store that cannot be read is ignored:

- ``index``: path -> (mtime_ns, size, content hash). A file whose stat is unchanged is
  not read again.
- ``digests``: (module, content hash) -> digest of the module's facts (first pass).
- ``facts``: (module, content hash) -> the facts themselves, loaded only when some file
  must be linted again.
- ``results``: path -> (key, dependencies, FileResult); the key is the content hash, the
  enabled rules and the settings; the dependencies are the facts digests of the
  modules the file's rules read, or of the whole project when they walked every module.

So an unchanged project costs a stat per file; editing a file re-checks it and the files
whose rules read its facts, and only if its facts changed (an edited function body or
comment leaves the facts of its module as they were). Everything is keyed by the linter's
own code too, so upgrading (or editing) fastapi-lint never serves stale results.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import fastapi_lint
from fastapi_lint.diagnostics import FileResult
from fastapi_lint.facts import ModuleFacts
from fastapi_lint.project import EVERY_MODULE

CACHE_DIR_NAME = ".fastapi_lint_cache"
NO_FACTS = "-"  # the digest of a file whose facts could not be extracted
_PACKAGE_DIR = Path(fastapi_lint.__file__).resolve().parent


def _code_version() -> str:
    """The tool version plus a digest of its source files' stats (editable installs)."""
    digest = hashlib.sha256(fastapi_lint.__version__.encode())
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(_PACKAGE_DIR)}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class Cache:
    def __init__(self, directory: Path):
        self.root = directory
        self.directory = directory / _code_version()
        self._index: dict[str, tuple[int, int, str]] | None = None
        self._facts: dict[tuple[str, str], ModuleFacts] | None = None
        self._digests: dict[tuple[str, str], str] | None = None
        self._results: dict[str, tuple] | None = None
        self._dirty: set[str] = set()

    # ------------------------------------------------------------ storage

    def _load(self, name: str) -> dict:
        try:
            with open(self.directory / f"{name}.pickle", "rb") as handle:
                value = pickle.load(handle)
            return value if isinstance(value, dict) else {}
        except Exception:  # noqa: BLE001 - a missing or corrupt store is an empty one
            return {}

    def _store(self, name: str, value: dict) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.root / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by fastapi-lint\n*\n")
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.directory / f"{name}.pickle")
            except BaseException:
                os.unlink(temp)
                raise
        except OSError:
            pass  # a read-only or full disk only costs speed

    @property
    def index(self) -> dict:
        if self._index is None:
            self._index = self._load("index")
        return self._index

    @property
    def facts(self) -> dict:
        if self._facts is None:
            self._facts = self._load("facts")
        return self._facts

    @property
    def digests(self) -> dict:
        if self._digests is None:
            self._digests = self._load("digests")
        return self._digests

    @property
    def results(self) -> dict:
        if self._results is None:
            self._results = self._load("results")
        return self._results

    def save(self) -> None:
        for name in sorted(self._dirty):
            self._store(name, getattr(self, name))
        self._dirty.clear()

    # ------------------------------------------------------------ queries

    def known_hash(self, path: Path) -> str | None:
        """The content hash recorded for a file whose size and mtime have not changed."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        entry = self.index.get(os.path.abspath(path))
        if entry is not None and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            return entry[2]
        return None

    def remember_hash(self, path: Path, data: bytes) -> str:
        value = content_hash(data)
        try:
            stat = os.stat(path)
        except OSError:
            return value
        self.index[os.path.abspath(path)] = (stat.st_mtime_ns, stat.st_size, value)
        self._dirty.add("index")
        return value

    def get_digest(self, module: str, hashed: str) -> str | None:
        return self.digests.get((module, hashed))

    def get_facts(self, module: str, hashed: str) -> ModuleFacts | None:
        return self.facts.get((module, hashed))

    def put_facts(self, module: str, hashed: str, computed: tuple[ModuleFacts, str] | None) -> None:
        """``computed``: the facts and their ``facts_digest``; None when the file has none
        (unreadable, too large), remembered as ``NO_FACTS`` so later runs do not try again."""
        if computed is None:
            self.digests[(module, hashed)] = NO_FACTS
            self._dirty.add("digests")
            return
        self.facts[(module, hashed)], self.digests[(module, hashed)] = computed
        self._dirty.update(("facts", "digests"))

    def get_result(self, path: Path, key: tuple, shown: str, digests: ProjectDigests) -> Lookup:
        """The stored result if its key matches and the facts it read are unchanged; when
        only its queries' answers may have changed, the queries to ask again."""
        entry = self.results.get(os.path.abspath(path))
        if entry is None or entry[0] != key or entry[1] != digests.dependencies(entry[3].reads):
            return Lookup(None)
        result: FileResult = entry[3]
        if result.path != shown:  # the same file seen from another working directory
            result = FileResult(shown, [replace(d, path=shown) for d in result.diagnostics], result.suppressed,
                                reads=result.reads)
        if entry[2] == digests.every:  # no module's facts changed since: nor did any answer
            return Lookup(result)
        return Lookup(result, tuple(read for read in result.reads if isinstance(read, tuple)))

    def put_result(self, path: Path, key: tuple, result: FileResult, digests: ProjectDigests) -> None:
        self.results[os.path.abspath(path)] = (key, digests.dependencies(result.reads), digests.every, result)
        self._dirty.add("results")

    def forget_other_versions(self, current: set[tuple[str, str]]) -> None:
        """Forget older versions of the modules seen in this run (the stores would grow
        forever). ``current``: their (module, content hash) pairs; two files may share a
        module name (namespace packages), so a name may have several current versions."""
        names = {module for module, _ in current}
        for name in ("facts", "digests"):
            store = getattr(self, name)
            stale = [key for key in store if key[0] in names and key not in current]
            for key in stale:
                del store[key]
            if stale:
                self._dirty.add(name)


def facts_digest(facts: ModuleFacts) -> str:
    """Equal for the facts of equal sources, in whichever process they are extracted:
    extraction is deterministic (no sets), so the pickles are too. Only for facts fresh
    from ``extract_facts``: a copy that crossed a pickle round trip may share strings
    differently and pickle to other bytes."""
    return hashlib.blake2b(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Lookup:
    """A stored result (None: there is none to use); ``questions``: the ``@query`` reads
    (name, args, answer digest) whose answers must still be the same for it to hold."""

    result: FileResult | None
    questions: tuple = ()


class ProjectDigests:
    """The facts digest of each module of this run's project, by dotted name."""

    def __init__(self, digests: dict[str, str]):
        self.modules = digests

    @cached_property
    def every(self) -> str:
        return digest(sorted(self.modules.items()))

    @cached_property
    def names(self) -> str:
        # Reads only note modules that exist (project.py): a new or removed module name
        # may change what any lookup finds.
        return digest(sorted(self.modules))

    def dependencies(self, reads: frozenset) -> str:
        """A digest of what a result depends on besides its own file and its queries: the
        facts of the modules its rules read, or of all of them when they walked every module."""
        if EVERY_MODULE in reads:
            return self.every
        return digest(self.names, sorted((name, self.modules.get(name)) for name in reads if isinstance(name, str)))
