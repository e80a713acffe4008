"""FAPI205 shadowed-route: route registered after a parameterised route that already matches
its path."""

from __future__ import annotations

import itertools


from fastapi_lint.rule import Severity
from fastapi_lint.analysis.url_templates import _PARAM, PathMatcher, path_matcher, path_parameters, sample_path
from fastapi_lint.analysis.route_nodes import Entry
from fastapi_lint.analysis.route_conflicts import RouteTableRule


# Values a request could carry in a parameter of each convertor: the later route is
# unreachable only if the earlier one matches all of them, not just one sample.
_PROBES = {
    "str": ("x", "7", "1.5", "a-b.c"),
    "int": ("0", "42"),
    "float": ("0", "1.5"),
    "uuid": ("00000000-0000-0000-0000-000000000000",),
    "path": ("x", "x/y"),
}


_MAX_PROBES = 64


_FIXED_WIDTH = frozenset(_PROBES) - {"path"}


_ANY_SHAPE = "any"
_KEYED_SEGMENTS = 8  # at most 2**8 lookups per route


class ShadowedRoute(RouteTableRule):
    code = "FAPI205"
    name = "shadowed-route"
    summary = "Route registered after a parameterised route that already matches its path"
    severity = Severity.ERROR

    def __init__(self, ctx):
        super().__init__(ctx)
        self._matchers: dict[str, PathMatcher | None] = {}

    @staticmethod
    def keys(path: str) -> tuple[object, tuple]:
        # A template without a `path` (or custom) convertor matches a fixed number of
        # segments, and one starting with a literal segment only paths starting with it;
        # a later path whose requests it matches all of has the same count, and the same
        # first segment unless the earlier one starts with a parameter.
        # segments, each either a literal or one with a parameter, which matches any literal:
        # an earlier template can only match every request of a later one when it has the
        # same count and, segment by segment, the same literal or a parameter. So a path is
        # filed under its segments with parameters as None, and looked up under every way
        # of replacing its literals by None: a handful of lookups instead of every pair
        # (5,000 routes of one shape on one router exist). Literals past the first
        # _KEYED_SEGMENTS count as parameters in both, which only widens the comparison.
        if any(p.convertor not in _FIXED_WIDTH for p in path_parameters(path)):
            return _ANY_SHAPE, (_ANY_SHAPE,)
        shape = [None if "{" in segment or i >= _KEYED_SEGMENTS else segment
                 for i, segment in enumerate(path.split("/"))]
        choices = [(segment, None) if segment is not None else (None,) for segment in shape]
        return tuple(shape), (*itertools.product(*choices), _ANY_SHAPE)

    def skipped(self, pairs: list) -> set[int]:
        # A repeat of an earlier identical route is FAPI206's finding, not this one.
        return {id(later) for earlier, later, _ in pairs if earlier.registration.path == later.registration.path}

    def conflict(self, earlier: Entry, later: Entry, methods: str) -> str | None:
        first, second = earlier.registration.path, later.registration.path
        if first == second or not path_parameters(first):
            return None
        if earlier.registration.function_key is not None and (
                earlier.registration.function_key == later.registration.function_key):
            return None  # one endpoint under both paths: whichever matches, the same code runs
        if first not in self._matchers:
            self._matchers[first] = path_matcher(first)
        if self._matchers[first] is None or not _captures(self._matchers[first], second):
            return None
        return (
            f"`{methods} {second}` is unreachable: `{methods} {first}` (line "
            f"{earlier.registration.line}) is registered earlier on `{later.receiver}` and matches it "
            f"first; register `{second}` before `{first}`"
        )


def _captures(matcher: PathMatcher, path: str) -> bool:
    """Whether every request path the template ``path`` accepts is matched by ``matcher``
    (checked on sample values; each check is linear, whatever the templates)."""
    sample = sample_path(path)
    if sample is None or not matcher.fullmatch(sample):
        return False
    params = path_parameters(path)
    if not params:
        return True
    probes = [_PROBES.get(p.convertor) for p in params]
    if None in probes:
        return False
    pieces = _split(path)
    for n, combination in enumerate(itertools.product(*probes)):
        if n >= _MAX_PROBES:
            break
        concrete = "".join(
            piece if isinstance(piece, str) else combination[piece] for piece in pieces
        )
        if not matcher.fullmatch(concrete):
            return False
    return True


def _split(path: str):
    """The template as literal strings and parameter indexes, e.g. ['/a/', 0, '/b']."""
    out: list = []
    end = 0
    for index, match in enumerate(_PARAM.finditer(path)):
        out.append(path[end:match.start()])
        out.append(index)
        end = match.end()
    out.append(path[end:])
    return out
