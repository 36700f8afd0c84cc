"""Unit tests for the quality benchmarks' own measures (AUC, word-level scores, floors, digest)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dedupe
from benchmarks import quality, seeds, synthetic
from benchmarks.clough import Answer, auc, summarize
from benchmarks.synthetic import covered, precision_recall, word_counts
from dedupe.text import tokenize

# --- AUC ------------------------------------------------------------------------------------


def brute_auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_perfect_inverted_and_tied() -> None:
    assert auc([3, 4, 5], [0, 1, 2]) == 1.0
    assert auc([0, 1], [2, 3, 4]) == 0.0
    assert auc([0, 0, 0], [0, 0]) == 0.5


def test_auc_counts_ties_half() -> None:
    # pairs: (1,2)=0 (1,0)=1 (2,2)=1/2 (2,0)=1 (2,2)=1/2 (2,0)=1 -> 4 of 6
    assert auc([1, 2, 2], [2, 0]) == pytest.approx(4 / 6)


def test_auc_matches_pairwise_count() -> None:
    rng = random.Random(3)
    for _ in range(200):
        pos = [rng.randint(0, 6) for _ in range(rng.randint(1, 12))]
        neg = [rng.randint(0, 6) for _ in range(rng.randint(1, 12))]
        assert auc(pos, neg) == pytest.approx(brute_auc(pos, neg))
        assert auc(pos, neg) + auc(neg, pos) == pytest.approx(1.0)


def test_auc_needs_both_classes() -> None:
    with pytest.raises(ValueError):
        auc([], [1.0])
    with pytest.raises(ValueError):
        auc([1.0], [])


# --- words inside spans, precision and recall -----------------------------------------------


def test_clough_summary_scores_similarity_apart_from_shared_words() -> None:
    # Heavy answers with nothing found as copied words but a high 3-gram containment: the
    # share ties them with the non answers, the similarity ranks them above.
    sources = [f"orig_task{t}" for t in "abcde"]

    def answer(name: str, category: str, share: float, similarity: float) -> Answer:
        others = dict.fromkeys(sources, 0.0)
        return Answer(
            name,
            "a",
            category,
            100,
            {**others, "orig_taska": share},
            {**others, "orig_taska": share},
            {**dict.fromkeys(sources, 1.0), "orig_taska": similarity},
        )

    answers = [
        answer("cut", "cut", 90.0, 95.0),
        answer("light", "light", 60.0, 50.0),
        answer("heavy1", "heavy", 0.0, 30.0),
        answer("heavy2", "heavy", 20.0, 25.0),
        answer("non1", "non", 0.0, 2.0),
        answer("non2", "non", 0.0, 5.0),
    ]
    figures = summarize(answers)
    assert figures["share"]["auc_heavy_vs_non"] == pytest.approx(0.75)
    assert figures["similarity"]["auc_heavy_vs_non"] == 1.0
    assert figures["similarity"]["auc_derived_vs_non"] == 1.0
    assert figures["attribution_accuracy"] == pytest.approx(3 / 4)
    assert figures["similarity_attribution_accuracy"] == 1.0


def test_covered_words() -> None:
    text = "alpha beta gamma delta epsilon"
    tokens = tokenize(text)  # alpha 0-5, beta 6-10, gamma 11-16, delta 17-22, epsilon 23-30
    mask = covered(tokens.starts, tokens.ends, [(6, 16)])
    assert mask.tolist() == [False, True, True, False, False]
    # a span cutting a word does not cover it; zero-length spans cover nothing
    assert covered(tokens.starts, tokens.ends, [(7, 16), (0, 0)]).tolist() == [
        False,
        False,
        True,
        False,
        False,
    ]
    # overlapping spans, in any order, act as their union
    mask = covered(tokens.starts, tokens.ends, [(19, 30), (11, 20)])
    assert mask.tolist() == [False, False, True, True, True]
    assert not covered(tokens.starts, tokens.ends, []).any()


def test_word_counts_and_precision_recall() -> None:
    truth = np.array([1, 1, 1, 0, 0, 1], dtype=bool)
    predicted = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    assert word_counts(truth, predicted) == (2, 1, 2)
    assert precision_recall(2, 1, 2) == pytest.approx((2 / 3, 2 / 4))
    # nothing predicted, nothing to find: both 1 by convention
    assert precision_recall(0, 0, 0) == (1.0, 1.0)
    assert precision_recall(0, 3, 0) == (0.0, 1.0)
    assert precision_recall(0, 0, 3) == (1.0, 0.0)


COPY = (
    "The regional council voted on Tuesday to close the old harbour bridge for repairs after"
    " engineers found cracks in two of its main supports during a routine inspection last month."
)
OWN = (
    "Shop owners on the quay said they feared losing customers over the summer and asked the"
    " council for help with business rates until the work is finished."
)


def test_word_level_scores_on_a_known_copy() -> None:
    wire_text = COPY + "\n\nTraffic will be diverted through the northern ring road for weeks."
    copy_text = OWN + "\n\n" + COPY
    start = copy_text.index(COPY)
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"id": "w", "text": wire_text, "outlet": "Reuters", "published": "2024-01-01"},
            {
                "id": "w",
                "reused_spans": [],
                "quoted_spans": [],
                "original_source": None,
                "credited": None,
                "edit_rate": 0.0,
                "words": 0,
                "story_id": "s1",
                "kind": "wire",
            },
        ),
        (
            {"id": "c", "text": copy_text, "outlet": "Metro Herald", "published": "2024-01-02"},
            {
                "id": "c",
                "reused_spans": [[start, start + len(COPY), "s1", "w"]],
                "quoted_spans": [],
                "original_source": "Reuters",
                "credited": False,
                "edit_rate": 0.0,
                "words": 0,
                "story_id": "s1",
                "kind": "republication",
            },
        ),
    ]
    results, _ = synthetic.evaluate_corpus(pairs)
    copy = next(r for r in results if r.id == "c")
    copied_words = len(tokenize(COPY))
    assert (copy.tp, copy.fp, copy.fn) == (copied_words, 0, 0)
    assert copy.observable == copied_words
    assert copy.decidable_by == "wire"
    assert copy.predicted_source == "Reuters"
    assert copy.true_percent == pytest.approx(100 * copied_words / len(tokenize(copy_text)))
    assert abs(copy.predicted_percent - copy.true_percent) < 0.01
    groups = synthetic.groups(results)
    assert [r.id for r in groups["overall"]] == ["c"]  # the wire article is not scored
    summary = synthetic.summarize(groups["overall"])
    assert summary["precision"] == summary["recall"] == summary["source_accuracy"] == 1.0


# --- floors, digest, seed expectations ------------------------------------------------------


def test_floor_and_ceiling_rounding() -> None:
    assert quality.floor_of(0.9931) == 0.98
    assert quality.floor_of(1.0) == 0.99
    assert quality.floor_of(0.97) == 0.96
    assert quality.ceiling_of(0.6836) == 0.70
    assert quality.ceiling_of(0.05) == 0.06


def test_corpora_digest_depends_on_paths_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    one, two = tmp_path / "a" / "one.txt", tmp_path / "two.txt"
    one.write_bytes(b"first")
    two.write_bytes(b"second")
    digest = quality.corpora_digest([one, two], tmp_path)
    assert digest == quality.corpora_digest([two, one], tmp_path)
    two.write_bytes(b"second!")
    assert quality.corpora_digest([one, two], tmp_path) != digest
    two.write_bytes(b"second")
    two.rename(tmp_path / "three.txt")
    assert quality.corpora_digest([one, tmp_path / "three.txt"], tmp_path) != digest


def test_seed_expectation_tolerances() -> None:
    near = seeds.Expectation("n", "f", "reused_percent", 43.0, "003", tolerance=10.0)
    assert seeds.holds(near, 36.05) and seeds.holds(near, 53.0)
    assert not seeds.holds(near, 32.9) and not seeds.holds(near, None)
    exact = seeds.Expectation("e", "f", "original_source", None, "000")
    assert seeds.holds(exact, None) and not seeds.holds(exact, "Reuters")


def test_pan_sample_is_deterministic_and_about_the_size_asked(pan_dir: Path) -> None:
    sample = quality.pan_sample(pan_dir, 60)
    assert sample == quality.pan_sample(pan_dir, 60)
    assert 55 <= len(sample) <= 70
    assert sample == sorted(sample)


def test_seed_counts_are_read_from_the_texts(seeds_dir: Path) -> None:
    checks = {e.name: e for e in seeds.expectations(seeds_dir)}
    assert checks["003 share from 001"].expected == pytest.approx(43.0, abs=0.05)
    report = dedupe.scan([seeds_dir])
    for e in checks.values():
        seeds.measure(e, report)  # every check is measurable
