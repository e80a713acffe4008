"""``fastapi-lint routes``: the route tables of the apps under some paths, read from the
facts of their whole projects (as ``lint_paths`` reads them), never by importing them.

The tables themselves come from :mod:`fastapi_lint.analysis.route_table`, the model the
routing rules share; this module only picks the files, builds each project and keeps
the apps defined in the files that were named.
"""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi_lint.analysis.qualnames import forget_packages, module_name_for
from fastapi_lint.analysis.route_table import AppTable, RouteTable
from fastapi_lint.api import build_project, display_path, facts_for, project_files
from fastapi_lint.config import forget_configs
from fastapi_lint.discovery import discover
from fastapi_lint.source import MAX_SOURCE_BYTES
from fastapi_lint.projects import ProjectRoot, SettingsResolver


def route_tables(paths: list[Path], resolver: SettingsResolver) -> list[AppTable]:
    """Every FastAPI app defined in a file under ``paths``, with its route table."""
    forget_packages()
    forget_configs()
    files = discover(paths, resolver)
    groups: dict[Path, tuple[ProjectRoot, list[Path]]] = {}
    for path in files:
        project = resolver.for_path(path)
        groups.setdefault(project.root, (project, []))[1].append(path)
    tables: list[AppTable] = []
    for root in sorted(groups):
        project, members = groups[root]
        named = {module_name_for(path)[0] for path in members}
        facts, shown, branches = [], {}, _Branches()
        for path in project_files(members, project, resolver):
            try:
                data = path.read_bytes()
                if len(data) > MAX_SOURCE_BYTES:
                    continue
                found = facts_for(path, data)
            except Exception:  # noqa: BLE001 - unreadable or unparsable: no routes from it
                continue
            facts.append(found)
            if found.module not in shown:
                shown[found.module] = display_path(path)
                if found.calls or found.functions:
                    branches.paths[found.module] = path
        table = RouteTable(build_project(facts), shown, branches)
        tables.extend(app for app in table.apps() if app.origin[0] in named)
    return tables


class _Branches:
    """``conditional_lines`` of a module, read when the route table first asks (it asks
    only about the modules that register something: a second parse of every file would
    take as long as the facts)."""

    def __init__(self):
        self.paths: dict[str, Path] = {}
        self._lines: dict[str, frozenset[int]] = {}

    def get(self, module: str, default=frozenset()) -> frozenset[int]:
        if module not in self._lines:
            path = self.paths.get(module)
            try:
                self._lines[module] = conditional_lines(path.read_bytes()) if path is not None else default
            except OSError:
                self._lines[module] = default
        return self._lines[module]


_BRANCHING = (ast.If, ast.Try, ast.For, ast.AsyncFor, ast.While) + ((ast.Match,) if hasattr(ast, "Match") else ()) \
    + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())  # try: its handlers and else only


def conditional_lines(source: bytes) -> frozenset[int]:
    """The lines of statements that run only under a condition: the bodies of ``if``,
    ``try``, ``match`` and loops (a registration there may never happen)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return frozenset()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _BRANCHING):
            continue
        try_block = isinstance(node, ast.Try) or type(node).__name__ == "TryStar"
        for name in ("orelse", "handlers") if try_block else ("body", "orelse", "cases"):
            for child in getattr(node, name, ()) or ():
                start = min([child.lineno, *(d.lineno for d in getattr(child, "decorator_list", ()))]) \
                    if hasattr(child, "lineno") else None
                if start is None and hasattr(child, "body"):  # a match case
                    for stmt in child.body:
                        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
                        lines.update(range(first, (stmt.end_lineno or stmt.lineno) + 1))
                    continue
                lines.update(range(start, (child.end_lineno or child.lineno) + 1))
    return frozenset(lines)
