"""Tests of `dedupe.ahead`: a later stage's numba code compiled in another process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import dedupe
from dedupe import ahead, families, index, report
from dedupe.parallel import can_fork
from dedupe.scan import COMPILED_ALIGNMENT_FROM
from dedupe.stats import Stats

pytestmark = pytest.mark.skipif(not can_fork(), reason="processes cannot be forked here")


@pytest.fixture(autouse=True)
def _nothing_left_running() -> Iterator[None]:
    yield
    ahead.stop()
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("dedupe-")]


def _writes_its_pid(path: Path) -> Callable[[], None]:
    def prepare() -> None:
        path.write_text(str(os.getpid()))

    return prepare


def test_the_code_runs_in_another_process_and_wait_waits_for_it(tmp_path: Path) -> None:
    done = tmp_path / "done"

    def slow() -> None:
        time.sleep(0.3)
        _writes_its_pid(done)()

    assert ahead.start("stage", slow)
    ahead.wait("stage")
    assert done.exists() and int(done.read_text()) != os.getpid()
    ahead.wait("stage")  # waited for already: nothing
    ahead.wait("never started")


def test_one_process_a_name(tmp_path: Path) -> None:
    assert ahead.start("stage", lambda: time.sleep(0.2))
    assert not ahead.start("stage", _writes_its_pid(tmp_path / "second"))
    ahead.wait("stage")
    assert not (tmp_path / "second").exists()


def test_a_failure_is_left_to_the_stage_and_says_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def fails() -> None:
        print("compiling", file=sys.stderr)
        raise RuntimeError("numba could not compile")

    assert ahead.start("stage", fails)
    ahead.wait("stage")  # no exception here
    assert capfd.readouterr() == ("", "")


def test_stop_ends_what_still_runs() -> None:
    assert ahead.start("stage", lambda: time.sleep(60))
    started = time.monotonic()
    ahead.stop()
    assert time.monotonic() - started < 10
    ahead.wait("stage")  # stopped: nothing to wait for


def _signatures(*functions: object) -> list[int]:
    from dedupe.jit import compiled

    return [len(compiled(function).signatures) for function in functions]  # type: ignore[arg-type]


def test_the_stages_prepare_the_code_a_scan_runs(tmp_path: Path) -> None:
    # numba compiles a function again for other argument types: each stage's `prepare` must
    # call its kernels with the types a scan gives them, or the code compiled ahead is of no
    # use. After preparing, a compiled scan adds no signature to any of them.
    from dedupe import coverage_kernels, family_kernels, index_kernels

    kernels = (
        index_kernels.bucket_pair_codes,
        family_kernels.split_links,
        family_kernels.group_pieces,
        family_kernels.piece_words,
        family_kernels.piece_sides,
        family_kernels.decided_sides,
        family_kernels.components,
        coverage_kernels.coverage,
    )
    index.prepare()
    families.prepare()
    report.prepare()
    prepared = _signatures(*kernels)
    assert prepared == [1] * len(kernels)
    # 100 stories carried by 21 articles each, with words of their own: enough documents
    # and candidate pairs (2,000 of each) for every compiled stage.
    rng = np.random.default_rng(5)
    words = [f"w{k}" for k in range(5000)]
    stories = [" ".join(rng.choice(words, 80)) for _ in range(100)]
    lines = [
        f'{{"id": "{k}", "text": "{stories[k % 100]} {" ".join(rng.choice(words, 40))}"}}'
        for k in range(2100)
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = Stats()
    scanned = dedupe.scan([str(path)], jobs=1, stats=stats)
    assert stats.counts["candidate document pairs"] >= COMPILED_ALIGNMENT_FROM
    assert len(scanned.families) == 100
    gc.collect()
    assert _signatures(*kernels) == prepared
