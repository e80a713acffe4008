"""``--output-format github``: GitHub Actions workflow commands, shown as annotations
on the pull request's diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from fastapi_lint.diagnostics import Severity
from fastapi_lint.report.escape import escape

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """GitHub's encoding of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    # Everything interpolated is first escaped visibly as in every report (escape.py: no
    # control character, so no line break that could start a command of its own, and the
    # path shown as everywhere else), then encoded by GitHub's rules.
    for d in result.diagnostics:
        properties = ",".join(
            f"{key}={_escape_property(escape(str(value)))}"
            for key, value in (
                ("file", d.path),
                ("line", d.start.line),
                ("col", d.start.column),
                ("endLine", d.end.line),
                ("endColumn", d.end.column),
                ("title", f"{d.code} {d.name}"),
            )
        )
        stream.write(f"::{_LEVEL[d.severity]} {properties}::{_escape_data(escape(f'{d.code} {d.message}'))}\n")
