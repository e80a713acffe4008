"""Output streams that cannot fail on a character: a report must reach the user even when
the terminal cannot show a character of a message, or a lone surrogate (an undecodable
byte of a file name, as Python hands it over) slipped past the reporters' escaping. And
written in blocks, whatever ``PYTHONUNBUFFERED`` says."""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator
from typing import TextIO

from fastapi_lint.report.escape import escaped_char

ERRORS = "fastapi-lint-output"


def _write_anyway(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start:error.end]
    # Never the raw bytes: a byte such as 0x9b is a terminal control sequence (CSI) in an
    # 8-bit terminal. Surrogates get the same visible form as in every report (\xff).
    shown = (
        escaped_char(char) if "\ud800" <= char <= "\udfff" else char.encode("ascii", "backslashreplace").decode()
        for char in chunk
    )
    return "".join(shown), error.end


codecs.register_error(ERRORS, _write_anyway)


def lenient(stream: TextIO) -> TextIO:
    """``stream`` reconfigured to write every character somehow instead of raising."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=ERRORS)
    return stream


@contextlib.contextmanager
def written_in_blocks(stream: TextIO) -> Iterator[None]:
    """``stream`` buffered for the block, then flushed. Under ``PYTHONUNBUFFERED`` (set in
    many CI images and containers) every line of a report was a system call of its own: a
    30,000-line report to a file took a tenth of a warm run's time."""
    if not isinstance(stream, io.TextIOWrapper) or not stream.write_through:
        yield
        return
    stream.reconfigure(write_through=False)
    try:
        yield
    finally:
        stream.reconfigure(write_through=True)  # which flushes what is pending
