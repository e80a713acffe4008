"""Per-file work across processes, results in input order whatever the scheduling.

Workers get the shared context once (inherited through ``fork`` where the platform has
it, pickled once per worker otherwise), then receive chunks of files. A worker that dies
does not hang the run: the files of its unfinished chunks come back as ``None`` and the
caller reports them.

Interruptions never cut a file in half. In-process, SIGTERM stops the run between two
files (a second SIGTERM stops at once; a fix being written then rolls back its temporary
file, as it does for Ctrl-C). With workers, the parent turns SIGTERM and Ctrl-C into a
stop request the workers read between files; a worker ignores Ctrl-C, finishes its
current file when sent SIGTERM, and exits by itself when the parent dies, so none is
left behind holding the terminal's pipes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import gc
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
_PARENT_POLL_SECONDS = 0.5

_worker_state: tuple[Callable, Any, Any] | None = None  # function, context, the parent's stop event
# Set by SIGTERM (or the parent's death): finish the current file, start no other.
_stop_requested = threading.Event()
_busy = False  # a worker is inside a file

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


class Interrupted(SystemExit):
    """The run was stopped by a signal; exits with 128 + the signal number."""


def _stop_between_files(signum, frame) -> None:
    if _stop_requested.is_set():  # asked twice: stop now
        raise Interrupted(128 + signum)
    _stop_requested.set()


def _stop_now(signum, frame) -> None:
    raise Interrupted(128 + signum)


@contextlib.contextmanager
def _on_sigterm(handler):
    """Install ``handler`` for SIGTERM for the duration (main thread only; a handler
    someone else installed is left alone); a stop requested meanwhile ends the run."""
    installed = False
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                _stop_requested.clear()
                signal.signal(signal.SIGTERM, handler)
                installed = True
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if installed and _stop_requested.is_set():
        raise Interrupted(128 + signal.SIGTERM)


def _watch_parent(parent: int) -> None:
    """In a worker: when the parent is gone, let the current file finish, then exit."""
    while os.getppid() == parent:
        threading.Event().wait(_PARENT_POLL_SECONDS)
    _stop_requested.set()
    while _busy:
        threading.Event().wait(0.05)
    os._exit(1)


def _worker_sigterm(signum, frame) -> None:
    """Inside a file: finish it, then exit. Otherwise exit now, as by default (the pool
    itself terminates workers when one of them died)."""
    _stop_requested.set()
    if not _busy:
        os._exit(128 + signum)


def _init_worker(function: Callable, context: Any, stop: Any, parent: int) -> None:
    global _worker_state
    _worker_state = (function, context, stop)
    _stop_requested.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _run_chunk(chunk: Sequence) -> list:
    """A chunk's results. A worker asked to stop exits between two files (its chunk is then
    reported as unfinished), never in the middle of one."""
    global _busy
    function, context, stop = _worker_state
    results = []
    for item in chunk:
        _busy = True
        if _stop_requested.is_set() or stop.is_set():
            os._exit(1)
        try:
            results.append(function(context, item))
        finally:
            _busy = False
    if _stop_requested.is_set():
        os._exit(1)
    return results


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def map_files(
    function: Callable[[Any, Item], Result], context: Any, items: Sequence[Item], jobs: int, step: str = ""
) -> list[Result | None]:
    """``[function(context, item) for item in items]``, on ``jobs`` processes.

    ``function`` must be a module-level function. An item whose worker died yields None.
    Raises :class:`Interrupted` (a ``SystemExit``) when stopped by SIGTERM.
    """
    progress = _progress.get() or (lambda done, total, name: None)
    if jobs <= 1 or len(items) < MIN_FILES_FOR_POOL:
        out = []
        with _on_sigterm(_stop_between_files):
            for item in items:
                if _stop_requested.is_set():
                    break
                out.append(function(context, item))
                progress(len(out), len(items), step)
        return out
    with _on_sigterm(_stop_now):
        return _map_on_pool(function, context, items, jobs, lambda done: progress(done, len(items), step))


def _map_on_pool(function: Callable, context: Any, items: Sequence, jobs: int, progress: Callable) -> list:
    size = max(1, len(items) // (jobs * _CHUNKS_PER_WORKER))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list = []
    context_mp = _mp_context()
    stop = context_mp.Event()
    # Forked workers share the parent's objects (the project facts) until something writes
    # to their pages; a collection walking them in a worker would. Frozen, it leaves them alone.
    gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context_mp, initializer=_init_worker,
        initargs=(function, context, stop, os.getpid()),
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
        # Interrupted: drop the queued chunks; each worker stops after its current file.
        # No signal is sent to them: a worker killed while sending a result would leave
        # the pool's reader thread waiting forever (and the run with it).
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        gc.unfreeze()
    pool.shutdown()
    return results
