"""``--show-settings PATH`` and ``--show-files``: what a run would use, and why.

For one file: its project root, the configuration that applies, each setting with where
its value came from (the configuration, the command line, ``requires-python`` or the
default), the dependency versions detected for the project, and the rules enabled for it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi_lint.config import read_table
from fastapi_lint.projects import ProjectRoot
from fastapi_lint.versions import TRACKED

# Settings field -> its configuration key.
_KEYS = {
    "select": "select", "extend_select": "extend-select", "ignore": "ignore", "exclude": "exclude",
    "extend_exclude": "extend-exclude", "per_file_ignores": "per-file-ignores", "target_version": "target-version",
    "docs_url": "docs-url", "respect_gitignore": "respect-gitignore", "severity": "severity", "fail_on": "fail-on",
    "versions": "versions", "allow_bare_noqa": "allow-bare-noqa", "extend_blocking_calls": "extend-blocking-calls",
    "test_paths": "test-paths",
}


def describe(path: Path, project: ProjectRoot, from_command_line: set[str]) -> str:
    settings = project.settings
    table = read_table(settings.config_path) if settings.config_path else {}
    lines = [f"file: {path}", f"project root: {project.root}",
             f"configuration: {settings.config_path or 'none (defaults)'}"]
    for field, key in _KEYS.items():
        value = getattr(settings, field)
        if field in from_command_line:
            source = "command line"
        elif key in table:
            source = str(settings.config_path.name)
        elif field == "target_version" and settings.detected.python is not None and settings.detected.python.low:
            source = f"requires-python {settings.detected.python.describe()}"
        else:
            source = "default"
        lines.append(f"{key} = {_show(value)}  # {source}")
    lines.append("versions:")
    for package in TRACKED:
        lines.append(f"  {package}: {settings.detected.get(package).describe()}")
    codes = settings.codes_for(path)
    lines.append(f"rules enabled for this file ({len(codes)}): {', '.join(codes)}")
    return "\n".join(lines) + "\n"


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)
