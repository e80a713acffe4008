"""Hangs from linted source (security issue item 4): the linted tree is hostile input.

- a catastrophic ``allow_origin_regex`` and a route of twelve ``{x:path}`` parameters
  are analysed in linear time, with the findings they had before;
- every file has a time budget: a file that runs out gets one FAPI000 naming the rule
  that was running, and every other file is still linted (in-process and with workers);
- SIGTERM and Ctrl-C end a run stuck in a file within 2 seconds (exit 143 / 130), with
  no worker left behind, no temporary file, and every file either old or new.

Code that would hang today is bounded here (a stuck rule gives up after a while), so
these tests fail on such code instead of hanging the suite.
"""

from __future__ import annotations

import ast
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import fastapi_lint.engine as engine
from fastapi_lint import runner
from fastapi_lint.analysis.cors import _PROBE_ORIGINS, fullmatches_all
from fastapi_lint.analysis.url_templates import CONVERTOR_REGEX, _PARAM, path_matcher
from fastapi_lint.api import lint_text
from fastapi_lint.files import read_stamped, write_source
from fastapi_lint.rules import ALL_RULES
from fastapi_lint.runner import MIN_FILES_FOR_POOL

from conftest import FIXABLE, invoke, processes_mentioning, routers_included_many_ways

BlockingCallInAsync = ALL_RULES["FAPI101"]

POSIX = pytest.mark.skipif(sys.platform == "win32" or not Path("/proc").is_dir(), reason="POSIX signals and /proc")

