"""A progress bar on the terminal for runs that take more than a second; nothing in CI,
pipes or when standard error is not a terminal."""

from __future__ import annotations

import os
import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fastapi_lint.report.escape import escape

_DELAY = 1.0  # seconds before a bar appears: quick runs stay quiet


class ProgressBar:
    def __init__(self, enabled: bool = True) -> None:
        self.started = time.monotonic()
        self.console = Console(file=sys.stderr)
        self.enabled = enabled and self.console.is_terminal and not os.environ.get("CI")
        self.bar: Progress | None = None
        self.tasks: dict[str, int] = {}

    def __call__(self, done: int, total: int, step: str) -> None:
        if not self.enabled or time.monotonic() - self.started < _DELAY:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=self.console, transient=True,
            )
            self.bar.start()
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(escape(step) or "working", total=total)
        self.bar.update(self.tasks[step], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
