"""The persistent cache (``.fastapi_lint_cache/`` next to the config): one SQLite store.

Its tables are written in one transaction at the end of a run and read in bulk (every
file's stat row and facts digest in one query each, results in batches), except the
facts themselves and the answers, read only when needed:

- ``files``: path -> (mtime, size, ctime, inode, content hash). A file whose stat is
  unchanged is not read again, unless its mtime is not older than the store's last write
  (a "racy" entry: the file may have changed within the clock's resolution).
- ``facts``: (module, content hash) -> digest of the module's facts (with its own keyed
  digest, so it is checked without reading them); ``facts_data``, the facts themselves
  (first pass), read and decoded only when some file must be linted again.
- ``results``: path -> (key, dependencies, FileResult); the key is the content hash, the
  enabled rules and the settings; the dependencies are the facts digests of the modules
  the file's rules read, or of the whole project when they walked every module. The
  questions a result asked (``questions``: large, needed only once a module changed) sit
  in their own table, the result row keeping their digest.
- ``answers``: the answers of the project's questions (``project.query``) and its
  modules' shares of project-wide indexes (``Project.share``), each with the modules
  computing it read; read one by one, or all of one name at once when a run asks for many
  (an index rebuilt after an edit asks for every module's share).

So an unchanged project costs a stat per file; editing a file re-checks it and the files
whose rules read its facts, and only if its facts changed (an edited function body or
comment leaves the facts of its module as they were). Everything is keyed by the linter's
own code too, so upgrading (or editing) fastapi-lint never serves stale results.

The store sits in the linted tree, which is untrusted (a repository can commit one):
rows are plain JSON decoded by :mod:`fastapi_lint.codec` into our own data classes only,
each row carries a keyed digest made with a secret kept outside the tree (so a planted
row that would hide findings is ignored), a store whose schema is not exactly ours is
discarded, so is one whose tables fail SQLite's quick_check (each table is checked before
its first read, the whole file before any write), and nothing is created through a
symbolic link.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import sqlite3
import stat as stat_module
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path

import fastapi_lint
from fastapi_lint import codec
from fastapi_lint.diagnostics import FileResult
from fastapi_lint.analysis.facts import ModuleFacts
from fastapi_lint.project import EVERY_MODULE, AnswerDeps, Answers, Learned, ReadGroup, flat_reads

CACHE_DIR_NAME = ".fastapi_lint_cache"
STORE_NAME = "store.sqlite"
NO_FACTS = "-"  # the digest of a file whose facts could not be extracted
_PACKAGE_DIR = Path(fastapi_lint.__file__).resolve().parent
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE files (path BLOB PRIMARY KEY, stat TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE TABLE facts (module BLOB NOT NULL, hash TEXT NOT NULL, digest TEXT NOT NULL, digest_mac TEXT NOT NULL,"
    " mac TEXT NOT NULL, PRIMARY KEY (module, hash))",
    "CREATE TABLE facts_data (module BLOB NOT NULL, hash TEXT NOT NULL, data TEXT, PRIMARY KEY (module, hash))",
    "CREATE TABLE results (path BLOB PRIMARY KEY, key TEXT NOT NULL, deps TEXT NOT NULL, every TEXT NOT NULL,"
    " data TEXT NOT NULL, modules TEXT NOT NULL, questions TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE TABLE questions (path BLOB PRIMARY KEY, data TEXT NOT NULL)",
    "CREATE TABLE groups (id TEXT PRIMARY KEY, data TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE TABLE answers (key TEXT PRIMARY KEY, name TEXT NOT NULL, modules TEXT NOT NULL, deps TEXT NOT NULL,"
    " answer TEXT NOT NULL, questions TEXT NOT NULL, data TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE INDEX answers_by_name ON answers (name)",
)
_GROUP = "#group"  # a stored read "#group<id>" (no module name starts with "#"): a ReadGroup kept in its own row
_SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")
_BUSY_SECONDS = 5.0
_BATCH = 500  # parameters per query (SQLite allows 999 in old builds)
# Results and answers waiting for the store past which a run writes them while it lints
# (``save_if_many``): a cold run's would otherwise all wait in memory for its last write.
_PENDING_ROWS = 20_000
_PENDING_ANSWER_BYTES = 2_000_000  # of StoreAnswers' compressed rows: about 30,000 answers
# Likewise facts and results, by the size of their text (a cold run's whole project's facts
# are 116 MB on the benchmark corpus: kept to its end, the workers forked for the lint
# inherited them; its results' questions are 27 MB).
_PENDING_TEXT_CHARS = 8_000_000
# Past this many lookups of one question (or share) name in a run, its stored answers are
# read in one query: an index rebuilt after an edit asks for every module's share.
_ANSWERS_ONE_BY_ONE = 32
_INHERITED: list = []  # in a forked worker, the parent's connections (see Cache._open)
_TABLE_READ = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")  # in our own SQL: the tables a query reads
_EVERY_MODULE_TEXT = json.dumps([EVERY_MODULE])  # the stored reads of an answer that read every module


def _stale(row: tuple, every: str) -> bool:
    """An answer row (modules, deps, ...) that read every module, one of which has changed
    since: told without checking or decoding it (a miss needs no trust)."""
    return row[0] == _EVERY_MODULE_TEXT and row[1] != every


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


def encode_facts(facts: ModuleFacts) -> tuple[str, str]:
    """The facts as the store keeps them, and their digest: equal for the facts of equal
    sources, in whichever process they are extracted (extraction and encoding are
    deterministic). Workers encode; the main process only stores the text."""
    text = codec.dumps(facts)
    return text, hashlib.blake2b(text.encode("ascii"), digest_size=16).hexdigest()


def decode_facts(text: str | bytes) -> ModuleFacts | None:
    try:
        return codec.loads(text, ModuleFacts)
    except codec.DecodeError:
        return None


def _question_key(project: str, name: str, args: tuple) -> str:
    # Most questions (a module's share, may_use's imports) take strings or tuples of
    # strings: JSON's own encoder, a string and a tuple staying apart ("a" and ["a"]).
    if all(type(arg) is str or (type(arg) is tuple and all(type(item) is str for item in arg)) for arg in args):
        return content_hash(b"s" + json.dumps([project, name, *args]).encode("ascii"))
    return content_hash(codec.dumps((project, name, args)).encode("ascii"))


def _spell_answer(project: str, digests: ProjectDigests, learned: Learned) -> str | None:
    """A learnt answer of the project rooted at ``project`` as the store's row, a JSON array
    (key, name, modules, deps, answer digest, questions, data); None when the store cannot
    keep its value (it is asked again next time)."""
    name, args, value, (modules, questions), answer = learned
    try:
        key = _question_key(project, name, args)
        data = codec.dumps(value)
    except (TypeError, ValueError):
        return None
    reads = digests.spelled_reads.get(modules)  # answers share few read sets
    if reads is None:
        reads = digests.spelled_reads[modules] = (json.dumps(sorted(modules), ensure_ascii=True),
                                                  digests.dependencies(modules))
    questions_text = digests.spelled_questions.get(questions)  # and few sets of questions
    if questions_text is None:
        questions_text = digests.spelled_questions[questions] = codec.dumps(questions) if questions else ""
    return json.dumps([key, name, *reads, answer, questions_text, data], ensure_ascii=True)


class StoreAnswers(Answers):
    """The answers of a run with a store: each learnt one is spelled as the store's row when
    it is learnt and kept compressed, and ``drain`` gives those bytes (what
    ``Cache.put_answers`` takes). A worker's first result carries every share of the
    indexes it swept (80,000 on the corpus): as objects, then as text, they left 35 MB of
    its memory fragmented; compressed, they are 5 MB, and cross to the parent as one."""

    def __init__(self, spell: Callable[[Learned], str | None],
                 known: Callable[[str, tuple], tuple[object, AnswerDeps] | None] | None = None,
                 known_digest: Callable[[str, tuple], tuple[str, AnswerDeps] | None] | None = None,
                 teaches_sweep: Callable[[], bool] = lambda: True):
        super().__init__(known, known_digest, teaches_sweep)
        self._spell = spell
        self._packer = None
        self._packed: list[bytes] = []

    def learn(self, name: str, args: tuple, value: object, deps: AnswerDeps, digest: str = "") -> None:
        line = self._spell((name, args, value, deps, digest))
        if line is None:
            return
        if self._packer is None:
            self._packer = zlib.compressobj(1)
        self._packed.append(self._packer.compress(line.encode("ascii") + b"\n"))

    def drain(self) -> bytes:
        if self._packer is None:
            return b""
        self._packed.append(self._packer.flush())
        packed, self._packer, self._packed = b"".join(self._packed), None, []
        return packed

    def for_workers(self, teaches_sweep: Callable[[], bool]) -> StoreAnswers:
        return StoreAnswers(self._spell, teaches_sweep=teaches_sweep)


def _answer_rows(pending: list[bytes]) -> Iterator[list[str]]:
    """The rows ``StoreAnswers.drain`` packed, one at a time."""
    for packed in pending:
        text = zlib.decompress(packed).decode("ascii")
        start = 0
        while start < len(text):
            end = text.index("\n", start)
            yield json.loads(text[start:end])
            start = end + 1


def _blob(name: str) -> bytes:
    """A path or module name as stored: its bytes, so undecodable file names fit too."""
    return name.encode("utf-8", "surrogateescape")


def _text(stored: object) -> str | None:
    return stored.decode("utf-8", "surrogateescape") if isinstance(stored, bytes) else None


def file_stamp(stat: os.stat_result) -> str:
    """What must stay equal for a file's recorded hash to hold without reading it. The
    ctime and inode catch a same-size rewrite that kept the mtime (``cp -p``, ``tar``)."""
    return f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ctime_ns}:{stat.st_ino}"


# ---------------------------------------------------------------- the store's secret


def _user_cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"


@contextlib.contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _secret_key() -> bytes:
    """The key that signs store rows: kept in the user's cache directory, outside any
    linted tree, created on first use. Where it cannot be kept, a key for this process
    only (the store is then never trusted by a later run: slower, never wrong)."""
    key_path = _user_cache_home() / "fastapi-lint" / "store.key"
    try:
        data = key_path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    fresh = secrets.token_bytes(32)
    try:
        with _umask(0o077):
            key_path.parent.mkdir(parents=True, exist_ok=True)
            temp = key_path.with_name(f".store.key.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(fresh)
            try:
                os.link(temp, key_path)  # the first process to get here wins; the others read its key
            finally:
                os.unlink(temp)
        data = key_path.read_bytes()
        return data if len(data) == 32 else fresh
    except OSError:
        return fresh


# ---------------------------------------------------------------- files without following links


def _real_directory(path: Path, create: bool) -> bool:
    """``path`` is (or has just been made) a directory that is not a symbolic link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.mkdir(path)
        except FileExistsError:
            pass
        except OSError:
            return False
        return _real_directory(path, create=False)
    except OSError:
        return False
    return stat_module.S_ISDIR(mode)


