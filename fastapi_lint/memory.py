"""How a run keeps its memory small and its garbage collections cheap.

A file's work (its facts, its lint) makes many objects that die when it is done, freed by
reference counting; the collector, running meanwhile, would walk them, promote the
survivors to older generations and walk them again in full collections over the whole
project's answers. So it is off while one file is worked on, and on between files.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from typing import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off for the block (back on after it, if it was on)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def release_free_memory() -> None:
    """Give the memory freed since the last call back to the system (glibc's
    ``malloc_trim``; nothing elsewhere). A file's syntax tree is freed once it is linted,
    but the allocator keeps the pages, interleaved with the answers the worker keeps: a
    worker's resident memory grew by the size of the largest trees it had met."""
    trim = _malloc_trim()
    if trim is not None:
        with contextlib.suppress(Exception):
            trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # another C library (musl has no malloc_trim)
        return None
