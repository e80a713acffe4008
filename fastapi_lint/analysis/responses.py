"""Reading response declarations (FAPI202, FAPI208): typing's aliases of builtin generics,
annotations written as strings, and the top level of an annotation node (``node_type_form``,
``Resolver.type_form``'s reading for libcst nodes, also FAPI212's); the async generators an endpoint streams (FAPI106)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.cst_parser import parse_expression
from fastapi_lint.analysis.facts import CallValue, FunctionFacts, ModuleFacts, Ref, Value
from fastapi_lint.analysis.resolution import ANNOTATED, OPTIONAL, UNION
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.coroutines import STREAMING_RESPONSE_CLASSES
from fastapi_lint.project import Project, module_share, query
from fastapi_lint.rule import FileContext



# typing's aliases of builtin and collections.abc generics: ``List[Item]`` is ``list[Item]``.
GENERIC_ALIASES = {
    **{f"{module}.{name}": f"builtins.{name.lower()}"
       for module in ("typing", "typing_extensions")
       for name in ("List", "Dict", "Set", "FrozenSet", "Tuple", "Type")},
    **{f"{module}.{name}": f"collections.abc.{name}"
       for module in ("typing", "typing_extensions")
       for name in ("Sequence", "MutableSequence", "Mapping", "MutableMapping", "Iterable", "Iterator",
                    "AsyncIterable", "AsyncIterator", "Collection", "Generator", "AsyncGenerator",
                    "Callable", "Awaitable", "Coroutine")},
    "typing.AbstractSet": "collections.abc.Set",
    "typing.DefaultDict": "collections.defaultdict",
    "typing.OrderedDict": "collections.OrderedDict",
    "typing.Deque": "collections.deque",
    "typing.Counter": "collections.Counter",
}


def parse_annotation(text: str) -> cst.BaseExpression | None:
    try:
        return parse_expression(text.strip())
    except Exception:  # not an expression: a forward reference we cannot read
        return None


@dataclass(frozen=True)
class NodeTypeForm:
    """What an annotation written in the linted file (a libcst node) is at its top level: the
    reading :meth:`Resolver.type_form <fastapi_lint.analysis.resolution.Resolver.type_form>`
    gives the facts' annotations, for the rules that point at, compare or rewrite the node.

    kind: ``"none"``; ``"class"`` (a name or attribute chain; ``qualname`` None when it names
    no class, e.g. a type alias variable or an unknown name); ``"union"`` (``items``: the
    alternatives of ``X | Y``, ``Union[...]``, and of ``Optional[X]`` with a ``None`` added);
    ``"annotated"`` (``items``: the type, then the metadata); ``"generic"`` (any other
    subscript: ``qualname`` of its base, None when unresolved, and its ``items``);
    ``"unknown"``. ``node``: the expression read, which with ``strings`` may be the parsed
    content of a string annotation (then not in the file's tree)."""

    kind: str
    node: cst.BaseExpression
    qualname: str | None = None
    items: tuple[cst.BaseExpression, ...] = ()


_STRINGS = (cst.SimpleString, cst.ConcatenatedString)


def node_type_form(ctx: FileContext, expr: cst.BaseExpression, strings: bool = False) -> NodeTypeForm:
    """The top level of the annotation ``expr`` (:class:`NodeTypeForm`). With ``strings``, a
    string annotation is read as the expression it holds; without, it is ``"unknown"``."""
    for _ in range(4):  # a string inside a string: "'Item'"
        if not (strings and isinstance(expr, _STRINGS)):
            break
        text = expr.evaluated_value
        parsed = parse_annotation(text) if isinstance(text, str) else None
        if parsed is None:
            return NodeTypeForm("unknown", expr)
        expr = parsed
    if isinstance(expr, cst.Name) and expr.value == "None":
        return NodeTypeForm("none", expr)
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return NodeTypeForm("class", expr, ctx.qualname(expr))
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return NodeTypeForm("union", expr, items=(expr.left, expr.right))
    if not isinstance(expr, cst.Subscript) or any(
            not isinstance(e.slice, cst.Index) or e.slice.star is not None for e in expr.slice):
        return NodeTypeForm("unknown", expr)
    items = tuple(e.slice.value for e in expr.slice)
    base = ctx.qualname(expr.value)
    if base in OPTIONAL:
        return NodeTypeForm("union", expr, items=(*items, cst.Name("None")))
    if base in UNION:
        return NodeTypeForm("union", expr, items=items)
    if base in ANNOTATED:
        return NodeTypeForm("annotated", expr, items=items)
    return NodeTypeForm("generic", expr, base, items)


# ---------------------------------------------------------------- streamed async generators


def streamed_async_generators(project: Project, facts: ModuleFacts, function: FunctionFacts) -> list[
        tuple[ModuleFacts, FunctionFacts]]:
    """The project async generators (``async def`` with ``yield``) whose objects ``function``
    returns wrapped in a streaming response: ``return StreamingResponse(gen(), ...)``,
    ``EventSourceResponse(content=gen())``, or through locals (``stream = gen()``,
    ``response = StreamingResponse(stream)`` ... ``return response``). The
    generator may be nested in ``function`` or defined in any module. Whether each one
    awaits is its ``has_await``."""
    found = []
    scope = facts.scopes.get(function.key)

    def local_value(value):
        """What a local name is bound to in the function (``response = StreamingResponse(...)``)."""
        if isinstance(value, Ref) and scope is not None:
            binding = scope.bindings.get(value.dotted)
            return binding.value if binding is not None and binding.kind == "value" else None
        return value

    for value in function.return_values:
        value = local_value(value)
        if not isinstance(value, CallValue) or value.callee is None:
            continue
        response = project.resolve(facts, function.key, value.callee)
        if response is None or not project.is_subclass(response.qualname, STREAMING_RESPONSE_CLASSES):
            continue
        content = local_value(value.arg(0, "content"))  # `stream = gen()` ... `StreamingResponse(stream)`
        if not isinstance(content, CallValue) or content.callee is None:
            continue
        generator = project.project_function(project.resolve(facts, function.key, content.callee))
        if generator is not None and generator[1].is_async and generator[1].has_yield:
            found.append(generator)
    return found


# ---------------------------------------------------------------- streamed bodies (FAPI109)


def never_awaits(function: FunctionFacts) -> bool:
    """An ``async def`` whose body has no ``await``, ``async for``, ``async with`` or async
    comprehension (nested defs not counted): it never gives the event loop a turn."""
    return function.is_async and not function.has_await


# The response classes that iterate a body generator (``fastapi.sse``'s subclasses Starlette's).
STREAMING_RESPONSES = frozenset({
    "starlette.responses.StreamingResponse", "fastapi.sse.EventSourceResponse",
    "sse_starlette.EventSourceResponse", "sse_starlette.sse.EventSourceResponse",
})


@query
def is_streamed(project: Project, qualname: str) -> bool:
    """Whether a call of the project function ``qualname`` is the body of a
    ``StreamingResponse``/``EventSourceResponse`` some function of the project returns:
    ``return StreamingResponse(gen(x))``, through a variable (``stream = gen(x)``) or a returned
    response variable (``response = StreamingResponse(...)``)."""
    return qualname in project.memo(("streamed_generators",), lambda: _streamed_generators(project), frozenset())


def _streamed_generators(project: Project) -> frozenset[str]:
    return frozenset().union(*(found for _, found in project.shares("streamed_generators_in")))


@module_share("streamed_generators_in")
def _module_streamed_generators(project: Project, module: str) -> frozenset[str]:
    facts = project.modules[module]
    found: set[str] = set()
    for function in facts.functions.values():
        for value in function.return_values:
            scope = function.key
            if isinstance(value, Ref):  # `return response`
                symbol = project.resolve(facts, scope, value.dotted)
                if symbol is None or symbol.call is None or symbol.origin is None:
                    continue
                value = symbol.call
            if not isinstance(value, CallValue) or not value.callee:
                continue
            response = project.resolve(facts, scope, value.callee)
            if response is None or not response.qualname or not project.is_subclass(
                    canonical(response.qualname), STREAMING_RESPONSES):
                continue
            generator = _called_function(project, facts, scope, value.arg(0, "content"))
            if generator is not None:
                found.add(generator)
    return frozenset(found)


def _called_function(project: Project, facts: ModuleFacts, scope: str, value: Value | None) -> str | None:
    """The qualname of the project function whose call ``value`` is, directly or through a variable."""
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        if symbol is None or symbol.call is None or symbol.origin is None:
            return None
        home = project.modules.get(symbol.origin[0])
        if home is None:
            return None
        facts, scope, value = home, symbol.origin[1], symbol.call
    if not isinstance(value, CallValue) or not value.callee:
        return None
    found = project.project_function(project.resolve(facts, scope, value.callee))
    return found[0].qualname_of_key(found[1].key) if found is not None else None
