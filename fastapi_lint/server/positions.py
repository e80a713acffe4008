"""Positions between the linter and the editor.

The linter counts lines from 1 and columns from 1 in code points. LSP counts both from 0,
and columns in the client's position encoding: UTF-16 code units unless the client
offers another (``general.positionEncodings``); a character outside the Basic
Multilingual Plane (an emoji in a string) is two UTF-16 units and one code point. Lines
end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` for Python and for LSP alike (never at the
form feeds and other separators ``str.splitlines`` also breaks at).
"""

from __future__ import annotations

import bisect
import re

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_END = re.compile(r"\r\n|\r|\n")


def pick_encoding(offered: list[str] | None) -> str:
    """The encoding to use, given what the client offers: UTF-32 (code points, ours) when
    offered, else UTF-16 (the LSP default, which every client supports)."""
    return UTF32 if offered and UTF32 in offered else UTF16


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32:
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Converts between code-point offsets into ``text`` and (line, column) positions."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [match.end() for match in _LINE_END.finditer(text)]

    def line_text(self, line0: int) -> str:
        """Line ``line0`` (0-based) without its line end; "" past the end."""
        if not 0 <= line0 < len(self.starts):
            return ""
        start = self.starts[line0]
        end = self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def lsp_position(self, line1: int, column1: int) -> tuple[int, int]:
        """The LSP (line, character) of the linter's 1-based line and code-point column,
        clamped into the text."""
        line0 = min(max(line1 - 1, 0), len(self.starts) - 1)
        text = self.line_text(line0)
        column0 = min(max(column1 - 1, 0), len(text))
        return line0, _units(text[:column0], self.encoding)

    def offset(self, line0: int, character: int) -> int:
        """The code-point offset of an LSP position (clamped: past a line's end is its
        end, past the last line is the end of the text)."""
        if line0 < 0:
            return 0
        if line0 >= len(self.starts):
            return len(self.text)
        text = self.line_text(line0)
        if self.encoding == UTF32:
            column = min(max(character, 0), len(text))
        else:
            column, units = 0, 0
            while column < len(text) and units < character:
                units += _units(text[column], self.encoding)
                column += 1
        return self.starts[line0] + column

    def position_of(self, offset: int) -> tuple[int, int]:
        """The LSP (line, character) of a code-point offset."""
        offset = min(max(offset, 0), len(self.text))
        line0 = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line0]
        # An offset between \r and \n belongs to no column of a line: never produced here.
        return line0, _units(self.text[start:offset], self.encoding)
