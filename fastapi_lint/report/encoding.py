"""Output streams that cannot fail on a character: a report must reach the user even when
the terminal cannot show a character of a message, or a lone surrogate (an undecodable
byte of a file name, as Python hands it over) slipped past the reporters' escaping."""

from __future__ import annotations

import codecs
import io
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
