#!/usr/bin/env python3
"""``fastapi-lint routes`` against the routes FastAPI itself builds, on FastAPI's documentation
examples (``docs_src``, the corpus package ``fastapi-docs-src``).

The linter reads the package statically (nothing is imported). Then, in a child process with
a timeout, every ``<topic>/tutorial*.py`` of a copy of the package is imported with the
installed FastAPI (``python_multipart``, which Form parameters ask for at import time, is
stubbed when missing) and its ``app`` (a FastAPI or Starlette object) lists its routes; modules
that do not import (a missing optional library, a database at import time) are counted and
left out. For each app both sides give (kind, methods, path, name) in matching order; the
output is the match rate and every mismatch, grouped by class:

  equal              the table is the running app's route list
  unknown-part       the table marks a row not known statically ({?...}) or conditional, and
                     the rest is the running list, in order
  module-name        the example's directory has no __init__.py: the linter names the module
                     by its file alone and the names of such files collide
  mismatch           anything else (listed in full)

    python bench/docs_routes.py [/work/corpus/fastapi-docs-src] [--json OUT]

``tests/test_routes_command.py::test_fastapi_docs_examples_route_tables`` (slow) runs it and
asserts there is no mismatch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT = Path("/work/corpus/fastapi-docs-src")
PER_MODULE_TIMEOUT = 10  # seconds to import one example
TOTAL_TIMEOUT = 600

# Run in the child: import each module, print {module: rows | error}.
_CHILD = r'''
import importlib, json, signal, sys, types, warnings
warnings.simplefilter("ignore")
try:
    import python_multipart
except ImportError:
    # Form and File parameters want it at import time; the route list does not need it
    sys.modules["python_multipart"] = types.ModuleType("python_multipart")
    sys.modules["python_multipart"].__version__ = "0.0.99"

def flatten(routes):
    for route in routes:
        kind = type(route).__name__
        if kind == "_IncludedRouter":
            yield from flatten(route.effective_candidates())
        elif kind == "_EffectiveRouteContext":
            yield route.starlette_route or route
        else:
            yield route

def rows(app):
    from starlette.routing import Mount, WebSocketRoute
    out = []
    for route in flatten(app.routes):
        if isinstance(route, Mount):
            out.append(["mount", [], route.path, route.name])
        elif isinstance(route, WebSocketRoute) or "WebSocket" in type(route).__name__:
            out.append(["websocket", [], route.path, route.name])
        else:
            out.append(["route", sorted(route.methods or ()), route.path, route.name])
    return out

def alarm(signum, frame):
    raise TimeoutError("import took too long")

signal.signal(signal.SIGALRM, alarm)
result = {}
for name in sys.argv[2:]:
    signal.alarm(int(sys.argv[1]))
    try:
        module = importlib.import_module(name)
        app = getattr(module, "app", None)
        result[name] = rows(app) if hasattr(app, "routes") else None
    except BaseException as exc:  # noqa: BLE001 - SystemExit, timeouts: the example is left out
        result[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    finally:
        signal.alarm(0)
print(json.dumps(result))
'''


def static_tables(package: Path) -> dict[str, dict]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "fastapi_lint", "routes", "--isolated", "--output-format", "json",
                          str(package)], capture_output=True, text=True, env=env, timeout=TOTAL_TIMEOUT, check=True)
    return {app["app"]: app for app in json.loads(out.stdout)["apps"]}


def runtime_routes(copy: Path, modules: list[str]) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(copy)
    out = subprocess.run([sys.executable, "-c", _CHILD, str(PER_MODULE_TIMEOUT), *modules], capture_output=True,
                         text=True, cwd=copy, env=env, timeout=TOTAL_TIMEOUT, stdin=subprocess.DEVNULL)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the importing child printed nothing: {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def _static_rows(app: dict) -> list[list]:
    return [["route" if row["kind"] == "builtin" else row["kind"], sorted(row["methods"]), row["path"], row["name"]]
            for row in app["routes"]]


def _is_subsequence(short: list, long: list) -> bool:
    position = iter(long)
    return all(any(item == other for other in position) for item in short)


def compare(package: Path) -> dict:
    tables = static_tables(package)
    modules = sorted(
        ".".join(path.relative_to(package).with_suffix("").parts)
        for path in package.glob("*/tutorial*.py")
    )
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / package.name
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.db", ".fastapi-lint-cache"))
        runtime = runtime_routes(copy, modules)
    report: dict = {"modules": len(modules), "not_imported": {}, "no_app": [], "equal": [], "unknown_part": [],
                    "module_name": [], "mismatch": {}}
    for module in modules:
        found = runtime.get(module)
        if isinstance(found, dict):
            report["not_imported"][module] = found["error"]
            continue
        table = tables.get(f"{module}:app")
        if table is None and not (package / module.split(".")[0] / "__init__.py").exists():
            # a directory without __init__.py: the linter names the module by its file alone
            # (`tutorial001`), as Python would from that directory, and such names collide
            report["module_name"].append(module)
            continue
        if found is None or table is None:
            if found is not None or table is not None:
                report["mismatch"][module] = {"static": table is not None, "runtime": found is not None}
            else:
                report["no_app"].append(module)
            continue
        static = _static_rows(table)
        if static == found:
            report["equal"].append(module)
            continue
        certain = [row for row, raw in zip(static, table["routes"]) if raw["static"] and not raw["condition"]]
        if (table["unresolved"] or table["conditional"]) and _is_subsequence(certain, found):
            report["unknown_part"].append(module)
            continue
        report["mismatch"][module] = {"static": [r for r in static if r not in found],
                                      "runtime": [r for r in found if r not in static],
                                      "order": sorted(static) == sorted(found)}
    compared = len(report["equal"]) + len(report["unknown_part"]) + len(report["mismatch"])
    report["compared"] = compared
    report["match_rate"] = round(len(report["equal"]) / compared, 4) if compared else None
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = compare(args.package)
    print(f"{report['modules']} example modules; {len(report['not_imported'])} do not import here, "
          f"{len(report['no_app'])} have no app")
    print(f"{report['compared']} apps compared: {len(report['equal'])} equal ({report['match_rate']:.1%}), "
          f"{len(report['unknown_part'])} with a part marked unknown/conditional (the rest in order), "
          f"{len(report['mismatch'])} mismatches; {len(report['module_name'])} in a directory without "
          "__init__.py not compared")
    for module, diff in sorted(report["mismatch"].items()):
        print(f"  MISMATCH {module}: {json.dumps(diff)}")
    errors: dict[str, int] = {}
    for error in report["not_imported"].values():
        errors[error.split(":")[0]] = errors.get(error.split(":")[0], 0) + 1
    print("not imported:", ", ".join(f"{n} {kind}" for kind, n in sorted(errors.items())))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