CORS = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origin_regex=PATTERN, allow_credentials=True)
"""


def _cli(project: Path, *args: str, timeout: float = 20) -> tuple[int, list[dict], float]:
    started = time.monotonic()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "fastapi_lint", "--isolated", "--no-cache", "--output-format", "json", *args, "."],
            cwd=project, capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the run did not finish in {timeout} s")
    assert process.returncode in (0, 1), process.stderr
    return process.returncode, json.loads(process.stdout), time.monotonic() - started


# ---------------------------------------------------------------- CORS regexes


def test_catastrophic_origin_regex_finishes(tmp_path):
    (tmp_path / "main.py").write_text(CORS.replace("PATTERN", 'r"(.|.|.|.)*Z"'))
    (tmp_path / "wild.py").write_text(CORS.replace("PATTERN", 'r"(.|.|.|.)*"'))
    _, found, _ = _cli(tmp_path, "--select", "FAPI401,FAPI402")
    assert [(item["path"], item["code"]) for item in found] == [("wild.py", "FAPI401")]


@pytest.mark.parametrize(("pattern", "expected"), [
    (".*", True),
    ("^.*$", True),
    (r"https://.*\.example\.com", False),
    (r"(?i)HTTPS?://.*|NULL", True),
    (r"\Ahttps?://[a-z.]+(:\d+)?\Z|null", True),
    (r"[\w:/.]+", True),
    (r"a{,3}|.*", True),  # Python's {,3} is a repeat, RE2's a literal: Python's meaning wins
    (r"[[:alpha:]]+", False),  # Python: a set of "[:alph" then "]+", not a POSIX class
    (r"(?x) .*  # a comment", True),
    (r"(.|.|.|.)*Z", False),
    ("(.)\\1", None),  # a backreference: RE2 cannot say, so no finding
    ("(?=h).*|null", None),
    ("(?>.*)", None),
    ("(unclosed", None),  # Starlette would fail at startup
    ("a" * 20_000, None),
])
def test_origin_regex_means_what_python_makes_of_it(pattern, expected):
    assert fullmatches_all(pattern, _PROBE_ORIGINS) is expected
    if expected is not None and "(.|.|.|.)" not in pattern:  # Python's own answer (not for the one it hangs on)
        assert expected == all(re.fullmatch(pattern, origin) for origin in _PROBE_ORIGINS)


def test_unsupported_origin_regex_gives_no_finding():
    source = CORS.replace("PATTERN", 'r"(?=h).*|null"')
    assert [d.code for d in lint_text(source, "main.py")] == []
    assert [d.code for d in lint_text(CORS.replace("PATTERN", 'r"(?i)(https?://.*|NULL)"'), "main.py")] == ["FAPI401"]


@POSIX
def test_random_origin_regexes_agree_with_python():
    rng = random.Random(4)
    atoms = ["a", "s", "n", "u", "l", "h", "t", "p", ".", r"\w", r"\d", r"\s", r"\S", "[a-p]", "[^l]", "(?i:A)",
             "ſ", "K", r"\b", r"\B", "^", "$", ":", "/", r"\.", "[.:/]", "(?:)", r"[^\W\d]"]

    def pattern(depth=0):
        roll = rng.random()
        if depth > 2 or roll < 0.4:
            return rng.choice(atoms)
        if roll < 0.6:
            return f"({pattern(depth + 1)}|{pattern(depth + 1)})"
        if roll < 0.8:
            return f"(?:{pattern(depth + 1)}){rng.choice(['*', '+', '?', '{1,3}', '*?', '{2}'])}"
        return pattern(depth + 1) + pattern(depth + 1)

    def python_says(text, subject):  # the reference can itself backtrack for ages: bounded
        signal.signal(signal.SIGALRM, lambda *args: (_ for _ in ()).throw(TimeoutError()))
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        try:
            return re.fullmatch(text, subject) is not None
        except TimeoutError:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)

    subjects = (*_PROBE_ORIGINS, "ab", "s", "S", "null", "http://x:1")
    compared = 0
    for _ in range(300):
        text = rng.choice(["", "(?i)", "(?s)", "(?a)"]) + rng.choice(["", ".*"]) + pattern() + pattern()
        for subject in subjects:
            expected = python_says(text, subject)
            if expected is not None:
                compared += 1
                assert fullmatches_all(text, (subject,)) == expected, (text, subject)
    assert compared > 2000


# ---------------------------------------------------------------- path templates

TWELVE = "/" + "/".join(f"{{{name}:path}}" for name in "abcdefghijkl")


def test_twelve_path_parameters_finish(tmp_path):
    forty = "/" + "/".join(["s"] * 40)
    (tmp_path / "main.py").write_text(textwrap.dedent(f"""\
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("{TWELVE}/end")
        def first(): ...

        @app.get("{forty}")
        def second(): ...

        @app.get("{forty}/end")
        def third(): ...

        @app.get("{TWELVE}/{{m:int}}/{{n:float}}/{{o:uuid}}/{{p}}/x")
        def fourth(): ...
    """))
    _, found, _ = _cli(tmp_path, "--select", "FAPI205,FAPI206")
    assert [(item["code"], item["line"]) for item in found] == [("FAPI205", 11)]


def test_routers_included_many_ways_finish(tmp_path):
    """Eight routers per level, each including every router of the level below, nine levels
    deep: 8**8 ways from a route up to the app, once walked one by one (operation ids)."""
    (tmp_path / "main.py").write_text(routers_included_many_ways(8, 9))
    _cli(tmp_path, "--select", "FAPI2")


def _regex(template: str) -> re.Pattern:
    """Starlette's regex for a template (as the rule used before)."""
    parts, end = [], 0
    for match in _PARAM.finditer(template):
        parts += [re.escape(template[end:match.start()]), f"(?:{CONVERTOR_REGEX[match.group(2) or 'str']})"]
        end = match.end()
    return re.compile("".join(parts) + re.escape(template[end:]))


def test_path_matcher_agrees_with_starlettes_regex():
    rng = random.Random(5)
    uuid = "0123abcd-0000-0000-0000-00000000000f"
    for _ in range(3000):
        template = "".join(rng.choice(["/", "a", ".", "1", "b/", "\n", "{x}", "{x:path}", "{x:int}", "{x:float}",
                                       "{x:uuid}", "{x:str}"]) for _ in range(rng.randint(0, 6)))
        matcher, regex = path_matcher(template), _regex(template)
        for _ in range(5):
            request = "".join(rng.choice(["/", "a", ".", "1", "12", "b", "\n", uuid, "1.5", "-"])
                              for _ in range(rng.randint(0, 8)))
            assert matcher.fullmatch(request) == (regex.fullmatch(request) is not None), (template, request)
    assert path_matcher("/{x:custom}") is None


def test_path_matcher_is_linear():
    matcher = path_matcher(TWELVE + "/end")
    started = time.monotonic()
    assert not matcher.fullmatch("/" + "/".join(["s"] * 2000))
    assert matcher.fullmatch("/" + "/".join(["s"] * 2000) + "/end")
    assert time.monotonic() - started < 5


