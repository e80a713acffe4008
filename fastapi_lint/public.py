"""The public Python API: :func:`check` and :func:`check_source`, returning plain data.

This module imports nothing heavy at import time (``import fastapi_lint`` stays instant);
the linting machinery is imported by the first call. Options mean what the command
line's flags mean, with Python values::

    result = fastapi_lint.check(["src/"], select=["FAPI1", "FAPI401"], fail_on="error")
    for finding in result.findings:
        print(finding.path, finding.line, finding.code, finding.severity, finding.message)

Configuration is read as the command line reads it (each file's project and its nearest
configuration), unless ``config=`` names one file for everything or ``isolated=True``. A problem with the paths or the configuration raises
:class:`fastapi_lint.UsageError`. Nothing is written: no fixes, no cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Union

from fastapi_lint.errors import UsageError

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult
    from fastapi_lint.config import Settings
    from fastapi_lint.diagnostics import Diagnostic
    from fastapi_lint.projects import SettingsResolver

PathLike = Union[str, "os.PathLike[str]"]
Codes = Union[str, Iterable[str], None]


@dataclass(frozen=True)
class Finding:
    """One finding. Lines and columns are 1-based; the end is exclusive, as in the reports."""

    path: str  # as the reports show it: relative to the working directory when inside it
    line: int
    column: int
    end_line: int
    end_column: int
    code: str  # "FAPI101"
    name: str  # "blocking-call-in-async"
    message: str
    severity: str  # "error", "warning" or "info", after any configured override
    fix: str | None  # "safe", "unsafe", or None when the rule offers no fix here
    url: str | None  # the rule's page under docs-url
    fastapi_docs: str | None  # the official FastAPI documentation, where there is a page


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    files: int  # files checked
    suppressed: int  # findings silenced by `# noqa` comments
    exit_code: int  # what `fastapi-lint` would exit with: 0, 1 (a finding at or above fail-on), 3 (a rule crashed)


def check(
    paths: PathLike | Iterable[PathLike],
    *,
    select: Codes = None,
    extend_select: Codes = None,
    ignore: Codes = None,
    config: PathLike | None = None,
    isolated: bool = False,
    severity: dict[str, str] | None = None,
    fail_on: str | None = None,
    target_version: str | None = None,
    docs_url: str | None = None,
    allow_bare_noqa: bool | None = None,
    jobs: int = 1,
) -> CheckResult:
    """Lint files and directories, as ``fastapi-lint PATHS`` does, and return the findings."""
    from fastapi_lint.api import lint_paths

    targets = [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]
    missing = [str(p) for p in targets if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"{', '.join(missing)}: no such file or directory")
    targets = targets or [Path(".")]
    resolver = _resolver(locals())  # the keyword options, by name
    settings = resolver.for_path(targets[0]).settings  # checks the options before any work
    return _result(lint_paths(targets, resolver, jobs=jobs), resolver, settings)


def check_source(
    text: str,
    filename: PathLike = "example.py",
    *,
    select: Codes = None,
    extend_select: Codes = None,
    ignore: Codes = None,
    config: PathLike | None = None,
    isolated: bool = False,
    severity: dict[str, str] | None = None,
    fail_on: str | None = None,
    target_version: str | None = None,
    docs_url: str | None = None,
    allow_bare_noqa: bool | None = None,
) -> list[Finding]:
    """Lint ``text`` as if it were the file ``filename`` (which need not exist), as
    ``fastapi-lint --stdin-filename FILENAME`` does: its configuration, per-file ignores
    and the project around it apply."""
    from fastapi_lint.api import lint_stdin

    path = Path(filename)
    resolver = _resolver(locals())  # the keyword options, by name
    settings = resolver.for_path(path).settings
    return list(_result(lint_stdin(text.encode("utf-8"), path, resolver), resolver, settings).findings)


def _codes(value: Codes, option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{option}= takes rule codes as strings, got {value!r}")
    return tuple(code.strip() for item in items for code in item.split(",") if code.strip())


def _resolver(options: dict) -> SettingsResolver:
    """Each file's settings as the command line finds them, with ``options`` in place of its
    flags (see cli.py: the same overrides, the same configuration search)."""
    from fastapi_lint.config import SEVERITY_LEVELS, TARGET_VERSIONS, _severities, load_settings, with_overrides
    from fastapi_lint.projects import SettingsResolver

    selected = _codes(options["select"], "select")
    ignored = _codes(options["ignore"], "ignore") or ()
    extra = _codes(options["extend_select"], "extend_select")
    for option, allowed in (("fail_on", SEVERITY_LEVELS), ("target_version", TARGET_VERSIONS)):
        if options[option] is not None and options[option] not in allowed:
            raise UsageError(f"{option}= must be one of {', '.join(allowed)}, got {options[option]!r}")
    overridden = _severities(options["severity"], "severity=") if options["severity"] is not None else ()

    def overrides(settings: Settings) -> Settings:
        return with_overrides(
            settings,
            # As on the command line: select= replaces the configured selection (its ignores too).
            select=selected,
            extend_select=settings.extend_select + extra if extra else None,
            ignore=(() if selected is not None else settings.ignore) + ignored
            if (selected is not None or ignored) else None,
            target_version=options["target_version"],
            docs_url=options["docs_url"],
            allow_bare_noqa=options["allow_bare_noqa"],
            fail_on=options["fail_on"],
            severity=overridden + settings.severity if overridden else None,  # the first of equal selectors wins
        )

    config = options["config"]
    fixed = load_settings(Path.cwd(), Path(config)) if config is not None else None
    return SettingsResolver(fixed=fixed, overrides=overrides, isolated=options["isolated"])


def _result(run: RunResult, resolver: SettingsResolver, settings: Settings) -> CheckResult:
    """The run as plain data; severities as each file's settings say, the exit code as the
    command line's (``fail-on`` of the first path's settings)."""
    from fastapi_lint.api import RunResult
    from fastapi_lint.severity import apply_overrides, failing

    for file_result in run.files:
        apply_overrides(RunResult([file_result]), resolver.for_path(Path(file_result.path)).settings)
    diagnostics = run.diagnostics
    exit_code = 3 if run.has_internal_error else 1 if failing(diagnostics, settings.fail_on) else 0
    return CheckResult(tuple(_finding(d) for d in diagnostics), len(run.files), run.suppressed, exit_code)


def _finding(d: Diagnostic) -> Finding:
    return Finding(
        path=d.path, line=d.start.line, column=d.start.column, end_line=d.end.line, end_column=d.end.column,
        code=d.code, name=d.name, message=d.message, severity=d.severity.value,
        fix=d.fix.value if d.fix else None, url=d.url, fastapi_docs=d.fastapi_docs,
    )
