"""The progress bar: shown on a terminal once a run passes a second, never in CI or pipes."""

from __future__ import annotations

import io

from rich.console import Console

from fastapi_lint.report import progress
from fastapi_lint.runner import map_files, reporting_progress


def double(context: int, item: int) -> int:
    return item * context


def test_map_files_reports_progress_in_order() -> None:
    seen = []
    with reporting_progress(lambda done, total, step: seen.append((done, total, step))):
        assert map_files(double, 2, [1, 2, 3], jobs=1, step="linting") == [2, 4, 6]
    assert seen == [(1, 3, "linting"), (2, 3, "linting"), (3, 3, "linting")]


def make_bar(monkeypatch, terminal: bool, ci: bool) -> tuple[progress.ProgressBar, io.StringIO]:
    stream = io.StringIO()
    monkeypatch.setattr(progress, "Console", lambda file: Console(file=stream, force_terminal=terminal, width=80))
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    return progress.ProgressBar(), stream


def test_bar_appears_after_a_second_on_a_terminal(monkeypatch) -> None:
    bar, stream = make_bar(monkeypatch, terminal=True, ci=False)
    bar(1, 10, "linting")
    assert bar.bar is None  # a quick run shows nothing
    bar.started -= 2
    bar(5, 10, "linting")
    assert bar.bar is not None and "linting" in bar.tasks
    bar.close()


def test_no_bar_in_ci_or_pipes(monkeypatch) -> None:
    for terminal, ci in ((True, True), (False, False)):
        bar, stream = make_bar(monkeypatch, terminal=terminal, ci=ci)
        bar.started -= 2
        bar(5, 10, "linting")
        bar.close()
        assert bar.bar is None and stream.getvalue() == ""