# ---------------------------------------------------------------- the time budget

STUCK_FOR = 20  # seconds a stuck rule keeps going (code without a budget fails, not hangs)
BUDGET = 3.0  # room for the other files on a busy machine


def _stuck_rule(monkeypatch):
    real = BlockingCallInAsync.visit_Call

    def visit_Call(self, node):
        if self.ctx.path.endswith("stuck.py"):
            deadline = time.monotonic() + STUCK_FOR
            while time.monotonic() < deadline:  # spinning: the budget counts CPU time
                pass
        return real(self, node)

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", visit_Call)


def _lint(*args: str):
    result = invoke("--isolated", "--no-cache", "--output-format", "json", "--select", "FAPI101", *args, ".")
    return result.exit_code, [(i["path"], i["code"], i["message"]) for i in json.loads(result.stdout)]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("fix", [False, True])
def test_a_file_out_of_time_gets_one_diagnostic(in_tmp, monkeypatch, jobs, fix):
    count = MIN_FILES_FOR_POOL + 2 if jobs > 1 else 3
    for i in range(count):
        (in_tmp / f"m{i:02}.py").write_text(FIXABLE.replace("NAME", str(i)))
    (in_tmp / "stuck.py").write_text(FIXABLE.replace("NAME", "stuck"))
    monkeypatch.setattr(engine, "FILE_TIME_BUDGET", BUDGET)
    _stuck_rule(monkeypatch)
    started = time.monotonic()
    code, found = _lint("-j", str(jobs), *(("--fix", "--unsafe-fixes") if fix else ()))
    assert time.monotonic() - started < STUCK_FOR
    assert code == 1
    message = (f"linting stopped after {BUDGET:g} s in rule FAPI101 (blocking-call-in-async); the rest of this file was not "
               "checked" + ("; nothing in it was fixed" if fix else ""))
    assert [f for f in found if f[0] == "stuck.py"] == [("stuck.py", "FAPI000", message)]
    assert "time.sleep(1)  # nap" in (in_tmp / "stuck.py").read_text()
    others = [f for f in found if f[0] != "stuck.py"]
    if fix:
        assert others == []
        assert all("await asyncio.sleep(1)" in (in_tmp / f"m{i:02}.py").read_text() for i in range(count))
    else:
        assert sorted(f[0] for f in others) == [f"m{i:02}.py" for i in range(count)]
        assert {f[1] for f in others} == {"FAPI101"}
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)  # no alarm left behind
    assert signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)


def test_a_computation_cut_short_is_not_remembered(in_tmp, monkeypatch):
    """A project-wide answer the budget interrupted is computed again for the next file,
    not taken from the placeholder it left."""
    (in_tmp / "a_stuck.py").write_text(FIXABLE.replace("NAME", "a"))
    (in_tmp / "b.py").write_text(FIXABLE.replace("NAME", "b"))
    monkeypatch.setattr(engine, "FILE_TIME_BUDGET", BUDGET)
    real = BlockingCallInAsync.visit_Call
    answers = []

    def compute(stuck: bool):
        deadline = time.monotonic() + (STUCK_FOR if stuck else 0)
        while time.monotonic() < deadline:  # spinning: the budget counts CPU time
            pass
        return "answer"

    def visit_Call(self, node):
        answers.append(self.ctx.project.memo(("test-hangs",), lambda: compute(self.ctx.path.endswith("stuck.py"))))
        return real(self, node)

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", visit_Call)
    code, found = _lint("-j", "1")
    assert [f[:2] for f in found] == [("a_stuck.py", "FAPI000"), ("b.py", "FAPI101")]
    assert answers and set(answers) == {"answer"}


# ---------------------------------------------------------------- SIGTERM / Ctrl-C while stuck

DRIVER = """
import os, signal, sys, time
from pathlib import Path
from fastapi_lint import cli
from fastapi_lint.rules import ALL_RULES

MARKER = Path(sys.argv.pop(1))
STUBBORN = sys.argv.pop(1) == "stubborn"  # as if stuck where signals are not seen
BlockingCallInAsync = ALL_RULES["FAPI101"]
real = BlockingCallInAsync.visit_Call


def visit_Call(self, node):
    if self.ctx.path.endswith("stuck.py"):
        if STUBBORN:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        MARKER.write_text(str(os.getpid()))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.01)
    return real(self, node)


BlockingCallInAsync.visit_Call = visit_Call
sys.argv[0] = "fastapi-lint"
cli.main()
"""


