"""One harness for every autofix: ``tests/fixes/CODE/`` (unsafe fixes on) or
``tests/fixes/CODE-safe/`` (safe fixes only) is a small project; each ``X.py`` with an
``X.py.after`` beside it must become exactly that, every other file must stay as it is.

For every case: the fixed files parse, a second ``--fix`` changes nothing, the findings
left afterwards are exactly the ``# expect: CODE`` markers of the fixed files, and
``--diff`` produces a patch that ``patch -p0`` applies to the same result."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fastapi_lint.api import FixMode, lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.rules import ALL_RULES

from conftest import ROOT, invoke
from test_fixtures import actual_findings, compare, expected_findings

FIXES = ROOT / "tests" / "fixes"


def cases() -> list[Path]:
    return sorted(p for p in FIXES.iterdir() if re.fullmatch(r"FAPI\d{3}(-safe)?", p.name))


def code_of(case: Path) -> str:
    return case.name.split("-")[0]


def copy_case(case: Path, target: Path) -> Path:
    shutil.copytree(case, target, ignore=shutil.ignore_patterns("*.after"))
    return target


def expected_after(case: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(case.rglob("*.py")):
        after = path.with_name(path.name + ".after")
        out[path.relative_to(case).as_posix()] = (after if after.exists() else path).read_bytes()
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def run_fix(root: Path, code: str, unsafe: bool):
    return lint_paths([root], Settings(root=root, select=(code,)), fix=FixMode(unsafe=unsafe))


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_fix(case: Path, tmp_path: Path) -> None:
    code, unsafe = code_of(case), not case.name.endswith("-safe")
    root = copy_case(case, tmp_path / "project")
    first = run_fix(root, code, unsafe)
    assert first.fixed or not any(case.rglob("*.after")), "no fix was applied"
    assert tree(root) == expected_after(case)
    for path in root.rglob("*.py"):
        ast.parse(path.read_bytes())
    second = run_fix(root, code, unsafe)
    assert second.fixed == 0 and all(f.fixed_source is None for f in second.files), "second --fix changed files"
    expected = expected_findings(root, code)
    actual, messages = actual_findings(root, code)
    missing, unexpected = compare(expected, actual)
    assert not missing and not unexpected, f"remaining findings differ: missing {sorted(missing, key=str)}, unexpected {sorted(unexpected)}"


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_diff_applies_to_the_same_result(case: Path, tmp_path: Path, monkeypatch) -> None:
    code, unsafe = code_of(case), not case.name.endswith("-safe")
    root = copy_case(case, tmp_path / "project")
    args = ["--isolated", "--select", code, "--diff", "."] + (["--unsafe-fixes"] if unsafe else [])
    monkeypatch.chdir(root)
    diff = invoke(*args)
    has_changes = any(case.rglob("*.after"))
    assert diff.exit_code == (1 if has_changes else 0), diff.output
    assert tree(root) == tree(case), "--diff wrote files"
    if has_changes:
        subprocess.run(["patch", "-p0", "--quiet"], input=diff.stdout_bytes, cwd=root, check=True)
    assert tree(root) == expected_after(case)


def test_every_fixable_rule_has_a_fix_case() -> None:
    covered = {code_of(case) for case in cases()}
    fixable = {code for code, rule in ALL_RULES.items() if rule.fix is not None}
    assert fixable <= covered, f"fixable rules without tests/fixes cases: {sorted(fixable - covered)}"
