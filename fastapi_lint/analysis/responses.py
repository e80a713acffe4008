"""Reading response declarations (FAPI202, FAPI208): typing's aliases of builtin generics
and annotations written as strings."""

from __future__ import annotations

import libcst as cst



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
