"""FAPI205 shadowed-route and FAPI206 duplicate-route: routes on one app/router that
Starlette never reaches because an earlier route of the same file answers first."""

from __future__ import annotations

import itertools

import libcst as cst

from fastapi_lint.rule import Severity
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.url_templates import _PARAM, PathMatcher, path_matcher, path_parameters, sample_path
from fastapi_lint.analysis.route_nodes import Entry, RouteWalker, exclusive

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


def _methods(entry: Entry) -> frozenset[str]:
    if entry.registration.kind == "websocket":
        return frozenset({"WEBSOCKET"})
    return frozenset(entry.registration.methods)


def _shown(methods: frozenset[str]) -> str:
    return "/".join(sorted(methods))


def _pairs(entries: list[Entry], keys):
    """(earlier, later) registrations on the same object, in the same scope, that can
    both run, for overlapping methods. ``keys(path)`` gives the bucket a path is filed
    under and the buckets of earlier paths that may conflict with it: comparing every
    pair is quadratic, and apps with thousands of routes on one router exist."""
    by_owner: dict[tuple, list[tuple[Entry, frozenset[str]]]] = {}
    for entry in entries:
        methods = _methods(entry)
        if entry.registration.path is None or not methods:
            continue
        by_owner.setdefault((entry.registration.owner.origin, entry.scope), []).append((entry, methods))
    for group in by_owner.values():
        earlier_by_key: dict[object, list[int]] = {}
        for position, (later, methods) in enumerate(group):
            own_key, conflicting_keys = keys(later.registration.path)
            candidates = sorted(i for key in conflicting_keys for i in earlier_by_key.get(key, ()))
            for i in candidates:
                earlier, earlier_methods = group[i]
                overlap = earlier_methods & methods
                if overlap and not exclusive(earlier, later):
                    yield earlier, later, overlap
            earlier_by_key.setdefault(own_key, []).append(position)


class _RouteTableRule(RouteWalker):
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/#order-matters"

    @classmethod
    def applies_to(cls, text: str, model: ModuleModel) -> bool:
        return len(model.of_kind("route")) + len(model.of_kind("websocket")) > 1

    def leave_Module(self, node: cst.Module) -> None:
        pairs = list(_pairs(self.entries, self.keys))
        reported = self.skipped(pairs)
        for earlier, later, overlap in pairs:
            if id(later) in reported:
                continue
            message = self.conflict(earlier, later, _shown(overlap))
            if message is not None:
                # A later route is reported once, for the first earlier route that answers first.
                reported.add(id(later))
                self.report(later.path_node, message)

    @staticmethod
    def keys(path: str) -> tuple[object, tuple]:
        """The bucket ``path`` is filed under, and the buckets of earlier paths to compare it with."""
        return path, (path,)

    def skipped(self, pairs: list) -> set[int]:
        """ids of the later entries not to report at all."""
        return set()

    def conflict(self, earlier: Entry, later: Entry, methods: str) -> str | None:
        """The message when ``earlier`` keeps requests from reaching ``later``, else None."""
        raise NotImplementedError


class ShadowedRoute(_RouteTableRule):
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
        segments = path.split("/")
        if any(p.convertor not in _FIXED_WIDTH for p in path_parameters(path)):
            return _ANY_SHAPE, (_ANY_SHAPE,)
        first = segments[1] if len(segments) > 1 else segments[0]
        literal = "{" not in first
        own = (len(segments), first if literal else None)
        return own, ((len(segments), first), (len(segments), None), _ANY_SHAPE) if literal else (own, _ANY_SHAPE)

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


class DuplicateRoute(_RouteTableRule):
    code = "FAPI206"
    name = "duplicate-route"
    summary = "The same method and path registered twice on one app/router"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/#order-matters"

    def conflict(self, earlier: Entry, later: Entry, methods: str) -> str | None:
        path = later.registration.path
        if earlier.registration.path != path:
            return None
        return (
            f"`{methods} {path}` is already registered on `{later.receiver}` (line "
            f"{earlier.registration.line}); requests never reach this second registration, remove "
            "it or give it another path"
        )
