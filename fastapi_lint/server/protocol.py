"""The LSP side of ``fastapi-lint server``: pygls handlers over :mod:`.workspace`.

- Diagnostics are pushed on open and save at once, and on change after a short pause
  (``DEBOUNCE_SECONDS``; a newer edit cancels the pending lint). Each carries its code,
  ``codeDescription.href`` (the rule's page) and whether a fix exists.
- Code actions: each finding's fix (``quickfix``; unsafe ones labelled and never
  preferred), ``# noqa: CODE`` to suppress it, and every safe fix of the file
  (``source.fixAll.fastapi-lint``, which editors run on save).
- Hover over a finding shows the rule's *What it does* and links its page.
- Configuration (``pyproject.toml``, ``setup.cfg``) and Python files changed on disk are
  watched when the client lets us register watchers; saving an open ``pyproject.toml``
  reloads too.

Linting runs on the event loop's thread, which is the process's main thread: the
engine's time budget (SIGALRM) applies there, so a file that makes a rule take forever
gets one FAPI000 instead of a stuck server. Indexing a project (reading every file's
facts) runs on a thread of its own, with worker processes for the extraction. Once a
project is indexed, garbage is collected between lints (``IdleCollector``), never in
the middle of one.
Everything that can fail on one file is caught and logged: the server keeps serving.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import difflib
import functools
import gc
import logging
import os
import re
import traceback
import uuid
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from fastapi_lint import __version__
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Applicability, Diagnostic, Severity
from fastapi_lint.docs import what_it_does
from fastapi_lint.source import BadSource, decode_source
from fastapi_lint.server.positions import UTF16, LineIndex
from fastapi_lint.server.workspace import Document, Workspace

DEBOUNCE_SECONDS = 0.15
EXACT_DELAY_SECONDS = 0.3
GC_IDLE_SECONDS = 1.0  # a full garbage collection once the server has been idle this long
GC_EVERY_LINTS = 8  # ... or after this many lints without one (after publishing)
SOURCE = "fastapi-lint"
FIX_ALL_KIND = "source.fixAll.fastapi-lint"
_ENGINE_CODES = (PARSE_ERROR_CODE, INTERNAL_ERROR_CODE)
_CONFIG_NAMES = ("pyproject.toml", "setup.cfg", "setup.py")
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_LINK = re.compile(r"^(https?|file)://[^\s]+$")
_NOQA_CODES = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)", re.IGNORECASE)

logger = logging.getLogger("fastapi_lint.server")


def uri_to_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI; None for any other scheme, a remote host or a
    path no file can have."""
    try:
        parsed = urlparse(uri)
    except ValueError:
        return None
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = unquote(parsed.path, errors="surrogateescape")
    if not path.startswith("/") or "\x00" in path:
        return None
    if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):  # file:///C:/project/app.py
        path = path[1:]
    return Path(os.path.normpath(path))


