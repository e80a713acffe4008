"""How FastAPI reads a path operation's or dependency's parameters.

For each parameter: its declared type, the FastAPI marker it carries (``Query()``,
``Depends(get_db)``, ``File()`` ... as the default or inside ``Annotated[...]``, also
through a type alias defined in another module such as
``DbSession = Annotated[Session, Depends(get_db)]``), and whether its type admits None.
Rules about signatures ask this module instead of re-reading annotations.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_lint.data.fastapi_names import PARAM_FUNCTIONS
from fastapi_lint.facts import CallValue, Const, FunctionFacts, ModuleFacts, Param, Ref, Subscript, Value
from fastapi_lint.names import canonical
from fastapi_lint.project import Project

_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
_MARKERS = PARAM_FUNCTIONS | {"pydantic.Field"}


@dataclass(frozen=True)
class SignatureParam:
    param: Param
    type_value: Value | None  # the annotation without Annotated's metadata (alias expanded)
    type: str | None  # qualname of the declared class where known (Optional/Annotated looked through)
    marker: str | None  # canonical qualname of the FastAPI marker, e.g. "fastapi.Query", "pydantic.Field"
    marker_call: CallValue | None
    marker_in_annotated: bool
    admits_none: bool | None  # None when the annotation cannot be read
    home: tuple[ModuleFacts, str]  # where ``type_value`` and ``marker_call`` names resolve

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def has_default(self) -> bool:
        """A Python default, or a marker whose own default is given (``Query(None)``)."""
        if self.marker_call is not None and not self.marker_in_annotated:
            if self.marker in ("fastapi.Depends", "fastapi.Security"):
                return False
            value = self.marker_call.arg(0, "default")
            if value is None:
                return self.marker_call.has_kwarg("default_factory")
            return not (isinstance(value, Ref) and value.dotted == "Ellipsis") and value != Const(...)
        return self.param.default is not None

    @property
    def default_value(self) -> Value | None:
        """The default FastAPI sees (the marker's ``default`` when the marker is the default)."""
        if self.marker_call is not None and not self.marker_in_annotated:
            return self.marker_call.arg(0, "default")
        return self.param.default


def signature(project: Project, facts: ModuleFacts, function: FunctionFacts) -> list[SignatureParam]:
    """The parameters FastAPI would inspect (``*args``/``**kwargs`` excluded)."""
    out = []
    for param in function.params:
        if param.kind in ("vararg", "kwarg"):
            continue
        out.append(read_param(project, facts, function.scope, param))
    return out


def read_param(project: Project, facts: ModuleFacts, scope: str, param: Param) -> SignatureParam:
    home = (facts, scope)
    type_value, marker_call, in_annotated = param.annotation, None, False
    annotated = _annotated(project, facts, scope, param.annotation)
    if annotated is not None:
        home, parts = annotated
        type_value = parts[0]
        for item in parts[1:]:
            if isinstance(item, CallValue) and _marker_name(project, *home, item):
                marker_call, in_annotated = item, True
    marker_home = home
    if marker_call is None and isinstance(param.default, CallValue) and _marker_name(project, facts, scope, param.default):
        marker_call, marker_home = param.default, (facts, scope)
    return SignatureParam(
        param=param,
        type_value=type_value,
        type=project.annotation_type(*home, type_value),
        marker=_marker_name(project, *marker_home, marker_call) if marker_call else None,
        marker_call=marker_call,
        marker_in_annotated=in_annotated,
        admits_none=admits_none(project, *home, type_value) if type_value is not None else None,
        home=home,
    )


def _marker_name(project: Project, facts: ModuleFacts, scope: str, call: CallValue) -> str | None:
    if call.callee is None:
        return None
    symbol = project.resolve(facts, scope, call.callee)
    name = canonical(symbol.qualname) if symbol and symbol.qualname else None
    return name if name in _MARKERS else None


def _qualname(project: Project, facts: ModuleFacts, scope: str, dotted: str | None) -> str | None:
    symbol = project.resolve(facts, scope, dotted) if dotted else None
    return canonical(symbol.qualname) if symbol and symbol.qualname else None


def _annotated(project, facts, scope, annotation) -> tuple[tuple[ModuleFacts, str], tuple] | None:
    """``(home, items)`` of an ``Annotated[...]`` annotation, following a type alias."""
    if isinstance(annotation, Ref):
        alias = project.type_alias(project.resolve(facts, scope, annotation.dotted))
        if alias is None:
            return None
        facts, scope, annotation = alias
    if isinstance(annotation, Subscript) and annotation.items and _qualname(project, facts, scope, annotation.base) in _ANNOTATED:
        return (facts, scope), annotation.items
    return None


def admits_none(project: Project, facts: ModuleFacts, scope: str, annotation: Value | None, depth: int = 0) -> bool | None:
    """Whether a type annotation accepts None: True, False, or None when it cannot be told."""
    if depth > 8:
        return None
    if isinstance(annotation, Const):
        return True if annotation.value is None else None  # string annotations are not read
    if isinstance(annotation, Ref):
        if annotation.dotted == "None":
            return True
        symbol = project.resolve(facts, scope, annotation.dotted)
        if symbol is not None and symbol.qualname:
            qualname = canonical(symbol.qualname)
            if qualname in _ANY:
                return True
            return None if qualname.startswith(("typing.", "typing_extensions.")) else False
        alias = project.type_alias(symbol)
        return admits_none(project, *alias, depth + 1) if alias else None
    if isinstance(annotation, Subscript):
        if annotation.base == "|":
            answers = [admits_none(project, facts, scope, item, depth + 1) for item in annotation.items]
            return True if True in answers else (None if None in answers else False)
        base = _qualname(project, facts, scope, annotation.base)
        if base in _OPTIONAL:
            return True
        if base in _ANNOTATED and annotation.items:
            return admits_none(project, facts, scope, annotation.items[0], depth + 1)
        if base in _UNION:
            answers = [admits_none(project, facts, scope, item, depth + 1) for item in annotation.items]
            return True if True in answers else (None if None in answers else False)
        return False if base else None
    return None
