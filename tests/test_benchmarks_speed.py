"""The speed benchmark still runs end to end (on a tiny corpus: its figures mean nothing here)."""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest

from benchmarks import speed


def test_speed_benchmark_runs_and_writes_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speed.main(["120", "--jobs", "2", "--baseline-articles", "15", "--out", str(tmp_path)])
    figures = json.loads((tmp_path / "speed.json").read_text("utf-8"))
    assert [row[0] for row in figures["stages"]] == [
        "read", "sign", "index", "align", "families", "report"
    ]  # fmt: skip
    assert figures["articles"] == 120
    assert figures["end_to_end_articles_per_s"] > 0
    assert figures["peak_rss_mb"] > 0
    assert figures["peak_pss_mb_all_processes"] > 0
    rates = figures["signing_articles_per_s"]
    assert rates["dedupe"] > 0 and rates["datasketch hand-written"] > 0
    assert figures["counts"]["verified document pairs"] > 0
    if importlib.util.find_spec("rensa") is None:
        assert figures["rensa_document_pipeline_seconds"] is None
    else:
        assert figures["rensa_document_pipeline_seconds"] > 0
        assert figures["end_to_end_vs_rensa_document_pipeline"] > 0
    report = json.loads((tmp_path / "newsroom-120-3.report.json").read_text("utf-8"))
    assert len(report["documents"]) == 120
    assert "end_to_end_vs_handwritten" in capsys.readouterr().out


def test_accented_corpus_spells_the_same_words_alike_in_every_article(tmp_path: Path) -> None:
    path = speed.corpus(60, 3, tmp_path)
    variant = speed.accented_corpus(path)
    plain = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    rewritten = [json.loads(line) for line in variant.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rewritten] == [r["id"] for r in plain]
    spelt: dict[str, str] = {}
    for before, after in zip(plain, rewritten, strict=True):
        words, changed = before["text"].split(), after["text"].split()
        assert len(words) == len(changed)
        for word, new in zip(words, changed, strict=True):
            assert spelt.setdefault(word, new) == new  # one spelling a word, corpus-wide
    accented = {word for word, new in spelt.items() if new != word}
    assert 0.05 < len(accented) / len(spelt) < 0.15
    assert sum(not r["text"].isascii() for r in rewritten) > 0.9 * len(rewritten)


@pytest.mark.parametrize(("cost", "interval", "gap"), [(0.001, 0.2, 0.2), (0.05, 0.2, 2.5)])
def test_the_memory_sampler_waits_long_enough_to_take_little_of_a_core(
    monkeypatch: pytest.MonkeyPatch, cost: float, interval: float, gap: float
) -> None:
    clock = [0.0]
    samples: list[float] = []

    def sample(pid: int) -> float:
        samples.append(clock[0])
        clock[0] += cost
        return 100.0 + len(samples)

    monkeypatch.setattr(speed, "tree_pss_mb", sample)
    monkeypatch.setattr(speed.time, "perf_counter", lambda: clock[0])
    sampler = speed.PssSampler(1, interval)
    while clock[0] < 10:
        sampler.poll()
        clock[0] += speed.POLL_SECONDS
    assert sampler.peak == 100.0 + len(samples)
    # After the first samples, which come sooner (see the test below).
    gaps = [b - a for a, b in itertools.pairwise(samples)][2:]
    assert all(gap - 1e-9 <= found <= gap + speed.POLL_SECONDS + cost + 1e-9 for found in gaps)
    assert cost * len(samples) <= speed.SAMPLER_SHARE * 10 + cost


def test_the_memory_sampler_samples_a_run_shorter_than_its_interval_more_than_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [0.0]
    readings = iter([0.1, 250.0, 300.0, 310.0])  # a process in exec, then the scan
    taken: list[float] = []

    def sample(pid: int) -> float:
        taken.append(round(clock[0], 9))
        return next(readings)

    monkeypatch.setattr(speed, "tree_pss_mb", sample)
    monkeypatch.setattr(speed.time, "perf_counter", lambda: clock[0])
    sampler = speed.PssSampler(1, 0.5)
    while clock[0] < 0.3:  # a run of 0.3 s: shorter than the interval
        sampler.poll()
        clock[0] += speed.POLL_SECONDS
    assert sampler.peak == 300.0
    assert taken == [0.0, 0.05, 0.15]
