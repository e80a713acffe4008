"""Fuzz the engine: generated modules and mutated fixture files must never crash a rule.

Usage: python bench/fuzz.py [--count N] [--seed S] [--jobs J] [--out DIR]
       python bench/fuzz.py --replay DIR/failure-*.py

Each input is linted with every rule enabled (``ALL``) and fixed with unsafe fixes on;
it fails when any of these happens:

- an internal error (``FAPI900``) or an exception escapes the engine;
- the fixed source does not parse (libcst and ``ast``) although the input did;
- a comment of the input is missing from the fixed source;
- a second fix pass over the fixed source changes it again (fixes are not idempotent).

Inputs come from hypothesmith (syntactically valid modules, from Python's grammar and
from libcst's node types), alone or spliced into a FastAPI fixture from
``tests/fixtures``, and from mutations of those fixtures (lines deleted, duplicated,
swapped, random tokens inserted). Every failure is written to ``DIR/failure-N.py`` with
the problem as a comment header (a reproducer: ``fastapi-lint --isolated --select ALL
--fix --unsafe-fixes DIR/failure-N.py``). Prints how many inputs were checked and the
failures; exits 1 when there was any.
"""

from __future__ import annotations

import argparse
import ast
import io
import multiprocessing
import random
import re
import sys
import time
import tokenize
import warnings
from pathlib import Path

import libcst as cst

from fastapi_lint.api import build_project
from fastapi_lint.config import Settings
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE
from fastapi_lint.engine import BadSource, LintOptions, decode_source, fix_source, lint_source
from fastapi_lint.analysis.facts import extract_facts

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PATH = "fuzzed.py"
SETTINGS = Settings(root=ROOT, select=("ALL",))
OPTIONS = LintOptions(docs_url="https://example.invalid/rules")
TOKENS = (
    "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "==", "await", "async", "def", "lambda", "yield",
    "return", "if", "else", "import", "from", "*", "**", "@", "->", "'", '"', '"""', "#", "\\", "\t",
    "    ", "\n", "\r", "\r\n", "\x0c", "None", "app", "router", "Depends(", "FastAPI()", "time.sleep(1)",
    "@app.get('/x')", "\u00e9", "\ufeff", "0x", "1e", "f'{", "}'", "=", ";",
)


def fixture_sources() -> list[bytes]:
    return [p.read_bytes() for p in sorted(FIXTURES.rglob("*.py"))]


def _parses(source: bytes) -> bool:
    try:
        cst.parse_module(source)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except Exception:  # noqa: BLE001 - anything unparseable
        return False
    return True


def _comments(source: bytes) -> list[str]:
    """Every comment, with lines ending at \n, \r\n or a lone \r as Python reads them
    (``tokenize`` alone only splits at \n)."""
    try:
        text = decode_source(source)
        tokens = tokenize.generate_tokens(io.StringIO(text, newline=None).readline)
        return sorted(t.string.strip() for t in tokens if t.type == tokenize.COMMENT)
    except (BadSource, tokenize.TokenError, SyntaxError):
        return []


# A ``# noqa`` directive up to the next comment on its line: FAPI001's fix edits it.
_NOQA_DIRECTIVE = re.compile(r"#\s*noqa\b[^#]*", re.IGNORECASE)


def _lost_comments(before: list[str], after: list[str]) -> list[str]:
    """Comments of ``before`` missing from ``after``, beyond the unused ``# noqa`` codes
    the fix of FAPI001 removes (the rest of such a comment must stay)."""
    def kept(comment: str) -> str:
        return _NOQA_DIRECTIVE.sub("", comment).strip()

    remaining = {kept(comment) for comment in after}
    return sorted(c for c in set(before) - set(after) if kept(c) and kept(c) not in remaining)


def _internal_errors(result) -> list[str]:
    return [d.message for d in result.diagnostics if d.code == INTERNAL_ERROR_CODE]


def _fix(source: bytes):
    facts = extract_facts(source, "fuzzed")
    rules = SETTINGS.rules_for(Path(PATH))
    return fix_source(
        PATH, source, facts, build_project([facts]), rules, OPTIONS,
        refresh_facts=lambda data: extract_facts(data, "fuzzed"), unsafe=True,
    )


def check(source: bytes) -> list[str]:
    """The problems found with one input (empty when it behaves)."""
    problems: list[str] = []
    try:
        facts = extract_facts(source, "fuzzed")
        linted = lint_source(PATH, source, facts, build_project([facts]), SETTINGS.rules_for(Path(PATH)), OPTIONS)
        problems += [f"lint: {m}" for m in _internal_errors(linted)]
        fixed = _fix(source)
        problems += [f"fix: {m}" for m in _internal_errors(fixed)]
        if fixed.fixed_source is None:
            return problems
        output = fixed.fixed_source
        if _parses(source) and not _parses(output):
            problems.append("fix: the fixed source does not parse")
            return problems
        lost = _lost_comments(_comments(source), _comments(output))
        if lost:
            problems.append(f"fix: comments lost: {sorted(lost)!r}")
        again = _fix(output)
        problems += [f"second fix: {m}" for m in _internal_errors(again)]
        if again.fixed_source is not None and again.fixed_source != output:
            problems.append("fix: not idempotent (a second pass changed the fixed source)")
    except RecursionError:
        pass  # the interpreter's own limit on absurd nesting: reported as FAPI000, not a rule bug
    except Exception as exc:  # noqa: BLE001 - any escape is a finding of the fuzzer
        problems.append(f"exception: {type(exc).__name__}: {exc}")
    return problems


