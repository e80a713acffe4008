"""Per-file work across processes, results in input order whatever the scheduling.

Workers get the shared context once (inherited through ``fork`` where the platform has
it, pickled once per worker otherwise), then receive chunks of files. A worker that dies
does not hang the run: the files of its unfinished chunks come back as ``None`` and the
caller reports them.

An interrupted run stops cleanly: while files are processed, SIGTERM raises
``SystemExit`` (as Ctrl-C raises ``KeyboardInterrupt``) so a fix being written removes
its temporary file, and the workers are stopped instead of being left behind; a worker
whose parent died (even by SIGKILL) stops by itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from contextvars import ContextVar
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many files a pool costs more than it saves.
MIN_FILES_FOR_POOL = 24
_CHUNKS_PER_WORKER = 8  # small enough to balance uneven files, large enough to batch IPC

_worker_state: tuple[Callable, Any] | None = None

# Called with (items done, items in this step, step name) as work completes; set by the CLI.
_progress: ContextVar[Callable[[int, int, str], None] | None] = ContextVar("progress", default=None)


@contextlib.contextmanager
def reporting_progress(callback: Callable[[int, int, str], None]):
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_PARENT_POLL_SECONDS = 0.5


def _raise_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_raises():
    """SIGTERM → ``SystemExit`` for the duration (main thread only; a handler someone
    else installed is left alone), so ``finally`` blocks and cleanups run."""
    installed = False
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _raise_on_sigterm)
                installed = True
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _watch_parent(parent: int) -> None:
    """In a worker: when the parent process is gone, stop as if sent SIGTERM."""
    while os.getppid() == parent:
        threading.Event().wait(_PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def _init_worker(function: Callable, context: Any, parent: int) -> None:
    global _worker_state
    _worker_state = (function, context)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _run_chunk(chunk: Sequence) -> list:
    function, context = _worker_state
    return [function(context, item) for item in chunk]


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def map_files(
    function: Callable[[Any, Item], Result], context: Any, items: Sequence[Item], jobs: int, step: str = ""
) -> list[Result | None]:
    """``[function(context, item) for item in items]``, on ``jobs`` processes.

    ``function`` must be a module-level function. An item whose worker died yields None.
    """
    progress = _progress.get() or (lambda done, total, name: None)
    with _sigterm_raises():
        if jobs <= 1 or len(items) < MIN_FILES_FOR_POOL:
            out = []
            for item in items:
                out.append(function(context, item))
                progress(len(out), len(items), step)
            return out
        return _map_on_pool(function, context, items, jobs, lambda done: progress(done, len(items), step))


def _map_on_pool(function: Callable, context: Any, items: Sequence, jobs: int, progress: Callable) -> list:
    size = max(1, len(items) // (jobs * _CHUNKS_PER_WORKER))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list = []
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=_mp_context(), initializer=_init_worker,
        initargs=(function, context, os.getpid()),
    )
    try:
        futures = [pool.submit(_run_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                results.extend(future.result())
            except BrokenProcessPool:
                results.extend([None] * len(chunk))
            progress(len(results))
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): queued chunks are dropped and the workers
        # stopped; a worker's SIGTERM handler lets the file it is writing roll back.
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
