"""The language server's latency and memory on the benchmark corpus's largest package.

Starts ``fastapi-lint server`` over stdio (a minimal JSON-RPC client, no editor), opens
the package's router module closest to 1,000 lines, and after warm-up makes one-character
edits to it, timing each from the ``didChange`` to the diagnostics of that version:

- ``keep``: a space typed into (then deleted from) a line of a function body: the
  module's facts stay as they were (as for most characters typed inside a line), so the
  project index is untouched;
- ``facts``: a newline typed at the end of (then deleted from) a line of a function
  body: every later line moves, so the module's facts change, but only in their line
  numbers: the buffer is linted against the project as it was (see
  ``Workspace.lint``), and an exact lint follows once the buffer is left alone for
  300 ms;
- ``route``: a character typed into (then deleted from) a route's path: the module's
  facts change for real, so the project is updated around it at once (the cross-file
  answers that read the module are computed again before the diagnostics);
- ``exact``: the exact lint (the project updated around the module, the cross-file
  answers that read it computed again), timed from the first publication of a version
  to the second, less the 300 ms pause.

The server is told to lint at once (``initializationOptions.debounceMs = 0``), so the
time is the re-lint, not the pause an editor session adds before it (150 ms by default).
Memory is the server's resident set (VmRSS) after the edits and its peak (VmHWM).

    python bench/server.py                           # largest package of /work/corpus (or bench/.corpus)
    python bench/server.py --corpus DIR --edits 40 --json bench/server.json

Nothing is written to the corpus: the package is copied to a temporary directory first
(its ``.fastapi_lint_cache`` lands there; ``--keep-store DIR`` reuses one between runs to
measure a warm start).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 250
TARGET_RSS_MB = 600
EXACT_DELAY_MS = 300  # protocol.EXACT_DELAY_SECONDS


class Client:
    """Just enough JSON-RPC over a pipe to drive the server."""

    def __init__(self, command: list[str], cwd: Path):
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.lock = threading.Condition()
        self.responses: dict[int, object] = {}
        self.published: dict[str, list[tuple[float, int | None, list]]] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            with self.lock:
                if "id" in message and "method" not in message:
                    self.responses[message["id"]] = message.get("result")
                elif message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.published.setdefault(params["uri"], []).append(
                        (now, params.get("version"), params["diagnostics"]))
                elif "id" in message:  # a request from the server (registerCapability...): accept it
                    self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                self.lock.notify_all()

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict | None, timeout: float = 600) -> object:
        with self.lock:
            self.next_id += 1
            number = self.next_id
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self.lock:
            if not self.lock.wait_for(lambda: number in self.responses, timeout):
                raise TimeoutError(method)
            return self.responses.pop(number)

    def wait_for_version(self, uri: str, version: int, timeout: float = 900, nth: int = 1) -> tuple[float, list]:
        """The ``nth`` publication of diagnostics for ``version`` of ``uri``: (when, diagnostics)."""
        def found():
            return [(t, d) for t, v, d in self.published.get(uri, ()) if v == version]
        with self.lock:
            if not self.lock.wait_for(lambda: len(found()) >= nth, timeout):
                raise TimeoutError(f"diagnostics of version {version}")
            return found()[nth - 1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def largest_package(corpus: Path) -> Path:
    packages = [p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return max(packages, key=lambda p: sum(1 for _ in p.rglob("*.py")))


def router_near(package: Path, lines: int = 1000) -> Path:
    """The module defining an APIRouter whose length is closest to ``lines``."""
    best = None
    for path in sorted(package.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "APIRouter(" not in text:
            continue
        distance = abs(text.count("\n") - lines)
        if best is None or distance < best[0]:
            best = (distance, path)
    if best is None:
        raise SystemExit(f"no router module under {package}")
    return best[1]


def route_spot(text: str) -> tuple[int, int] | None:
    """Where to type inside a route's path (``@router.get("/x...``, the path on the
    decorator's line or the next), nearest the middle."""
    lines = text.split("\n")
    middle = len(lines) // 2
    for i in sorted(range(len(lines) - 1), key=lambda i: abs(i - middle)):
        if not re.match(r"^@\w+\.(get|post|put|patch|delete)\(", lines[i]):
            continue
        for number in (i, i + 1):
            match = re.search(r'(?:\(|^)\s*"/', lines[number])
            if match:
                return number, match.end()
    return None


