"""The timeline benchmark counts each stage's waiting as its tasks ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dedupe
from benchmarks import timeline
from dedupe import parallel


def test_stage_rows_count_the_time_before_the_first_task_after_the_last_and_idle() -> None:
    windows = [("read", 0.0, 2.0, 2.0), ("sign", 2.0, 6.0, 1.0)]
    tasks = [("sign_chunk", 11, 2.5, 4.0), ("sign_chunk", 12, 2.5, 5.0), ("x", 11, 4.0, 5.5)]
    read, sign = timeline.stage_rows(windows, tasks, jobs=2)
    assert read == {
        "stage": "read", "wall": 2.0, "tasks": 0, "before": 2.0, "after": 0.0,
        "parent CPU": 2.0, "worker busy": 0.0, "idle": 2.0,
    }  # fmt: skip
    assert sign == {
        "stage": "sign", "wall": 4.0, "tasks": 3, "before": 0.5, "after": 0.5,
        "parent CPU": 1.0, "worker busy": 5.5, "idle": 1.5,
    }  # fmt: skip


def test_a_scan_on_two_jobs_has_its_worker_tasks_timed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline.main(["2000", "--jobs", "2", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for stage in ("read", "sign", "index", "align", "families", "report"):
        assert stage in out
    rows = timeline.timeline([tmp_path / "newsroom-2000-3.jsonl"], jobs=2)
    by_stage = {row["stage"]: row for row in rows}
    assert by_stage["index"]["tasks"] > 0 and by_stage["index"]["worker busy"] > 0
    # Signing starts while the documents are read (`SigningAsRead`), here with the last
    # batch: its one task starts as reading ends, in the read stage, the sign stage or
    # between the two.
    assert by_stage["read"]["tasks"] + by_stage["sign"]["tasks"] <= 1
    log = tmp_path / "tasks.jsonl"
    with timeline.timed_tasks(log):
        dedupe.scan([tmp_path / "newsroom-2000-3.jsonl"], jobs=2)
    functions = [json.loads(line)[0] for line in log.read_text(encoding="utf-8").splitlines()]
    assert functions.count("_sign_read") == 1
    for row in rows:
        assert row["before"] + row["after"] <= row["wall"] + 0.01
        assert row["idle"] >= 0
    assert parallel._call is not timeline._timed_call  # put back after the scan
