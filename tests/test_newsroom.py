"""Tests for the synthetic newsroom corpus generator ``benchmarks.newsroom``."""

from __future__ import annotations

import difflib
import inspect
import itertools
import json
import statistics
from functools import cache

import pytest

from benchmarks.newsroom import EDIT_RATES, OUTLETS, WIRES, generate, main

CREDIT_MARKERS = ("(Reuters)", "(AP)", "(AFP)", "contributed to this report.")


@cache
def corpus(n: int, seed: int = 0, edit_rate: float | None = None) -> tuple[tuple[dict, dict], ...]:
    return tuple(generate(n, seed=seed, edit_rate=edit_rate))


def by_id(items) -> dict[str, dict]:
    return {a["id"]: a for a, _ in items}


def words(text: str) -> list[str]:
    return [w.strip(",.:;“”") for w in text.split()]


@pytest.mark.parametrize("n", [0, 1, 10, 37, 500])
def test_exact_count_and_unique_ids(n):
    items = corpus(n)
    assert len(items) == n
    ids = [a["id"] for a, _ in items]
    assert len(set(ids)) == n
    assert all(a["id"] == t["id"] for a, t in items)


def test_same_seed_same_output_different_seed_differs():
    assert list(generate(300, seed=5)) == list(generate(300, seed=5))
    texts_a = [a["text"] for a, _ in generate(50, seed=5)]
    texts_b = [a["text"] for a, _ in generate(50, seed=6)]
    assert texts_a != texts_b
    assert not set(texts_a) & set(texts_b)


def test_cli_byte_identical(tmp_path):
    paths = []
    for run in range(2):
        out, truth = tmp_path / f"c{run}.jsonl", tmp_path / f"t{run}.jsonl"
        assert main(["120", "--seed", "3", "--out", str(out), "--truth", str(truth)]) == 0
        paths.append((out.read_bytes(), truth.read_bytes()))
    assert paths[0] == paths[1]
    lines = paths[0][0].decode("utf-8").splitlines()
    assert len(lines) == 120
    assert [json.loads(line) for line in lines] == [a for a, _ in corpus(120, 3)]
    truths = [json.loads(line) for line in paths[0][1].decode("utf-8").splitlines()]
    assert truths == [json.loads(json.dumps(t)) for _, t in corpus(120, 3)]


def test_article_and_truth_fields():
    for article, truth in corpus(500):
        assert set(article) <= {"id", "text", "outlet", "published"}
        assert {"id", "text", "outlet"} <= set(article)
        assert article["outlet"] in OUTLETS or article["outlet"] in WIRES
        if "published" in article:
            assert len(article["published"]) == 20 and article["published"].endswith("Z")
        assert truth["words"] == len(article["text"].split())
        kind = truth["kind"]
        if kind in ("wire", "original"):
            assert truth["reused_spans"] == []
            assert truth["original_source"] is None and truth["credited"] is None
            assert truth["edit_rate"] == 0.0
        else:
            assert truth["reused_spans"]
            assert truth["original_source"] in WIRES
            assert isinstance(truth["credited"], bool)
            assert truth["edit_rate"] in EDIT_RATES
            assert article["outlet"] in OUTLETS


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spans_in_bounds_word_aligned_sorted_disjoint(seed):
    for article, truth in corpus(400, seed):
        text = article["text"]
        for key in ("reused_spans", "quoted_spans"):
            spans = truth[key]
            previous_end = 0
            for span in spans:
                start, end = span[0], span[1]
                assert previous_end <= start < end <= len(text)
                assert start == 0 or text[start - 1] in " \n"
                assert end == len(text) or text[end] in " \n"
                previous_end = end
        for start, end in truth["quoted_spans"]:
            assert text[start] == "“" and text[end - 1] == "”"
            assert text[start + 1 : end - 1].count("“") == 0


def test_unedited_copies_verbatim_in_source():
    items = corpus(800, 4, 0.0)
    texts = by_id(items)
    checked = 0
    for article, truth in items:
        for start, end, story, source in truth["reused_spans"]:
            assert story.startswith("s")
            if source is None:
                continue
            assert source in texts, "a copy's source must be in the corpus"
            assert article["text"][start:end] in texts[source]["text"]
            checked += 1
    assert checked > 500


def test_edited_copies_match_source_modulo_edits():
    items = corpus(1500, 5)
    texts = by_id(items)
    n_checked = 0
    for article, truth in items:
        rate = truth["edit_rate"]
        for start, end, _, source in truth["reused_spans"]:
            if source is None:
                continue
            span = words(article["text"][start:end])
            src = words(texts[source]["text"])
            matcher = difflib.SequenceMatcher(None, span, src, autojunk=False)
            matched = sum(block.size for block in matcher.get_matching_blocks())
            # at most about rate·len substituted or inserted words (plus binomial slack)
            assert len(span) - matched <= 2 * rate * len(span) + 3, (rate, matched, len(span))
            if rate == 0:
                assert matched == len(span)
            n_checked += 1
    assert n_checked > 1000


def test_edits_happen_at_about_the_requested_rate():
    items = corpus(600, 6, 0.10)
    texts = by_id(items)
    changed = total = 0
    for article, truth in items:
        if truth["kind"] == "wire":
            continue
        assert truth["edit_rate"] in (0.0, 0.10)
        for start, end, _, source in truth["reused_spans"]:
            if source is None:
                continue
            span = words(article["text"][start:end])
            matcher = difflib.SequenceMatcher(
                None, span, words(texts[source]["text"]), autojunk=False
            )
            matched = sum(block.size for block in matcher.get_matching_blocks())
            changed += len(span) - matched
            total += len(span)
    # substitutions and insertions (2/3 of the edits) leave unmatched words in the copy
    assert 0.05 < changed / total < 0.09


