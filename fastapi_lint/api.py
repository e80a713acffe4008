"""The Python API the CLI calls: lint paths or a piece of source.

Two passes over the files: the cheap facts pass (``ast``) over every file of the
project builds the project index; then each file to lint is parsed once with libcst
and checked by all its enabled rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.config import Settings
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Diagnostic, FileResult
from fastapi_lint.discovery import discover, package_root, walk
from fastapi_lint.engine import LintOptions, engine_diagnostic, lint_source
from fastapi_lint.facts import ModuleFacts, extract_facts
from fastapi_lint.names import module_name_for
from fastapi_lint.project import Project


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for f in self.files for d in f.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)

    @property
    def has_internal_error(self) -> bool:
        return any(d.code == INTERNAL_ERROR_CODE for d in self.diagnostics)

    @property
    def suppressed(self) -> int:
        return sum(f.suppressed for f in self.files)


def display_path(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path) -> bytes | OSError:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return exc


def facts_for(path: Path, source: bytes) -> ModuleFacts:
    module, is_package = module_name_for(path)
    return extract_facts(source, module, is_package)


def build_project(facts: list[ModuleFacts]) -> Project:
    modules: dict[str, ModuleFacts] = {}
    for item in facts:
        modules.setdefault(item.module, item)  # same dotted name twice: first (sorted) wins
    return Project(modules)


def project_files(files: list[Path], settings: Settings) -> list[Path]:
    """The files whose facts the index needs: the ones to lint plus the rest of their
    packages, so linting one file still sees routers and apps defined beside it."""
    extra: set[Path] = set()
    for root in {package_root(f) for f in files} - {None}:
        extra.update(walk(root, settings))
    linted = {f.absolute() for f in files}
    return files + sorted((p for p in extra if p.absolute() not in linted), key=lambda p: p.as_posix())


def lint_paths(paths: list[Path], settings: Settings, force_exclude: bool = False) -> RunResult:
    files = discover(paths, settings, force_exclude)
    facts: dict[Path, ModuleFacts] = {}
    for path in project_files(files, settings):
        source = _read(path)
        if isinstance(source, bytes):
            facts[path] = facts_for(path, source)
    project = build_project(list(facts.values()))
    options = LintOptions(docs_url=settings.docs_url, allow_bare_noqa=settings.allow_bare_noqa)

    result = RunResult()
    for path in files:
        shown = display_path(path)
        source = _read(path)
        if isinstance(source, OSError):
            reason = source.strerror or type(source).__name__
            file_result = FileResult(shown, [engine_diagnostic(shown, PARSE_ERROR_CODE, f"cannot read file: {reason}")])
        else:
            file_facts = facts.get(path) or facts_for(path, source)
            file_result = lint_source(shown, source, file_facts, project, settings.rules_for(path), options)
        result.files.append(file_result)
    return result


def lint_text(source: str | bytes, path: str = "example.py", settings: Settings | None = None) -> list[Diagnostic]:
    """Lint one piece of source as if it were the only file of its project."""
    settings = settings or Settings(root=Path(os.getcwd()))
    data = source.encode("utf-8") if isinstance(source, str) else source
    facts = extract_facts(data, Path(path).stem)
    project = build_project([facts])
    options = LintOptions(docs_url=settings.docs_url, allow_bare_noqa=settings.allow_bare_noqa)
    return lint_source(path, data, facts, project, settings.rules_for(Path(path)), options).diagnostics