class FastAPILintServer(LanguageServer):
    def __init__(self, use_cache: bool = True, jobs: int = 1):
        super().__init__("fastapi-lint", __version__)
        self.model = Workspace(use_cache=use_cache, jobs=jobs, log=self.log)
        self.pending: dict[str, asyncio.Task] = {}
        self.indexing: dict[tuple[int, Path], asyncio.Task] = {}
        self.generation = 0  # bumped by every reload: an index started before it is dropped
        self.debounce = DEBOUNCE_SECONDS
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="fastapi-lint-index")
        self.collector = IdleCollector()

    # ------------------------------------------------------------ messages to the client

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - no client to tell (not initialised, gone)
            logger.warning("%s", message)

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or UTF16)
        except Exception:  # noqa: BLE001 - before initialize
            return UTF16

    def publish(self, document: Document) -> None:
        lint = document.lint
        diagnostics = []
        if lint is not None and document.linted_text is not None:
            index = LineIndex(document.linted_text, self.encoding)
            diagnostics = [to_lsp(d, index, i in lint.fixes) for i, d in enumerate(lint.result.diagnostics)]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=document.uri, diagnostics=diagnostics, version=document.linted_version))

    # ------------------------------------------------------------ scheduling

    def schedule(self, uri: str, delay: float | None = None, exact: bool = False) -> None:
        """Lint ``uri`` after ``delay`` seconds (default: the debounce pause), replacing a
        lint of it not yet started; ``exact``: the lint that follows an approximate one."""
        delay = self.debounce if delay is None else delay
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay, exact))

    async def _lint_later(self, uri: str, delay: float, exact: bool = False) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.model.documents.get(uri)
            if document is None:
                return
            await self.ready(document)
        except asyncio.CancelledError:
            return
        if self.pending.get(uri) is asyncio.current_task():
            del self.pending[uri]
        document = self.model.documents.get(uri)
        if document is not None and (not document.current or exact and document.approximate):
            self.lint_now(document, exact)

    async def ready(self, document: Document) -> None:
        """Wait until the project of ``document`` is indexed and installed."""
        while True:
            root = self.model.project_root(document.path)
            if root.root in self.model.projects:
                return
            key = (self.generation, root.root)
            task = self.indexing.get(key)
            if task is None:
                task = self.indexing[key] = asyncio.ensure_future(self._index(root, self.generation))
            await asyncio.shield(task)

    async def _index(self, root, generation: int) -> None:
        loop = asyncio.get_running_loop()
        self.log(f"indexing the project at {root.root}")
        token = await self._progress(f"fastapi-lint: reading {root.root.name or root.root}")
        try:
            state = await loop.run_in_executor(self.executor, self.model.index, root)
        except Exception as exc:  # noqa: BLE001 - an unreadable project still lints its open files
            self.log(f"indexing {root.root} failed: {type(exc).__name__}: {exc}", types.MessageType.Error)
            from fastapi_lint.server.workspace import ProjectState

            state = ProjectState(root, {}, indexed=False)
        finally:
            self.indexing.pop((generation, root.root), None)
            if token is not None:
                with contextlib.suppress(Exception):
                    self.work_done_progress.end(token, types.WorkDoneProgressEnd())
        if generation == self.generation:
            self.model.install(state)
            # The index lives as long as the server: keep the collector from walking it
            # again and again (a full collection over it takes seconds on a large project),
            # and from then on collect between lints, not in the middle of one.
            self.collector.start()
            self.log(f"indexed {len(state.facts)} files of {root.root}")

    async def _progress(self, title: str) -> str | None:
        """Start a progress indicator in the client, when it shows them; its token."""
        window = self.client_capabilities.window
        if not (window and window.work_done_progress):
            return None
        token = f"fastapi-lint-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), 5)
            self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
        except Exception:  # noqa: BLE001 - no progress bar is no reason not to index
            return None
        return token

    def lint_now(self, document: Document, exact: bool = False) -> None:
        """Lint the buffer now, publish its findings, and schedule the other open files
        whose findings its change may have changed. A lint that was approximate (the
        buffer's lines moved, see ``Workspace.lint``) is followed by an exact one once
        the buffer has been left alone for ``EXACT_DELAY_SECONDS``."""
        try:
            if self.model.config_changed(document):
                self.log("the project's configuration changed: reading it again")
                self.reload()
                return
            changed = self.model.lint(document, exact)
            self.publish(document)
            if document.approximate:
                self.schedule(document.uri, max(self.debounce, EXACT_DELAY_SECONDS), exact=True)
        except Exception:  # noqa: BLE001 - one file's failure is a log line, never a dead server
            self.log(f"linting {document.path} failed:\n{traceback.format_exc()}", types.MessageType.Error)
            return
        finally:
            self.collector.linted()
        if changed is not None:
            try:
                for other in self.model.affected(self.model.state_of(document), changed, but=document):
                    self.schedule(other.uri)
            except Exception:  # noqa: BLE001
                self.log(f"finding the files affected by {document.path} failed:\n{traceback.format_exc()}",
                         types.MessageType.Error)

    async def current(self, uri: str) -> Document | None:
        """The document with a lint of its current text (linting it now if needed)."""
        document = self.model.documents.get(uri)
        if document is None:
            return None
        if not document.current:
            await self.ready(document)
            document = self.model.documents.get(uri)
            if document is None:
                return None
            if not document.current:
                pending = self.pending.pop(uri, None)
                if pending is not None:
                    pending.cancel()
                self.lint_now(document)
        return document if document.current else None

    def reload(self) -> None:
        """Configuration changed: find settings, roots and facts again; lint the open files."""
        self.generation += 1
        for document in self.model.reload():
            self.schedule(document.uri, 0)