@POSIX
@pytest.mark.parametrize(("sig", "jobs", "mode"), [
    (signal.SIGTERM, 1, "plain"), (signal.SIGINT, 1, "plain"),
    (signal.SIGTERM, 2, "plain"), (signal.SIGINT, 2, "plain"),
    (signal.SIGTERM, 2, "stubborn"), (signal.SIGINT, 2, "stubborn"),
])
def test_signal_ends_a_stuck_run_at_once(tmp_path, sig, jobs, mode):
    project = tmp_path / "project"
    project.mkdir()
    originals = {}
    for i in range(MIN_FILES_FOR_POOL + 6 if jobs > 1 else 3):
        path = project / f"m{i:02}.py"
        path.write_text(FIXABLE.replace("NAME", str(i)))
        originals[path] = path.read_bytes()
    stuck = project / "stuck.py"
    stuck.write_text(FIXABLE.replace("NAME", "stuck"))
    originals[stuck] = stuck.read_bytes()
    driver, marker = tmp_path / "driver.py", tmp_path / "stuck.marker"
    driver.write_text(DRIVER)
    process = subprocess.Popen(
        [sys.executable, str(driver), str(marker), mode, "--isolated", "--no-cache", "--select", "FAPI101", "--fix",
         "--unsafe-fixes", "-j", str(jobs), "."],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), process.stderr.read() if process.poll() is not None else "never got stuck"
        time.sleep(0.2)
        process.send_signal(sig)
        sent = time.monotonic()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pytest.fail("the interrupted run did not stop")
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    stderr = process.stderr.read()
    assert process.returncode == (143 if sig == signal.SIGTERM else 130), stderr
    assert elapsed < 2, elapsed
    assert b"Traceback" not in stderr
    assert processes_mentioning(str(driver)) == []  # no worker left behind
    assert [p.name for p in project.iterdir() if not p.name.endswith(".py")] == []  # no temporary file
    for path, original in originals.items():
        data = path.read_bytes()
        assert data == original or b"await asyncio.sleep(1)" in data, path.name
        ast.parse(data)
    assert stuck.read_bytes() == originals[stuck]


# ---------------------------------------------------------------- the write of a fixed file


def _write(data: dict, path: Path) -> str:
    write_source(path, data[path], read_stamped(path), (os.path.realpath(path.parent),))
    return path.name


@POSIX
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_write_takes_effect_after_it(tmp_path, monkeypatch, sig):
    """In-process, signals arriving inside write_source (even two of them) let that file be
    written whole, then stop the run before the next one."""
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_bytes(b"old\n")
    second.write_bytes(b"old\n")
    real_replace = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        for _ in range(2):
            os.kill(os.getpid(), sig)
            time.sleep(0.05)  # the handler runs here, inside write_source
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(runner.Interrupted if sig == signal.SIGTERM else KeyboardInterrupt) as stopped:
        runner.map_files(_write, {first: b"new " * 10_000, second: b"new\n"}, [first, second], jobs=1)
    if sig == signal.SIGTERM:
        assert stopped.value.code == 143
    assert first.read_bytes() == b"new " * 10_000
    assert second.read_bytes() == b"old\n"
    assert len(calls) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.py", "second.py"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_waiting_does_not_count_against_the_budget(in_tmp, monkeypatch):
    """The budget counts CPU time: a lint that waits longer than the budget (as every lint
    seems to on a machine busy with other work) is not cut short."""
    (in_tmp / "slow.py").write_text(FIXABLE.replace("NAME", "slow"))
    monkeypatch.setattr(engine, "FILE_TIME_BUDGET", BUDGET)
    real = BlockingCallInAsync.visit_Call
    waited = []

    def visit_Call(self, node):
        if not waited:
            waited.append(True)
            time.sleep(BUDGET * 2)
        return real(self, node)

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", visit_Call)
    code, found = _lint("-j", "1")
    assert waited and [f[:2] for f in found] == [("slow.py", "FAPI101")]
