"""The issue #17 benchmarks measure what they say: planted copies at their offsets, OCR noise
at its rate, exact runs counted independently."""

from __future__ import annotations

import numpy as np

from benchmarks import exact_runs, ocr, planted


def test_planted_copies_lie_at_their_offsets_and_are_the_same_text() -> None:
    corpus = planted.generate(articles=60, passages=20, seed=3, wide=(30,))
    texts: dict[int, set[str]] = {}
    for doc_id, passage, start, end in corpus.copies:
        texts.setdefault(passage, set()).add(corpus.texts[doc_id][start:end])
    assert all(len(found) == 1 for found in texts.values())
    assert sum(1 for copy in corpus.copies if copy[1] == 0) == 30
    words = [len(next(iter(found)).split()) for found in texts.values()]
    assert min(words) >= 10


def test_planted_benchmark_scores_a_small_corpus() -> None:
    figures = planted.evaluate(articles=80, passages=20, seed=4, wide=(30,), jobs=1)
    assert figures["recall"] == 1.0
    assert figures["false_pairs"] == 0
    assert figures["exact_passages"] == 1.0


def test_ocr_noise_changes_about_its_rate_of_characters() -> None:
    rng = np.random.default_rng(1)
    text = "the quick brown fox jumps over the lazy dog " * 400
    changed = ocr.noisy(text, 0.03, rng)
    same = sum(1 for a, b in zip(text, changed, strict=False) if a == b)
    assert changed != text
    # Insertions and deletions shift what follows: compare lengths and a prefix.
    assert abs(len(changed) - len(text)) < 0.03 * len(text)
    assert same > 0
    laid = ocr.set_in_lines(text, rng)
    assert max(len(line) for line in laid.splitlines()) <= 60
    assert "-\n" in laid or all(len(w) < 6 for w in text.split())


def test_exact_runs_counts_pairs_sharing_a_run() -> None:
    shared = "one two three four five six seven eight nine ten eleven twelve"
    texts = [f"alpha {shared} beta", f"gamma {shared} delta", "nothing in common here at all"]
    found = exact_runs.run_pairs(texts, 12)
    assert set(found) == {(0, 1)}
    assert found[(0, 1)][2] == 12
    assert exact_runs.words("offi-\ncielles U.S.") == ["officielles", "us"]
