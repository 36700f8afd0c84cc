"""Chunks on several processes come back in order, with the same results as one process."""

from __future__ import annotations

import os

import pytest

from dedupe.parallel import default_jobs, map_ordered


def square_with_offset(state: int, chunk: int) -> tuple[int, int]:
    return chunk * chunk + state, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_input_order(jobs: int) -> None:
    results = list(map_ordered(square_with_offset, 10, list(range(20)), jobs))
    assert [value for value, _ in results] == [i * i + 10 for i in range(20)]


def test_several_jobs_use_other_processes() -> None:
    pids = {pid for _, pid in map_ordered(square_with_offset, 0, list(range(8)), 2)}
    assert os.getpid() not in pids


def test_one_job_runs_here() -> None:
    pids = {pid for _, pid in map_ordered(square_with_offset, 0, list(range(4)), 1)}
    assert pids == {os.getpid()}


def test_default_jobs_is_at_least_one() -> None:
    assert default_jobs() >= 1
