"""A read-only traversal of a libcst tree, ``traverse`` (``discovery.walk`` walks files),
in exactly the order ``node.visit(visitor)`` would take, for a fraction of its cost.

libcst's ``visit`` rebuilds every node from its visited children (``with_changes`` plus
validation), even for a read-only ``CSTVisitor``: on real code that made the traversal
cost more than parsing. Here each node type's children are read straight from its
fields. The order of those fields is learnt once per type from libcst itself (the
attribute names its ``_visit_and_replace_children`` announces), so source order,
whitespace and comment nodes come out as libcst would visit them.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable

import libcst as cst

# type -> (fields in visiting order, fields libcst skipped when the order was learnt
# because they were empty: libcst visits some fields only when set, e.g. an f-string's
# ``format_spec``; a node with one of them set teaches the type's order again).
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_IS_NODE: dict[type, bool] = {}


class _FieldRecorder(cst.CSTVisitor):
    def __init__(self, node: cst.CSTNode):
        super().__init__()
        self.node = node
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False  # the children's own fields are learnt when they are walked

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.node and attribute not in self.fields:
            self.fields.append(attribute)


def _learn(node: cst.CSTNode) -> tuple[tuple[str, ...], tuple[str, ...]]:
    recorder = _FieldRecorder(node)
    node._visit_and_replace_children(recorder)  # noqa: SLF001 - the order libcst itself uses
    skipped = tuple(
        field.name for field in dataclasses.fields(node)
        if field.name not in recorder.fields and _may_hold_nodes(getattr(node, field.name))
    )
    entry = _FIELDS[type(node)] = (tuple(recorder.fields), skipped)
    return entry


def _may_hold_nodes(value: object) -> bool:
    return value is None or isinstance(value, (tuple, list, cst.MaybeSentinel)) or _is_node(value)


def _holds_nodes(value: object) -> bool:
    if _is_node(value):
        return True
    return (type(value) is tuple or type(value) is list) and any(_is_node(item) for item in value)


def _is_node(value: object) -> bool:
    kind = type(value)
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = isinstance(value, cst.CSTNode)
    return known


def traverse(node: cst.CSTNode, on_visit: Callable[[cst.CSTNode], bool], on_leave: Callable[[cst.CSTNode], None]) -> None:
    """Calls ``on_visit`` on entering every node (its children are skipped when it returns
    False) and ``on_leave`` on leaving it, depth first, in libcst's visiting order."""
    if on_visit(node):
        fields, skipped = _FIELDS.get(type(node)) or _learn(node)
        if skipped and any(_holds_nodes(getattr(node, name)) for name in skipped):
            fields, skipped = _learn(node)
        for name in fields:
            value = getattr(node, name)
            if _is_node(value):
                traverse(value, on_visit, on_leave)
            elif type(value) is tuple or type(value) is list:
                for item in value:
                    if _is_node(item):
                        traverse(item, on_visit, on_leave)
    on_leave(node)


def fields_of(node: cst.CSTNode) -> tuple[str, ...]:
    """The fields of ``node`` that may hold nodes, in libcst's visiting order (what
    :func:`traverse` reads); for walkers of their own, such as the engine's."""
    fields, skipped = _FIELDS.get(type(node)) or _learn(node)
    if skipped and any(_holds_nodes(getattr(node, name)) for name in skipped):
        fields, skipped = _learn(node)
    return fields


def plain_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of every node of type ``kind``, when known and the same for all of them
    (no field libcst visits only when set): a walker may then skip :func:`fields_of`."""
    entry = _FIELDS.get(kind)
    return entry[0] if entry is not None and not entry[1] else None


def is_node_type(kind: type) -> bool:
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = _is_subclass(kind, cst.CSTNode)
    return known


def _is_subclass(kind: type, base: type) -> bool:
    """``issubclass`` without the ABC machinery: libcst's node classes are ABCs, and each
    ``issubclass`` against one caches a weak reference to the class asked about in that
    base. Asking every node type against every field's type left 120,000 of them (29 MB in
    each worker). libcst registers no virtual subclasses, so the MRO tells the same."""
    return base in kind.__mro__


# ---------------------------------------------------------------- pruning
# Two thirds of a tree's nodes are whitespace, commas, brackets and operators. A walker
# that calls something only for some node types may skip every subtree that cannot hold
# one of them; which subtrees those are is read from libcst's own field annotations.

_ANY: frozenset[type] | None = None  # a field whose annotation we cannot read: may hold anything


@functools.cache
def _node_types() -> frozenset[type]:
    found, pending = set(), [cst.CSTNode]
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        found.add(kind)
    return frozenset(found)


def _types_in(hint: object, all_types: frozenset[type]) -> frozenset[type] | None:
    """The node types a field annotated ``hint`` may hold (every subclass of a base);
    None when the annotation is not understood."""
    if isinstance(hint, type):
        if _is_subclass(hint, cst.CSTNode):
            return frozenset(kind for kind in all_types if _is_subclass(kind, hint))
        return frozenset()  # str, bool, NoneType, MaybeSentinel ...
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return frozenset()
    if origin is None:
        return None
    found: set[type] = set()
    for argument in typing.get_args(hint):
        types = _types_in(argument, all_types)
        if types is None:
            return None
        found |= types
    return frozenset(found)


@functools.cache
def _holders() -> tuple[dict[type, set[type]], frozenset[type]]:
    """For each node type, the types with a field that may hold it; and the types with a
    field we cannot read (never pruned, nor anything that may hold them)."""
    all_types = _node_types()
    holders: dict[type, set[type]] = {}
    unknown = set()
    for kind in all_types:
        for field_types in _field_types(kind).values():
            if field_types is None:
                unknown.add(kind)
                continue
            for held in field_types:
                holders.setdefault(held, set()).add(kind)
    return holders, frozenset(unknown)


@functools.cache
def _field_types(kind: type) -> dict[str, frozenset[type] | None]:
    if not dataclasses.is_dataclass(kind):
        return {}
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # noqa: BLE001 - an annotation we cannot evaluate: nothing is pruned
        return {field.name: _ANY for field in dataclasses.fields(kind)}
    all_types = _node_types()
    return {field.name: _types_in(hints.get(field.name), all_types) for field in dataclasses.fields(kind)}


@functools.cache
def prunable(wanted: frozenset[type]) -> frozenset[type]:
    """The node types whose subtree never holds a node of a ``wanted`` type."""
    holders, unknown = _holders()
    kept = set(wanted) | unknown
    pending = list(kept)
    while pending:
        for holder in holders.get(pending.pop(), ()):
            if holder not in kept:
                kept.add(holder)
                pending.append(holder)
    return _node_types() - kept


@functools.cache
def fields_to_walk(kind: type, fields: tuple[str, ...], skipped: frozenset[type]) -> tuple[str, ...]:
    """``fields`` less those that can only hold ``skipped`` node types (or no node)."""
    types = _field_types(kind)
    return tuple(name for name in fields if types.get(name, _ANY) is None or not types[name] <= skipped)


@functools.cache
def node_types_named(names: frozenset[str]) -> frozenset[type]:
    """The node types with these class names (a visitor's ``visit_<Name>`` methods)."""
    return frozenset(kind for kind in _node_types() if kind.__name__ in names)
