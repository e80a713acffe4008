"""One harness for every rule fixture: ``tests/fixtures/CODE/`` is a small project whose
lines carry ``# expect: CODE`` markers. The directory is linted with only that rule
enabled; a missing finding and an unexpected finding both fail, with a readable diff."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from fastapi_lint.api import lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.rules import ALL_RULES

from conftest import FIXTURES

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected_findings(root: Path, code: str) -> Counter:
    found: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for expected in re.split(r"\s*,\s*", match.group("codes")):
                    if expected == code:
                        found[(path.relative_to(root).as_posix(), number, code)] += 1
    return found


def actual_findings(root: Path, code: str) -> tuple[Counter, dict]:
    settings = Settings(root=root, select=(code,))
    result = lint_paths([root], settings)
    found: Counter = Counter()
    messages = {}
    for d in result.diagnostics:
        key = (Path(d.path).absolute().relative_to(root).as_posix(), d.start.line, d.code)
        found[key] += 1
        messages[key] = d.message
    return found, messages


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"FAPI\d{3}", p.name))


@pytest.mark.parametrize("fixture", fixture_dirs(), ids=lambda p: p.name)
def test_fixture(fixture: Path) -> None:
    code = fixture.name
    expected = expected_findings(fixture, code)
    actual, messages = actual_findings(fixture, code)
    missing = expected - actual
    unexpected = actual - expected
    report = []
    for (path, line, c), n in sorted(missing.items()):
        report.append(f"missing    {path}:{line} {c}" + (f" x{n}" if n > 1 else ""))
    for key, n in sorted(unexpected.items()):
        path, line, c = key
        report.append(f"unexpected {path}:{line} {c}: {messages[key]}" + (f" x{n}" if n > 1 else ""))
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
