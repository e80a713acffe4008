"""How work is spread over worker processes: results in input order, and files too large
for two workers to hold at once (``heavy``) worked on one at a time, never leaving a
worker idle."""

from __future__ import annotations

import os
import time

from fastapi_lint.runner import claim_once, map_files

HEAVY = {0, 3, 9}  # spread over the first chunks: without the rule, two start together


def _timed(context: tuple[float, frozenset[int]], item: int) -> tuple[int, int, float, float]:
    """Works ``delay`` seconds on an item, twenty times that on a heavy one."""
    delay, heavy = context
    start = time.monotonic()
    time.sleep(delay * (20 if item in heavy else 1))
    return item, os.getpid(), start, time.monotonic()


def _claims(delay: float, item: int) -> tuple[int, bool]:
    time.sleep(delay)  # both workers busy at once
    return os.getpid(), claim_once()


def test_exactly_one_worker_of_a_run_claims_and_each_run_claims_afresh() -> None:
    for _ in range(2):
        results = map_files(_claims, 0.01, list(range(64)), jobs=2)
        assert sum(claimed for _, claimed in results) == 1
        assert len({pid for pid, _ in results}) == 2
    assert all(claimed for _, claimed in map_files(_claims, 0, list(range(3)), jobs=1))  # no workers: always


def test_heavy_items_are_worked_on_one_at_a_time_while_other_work_remains() -> None:
    items = list(range(64))
    results = map_files(_timed, (0.01, frozenset(HEAVY)), items, jobs=2, heavy=lambda item: item in HEAVY)
    assert [result[0] for result in results] == items
    heavy = sorted((start, end) for item, _, start, end in results if item in HEAVY)
    assert all(end <= next_start for (_, end), (next_start, _) in zip(heavy, heavy[1:]))
    assert len({pid for _, pid, _, _ in results}) == 2  # both workers had work meanwhile


def test_with_nothing_else_left_heavy_items_share_the_workers() -> None:
    items = list(range(30))
    heavy_items = frozenset(range(10))
    results = map_files(_timed, (0.01, heavy_items), items, jobs=2, heavy=lambda item: item in heavy_items)
    assert [result[0] for result in results] == items
    heavy = sorted((start, end) for item, _, start, end in results if item in heavy_items)
    assert any(next_start < end for (_, end), (next_start, _) in zip(heavy, heavy[1:]))  # no worker waited


def test_runs_shrink_with_the_work_left_and_cover_every_item_once():
    from fastapi_lint.runner import _Chunks

    queue = _Chunks(list(range(1000)), 2, lambda item: {10: 200_000, 500: 900_000}.get(item, 0))
    taken, sizes = [], []
    heavy_first = queue.take(False)
    assert heavy_first == ([500], True)  # the heaviest first
    while queue:
        chunk, heavy = queue.take(True)  # a heavy item is being worked on elsewhere: light runs first
        taken.extend(chunk)
        sizes.append(len(chunk))
        if heavy:
            assert chunk == [10] and not queue.light
    assert taken == [i for i in range(1000) if i not in (10, 500)] + [10]  # the heavy one once nothing else is left
    light_sizes = sizes[:-1]
    assert light_sizes == sorted(light_sizes, reverse=True) and light_sizes[0] == 1000 // 16 and light_sizes[-1] == 1
