"""Chunks on several processes come back in order, with the same results as one process."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import signal
import time
from typing import Any

import pytest

import dedupe
from dedupe.align import Passage
from dedupe.attribution import Attribution
from dedupe.parallel import (
    OrderedPool,
    default_jobs,
    from_fields,
    in_thread,
    map_ordered,
    pickled_by_fields,
)


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


def test_an_ordered_pool_takes_chunks_as_they_come_and_gives_results_in_order() -> None:
    with OrderedPool(square_with_offset, 5, 2) as pool:
        for chunk in range(12):
            pool.submit(chunk)
        results = list(pool.results())
    assert [value for value, _ in results] == [i * i + 5 for i in range(12)]
    assert os.getpid() not in {pid for _, pid in results}


def slow_square(state: int, chunk: int) -> int:
    time.sleep(state)
    return chunk * chunk


def test_an_ordered_pool_left_early_stops_its_workers() -> None:
    started = time.perf_counter()
    with pytest.raises(KeyError), OrderedPool(slow_square, 30, 2) as pool:
        pool.submit(1)
        pool.submit(2)
        raise KeyError("reading failed")
    assert time.perf_counter() - started < 10
    assert not multiprocessing.active_children()


def test_an_error_in_an_ordered_pool_reaches_the_caller() -> None:
    with OrderedPool(square_with_offset, "not a number", 2) as pool:
        pool.submit(3)
        with pytest.raises(TypeError):
            list(pool.results())


def test_in_thread_gives_back_the_result() -> None:
    result = in_thread(sorted, [3, 1, 2])
    assert result() == [1, 2, 3]


def test_in_thread_hands_its_error_to_the_caller() -> None:
    result = in_thread(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        result()


def test_from_fields_makes_what_init_makes() -> None:
    passage = Passage(1, 9, 3, 11, 8, False, (4, 40), (7, 44), ((2, 4),), ())
    values = dataclasses.astuple(passage)
    made = from_fields(Passage)(*values)
    assert made == passage and dataclasses.astuple(made) == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.a_start = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        from_fields(Passage)(*values[:-1])


def test_from_fields_refuses_a_class_whose_init_does_more() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    with pytest.raises(TypeError, match="needs its __init__"):
        from_fields(Checked)


def test_default_jobs_is_at_least_one() -> None:
    assert default_jobs() >= 1


def _signal_handlers(state: None, chunk: int) -> tuple[bool, bool]:
    return (
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
    )


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def test_workers_die_on_sigterm_whatever_the_parent_handles() -> None:
    # The CLI turns SIGTERM into KeyboardInterrupt; a worker that inherited that handler could
    # survive the pool's terminate() and hang it.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        assert list(map_ordered(_signal_handlers, None, [1, 2, 3, 4], jobs=2)) == [(True, True)] * 4
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fail_on_three(state: None, chunk: int) -> int:
    if chunk == 3:
        raise ValueError("chunk three")
    return chunk


def test_an_error_in_a_worker_stops_the_pool_and_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="chunk three"):
        list(map_ordered(_fail_on_three, None, [1, 2, 3, 4, 5, 6], jobs=2))


def test_leaving_early_stops_the_pool() -> None:
    results = map_ordered(_fail_on_three, None, [1, 2, 4, 5], jobs=2)
    assert next(results) == 1
    results.close()


@pickled_by_fields
@dataclasses.dataclass(frozen=True, slots=True)
class _Single:
    value: int


def _everything_pickled_back(report: dedupe.Report) -> list[Any]:
    passage = Passage(1, 9, 3, 11, 8, False, (4, 40), (7, 44), ((2, 4),), ())
    attribution = Attribution("Reuters", "wire-credit", ("a",))
    return [
        _Single(7),
        passage,
        attribution,
        *report.families[0].members,
        *report.documents,
        *report.pairs,
        *(passage for pair in report.pairs for passage in pair.passages),
        *(match for document in report.documents for match in document.matches),
    ]


def test_results_pickle_as_their_fields_and_come_back_whole() -> None:
    report = dedupe.scan([dedupe.example_path()], jobs=1, pairs=True)
    items = _everything_pickled_back(report)
    assert len(report.pairs) > 0
    for item in items:
        constructor, values = item.__reduce__()
        assert constructor is type(item)._from_fields
        copy = pickle.loads(pickle.dumps(item))
        assert type(copy) is type(item)
        # All fields, those left out of == (a passage's character spans) included.
        assert dataclasses.astuple(copy) == dataclasses.astuple(item)
        assert hash(copy) == hash(item)
        assert values == tuple(getattr(item, f.name) for f in dataclasses.fields(item))
