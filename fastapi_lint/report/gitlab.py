"""``--output-format gitlab``: GitLab Code Quality JSON.

Paths are relative to the repository's root (else the project's), as GitLab shows them,
whatever directory the job ran in. Fingerprints must stay the same while a finding stays,
so they hash that path, the rule, the stripped source line and which occurrence of that
triple it is, never the line number: a finding survives lines being inserted above it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fastapi_lint.diagnostics import Diagnostic, Severity
from fastapi_lint.report.escape import escape, json_safe
from fastapi_lint.report.roots import relative_to_root, report_root
from fastapi_lint.report.source_lines import SourceLines

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprints(diagnostics: list[Diagnostic], root: Path | None = None) -> list[str]:
    """A stable fingerprint per finding (see module docstring); the path is taken relative
    to ``root`` when given and the file is under it, else as reported."""
    lines = SourceLines()
    seen: Counter = Counter()
    out = []
    for d in diagnostics:
        key = ((root and relative_to_root(d.path, root)) or d.path, d.code, lines.get(d.path, d.start.line).strip())
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogateescape"))
        out.append(digest.hexdigest()[:32])
    return out


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    diagnostics = result.diagnostics
    root = report_root(options)
    items = [
        {
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": _SEVERITY[d.severity],
            "location": {"path": escape(relative_to_root(d.path, root) or d.path),
                         "lines": {"begin": d.start.line, "end": d.end.line}},
        }
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, root))
    ]
    json.dump(json_safe(items), stream, indent=2)
    stream.write("\n")
