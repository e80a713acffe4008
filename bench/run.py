#!/usr/bin/env python3
"""Benchmark fastapi-lint against the linters users know, on real FastAPI code.

One run: build (or reuse) the real-world corpus, install the other linters in a
separate tools venv, then measure wall time, CPU time and peak memory, as medians
over --repeat runs, of:

  floor        libcst.parse_module on every file, on all cores (bench/floor.py)
  floor-1      the same on one core
  cold         fastapi-lint check, no cache (--no-cache)
  fill         fastapi-lint check, cache enabled but empty (it writes the cache)
  warm         fastapi-lint check, cache full, nothing changed
  touched      fastapi-lint check after `touch` on one router file (mtime only)
  edited       fastapi-lint check after appending a comment line to that file
               (restored after each run)
  ruff         ruff check --select FAST,ASYNC --no-cache
  flake8-async flake8 --select ASYNC (with the flake8-async plugin)       [slow]
  fixit        fixit lint, fixit 2's default rules                         [slow]

all on the same files: a private copy of the corpus's .py files (so the corpus is
never modified). Prints a table with ratios to the floor and to fastapi-lint cold,
checks the speed targets of the issue (PASS/MISS), and writes everything as JSON.

Each measurement runs in a fresh child process (this script re-invoked with
--_measure), which starts the tool, samples the memory of the tool's whole process
tree from /proc every 10-200 ms, or less often when a sample is slow (PSS, so pages
forked workers share count once; peak of the sum: "peak MB"), and
reads getrusage(RUSAGE_CHILDREN) afterwards for the CPU time and the largest single
process's max RSS (a lower bound the sampled peak is never allowed to go under).

Run it with the project's Python (the floor uses its libcst):
    python bench/run.py                   # full corpus, everything (~75 min on 2 cores)
    python bench/run.py --skip-slow       # without flake8-async and fixit (~15 min)
    python bench/run.py --small           # Airflow only, everything (~15 min)
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.sh"
SMALL_PACKAGE = "apache-airflow-core"  # what `make_corpus.sh OUT small` builds

# Pinned versions of the tools we compare with (installed only in the tools venv).
PINS = {
    "ruff": "0.17.5",
    "flake8": "7.5.0",
    "flake8-async": "26.8.1",
    "fixit": "2.2.1",
}
TOOL_PACKAGES = {"ruff": ["ruff"], "flake8-async": ["flake8", "flake8-async"], "fixit": ["fixit"]}

FASTAPI_LINT_IDS = ("cold", "fill", "warm", "touched", "edited", "prefixed", "stdin", "version")
ALL_IDS = ("floor", "floor-1", *FASTAPI_LINT_IDS, "ruff", "flake8-async", "fixit")
SLOW_IDS = ("flake8-async", "fixit")
GROUPS = {"fastapi-lint": FASTAPI_LINT_IDS, "floors": ("floor", "floor-1"), "slow": SLOW_IDS,
          "others": ("ruff", "flake8-async", "fixit")}
LABELS = {
    "floor": "libcst parse floor ({jobs} cores)",
    "floor-1": "libcst parse floor (1 core)",
    "cold": "fastapi-lint cold (no cache)",
    "fill": "fastapi-lint cold, filling cache",
    "warm": "fastapi-lint warm (cache, no change)",
    "touched": "fastapi-lint, 1 file touched",
    "edited": "fastapi-lint, 1 file edited",
    "prefixed": "fastapi-lint, 1 router prefix edited",
    "stdin": "fastapi-lint --stdin-filename (warm)",
    "version": "fastapi-lint --version",
    "ruff": "ruff --select FAST,ASYNC",
    "flake8-async": "flake8 --select ASYNC",
    "fixit": "fixit lint (default rules)",
}
CACHE_DIR_NAME = ".fastapi_lint_cache"


# --------------------------------------------------------------------------- measuring


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _tree_rss_kb(root: int, page_kb: int) -> tuple[int, int]:
    """(memory of the tree rooted at root, number of processes), in kB: the sum of each
    process's proportional set size (PSS: a page shared by n processes counts 1/n in
    each, so forked workers sharing their parent's memory are not counted n times), or
    of its RSS where the kernel gives no PSS."""
    total, count, stack, seen = 0, 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            total += _pss_kb(pid, page_kb)
            count += 1
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(_children(pid))
    return total, count


def _pss_kb(pid: int, page_kb: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * page_kb


def measure_child(spec: dict) -> dict:
    """Run spec["cmd"] once; this process must be fresh (getrusage covers all its children)."""
    import resource

    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    stdout = open(spec["stdout"], "wb") if spec.get("stdout") else subprocess.DEVNULL
    stderr_path = spec["stdout"] + ".err" if spec.get("stdout") else None
    stderr = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    env = dict(os.environ, **spec.get("env", {}))
    peak = {"kb": 0, "procs": 0}
    start = time.perf_counter()
    try:
        stdin = open(spec["stdin"], "rb") if spec.get("stdin") else subprocess.DEVNULL
        proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], stdout=stdout, stderr=stderr,
                                stdin=stdin, env=env, start_new_session=True)
    except OSError as error:
        return {"rc": None, "error": f"cannot start: {error}"}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            began = time.perf_counter()
            kb, n = _tree_rss_kb(proc.pid, page_kb)
            peak["kb"] = max(peak["kb"], kb)
            peak["procs"] = max(peak["procs"], n)
            elapsed = time.perf_counter() - start
            # Reading a process's PSS walks its page tables (about 5 ms for 500 MB): the
            # sampler takes at most a twentieth of one core from the tool it measures.
            cost = time.perf_counter() - began
            done.wait(max(0.01 if elapsed < 2 else 0.05 if elapsed < 30 else 0.2, 20 * cost))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        rc = proc.wait(timeout=spec.get("timeout"))
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        rc = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss_kb = usage.ru_maxrss  # kB on Linux: the largest single (waited-for) process
    result = {
        "rc": rc,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_tree_mb": max(peak["kb"], maxrss_kb) / 1024,
        "max_process_mb": maxrss_kb / 1024,
        "max_processes": peak["procs"],
        "timed_out": timed_out,
    }
    if stderr_path:
        stderr.close()
        with open(stderr_path, "rb") as f:
            result["stderr_tail"] = f.read()[-1500:].decode("utf-8", "replace")
    if spec.get("stdout"):
        stdout.close()
        with open(spec["stdout"], "rb") as f:
            result["stdout_lines"] = sum(1 for _ in f)
    return result


def measure(spec: dict) -> dict:
    """Measure one run in a fresh child process (this script with --_measure)."""
    wrapper_timeout = spec["timeout"] + 120 if spec.get("timeout") else None
    try:
        out = subprocess.run([sys.executable, __file__, "--_measure", json.dumps(spec)],
                             capture_output=True, text=True, timeout=wrapper_timeout)
    except subprocess.TimeoutExpired:
        return {"rc": None, "error": "measurement wrapper timed out"}
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"rc": None, "error": f"measurement wrapper failed: {out.stderr[-800:]}"}


# --------------------------------------------------------------------------- setup


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_corpus(out: Path, small: bool) -> None:
    if not MAKE_CORPUS.is_file():
        sys.exit(f"error: {MAKE_CORPUS} not found; pass --corpus PATH to an existing corpus")
    env = dict(os.environ)
    env.setdefault("PIP", f"{sys.executable} -m pip")
    cmd = ["bash", str(MAKE_CORPUS), str(out)] + (["small"] if small else [])
    log(f"building the corpus: {' '.join(cmd)}")
    if subprocess.run(cmd, env=env).returncode != 0:
        sys.exit("error: make_corpus.sh failed")


def corpus_units(corpus: Path, small: bool) -> list[Path]:
    """The directories to lint: a corpus's package directories, or the given directory."""
    if not corpus.is_dir():
        sys.exit(f"error: corpus {corpus} is not a directory")
    packages = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
    is_corpus = (corpus / "MANIFEST.tsv").is_file() or any((p / ".corpus-ok").is_file() for p in packages)
    if small:
        if not (corpus / SMALL_PACKAGE).is_dir():
            sys.exit(f"error: --small needs {corpus / SMALL_PACKAGE}")
        return [corpus / SMALL_PACKAGE]
    return packages if is_corpus else [corpus]


