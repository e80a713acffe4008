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
        known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known