def _regular_or_absent(path: Path) -> bool:
    try:
        return stat_module.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _create_new_file(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` unless anything (a file, a dangling link) is there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


class Cache:
    def __init__(self, directory: Path, trusted_directory: bool = False):
        """``directory``: where stores live. A directory the linted tree provides (the
        default one) must not be a symbolic link; ``trusted_directory`` (named on the
        command line) may be."""
        self.root = directory
        self.directory = directory / _code_version()
        self._trusted_directory = trusted_directory
        self._key: bytes | None = None
        self._connection: sqlite3.Connection | None = None
        self._checked_tables: set[str] = set()  # passed quick_check in this run ("*": the whole store)
        self._opened = False
        self._pid = os.getpid()
        self._files: dict[str, tuple[str, str]] = {}
        self._facts: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._pending_chars = 0  # the text of ``_facts`` and ``_results`` (findings, questions)
        self._results: dict[str, tuple[str, str, str, str, str, str]] = {}
        self._questions: dict[str, str] = {}  # path -> its result's questions, to write ("": none)
        self._forget: set[tuple[str, str]] = set()
        self._groups: dict[str, str] = {}  # id -> data, to write
        self._answers: list[bytes] = []  # answers to write, as StoreAnswers packs them
        self._answer_bytes = 0  # the size of ``_answers``
        self._answer_asks: dict[str, int] = {}  # lookups per question name this run
        self._stored_answers: dict[str, dict[str, tuple]] = {}  # name -> key -> row, for names read in bulk
        self._decoded_questions: dict[str, frozenset] = {}  # a stored answer's questions by spelling
        self._group_ids: dict[int, tuple[ReadGroup, str]] = {}
        self._loaded_groups: dict[str, ReadGroup | None] = {}
        self._written_ns: int | None = None
        # Rows read in one query each (a run needs every file's stat and facts digest, and
        # the result of most files): far cheaper than a query per file.
        self._stored_files: dict[bytes, tuple[str, str, str]] | None = None
        self._stored_digests: dict[tuple[bytes, str], tuple[str, str]] | None = None
        self._stored_results: dict[bytes, tuple] = {}
        self._holding: dict[str, tuple] = {}  # path -> stored result row read under another project digest
        self._prefetched: list[bytes] = []  # the paths whose results were read in bulk
        self._stored_questions: dict[bytes, str] | None = None  # their questions, read when first needed

    # ------------------------------------------------------------ storage

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = _secret_key()
        return self._key

    def _mac(self, table: str, *values: str | None) -> str:
        # Each value length-prefixed (None apart from ""), so no two rows share an input;
        # no re-encoding of the (large) data, which the MAC covers byte for byte.
        mac = hashlib.blake2b(key=self.key, digest_size=16)
        for value in (table, *values):
            if value is None:
                mac.update(b"-;")
            elif not isinstance(value, str):  # never written by us: a forged row, which fails
                mac.update(b"?;")
            else:
                data = value.encode("utf-8", "surrogatepass")
                mac.update(b"%d;" % len(data))
                mac.update(data)
        return mac.hexdigest()

    def _prepare_directory(self) -> bool:
        if self._trusted_directory:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
            except OSError:
                return False
            if not os.path.isdir(self.root):
                return False
        elif not _real_directory(self.root, create=True):
            return False
        _create_new_file(self.root / ".gitignore", "# Created by fastapi-lint\n*\n")
        return _real_directory(self.directory, create=True)

    def _open(self) -> sqlite3.Connection | None:
        """The store, created if missing; None when it cannot be used (an unsafe or
        locked location, a file that is not ours): the run goes on without a cache."""
        if self._opened and self._pid != os.getpid():
            # A forked worker: SQLite connections must not cross a fork; it reads through
            # its own. The parent's is kept referenced, never closed from here.
            _INHERITED.append(self._connection)
            self._opened, self._connection = False, None
        if self._opened:
            return self._connection
        self._opened, self._pid = True, os.getpid()
        if not self._prepare_directory():
            return None
        path = self.directory / STORE_NAME
        if not all(_regular_or_absent(Path(f"{path}{suffix}")) for suffix in ("", *_SQLITE_SIDE_FILES)):
            return None
        try:
            connection = self._connect(path)
        except sqlite3.Error:
            connection = None
        if connection is None:  # not our store: start a new one in its place
            with contextlib.suppress(OSError):
                for suffix in ("", *_SQLITE_SIDE_FILES):
                    if os.path.lexists(f"{path}{suffix}"):
                        os.unlink(f"{path}{suffix}")
            try:
                connection = self._connect(path)
            except sqlite3.Error:
                connection = None
        self._connection = connection
        return connection

    def _connect(self, path: Path) -> sqlite3.Connection | None:
        connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.execute("PRAGMA cell_size_check = ON")
            connection.execute("PRAGMA mmap_size = 0")
            schema = [row[0] for row in connection.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
            if not schema:
                connection.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.execute("COMMIT")
            elif tuple(schema) != _SCHEMA:
                connection.close()
                return None
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def _rows(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        connection = self._open()
        if connection is None or not self._checked(*_TABLE_READ.findall(sql)):
            return []
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.Error:
            return []

    def _checked(self, *tables: str) -> bool:
        """Whether these tables of the (untrusted) store passed SQLite's quick_check, run
        once per table before its first read ("*": the whole file, before any write). A
        damaged file is reported as rows of text, not as an error: only "ok" passes, and a
        store that fails is dropped for the rest of the run and replaced by the next one.
        Per table, so a warm run checks the small tables it reads, not the facts' text."""
        for table in tables:
            if table in self._checked_tables:
                continue
            pragma = "PRAGMA quick_check(1)" if table == "*" else f"PRAGMA quick_check({table})"
            try:
                verdict = self._connection.execute(pragma).fetchall()
            except sqlite3.Error:
                verdict = None
            if verdict != [("ok",)]:
                self._discard()
                return False
            self._checked_tables.add(table)
        return True

    def _discard(self) -> None:
        connection, self._connection = self._connection, None  # _open() gives None from now on
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        path = self.directory / STORE_NAME
        with contextlib.suppress(OSError):
            for suffix in ("", *_SQLITE_SIDE_FILES):
                if os.path.lexists(f"{path}{suffix}"):
                    os.unlink(f"{path}{suffix}")

    @property
    def written_ns(self) -> int:
        """When the store was last written (0: never): entries of files modified since then
        are racy."""
        if self._written_ns is None:
            rows = self._rows("SELECT value FROM meta WHERE name = 'written'")
            value = rows[0][0] if rows else "0"
            self._written_ns = int(value) if isinstance(value, str) and value.isdigit() else 0
        return self._written_ns

    def save(self) -> None:
        """Write what this run learnt, in one transaction (a locked or read-only store
        only costs speed)."""
        if not (self._files or self._facts or self._results or self._questions or self._forget or self._groups
                or self._answers):
            return
        connection = self._open()
        if connection is None or not self._checked("*"):
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            # Rows made as SQLite takes them: a list of them all doubled the memory of the
            # last write of a cold run.
            connection.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                ((_blob(path), stamp, hashed, self._mac("files", path, stamp, hashed))
                 for path, (stamp, hashed) in self._files.items()))
            connection.executemany(
                "INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)",
                ((_blob(module), hashed, found, self._mac("digest", module, hashed, found),
                  self._mac("facts", module, hashed, found, data))
                 for (module, hashed), (found, data) in self._facts.items()))
            connection.executemany(
                "INSERT OR REPLACE INTO facts_data VALUES (?, ?, ?)",
                ((_blob(module), hashed, data) for (module, hashed), (_, data) in self._facts.items()))
            connection.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((_blob(path), *entry, self._mac("results", path, *entry)) for path, entry in self._results.items()))
            connection.executemany("INSERT OR REPLACE INTO questions VALUES (?, ?)",
                                   ((_blob(path), text) for path, text in self._questions.items() if text))
            connection.executemany("DELETE FROM questions WHERE path = ?",
                                   ((_blob(path),) for path, text in self._questions.items() if not text))
            connection.executemany(
                "INSERT OR IGNORE INTO groups VALUES (?, ?, ?)",
                ((group, data, self._mac("groups", group, data)) for group, data in self._groups.items()))
            connection.executemany(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((*row, self._mac("answers", *row)) for row in _answer_rows(self._answers)))
            for table in ("facts", "facts_data"):
                connection.executemany(f"DELETE FROM {table} WHERE module = ? AND hash = ?",
                                       [(_blob(module), hashed) for module, hashed in sorted(self._forget)])
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('written', ?)", (str(time.time_ns()),))
            connection.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        self._stored_files = self._stored_digests = None  # read again when next needed
        self._stored_results.clear()
        self._holding.clear()
        self._prefetched.clear()
        self._stored_questions = None
        self._stored_answers.clear()
        self._files.clear()
        self._facts.clear()
        self._pending_chars = 0
        self._results.clear()
        self._questions.clear()
        self._forget.clear()
        self._groups.clear()
        self._answers.clear()
        self._answer_bytes = 0

    def save_if_many(self) -> None:
        """``save()`` when many results, answers or facts wait to be written."""
        if len(self._results) >= _PENDING_ROWS or self._answer_bytes >= _PENDING_ANSWER_BYTES \
                or self._pending_chars >= _PENDING_TEXT_CHARS:
            self.save()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # ------------------------------------------------------------ queries

    def known_hash(self, path: Path, stat: os.stat_result) -> str | None:
        """The content hash recorded for a file whose stat (taken before reading it) has
        not changed; None for a file modified at or after the store's last write."""
        absolute = os.path.abspath(path)
        if self._stored_files is None:
            self._stored_files = {stored: (stamp, hashed, mac) for stored, stamp, hashed, mac
                                  in self._rows("SELECT path, stat, hash, mac FROM files")}
        row = self._stored_files.get(_blob(absolute))
        if row is None:
            return None
        stamp, hashed, mac = row
        if stamp != file_stamp(stat) or stat.st_mtime_ns >= self.written_ns:
            return None
        return hashed if mac == self._mac("files", absolute, stamp, hashed) else None

    def remember_hash(self, path: Path, stat: os.stat_result, data: bytes) -> str:
        """Record the hash of ``data``, read after taking ``stat``: a write racing this run
        changes the stat, so the next run reads the file again."""
        value = content_hash(data)
        self._files[os.path.abspath(path)] = (file_stamp(stat), value)
        return value

    def _facts_row(self, module: str, hashed: str) -> tuple[str, str | None] | None:
        pending = self._facts.get((module, hashed))
        if pending is not None:
            return pending
        rows = self._rows("SELECT facts.digest, facts_data.data, facts.mac FROM facts JOIN facts_data"
                          " ON facts_data.module = facts.module AND facts_data.hash = facts.hash"
                          " WHERE facts.module = ? AND facts.hash = ?", (_blob(module), hashed))
        if not rows:
            return None
        found, data, mac = rows[0]
        if mac != self._mac("facts", module, hashed, found, data):
            return None
        return found, data

    def get_digest(self, module: str, hashed: str) -> str | None:
        """The digest of a module version's facts (checked on its own: the facts are not read)."""
        pending = self._facts.get((module, hashed))
        if pending is not None:
            return pending[0]
        if self._stored_digests is None:
            self._stored_digests = {(stored, version): (found, mac) for stored, version, found, mac
                                    in self._rows("SELECT module, hash, digest, digest_mac FROM facts")}
        row = self._stored_digests.get((_blob(module), hashed))
        if row is None or row[1] != self._mac("digest", module, hashed, row[0]):
            return None
        return row[0]

    def get_facts(self, module: str, hashed: str) -> ModuleFacts | None:
        row = self._facts_row(module, hashed)
        return None if row is None or row[1] is None else decode_facts(row[1])

    def put_facts(self, module: str, hashed: str, encoded: tuple[str, str] | None) -> None:
        """``encoded``: what ``encode_facts`` gives; None when the file has none
        (unreadable, too large), remembered as ``NO_FACTS`` so later runs do not try again."""
        self._facts[(module, hashed)] = (NO_FACTS, None) if encoded is None else (encoded[1], encoded[0])
        self._pending_chars += 0 if encoded is None else len(encoded[0])

    def get_result(self, path: Path, key: tuple, shown: str, digests: ProjectDigests) -> Lookup:
        """The stored result if its key matches and the facts it read are unchanged; when
        only its queries' answers may have changed, the queries to ask again.

        A result's reads are stored apart from its findings, as the module names (plain
        JSON, cheap) and the questions (decoded only when they must be asked again): while
        no module of the project changed, neither is decoded at all."""
        absolute = os.path.abspath(path)
        stored = _blob(absolute)
        if stored in self._stored_results:
            row = self._stored_results.pop(stored)
        else:
            rows = self._rows("SELECT key, deps, every, data, modules, questions, mac FROM results WHERE path = ?",
                              (stored,))
            row = rows[0] if rows else None
        if row is None:
            return Lookup(None)
        stored_key, deps, every, data, modules, questions, mac = row
        if stored_key != digest(key) or mac != self._mac("results", absolute, stored_key, deps, every, data,
                                                         modules, questions):
            return Lookup(None)
        try:
            result = codec.loads(data, FileResult)
            if every == digests.every:
                # No module's facts changed since: nor did what it read, nor any answer.
                # What it read is not needed then (a result from the store is only shown).
                result.reads = frozenset({EVERY_MODULE})
            else:
                result.reads = self._load_modules(modules)
                if deps != digests.dependencies(result.reads):
                    return Lookup(None)
                if questions:
                    text = self._questions_of(stored)
                    if text is None or content_hash(text.encode("utf-8", "surrogatepass")) != questions:
                        return Lookup(None)
                    result.reads |= codec.loads(text, frozenset)
        except (codec.DecodeError, TypeError, ValueError, RecursionError):
            return Lookup(None)
        if every != digests.every:  # it holds if its questions do: see refresh_result
            self._holding[absolute] = (stored_key, deps, data, modules, questions)
        if result.path != shown:  # the same file seen from another working directory
            result = FileResult(shown, [replace(d, path=shown) for d in result.diagnostics], result.suppressed,
                                reads=result.reads)
        if every == digests.every:
            return Lookup(result)
        return Lookup(result, tuple(read for read in flat_reads(result.reads) if isinstance(read, tuple)))

    def refresh_result(self, path: Path, digests: ProjectDigests) -> None:
        """A stored result read in this run holds for the project as it is now (none of
        the modules it read changed, its questions are answered the same): stored under
        the project's current digest, the next run takes it without checking them again
        (else every run after an edit would ask every result's questions once more)."""
        absolute = os.path.abspath(path)
        row = self._holding.pop(absolute, None)
        if row is not None:
            stored_key, deps, data, modules, questions = row
            self._results[absolute] = (stored_key, deps, digests.every, data, modules, questions)

    def prefetch_results(self, paths: list[Path]) -> None:
        """Read the stored results of ``paths`` in a few queries (``get_result`` takes them)."""
        blobs = [_blob(os.path.abspath(path)) for path in paths]
        found = {row[0]: row[1:] for row in self._rows_of_paths(
            "results", "key, deps, every, data, modules, questions, mac", blobs)}
        self._stored_results.update((blob, found.get(blob)) for blob in blobs)
        self._prefetched.extend(blobs)

    def _questions_of(self, stored: bytes) -> str | None:
        """The questions of a stored result (the caller checks them against its row's
        digest), read for every prefetched path at the first that needs them."""
        if self._stored_questions is None:
            self._stored_questions = dict(self._rows_of_paths("questions", "data", self._prefetched))
        if stored not in self._stored_questions:
            self._stored_questions.update(self._rows_of_paths("questions", "data", [stored]))
        text = self._stored_questions.get(stored)
        return text if isinstance(text, str) else None

    def _rows_of_paths(self, table: str, columns: str, blobs: list[bytes]) -> list[tuple]:
        """``path, columns`` of the rows of ``table`` for these paths, in a few queries."""
        rows = []
        for start in range(0, len(blobs), _BATCH):
            chunk = tuple(blobs[start:start + _BATCH])
            marks = ", ".join("?" * len(chunk))
            rows += self._rows(f"SELECT path, {columns} FROM {table} WHERE path IN ({marks})", chunk)
        return rows

    def put_result(self, path: Path, key: tuple, result: FileResult, digests: ProjectDigests) -> None:
        stored = replace(result, fixed_source=None, source=None, reads=frozenset())
        modules = sorted(self._stored_reads(item for item in result.reads if not isinstance(item, tuple)))
        questions = frozenset(item for item in result.reads if isinstance(item, tuple))
        questions_text = codec.dumps(questions) if questions else ""
        absolute = os.path.abspath(path)
        data = codec.dumps(stored)
        self._results[absolute] = (
            digest(key), digests.dependencies(result.reads), digests.every, data,
            json.dumps(modules, ensure_ascii=True),
            content_hash(questions_text.encode("utf-8", "surrogatepass")) if questions_text else "")
        self._questions[absolute] = questions_text
        self._pending_chars += len(data) + len(questions_text)

    # Answers of the project's questions (project.query), kept with the modules each read:
    # a later run reuses an answer while none of those modules changed, instead of walking
    # the project again (a one-file edit then decodes only the facts its own lint reads).

    def answers(self, project: str, digests: ProjectDigests) -> StoreAnswers:
        """This run's view of the answers stored for the project rooted at ``project`` (one
        store may serve several: ``--cache-dir``), ``digests`` being its modules."""
        return StoreAnswers(partial(_spell_answer, project, digests),
                            lambda name, args: self._known_answer(project, name, args, digests),
                            lambda name, args: self._known_digest(project, name, args, digests))

    def _known_answer(self, project: str, name: str, args: tuple,
                      digests: ProjectDigests) -> tuple[object, AnswerDeps] | None:
        found = self._holding_answer(project, name, args, digests)
        if found is None:
            return None
        row, deps = found
        try:
            return codec.loads(row[4], object), deps
        except (codec.DecodeError, TypeError, ValueError, RecursionError):
            return None

    def _known_digest(self, project: str, name: str, args: tuple,
                      digests: ProjectDigests) -> tuple[str, AnswerDeps] | None:
        found = self._holding_answer(project, name, args, digests)
        if found is None or not found[0][2]:
            return None  # "": a module's share, which is stored without a digest
        return found[0][2], found[1]

    def _holding_answer(self, project: str, name: str, args: tuple,
                        digests: ProjectDigests) -> tuple[tuple, AnswerDeps] | None:
        """The stored answer row (modules, deps, answer digest, questions, data, mac) of a
        question while none of the modules it read changed, with what it depends on (the
        project asks its questions again)."""
        if self._stored_answers.get(name) == {}:
            return None  # none stored under this name can answer (see _answer_row)
        try:
            key = _question_key(project, name, args)
        except TypeError:
            return None
        row = self._answer_row(name, key, digests.every)
        if row is None or _stale(row, digests.every):
            return None
        modules_text, deps, answer, questions_text, data, mac = row
        if mac != self._mac("answers", key, name, modules_text, deps, answer, questions_text, data):
            return None
        try:
            # Answers share few read sets (the corpus: 226k answers, 8k sets): each decoded
            # and digested once per run.
            known = digests.reads_of_text.get(modules_text)
            if known is None:
                modules = json.loads(modules_text)
                if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
                    return None
                read = frozenset(modules)
                known = digests.reads_of_text[modules_text] = (read, digests.dependencies(read))
            read, now = known
            if deps != now:
                return None
            questions = self._answer_questions(questions_text)
        except (codec.DecodeError, TypeError, ValueError, RecursionError):
            return None
        return row, AnswerDeps(read, questions)

    def _answer_questions(self, text: str) -> frozenset[tuple[str, tuple, str]]:
        """A stored answer's questions, decoded once per spelling (answers share few)."""
        known = self._decoded_questions.get(text)
        if known is None:
            known = codec.loads(text, frozenset) if text else frozenset()
            if not all(type(item) is tuple and len(item) == 3 and type(item[0]) is str and type(item[1]) is tuple
                       and type(item[2]) is str for item in known):
                raise codec.DecodeError("questions")
            self._decoded_questions[text] = known
        return known

    def _answer_row(self, name: str, key: str, every: str) -> tuple | None:
        bulk = self._stored_answers.get(name)
        if bulk is None:
            asked = self._answer_asks[name] = self._answer_asks.get(name, 0) + 1
            if asked <= _ANSWERS_ONE_BY_ONE:
                rows = self._rows("SELECT modules, deps, answer, questions, data, mac FROM answers WHERE key = ?",
                                  (key,))
                return rows[0] if rows else None
            # Only the rows that may still answer: after an edit, those of a question whose
            # answer read every module all go (then the name is not even looked up).
            bulk = self._stored_answers[name] = {row[0]: row[1:] for row in self._rows(
                "SELECT key, modules, deps, answer, questions, data, mac FROM answers WHERE name = ?", (name,))
                if not _stale(row[1:], every)}
        return bulk.get(key)

    def put_answers(self, packed: bytes) -> None:
        """Keep answers to write, as ``StoreAnswers.drain`` gives them. A question answered
        twice in a run (by two workers) is written with the last answer: the same one."""
        if packed:
            self._answers.append(packed)
            self._answer_bytes += len(packed)

    # Shared groups of reads (project.ReadGroup) are stored once, in their own rows, and
    # referred to by the digest of their content.

    def _load_modules(self, text: str) -> frozenset:
        names = json.loads(text)
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise codec.DecodeError("modules")
        return self._load_reads(frozenset(names))

    def _stored_reads(self, reads) -> frozenset:
        return frozenset(_GROUP + self._group_id(item) if isinstance(item, ReadGroup) else item for item in reads)

    def _group_id(self, group: ReadGroup) -> str:
        known = self._group_ids.get(id(group))
        if known is None:
            data = codec.dumps(self._stored_reads(group.items))
            known = self._group_ids[id(group)] = (group, content_hash(data.encode("ascii")))  # keeps id() unique
            self._groups[known[1]] = data
        return known[1]

    def _load_reads(self, reads: object) -> frozenset:
        if not isinstance(reads, frozenset):
            raise codec.DecodeError("reads")
        loaded = set()
        for item in reads:
            if isinstance(item, str) and item.startswith(_GROUP):
                group = self._load_group(item[len(_GROUP):])
                if group is None:
                    raise codec.DecodeError("a group of reads is missing")
                loaded.add(group)
            else:
                loaded.add(item)
        return frozenset(loaded)

    def _load_group(self, group_id: object) -> ReadGroup | None:
        if not isinstance(group_id, str):
            return None
        if group_id not in self._loaded_groups:
            self._loaded_groups[group_id] = None  # a cycle in forged data ends here
            rows = self._rows("SELECT data, mac FROM groups WHERE id = ?", (group_id,))
            if rows and rows[0][1] == self._mac("groups", group_id, rows[0][0]):
                try:
                    self._loaded_groups[group_id] = ReadGroup(self._load_reads(codec.loads(rows[0][0], frozenset)))
                except codec.DecodeError:
                    pass
        return self._loaded_groups[group_id]

    def forget_other_versions(self, current: set[tuple[str, str]]) -> None:
        """Forget older versions of the modules seen in this run (the store would grow
        forever). ``current``: their (module, content hash) pairs; two files may share a
        module name (namespace packages), so a name may have several current versions."""
        names = {module for module, _ in current}
        for stored, hashed in self._rows("SELECT module, hash FROM facts"):
            module = _text(stored)
            if module in names and (module, hashed) not in current:
                self._forget.add((module, hashed))
                self._facts.pop((module, hashed), None)


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
        self._groups: dict[int, tuple[ReadGroup, str]] = {}
        # stored answers' read sets as the store spells them -> (the set, its dependencies now)
        self.reads_of_text: dict[str, tuple[frozenset[str], str]] = {}
        # learnt answers' read sets -> (as the store spells them, their dependencies), and
        # their questions -> as the store spells them (``_spell_answer``)
        self.spelled_reads: dict[frozenset[str], tuple[str, str]] = {}
        self.spelled_questions: dict[frozenset, str] = {}

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
        facts of the modules its rules read (each shared group of reads digested once),
        or of all of them when they walked every module."""
        found = self._digest_of(reads)
        return self.every if found is None else digest(self.names, found)

    def _digest_of(self, reads) -> str | None:
        """None when the reads include every module."""
        if EVERY_MODULE in reads:
            return None
        groups = []
        for item in reads:
            if isinstance(item, ReadGroup):
                known = self._groups.get(id(item))
                if known is None:
                    known = self._groups[id(item)] = (item, self._digest_of(item.items))  # keeps id() unique
                if known[1] is None:
                    return None
                groups.append(known[1])
        # Each distinct group once: two computations that read the same are two groups in
        # memory but one row in the store, and the digest must not tell them apart.
        return digest(sorted((name, self.modules.get(name)) for name in reads if isinstance(name, str)),
                      sorted(set(groups)))
