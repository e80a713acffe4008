"""Output of ``fastapi-lint routes``: the route tables as text, a rich table, JSON, CSV,
Markdown or a Mermaid flowchart (app → routers → routes). Everything shown comes from the
linted code, so every human-readable format escapes it (escape.py)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from fastapi_lint.analysis.route_table import AppTable, Match, RouteRow
from fastapi_lint.report.escape import escape, json_safe

FORMATS = ("text", "json", "csv", "markdown", "mermaid")
COLUMNS = ("methods", "path", "name", "handler", "location", "tags", "dependencies", "response_model",
           "status_code", "deprecated", "protocol", "condition")


def _methods(row: RouteRow) -> str:
    if row.kind == "websocket":
        return "WS"
    if row.kind == "mount":
        return "MOUNT"
    if row.kind == "include":
        return "INCLUDE"
    return ",".join(row.methods)


def _list(values) -> str:
    return "?" if values is None else ", ".join(values)


def _cells(row: RouteRow) -> dict[str, str]:
    return {
        "methods": _methods(row) + ("?" if row.condition else ""),
        "path": row.path,
        "name": row.name or "",
        "handler": row.handler or "",
        "location": f"{row.file}:{row.line}" if row.file else "",
        "tags": _list(row.tags),
        "dependencies": _list(row.dependencies),
        "response_model": row.response_model or "",
        "status_code": "" if row.status_code is None else str(row.status_code),
        "deprecated": "?" if row.deprecated is None else ("yes" if row.deprecated else ""),
        "protocol": row.protocol or "",
        "condition": row.condition or "",
    }


def _summary(tables: list[AppTable]) -> str:
    routes = sum(len(t.rows) for t in tables)
    unresolved = sum(t.unresolved for t in tables)
    text = f"{routes} route{'s' if routes != 1 else ''} in {len(tables)} app{'s' if len(tables) != 1 else ''}"
    if unresolved:
        text += f"; {unresolved} with a path not known statically (shown as {{?...}})"
    conditional = sum(t.conditional for t in tables)
    if conditional:
        text += f"; {conditional} registered only under a condition (marked ?)"
    unreachable = sum(len(t.unreachable()) for t in tables)
    if unreachable:
        text += f"; {unreachable} never reached: an earlier route takes their requests (FAPI205/FAPI206)"
    unattributed = max((len(t.unattributed) for t in tables), default=0)
    if unattributed:
        text += (f"; {unattributed} registration{'s' if unattributed != 1 else ''} on an app or router passed "
                 "as a parameter, not shown")
    return text + "."


def report(tables: list[AppTable], stream: TextIO, output_format: str, console=None) -> None:
    if output_format == "json":
        _json(tables, stream)
    elif output_format == "csv":
        _csv(tables, stream)
    elif output_format == "markdown":
        _markdown(tables, stream)
    elif output_format == "mermaid":
        _mermaid(tables, stream)
    elif console is not None and console.is_terminal:
        _rich(tables, console)
    else:
        _text(tables, stream)


def _json(tables: list[AppTable], stream: TextIO) -> None:
    data = {
        "apps": [
            {"app": t.app, "file": t.file, "line": t.line, "unresolved": t.unresolved,
             "conditional": t.conditional,
             "unattributed": [{"file": file, "line": line} for file, line in t.unattributed],
             "routes": [_json_row(row, unreachable.get(row.order))
                        for unreachable in (t.unreachable(),) for row in t.rows]}
            for t in tables
        ],
        "unresolved": sum(t.unresolved for t in tables),
    }
    stream.write(json.dumps(json_safe(data), indent=2) + "\n")


def _json_row(row: RouteRow, conflict) -> dict:
    data = row.as_dict()
    # what FAPI205/FAPI206 report: the earlier row (by order) that answers every request first
    data["unreachable"] = None if conflict is None else {
        "code": "FAPI206" if conflict.duplicate else "FAPI205", "by": conflict.earlier.order}
    return data


def _csv(tables: list[AppTable], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(("app", "router", "order", *COLUMNS))
    for table in tables:
        for row in table.rows:
            cells = _cells(row)
            # a spreadsheet shows control characters as they are: escaped, as every text format does
            writer.writerow((escape(table.app), escape(row.router), row.order, *(escape(cells[c]) for c in COLUMNS)))


def _md(text: str) -> str:
    return escape(text).replace("|", "\\|").replace("`", "\\`")


def _markdown(tables: list[AppTable], stream: TextIO) -> None:
    shown = ("methods", "path", "name", "handler", "location", "tags", "dependencies", "response_model",
             "status_code", "deprecated")
    for table in tables:
        where = f" ({_md(table.file)}:{table.line})" if table.file else ""
        stream.write(f"## {_md(table.app)}{where}\n\n")
        stream.write("| # | " + " | ".join(c.replace("_", " ") for c in shown) + " |\n")
        stream.write("|---|" + "---|" * len(shown) + "\n")
        for row in table.rows:
            cells = _cells(row)
            stream.write(f"| {row.order} | " + " | ".join(_md(cells[c]) for c in shown) + " |\n")
        stream.write("\n")
    stream.write(_summary(tables) + "\n")


def _mermaid_label(text: str) -> str:
    return escape(text).replace('"', "#quot;")


def _mermaid(tables: list[AppTable], stream: TextIO) -> None:
    stream.write("flowchart LR\n")
    ids: dict[tuple, str] = {}
    declared: set[str] = set()
    apps = {table.app for table in tables}
    mounted: list[tuple[str, str]] = []

    def node(key: tuple) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        return ids[key]

    for table in tables:
        app = node(("app", table.app))
        stream.write(f'  {app}["{_mermaid_label(table.app)}"]\n')
        for row in table.rows:
            parent = app
            if row.router != table.app:
                parent = node(("router", table.app, row.router))
                if parent not in declared:
                    declared.add(parent)
                    stream.write(f'  {parent}(["{_mermaid_label(row.router)}"])\n')
                    stream.write(f"  {app} --> {parent}\n")
            leaf = node(("row", table.app, row.order))
            label = f"{_methods(row)} {row.path}"
            shape = ('[/"', '"/]') if row.kind == "mount" else ('["', '"]')
            stream.write(f"  {leaf}{shape[0]}{_mermaid_label(label)}{shape[1]}\n")
            stream.write(f"  {parent} --> {leaf}\n")
            if row.kind == "mount" and row.handler in apps:
                mounted.append((leaf, row.handler))
    for leaf, app_label in mounted:  # a mounted sub-application: the mount leads to its tree
        stream.write(f"  {leaf} -.-> {node(('app', app_label))}\n")


def _text(tables: list[AppTable], stream: TextIO) -> None:
    for table in tables:
        where = f" ({escape(table.file)}:{table.line})" if table.file else ""
        stream.write(f"{escape(table.app)}{where}\n")
        rows = [_cells(row) for row in table.rows]
        widths = {c: max([len(escape(r[c])) for r in rows] + [0]) for c in ("methods", "path", "name")}
        for row, cells in zip(table.rows, rows):
            extra = []
            for column in ("tags", "dependencies", "response_model", "status_code"):
                if cells[column]:
                    extra.append(f"{column.replace('_', ' ')}: {cells[column]}")
            if cells["deprecated"]:
                extra.append("deprecated" if cells["deprecated"] == "yes" else "deprecated: ?")
            line = (f"  {escape(cells['methods']):<{widths['methods']}}  {escape(cells['path']):<{widths['path']}}  "
                    f"{escape(cells['name']):<{widths['name']}}  {escape(cells['handler'])}"
                    + (f"  {escape(cells['location'])}" if cells["location"] else "")
                    + (f"  [{escape('; '.join(extra))}]" if extra else ""))
            stream.write(line.rstrip() + "\n")
        stream.write("\n")
    stream.write(_summary(tables) + "\n")


def _rich(tables: list[AppTable], console) -> None:
    from rich.table import Table
    from rich.text import Text

    for table in tables:
        title = Text(table.app, style="bold")
        if table.file:
            title.append(f"  {table.file}:{table.line}", style="dim")
        grid = Table(title=title, title_justify="left", box=None, pad_edge=False)
        for column in ("#", "methods", "path", "name", "handler", "location", "tags", "dependencies", "response",
                       "status", "deprecated"):
            grid.add_column(column, no_wrap=column in ("#", "methods", "path"), overflow="fold")
        router = None
        for row in table.rows:
            if row.router != router:
                router = row.router
                grid.add_row("", "", Text(escape(router), style="italic cyan"))
            cells = _cells(row)
            path = Text(escape(cells["path"]), style="yellow" if not row.static else "")
            grid.add_row(str(row.order), Text(escape(cells["methods"]), style="bold"), path,
                         *(Text(escape(cells[c])) for c in ("name", "handler", "location", "tags", "dependencies",
                                                            "response_model", "status_code", "deprecated")))
        console.print(grid)
        console.print()
    console.print(Text(_summary(tables)))


def report_match(table: AppTable, method: str, url: str, found: Match, stream: TextIO) -> None:
    """``--match``: which route of ``table`` serves ``method url``, and what it shadows."""
    request = f"{method} {url}"
    if found.row is None:
        stream.write(f"{escape(table.app)}: no route matches {escape(request)} (404)\n")
    else:
        row = found.row
        where = f" ({escape(row.file)}:{row.line})" if row.file else ""
        if found.partial:
            stream.write(f"{escape(table.app)}: the path of {escape(request)} matches {escape(_methods(row))} "
                         f"{escape(row.path)}{where}, not the method (405)\n")
        else:
            if found.redirect is not None:
                stream.write(f"{escape(table.app)}: {escape(request)} is redirected (307, redirect_slashes) to "
                             f"{escape(found.redirect)}\n")
                request = f"{method} {found.redirect}"
            stream.write(f"{escape(table.app)}: {escape(request)} -> {escape(_methods(row))} {escape(row.path)} "
                         f"{escape(row.name or '')} {escape(row.handler or '')}{where}\n")
        for later in found.shadowed:
            at = f" ({escape(later.file)}:{later.line})" if later.file else ""
            stream.write(f"  warning: {escape(_methods(later))} {escape(later.path)} {escape(later.name or '')}{at} "
                         f"also matches and is shadowed by the route above\n")
    for row in found.uncertain:
        at = f" ({escape(row.file)}:{row.line})" if row.file else ""
        stream.write(f"  note: {escape(_methods(row))} {escape(row.path)}{at} comes first and its path is not "
                     f"known statically; it may serve this request\n")
