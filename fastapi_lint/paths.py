"""Route path templates as Starlette reads them: ``/items/{item_id:int}``.

Parameters, their convertors, and the regex Starlette compiles a template into, so rules
can tell which requests a route would match without importing Starlette.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")

# Starlette's built-in convertors (starlette/convertors.py) and a value each one accepts.
CONVERTOR_REGEX = {
    "str": "[^/]+",
    "path": ".*",
    "int": "[0-9]+",
    "float": r"[0-9]+(\.[0-9]+)?",
    "uuid": "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
}
_SAMPLE = {"str": "x", "path": "x", "int": "0", "float": "0", "uuid": "00000000-0000-0000-0000-000000000000"}


@dataclass(frozen=True)
class PathParam:
    name: str
    convertor: str  # "str" when the template names none

    @property
    def spans_segments(self) -> bool:
        """``{name:path}`` can hold ``/``; a plain ``{name}`` cannot."""
        return self.convertor == "path"


def path_parameters(path: str) -> tuple[PathParam, ...]:
    return tuple(PathParam(m.group(1), m.group(2) or "str") for m in _PARAM.finditer(path))


def path_regex(path: str) -> re.Pattern[str] | None:
    """The regex Starlette matches request paths against; None for an unknown convertor."""
    parts, end = [], 0
    for match in _PARAM.finditer(path):
        convertor = match.group(2) or "str"
        if convertor not in CONVERTOR_REGEX:
            return None  # a custom convertor: its language is unknown
        parts.append(re.escape(path[end:match.start()]))
        parts.append(f"(?:{CONVERTOR_REGEX[convertor]})")
        end = match.end()
    parts.append(re.escape(path[end:]))
    return re.compile("".join(parts))


def sample_path(path: str) -> str | None:
    """A concrete request path the template matches; None for an unknown convertor."""
    out, end = [], 0
    for match in _PARAM.finditer(path):
        convertor = match.group(2) or "str"
        if convertor not in _SAMPLE:
            return None
        out.append(path[end:match.start()])
        out.append(_SAMPLE[convertor])
        end = match.end()
    out.append(path[end:])
    return "".join(out)
