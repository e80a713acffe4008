"""The language server's incremental work after an edit, in process: which project answers
an edit keeps (per-module shares of the project-wide indexes), that what it computes again
equals a fresh project's, and when the server collects garbage."""

from __future__ import annotations

import asyncio
import gc
import shutil
from pathlib import Path

from conftest import FIXTURES

from fastapi_lint.analysis.route_table import RouteTable, registration_key, route_clashes, unreachable
from fastapi_lint.analysis.routing import route_index
from fastapi_lint.project import Project
from fastapi_lint.server import protocol
from fastapi_lint.server.workspace import Workspace


def _workspace(tmp_path: Path, fixture: str) -> tuple[Workspace, Path]:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.fastapi-lint]\nselect = ["ALL"]\n')
    workspace = Workspace(folders=[root], use_cache=False)
    return workspace, root


def _findings(lint) -> list[tuple]:
    return [(d.code, d.start, d.end, d.message) for d in lint.result.diagnostics]


def test_a_route_path_edit_rescans_only_its_module_for_the_route_index(tmp_path: Path):
    workspace, root = _workspace(tmp_path, "FAPI205")
    main = root / "app" / "main.py"
    text = main.read_text()
    document = workspace.open("main", main, text, 1)
    workspace.install(workspace.index(workspace.project_root(main)))
    workspace.lint(document)
    state = workspace.state_of(document)
    before = state.project
    index = route_index(before)
    shares = {key: entry[0] for key, entry in before._memo.items() if key[0] == "route_index_in"}
    assert len(shares) == len(dict.keys(before.modules)) > 3

    workspace.change("main", text.replace('"/health/live"', '"/health/lives"', 1), 2)
    assert workspace.lint(document) == {"app.main"}
    after = state.project
    assert after is not before
    assert route_index(after) is not index  # folded again...
    for key, share in shares.items():  # ...from the shares of the other modules, kept as they were
        kept = after._memo.get(key)
        if key[1] == "app.main":
            assert kept is None or kept[0] is not share
        else:
            assert kept is not None and kept[0] is share, key
    # and what the edit recomputed is what a project built from scratch answers
    fresh = Project(state._modules())
    from fastapi_lint.api import lint_buffer

    again = lint_buffer(main, document.lint.source, state.facts[main], fresh, state.settings)
    assert _findings(document.lint) == _findings(again)


def test_route_clashes_per_module_are_the_table_s_conflicts_of_that_module(tmp_path: Path):
    """route_conflicts finds a table's conflicts only for the modules that ask: each
    module's answer is the one the whole table gives."""
    for fixture in ("FAPI205", "FAPI206"):
        workspace, root = _workspace(tmp_path, fixture)
        files = sorted(root.rglob("*.py"))
        state = workspace.index(workspace.project_root(files[0]))
        project = Project(state._modules())
        table = RouteTable(Project(state._modules()))
        lists = [app.rows for app in table.apps()] + [rows for _, rows in table.routers()]
        expected: dict[str, list] = {}
        for rows in lists:
            for conflict in unreachable(rows):
                expected.setdefault(conflict.later.module or "", []).append(
                    (registration_key(conflict.later.registration), conflict.earlier_path, conflict.later_path))
        assert expected, fixture
        for module in dict.keys(project.modules):
            found = [(clash.later, clash.earlier_path, clash.later_path) for clash in route_clashes(project, module)]
            assert sorted(found, key=repr) == sorted(expected.get(module, []), key=repr), (fixture, module)


def test_garbage_is_collected_between_lints_not_during_them(monkeypatch):
    """Once a project is indexed, automatic collection is off: a full collection runs when
    the server is idle after a lint, or right after every GC_EVERY_LINTS-th lint."""
    calls: list[str] = []
    for name in ("freeze", "disable", "enable", "collect"):
        monkeypatch.setattr(gc, name, lambda *args, name=name: calls.append(name))
    monkeypatch.setattr(protocol, "GC_IDLE_SECONDS", 0.05)
    collector = protocol.IdleCollector()
    collector.linted()
    assert calls == []  # not started: the interpreter's own collection
    collector.start()
    assert calls == ["freeze", "disable"]

    async def typing() -> None:
        calls.clear()
        for _ in range(protocol.GC_EVERY_LINTS - 1):
            collector.linted()
        assert calls == [] and collector.timer is not None  # nothing during the lints...
        collector.linted()
        assert calls == ["collect"] and collector.timer is None  # ...then at once after the Nth
        collector.linted()
        await asyncio.sleep(0.2)
        assert calls == ["collect", "collect"]  # and once idle

    asyncio.run(typing())
    collector.start()  # indexed again: what the old project left is collected before freezing
    assert calls[-3:] == ["collect", "freeze", "disable"]
    collector.stop()
    assert calls[-1] == "enable" and not collector.active
