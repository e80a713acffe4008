"""``--output-format json``: an array of findings, one object each."""

from __future__ import annotations

import json
from typing import TextIO

from fastapi_lint.api import RunResult


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    json.dump([d.to_dict() for d in result.diagnostics], stream, indent=2)
    stream.write("\n")
