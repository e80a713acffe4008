"""The scale rows of the speed benchmark: memory must grow linearly with the project.

For each size N of the synthetic project (``synthetic.py``: N router modules and one app
including them all), fastapi-lint runs cold (empty cache), warm, after a one-comment edit
of one router and after changing that router's prefix (which every route-table reader
depends on). Then one file with M routes of the same path shape (the route-table rules'
worst case). Each row: wall and CPU seconds, peak memory (PSS summed over the process
tree). ``python bench/run.py --scale 5000,10000,20000`` runs it; so does this file:

    python bench/scale.py --sizes 5000,10000,20000 --same-shape 5000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402 - the measuring machinery of the speed benchmark
import synthetic  # noqa: E402

TARGETS = {"peak_mb_20000": 2000, "same_shape_s": 20, "same_shape_mb": 500}


def measure_row(label: str, cmd: list[str], cwd: Path, timeout: float) -> dict:
    result = run.measure({"cmd": cmd, "cwd": str(cwd), "timeout": timeout})
    row = {"row": label, **{k: result.get(k) for k in ("rc", "wall_s", "cpu_s", "peak_tree_mb", "timed_out", "error")}}
    run.log(f"   {label}: {row['wall_s'] or 0:.1f} s, {row['cpu_s'] or 0:.1f} s CPU, {row['peak_tree_mb'] or 0:.0f} MB")
    return row


def scale_rows(fastapi_lint: list[str], sizes: list[int], same_shape: int, jobs: int, timeout: float,
               workdir: Path | None = None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = Path(tmp)
        for size in sizes:
            project, cache = root / f"synthetic-{size}", root / f"cache-{size}"
            run.log(f"synthetic project, {size} routers")
            synthetic.write_project(project, size)
            base = fastapi_lint + ["check", "--jobs", str(jobs), "--cache-dir", str(cache), "app"]
            shutil.rmtree(cache, ignore_errors=True)
            rows.append(measure_row(f"{size} modules: cold", base, project, timeout))
            rows.append(measure_row(f"{size} modules: warm", base, project, timeout))
            router = project / "app" / "routers" / "r1.py"
            original = router.read_text()
            router.write_text(original + "# an edited comment\n")
            rows.append(measure_row(f"{size} modules: one-comment edit", base, project, timeout))
            router.write_text(original.replace('prefix="/r1"', 'prefix="/r1-moved"'))
            rows.append(measure_row(f"{size} modules: router-prefix edit", base, project, timeout))
            shutil.rmtree(project, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
        if same_shape:
            project = root / "same-shape"
            synthetic.write_same_shape(project, same_shape)
            cmd = fastapi_lint + ["check", "--jobs", str(jobs), "--no-cache", "main.py"]
            rows.append(measure_row(f"one file, {same_shape} same-shape routes", cmd, project, timeout))
    return rows


def check_targets(rows: list[dict], sizes: list[int]) -> list[dict]:
    by_label = {row["row"]: row for row in rows}
    targets = []
    cold = [(size, by_label.get(f"{size} modules: cold", {}).get("peak_tree_mb")) for size in sizes]
    cold = [(size, mb) for size, mb in cold if mb]
    if 20000 in sizes and by_label.get("20000 modules: cold", {}).get("peak_tree_mb"):
        mb = by_label["20000 modules: cold"]["peak_tree_mb"]
        targets.append({"target": "synthetic 20,000 modules: peak <= 2 GB", "value": f"{mb:.0f} MB",
                        "result": "PASS" if mb <= TARGETS["peak_mb_20000"] else "MISS"})
    if len(cold) >= 2:
        (small, small_mb), (large, large_mb) = cold[0], cold[-1]
        ratio = (large_mb / small_mb) / (large / small)
        targets.append({"target": "peak memory grows linearly (growth / size growth <= 1.2)",
                        "value": f"{small_mb:.0f} MB at {small} -> {large_mb:.0f} MB at {large} ({ratio:.2f})",
                        "result": "PASS" if ratio <= 1.2 else "MISS"})
    same = [row for row in rows if "same-shape" in row["row"]]
    if same and same[0].get("wall_s") is not None:
        row = same[0]
        ok = row["wall_s"] <= TARGETS["same_shape_s"] and row["peak_tree_mb"] <= TARGETS["same_shape_mb"]
        targets.append({"target": f"{same[0]['row']}: <= 20 s and <= 500 MB (stated for 5,000)",
                        "value": f"{row['wall_s']:.1f} s, {row['peak_tree_mb']:.0f} MB", "result": "PASS" if ok else "MISS"})
    return targets


def print_rows(rows: list[dict], targets: list[dict]) -> None:
    width = max(len(row["row"]) for row in rows)
    print(f"{'scale row':<{width}}  {'wall s':>8}  {'CPU s':>8}  {'peak MB':>8}  status")
    for row in rows:
        status = "ok" if row.get("rc") in (0, 1) else ("timed out" if row.get("timed_out") else f"rc {row.get('rc')}")
        print(f"{row['row']:<{width}}  {run.fmt(row.get('wall_s'), '.1f'):>8}  {run.fmt(row.get('cpu_s'), '.1f'):>8}  "
              f"{run.fmt(row.get('peak_tree_mb'), '.0f'):>8}  {status}")
    for t in targets:
        print(f"  {t['result']:4}  {t['target']}: {t['value']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--same-shape", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=run.os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--fastapi-lint", dest="fastapi_lint")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = scale_rows(run.fastapi_lint_command(args.fastapi_lint), sizes, args.same_shape, args.jobs, args.timeout)
    print_rows(rows, check_targets(rows, sizes))


if __name__ == "__main__":
    main()
