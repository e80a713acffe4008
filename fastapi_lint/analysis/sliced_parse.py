"""A module's libcst tree, parsed a slice of statements at a time.

libcst's native parser holds far more memory of its own while it parses (tokens, its own
tree) than the Python tree it returns: the corpus's 940 KB file took 240 MB of the process,
of which the tree is 20 MB, and the C allocator kept most of the rest once it was freed.
Parsed a slice at a time, the same tree costs the parser only what the largest slice needs
(that file: 15 MB). A slice ends where the facts say a top-level statement starts, or a
statement of the body of a long top-level class (``ModuleFacts.class_body_lines``): one
class may be most of a file.

The slices are joined into the tree one parse of the whole file gives, node for node
(``tests/test_sliced_parse.py`` checks every fixture file and the corner cases). A cut is only
made where nothing between the two statements could belong to the first one: libcst gives
the comments after a block that are indented more than the next statement to that block,
so a cut moves up over the blank lines and the comments at the next statement's own
indentation, and is not made where that stops at another comment. Anything else that could
tell the slices from one parse (a slice that does not parse, slices detecting another
indentation, newline or encoding than the first) gives ``None``: the caller parses the whole
file at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

# Source bytes per slice (a statement larger than that is one slice). Smaller slices did
# not lower the peak further; with these, the corpus parsed in 8% less CPU than whole files.
SLICE_BYTES = 8_000
# A smaller file is parsed whole (it would be one or two slices).
SLICED_PARSE_FROM = 2 * SLICE_BYTES
_BLOCK_OWNERS = ("orelse", "handlers", "finalbody", "cases")


def parse_in_slices(source: bytes, statement_lines: Sequence[int],
                    class_bodies: dict[int, Sequence[int]]) -> cst.Module | None:
    """The tree of ``source``, parsed a slice at a time, or ``None`` when the slices could
    differ from one parse. ``statement_lines``: where each top-level statement starts (its
    first decorator's line); ``class_bodies``: a top-level class's first line -> where each
    statement of its body starts."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    starts = sorted({line - 1 for line in statement_lines if 0 < line <= len(lines)})
    classes = {line - 1: body for line, body in class_bodies.items()}
    modules: list[cst.Module] = []
    body: list[cst.BaseStatement] = []
    try:
        for first, end, alone in _slices(lines, offsets, starts, alone=frozenset(classes)):
            if alone is not None:
                module = _class_in_slices(source, lines, offsets, first, end, classes[alone])
            else:
                module = cst.parse_module(source[offsets[first]:offsets[end]])
            if module is None:
                return None
            _append(body, modules[-1] if modules else None, module)
            modules.append(module)
    except (cst.ParserSyntaxError, RecursionError, ValueError, SyntaxError, MemoryError):
        return None  # the whole file's parse reports it, if it is an error
    head, tail = modules[0], modules[-1]
    indents = {module.default_indent for module in modules if any(map(_has_block, module.body))}
    if len(indents) > 1 or any(module.default_newline != head.default_newline or module.encoding != head.encoding
                               for module in modules):
        return None
    return cst.Module(body=body, header=head.header, footer=tail.footer, encoding=head.encoding,
                      default_indent=next(iter(indents), head.default_indent),
                      default_newline=head.default_newline, has_trailing_newline=tail.has_trailing_newline)


def _append(body: list, previous: cst.Module | None, module: cst.Module) -> None:
    """``module``'s statements after ``previous``'s: the lines the two slices hold between
    them (``previous``'s footer, ``module``'s header) lead its first statement, as in one
    parse."""
    statements = list(module.body)
    if previous is not None:
        between = [*previous.footer, *module.header]
        if between:
            if not statements:
                raise ValueError("a slice without a statement")
            statements[0] = statements[0].with_changes(leading_lines=[*between, *statements[0].leading_lines])
    body.extend(statements)


def _class_in_slices(source: bytes, lines: list[bytes], offsets: list[int], first: int, end: int,
                     body_lines: Sequence[int]) -> cst.Module | None:
    """The one-statement module of the class whose lines are ``first`` to ``end`` (a slice
    of its own), its body parsed a slice at a time: each after the class's header lines."""
    starts = sorted({line - 1 for line in body_lines if first < line - 1 < end})
    if not starts:
        return cst.parse_module(source[offsets[first]:offsets[end]])
    opening = _cut_before(lines, starts[0], first)
    if opening is None:
        return cst.parse_module(source[offsets[first]:offsets[end]])
    header = source[offsets[first]:offsets[opening]]
    parts = [cst.parse_module(source[offsets[first]:offsets[stop]]) if start == opening
             else cst.parse_module(header + source[offsets[start]:offsets[stop]])
             for start, stop, _ in _slices(lines, offsets, starts, opening, end)]
    classes = [part.body[0] if len(part.body) == 1 else None for part in parts]
    if not all(isinstance(part, cst.ClassDef) and isinstance(part.body, cst.IndentedBlock) for part in classes) \
            or any(part.footer or part.default_indent != parts[0].default_indent for part in parts[:-1]) \
            or any(part.body.footer for part in classes[:-1]):
        return None
    statements = [statement for part in classes for statement in part.body.body]
    whole = classes[0].with_changes(body=classes[0].body.with_changes(body=statements, footer=classes[-1].body.footer))
    return parts[-1].with_changes(body=[whole], header=parts[0].header)


def _slices(lines: list[bytes], offsets: list[int], starts: list[int], begin: int = 0, end: int | None = None,
            alone: frozenset[int] = frozenset()) -> Iterator[tuple[int, int, int | None]]:
    """``(first line, end line, statement)`` of each slice of lines ``begin`` to ``end``:
    runs of statements of about ``SLICE_BYTES``, cut only before one of ``starts`` (0-based
    lines where a statement starts). A statement of ``alone`` larger than that is a slice of
    its own where the cuts around it can be made; ``statement`` is its line then."""
    end = len(lines) if end is None else end
    first, members, single = begin, 0, None  # single: the slice's one statement, when of ``alone``
    for start in starts:
        if members:
            cut = _cut_before(lines, start, first)
            if cut is not None and (start in alone or single is not None
                                    or offsets[cut] - offsets[first] >= SLICE_BYTES):
                yield first, cut, single if single is not None and offsets[cut] - offsets[first] > SLICE_BYTES else None
                first, members = cut, 0
        members += 1
        single = start if members == 1 and start in alone else None
    yield first, end, single if single is not None and offsets[end] - offsets[first] > SLICE_BYTES else None


def _cut_before(lines: list[bytes], start: int, floor: int) -> int | None:
    """Where a slice may end before the statement on line ``start``: above the blank lines
    and comments at the statement's own indentation that lead it. ``None`` when the lines
    above hold a comment indented otherwise (a block's footer, or not: libcst decides)."""
    line = lines[start]
    indent = line[:len(line) - len(line.lstrip(b" \t"))]
    cut = start
    while cut > floor:
        above = lines[cut - 1]
        if above.strip() and not (above.startswith(indent) and above[len(indent):].startswith(b"#")):
            break
        cut -= 1
    if cut <= floor or lines[cut - 1].lstrip().startswith(b"#"):
        return None
    return cut


def _has_block(statement: cst.CSTNode) -> bool:
    """Whether a top-level statement holds an indented block (whose first one sets the
    module's default indentation)."""
    if isinstance(getattr(statement, "body", None), cst.IndentedBlock):
        return True
    for name in _BLOCK_OWNERS:
        value = getattr(statement, name, None)
        for part in value if isinstance(value, (tuple, list)) else (value,):
            if part is not None and _has_block(part):
                return True
    return False
