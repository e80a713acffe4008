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
from collections.abc import Iterable, Iterator, Mapping

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

from fastapi_lint.analysis.facts import statement_starts

_NEWLINE = re.compile(r"\r\n?|\n")  # as libcst's position provider splits tokens
_INDENT = re.compile(r"[ \t\f]*")


class _Recorder(CodegenState):
    """Code generation that notes each node's offsets (in characters of the output)."""

    def __init__(self, module: cst.Module, indent: str = ""):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        if indent:  # a statement inside blocks, generated on its own
            self.indent_tokens.append(indent)
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
    """node -> ``CodeRange`` (1-based lines, 0-based columns), as ``PositionProvider``.

    Built for the whole module, or (:meth:`of_statements`) for the top-level statements
    that hold the findings: each of those is generated on its own and placed in the file's
    text at the line the facts recorded for it, which its code must match there. A node
    outside them, or a statement that cannot be placed so, gets the whole module generated
    after all: the ranges are the same either way (``tests/test_positions.py``)."""

    def __init__(self, module: cst.Module):
        self._module = module
        self._whole()

    @classmethod
    def of_statements(
        cls, module: cst.Module, text: str, statement_lines: str,
        placements: Iterable[tuple[cst.CSTNode | None, tuple[cst.CSTNode, int] | None]],
    ) -> Positions:
        """The positions of the nodes of the statements ``placements`` name (of ``module``,
        whose source is ``text``; ``statement_lines``: ``ModuleFacts.statement_lines``):
        each a top-level statement, with (or None) a def or class inside it and the line of
        its ``def``/``class`` keyword, placed on its own when it can be: a finding in one
        method of a 3,000-line class generates that method, not the class."""
        positions = cls.__new__(cls)
        positions._module = module
        positions._ranges = {}
        positions._starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
        positions._whole_module = False
        if not positions._place(text, statement_lines, placements):
            positions._whole()
        return positions

    def _whole(self) -> None:
        state = _Recorder(self._module)
        self._module._codegen(state)  # noqa: SLF001 - what PositionProvider itself runs
        text = "".join(state.tokens) + state.popped
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
        self._ranges = state.ranges
        self._whole_module = True

    def _place(
        self, text: str, statement_lines: str,
        placements: Iterable[tuple[cst.CSTNode | None, tuple[cst.CSTNode, int] | None]],
    ) -> bool:
        tops = [top for top, inner in dict.fromkeys(placements) if inner is None or not self._place_inner(text, *inner)]
        if not tops:
            return True
        body = self._module.body
        try:
            lines = statement_starts(statement_lines)
        except ValueError:  # not what the facts pass writes (a store is read from the linted tree)
            return False
        firsts, count = [], 0  # index in ``lines`` of each top-level statement: ``ast`` splits ``a; b`` in two
        for statement in body:
            firsts.append(count)
            count += _small_statements(statement)
        if count != len(lines):
            return False
        index = {id(statement): position for position, statement in enumerate(body)}
        for statement in dict.fromkeys(tops):
            position = index.get(id(statement))
            if position is None or not self._place_at(text, statement, lines[firsts[position]] - len(statement.leading_lines)):
                return False
        return True

    def _place_inner(self, text: str, statement: cst.CSTNode, keyword_line: int) -> bool:
        """Places a def or class that is not at the top level, from the line of its keyword
        (``ast``'s line of it) and the indentation the file has there."""
        if not 1 <= keyword_line <= len(self._starts):
            return False
        state = _Recorder(self._module, _INDENT.match(text, self._starts[keyword_line - 1]).group())
        statement._codegen(state)  # noqa: SLF001
        name = state.ranges.get(statement.name)
        if name is None:
            return False
        code = "".join(state.tokens)
        first = keyword_line - len(_NEWLINE.findall(code, 0, name[0]))  # leading lines and decorators come first
        return self._matches(text, first, code, state)

    def _place_at(self, text: str, statement: cst.CSTNode, line: int) -> bool:
        """Places a top-level statement whose code starts on ``line``."""
        state = _Recorder(self._module)
        statement._codegen(state)  # noqa: SLF001
        return self._matches(text, line, "".join(state.tokens), state)

    def _matches(self, text: str, line: int, code: str, state: _Recorder) -> bool:
        """Takes ``state``'s ranges when ``code`` is the file's text from ``line`` on."""
        if not 1 <= line <= len(self._starts):
            return False
        start = self._starts[line - 1]
        if text[start:start + len(code)] != code:
            return False
        self._ranges.update((node, (begin + start, end + start)) for node, (begin, end) in state.ranges.items())
        return True

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self._starts, offset) - 1
        return CodePosition(line + 1, offset - self._starts[line])

    def _known(self, node: object) -> bool:
        if node not in self._ranges and not self._whole_module:
            self._whole()
        return node in self._ranges

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        if not self._known(node):
            raise KeyError(node)
        start, end = self._ranges[node]
        return CodeRange(self._position(start), self._position(end))

    def __contains__(self, node: object) -> bool:
        return self._known(node)

    def __iter__(self) -> Iterator[cst.CSTNode]:
        if not self._whole_module:
            self._whole()
        return iter(self._ranges)

    def __len__(self) -> int:
        if not self._whole_module:
            self._whole()
        return len(self._ranges)


def _small_statements(statement: cst.CSTNode) -> int:
    """How many statements ``ast`` sees in a top-level statement of libcst's."""
    return len(statement.body) if type(statement) is cst.SimpleStatementLine else 1
