"""``--output-format text``: each finding with its source line, a caret, the links and,
last, the ``fastapi-lint explain CODE`` command that shows the rule's page offline.

Coloured (through rich) on a terminal, where the code is also a hyperlink (OSC 8) to the
rule's page; plain text when the stream is not a TTY or ``NO_COLOR`` is set.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from rich.style import Style
from rich.text import Text

from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Applicability, Diagnostic, Severity
from fastapi_lint.report.console import make_console
from fastapi_lint.report.escape import escape
from fastapi_lint.report.source_lines import SourceLines
from fastapi_lint.severity import failing

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

_LINKABLE = re.compile(r"https?://[!-~]+")  # printable ASCII, no space, no control character
_ENGINE_CODES = frozenset({PARSE_ERROR_CODE, INTERNAL_ERROR_CODE})
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


Segments = list[tuple[str, "str | Style | None"]]  # one output line: (text, rich style)


class _Lines:
    """Writes lines of styled segments: through rich on a colour terminal, else as plain
    text straight to the stream (rich costs milliseconds a line; reports can have thousands)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        console = make_console(stream)
        self.console = console if console.is_terminal and console.color_system is not None else None

    def __call__(self, *segments: tuple[str, str | Style | None]) -> None:
        if self.console is not None:
            self.console.print(Text.assemble(*((text, style or "") for text, style in segments)))
        else:
            self.stream.write("".join(text for text, _ in segments) + "\n")


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    write = _Lines(stream)
    diagnostics = result.diagnostics
    lines = SourceLines()
    for diagnostic in diagnostics:
        _finding(write, diagnostic, lines.of(diagnostic.path))
    if not options.get("quiet"):
        _summary(write, result, diagnostics, options)


def _finding(write: _Lines, d: Diagnostic, lines: list[str]) -> None:
    # Everything from the linted repository is escaped (see escape.py): path, message
    # (it quotes source), the source line and the URLs (docs-url comes from its config).
    header: Segments = [
        (f"{escape(d.path)}:{d.start.line}:{d.start.column}: ", "bold"), (d.code, _code_style(d)),
    ]
    if d.fix is Applicability.SAFE:  # as in Ruff, [*] promises what plain --fix does
        header.append((" [*]", "cyan"))
    header.append((f" {d.severity.value}:", _SEVERITY_STYLE[d.severity]))
    header.append((f" {escape(d.message)}", None))
    write(*header)
    if 0 < d.start.line <= len(lines):
        source = lines[d.start.line - 1].replace("\t", " ")  # one cell per character keeps the caret aligned
        start = d.start.column - 1
        end = d.end.column - 1 if d.end.line == d.start.line else len(source)
        # An escape is several cells wide: the caret is placed and sized on the escaped text.
        before = escape(source[:start]) + " " * (start - len(source))  # a column past the end: as given
        marked = escape(source[start:end])
        gutter = str(d.start.line)
        pad = " " * len(gutter)
        write((f"{pad} |", "blue"))
        write((f"{gutter} | ", "blue"), (escape(source), None))
        write((f"{pad} | ", "blue"), (" " * len(before) + "^" * max(len(marked), 1), "red"))
    links = [escape(u) for u in (d.url, d.fastapi_docs) if u]
    if links:
        write((f"  = help: {' ; '.join(links)}", "dim"))
    if d.code not in _ENGINE_CODES:  # the rule's page without a network (docs-url may not be reachable)
        write(("  = offline: ", "dim"), (f"fastapi-lint explain {d.code}", "dim bold"))
    write()


def _code_style(d: Diagnostic) -> Style:
    """The code in the severity's colour and, on a terminal that shows colour, a hyperlink
    (OSC 8) to the rule's page: only a plain http(s) URL, since docs-url comes from the
    linted project's configuration."""
    style = Style.parse(_SEVERITY_STYLE[d.severity])
    if d.url and _LINKABLE.fullmatch(d.url):
        style += Style(link=d.url)
    return style


def _summary(write: _Lines, result: RunResult, diagnostics: list[Diagnostic], options: dict) -> None:
    if not diagnostics:
        if result.fixed:
            write((f"Fixed {result.fixed} finding{'s' if result.fixed != 1 else ''}.", "bold"))
        write(("All checks passed!", "bold green"))
        return
    files = len({d.path for d in diagnostics})
    noun = "finding" if len(diagnostics) == 1 else "findings"
    counts = Counter(d.severity for d in diagnostics)
    by_severity = ", ".join(
        f"{counts[severity]} {severity.value}{'s' if counts[severity] != 1 and severity is not Severity.INFO else ''}"
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[severity]
    )
    write((f"Found {len(diagnostics)} {noun} ({by_severity}) in {files} file{'s' if files != 1 else ''}.", "bold"))
    fail_on = options.get("fail_on", "info")
    below = len(diagnostics) - len(failing(diagnostics, fail_on))
    if below:
        write((f"{below} of them {'is' if below == 1 else 'are'} below the `fail-on` severity ({fail_on}) "
               f"and do{'es' if below == 1 else ''} not fail the run.", None))
    if result.fixed:
        write((f"Fixed {result.fixed} finding{'s' if result.fixed != 1 else ''}; {len(diagnostics)} remaining.", "bold"))
    safe = sum(d.fix is Applicability.SAFE for d in diagnostics)
    unsafe = sum(d.fix is Applicability.UNSAFE for d in diagnostics)
    if safe:
        write((f"[*] {safe} fixable with the --fix option.", None))
    if unsafe and not options.get("unsafe_fixes"):
        write((f"{unsafe} more fixable with --fix --unsafe-fixes.", None))
