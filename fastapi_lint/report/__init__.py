"""Reporters: a finished run → text on a stream. One module per output format."""

from __future__ import annotations

from typing import Callable, TextIO

from fastapi_lint.api import RunResult
from fastapi_lint.report import concise, github, gitlab, json_format, junit, sarif, text

Reporter = Callable[[RunResult, TextIO, dict], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "concise": concise.report,
    "json": json_format.report,
    "sarif": sarif.report,
    "github": github.report,
    "gitlab": gitlab.report,
    "junit": junit.report,
}
