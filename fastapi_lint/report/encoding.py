"""Output streams that cannot fail on a character: a report must reach the user even when
a file name holds bytes that are not valid in the file system's encoding (Python hands
them over as lone surrogates) or the terminal cannot show a character of a message."""

from __future__ import annotations

import codecs
import io
from typing import TextIO

ERRORS = "fastapi-lint-output"


def _write_anyway(error: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start:error.end]
    if all("\udc80" <= char <= "\udcff" for char in chunk):
        # The undecodable bytes of a path, written back as they are on disk (as ``ls`` does).
        return bytes(ord(char) - 0xDC00 for char in chunk), error.end
    return chunk.encode("ascii", "backslashreplace").decode("ascii"), error.end


codecs.register_error(ERRORS, _write_anyway)


def lenient(stream: TextIO) -> TextIO:
    """``stream`` reconfigured to write every character somehow instead of raising."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=ERRORS)
    return stream
