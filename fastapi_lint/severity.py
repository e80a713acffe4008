"""Severities after configuration: ``[tool.fastapi-lint.severity]`` overrides a rule's own,
and ``fail-on`` / ``--exit-non-zero-on`` decides which findings fail the run.

Applied to a finished run (not inside the engine), so cached results stay valid whatever
severities a later run configures. The engine's own findings keep theirs: a file that
cannot be parsed (FAPI000) is always an error, a crashed rule (FAPI900) exits 3.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from fastapi_lint.config import SEVERITY_LEVELS, Settings
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Diagnostic, Severity

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

_ENGINE_CODES = frozenset({PARSE_ERROR_CODE, INTERNAL_ERROR_CODE})


def rank(severity: Severity | str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITY_LEVELS.index(severity.value if isinstance(severity, Severity) else severity)


def apply_overrides(result: RunResult, settings: Settings) -> None:
    """Give every finding of ``result`` its configured severity (in place)."""
    if not settings.severity:
        return
    for file_result in result.files:
        file_result.diagnostics = [_configured(d, settings) for d in file_result.diagnostics]


def _configured(diagnostic: Diagnostic, settings: Settings) -> Diagnostic:
    level = None if diagnostic.code in _ENGINE_CODES else settings.severity_for(diagnostic.code)
    if level is None or level == diagnostic.severity.value:
        return diagnostic
    return replace(diagnostic, severity=Severity(level))


def failing(diagnostics: Iterable[Diagnostic], fail_on: str) -> list[Diagnostic]:
    """The findings at or above ``fail_on``: those that make the exit code 1."""
    threshold = rank(fail_on)
    return [d for d in diagnostics if rank(d.severity) >= threshold]
