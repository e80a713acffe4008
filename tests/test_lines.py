"""Physical lines as Python counts them (``lines.split_lines``)."""

from __future__ import annotations

import pytest

from fastapi_lint.lines import split_lines


@pytest.mark.parametrize(("text", "lines"), [
    ("", []),
    ("a", ["a"]),
    ("a\n", ["a"]),
    ("a\nb", ["a", "b"]),
    ("\n\n", ["", ""]),
    ("a\r\nb\r\n", ["a", "b"]),
    ("a\rb", ["a", "b"]),
    ("a\r\r\nb", ["a", "", "b"]),
    ("a\n\rb\r", ["a", "", "b"]),
    ("x = 1\f# c\x85d\u2028e\x1c\n", ["x = 1\f# c\x85d\u2028e\x1c"]),  # not line ends for Python
])
def test_lines_end_only_at_newlines_python_counts(text, lines):
    assert split_lines(text) == lines
    assert [line.rstrip("\r\n") for line in split_lines(text, keepends=True)] == lines
    assert "".join(split_lines(text, keepends=True)) == text
