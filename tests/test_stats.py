"""Stage timing for --stats."""

from __future__ import annotations

import time

import pytest

from dedupe.stats import Stats


def test_stages_are_timed_in_order_and_add_up() -> None:
    stats = Stats()
    for _ in range(2):
        with stats.stage("sign", "paragraphs") as timing:
            time.sleep(0.01)
            timing.items += 5
    with stats.stage("index"):
        pass
    rows = stats.rows()
    assert [r[0] for r in rows] == ["sign", "index"]
    assert rows[0][1] >= 0.02 and rows[0][2] == 10 and rows[0][4] > 0
    assert stats.total_seconds == pytest.approx(sum(r[1] for r in rows))


def test_a_failing_stage_is_still_timed() -> None:
    stats = Stats()
    with pytest.raises(RuntimeError), stats.stage("align"):
        raise RuntimeError
    assert "align" in stats.stages


def test_counts_accumulate() -> None:
    stats = Stats()
    stats.count("pairs", 3)
    stats.count("pairs", 4)
    assert stats.counts == {"pairs": 7}
