"""CORS middleware settings as the app configures them (FAPI401, FAPI402): the origins,
the origin regex and whether credentials are allowed, however ``CORSMiddleware`` is added.

An ``allow_origin_regex`` comes from the linted code, so it is never run by Python's
backtracking ``re`` (``(.|.)*Z`` would take forever): Python's own parser reads it, so
escapes, flags and ``{,n}`` mean what Starlette's ``re.compile`` makes of them, and the
parsed pattern is rewritten for RE2, whose matching time is linear. What RE2 cannot
express (backreferences, lookarounds, atomic groups) leaves the pattern unknown: no finding.
"""

from __future__ import annotations

import functools
import re
import warnings

import libcst as cst

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

try:
    import re2
except ImportError:  # pragma: no cover - a broken install: regexes stay unknown
    re2 = None

from fastapi_lint.data.fastapi_names import CORS_MIDDLEWARE
from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.rule import FileContext
from fastapi_lint.analysis.middleware import constant_value as _value
from fastapi_lint.analysis.middleware import middleware_call


# Origins no sane allow-list would match together; a regex matching all of them is a wildcard.
_PROBE_ORIGINS = ("https://evil.example", "http://attacker.test:8080", "null")


_CORS = frozenset({CORS_MIDDLEWARE})


# Longer origin regexes are not evaluated (none is this long by hand).
MAX_PATTERN_LENGTH = 10_000


def cors_settings(ctx: FileContext, call: cst.Call) -> tuple[bool, bool] | None:
    """``(wildcard_origin, credentials)`` for a CORSMiddleware configuration call, else None.

    Recognises ``x.add_middleware(CORSMiddleware, ...)`` and ``Middleware(CORSMiddleware, ...)``.
    """
    if middleware_call(ctx, call, _CORS) is None:
        return None
    wildcard = False
    origins = call_keyword(call, "allow_origins")
    if origins is not None:
        value = _value(ctx, origins.value)
        wildcard = isinstance(value, (tuple, str)) and "*" in value
    regex = call_keyword(call, "allow_origin_regex")
    if regex is not None and not wildcard:
        pattern = _value(ctx, regex.value)
        if isinstance(pattern, str):
            wildcard = fullmatches_all(pattern, _PROBE_ORIGINS) is True
    credentials = call_keyword(call, "allow_credentials")
    with_credentials = credentials is not None and _value(ctx, credentials.value) is True
    return wildcard, with_credentials


# ---------------------------------------------------------------- regexes from linted code


class _Unsupported(Exception):
    """A construct RE2 has no equivalent for."""


_ASCII = range(128)


_CATEGORY_ESCAPES = {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}


_ANCHORS = {
    _sre.AT_BEGINNING: r"\A", _sre.AT_BEGINNING_STRING: r"\A",
    _sre.AT_END: r"\z", _sre.AT_END_STRING: r"\z",
    _sre.AT_BOUNDARY: r"\b", _sre.AT_NON_BOUNDARY: r"\B",
}


_CHARACTER_FLAGS = re.IGNORECASE | re.DOTALL | re.ASCII  # what decides a single character's match


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)


@functools.lru_cache(maxsize=256)
def fullmatches_all(pattern: str, subjects: tuple[str, ...]) -> bool | None:
    """Whether ``re.fullmatch(pattern, s)`` holds for every one of ``subjects`` (non-empty
    ASCII strings without line breaks), computed in linear time; None when unknown (an
    invalid pattern, one too long, or one RE2 cannot express)."""
    assert all(s and s.isascii() and "\n" not in s for s in subjects)
    if re2 is None or len(pattern) > MAX_PATTERN_LENGTH:
        return None
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like are not ours to print
            warnings.simplefilter("ignore")
            re.compile(pattern)  # what Starlette does: an invalid pattern stops the app, matches nothing
            parsed = _sre_parse.parse(pattern)
            translated = _Translation().sequence(parsed, parsed.state.flags)
        options = re2.Options()
        options.log_errors = False
        compiled = re2.compile(translated, options)
    except Exception:  # noqa: BLE001 - re.error, re2.error, _Unsupported, RecursionError, OverflowError...
        return None
    return all(compiled.fullmatch(subject) is not None for subject in subjects)


class _Translation:
    """A pattern parsed by Python's ``re`` rewritten in RE2 syntax, with the same matches on
    ASCII text without line breaks (single characters are decided by Python's ``re``
    itself, one character at a time, so flags and classes keep Python's meaning)."""

    def __init__(self) -> None:
        self._classes: dict[tuple, str] = {}

    def sequence(self, items, flags: int) -> str:
        return "".join(self.item(op, av, flags) for op, av in items)

    def item(self, op, av, flags: int) -> str:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            return self.character(op, av, flags)
        if op is _sre.BRANCH:
            return "(?:" + "|".join(self.sequence(branch, flags) for branch in av[1]) + ")"
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            return "(?:" + self.sequence(body, (flags | add_flags) & ~del_flags) + ")"
        if op in _REPEATS:
            low, high, body = av
            bound = f"{{{low},}}" if high == _sre.MAXREPEAT else f"{{{low},{high}}}"
            return "(?:" + self.sequence(body, flags) + ")" + bound
        if op is _sre.AT and av in _ANCHORS:
            return _ANCHORS[av]
        raise _Unsupported(str(op))  # backreferences, lookarounds, atomic groups, possessive repeats

    def character(self, op, av, flags: int) -> str:
        flags &= _CHARACTER_FLAGS
        if op is _sre.LITERAL and not flags & re.IGNORECASE:
            return _class_of([av] if av < 128 else [])
        key = (op, _hashable(av), flags)
        if key not in self._classes:
            single = re.compile(_python_class(op, av), flags)  # one character: nothing to backtrack
            self._classes[key] = _class_of([c for c in _ASCII if single.fullmatch(chr(c))])
        return self._classes[key]


def _hashable(av):
    return tuple(_hashable(x) for x in av) if isinstance(av, (list, tuple)) else av


def _python_class(op, av) -> str:
    """Python ``re`` source for one parsed single-character item."""
    if op is _sre.ANY:
        return "."
    if op is _sre.LITERAL:
        return re.escape(chr(av))
    if op is _sre.NOT_LITERAL:
        return "[^" + re.escape(chr(av)) + "]"
    out = []
    for item_op, item_av in av:
        if item_op is _sre.NEGATE:
            out.append("^")
        elif item_op is _sre.LITERAL:
            out.append(re.escape(chr(item_av)))
        elif item_op is _sre.RANGE:
            out.append(re.escape(chr(item_av[0])) + "-" + re.escape(chr(item_av[1])))
        elif item_op is _sre.CATEGORY and item_av in _CATEGORY_ESCAPES:
            out.append(_CATEGORY_ESCAPES[item_av])
        else:
            raise _Unsupported(str(item_op))
    return "[" + "".join(out) + "]"


def _class_of(codes: list[int]) -> str:
    """An RE2 class of these code points (in order); one matching nothing when empty."""
    if not codes:
        return r"[^\x00-\x{10FFFF}]"
    ranges, start, previous = [], codes[0], codes[0]
    for code in codes[1:] + [-1]:
        if code != previous + 1:
            ranges.append(f"\\x{{{start:x}}}" if start == previous else f"\\x{{{start:x}}}-\\x{{{previous:x}}}")
            start = code
        previous = code
    return "[" + "".join(ranges) + "]"
