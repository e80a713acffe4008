"""Physical lines as Python counts them: ended by \\n, \\r\\n or a lone \\r only.

Not ``str.splitlines()``: it also breaks at form feeds, vertical tabs, \\x1c-\\x1e, \\x85 and
\\u2028/\\u2029, which Python source may hold inside a line; every later line number would
shift, and a report or a ``# noqa`` insertion would land on the wrong line.
"""

from __future__ import annotations

import io
import re
import tokenize

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    if keepends:
        return _LINE.findall(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")  # a tenth of the regular expression's time (the report reads every file)
    if lines[-1] == "":
        lines.pop()
    return lines


def tokens(text: str):
    """``tokenize`` over ``text`` with the same line numbers: newline=None makes a lone \\r
    end a line for the tokenizer as it does for the parser."""
    return tokenize.generate_tokens(io.StringIO(text, newline=None).readline)
