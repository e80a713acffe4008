"""File globs of ``exclude`` and ``per-file-ignores``, meaning what they mean in Ruff.

A glob is matched against a path relative to the configuration's directory, with ``/``:

- ``*`` matches any run of characters, ``/`` included (as Ruff's globs do by default);
  ``?`` one character; ``[abc]``/``[!abc]`` one of a set;
- ``**/`` at the start or after a ``/`` matches zero or more directories, so
  ``"**/tests/**"`` covers a top-level ``tests/`` as well as ``src/app/tests/``;
- a trailing ``/**`` matches everything below a directory (and the directory itself).

Globs come from the linted tree's configuration, so the expressions they become run on
RE2 (linear time, whatever the glob and the file names).
"""

from __future__ import annotations

import re
from functools import lru_cache

import re2


def translate(glob: str) -> str:
    """The regular expression (without anchors) that matches what ``glob`` matches."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        if glob.startswith("**/", i) and (i == 0 or glob[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == n:
            out.append("(?:/.*)?")
            i += 3
        elif glob[i] == "*":
            while i < n and glob[i] == "*":
                i += 1
            out.append(".*")
        elif glob[i] == "?":
            out.append(".")
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i + 2 if glob.startswith(("[!", "[^"), i) else i + 1)
            if end < 0:
                out.append(re.escape("["))
                i += 1
                continue
            body = glob[i + 1:end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


class Matcher:
    """A compiled glob (or union of globs) on RE2, which matches any file name: an
    undecodable byte (a lone surrogate in Python's str) counts as one unknown character."""

    def __init__(self, expression: str):
        self._pattern = re2.compile("(?s)" + expression)

    def fullmatch(self, text: str) -> bool:
        try:
            return self._pattern.fullmatch(text) is not None
        except UnicodeEncodeError:
            return self._pattern.fullmatch(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")) is not None


@lru_cache(maxsize=1024)
def compile_glob(glob: str) -> Matcher:
    return Matcher(translate(glob))


def matches(glob: str, relative: str) -> bool:
    return compile_glob(glob).fullmatch(relative)


def union(globs) -> Matcher | None:
    """One matcher for what any of ``globs`` matches (None for none)."""
    parts = [f"(?:{translate(glob)})" for glob in globs]
    return Matcher("|".join(parts)) if parts else None