class IdleCollector:
    """Full garbage collections between lints instead of in the middle of one.

    A lint allocates enough (a libcst tree, the project answers an edit recomputes) to
    trigger a full collection nearly every time, and one walks every object the project
    index holds that is not frozen: tens of milliseconds added to the lint the user waits
    for. Once a project is indexed (``start``), automatic collection is off; a full one
    runs when the server has been idle ``GC_IDLE_SECONDS`` after a lint, or right after
    publishing when ``GC_EVERY_LINTS`` lints went by without one (typing that never
    pauses), which bounds the garbage kept meanwhile (cycles only: everything else is
    freed at once) to a few lints' worth."""

    def __init__(self) -> None:
        self.active = False
        self.lints = 0
        self.timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        if self.active:
            gc.collect()  # a project indexed again: what the old one left, before freezing
        gc.freeze()
        gc.disable()
        self.active = True

    def linted(self) -> None:
        if not self.active:
            return
        self.lints += 1
        if self.lints >= GC_EVERY_LINTS:
            self.collect()
            return
        if self.timer is not None:
            self.timer.cancel()
        try:
            self.timer = asyncio.get_running_loop().call_later(GC_IDLE_SECONDS, self.collect)
        except RuntimeError:  # no event loop (linting outside the server's loop): now
            self.collect()

    def collect(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.lints = 0
        gc.collect()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.active:
            self.active = False
            gc.enable()


def to_lsp(diagnostic: Diagnostic, index: LineIndex, fixable: bool) -> types.Diagnostic:
    start = index.lsp_position(diagnostic.start.line, diagnostic.start.column)
    end = index.lsp_position(diagnostic.end.line, diagnostic.end.column)
    if end < start:
        end = start
    link = diagnostic.url if diagnostic.url and _LINK.match(diagnostic.url) else None
    return types.Diagnostic(
        range=types.Range(types.Position(*start), types.Position(*end)),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        data={"name": diagnostic.name, "fix": diagnostic.fix.value if fixable and diagnostic.fix else None},
    )


def text_edits(before: str, after: str, encoding: str) -> list[types.TextEdit]:
    """The edits that turn ``before`` into ``after``, one per changed run of lines."""
    old = LineIndex(before, encoding)
    old_lines = [before[old.starts[i]:(old.starts[i + 1] if i + 1 < len(old.starts) else len(before))]
                 for i in range(len(old.starts))]
    new_index = LineIndex(after, encoding)
    new_lines = [after[new_index.starts[i]:(new_index.starts[i + 1] if i + 1 < len(new_index.starts) else len(after))]
                 for i in range(len(new_index.starts))]
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = old.starts[i1] if i1 < len(old.starts) else len(before)
        end = old.starts[i2] if i2 < len(old.starts) else len(before)
        edits.append(types.TextEdit(
            range=types.Range(types.Position(*old.position_of(start)), types.Position(*old.position_of(end))),
            new_text="".join(new_lines[j1:j2])))
    return edits


def _comment_lines(text: str) -> set[int]:
    from fastapi_lint.add_noqa import _comment_lines as lines  # noqa: PLC2701 - --add-noqa's own rule

    return lines(text)


def _with_noqa(line: str, code: str) -> str:
    match = _NOQA_CODES.search(line)
    if match:
        present = [c.strip().upper() for c in match.group("codes").split(",")]
        if code in present:
            return line
        return line[: match.end("codes")] + f", {code}" + line[match.end("codes"):]
    return f"{line.rstrip()}  # noqa: {code}"


def build_server(use_cache: bool = True, jobs: int = 1) -> FastAPILintServer:  # noqa: C901 - the handler table
    server = FastAPILintServer(use_cache=use_cache, jobs=jobs)

    def guarded(handler, fallback=lambda params: None):
        """A handler whose failure is logged, never raised into pygls: the client gets
        ``fallback(params)``. Async handlers stay async (pygls awaits them) and let a
        cancellation through."""
        def failed(ls: FastAPILintServer, params):
            ls.log(f"{handler.__name__} failed:\n{traceback.format_exc()}", types.MessageType.Error)
            return fallback(params)

        if asyncio.iscoroutinefunction(handler):
            async def run(ls: FastAPILintServer, params):
                try:
                    return await handler(ls, params)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - one request's bug must not end the session
                    return failed(ls, params)
        else:
            def run(ls: FastAPILintServer, params):
                try:
                    return handler(ls, params)
                except Exception:  # noqa: BLE001 - one notification's bug must not end the session
                    return failed(ls, params)
        run.__name__ = handler.__name__
        return run

    @server.feature(types.INITIALIZE)
    def initialize(ls: FastAPILintServer, params: types.InitializeParams) -> None:
        folders = [uri_to_path(f.uri) for f in params.workspace_folders or ()]
        if not folders and params.root_uri:
            folders = [uri_to_path(params.root_uri)]
        elif not folders and params.root_path:
            folders = [Path(params.root_path)]
        ls.model.folders = [f for f in folders if f is not None]
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        pause = options.get("debounceMs")
        if isinstance(pause, (int, float)) and not isinstance(pause, bool) and 0 <= pause <= 10_000:
            ls.debounce = pause / 1000

    @server.feature(types.INITIALIZED)
    @guarded
    def initialized(ls: FastAPILintServer, params) -> None:
        watching = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watching and watching.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=pattern)
                        for pattern in ("**/*.py", "**/pyproject.toml", "**/setup.cfg", "**/setup.py")]
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="fastapi-lint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: FastAPILintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = uri_to_path(item.uri)
        if path is None or item.language_id not in ("python", "", None) and path.suffix not in (".py", ".pyi"):
            return
        ls.model.open(item.uri, path, item.text, item.version)
        ls.schedule(item.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: FastAPILintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.model.documents:
            text = ls.workspace.get_text_document(uri).source
            ls.model.change(uri, text, params.text_document.version)
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(ls: FastAPILintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and path.name in _CONFIG_NAMES:
            ls.reload()
        elif params.text_document.uri in ls.model.documents:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: FastAPILintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        found = ls.model.close(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if found is not None:
            for other in ls.model.affected(*found):
                ls.schedule(other.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def watched(ls: FastAPILintServer, params: types.DidChangeWatchedFilesParams) -> None:
        reload = False
        for change in params.changes:
            path = uri_to_path(change.uri)
            if path is None:
                continue
            created_or_deleted = change.type in (types.FileChangeType.Created, types.FileChangeType.Deleted)
            if path.name in _CONFIG_NAMES or path.name in ("__init__.py", "__init__.pyi") and created_or_deleted:
                reload = True
                continue
            if path.suffix not in (".py", ".pyi"):
                continue
            found = ls.model.file_changed(path, deleted=change.type == types.FileChangeType.Deleted)
            if found is not None:
                for document in ls.model.affected(*found):
                    ls.schedule(document.uri)
        if reload:
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guarded
    def folders_changed(ls: FastAPILintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        added = [uri_to_path(f.uri) for f in params.event.added]
        ls.model.folders = [f for f in ls.model.folders if f not in removed] + [f for f in added if f is not None]
        ls.reload()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True))
    @guarded
    async def code_action(ls: FastAPILintServer, params: types.CodeActionParams):
        return await _code_actions(ls, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    @functools.partial(guarded, fallback=lambda action: action)  # unresolved, as it came
    async def resolve(ls: FastAPILintServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        document = await ls.current(str(data.get("uri", "")))
        if document is not None and data.get("fixAll"):
            action.edit = _fix_all_edit(ls, document)
        return action

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    async def hover(ls: FastAPILintServer, params: types.HoverParams) -> types.Hover | None:
        return await _hover(ls, params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: FastAPILintServer, params) -> None:
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()
        ls.collector.stop()
        ls.executor.shutdown(wait=False, cancel_futures=True)

    return server


def _overlaps(a: types.Range, b: types.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a


def _wanted(only: list[str] | None, kind: str) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` holds kind prefixes)."""
    return not only or any(kind == want or kind.startswith(want + ".") for want in only)


def _edit(ls: FastAPILintServer, document: Document, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    capabilities = ls.client_capabilities.workspace
    versioned = bool(capabilities and capabilities.workspace_edit and capabilities.workspace_edit.document_changes)
    if versioned and document.linted_version is not None:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=document.uri,
                                                                        version=document.linted_version),
            edits=edits)])
    return types.WorkspaceEdit(changes={document.uri: edits})


def _decoded(data: bytes) -> str | None:
    try:
        return decode_source(data)
    except BadSource:
        return None


def _fix_all_edit(ls: FastAPILintServer, document: Document) -> types.WorkspaceEdit | None:
    fixed = ls.model.fix_all(document)
    text = _decoded(fixed) if fixed is not None else None
    if text is None or document.linted_text is None:
        return None
    return _edit(ls, document, text_edits(document.linted_text, text, ls.encoding))


async def _code_actions(ls: FastAPILintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    document = await ls.current(params.text_document.uri)
    if document is None or document.lint is None or document.linted_text is None:
        return None
    only = params.context.only
    lint, text = document.lint, document.linted_text
    index = LineIndex(text, ls.encoding)
    actions: list[types.CodeAction] = []
    comment_lines = None
    for number, finding in enumerate(lint.result.diagnostics):
        lsp = to_lsp(finding, index, number in lint.fixes)
        if not _overlaps(lsp.range, params.range):
            continue
        if _wanted(only, types.CodeActionKind.QuickFix) and number in lint.fixes:
            fixed = lint.fixed_source(number)
            new_text = _decoded(fixed) if fixed is not None else None
            if new_text is not None:
                unsafe = lint.fixes[number].applicability is Applicability.UNSAFE
                actions.append(types.CodeAction(
                    title=f"Fix {finding.code}{' (unsafe)' if unsafe else ''}: {finding.message}",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[lsp], is_preferred=not unsafe,
                    edit=_edit(ls, document, text_edits(text, new_text, ls.encoding))))
        if _wanted(only, types.CodeActionKind.QuickFix) and finding.code not in _ENGINE_CODES:
            if comment_lines is None:
                comment_lines = _comment_lines(text)
            if finding.start.line in comment_lines:
                line0 = finding.start.line - 1
                line = index.line_text(line0)
                updated = _with_noqa(line, finding.code)
                if updated != line:
                    start = index.starts[line0]
                    edit = types.TextEdit(range=types.Range(types.Position(*index.position_of(start)),
                                                            types.Position(*index.position_of(start + len(line)))),
                                          new_text=updated)
                    actions.append(types.CodeAction(
                        title=f"Suppress {finding.code} with `# noqa: {finding.code}`",
                        kind=types.CodeActionKind.QuickFix, diagnostics=[lsp], edit=_edit(ls, document, [edit])))
    safe = any(fix.applicability is Applicability.SAFE for fix in lint.fixes.values())
    explicit = bool(only) and _wanted(only, FIX_ALL_KIND)  # asked for by kind (fix on save): computed now
    if safe and (explicit or _wanted(only, FIX_ALL_KIND) and actions):
        action = types.CodeAction(title="Fix all safe fastapi-lint findings in this file", kind=FIX_ALL_KIND)
        resolve = ls.client_capabilities.text_document and ls.client_capabilities.text_document.code_action \
            and ls.client_capabilities.text_document.code_action.resolve_support
        if explicit or not (resolve and "edit" in resolve.properties):
            action.edit = _fix_all_edit(ls, document)
            if action.edit is None:
                return actions
        else:
            action.data = {"uri": document.uri, "fixAll": True}
        actions.append(action)
    return actions


async def _hover(ls: FastAPILintServer, params: types.HoverParams) -> types.Hover | None:
    document = await ls.current(params.text_document.uri)
    if document is None or document.lint is None or document.linted_text is None:
        return None
    index = LineIndex(document.linted_text, ls.encoding)
    here = (params.position.line, params.position.character)
    parts, hit = [], None
    for number, finding in enumerate(document.lint.result.diagnostics):
        lsp = to_lsp(finding, index, number in document.lint.fixes)
        start, end = (lsp.range.start.line, lsp.range.start.character), (lsp.range.end.line, lsp.range.end.character)
        if not start <= here <= end:
            continue
        hit = hit or lsp.range
        text = f"**{finding.code}** `{finding.name}` ({finding.severity.value}): {finding.message}"
        summary = what_it_does(finding.code) if finding.code not in _ENGINE_CODES else None
        if summary:
            text += f"\n\n{summary}"
        link = lsp.code_description.href if lsp.code_description else None
        if link:
            text += f"\n\n[{finding.code} rule page]({link})"
        if finding.fastapi_docs and _LINK.match(finding.fastapi_docs):
            text += f" · [FastAPI documentation]({finding.fastapi_docs})"
        parts.append(text)
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                       range=hit)
