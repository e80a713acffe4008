"""libcst's parser behind its guards (``analysis/cst_parser.py``): deep nesting never
reaches it unread, and what does reach it runs on a stack that holds it."""

from __future__ import annotations

import signal
import threading
import time

import libcst as cst
import pytest

from fastapi_lint.analysis.cst_parser import (
    MAX_UNCHECKED_BYTES, nesting_fits, on_deep_stack, parse_expression, parse_module,
)


def test_the_parse_runs_on_another_thread_and_hands_back_its_result_or_exception() -> None:
    assert on_deep_stack(threading.current_thread) is not threading.current_thread()
    assert parse_module("x = 1\n").code == "x = 1\n"
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("x = = 1\n")


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers")
def test_a_stop_raised_while_waiting_lets_the_parse_finish_first() -> None:
    # The stop (here a timer's handler) interrupts the wait; the thread must be done by the
    # time the stop reaches the caller, or an exiting interpreter would end it inside
    # libcst's native code and abort.
    finished = []

    def slow() -> None:
        time.sleep(0.6)
        finished.append(True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(KeyboardInterrupt):
            on_deep_stack(slow)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert finished == [True]


def test_a_chain_deeper_than_the_default_stack_holds_parses() -> None:
    # 20,000 `and`s: Python reads them as one flat node, libcst nests them (8 MB holds ~7,000).
    module = parse_module("x = " + " and ".join(["a"] * 20_000) + "\n")
    assert isinstance(module.body[0], cst.SimpleStatementLine)


def test_an_expression_from_the_linted_code_is_read_by_python_first() -> None:
    assert isinstance(parse_expression("list[int]"), cst.Subscript)
    with pytest.raises(SyntaxError):
        parse_expression("(" * 100_000 + "int" + ")" * 100_000)


@pytest.mark.parametrize("source, fits", [
    ("type X = int\nx = -1\n", True),
    ("type X = int\nx = " + "-" * 4000 + "1\n", False),  # unary operators libcst nests
    ("type X = int\nx = " + "not " * 4000 + "y\n", False),
    ("type X = int\nx = " + "(" * 201 + "1" + ")" * 201 + "\n", False),
    ("type X = int\nx = " + "(" * 200 + "1" + ")" * 200 + "\n", True),
    ("type X = int\nx = [" + ", ".join(["-1"] * 2000) + "]\n", True),  # many lines' worth, flat
    ("type X = int\n" + "x = -1\n" * 10_000, True),  # operators count per logical line
    ("type X = int\nx = '" + "a" * MAX_UNCHECKED_BYTES + "'\n", False),  # too large to check
    ("type X = int\nx = (\n", True),  # a syntax error: libcst reports it
])
def test_nesting_fits(source: str, fits: bool) -> None:
    assert nesting_fits(source) is fits
