"""How --fix treats files: bytes it must keep (line endings, encoding, mode), fixes it
must refuse (unparseable results, suppressed findings), overlapping fixes, and the CLI
modes --diff / --fix-only / plain --fix."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint.api import FixMode, build_project, facts_for, lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.diagnostics import Severity
from fastapi_lint.engine import LintOptions, fix_source
from fastapi_lint.fixes import Fix
from fastapi_lint.rule import Rule

from conftest import invoke

SLEEPY = (
    "import time\n"
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    "@app.get('/x')\n"
    "async def x() -> None:\n"
    "    time.sleep(1)  # nap\n"
)


def fix_file(path: Path, unsafe: bool = True, select: str = "FAPI101"):
    return lint_paths([path], Settings(root=path.parent, select=(select,)), fix=FixMode(unsafe=unsafe))


def test_crlf_line_endings_survive(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(SLEEPY.replace("\n", "\r\n").encode())
    assert fix_file(path).fixed == 1
    data = path.read_bytes()
    assert b"await asyncio.sleep(1)  # nap\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_encoding_declaration_and_bytes_survive(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    source = "# -*- coding: latin-1 -*-\nGREETING = 'caf\xe9'\n" + SLEEPY
    path.write_bytes(source.encode("latin-1"))
    assert fix_file(path).fixed == 1
    data = path.read_bytes()
    assert data.startswith(b"# -*- coding: latin-1 -*-\n")
    assert "GREETING = 'caf\xe9'".encode("latin-1") in data and b"await asyncio.sleep(1)" in data


def test_bom_survives(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + SLEEPY.encode())
    fix_file(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfimport")


def test_mode_kept_and_symlink_target_written(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(SLEEPY)
    os.chmod(target, 0o751)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    fix_file(link)
    assert link.is_symlink()
    assert "await asyncio.sleep" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".fastapi-lint")], "temp file left behind"


def test_safe_mode_leaves_unsafe_fixes(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SLEEPY)
    result = fix_file(path, unsafe=False)
    assert result.fixed == 0 and path.read_text() == SLEEPY
    assert [d.code for d in result.diagnostics] == ["FAPI101"]


def test_suppressed_findings_are_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    source = SLEEPY.replace("# nap", "# noqa: FAPI101")
    path.write_text(source)
    assert fix_file(path).fixed == 0
    assert path.read_text() == source


def test_overlapping_fixes_are_applied_in_later_passes(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SLEEPY.replace("time.sleep(1)", "time.sleep(time.sleep(1) or 1)"))
    result = fix_file(path)
    assert result.fixed == 2
    assert "await asyncio.sleep(await asyncio.sleep(1) or 1)" in path.read_text()


class _BreaksTheFile(Rule):
    """A rule whose fix would produce code that does not parse."""

    code = "FAPI999"
    name = "breaks-the-file"
    summary = "test rule"
    severity = Severity.WARNING

    def visit_Integer(self, node: cst.Integer) -> None:
        self.report(node, "an integer", fix=Fix.replace(node, cst.Name("lambda")))


def test_a_fix_that_would_not_parse_is_skipped(tmp_path: Path) -> None:
    source = b"answer = 42\n"
    facts = facts_for(tmp_path / "m.py", source)
    result = fix_source(
        "m.py", source, facts, build_project([facts]), [_BreaksTheFile], LintOptions(docs_url="https://x"),
        refresh_facts=lambda data: facts_for(tmp_path / "m.py", data),
    )
    assert result.fixed_source is None and result.fixed == 0
    [finding] = result.diagnostics
    assert "autofix skipped" in finding.message and finding.fix is None


@pytest.fixture
def sleepy_project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "app.py").write_text(SLEEPY)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "app.py"


def test_cli_diff_writes_nothing_and_exits_1(sleepy_project: Path) -> None:
    result = invoke("--isolated", "--select", "FAPI101", "--diff", "--unsafe-fixes", "app.py")
    assert result.exit_code == 1
    assert "+    await asyncio.sleep(1)  # nap" in result.stdout
    assert sleepy_project.read_text() == SLEEPY


def test_cli_diff_without_unsafe_has_nothing_to_do(sleepy_project: Path) -> None:
    result = invoke("--isolated", "--select", "FAPI101", "--diff", "app.py")
    assert result.exit_code == 0 and result.stdout == ""


def test_cli_fix_reports_what_remains(sleepy_project: Path) -> None:
    sleepy_project.write_text(SLEEPY + "    open('x')\n")
    result = invoke("--isolated", "--select", "FAPI101", "--fix", "--unsafe-fixes", "app.py")
    assert result.exit_code == 1
    assert "Fixed 1 finding; 1 remaining." in result.stdout
    assert "open()" in result.stdout and "time.sleep" not in result.stdout


def test_cli_fix_only_exits_0_and_reports_nothing(sleepy_project: Path) -> None:
    sleepy_project.write_text(SLEEPY + "    open('x')\n")
    result = invoke("--isolated", "--select", "FAPI101", "--fix-only", "--unsafe-fixes", "app.py")
    assert result.exit_code == 0 and result.stdout == ""
    assert "await asyncio.sleep" in sleepy_project.read_text()


def test_text_output_mentions_unsafe_fixes(sleepy_project: Path) -> None:
    result = invoke("--isolated", "--select", "FAPI101", "app.py")
    assert "1 more fixable with --fix --unsafe-fixes." in result.stdout
    assert "[*]" not in result.stdout  # only safe fixes get the star
