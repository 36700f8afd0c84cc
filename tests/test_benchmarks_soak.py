"""The soak benchmark still holds on a few corpora: its checks must keep up with the tool."""

from __future__ import annotations

from benchmarks import soak


def test_a_short_soak_finds_no_failure() -> None:
    tally, _ = soak.run(scans=40, seed=12, processes=4, keep=None)
    assert tally.scans == 40
    assert tally.pieces["fatal: text under an unknown key"] > 0  # a fatal corpus was checked
    assert tally.found_records == tally.valid_records > 0
    assert dict(tally.failures) == {}
