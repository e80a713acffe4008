"""``--add-noqa``: silence every current finding with a ``# noqa: CODE`` comment.

A comment is only added where one can stand: at the end of a physical line that is not
inside a string (tokenize tells). An existing ``# noqa: X`` on that line gets the new
codes merged in. The file is rewritten only if it still parses.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

from fastapi_lint.api import RunResult
from fastapi_lint.cache import content_hash
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE
from fastapi_lint.source import BadSource, decode_source
from fastapi_lint.fixes import reparses
from fastapi_lint.lines import split_lines, tokens
from fastapi_lint.files import WriteRefused, read_stamped, write_source

_NOQA_CODES = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)", re.IGNORECASE)


def _comment_lines(text: str) -> set[int]:
    """Lines whose end is outside any string, where a comment may be appended."""
    lines = set()
    try:
        for token in tokens(text):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return set()
    return lines


def _with_codes(line: str, codes: list[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = _NOQA_CODES.search(body)
    if match:
        present = [c.strip().upper() for c in match.group("codes").split(",")]
        merged = present + [c for c in codes if c not in present]
        return body[: match.start("codes")] + ", ".join(merged) + body[match.end("codes"):] + ending
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}{ending}"


def add_noqa(result: RunResult) -> tuple[int, int]:
    """Add comments for every finding of the run; returns (added, skipped). A file that
    changed since it was linted, or whose real location is outside the run's roots, is
    left alone (its findings count as skipped)."""
    linted = {f.path: f.source_hash for f in result.files}
    by_file: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for d in result.diagnostics:
        if d.code in (PARSE_ERROR_CODE, INTERNAL_ERROR_CODE):
            continue
        codes = by_file[d.path][d.start.line]
        if d.code not in codes:
            codes.append(d.code)
    added = skipped = 0
    for path, lines in by_file.items():
        file_path = Path(path)
        try:
            stamp = read_stamped(file_path)
            data = stamp.data
            text = decode_source(data)
        except (OSError, BadSource):
            skipped += sum(len(c) for c in lines.values())
            continue
        if linted.get(path) != content_hash(data):  # edited since linted: the lines moved
            skipped += sum(len(c) for c in lines.values())
            continue
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        allowed = _comment_lines(text)
        physical = split_lines(text, keepends=True)
        count = 0
        for number, codes in lines.items():
            if number in allowed and number <= len(physical):
                physical[number - 1] = _with_codes(physical[number - 1], codes)
                count += len(codes)
            else:
                skipped += len(codes)
        new = "".join(physical).encode(encoding)
        if count and reparses(new):
            try:
                write_source(file_path, new, stamp, result.roots)
                added += count
                continue
            except (OSError, WriteRefused):
                pass
        skipped += count
    return added, skipped
