"""The filter benchmark's corpus tells the truth, and its evaluation counts what it says."""

from __future__ import annotations

import difflib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks import filter as fb


@pytest.fixture(scope="module")
def corpus() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return list(fb.generate(900, seed=5))


@pytest.fixture(scope="module")
def truth(corpus: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for _, t in corpus}


@pytest.fixture(scope="module")
def inputs(corpus: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r, _ in corpus}


def test_every_role_is_there_and_stories_are_consistent(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    assert len(corpus) == 900
    roles = Counter(t["role"] for _, t in corpus)
    assert set(roles) == set(fb.ROLES)
    assert roles["copy"] > roles["wire_original"] > 0
    assert len({r["id"] for r, _ in corpus}) == 900
    for record, facts in corpus:
        assert record["id"] == facts["id"]
        assert (facts["story"] is None) == (facts["role"] == "independent")
        assert set(record) == {"id", "title", "text", "source", "published", "url", "meta"}
    stories: dict[str, Counter[str]] = defaultdict(Counter)
    for _, facts in corpus:
        if facts["story"]:
            stories[facts["story"]][facts["role"]] += 1
    assert all(c["wire_original"] <= 1 for c in stories.values())
    with_wire = sum(c["wire_original"] == 1 for c in stories.values())
    assert 0 < with_wire < len(stories)  # some stories have no wire article in the corpus


def test_records_come_in_crawl_order_and_copies_after_the_wire(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    fetched = [r["meta"]["crawl"]["fetched"] for r, _ in corpus]
    assert fetched == sorted(fetched)
    wire_time = {t["story"]: r["published"] for r, t in corpus if t["role"] == "wire_original"}
    later = [
        r["published"] > wire_time[t["story"]]
        for r, t in corpus
        if t["role"] in ("copy", "partial") and t["story"] in wire_time
    ]
    assert later and all(later)


def test_extra_fields_are_there_to_pass_through(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    record = corpus[0][0]
    assert "“" in record["title"] and "—" in record["title"]
    assert record["url"].startswith("https://") and record["id"] in record["url"]
    assert record["meta"]["crawl"]["etag"] is None
    assert record["meta"]["words"] == len(record["text"].split())
    assert "\n\n" in record["text"]


def test_the_same_seed_gives_the_same_corpus() -> None:
    first = list(fb.generate(150, seed=9))
    assert first == list(fb.generate(150, seed=9))
    assert first != list(fb.generate(150, seed=10))
    assert list(fb.generate(0)) == []


def _wire_words_kept(wire: str, other: str) -> float:
    """Share of the wire's words that `other` carries in the same order (difflib)."""
    a, b = wire.split(), other.split()
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(a)


def test_copies_are_copies_at_their_stated_edit_rate(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    wires = {t["story"]: r["text"] for r, t in corpus if t["role"] == "wire_original"}
    by_rate: dict[float, list[float]] = defaultdict(list)
    for record, facts in corpus:
        if facts["role"] != "copy" or facts["story"] not in wires:
            continue
        assert facts["edit_rate"] in fb.COPY_EDIT_RATES
        assert facts["wire_share"] >= 0.9
        wire = wires[facts["story"]]
        if facts["edit_rate"] == 0:
            assert all(p in record["text"] for p in wire.split("\n\n"))
        by_rate[facts["edit_rate"]].append(_wire_words_kept(wire, record["text"]))
    assert set(by_rate) == set(fb.COPY_EDIT_RATES)
    for rate, shares in by_rate.items():
        mean = sum(shares) / len(shares)
        # a substitution or deletion loses the wire's word, an insertion keeps it: 2/3 of
        # the edits lose one (fewer: a deletion can't take a word carrying punctuation)
        assert 1 - rate * 0.8 <= mean <= 1 - rate * 0.4 + 0.001, (rate, mean)
        assert min(shares) >= 1 - 2 * rate - 0.001


def test_partial_reuse_takes_about_half_of_the_story(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    wires = {t["story"]: r["text"] for r, t in corpus if t["role"] == "wire_original"}
    partial = [(r, t) for r, t in corpus if t["role"] == "partial"]
    assert partial
    for record, facts in partial:
        assert 0.35 <= facts["wire_share"] <= 0.6
        if facts["story"] in wires:
            assert 0.25 <= _wire_words_kept(wires[facts["story"]], record["text"]) <= 0.75
    independent = [t for _, t in corpus if t["role"] == "independent"]
    assert all(t["wire_share"] == 0 for t in independent)


# --- evaluation on hand-made kept sets ------------------------------------------------------

TRUTH = {
    "w1": {"story": "s1", "role": "wire_original"},
    "c1a": {"story": "s1", "role": "copy"},
    "c1b": {"story": "s1", "role": "copy"},
    "c2a": {"story": "s2", "role": "copy"},  # s2: no wire article
    "c2b": {"story": "s2", "role": "copy"},
    "p1": {"story": "s1", "role": "partial"},
    "i1": {"story": None, "role": "independent"},
}


def test_keeping_everything_drops_nothing() -> None:
    figures = fb.evaluate(TRUTH, TRUTH)
    assert figures["dropped_recall"] == 0
    assert figures["dropped_precision"] is None
    assert figures["should_drop"] == 3
    assert figures["stories_one_kept"] == 0 and figures["stories_several_kept"] == 2
    assert figures["wire_original_kept"] == 1


def test_keeping_exactly_the_truth_scores_one() -> None:
    for kept in ({"w1", "c2b", "p1", "i1"}, {"c1a", "c2a", "p1", "i1"}):
        figures = fb.evaluate(TRUTH, kept)
        assert figures["dropped_precision"] == figures["dropped_recall"] == 1
        assert figures["stories_one_kept"] == 1
        assert figures["partial_dropped"] == figures["independent_dropped"] == 0
    assert fb.evaluate(TRUTH, {"w1", "c2b", "p1", "i1"})["wire_original_kept"] == 1
    assert fb.evaluate(TRUTH, {"c1a", "c2a", "p1", "i1"})["wire_original_kept"] == 0


def test_wrong_drops_count_against_precision() -> None:
    figures = fb.evaluate(TRUTH, {"w1", "c1a"})  # s2 lost whole, partial and independent dropped
    assert figures["dropped"] == 5
    assert figures["dropped_correct"] == 1  # c1b: s1 keeps another member
    assert figures["dropped_precision"] == pytest.approx(1 / 5)
    assert figures["dropped_recall"] == pytest.approx(1 / 3)
    assert figures["stories_none_kept"] == 1 and figures["stories_several_kept"] == 1
    assert figures["partial_dropped"] == 1 and figures["independent_dropped"] == 1
    assert fb.evaluate(TRUTH, {"w1", "nope"})["unknown_kept_ids"] == 1


def test_the_ideal_kept_set_of_a_generated_corpus_is_perfect(
    truth: dict[str, dict[str, Any]], inputs: dict[str, dict[str, Any]]
) -> None:
    kept = fb.ideal_kept(truth, inputs)
    figures = fb.evaluate(truth, kept)
    assert figures["dropped_precision"] == figures["dropped_recall"] == 1
    assert figures["stories_one_kept"] == figures["wire_original_kept"] == 1


def test_passthrough_finds_changed_added_and_unknown_fields() -> None:
    inputs = {"a": {"id": "a", "n": 1, "meta": {"x": None}}, "b": {"id": "b", "t": "x"}}
    outputs = [
        {"id": "a", "n": 1, "meta": {"x": None}, "dedupe_family": 3},
        {"id": "b", "t": "y"},
        {"id": "b"},
        {"id": "zz"},
    ]
    found = fb.passthrough(inputs, outputs)
    assert found["unchanged"] == 1 and found["changed"] == 2
    assert found["changed_fields"] == {"t": 2}
    assert found["added_fields"] == ["dedupe_family"]
    assert found["unknown_ids"] == 1 and found["repeated_ids"] == 1


# --- runners ----------------------------------------------------------------------------------


def test_document_level_pipelines_drop_a_verbatim_copy(
    corpus: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    wire = next(r for r, t in corpus if t["role"] == "wire_original")
    other = next(r for r, t in corpus if t["role"] == "independent")
    copy = {**wire, "id": "copy", "published": "2099-01-01T00:00:00Z"}
    records = [copy, wire, other]
    assert fb.datasketch_kept(records, 0.8) == [1, 2]
    pytest.importorskip("rensa")
    assert fb.rensa_kept(records, 0.8) == [1, 2]


def test_run_child_times_a_process(tmp_path: Path) -> None:
    run = fb.run_child([sys.executable, "-c", "print('hi')"], tmp_path / "log")
    assert run["returncode"] == 0 and run["seconds"] > 0 and run["peak_rss_mb"] > 0
    assert (tmp_path / "log").read_text().strip() == "hi"
    assert (
        fb.run_child([sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "x")["returncode"]
        == 3
    )


def test_the_benchmark_runs_end_to_end_on_a_small_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--records", "200", "--peers", "--only", "datasketch", "--threshold", "0.8"]
    fb.main([*args, "--out", str(tmp_path)])
    figures = json.loads((tmp_path / "filter.json").read_text("utf-8"))
    tools = [r["tool"] for r in figures["results"]]
    assert tools == ["truth (ideal)", "datasketch 0.8"]
    ideal, datasketch = figures["results"]
    assert ideal["dropped_recall"] == 1
    assert datasketch["passthrough"]["changed"] == 0
    assert datasketch["kept"] + datasketch["dropped"] == 200
    assert "drop precision" in capsys.readouterr().out


_FAKE_FILTER = """
import json, sys
args = sys.argv[1:]
if args == ["filter", "--help"]:
    raise SystemExit(0)
source, target, annotate = args[1], args[3], "--annotate" in args
with open(source) as src, open(target, "w") as out:
    for n, line in enumerate(src):
        record = json.loads(line)
        if annotate:
            record["dedupe_duplicate_of"] = None if n % 2 == 0 else "x"
            out.write(json.dumps(record) + "\\n")
        elif n % 2 == 0:
            out.write(json.dumps(record) + "\\n")
"""


def test_dedupe_runs_are_scored_from_their_output(tmp_path: Path) -> None:
    path, truth_path = fb.write_corpus(60, seed=4, out=tmp_path)
    truth = {t["id"]: t for t in fb.read_jsonl(truth_path)}
    inputs = {r["id"]: r for r in fb.read_jsonl(path)}
    command = [sys.executable, "-c", _FAKE_FILTER]
    plain = fb.score("dedupe", fb.run_dedupe(command, path, tmp_path, False), truth, inputs)
    annotated = fb.run_dedupe(command, path, tmp_path, True)
    both = fb.score("dedupe --annotate", annotated, truth, inputs)
    assert plain["kept"] == both["kept"] == 30 and both["annotated_records"] == 60
    assert plain["passthrough"]["unchanged"] == 30
    assert both["passthrough"]["added_fields"] == ["dedupe_duplicate_of"]
    checks = both["annotations"]
    assert checks["every_record_once"] and checks["records_missing_a_field"] == 60
    assert checks["duplicate_of_kept"] == checks["duplicate_of_same_story"] == 0  # "x"


def test_annotations_are_checked_against_the_truth() -> None:
    fields = dict.fromkeys(fb.ANNOTATION_FIELDS)
    pointing = {"c1a": "w1", "c1b": "c2a", "c2b": "c2a"}  # c1b names another story's record
    outputs = [{**fields, "id": i, "dedupe_duplicate_of": pointing.get(i)} for i in TRUTH]
    checks = fb.check_annotations(TRUTH, outputs)
    assert checks["every_record_once"] and checks["records_missing_a_field"] == 0
    assert checks["duplicate_of_kept"] == 1
    assert checks["duplicate_of_same_story"] == pytest.approx(2 / 3)
    assert not fb.check_annotations(TRUTH, outputs[1:])["every_record_once"]
