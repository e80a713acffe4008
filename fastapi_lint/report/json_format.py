"""``--output-format json``: an array of findings, one object each."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from fastapi_lint.report.escape import escape, json_safe

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    # The path as every report shows it; no lone surrogate anywhere (strict parsers reject them).
    json.dump([json_safe({**d.to_dict(), "path": escape(d.path)}) for d in result.diagnostics], stream, indent=2)
    stream.write("\n")
