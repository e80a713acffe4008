"""Gradual adoption: a baseline file records today's findings so only new ones are reported.

A finding is matched by path, rule code and a fingerprint of the offending source line
(the same fingerprint the GitLab report uses), never by line number, so a recorded
finding stays recorded when lines are inserted above it. Each recorded entry absorbs one
finding: a second identical finding on another line is new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from fastapi_lint.errors import UsageError
from fastapi_lint.api import RunResult
from fastapi_lint.diagnostics import Diagnostic
from fastapi_lint.report.gitlab import fingerprints

VERSION = 1


class BaselineError(UsageError):
    pass


def _key(diagnostic: Diagnostic, fingerprint: str, base: Path) -> tuple[str, str, str]:
    path = Path(diagnostic.path).absolute()
    try:
        shown = path.relative_to(base).as_posix()
    except ValueError:
        shown = path.as_posix()
    return (shown, diagnostic.code, fingerprint)


def write(result: RunResult, baseline: Path) -> int:
    diagnostics = result.diagnostics
    base = baseline.absolute().parent
    entries = [
        dict(zip(("path", "code", "fingerprint"), _key(d, fp, base)))
        for d, fp in zip(diagnostics, fingerprints(diagnostics))
    ]
    payload = {"version": VERSION, "tool": "fastapi-lint", "findings": entries}
    try:
        baseline.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {baseline}: {exc.strerror or exc}") from None
    return len(entries)


def load(baseline: Path) -> Counter:
    try:
        data = json.loads(baseline.read_text(encoding="utf-8"))
        entries = data["findings"]
        if data.get("version") != VERSION:
            raise BaselineError(f"{baseline}: unsupported baseline version {data.get('version')!r}")
        return Counter((e["path"], e["code"], e["fingerprint"]) for e in entries)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {baseline}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{baseline} is not a fastapi-lint baseline file ({type(exc).__name__}: {exc})") from None


def apply(result: RunResult, baseline: Path) -> int:
    """Drop the findings the baseline records; returns how many were dropped."""
    remaining = load(baseline)
    base = baseline.absolute().parent
    diagnostics = result.diagnostics
    known = set()
    for d, fp in zip(diagnostics, fingerprints(diagnostics)):
        key = _key(d, fp, base)
        if remaining[key] > 0:
            remaining[key] -= 1
            known.add(id(d))
    for file_result in result.files:
        file_result.diagnostics = [d for d in file_result.diagnostics if id(d) not in known]
    return len(known)
