"""Source lines of reported files, read once per report (a file may change between runs)."""

from __future__ import annotations

from fastapi_lint.source import BadSource, decode_source
from fastapi_lint.lines import split_lines


def read_lines(path: str) -> list[str]:
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError:
        return []
    try:
        return split_lines(decode_source(source))
    except BadSource:
        return split_lines(source.decode("utf-8", errors="replace"))


class SourceLines:
    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def of(self, path: str) -> list[str]:
        if path not in self._files:
            self._files[path] = read_lines(path)
        return self._files[path]

    def get(self, path: str, line: int) -> str:
        lines = self.of(path)
        return lines[line - 1] if 0 < line <= len(lines) else ""
