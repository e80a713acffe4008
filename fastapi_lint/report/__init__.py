"""Reporters: a finished run → text on a stream. One module per output format, imported
only when that format is used (``fastapi-lint --version`` must not pay for them)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

Reporter = Callable[["RunResult", TextIO, dict], None]

# Output format -> the module of this package that writes it.
FORMATS: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}


def reporter(output_format: str) -> Reporter:
    return importlib.import_module(f"{__name__}.{FORMATS[output_format]}").report
