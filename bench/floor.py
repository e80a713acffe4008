"""The floor for any libcst-based linter: ``libcst.parse_module`` on every file, nothing else.

Usage: python bench/floor.py --files-from LIST [--jobs N]

LIST holds one path per line. With ``--jobs 1`` the files are parsed in this process;
otherwise a process pool of N workers (default: one per CPU, like fastapi-lint's default
``--jobs``) parses them, each worker reading its own files, so the number is what a
parallel linter could reach if parsing were all it did. Prints one JSON line:
files, failed (files libcst could not parse) and the jobs used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def parse_one(path: str) -> str | None:
    """Parse one file; return None, or the error's type name when libcst rejects it."""
    import libcst

    with open(path, "rb") as f:
        source = f.read()
    try:
        libcst.parse_module(source)
    except Exception as error:  # ParserSyntaxError and friends: counted, not fatal
        return type(error).__name__
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files-from", required=True, help="file with one path per line")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with open(args.files_from, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    jobs = max(1, args.jobs)
    if jobs == 1:
        errors = [parse_one(p) for p in paths]
    else:
        import multiprocessing

        # Small chunks keep both cores busy to the end despite uneven file sizes.
        with multiprocessing.Pool(jobs) as pool:
            errors = list(pool.imap_unordered(parse_one, paths, chunksize=8))
    failed = sum(e is not None for e in errors)
    print(json.dumps({"files": len(paths), "failed": failed, "jobs": jobs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