def edit_spots(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where to type, near the middle of the module, in a function body: (line, column)
    after an ``=`` for a space (the facts stay), and the end of a line for a newline
    (every later line moves, so the module's facts change)."""
    lines = text.split("\n")
    middle = len(lines) // 2
    for i in sorted(range(len(lines)), key=lambda i: abs(i - middle)):
        line = lines[i]
        if re.match(r"^        \w+ = \S", line) and '"' not in line and "'" not in line \
                and not line.rstrip().endswith(("(", "[", "{", ",", "\\")):
            return (i, line.index("=") + 1), (i, len(line))
    raise SystemExit("no place to type found")


def run(args: argparse.Namespace) -> dict:
    corpus = Path(args.corpus) if args.corpus else next(
        (p for p in (Path("/work/corpus"), REPO / "bench" / ".corpus") if p.is_dir()), None)
    if corpus is None:
        raise SystemExit("no corpus: pass --corpus (bench/run.py builds one)")
    package = largest_package(corpus)
    work = Path(tempfile.mkdtemp(prefix="fastapi-lint-bench-server-"))
    try:
        copy = work / package.name
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns(".fastapi_lint_cache"))
        if args.keep_store:
            store = Path(args.keep_store)
            if store.is_dir():
                shutil.copytree(store, copy / ".fastapi_lint_cache")
        router = router_near(copy, args.lines)
        text = router.read_text(encoding="utf-8")
        uri = router.as_uri()
        files = sum(1 for _ in copy.rglob("*.py"))
        print(f"package {package.name}: {files} files; router {router.relative_to(copy)} "
              f"({text.count(chr(10))} lines)", flush=True)
        command = [sys.executable, "-m", "fastapi_lint", "server", *(["-j", str(args.jobs)] if args.jobs else [])]
        client = Client(command, copy)
        started = time.perf_counter()
        client.request("initialize", {
            "processId": os.getpid(), "rootUri": copy.as_uri(), "capabilities": {},
            "workspaceFolders": [{"uri": copy.as_uri(), "name": copy.name}],
            "initializationOptions": {"debounceMs": 0},
        })
        client.notify("initialized", {})
        version = 1
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})
        first, diagnostics = client.wait_for_version(uri, version)
        warm_up = first - started
        print(f"first diagnostics after {warm_up:.1f} s (indexing {files} files + first lint): "
              f"{len(diagnostics)} findings", flush=True)
        keep_spot, facts_spot = edit_spots(text)
        results: dict[str, list[float]] = {}
        kinds = [("keep", keep_spot, " "), ("facts", facts_spot, "\n")]
        route = route_spot(text)
        if route is not None:
            kinds.append(("route", route, "x"))
        for kind, (line, column), char in kinds:
            times = []
            for number in range(args.warmup + args.edits):
                typed = number % 2 == 0
                end = (line, column + 1) if char != "\n" else (line + 1, 0)
                change = ({"range": {"start": {"line": line, "character": column},
                                     "end": {"line": line, "character": column}}, "text": char} if typed else
                          {"range": {"start": {"line": line, "character": column},
                                     "end": {"line": end[0], "character": end[1]}}, "text": ""})
                version += 1
                sent = time.perf_counter()
                client.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
                arrived, _ = client.wait_for_version(uri, version)
                if number >= args.warmup:
                    times.append((arrived - sent) * 1000)
            results[kind] = times
            print(f"{kind:>5}: median {statistics.median(times):.0f} ms, min {min(times):.0f}, "
                  f"max {max(times):.0f} ({len(times)} edits)", flush=True)
        # The exact lint that follows a moved line once the buffer is left alone.
        exact = []
        line, column = facts_spot
        for number in range(max(4, args.edits // 4)):
            typed = number % 2 == 0
            change = ({"range": {"start": {"line": line, "character": column},
                                 "end": {"line": line, "character": column}}, "text": "\n"} if typed else
                      {"range": {"start": {"line": line, "character": column},
                                 "end": {"line": line + 1, "character": 0}}, "text": ""})
            version += 1
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            first, _ = client.wait_for_version(uri, version)
            second, _ = client.wait_for_version(uri, version, nth=2)
            exact.append((second - first) * 1000 - EXACT_DELAY_MS)
        results["exact"] = exact
        print(f"exact: median {statistics.median(exact):.0f} ms after the {EXACT_DELAY_MS} ms pause "
              f"({len(exact)} edits)", flush=True)
        rss, peak = rss_mb(client.process.pid)
        print(f"server memory: {rss:.0f} MB resident, peak {peak:.0f} MB", flush=True)
        client.request("shutdown", None)
        client.notify("exit", None)
        client.process.wait(timeout=30)
        if args.keep_store:
            shutil.rmtree(args.keep_store, ignore_errors=True)
            shutil.copytree(copy / ".fastapi_lint_cache", args.keep_store)
        summary = {
            "package": package.name, "files": files, "router": str(router.relative_to(copy)),
            "router_lines": text.count("\n"), "warm_up_s": round(warm_up, 2),
            "edit_keep_ms": {"median": round(statistics.median(results["keep"]), 1), "all": results["keep"]},
            "edit_facts_ms": {"median": round(statistics.median(results["facts"]), 1), "all": results["facts"]},
            "edit_route_path_ms": ({"median": round(statistics.median(results["route"]), 1), "all": results["route"]}
                                   if "route" in results else None),
            "exact_after_moved_lines_ms": {"median": round(statistics.median(results["exact"]), 1),
                                           "all": results["exact"]},
            "rss_mb": round(rss), "peak_rss_mb": round(peak),
            "targets": {"median_ms": TARGET_MEDIAN_MS, "rss_mb": TARGET_RSS_MB},
        }
        for kind in ("keep", "facts", "route"):
            if kind in results:
                median = statistics.median(results[kind])
                print(f"target median <= {TARGET_MEDIAN_MS} ms ({kind}): "
                      f"{'PASS' if median <= TARGET_MEDIAN_MS else 'MISS'} ({median:.0f} ms)")
        print(f"target memory <= {TARGET_RSS_MB} MB: {'PASS' if peak <= TARGET_RSS_MB else 'MISS'} ({peak:.0f} MB peak)")
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="directory of packages (default: /work/corpus or bench/.corpus)")
    parser.add_argument("--lines", type=int, default=1000, help="router size to look for")
    parser.add_argument("--edits", type=int, default=30, help="timed edits of each kind")
    parser.add_argument("--warmup", type=int, default=4, help="untimed edits of each kind first")
    parser.add_argument("--jobs", type=int, default=0, help="indexing processes (default: one per CPU)")
    parser.add_argument("--keep-store", help="reuse the project's store from (and save it to) this directory")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    summary = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
