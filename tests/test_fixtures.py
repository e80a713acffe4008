"""One harness for every rule fixture: ``tests/fixtures/CODE/`` is a small project whose
lines carry ``# expect: CODE`` markers. The directory is linted with only that rule
enabled; a missing finding and an unexpected finding both fail, with a readable diff.

A marker may pin the column the finding starts at (1-based, as reported):
``# expect: FAPI206:29``. Fixtures of rules that report on a sub-expression pin it, so a
finding on the wrong expression of the right line fails too."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from fastapi_lint.api import lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.rules import ALL_RULES

from conftest import FIXTURES

_MARK = r"[A-Z]+[0-9]+(?::[0-9]+)?"
_EXPECT = re.compile(rf"#\s*expect:\s*(?P<codes>{_MARK}(?:\s*,\s*{_MARK})*)")


def expected_findings(root: Path, code: str) -> Counter:
    """(path, line, code, column or None) of every marker for ``code``."""
    found: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for expected in re.split(r"\s*,\s*", match.group("codes")):
                    marked, _, column = expected.partition(":")
                    if marked == code:
                        found[(path.relative_to(root).as_posix(), number, code, int(column) if column else None)] += 1
    return found


def actual_findings(root: Path, code: str) -> tuple[Counter, dict]:
    settings = Settings(root=root, select=(code,))
    result = lint_paths([root], settings)
    found: Counter = Counter()
    messages = {}
    for d in result.diagnostics:
        key = (Path(d.path).absolute().relative_to(root).as_posix(), d.start.line, d.code, d.start.column)
        found[key] += 1
        messages[key] = d.message
    return found, messages


def compare(expected: Counter, actual: Counter) -> tuple[Counter, Counter]:
    """(missing, unexpected): pinned markers match their column, the others any column."""
    missing = expected - actual
    unexpected = actual - expected
    for key, n in sorted((k, n) for k, n in missing.items() if k[3] is None):
        for found in sorted(k for k in unexpected if k[:3] == key[:3]):
            taken = min(n, unexpected[found])
            unexpected[found] -= taken
            n -= taken
        missing[key] = n
    return +missing, +unexpected


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"FAPI\d{3}", p.name))


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_fixture(fixture: Path) -> None:
    code = fixture.name
    expected = expected_findings(fixture, code)
    actual, messages = actual_findings(fixture, code)
    missing, unexpected = compare(expected, actual)
    report = []
    for (path, line, c, column), n in sorted(missing.items(), key=str):
        at = f"{line}:{column}" if column else f"{line}"
        report.append(f"missing    {path}:{at} {c}" + (f" x{n}" if n > 1 else ""))
    for key, n in sorted(unexpected.items()):
        path, line, c, column = key
        report.append(f"unexpected {path}:{line}:{column} {c}: {messages[key]}" + (f" x{n}" if n > 1 else ""))
    assert not report, "fixture mismatch:\n" + "\n".join(report)
    assert expected, f"{code} fixture has no `# expect: {code}` marker"


def test_every_rule_has_a_fixture_with_negatives() -> None:
    for code in ALL_RULES:
        fixture = FIXTURES / code
        assert fixture.is_dir(), f"{code} has no fixture directory"
        text = "\n".join(p.read_text(encoding="utf-8") for p in fixture.rglob("*.py"))
        positives = len(re.findall(rf"#\s*expect:[^\n]*{code}", text))
        negatives = len(re.findall(r"#\s*ok\b", text))
        assert negatives >= positives, f"{code}: {negatives} negative cases for {positives} positives"
