"""Spellings of libcst nodes shared by the rules and the analysis layer: the dotted name
of an expression, how the source spells a node (for messages), literal values, call
arguments, ``if __name__ == "__main__"`` blocks, local bindings. Names are always
compared by qualified name (``fastapi.FastAPI``), never by how a file spells them; the
string-level helpers (``canonical``, module names of files) are in ``qualnames.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


_EMPTY_MODULE = cst.Module([])


def source_text(node: cst.CSTNode, limit: int | None = None) -> str:
    """How the source spells a node, on one line (each run of white space becomes one
    space), cut to ``limit`` characters ending in "..." when it is longer: for messages."""
    text = " ".join(_EMPTY_MODULE.code_for_node(node).split())
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


def call_keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def call_positional(call: cst.Call, index: int) -> cst.Arg | None:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[index] if index < len(positional) else None


def literal_value(node: cst.BaseExpression):
    """The Python value of a simple literal (str, number, bool, None, list/tuple/set of them).

    Raises ValueError when the expression is not such a literal.
    """
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        if isinstance(value, (str, bytes)):
            return value
        raise ValueError("not a literal")
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        items = []
        for element in node.elements:
            if not isinstance(element, cst.Element):
                raise ValueError("starred element")
            items.append(literal_value(element.value))
        return tuple(items)
    raise ValueError("not a literal")


def is_main_guard(node: cst.If) -> bool:
    """``if __name__ == "__main__":`` (either side of the ``==``): a script's entry point."""
    test = node.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    names = [side for side in sides if isinstance(side, cst.Name) and side.value == "__name__"]
    strings = [side for side in sides if isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__"]
    return len(names) == 1 and len(strings) == 1


def in_main_block(statements: list[cst.CSTNode]) -> bool:
    """Whether the innermost of ``statements`` (the enclosing statements, outermost first) is
    in the body of an ``if __name__ == "__main__":`` (not its ``elif``/``else``): code that
    runs only as a script, never in a served app."""
    for outer, inner in zip(statements, statements[1:]):
        if type(outer) is cst.If and is_main_guard(outer) and any(child is inner for child in outer.body.body):
            return True
    return False


@dataclass(frozen=True)
class LocalBinding:
    """One binding in a body: ``target`` (a name, a subscript, a tuple to unpack...) and
    ``value``, for ``kind`` "assign" (``alone``: the statement's only target) and
    "annotated" (value None for a bare declaration); other kinds ("augmented", "loop",
    "walrus", "as") bind what the statement computes, so they have no value."""

    target: cst.BaseExpression
    value: cst.BaseExpression | None
    kind: str
    alone: bool = True


def local_bindings(body: cst.CSTNode) -> list[LocalBinding]:
    """Every binding made in ``body`` itself, in source order: nested defs, classes and
    lambdas (other scopes) are not looked into."""
    found: list[LocalBinding] = []

    class Bindings(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                found.append(LocalBinding(target.target, node.value, "assign", len(node.targets) == 1))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            found.append(LocalBinding(node.target, node.value, "annotated"))

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            found.append(LocalBinding(node.target, None, "augmented"))

        def visit_For(self, node: cst.For) -> None:
            found.append(LocalBinding(node.target, None, "loop"))

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            found.append(LocalBinding(node.target, None, "walrus"))

        def visit_AsName(self, node: cst.AsName) -> None:
            found.append(LocalBinding(node.name, None, "as"))

    body.visit(Bindings())
    return found


def bound_names(target: cst.CSTNode) -> list[str]:
    """The plain names a binding target binds (``a``, ``a, (b, *c)``); none for subscripts
    and attributes."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in bound_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []

