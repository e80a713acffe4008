"""Suppression comments, read from the source text (no tree needed).

``# noqa: FAPI101, FAPI201`` on the reported line, or on the first line of the
statement holding it, suppresses those codes; a bare ``# noqa`` only with
``--allow-bare-noqa``. ``# fastapi-lint: ignore-file`` on a line of its own skips the file.
"""

from __future__ import annotations

import re
import tokenize

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


class Suppressions:
    def __init__(self, text: str, allow_bare: bool):
        self.comments = _comments_by_line(text) if "noqa" in text.lower() else {}
        self.allow_bare = allow_bare

    def _codes(self, line: int) -> frozenset[str] | None:
        comment = self.comments.get(line)
        return codes_in(comment) if comment else None

    def suppresses(self, code: str, line: int, statement_line: int | None) -> bool:
        for candidate in {line, statement_line} - {None}:
            codes = self._codes(candidate)
            if codes is None:
                continue
            if codes is ALL:
                if self.allow_bare:
                    return True
            elif code in codes:
                return True
        return False