def test_copied_words_not_in_credit_and_credit_matches_flag():
    for article, truth in corpus(1500, 7):
        if truth["kind"] not in ("republication", "rerepublication"):
            continue
        text = article["text"]
        outside = list(text)
        for start, end, _, _ in truth["reused_spans"]:
            outside[start:end] = " " * (end - start)
        outside_text = "".join(outside)
        has_credit = any(marker in outside_text for marker in CREDIT_MARKERS)
        assert has_credit == truth["credited"]
        for start, end, _, _ in truth["reused_spans"]:
            assert not any(marker in text[start:end] for marker in CREDIT_MARKERS)


def test_corpus_has_every_phenomenon():
    items = corpus(3000, 8)
    ids = by_id(items)
    kinds = {t["kind"] for _, t in items}
    assert kinds == {"wire", "republication", "rerepublication", "original"}
    sources = [span[3] for _, t in items for span in t["reused_spans"]]
    assert None in sources, "some stories' wire original is left out of the corpus"
    rerep_sources = {
        span[3] for _, t in items if t["kind"] == "rerepublication" for span in t["reused_spans"]
    }
    assert rerep_sources and all(ids[s]["outlet"] in OUTLETS for s in rerep_sources)
    for article, truth in items:
        if truth["kind"] == "rerepublication":
            assert all(
                ids[span[3]]["outlet"] != article["outlet"] for span in truth["reused_spans"]
            )
    assert {t["edit_rate"] for _, t in items if t["kind"] == "republication"} == set(EDIT_RATES)
    credited = [t["credited"] for _, t in items if t["credited"] is not None]
    assert 0.3 < sum(credited) / len(credited) < 0.8
    undated = sum("published" not in a for a, _ in items)
    assert 0 < undated < len(items) / 4
    texts = [a["text"] for a, _ in items]
    for marker in CREDIT_MARKERS:
        assert any(marker in text for text in texts)
    # copies usually published after their wire
    wire_time = {t["story_id"]: a["published"] for a, t in items if t["kind"] == "wire"}
    later = [
        a["published"] > wire_time[t["story_id"]]
        for a, t in items
        if t["kind"] == "republication" and "published" in a and t["story_id"] in wire_time
    ]
    assert 0.8 < sum(later) / len(later) < 1.0
    # fraction of paragraphs copied varies from little to everything
    fractions = []
    for a, t in items:
        if t["kind"] == "republication":
            copied = sum(end - start for start, end, _, _ in t["reused_spans"])
            fractions.append(copied / len(a["text"]))
    assert min(fractions) < 0.2 and max(fractions) > 0.95


def test_quote_reuse_in_unrelated_originals():
    items = corpus(2000, 9)
    quotes: dict[str, set[tuple[str, ...]]] = {}
    for article, truth in items:
        for start, end in truth["quoted_spans"]:
            quotes.setdefault(truth["story_id"], set()).add(
                tuple(words(article["text"][start:end]))
            )
    reusers = [
        (a, t) for a, t in items if t["kind"] == "original" and t["quoted_spans"] and t["story_id"]
    ]
    assert len(reusers) > 20
    for story, qs in quotes.items():
        assert story is not None
        assert len(qs) == 1, "every article quotes a story's statement with the same words"


@pytest.mark.parametrize("wpa", [600, 300])
def test_article_length_and_paragraphs(wpa):
    own = [
        (a, t)
        for a, t in generate(600, seed=10, words_per_article=wpa)
        if t["kind"] in ("wire", "original")
    ]
    mean_words = statistics.mean(t["words"] for _, t in own)
    mean_paras = statistics.mean(a["text"].count("\n\n") + 1 for a, _ in own)
    assert 0.9 * wpa < mean_words < 1.15 * wpa
    per_600 = mean_paras * 600 / mean_words
    assert 10.5 < per_600 < 13.5
    sentence_lengths = [
        len(s.split())
        for a, t in own[:50]
        if t["kind"] == "original" and not t["quoted_spans"]
        for s in a["text"].replace("\n\n", " ").split(". ")
    ]
    assert statistics.mean(sentence_lengths) == pytest.approx(19.5, abs=2.5)


def test_unrelated_articles_share_only_short_phrases():
    def shingles(text: str, k: int) -> set[tuple[str, ...]]:
        ws = [w.lower() for w in words(text)]
        return {tuple(ws[i : i + k]) for i in range(len(ws) - k + 1)}

    own = [
        (t["story_id"], shingles(a["text"], 3), shingles(a["text"], 8))
        for a, t in corpus(1500, 11)
        if t["kind"] in ("wire", "original")
    ][:150]
    shared3 = shared8 = pairs = 0
    for (story1, tri1, oct1), (story2, tri2, oct2) in itertools.combinations(own, 2):
        if story1 is not None and story1 == story2:
            continue
        pairs += 1
        shared3 += bool(tri1 & tri2)
        shared8 += bool(oct1 & oct2)
    assert shared8 == 0
    assert shared3 > pairs // 10  # common short phrases do occur


def test_streaming_is_lazy():
    # A generator: a million articles are never built before the first is read.
    stream = generate(1_000_000, seed=12)
    assert inspect.isgenerator(stream)
    first = [next(stream) for _ in range(50)]
    assert len({a["id"] for a, _ in first}) == 50


def test_generates_2000_articles():
    # Its speed is the speed benchmark's business, not a timed test's.
    assert sum(1 for _ in generate(2000, seed=13)) == 2000


def test_bad_arguments():
    with pytest.raises(ValueError):
        next(generate(-1))
    with pytest.raises(ValueError):
        next(generate(10, edit_rate=1.5))
    with pytest.raises(ValueError):
        next(generate(10, words_per_article=0))