# ---------------------------------------------------------------- inputs


HEADER = (
    "import time\nimport requests\nfrom fastapi import APIRouter, Depends, FastAPI\n\n"
    "app = FastAPI()\nrouter = APIRouter()\n\n"
)


def mutate(source: bytes, rng: random.Random) -> bytes:
    """A fixture with a few random line- and token-level edits."""
    lines = source.decode("utf-8", errors="surrogateescape").splitlines(keepends=True) or ["\n"]
    for _ in range(rng.randint(1, 4)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        operation = rng.choice(("delete", "duplicate", "swap", "token", "token", "indent", "dedent"))
        if operation == "delete" and len(lines) > 1:
            del lines[i]
        elif operation == "duplicate":
            lines.insert(j, lines[i])
        elif operation == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "token":
            line = lines[i]
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + rng.choice(TOKENS) + line[at:]
        elif operation == "indent":
            lines[i] = "    " + lines[i]
        elif operation == "dedent":
            lines[i] = lines[i].lstrip(" ")
    return "".join(lines).encode("utf-8", errors="surrogateescape")


def splice(fixture: bytes, generated: str, rng: random.Random) -> bytes:
    """A generated module inserted between two top-level statements of a fixture."""
    lines = fixture.decode("utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line[:1] not in (" ", "\t", "\n", ")", "]", "}", "@", "")]
    at = rng.choice(starts) if starts else len(lines)
    return ("".join(lines[:at]) + generated.rstrip("\n") + "\n" + "".join(lines[at:])).encode("utf-8")


def strategy():
    """Hypothesis strategy of inputs (bytes) mixing every source above."""
    import hypothesmith
    from hypothesis import strategies as st

    fixtures = fixture_sources()
    generated = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())
    return st.one_of(
        generated.map(lambda code: code.encode("utf-8", errors="surrogatepass")),
        generated.map(lambda code: (HEADER + code).encode("utf-8", errors="surrogatepass")),
        st.tuples(st.sampled_from(fixtures), generated, st.randoms(use_true_random=False)).map(
            lambda t: splice(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(fixtures), st.randoms(use_true_random=False)).map(lambda t: mutate(t[0], t[1])),
    )


def run(count: int, seed: int, out: Path, worker: int = 0) -> tuple[int, int]:
    """Check ``count`` inputs; returns (checked, failures)."""
    from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

    state = {"checked": 0, "failures": 0}

    @hypothesis_seed(seed)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy())
    def one(source: bytes) -> None:
        if state["checked"] >= count:
            return
        state["checked"] += 1
        problems = check(source)
        if problems:
            state["failures"] += 1
            path = out / f"failure-{worker}-{state['failures']}.py"
            header = "".join(f"# FUZZ: {p}\n" for p in problems)
            path.write_bytes(header.encode("utf-8", errors="replace") + b"# --- input below ---\n" + source)
            print(f"FAIL {path}: {'; '.join(problems)}", flush=True)
        if state["checked"] % 500 == 0:
            print(f"[worker {worker}] checked {state['checked']}", flush=True)

    if count <= 0:
        return 0, 0
    while state["checked"] < count:  # hypothesis may stop early (duplicates): run it again
        before = state["checked"]
        one()
        if state["checked"] == before:
            break
        seed += 1_000_003
        one = hypothesis_seed(seed)(one)
    return state["checked"], state["failures"]


def _worker(args) -> tuple[int, int]:
    count, seed, out, worker = args
    return run(count, seed, out, worker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="inputs to check (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="processes (each checks its share)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where reproducers go")
    parser.add_argument("--replay", type=Path, nargs="+", metavar="FILE",
                        help="check these reproducers again instead of fuzzing")
    args = parser.parse_args(argv)
    if args.replay:
        failing = 0
        for path in args.replay:
            data = path.read_bytes()
            data = data.split(b"# --- input below ---\n", 1)[-1]
            problems = check(data)
            failing += bool(problems)
            print(f"{path}: {'; '.join(problems) or 'ok'}")
        return 1 if failing else 0
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    shares = [args.count // args.jobs + (1 if i < args.count % args.jobs else 0) for i in range(args.jobs)]
    tasks = [(share, args.seed + i * 7919, args.out, i) for i, share in enumerate(shares)]
    if args.jobs == 1:
        totals = [_worker(tasks[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            totals = pool.map(_worker, tasks)
    checked, failures = sum(t[0] for t in totals), sum(t[1] for t in totals)
    print(f"checked {checked} inputs in {time.monotonic() - started:.0f} s: "
          f"{failures} failure{'s' if failures != 1 else ''}" + (f" (reproducers in {args.out}/)" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
