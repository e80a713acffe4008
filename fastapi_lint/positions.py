"""Where each node of a module is, exactly as libcst's ``PositionProvider`` says, for less.

``PositionProvider`` generates the module's code and, token by token, follows lines and
columns with a regular expression and builds a ``CodeRange`` for every node: on a
1,000-line module that costs two to three times the parse, and the engine pays it for
every file with a finding (the language server, on every keystroke). Here the same code
generation only counts characters: each node gets its (start, end) offsets, turned into
lines and columns when somebody asks for that node. The rules that decide a node's range
are libcst's own (its ``record_syntactic_position`` calls, with their start and end
nodes); ``tests/test_positions.py`` checks the result equals ``PositionProvider``'s.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")  # as libcst's position provider splits tokens


class _Recorder(CodegenState):
    """Code generation that notes each node's offsets (in characters of the output)."""

    def __init__(self, module: cst.Module):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.stack: list[int] = []
        self.ranges: dict[cst.CSTNode, tuple[int, int]] = {}
        self.popped = ""

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        if node not in self.ranges:  # a syntactic range recorded inside wins, as in libcst
            self.ranges[node] = (start, self.offset)

    def pop_trailing_newline(self) -> None:
        # libcst's provider does not step back over the dropped newline: neither do we,
        # but the text the offsets are turned into lines with keeps it.
        if self.tokens:
            self.popped = self.tokens.pop()

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):  # noqa: ANN001 - libcst's signature
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """``record_syntactic_position`` as a plain context manager (no generator per node)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _Recorder, node, start_node, end_node):
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc_info) -> bool:
        ranges = self.state.ranges
        start = ranges[self.start_node][0] if self.start_node is not None else self.start
        end = ranges[self.end_node][1] if self.end_node is not None else self.state.offset
        ranges[self.node] = (start, end)
        return False


class Positions(Mapping):
    """node -> ``CodeRange`` (1-based lines, 0-based columns), as ``PositionProvider``."""

    def __init__(self, module: cst.Module):
        state = _Recorder(module)
        module._codegen(state)  # noqa: SLF001 - what PositionProvider itself runs
        text = "".join(state.tokens) + state.popped
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
        self._ranges = state.ranges

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self._starts, offset) - 1
        return CodePosition(line + 1, offset - self._starts[line])

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        start, end = self._ranges[node]
        return CodeRange(self._position(start), self._position(end))

    def __contains__(self, node: object) -> bool:
        return node in self._ranges

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._ranges)

    def __len__(self) -> int:
        return len(self._ranges)
