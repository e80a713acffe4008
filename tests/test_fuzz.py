"""A bounded fuzz run (issue 9); ``bench/fuzz.py --count N`` is the long one.

Generated modules (hypothesmith) and mutated fixture files, linted with every rule and
fixed with unsafe fixes: no internal error, fixed output that parses, keeps its comments
and does not change on a second pass. See ``bench/fuzz.py`` for what ``check`` verifies.
"""

from __future__ import annotations

import random
import sys

import pytest

from conftest import ROOT

pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import fuzz  # noqa: E402

from fastapi_lint.rules import ALL_RULES  # noqa: E402

BlockingCallInAsync = ALL_RULES["FAPI101"]

BOUNDED = settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@BOUNDED
@given(fuzz.strategy())
def test_fuzzed_inputs_never_crash_and_fix_idempotently(source):
    assert fuzz.check(source) == []


# Found by the fuzz run: libcst takes the first indented line's form feed for the file's
# indentation, then rejects it when the fixes parse new code (or add an import) like the file.
FOUND = [
    b'class A:\n\x0c pass\n\n\nfrom fastapi.responses import JSONResponse\n\n\n'
    b'def denied() -> JSONResponse:\n    return JSONResponse({"detail": "denied"}, status_code=403)\n',
]


@pytest.mark.parametrize("source", FOUND, ids=range(len(FOUND)))
def test_inputs_the_fuzz_run_found(source):
    assert fuzz.check(source) == []


@pytest.mark.parametrize("seed", range(40))
def test_mutated_fixtures_never_crash(seed):
    rng = random.Random(seed)
    fixtures = fuzz.fixture_sources()
    source = fuzz.mutate(rng.choice(fixtures), rng)
    assert fuzz.check(source) == []


def test_fixture_files_pass_the_fuzz_checks_unchanged():
    failures = {}
    for path in sorted(fuzz.FIXTURES.rglob("*.py"))[::12]:  # a sample: the bench run sees them all
        problems = fuzz.check(path.read_bytes())
        if problems:
            failures[str(path.relative_to(ROOT))] = problems
    assert failures == {}


def test_the_checks_catch_a_crashing_rule(monkeypatch):
    """The harness is not vacuous: a rule that raises is reported."""
    def explode(self, node):
        raise RuntimeError("fuzz sanity")

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", explode)
    problems = fuzz.check(b"import time\n\n\nasync def f():\n    time.sleep(1)\n")
    assert problems and all("RuntimeError: fuzz sanity" in p for p in problems)


def test_the_checks_catch_a_fix_that_is_not_idempotent(monkeypatch):
    import libcst as cst

    from fastapi_lint.fixes import Fix

    def grow(self, node):  # every pass rewrites the call again: never settles
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "sleep":
            argument = node.args[-1]
            bigger = argument.with_changes(value=cst.BinaryOperation(argument.value, cst.Add(), cst.Integer("1")))
            self.report(node, "grows", fix=Fix.replace(node, node.with_changes(args=[*node.args[:-1], bigger])))

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", grow)
    problems = fuzz.check(b"import time\n\n\nasync def f():\n    time.sleep(1)\n")
    assert "fix: not idempotent (a second pass changed the fixed source)" in problems
