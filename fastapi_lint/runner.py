"""Per-file work across processes, results in input order whatever the scheduling.

Workers are processes of our own, each with one pipe to the parent. They get the shared
context once (inherited through ``fork`` where the platform has it, pickled once per
worker otherwise), then receive chunks of items and send back each item's result as soon
as it is done. A worker that dies does not hang the run: the item it was on comes back as
``None`` (the caller reports it), the rest of its chunk goes to a fresh worker.

Interruptions end a run within about a second, even when a file is stuck:

- In-process, SIGTERM and Ctrl-C raise at once (:class:`Interrupted` with exit status
  143, ``KeyboardInterrupt``), in the middle of a file if need be. The one exception is
  the write of a fixed file (``files.write_source``: a temporary file, then ``os.replace``):
  a signal arriving then takes effect as soon as that file is done, so a file is always
  either old or new, and no temporary file stays behind.
- With workers, the parent raises the same way; before passing the exception on it sends
  SIGTERM to every worker (which exits at once, or right after the write it is in), waits
  up to ``STOP_GRACE_SECONDS``, kills what is left with SIGKILL and reaps them all. A
  worker killed halfway through sending a result is an end of file on its pipe, never a
  hang; that is why this is not ``concurrent.futures``, whose result-reader thread waits
  forever on such a message (and is joined at interpreter exit).
- Workers ignore Ctrl-C (the terminal sends it to them too; the parent decides), and
  exit by themselves when the parent dies.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from contextvars import ContextVar
from multiprocessing.connection import wait
from typing import Any, Callable, Sequence, TypeVar

from fastapi_lint.memory import collector_paused, release_free_memory
from fastapi_lint.signal_mask import stops_held

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many files a pool costs more than it saves.
MIN_FILES_FOR_POOL = 24
_CHUNKS_PER_WORKER = 8  # small enough to balance uneven files, large enough to batch IPC
_PARENT_POLL_SECONDS = 0.5
# After a stop request, how long workers get to exit by themselves before SIGKILL.
STOP_GRACE_SECONDS = 1.0
# A worker hands freed memory back to the system at most this often (memory.release_free_memory).
_RELEASE_SECONDS = 1.0
_REAP_SECONDS = 2.0  # waiting for a killed worker to be reaped (it is normally immediate)

# Called with (items done, items in this step, step name) as work completes; set by the CLI.
_progress: ContextVar[Callable[[int, int, str], None] | None] = ContextVar("progress", default=None)

_critical = 0  # > 0 inside critical_section()
_deferred: int | None = None  # a stop signal that arrived inside a critical section
_inherited: list = []  # the parent's ends of the pipes of running workers (closed in a forked worker)
_claim = None  # in a worker: its run's shared flag (claim_once)


@contextlib.contextmanager
def reporting_progress(callback: Callable[[int, int, str], None]):
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


def claim_once() -> bool:
    """True in exactly one process of a ``map_files`` run on workers, the first to ask (and
    there only once); always True outside workers. For work every worker does alike, whose
    product one of them is enough to hand over."""
    flag = _claim
    if flag is None:
        return True
    with flag.get_lock():
        if flag.value:
            return False
        flag.value = 1
        return True


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Interrupted(SystemExit):
    """The run was stopped by a signal; exits with 128 + the signal number."""


@contextlib.contextmanager
def critical_section():
    """A stop signal arriving inside takes effect once the current item is done (a write
    that must not be cut in half). ``files.write_source`` is treated as one without this."""
    global _critical
    _critical += 1
    try:
        yield
    finally:
        _critical -= 1


def _in_critical_section(frame) -> bool:
    if _critical:
        return True
    writes = set()
    for module in ("fastapi_lint.files", "fastapi_lint.api"):  # where write_source is (was)
        code = getattr(getattr(sys.modules.get(module), "write_source", None), "__code__", None)
        if code is not None:
            writes.add(code)
    while writes and frame is not None:
        if frame.f_code in writes:
            return True
        frame = frame.f_back
    return False


def _stop(signum: int):
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(128 + signum)


def _stop_now(signum, frame) -> None:
    """In-process: stop at once, unless a file is being written (then right after it)."""
    global _deferred
    if _in_critical_section(frame):
        _deferred = signum
        return
    _stop(signum)


def _stop_if_deferred() -> None:
    global _deferred
    if _deferred is not None:
        signum, _deferred = _deferred, None
        _stop(signum)


@contextlib.contextmanager
def _handling_stops(handler):
    """``handler`` for SIGTERM and SIGINT for the duration (main thread only; a handler
    someone else installed is left alone)."""
    global _deferred
    installed = {}
    if threading.current_thread() is threading.main_thread():
        for signum, default in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler)):
            with contextlib.suppress(ValueError, OSError):
                if signal.getsignal(signum) == default:
                    signal.signal(signum, handler)
                    installed[signum] = default
    _deferred = None
    try:
        yield
    finally:
        for signum, default in installed.items():
            signal.signal(signum, default)
    _stop_if_deferred()


def map_files(
    function: Callable[[Any, Item], Result], context: Any, items: Sequence[Item], jobs: int, step: str = "",
    received: Callable[[int, Result], Any] | None = None, heavy: Callable[[Item], int] | None = None,
) -> list[Result | None]:
    """``[function(context, item) for item in items]``, on ``jobs`` processes.

    ``function`` must be a module-level function. An item whose worker died yields None.
    ``received(index, result)``, when given, is called in this process as each result
    arrives (in the order each worker sent them), and what it returns is kept instead: the
    caller can shrink a result to what it still needs while the other items are worked on.
    Items ``heavy`` gives a weight (a file whose syntax tree takes 50 to 250 MB; 0 for the
    rest) are worked on one at a time, first and heaviest first, while other workers take
    the rest: the peak memory of a run is then one such item's, not one per worker, and the
    heaviest comes while the worker holds least else. A worker never waits for one, though:
    with nothing else left, it takes the next heavy item.
    Raises :class:`Interrupted` (a ``SystemExit``) when stopped by SIGTERM, and
    ``KeyboardInterrupt`` on Ctrl-C.
    """
    progress = _progress.get() or (lambda done, total, name: None)
    keep = received or (lambda index, result: result)
    if jobs <= 1 or len(items) < MIN_FILES_FOR_POOL:
        out = []
        with _handling_stops(_stop_now):
            for index, item in enumerate(items):
                out.append(keep(index, _one(function, context, item)))
                _stop_if_deferred()
                progress(len(out), len(items), step)
        return out
    with _handling_stops(_stop_now):
        return _map_on_workers(function, context, items, jobs, lambda done: progress(done, len(items), step), keep,
                               heavy)


# ---------------------------------------------------------------- the parent's side


class _Worker:
    def __init__(self, process, connection):
        self.process = process
        self.connection = connection
        self.todo: collections.deque[int] = collections.deque()  # indexes sent, not yet answered
        self.heavy = False  # its chunk is a heavy item


class _Chunks:
    """The work not handed out yet: runs of consecutive items, and heavy items one per
    chunk, heaviest first (see ``map_files``). A run is an eighth of a worker's share at
    first and shrinks with what is left (a quarter of each worker's share of it), so the
    workers finish together: with fixed runs, the last one alone took 2 to 5 seconds of a
    corpus run."""

    def __init__(self, items: Sequence, jobs: int, heavy: Callable | None):
        weights = [heavy(item) if heavy is not None else 0 for item in items]
        self.light = collections.deque(i for i, weight in enumerate(weights) if not weight)
        heaviest_first = sorted((i for i, weight in enumerate(weights) if weight), key=lambda i: -weights[i])
        self.heavy = collections.deque([i] for i in heaviest_first)
        self.jobs = jobs
        self.largest = max(1, len(items) // (jobs * _CHUNKS_PER_WORKER))

    def __len__(self) -> int:
        """Items left."""
        return len(self.light) + len(self.heavy)

    def take(self, heavy_elsewhere: bool) -> tuple[list[int], bool] | None:
        """The next chunk for a worker, and whether it is a heavy item."""
        if self.heavy and (not heavy_elsewhere or not self.light):
            return self.heavy.popleft(), True
        if self.light:
            size = max(1, min(self.largest, len(self.light) // (self.jobs * 4)))
            return [self.light.popleft() for _ in range(min(size, len(self.light)))], False
        return None

    def put_back(self, chunk: list[int], heavy: bool) -> None:
        if heavy:
            self.heavy.appendleft(chunk)
        else:
            self.light.extendleft(reversed(chunk))


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _map_on_workers(function: Callable, context: Any, items: Sequence, jobs: int, progress: Callable,
                    keep: Callable, heavy: Callable | None = None) -> list:
    queue = _Chunks(items, jobs, heavy)
    results: list = [None] * len(items)
    done = 0
    mp_context = _mp_context()
    try:
        claim = mp_context.Value("b", 0)  # claim_once's, for this run's workers
    except OSError:  # no shared memory or semaphores here: every worker claims
        claim = None
    workers: list[_Worker] = []
    # Each death settles at least the item it happened on; still, never start workers forever.
    starts_left = len(items) + jobs
    started = 0

    def start() -> bool:
        nonlocal starts_left, started
        if starts_left <= 0:
            return False
        starts_left -= 1
        parent_end, child_end = mp_context.Pipe()
        process = mp_context.Process(
            target=_work, args=(function, context, child_end, os.getpid(), claim), daemon=True,
            name="fastapi-lint worker",
        )
        _inherited.append(parent_end)  # a forked worker closes it, its own end included
        with stops_held():  # until the worker is on the list (it unblocks its own once set up)
            try:
                process.start()
            except OSError:  # out of processes or memory: carry on with the workers there are
                _inherited.remove(parent_end)
                parent_end.close()
                return False
            finally:
                child_end.close()
            workers.append(_Worker(process, parent_end))
        started += 1
        return True

    def feed(worker: _Worker) -> bool:
        """Send the next chunk (or, with none left, the order to exit); False if it is dead."""
        taken = queue.take(any(other.heavy and other.todo for other in workers if other is not worker))
        chunk = taken[0] if taken is not None else None
        try:
            worker.connection.send(None if chunk is None else [items[i] for i in chunk])
        except OSError:
            if taken is not None:
                queue.put_back(*taken)
            return chunk is None  # told to exit, and gone: as good
        if taken is not None:
            worker.todo.extend(chunk)
            worker.heavy = taken[1]
        return True

    def in_process() -> None:
        nonlocal done
        if collecting:
            gc.enable()  # the work itself makes garbage
        while queue:
            for index in queue.take(False)[0]:
                results[index] = keep(index, _one(function, context, items[index]))
                _stop_if_deferred()
                done += 1
                progress(done)

    # Forked workers share the parent's objects (the project facts) until something writes
    # to their pages; a collection walking them in a worker would. Frozen, it leaves them alone.
    gc.freeze()
    # The parent only receives results here: unpickling them with the collector on walked
    # the growing heap again and again (the facts pass: 5.1 s instead of 0.6 s for half the
    # corpus's facts). Workers, forked with it off, turn it back on (``_work``).
    collecting = gc.isenabled()
    gc.disable()
    try:
        while len(workers) < min(jobs, len(queue)) and start():
            pass
        for worker in list(workers):
            if not feed(worker):
                done += _bury(worker, workers, queue)
        while True:
            busy = [worker for worker in workers if worker.todo]
            if not busy:
                if not queue:
                    break
                if not start():  # every worker died and no other can start
                    if not started:  # none ever could (no fork here): do the work here
                        in_process()
                    break  # the rest stays None: reported as lost with a worker
                if not feed(workers[-1]):
                    done += _bury(workers[-1], workers, queue)
                continue
            ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.connection not in ready and worker.process.sentinel not in ready:
                    continue
                answered, alive = _receive(worker, results, keep)
                done += answered
                if answered:
                    progress(done)
                if alive and not worker.todo:
                    alive = feed(worker)
                if not alive:
                    done += _bury(worker, workers, queue)
                    progress(done)
        _retire(workers)
    except BaseException:
        _stop_workers(workers)
        raise
    finally:
        if collecting:
            gc.enable()
        gc.unfreeze()
        for worker in workers:
            worker.connection.close()
        _inherited.clear()
    return results


def _receive(worker: _Worker, results: list, keep: Callable) -> tuple[int, bool]:
    """Read what ``worker`` has sent: (results received, whether it is still alive)."""
    answered = 0
    try:
        while worker.todo and worker.connection.poll():
            index = worker.todo.popleft()
            try:
                result = worker.connection.recv()
            except (EOFError, OSError):
                raise
            except Exception:  # noqa: BLE001 - a result that does not load is a lost item, not a crash
                result = None
            else:
                result = keep(index, result)
            results[index] = result
            answered += 1
    except (EOFError, OSError):
        return answered, False
    return answered, worker.process.is_alive() or not worker.todo


def _bury(worker: _Worker, workers: list[_Worker], queue: _Chunks) -> int:
    """A worker died: the item it was on stays None, the rest of its chunk goes back to
    the queue. Returns how many items are settled by this (the one it died on)."""
    workers.remove(worker)
    if worker.connection in _inherited:
        _inherited.remove(worker.connection)
    worker.connection.close()
    with contextlib.suppress(OSError):
        worker.process.kill()  # when only its pipe broke
    worker.process.join(_REAP_SECONDS)
    if not worker.todo:
        return 0
    worker.todo.popleft()
    if worker.todo:
        queue.put_back(list(worker.todo), False)
    return 1


def _retire(workers: list[_Worker]) -> None:
    """All work is done and every worker was told to exit: reap them (kill a straggler)."""
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for worker in workers:
        worker.process.join(max(0.0, deadline - time.monotonic()))
    _kill(workers)


def _stop_workers(workers: list[_Worker]) -> None:
    """The run is being interrupted: SIGTERM every worker, give them the grace period to
    exit (a worker writing a file finishes it first), then SIGKILL the rest."""
    for worker in workers:
        with contextlib.suppress(OSError):
            worker.process.terminate()
    try:
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline:
            alive = [w.process.sentinel for w in workers if w.process.is_alive()]
            if not alive:
                break
            wait(alive, max(0.0, deadline - time.monotonic()))
    except BaseException:  # noqa: BLE001 - asked to stop again: no more waiting
        pass
    _kill(workers)


def _kill(workers: list[_Worker]) -> None:
    with stops_held():  # a signal now would leave workers behind
        for worker in workers:
            if worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.process.kill()
        for worker in workers:
            worker.process.join(_REAP_SECONDS)


# ---------------------------------------------------------------- the worker's side


def _work(function: Callable, context: Any, connection, parent: int, claim) -> None:
    """A worker's life: chunks in, one result per item out, until told to stop."""
    global _deferred, _claim
    _claim = claim
    for inherited in _inherited:  # forked: the parent's ends of the pipes, this one's included
        with contextlib.suppress(OSError):
            inherited.close()
    _deferred = None
    gc.enable()  # the parent turns it off while it waits for results
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent around the start
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    _exit_with_parent(parent)
    released = time.monotonic()
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            os._exit(1)
        if chunk is None:
            return
        for item in chunk:
            result = _one(function, context, item)
            if time.monotonic() - released > _RELEASE_SECONDS:
                release_free_memory()
                released = time.monotonic()
            if _deferred is not None:  # SIGTERM arrived while a file was being written
                os._exit(128 + _deferred)
            try:
                connection.send(result)  # our own objects, to our own parent
            except (EOFError, OSError):
                os._exit(1)
            except Exception:  # noqa: BLE001 - a result that cannot be sent is reported as a lost item
                connection.send(None)


def _one(function: Callable, context: Any, item: Any) -> Any:
    """``function(context, item)`` with the collector off: one file's work makes many
    objects that reference counting frees (``memory.collector_paused``)."""
    with collector_paused():
        return function(context, item)


def _worker_stop(signum, frame) -> None:
    """SIGTERM in a worker: exit now, or right after the file being written."""
    global _deferred
    if _in_critical_section(frame):
        _deferred = signum
        return
    os._exit(128 + signum)


def _exit_with_parent(parent: int) -> None:
    """Exit (as by SIGTERM) when the parent dies, whatever it died of."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    threading.Thread(target=_watch_parent, args=(parent, threading.main_thread().ident), daemon=True).start()


def _watch_parent(parent: int, main: int) -> None:
    """Where the parent-death signal does not exist (or came too early): poll for it."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    while _in_critical_section(sys._current_frames().get(main)):
        time.sleep(0.05)
    os._exit(1)
