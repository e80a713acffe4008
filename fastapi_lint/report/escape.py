"""The one place that makes text from the linted repository safe to print.

File names, messages (which quote source, e.g. a route path) and source lines come from
a repository that may be hostile. Printed raw, an ESC or BEL drives the terminal (erases
findings, sets the title), and a newline or carriage return starts a line of its own,
which GitHub Actions executes if it reads ``::warning ...``. Bidi controls reorder what
the reader sees. :func:`escape` writes every such character in Python's backslash form
(``\\x1b``, ``\\n``, ``\\u202e``), visibly and on one line; every human-readable report
uses it, and the machine-readable ones use it for paths so that a file is named the same
way in every format.

Undecodable bytes of a file name (Python hands them over as the lone surrogates
U+DC80-U+DCFF) are shown as the byte they stand for (``\\xff``); other lone surrogates,
which no encoder accepts, as ``\\udXXX``.
"""

from __future__ import annotations

import re

_SPECIAL = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# C0 (tab included), DEL and C1; lone surrogates; U+2028/U+2029 (line and paragraph
# separators); bidi controls (LRM, RLM, ALM, embeddings and overrides, isolates); and the
# noncharacters U+FFFE/U+FFFF, which XML 1.0 forbids.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# Lone surrogates alone: JSON strings may hold real control characters (JSON escapes them)
# but never a lone surrogate (strict parsers reject "\udcff").
SURROGATE = re.compile("[\ud800-\udfff]")


def escaped_char(char: str) -> str:
    """One unsafe character in its visible backslash form."""
    special = _SPECIAL.get(char)
    if special is not None:
        return special
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{point - 0xDC00:02x}"
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}"


def _replace(match: re.Match) -> str:
    return escaped_char(match.group())


def escape(text: str) -> str:
    """``text`` with every control, separator, bidi or surrogate character escaped visibly."""
    return UNSAFE.sub(_replace, text) if UNSAFE.search(text) else text


def without_surrogates(text: str) -> str:
    """``text`` with its lone surrogates (only) escaped, for strings in JSON documents."""
    return SURROGATE.sub(_replace, text) if SURROGATE.search(text) else text


def json_safe(value):
    """A JSON-ready structure with no lone surrogate left in any string (keys included)."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def diff_name(name: str) -> bytes:
    """A file name for a ``---``/``+++`` line of a unified diff: its bytes as they are on disk
    when it holds nothing unsafe, else quoted as Git does (``"caf\\351.py"``, C escapes and
    octal bytes), a form both ``git apply`` and GNU ``patch`` read back to the real name."""
    raw = name.encode("utf-8", "surrogateescape")
    if not UNSAFE.search(name) and b'"' not in raw[:1]:
        return raw
    out = ['"']
    for byte in raw:
        char = chr(byte)
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    out.append('"')
    return "".join(out).encode("ascii")
