"""Reporters: a finished run → text on a stream. One module per output format."""

from __future__ import annotations

from typing import Callable, TextIO

from fastapi_lint.api import RunResult
from fastapi_lint.report import json_format, text

Reporter = Callable[[RunResult, TextIO, dict], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
}
