"""Findings per rule on the real-world corpus, per package, with every rule enabled.

Usage: python bench/corpus_findings.py CORPUS_DIR [--select CODES] [--json OUT] [--fix-check]

CORPUS_DIR is what ``../shared/bench/make_corpus.sh OUT`` built (one directory per
package). The table is what closing notes of the rule issues report; internal errors
(FAPI900) are listed in full because there must be none. With ``--fix-check`` every package
is copied to a temporary directory and fixed twice with ``--fix --unsafe-fixes``: every
file must still parse, the second run must change nothing, and only files with findings
may change.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from fastapi_lint.api import FixMode, lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.runner import default_jobs


def packages(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir())


JOBS = default_jobs()


def run(package: Path, select: tuple[str, ...], fix: FixMode | None = None):
    return lint_paths([package], Settings(root=package, select=select), fix=fix, jobs=JOBS)


def fix_check(package: Path, select: tuple[str, ...], findings) -> dict:
    """``findings``: the package's diagnostics before fixing (only their files may change)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / package.name
        shutil.copytree(package, copy, symlinks=True)
        before = {p: p.read_bytes() for p in copy.rglob("*.py") if p.is_file()}
        flagged = {Path(copy, Path(d.path).absolute().relative_to(package.absolute())) for d in findings}
        first = run(copy, select, FixMode(unsafe=True))
        second = run(copy, select, FixMode(unsafe=True))
        changed = [p for p, data in before.items() if p.read_bytes() != data]
        unparseable = []
        for path in changed:
            try:
                ast.parse(path.read_bytes())
            except SyntaxError:
                unparseable.append(str(path.relative_to(copy)))
        return {
            "fixed": first.fixed,
            "files_changed": len(changed),
            "changed_without_findings": [str(p.relative_to(copy)) for p in changed if p not in flagged],
            "unparseable_after_fix": unparseable,
            "second_run_fixed": second.fixed,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--select", default="ALL")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--fix-check", action="store_true")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    global JOBS
    JOBS = args.jobs
    select = tuple(c.strip() for c in args.select.split(",") if c.strip())
    per_package: dict[str, Counter] = {}
    internal, timings, fixes = [], {}, {}
    for package in packages(args.corpus):
        start = time.perf_counter()
        result = run(package, select)
        timings[package.name] = round(time.perf_counter() - start, 1)
        per_package[package.name] = Counter(d.code for d in result.diagnostics)
        internal += [f"{d.path}:{d.start.line}: {d.message}" for d in result.diagnostics if d.code == "FAPI900"]
        if args.fix_check:
            fixes[package.name] = fix_check(package, select, result.diagnostics)
        print(f"{package.name}: {sum(per_package[package.name].values())} findings in {timings[package.name]} s",
              file=sys.stderr)
    codes = sorted(set().union(*per_package.values()))
    names = list(per_package)
    print("| rule | " + " | ".join(names) + " | total |")
    print("|---" * (len(names) + 2) + "|")
    for code in codes:
        counts = [per_package[n][code] for n in names]
        print(f"| {code} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    for line in internal:
        print("INTERNAL ERROR:", line)
    if fixes:
        print(json.dumps(fixes, indent=2))
    if args.json:
        args.json.write_text(json.dumps(
            {"findings": {n: dict(c) for n, c in per_package.items()}, "seconds": timings,
             "internal_errors": internal, "fix_check": fixes}, indent=2))
    return 1 if internal else 0


if __name__ == "__main__":
    sys.exit(main())
