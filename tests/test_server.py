"""``fastapi-lint server`` end to end: the real server over stdio, driven by an LSP client
(pytest-lsp), on a small project in a temporary directory."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from fastapi_lint.server.positions import LineIndex  # noqa: E402
from fastapi_lint.server.protocol import text_edits, uri_to_path  # noqa: E402

TIMEOUT = 60

MAIN = '''\
from fastapi import FastAPI

from app.routers import items

app = FastAPI()
app.include_router(items.router)
'''

ITEMS = '''\
import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(item_id: int) -> dict:
    time.sleep(1)
    return {"id": item_id}
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app" / "routers").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.fastapi-lint]\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "routers" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(MAIN)
    (root / "app" / "routers" / "items.py").write_text(ITEMS)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "fastapi_lint", "server", "-j", "1"]))
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations = [*getattr(lsp_client, "registrations", []), *params.registrations]

    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


async def start(client: LanguageClient, root: Path, spec: str = "visual-studio-code") -> types.InitializeResult:
    return await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(spec),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
    ))


def uri(path: Path) -> str:
    return path.as_uri()


async def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri(path), language_id="python", version=version, text=path.read_text() if text is None else text)))


def replace_all(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client: LanguageClient, path: Path, until=lambda found: True) -> list[types.Diagnostic]:
    """The diagnostics published for ``path``, once ``until`` holds for them."""
    async def wait():
        while True:
            found = client.diagnostics.get(uri(path))
            if found is not None and until(found):
                return found
            await asyncio.sleep(0.02)
    return await asyncio.wait_for(wait(), TIMEOUT)


def codes(found: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)


def apply(text: str, edit: types.WorkspaceEdit, target: str, encoding: str = "utf-16") -> str:
    """``text`` with the edits of ``edit`` for ``target`` applied (as an editor would)."""
    if edit.document_changes:
        edits = [e for change in edit.document_changes if change.text_document.uri == target for e in change.edits]
    else:
        edits = (edit.changes or {}).get(target, [])
    index = LineIndex(text, encoding)
    spans = sorted(((index.offset(e.range.start.line, e.range.start.character),
                     index.offset(e.range.end.line, e.range.end.character), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


@pytest.mark.asyncio(loop_scope="function")
async def test_blocking_call_is_reported_fixed_and_cleared(client: LanguageClient, project: Path):
    await start(client, project)
    items = project / "app" / "routers" / "items.py"
    await open_file(client, items)
    found = await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))
    blocking = next(d for d in found if d.code == "FAPI101")
    assert blocking.range.start == types.Position(9, 4) and blocking.range.end == types.Position(9, 17)
    assert blocking.source == "fastapi-lint"
    assert blocking.code_description is not None and blocking.code_description.href.endswith("/FAPI101.md")

    # hover on it: the rule's summary and its page
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri(items)), position=types.Position(9, 6)))
    assert hover is not None and "FAPI101" in hover.contents.value and "What it does" not in hover.contents.value
    assert "Flags a call to a known blocking function" in hover.contents.value

    # the code actions on it: its (unsafe) fix and a noqa; applying the fix gives the right text
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri(items)), range=blocking.range,
        context=types.CodeActionContext(diagnostics=[blocking])))
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title.startswith("Fix FAPI101 (unsafe)"))
    assert not fix.is_preferred
    assert "Suppress FAPI101 with `# noqa: FAPI101`" in titles
    fixed = apply(ITEMS, fix.edit, uri(items))
    assert "    await asyncio.sleep(1)\n" in fixed and "import asyncio\n" in fixed
    noqa = next(a for a in actions if a.title.startswith("Suppress FAPI101"))
    assert "    time.sleep(1)  # noqa: FAPI101\n" in apply(ITEMS, noqa.edit, uri(items))

    # the editor applies the fix: the finding clears
    replace_all(client, items, fixed, 2)
    await diagnostics(client, items, until=lambda d: "FAPI101" not in codes(d))


@pytest.mark.asyncio(loop_scope="function")
async def test_an_unsaved_edit_of_another_file_changes_a_cross_file_finding(client: LanguageClient, project: Path):
    await start(client, project)
    items, main = project / "app" / "routers" / "items.py", project / "app" / "main.py"
    await open_file(client, items)
    await open_file(client, main)
    assert "FAPI216" not in codes(await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d)))
    # main.py, unsaved, no longer includes the router: items.py's router is unused now
    unused = MAIN.replace("from app.routers import items\n", "").replace("app.include_router(items.router)\n", "")
    replace_all(client, main, unused, 2)
    await diagnostics(client, items, until=lambda d: "FAPI216" in codes(d))
    assert "include_router" in (project / "app" / "main.py").read_text()  # nothing was written
    # and back
    replace_all(client, main, MAIN, 3)
    await diagnostics(client, items, until=lambda d: "FAPI216" not in codes(d))


@pytest.mark.asyncio(loop_scope="function")
async def test_an_unparsable_buffer_gives_fapi000_and_the_server_keeps_serving(client: LanguageClient, project: Path):
    await start(client, project)
    items = project / "app" / "routers" / "items.py"
    await open_file(client, items)
    await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))
    replace_all(client, items, ITEMS.replace("async def read_item(item_id: int) -> dict:",
                                             "async def read_item(item_id: int -> dict:"), 2)
    broken = await diagnostics(client, items, until=lambda d: codes(d) == ["FAPI000"])
    assert broken[0].severity == types.DiagnosticSeverity.Error and broken[0].range.start.line == 8
    # still serving: a fix of the buffer brings the findings back
    replace_all(client, items, ITEMS, 3)
    await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))


@pytest.mark.asyncio(loop_scope="function")
async def test_fix_all_and_safe_fix_labels(client: LanguageClient, project: Path):
    await start(client, project)
    models = project / "app" / "models.py"
    text = textwrap.dedent('''\
        from pydantic import BaseModel


        class Item(BaseModel):
            name: str


        def dump(item: Item) -> dict:
            return item.dict()
        ''')
    models.write_text(text)
    await open_file(client, models)
    found = await diagnostics(client, models, until=lambda d: "FAPI601" in codes(d))
    finding = next(d for d in found if d.code == "FAPI601")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri(models)), range=finding.range,
        context=types.CodeActionContext(diagnostics=[finding])))
    fix = next(a for a in actions if a.title.startswith("Fix FAPI601:"))
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert apply(text, fix.edit, uri(models)).endswith("    return item.model_dump()\n")
    # fix-on-save asks for source.fixAll.fastapi-lint
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri(models)),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.fastapi-lint"])))
    assert [a.kind for a in actions] == ["source.fixAll.fastapi-lint"]
    assert apply(text, actions[0].edit, uri(models)).endswith("    return item.model_dump()\n")
    # in the light bulb's list it comes without its edit, which codeAction/resolve fills in
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri(models)), range=finding.range,
        context=types.CodeActionContext(diagnostics=[finding])))
    fix_all = next(a for a in actions if a.kind == "source.fixAll.fastapi-lint")
    assert fix_all.edit is None
    resolved = await client.code_action_resolve_async(fix_all)
    assert apply(text, resolved.edit, uri(models)).endswith("    return item.model_dump()\n")


@pytest.mark.asyncio(loop_scope="function")
async def test_pyproject_change_is_picked_up(client: LanguageClient, project: Path):
    await start(client, project)
    items = project / "app" / "routers" / "items.py"
    await open_file(client, items)
    await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "demo"\n\n[tool.fastapi-lint]\nignore = ["FAPI101"]\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri(pyproject), type=types.FileChangeType.Changed)]))
    await diagnostics(client, items, until=lambda d: "FAPI101" not in codes(d))
    # a client that watches nothing: the next lint notices the configuration changed
    await asyncio.sleep(0.05)  # a new mtime
    pyproject.write_text('[project]\nname = "demo"\n\n[tool.fastapi-lint]\n')
    replace_all(client, items, ITEMS + "\n", 2)
    await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))


@pytest.mark.asyncio(loop_scope="function")
async def test_non_bmp_characters_and_utf32_positions(client: LanguageClient, project: Path):
    capabilities = client_capabilities("neovim")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=["utf-32", "utf-16"])
    result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="p")]))
    assert result.capabilities.position_encoding == "utf-32"
    items = project / "app" / "routers" / "items.py"
    text = ITEMS.replace("    time.sleep(1)", '    x = "😀😀"; time.sleep(1)')
    await open_file(client, items, text)
    found = await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))
    blocking = next(d for d in found if d.code == "FAPI101")
    assert blocking.range.start == types.Position(9, 14)  # code points: each emoji is one (16 in UTF-16)


def test_positions_in_utf16_count_surrogate_pairs():
    index = LineIndex('x = "😀"; y\n', "utf-16")
    assert index.lsp_position(1, 10) == (0, 10)  # column 10 (1-based) is "y": 9 code points before it, 10 units
    assert index.offset(0, 10) == 9
    assert LineIndex('x = "😀"; y\n', "utf-8").lsp_position(1, 10) == (0, 12)


def test_text_edits_turn_one_text_into_the_other():
    before = "import time\n\nasync def f():\n    time.sleep(1)\n"
    after = "import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n"
    edits = text_edits(before, after, "utf-16")
    assert len(edits) == 2
    assert apply(before, types.WorkspaceEdit(changes={"u": edits}), "u") == after


def test_only_local_file_uris_are_paths():
    assert uri_to_path("file:///tmp/a%20b/c.py") == Path("/tmp/a b/c.py")
    assert uri_to_path("untitled:Untitled-1") is None
    assert uri_to_path("file://otherhost/share/x.py") is None
    assert uri_to_path("file:///a/%00/b.py") is None
    assert uri_to_path("https://example.com/x.py") is None


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "pygls.py").write_text("raise ImportError('blocked for this test', name='pygls')\n")
    done = subprocess.run([sys.executable, "-m", "fastapi_lint", "server"], capture_output=True, text=True,
                          env={"PYTHONPATH": str(blocker), "PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL,
                          timeout=60)
    assert done.returncode == 2
    assert "pip install 'fastapi-lint[server]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.asyncio(loop_scope="function")
async def test_multi_root_each_folder_with_its_own_settings(client: LanguageClient, tmp_path: Path):
    roots = []
    for name, config in (("one", ""), ("two", 'ignore = ["FAPI101"]\n')):
        root = tmp_path / name
        (root / "app").mkdir(parents=True)
        (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n\n[tool.fastapi-lint]\n{config}')
        (root / "app" / "__init__.py").write_text("")
        (root / "app" / "items.py").write_text(ITEMS)
        roots.append(root)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[types.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in roots]))
    for root in roots:
        await open_file(client, root / "app" / "items.py")
    assert "FAPI101" in codes(await diagnostics(client, roots[0] / "app" / "items.py",
                                                until=lambda d: "FAPI101" in codes(d)))
    found = await diagnostics(client, roots[1] / "app" / "items.py", until=lambda d: True)
    assert "FAPI101" not in codes(found)


def test_facts_equal_but_for_lines():
    from fastapi_lint.api import buffer_facts
    from fastapi_lint.server.workspace import same_but_lines

    path = Path("/nonexistent/app/items.py")
    before = buffer_facts(path, ITEMS.encode())
    moved = buffer_facts(path, ITEMS.replace("router = APIRouter()\n", "\nrouter = APIRouter()\n").encode())
    changed = buffer_facts(path, ITEMS.replace('"/items/{item_id}"', '"/things/{item_id}"').encode())
    assert before != moved and same_but_lines(before, moved)
    assert not same_but_lines(before, changed)


def test_a_moved_line_is_linted_at_once_against_the_project_then_exactly(tmp_path: Path, project: Path):
    from fastapi_lint.api import buffer_facts
    from fastapi_lint.server.workspace import Workspace

    workspace = Workspace(folders=[project], use_cache=False)
    items = project / "app" / "routers" / "items.py"
    document = workspace.open("items", items, ITEMS, 1)
    workspace.install(workspace.index(workspace.project_root(items)))
    assert workspace.lint(document, exact=False) is None and not document.approximate
    before = workspace.state_of(document).project
    workspace.change("items", ITEMS.replace('@router.get', '\n@router.get'), 2)  # the route's line moves
    assert workspace.lint(document, exact=False) is None and document.approximate
    assert workspace.state_of(document).project is before  # nothing recomputed
    assert [d.start.line for d in document.lint.result.diagnostics if d.code == "FAPI101"] == [11]
    moved = ITEMS.replace('@router.get', '\n@router.get')
    assert workspace.state_of(document).facts[items].statement_lines == buffer_facts(items, moved.encode()).statement_lines
    assert workspace.lint(document, exact=True) == {"app.routers.items"} and not document.approximate
    assert [d.start.line for d in document.lint.result.diagnostics if d.code == "FAPI101"] == [11]


def test_a_crash_while_linting_one_file_is_logged_and_the_server_goes_on(project: Path, monkeypatch):
    from fastapi_lint.server.protocol import FastAPILintServer

    server = FastAPILintServer(use_cache=False)
    logged = []
    monkeypatch.setattr(server, "log", lambda message, kind=None: logged.append(message))
    items = project / "app" / "routers" / "items.py"
    document = server.model.open("items", items, ITEMS, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(server.model, "lint", broken)
    server.lint_now(document)
    assert any("RuntimeError: boom" in message for message in logged)


@pytest.mark.asyncio(loop_scope="function")
async def test_odd_uris_and_file_names_do_not_stop_the_server(client: LanguageClient, project: Path):
    await start(client, project)
    odd = project / "app" / "we\nird \u202e name %41.py"
    odd.write_text(ITEMS)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri="untitled:Untitled-1", language_id="python", version=1, text=ITEMS)))
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri="file://otherhost/share/x.py", language_id="python", version=1, text=ITEMS)))
    await open_file(client, odd)
    assert odd.as_uri() != uri(project) and "%0A" in odd.as_uri()
    assert "FAPI101" in codes(await diagnostics(client, odd, until=lambda d: "FAPI101" in codes(d)))
    items = project / "app" / "routers" / "items.py"
    await open_file(client, items)
    await diagnostics(client, items, until=lambda d: "FAPI101" in codes(d))
    assert "untitled:Untitled-1" not in client.diagnostics


def test_a_broken_configuration_is_logged_once_and_its_files_linted_with_the_defaults(project: Path):
    from fastapi_lint.server.workspace import Workspace

    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.fastapi-lint]\nno-such-key = 1\n')
    logged = []
    workspace = Workspace(folders=[project], use_cache=False, log=logged.append)
    items = project / "app" / "routers" / "items.py"
    document = workspace.open("items", items, ITEMS, 1)
    workspace.install(workspace.index(workspace.project_root(items)))
    workspace.lint(document)
    assert "FAPI101" in [d.code for d in document.lint.result.diagnostics]
    assert len(logged) == 1 and "no-such-key" in logged[0]


def test_a_home_directory_root_is_never_walked(tmp_path: Path):
    from fastapi_lint.server.workspace import Workspace

    workspace = Workspace(folders=[tmp_path / "home" / "me" / "repo"])
    assert not workspace.wants_index(tmp_path / "home" / "me")  # no marker: only the working directory
    (tmp_path / "home" / "me").mkdir(parents=True)
    (tmp_path / "home" / "me" / "pyproject.toml").write_text("")
    assert workspace.wants_index(tmp_path / "home" / "me")
    assert workspace.wants_index(tmp_path / "home" / "me" / "repo" / "svc")


def _fixture_projects() -> list[Path]:
    from conftest import ROOT

    return sorted(p for p in (ROOT / "tests" / "fixtures").iterdir() if p.is_dir())


EDITS = [
    ("@app.get(", "@app.get('/edited')\n@app.get("),
    ("@router.get(", "@router.post('/edited')\n@router.get("),
    ("Depends(", "Depends(edited_dependency) or Depends("),
    ("include_router(", "include_router(edited_router)\nx.include_router("),
    ("def ", "def edited_function(): pass\n\n\ndef "),
    ("import ", "import edited_module\nimport "),
]


def _compiles(text: str) -> bool:
    try:
        compile(text, "<edited>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def test_the_project_kept_across_edits_answers_as_a_fresh_one(tmp_path: Path):
    """Project.with_modules keeps memoised answers across an edit: every open file's
    findings after edits equal those of a project built from scratch."""
    import shutil

    from fastapi_lint.api import buffer_facts, lint_buffer
    from fastapi_lint.project import Project
    from fastapi_lint.server.workspace import Workspace

    def findings(lint):
        return [(d.code, d.start, d.end, d.message) for d in lint.result.diagnostics]

    checked = 0
    for fixture in _fixture_projects():
        root = tmp_path / fixture.name
        shutil.copytree(fixture, root)
        (root / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.fastapi-lint]\nselect = ["ALL"]\n')
        files = sorted(root.rglob("*.py"))
        workspace = Workspace(folders=[root], use_cache=False)
        documents = [workspace.open(str(path), path, path.read_text(encoding="utf-8", errors="replace"), 1)
                     for path in files]
        if not documents:
            continue
        workspace.install(workspace.index(workspace.project_root(files[0])))
        for document in documents:
            workspace.lint(document)
        for document in documents:
            for needle, replacement in EDITS:
                edited = document.text.replace(needle, replacement, 1)
                if edited != document.text and _compiles(edited):
                    workspace.change(document.uri, edited, 2)
                    workspace.lint(document)
                    break
        state = workspace.state_of(documents[0])
        fresh = Project(state._modules())
        for document in documents:
            workspace.lint(document)  # with the kept answers
            again = lint_buffer(document.path, document.lint.source, state.facts.get(document.path)
                                or buffer_facts(document.path, document.lint.source), fresh, state.settings)
            assert findings(document.lint) == findings(again), (fixture.name, document.path.name)
            checked += 1
    assert checked > 100