def python_files(root: Path) -> list[Path]:
    """The .py files under root, skipping dot-directories, in a stable order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return out


# Directory names some tool skips by default; a corpus containing one would give the
# tools different file sets, so we warn.
DEFAULT_EXCLUDED_DIRS = {"build", "dist", "venv", ".venv", "env", ".env", "site-packages",
                         "node_modules", "__pypackages__", "_build", "buck-out", ".tox", ".nox",
                         ".eggs", ".git", "__pycache__"}


def make_workdir(units: list[Path], parent: Path | None) -> tuple[Path, list[str], list[Path]]:
    root = Path(tempfile.mkdtemp(prefix="fastapi-lint-bench-", dir=parent))
    src = root / "src"
    src.mkdir()
    names = []
    for unit in units:
        name = unit.name if unit.name not in names else f"{unit.name}-{len(names)}"
        shutil.copytree(unit, src / name, symlinks=True,
                        ignore=shutil.ignore_patterns(".corpus-ok", ".wheels", CACHE_DIR_NAME, ".ruff_cache",
                                                      "__pycache__", "*.pyc"))
        names.append(name)
    files = [f for name in names for f in python_files(src / name)]
    excluded = [f for f in files if DEFAULT_EXCLUDED_DIRS & set(f.relative_to(src).parts[:-1])]
    if excluded:
        log(f"warning: {len(excluded)} files lie in directories some tools exclude by default "
            f"(e.g. {excluded[0].relative_to(src)}): the tools may not see the same files")
    return root, names, files


def pick_router(files: list[Path]) -> Path | None:
    """A router module to touch and edit: the first file (in path order) defining an APIRouter."""
    fallback = None
    for path in files:
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        if "APIRouter(" in text and ("@router." in text or ".include_router(" in text):
            return path
        if fallback is None and "from fastapi" in text:
            fallback = path
    return fallback or (files[0] if files else None)


def ensure_tools(venv: Path, wanted: set[str], reinstall: bool) -> dict[str, str]:
    """Create/reuse the tools venv with the pinned packages; return {tool id: error} for failures."""
    if venv.resolve() == Path(sys.prefix).resolve():
        sys.exit("error: the tools venv must not be the project's environment")
    needed = {tool: TOOL_PACKAGES[tool] for tool in wanted if tool in TOOL_PACKAGES}
    if not needed:
        return {}
    python = venv / "bin" / "python"
    stamp = venv / "bench-pins.json"
    want_pins = {pkg: PINS[pkg] for pkgs in needed.values() for pkg in pkgs}
    have = {}
    if stamp.is_file() and python.is_file() and not reinstall:
        try:
            have = json.loads(stamp.read_text())
        except ValueError:
            have = {}
    errors: dict[str, str] = {}
    missing = {pkg: ver for pkg, ver in want_pins.items() if have.get(pkg) != ver}
    if missing:
        if not python.is_file():
            log(f"creating the tools venv {venv}")
            base = getattr(sys, "_base_executable", sys.executable)
            made = subprocess.run([base, "-m", "venv", str(venv)], capture_output=True, text=True)
            if made.returncode != 0:
                return {tool: f"cannot create venv: {made.stderr.strip()[-300:]}" for tool in needed}
        specs = [f"{pkg}=={ver}" for pkg, ver in sorted(missing.items())]
        log(f"installing into {venv}: {' '.join(specs)}")
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if subprocess.run(pip + specs, capture_output=True, text=True).returncode == 0:
            have.update(missing)
        else:  # one at a time, so one broken tool does not take the others down
            for spec in specs:
                got = subprocess.run(pip + [spec], capture_output=True, text=True)
                pkg = spec.split("==")[0]
                if got.returncode == 0:
                    have[pkg] = missing[pkg]
                else:
                    for tool, pkgs in needed.items():
                        if pkg in pkgs:
                            errors[tool] = f"pip install {spec} failed: {got.stderr.strip()[-300:]}"
        stamp.write_text(json.dumps(have, indent=1, sort_keys=True))
    for tool, pkgs in needed.items():
        if tool not in errors and any(have.get(p) != PINS[p] for p in pkgs):
            errors[tool] = "not installed"
    return errors


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def fastapi_lint_command(given: str | None) -> list[str]:
    if given:
        return shlex.split(given)
    script = Path(sys.executable).parent / "fastapi-lint"
    if script.is_file():
        return [str(script)]
    found = shutil.which("fastapi-lint")
    return [found] if found else [sys.executable, "-m", "fastapi_lint"]


# --------------------------------------------------------------------------- the benchmark


@dataclass
class Bench:
    id: str
    label: str
    cmd: list[str]
    ok_rcs: tuple[int, ...] = (0, 1)
    before_each: Callable[[int], None] | None = None
    after_each: Callable[[int], None] | None = None
    before_all: Callable[[], None] | None = None
    repeat: int = 3
    note: str = ""
    stdin: str | None = None  # a file fed to the command's standard input
    runs: list[dict] = field(default_factory=list)
    status: str = "ok"


def summarize(bench: Bench) -> dict:
    good = [r for r in bench.runs if r.get("ok")]
    row = {"id": bench.id, "label": bench.label, "cmd": bench.cmd, "status": bench.status,
           "note": bench.note, "runs": bench.runs}
    if good and bench.status == "ok":
        for key in ("wall_s", "cpu_s", "peak_tree_mb", "max_process_mb"):
            row[f"median_{key}"] = statistics.median(r[key] for r in good)
        row["max_peak_tree_mb"] = max(r["peak_tree_mb"] for r in good)
    return row


def run_bench(bench: Bench, workroot: Path, timeout: float | None) -> None:
    log(f"== {bench.label}: {' '.join(bench.cmd)}")
    if bench.before_all:
        bench.before_all()
    for i in range(bench.repeat):
        if bench.before_each:
            bench.before_each(i)
        try:
            result = measure({"cmd": bench.cmd, "cwd": str(workroot / "src"), "timeout": timeout,
                              "stdout": str(workroot / "out" / f"{bench.id}.{i}.txt"), "stdin": bench.stdin,
                              "env": {"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}})
        finally:
            if bench.after_each:
                bench.after_each(i)
        result["ok"] = bool(result.get("rc") in bench.ok_rcs and not result.get("timed_out")
                            and not result.get("error"))
        bench.runs.append(result)
        if result.get("timed_out"):
            bench.status = f"timeout (> {timeout:g} s)"
        elif result.get("error"):
            bench.status = result["error"]
        elif not result["ok"]:
            tail = (result.get("stderr_tail") or "").strip().splitlines()[-1:] or [""]
            bench.status = f"failed: exit {result['rc']} {tail[0][:150]}"
        if not result["ok"]:
            log(f"   run {i + 1}: {bench.status}")
            break
        log(f"   run {i + 1}/{bench.repeat}: {result['wall_s']:.2f} s wall, {result['cpu_s']:.1f} s CPU, "
            f"peak {result['peak_tree_mb']:.0f} MB, {result.get('stdout_lines', 0)} output lines")


def resolve_ids(tools: str | None, skip_slow: bool) -> list[str]:
    wanted: list[str] = []
    for item in (tools.split(",") if tools else list(ALL_IDS)):
        item = item.strip()
        if not item:
            continue
        ids = GROUPS.get(item, (item,))
        for one in ids:
            if one not in ALL_IDS:
                sys.exit(f"error: unknown tool {one!r}; choose from {', '.join(ALL_IDS)} "
                         f"or the groups {', '.join(GROUPS)}")
            if one not in wanted:
                wanted.append(one)
    if skip_slow:
        wanted = [w for w in wanted if w not in SLOW_IDS]
    return [i for i in ALL_IDS if i in wanted]


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[dict], floor: float | None, cold: float | None) -> None:
    header = ("tool", "median wall s", "CPU s", "peak MB", "x floor", "x cold", "status")
    lines = []
    for row in rows:
        wall = row.get("median_wall_s")
        lines.append((
            row["label"],
            fmt(wall, ".2f"),
            fmt(row.get("median_cpu_s"), ".1f"),
            fmt(row.get("max_peak_tree_mb"), ".0f"),
            fmt(wall / floor if wall is not None and floor else None, ".2f"),
            fmt(wall / cold if wall is not None and cold else None, ".2f"),
            row["status"] + (f" ({row['note']})" if row.get("note") else ""),
        ))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    aligns = ["<", ">", ">", ">", ">", ">", "<"]

    def render(cells):
        return "  ".join(format(c, f"{a}{w}") for c, a, w in zip(cells, aligns, widths, strict=True)).rstrip()

    print(render(header))
    print(render(["-" * w for w in widths]))
    for line in lines:
        print(render(line))


def check_targets(by_id: dict[str, dict]) -> list[dict]:
    def wall(i):
        return by_id.get(i, {}).get("median_wall_s")

    def cpu(i):
        return by_id.get(i, {}).get("median_cpu_s")

    targets = []

    def add(name, ok, value):
        targets.append({"target": name, "result": "n/a" if ok is None else ("PASS" if ok else "MISS"),
                        "value": value})

    floor, cold, warm = wall("floor"), wall("cold"), wall("warm")
    add("cold <= 1.5x libcst parse floor (all cores)",
        None if not (floor and cold) else cold <= 1.5 * floor,
        f"{cold / floor:.2f}x" if floor and cold else "needs floor and cold")
    add("warm <= 1 s", None if warm is None else warm <= 1.0,
        f"{warm:.2f} s" if warm is not None else "needs warm")
    add("warm <= 10% of cold", None if not (warm is not None and cold) else warm <= 0.1 * cold,
        f"{100 * warm / cold:.1f}%" if warm is not None and cold else "needs warm and cold")
    for i in ("touched", "edited"):
        t = wall(i)
        add(f"{i} <= warm + 1 s" + (" (extra: edit, not only touch)" if i == "edited" else ""),
            None if t is None or warm is None else t <= warm + 1.0,
            f"{t:.2f} s vs warm {warm:.2f} s" if t is not None and warm is not None else f"needs {i} and warm")
    for i, limit in (("edited", 2.0), ("prefixed", 10.0), ("version", 0.2)):
        t = wall(i)
        add(f"{LABELS[i]} <= {limit:g} s", None if t is None else t <= limit,
            f"{t:.2f} s" if t is not None else f"needs {i}")
    peaks = {i: by_id[i]["max_peak_tree_mb"] for i in FASTAPI_LINT_IDS if by_id.get(i, {}).get("max_peak_tree_mb")}
    worst = max(peaks, key=peaks.get) if peaks else None
    add("fastapi-lint peak memory < 500 MB", None if not peaks else peaks[worst] < 500,
        f"{peaks[worst]:.0f} MB ({worst})" if peaks else "needs a fastapi-lint run")
    for slow in SLOW_IDS:
        c = cpu(slow)
        add(f"cold uses >= 30x less CPU than {slow}", None if not (c and cpu("cold")) else c >= 30 * cpu("cold"),
            f"{c / cpu('cold'):.1f}x less" if c and cpu("cold") else f"needs {slow} and cold")
    return targets


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_measure"]:
        print(json.dumps(measure_child(json.loads(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path,
                        help="reuse this corpus (a make_corpus.sh OUT dir, or any directory of .py files) "
                             "instead of building one")
    parser.add_argument("--corpus-out", type=Path, default=BENCH / ".corpus",
                        help="where make_corpus.sh builds the corpus when --corpus is not given "
                             "(default: bench/.corpus; wheels are cached there)")
    parser.add_argument("--small", action="store_true",
                        help=f"only the Airflow package ({SMALL_PACKAGE}, 748 files): "
                             "make_corpus.sh OUT small, or that subdirectory of --corpus")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--slow-repeat", type=int, default=1,
                        help="runs of the slow tools, flake8-async and fixit (default 1: ~30 min each "
                             "on the full corpus on 2 cores)")
    parser.add_argument("--tools", help="comma-separated subset of: " + ", ".join(ALL_IDS) +
                        "; or the groups " + ", ".join(f"{k} ({'/'.join(v)})" for k, v in GROUPS.items()) +
                        " (default: all)")
    parser.add_argument("--skip-slow", action="store_true", help="leave out flake8-async and fixit")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds one run may take before it is killed and reported (default 3600)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes for the floor, fastapi-lint --jobs and flake8 --jobs (default: CPU count)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json",
                        help="write the results here (default: bench/results.json)")
    parser.add_argument("--tools-venv", type=Path, default=BENCH / ".venv-tools",
                        help="venv for ruff, flake8, flake8-async and fixit (default: bench/.venv-tools)")
    parser.add_argument("--reinstall", action="store_true", help="pip install the pinned tools again")
    parser.add_argument("--fastapi-lint", dest="fastapi_lint",
                        help="command that runs fastapi-lint (default: the one next to this Python)")
    parser.add_argument("--workdir", type=Path, help="parent of the temporary copy of the corpus (default: $TMPDIR)")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the copy and the tools' outputs")
    parser.add_argument("--scale", metavar="SIZES",
                        help="also run the scale rows (bench/scale.py) on synthetic projects of these sizes, "
                             "e.g. 5000,10000,20000 (empty: none)")
    parser.add_argument("--same-shape", type=int, default=5000,
                        help="with --scale: routes of the one-file same-path-shape row (default 5000; 0: none)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.slow_repeat < 1:
        parser.error("--repeat and --slow-repeat must be at least 1")

    ids = resolve_ids(args.tools, args.skip_slow)
    if not ids:
        parser.error("no tool left to run")

    # 1. corpus and the private copy every tool runs on
    if args.corpus is None:
        build_corpus(args.corpus_out, args.small)
        corpus = args.corpus_out.resolve()
    else:
        corpus = args.corpus.resolve()
    units = corpus_units(corpus, args.small)
    workroot, names, files = make_workdir(units, args.workdir)
    (workroot / "out").mkdir()
    if not files:
        sys.exit(f"error: no .py files in {corpus}")
    lines = 0
    for path in files:
        with open(path, "rb") as f:
            lines += sum(1 for _ in f)
    file_list = workroot / "files.txt"
    file_list.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
    log(f"corpus {corpus}: {len(names)} package(s), {len(files)} files, {lines} lines; copy in {workroot}")

    # 2. the other linters, in their own venv
    install_errors = ensure_tools(args.tools_venv.resolve(), set(ids), args.reinstall)
    tbin = args.tools_venv.resolve() / "bin"

    # 3. fastapi-lint: which cache flags this version has
    fl = fastapi_lint_command(args.fastapi_lint)
    try:
        help_text = subprocess.run(fl + ["check", "--help"], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        help_text = ""
    has_no_cache, has_cache_dir = "--no-cache" in help_text, "--cache-dir" in help_text
    cache_dir = workroot / "cache"
    # As after `pip install`: bytecode up to date, so no run pays for compiling our sources
    # (PYTHONDONTWRITEBYTECODE, set in some environments, would otherwise make each run do it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "fastapi_lint")], env=env, check=False)

    primed = [False]

    def clear_cache(*_):
        primed[0] = False
        src = workroot / "src"
        for d in [cache_dir, src / CACHE_DIR_NAME, *(src / n / CACHE_DIR_NAME for n in names)]:
            shutil.rmtree(d, ignore_errors=True)

    fl_cmd = fl + ["check", "--jobs", str(args.jobs)] + (["--cache-dir", str(cache_dir)] if has_cache_dir else [])
    cache_note = "" if has_no_cache else "no --no-cache in this fastapi-lint: cache dir deleted before each run"
    router = pick_router(files)
    original = router.read_bytes() if router else b""

    def touch(_i):
        os.utime(router, None)

    def edit(i):
        with open(router, "ab") as f:
            f.write(f"\n# fastapi-lint bench: edit {i} at {time.time_ns()}\n".encode())

    def restore(_i):
        router.write_bytes(original)

    def move_prefix(i):
        # Every route-table reader depends on a router's prefix: the edit that costs most.
        text = original.decode("utf-8", "replace")
        marker = 'prefix="' if 'prefix="' in text else '"/'
        router.write_text(text.replace(marker, f"{marker}/moved{i}" if marker == 'prefix="' else f'"/moved{i}/', 1),
                          encoding="utf-8")

    def prime():
        # a full cache for the warm runs, once; whatever earlier runs left is thrown away first
        if primed[0]:
            return
        clear_cache()
        primed[0] = True
        log("   (filling the cache: one unmeasured run)")
        measure({"cmd": fl_cmd + names, "cwd": str(workroot / "src"), "timeout": args.timeout,
                 "stdout": str(workroot / "out" / "prime.txt")})

    floor_cmd = [sys.executable, str(BENCH / "floor.py"), "--files-from", str(file_list), "--jobs"]
    benches: dict[str, Bench] = {
        "floor": Bench("floor", LABELS["floor"].format(jobs=args.jobs), floor_cmd + [str(args.jobs)], ok_rcs=(0,)),
        "floor-1": Bench("floor-1", LABELS["floor-1"], floor_cmd + ["1"], ok_rcs=(0,)),
        "cold": Bench("cold", LABELS["cold"], fl_cmd + (["--no-cache"] if has_no_cache else []) + names,
                      before_each=clear_cache, note=cache_note),
        # A measured fill leaves a full cache: the warm runs need no priming run of their own.
        "fill": Bench("fill", LABELS["fill"], fl_cmd + names, before_each=clear_cache,
                      after_each=lambda _i: primed.__setitem__(0, True)),
        "warm": Bench("warm", LABELS["warm"], fl_cmd + names, before_all=prime),
        "touched": Bench("touched", LABELS["touched"], fl_cmd + names, before_all=prime, before_each=touch,
                         note=f"touch {router.relative_to(workroot / 'src')}" if router else ""),
        "edited": Bench("edited", LABELS["edited"], fl_cmd + names, before_all=prime, before_each=edit,
                        after_each=restore, note="append a comment, restore after"),
        "prefixed": Bench("prefixed", LABELS["prefixed"], fl_cmd + names, before_all=prime, before_each=move_prefix,
                          after_each=restore, note="change the router's prefix (or first path), restore after"),
        "stdin": Bench("stdin", LABELS["stdin"], fl_cmd + ["--stdin-filename", str(router)] if router else [],
                       before_all=prime, stdin=str(router) if router else None, note="the router module on stdin"),
        "version": Bench("version", LABELS["version"], fl + ["--version"]),
        "ruff": Bench("ruff", LABELS["ruff"],
                      [str(tbin / "ruff"), "check", "--isolated", "--no-cache", "--select", "FAST,ASYNC", *names]),
        "flake8-async": Bench("flake8-async", LABELS["flake8-async"],
                              [str(tbin / "flake8"), "--isolated", f"--jobs={args.jobs}", "--select", "ASYNC", *names],
                              repeat=args.slow_repeat),
        "fixit": Bench("fixit", LABELS["fixit"], [str(tbin / "fixit"), "lint", *names], repeat=args.slow_repeat),
    }
    if not has_no_cache and not has_cache_dir:
        for i in ("fill", "warm", "touched", "edited"):
            benches[i].note = (benches[i].note + "; " if benches[i].note else "") + "fastapi-lint has no cache yet"
    if not has_no_cache:
        ids = [i for i in ids if i != "fill"]  # without --no-cache, cold already fills the cache

    for bench in benches.values():
        if bench.id not in ("fixit", "flake8-async"):
            bench.repeat = args.repeat
    if router is None:
        for i in ("touched", "edited", "prefixed", "stdin"):
            benches[i].status = "no file to touch"

    # 4. measure
    versions = {"python": platform.python_version(), "fastapi-lint": tool_version(fl + ["--version"])}
    try:
        from importlib.metadata import PackageNotFoundError, version

        versions["libcst"] = version("libcst")
    except PackageNotFoundError:  # the floor run will report the failure
        versions["libcst"] = "not importable"
    started = time.time()
    try:
        for i in ids:
            bench = benches[i]
            if i in install_errors:
                bench.status = f"not installed: {install_errors[i]}"
                continue
            if bench.status != "ok":
                continue
            if i in TOOL_PACKAGES:
                versions[i] = tool_version([bench.cmd[0], "--version"])
            run_bench(bench, workroot, args.timeout)
    except KeyboardInterrupt:
        log("interrupted: reporting what was measured")
    finally:
        if router is not None:
            router.write_bytes(original)
        if not args.keep_workdir:
            shutil.rmtree(workroot, ignore_errors=True)

    # 5. report
    rows = [summarize(benches[i]) for i in ids]
    by_id = {row["id"]: row for row in rows}
    floor = by_id.get("floor", {}).get("median_wall_s")
    cold = by_id.get("cold", {}).get("median_wall_s")
    for row in rows:
        wall = row.get("median_wall_s")
        row["ratio_to_floor"] = wall / floor if wall is not None and floor else None
        row["ratio_to_cold"] = wall / cold if wall is not None and cold else None
    print()
    print(f"{len(files)} files, {lines} lines ({'small: ' + SMALL_PACKAGE if args.small else corpus}); "
          f"{os.cpu_count()} CPUs, --jobs {args.jobs}; medians of {args.repeat} run(s) "
          f"({args.slow_repeat} for flake8-async/fixit); peak MB = peak PSS summed over the process tree")
    print_table(rows, floor, cold)
    targets = check_targets(by_id)
    print()
    full = not args.small and len(files) >= 5000
    print("targets (issue: stated for the full corpus on the 2-core machine" +
          ("" if full else f"; this run had {len(files)} files, so the absolute ones are only indicative") + "):")
    for t in targets:
        print(f"  {t['result']:4}  {t['target']}: {t['value']}")
    result = {
        "meta": {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "elapsed_s": round(time.time() - started, 1),
            "host": platform.node(), "cpus": os.cpu_count(), "jobs": args.jobs, "platform": platform.platform(),
            "corpus": str(corpus), "small": args.small, "packages": names, "files": len(files), "lines": lines,
            "repeat": args.repeat, "slow_repeat": args.slow_repeat, "timeout_s": args.timeout,
            "versions": versions, "pins": PINS, "fastapi_lint_cmd": fl,
            "cache": {"no_cache_flag": has_no_cache, "cache_dir_flag": has_cache_dir},
            "touched_file": str(router.relative_to(workroot / "src")) if router else None,
            "memory": "peak_tree_mb: peak of the PSS (RSS where no PSS) summed over the process tree, sampled from /proc every "
                      "10-200 ms, at most 1/20 of a core (never below max_process_mb); max_process_mb: getrusage(RUSAGE_CHILDREN)"
                      ".ru_maxrss of a fresh measuring process; cpu_s: user+system of the whole tree",
        },
        "results": rows,
        "targets": targets,
    }
    if args.scale:
        import scale

        sizes = [int(size) for size in args.scale.split(",") if size]
        scale_rows = scale.scale_rows(fl, sizes, args.same_shape, args.jobs, args.timeout, args.workdir)
        scale_targets = scale.check_targets(scale_rows, sizes)
        print()
        scale.print_rows(scale_rows, scale_targets)
        result["scale"] = {"rows": scale_rows, "targets": scale_targets}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
