"""Suppression comments, read from the source text (no tree needed).

``# noqa: FAPI101, FAPI201`` on the reported line, or on the first line of the
statement holding it, suppresses those codes; a bare ``# noqa`` only with
``--allow-bare-noqa``. ``# fastapi-lint: ignore-file`` on a line of its own skips the file.

:class:`Suppressions` remembers which code of which comment suppressed something, so
the engine can report the FAPI codes that suppressed nothing (FAPI001, unused-noqa), and
:func:`without_codes` rewrites a comment without them (its fix).
"""

from __future__ import annotations

import bisect
import re
import tokenize

from fastapi_lint.analysis.facts import statement_starts
from fastapi_lint.lines import split_lines, tokens

_NOQA = re.compile(r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,?\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# A line of its own, whatever ends lines: \n, \r\n or a lone \r.
_IGNORE_FILE = re.compile(r"(?:^|(?<=\r))[ \t\f]*#[ \t\f]*fastapi-lint:[ \t\f]*ignore-file[ \t\f]*(?=\r|$)", re.MULTILINE)

ALL = frozenset({"*"})


def has_ignore_file(text: str) -> bool:
    return _IGNORE_FILE.search(text) is not None


def codes_in(line: str) -> frozenset[str] | None:
    """The codes a line's noqa comment names; ``ALL`` for a bare noqa; None without one."""
    if "#" not in line:
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    if match.group("codes") is None:
        return ALL
    return frozenset(code.upper() for code in _CODE.findall(match.group("codes")))


def _comments_by_line(text: str) -> dict[int, str]:
    """Every real comment, by line; a ``# noqa`` inside a string literal is not one."""
    comments: dict[int, str] = {}
    try:
        for token in tokens(text):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):  # tokenizer disagrees with libcst: read raw lines
        lines = split_lines(text)
        return {n: line for n, line in enumerate(lines, start=1) if "#" in line}
    return comments


def _noqa_comments(text: str, statement_lines: str) -> dict[int, str]:
    """The real comments that mention noqa, by line.

    Tokenizing is the cost (pure Python before 3.12), so only the top-level statements
    holding such a line are tokenized: one starts where the tokenizer is at rest, outside
    any string or bracket. ``statement_lines``: ``ModuleFacts.statement_lines``; without
    it, or when a statement does not tokenize alone, the whole text is.
    """
    lines = split_lines(text, keepends=True)
    mentions = [n for n, line in enumerate(lines, start=1) if "noqa" in line.lower()]
    if not mentions:
        return {}
    starts = sorted({1, *statement_starts(statement_lines)})
    if len(starts) == 1:
        return _mentioning_noqa(_comments_by_line(text))
    comments: dict[int, str] = {}
    tokenized_to = 0  # statements are taken in order: each is tokenized once
    for line in mentions:
        if line < tokenized_to:
            continue
        index = bisect.bisect_right(starts, line) - 1
        first, tokenized_to = starts[index], starts[index + 1] if index + 1 < len(starts) else len(lines) + 1
        try:
            for token in tokens("".join(lines[first - 1:tokenized_to - 1])):
                if token.type == tokenize.COMMENT and "noqa" in token.string.lower():
                    comments[first - 1 + token.start[0]] = token.string
        except (tokenize.TokenError, SyntaxError):
            return _mentioning_noqa(_comments_by_line(text))
    return comments


def _mentioning_noqa(comments: dict[int, str]) -> dict[int, str]:
    return {line: comment for line, comment in comments.items() if "noqa" in comment.lower()}


class Suppressions:
    def __init__(self, text: str, allow_bare: bool, statement_lines: str = ""):
        # Only comments naming noqa matter to suppressing and to FAPI001.
        self.comments = _noqa_comments(text, statement_lines) if "noqa" in text.lower() else {}
        self.allow_bare = allow_bare
        self.used: set[tuple[int, str]] = set()  # (line, code) of each code that suppressed a finding

    def _codes(self, line: int) -> frozenset[str] | None:
        comment = self.comments.get(line)
        return codes_in(comment) if comment else None

    def suppresses(self, code: str, line: int, statement_line: int | None) -> bool:
        suppressed = False
        for candidate in sorted({line, statement_line} - {None}):
            codes = self._codes(candidate)
            if codes is None:
                continue
            if codes is ALL:
                suppressed = suppressed or self.allow_bare
            elif code in codes:
                self.used.add((candidate, code))  # both comments count as used when both name it
                suppressed = True
        return suppressed

    def unused(self, judged: frozenset[str]) -> dict[int, list[str]]:
        """By line, the FAPI codes of each ``# noqa: ...`` comment that suppressed nothing,
        among the codes ``judged`` says can be told (enabled rules that ran, unknown codes).
        A comment that names FAPI001 itself keeps all its codes."""
        found: dict[int, list[str]] = {}
        for line, comment in self.comments.items():
            codes = codes_in(comment)
            if codes is None or codes is ALL or UNUSED_NOQA_CODE in codes:
                continue
            unused = sorted(c for c in codes if c in judged and (line, c) not in self.used)
            if unused:
                found[line] = unused
        return found


UNUSED_NOQA_CODE = "FAPI001"


def without_codes(comment: str, drop: list[str]) -> str | None:
    """``comment`` with the codes ``drop`` taken out of its ``# noqa: ...`` directive; the
    directive goes when no code is left, the comment when nothing else is left (None).
    Other tools' codes and any text around the directive stay."""
    match = _NOQA.search(comment)
    if match is None or match.group("codes") is None:
        return comment
    kept = [c for c in _CODE.findall(match.group("codes")) if c.upper() not in drop]
    if kept:
        directive = comment[match.start():match.start("codes")] + ", ".join(kept)
        return comment[:match.start()] + directive + comment[match.end():]
    before = comment[:match.start()].rstrip()
    after = comment[match.end():].strip().lstrip("-:;,\u2013\u2014 #\t")  # "# noqa: X  # why" -> "# why"
    if before.strip("# \t"):  # "# type: ignore  # noqa: X" -> "# type: ignore"
        return f"{before}  # {after}" if after else before
    return f"# {after}" if after else None
