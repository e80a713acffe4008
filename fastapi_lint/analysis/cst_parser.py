"""libcst's parser, run where deep nesting cannot crash the process.

libcst parses with native code that recurses once per level of nesting on the calling
thread's stack, with no limit of its own: ``-`` repeated 8,400 times, 1,300 nested
parentheses or a chain of 7,200 ``and`` overflow an 8 MB stack, and the process dies of a
segmentation fault (the whole run, with no report). The parse therefore runs on a thread
with a 1 GiB stack (address space: only the pages a deep parse touches are used), which
holds any nesting Python's own parser accepts (its parser gives up at a few thousand
levels, far sooner than libcst on this stack) and the flat ``and``/``or`` chains it does
not nest, up to the largest file linted. Deep nesting also costs libcst memory and time
growing with its square (5,000 nested ``-`` take 1.4 GB and 4 s, 10,000 take 5.4 GB), so
sources Python refused for their nesting never reach libcst (``facts.nested_too_deeply``),
and the others it refused (newer syntax, a syntax error: Python stopped reading at the
error, so it bounded nothing after it) only when ``nesting_fits``.
"""

from __future__ import annotations

import ast
import io
import threading
import tokenize
from collections.abc import Callable
from typing import TypeVar

import libcst as cst

from fastapi_lint.signal_mask import stops_held

_STACK_BYTES = 1 << 30
# How long a stopped run waits for a parse in progress (the largest file parses in ~1 s).
_STOP_WAIT_SECONDS = 2.0
# libcst needs up to ~3.2 KB of stack per byte of source (nested parentheses): a source
# Python did not read is given to libcst up to this size ...
MAX_UNCHECKED_BYTES = 128_000
# ... when no line nests brackets deeper than Python allows, and none has more of the tokens
# libcst nests (operators, `.`, `lambda`, `not`, `await`, `if`) than this.
_MAX_BRACKETS = 200
_MAX_NESTING_TOKENS = 3000
_NESTING_WORDS = frozenset({"not", "await", "lambda", "if", "and", "or", "in", "is"})

T = TypeVar("T")


def parse_module(source: bytes | str) -> cst.Module:
    return on_deep_stack(cst.parse_module, source)


def parse_expression(text: str) -> cst.BaseExpression:
    """An expression written in the linted code (a string annotation): Python reads it first,
    so what is nested too deeply for libcst raises (``SyntaxError``, ``RecursionError``...)."""
    ast.parse(text, mode="eval")
    return on_deep_stack(cst.parse_expression, text)


def nesting_fits(source: bytes | str) -> bool:
    """Whether libcst may read a source Python refused for another reason than its nesting:
    small enough, and no logical line nested deeper than a few thousand levels."""
    if len(source) > MAX_UNCHECKED_BYTES:
        return False
    readline = io.BytesIO(source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")).readline
    brackets = nesting = 0
    try:
        for token in tokenize.tokenize(readline):
            kind, text = token.type, token.string
            if kind == tokenize.OP:
                if text in "([{":
                    brackets += 1
                    if brackets > _MAX_BRACKETS:
                        return False
                    continue
                if text in ")]}":
                    brackets -= 1
                    continue
                if text in (",", ":", ";", "="):
                    continue
                nesting += 1
            elif kind == tokenize.NAME and text in _NESTING_WORDS:
                nesting += 1
            elif kind == tokenize.NEWLINE:
                nesting = 0
                continue
            else:
                continue
            if nesting > _MAX_NESTING_TOKENS:
                return False
    except (tokenize.TokenError, SyntaxError, ValueError) as exc:
        # Python 3.12's tokenizer has the bracket limit itself ("too many nested parentheses");
        # after any other error the tokens read were fine, and libcst reports the error.
        return "too many" not in str(exc)
    return True


def on_deep_stack(function: Callable[..., T], *args) -> T:
    """``function(*args)`` on a thread with a 1 GiB stack (on this one where the system
    refuses such a thread); its exception, if any, is raised here."""
    outcome: list = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append((False, exc))
        finally:
            finished.set()

    try:
        previous = threading.stack_size(_STACK_BYTES)
    except (ValueError, RuntimeError):
        return function(*args)
    thread = threading.Thread(target=run, name="fastapi-lint-parse", daemon=True)
    started = False
    try:
        # A stop request (Ctrl-C, SIGTERM, the time budget: raised in this thread) must not
        # leave the parse running: a thread still inside libcst's native code when the
        # interpreter exits is ended there, and the process aborts (SIGABRT) instead of
        # exiting with the stop's status. Held back while the thread starts (``start`` waits,
        # and a stop raised in that wait would not know the thread runs), then the parse is
        # let finish first. Waited for with an event, not ``join``: a ``join`` interrupted
        # by an exception marks a thread that still runs as ended (CPython before 3.13
        # releases its state lock), and the next ``join`` returns at once.
        with stops_held():
            try:
                thread.start()
                started = True
            except RuntimeError:  # no address space for the stack
                pass
            finally:
                threading.stack_size(previous)
        if not started:
            return function(*args)
        finished.wait()
    except BaseException:
        if started:
            finished.wait(_STOP_WAIT_SECONDS)
        raise
    succeeded, value = outcome[0]
    if succeeded:
        return value
    raise value
