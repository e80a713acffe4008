"""Stop signals held back for a few statements that must not be cut in half."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def stops_held() -> Iterator[None]:
    """SIGTERM and SIGINT delivered only when the block ends, where the system can hold
    them (``pthread_sigmask``; a thread started inside inherits the mask)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
