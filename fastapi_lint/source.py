"""A file's bytes as Python reads them: the size limit, the decoding (BOM, coding cookie,
UTF-8 default) and what is wrong when it fails. No libcst: reports show source lines of
findings from the cache without loading the lint engine."""

from __future__ import annotations

import io
import re
import tokenize

# Parsing with libcst costs about 1 GB of memory and a minute per MB of source: a file
# larger than this (generated code, data dumps) gets one FAPI000 instead of exhausting
# the machine. The largest hand-written modules seen in the wild are about 1 MB.
MAX_SOURCE_BYTES = 2_000_000

_BOM = b"\xef\xbb\xbf"
_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


class BadSource(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


def decode_source(source: bytes) -> str:
    """Decode as Python does (BOM, coding cookie, UTF-8 default) or raise BadSource."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as exc:
        first_lines = b"\n".join(source.removeprefix(_BOM).splitlines()[:2])
        if _CODING_COOKIE.search(first_lines):
            if source.startswith(_BOM):
                raise BadSource("the file starts with a UTF-8 byte order mark but declares another encoding") from None
            raise BadSource(f"invalid encoding declaration: {exc}") from None
        encoding = "utf-8"  # no declaration: the decode below pinpoints the bad byte
    try:
        text = source.decode(encoding)
    except UnicodeDecodeError as exc:
        before = source[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise BadSource(
            f"file is not valid {encoding} (byte 0x{source[exc.start]:02x}) and has no coding declaration",
            line,
            column,
        ) from None
    if "\x00" in text:
        nul = text.index("\x00")
        line = text.count("\n", 0, nul) + 1
        raise BadSource("source contains a null byte", line, nul - (text.rfind("\n", 0, nul) + 1) + 1)
    return text
