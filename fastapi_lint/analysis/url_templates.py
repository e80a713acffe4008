"""Route path templates as Starlette reads them: ``/items/{item_id:int}``.

Parameters, their convertors, and the language Starlette compiles a template into, so
rules can tell which requests a route would match without importing Starlette.

Starlette matches a request path with a backtracking regex; matching a template of many
``{x:path}`` parameters that way takes exponential time, so :func:`path_matcher` answers
the same question in time linear in the request path per template part.
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
_DIGITS = frozenset("0123456789")
_UUID = re.compile(CONVERTOR_REGEX["uuid"])  # fixed width: no backtracking to speak of
_UUID_WIDTH = 36


@dataclass(frozen=True)
class PathParam:
    name: str
    convertor: str  # "str" when the template names none


def path_parameters(path: str) -> tuple[PathParam, ...]:
    return tuple(PathParam(m.group(1), m.group(2) or "str") for m in _PARAM.finditer(path))


def template_parts(path: str) -> tuple[tuple[bool, str], ...]:
    """The template as ``(is_parameter, text)`` pairs: literal text, or a parameter's convertor."""
    parts: list[tuple[bool, str]] = []
    end = 0
    for match in _PARAM.finditer(path):
        parts.append((False, path[end:match.start()]))
        parts.append((True, match.group(2) or "str"))
        end = match.end()
    parts.append((False, path[end:]))
    return tuple(part for part in parts if part != (False, ""))


class PathMatcher:
    """Which request paths a template accepts: ``fullmatch(s)`` answers as Starlette's
    regex would (``re.fullmatch`` of the escaped literals and the convertors' regexes),
    by tracking the set of positions each part can end at instead of backtracking."""

    def __init__(self, parts: tuple[tuple[bool, str], ...]):
        self.parts = parts

    def fullmatch(self, text: str) -> bool:
        size = len(text)
        reachable = [False] * (size + 1)
        reachable[0] = True
        for is_param, value in self.parts:
            reachable = (_convertor_ends if is_param else _literal_ends)(value, text, reachable)
            if not any(reachable):
                return False
        return reachable[size]


def _literal_ends(literal: str, text: str, starts: list[bool]) -> list[bool]:
    ends = [False] * len(starts)
    width = len(literal)
    for start in _occurrences(literal, text):
        if starts[start]:
            ends[start + width] = True
    return ends


def _occurrences(literal: str, text: str):
    """Every index where ``literal`` (not empty) starts in ``text``, in linear time (KMP)."""
    failure = [0] * len(literal)
    k = 0
    for i in range(1, len(literal)):
        while k and literal[i] != literal[k]:
            k = failure[k - 1]
        if literal[i] == literal[k]:
            k += 1
        failure[i] = k
    k = 0
    for i, char in enumerate(text):
        while k and char != literal[k]:
            k = failure[k - 1]
        if char == literal[k]:
            k += 1
        if k == len(literal):
            yield i - k + 1
            k = failure[k - 1]


def _runs(text: str, starts: list[bool], allowed, empty: bool) -> list[bool]:
    """Where ``allowed*`` (``allowed+`` unless ``empty``) can end when it may start at any
    position of ``starts``; ``allowed`` tests one character."""
    ends = [False] * len(starts)
    running = False  # a run from some start is still going
    for position, start in enumerate(starts):
        if start and empty:
            running = True
        ends[position] = running
        if start:
            running = True
        if position < len(text) and not allowed(text[position]):
            running = False
    return ends


def _convertor_ends(convertor: str, text: str, starts: list[bool]) -> list[bool]:
    if convertor == "path":  # .*  (the dot stops at a newline)
        return _runs(text, starts, lambda char: char != "\n", True)
    if convertor == "str":  # [^/]+
        return _runs(text, starts, lambda char: char != "/", False)
    if convertor in ("int", "float"):  # [0-9]+ then, for float, (\.[0-9]+)?
        ends = _runs(text, starts, _DIGITS.__contains__, False)
        if convertor == "float":
            after_dot = [False] * len(starts)
            for position, reached in enumerate(ends):
                if reached and position + 1 < len(starts) and text[position] == ".":
                    after_dot[position + 1] = True
            fraction = _runs(text, after_dot, _DIGITS.__contains__, False)
            ends = [a or b for a, b in zip(ends, fraction)]
        return ends
    if convertor == "uuid":
        ends = [False] * len(starts)
        for position, reached in enumerate(starts):
            if reached and _UUID.fullmatch(text, position, position + _UUID_WIDTH):
                ends[position + _UUID_WIDTH] = True
        return ends
    raise ValueError(f"unknown convertor {convertor!r}")


def path_matcher(path: str) -> PathMatcher | None:
    """What Starlette matches request paths against; None for an unknown convertor."""
    parts = template_parts(path)
    if any(is_param and value not in CONVERTOR_REGEX for is_param, value in parts):
        return None  # a custom convertor: its language is unknown
    return PathMatcher(parts)


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
