"""Reading response declarations (FAPI202, FAPI208): typing's aliases of builtin generics
and annotations written as strings; the async generators an endpoint streams (FAPI106)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.facts import CallValue, FunctionFacts, ModuleFacts, Ref
from fastapi_lint.data.coroutines import STREAMING_RESPONSE_CLASSES
from fastapi_lint.project import Project



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
        return cst.parse_expression(text.strip())
    except Exception:  # not an expression: a forward reference we cannot read
        return None


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
