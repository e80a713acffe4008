"""``--statistics``: findings per rule instead of the findings, as Ruff prints them.

``count<TAB>code<TAB>[*] name`` per rule, most frequent first (``[*]``: ``--fix`` can fix
some of them, as in Ruff); with ``--output-format json``, the same rows as a JSON array. Every other format prints the table: a CI job that wants counts reads text.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from fastapi_lint.diagnostics import Applicability, Diagnostic
from fastapi_lint.report.escape import escape, json_safe

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult


def rows(diagnostics: list[Diagnostic]) -> list[dict]:
    counts = Counter(d.code for d in diagnostics)
    first = {}
    safe: Counter = Counter()
    for d in diagnostics:
        first.setdefault(d.code, d)
        safe[d.code] += d.fix is Applicability.SAFE
    return [
        {"code": code, "name": first[code].name, "count": count, "fixable": safe[code] > 0,
         "severity": first[code].severity.value}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def report(result: RunResult, stream: TextIO, output_format: str) -> None:
    table = rows(result.diagnostics)
    if output_format == "json":
        json.dump(json_safe(table), stream, indent=2)
        stream.write("\n")
        return
    for row in table:  # written verbatim: rich would expand the tabs
        stream.write(f"{row['count']}\t{escape(row['code'])}\t{'[*] ' if row['fixable'] else ''}{escape(row['name'])}\n")
