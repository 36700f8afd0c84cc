"""The compiled alignment finds exactly the passages of the reference `align`, on real text."""

from __future__ import annotations

import dataclasses
import itertools
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import align_compiled
from dedupe.align import AlignParams, GramIndex, Passage, align
from dedupe.align_compiled import align_many, sorted_grams
from dedupe.text import ngram_hashes, tokenize


def every_field(passages: list[Passage]) -> list[tuple[Any, ...]]:
    # Passage equality leaves out the character spans and bridged quotes: compare them too.
    return [dataclasses.astuple(p) for p in passages]


def both_ways(
    texts: list[str], pairs: list[tuple[int, int]], params: AlignParams
) -> tuple[list[list[Passage]], list[list[Passage]]]:
    """Return the passages of each pair, compiled and by the reference."""
    tokens = [tokenize(text) for text in texts]
    grams = [ngram_hashes(t.hashes, params.seed_words) for t in tokens]
    compiled = align_many(np.array(pairs, dtype=np.int64).reshape(-1, 2), tokens, params)
    indexed = [GramIndex.of(g) for g in grams]
    reference = [align(tokens[a], tokens[b], grams[a], indexed[b], params) for a, b in pairs]
    return compiled, reference


def assert_same(compiled: list[list[Passage]], reference: list[list[Passage]]) -> None:
    assert len(compiled) == len(reference)
    for fast, slow in zip(compiled, reference, strict=True):
        assert every_field(fast) == every_field(slow)


def texts_of(folder: Path, pattern: str) -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.glob(pattern))
    }


def test_seed_articles_every_pair_both_ways(seeds_dir: Path) -> None:
    texts = list(texts_of(seeds_dir, "*.txt").values())
    pairs = list(itertools.permutations(range(len(texts)), 2))
    compiled, reference = both_ways(texts, pairs, AlignParams(min_words=10))
    assert sum(map(len, reference)) > 5
    assert_same(compiled, reference)


def test_clough_answers_against_their_originals(clough_dir: Path) -> None:
    texts = texts_of(clough_dir, "*.txt")
    names = list(texts)
    pairs = [
        (names.index(name), names.index(f"orig_{name.split('_')[1]}"))
        for name in names
        if not name.startswith("orig_")
    ]
    compiled, reference = both_ways(list(texts.values()), pairs, AlignParams(min_words=10))
    assert sum(map(len, reference)) > 50
    assert_same(compiled, reference)


def test_pan_suspicious_documents_against_their_sources(pan_dir: Path) -> None:
    listed = (pan_dir / "02-no-obfuscation" / "pairs").read_text().split("\n")
    chosen = [line.split() for line in listed if line.strip()][:60]
    texts: list[str] = []
    pairs = []
    for suspicious, source in chosen:
        texts.append((pan_dir / "susp" / suspicious).read_text(encoding="utf-8", errors="replace"))
        texts.append((pan_dir / "src" / source).read_text(encoding="utf-8", errors="replace"))
        pairs.append((len(texts) - 2, len(texts) - 1))
    compiled, reference = both_ways(texts, pairs, AlignParams(min_words=10))
    assert sum(map(len, reference)) > 30
    assert_same(compiled, reference)


def test_no_pairs_and_empty_documents() -> None:
    assert align_many(np.empty((0, 2), dtype=np.int64), [], AlignParams()) == []
    compiled, reference = both_ways(
        ["", "a b c d e f g h i j k", ""], [(0, 1), (1, 2)], AlignParams()
    )
    assert compiled == reference == [[], []]


SENTENCES = [
    "The council voted on Tuesday to approve the budget for road repairs.",
    "“We will not back down,” the mayor told reporters outside city hall.",
    "Police arrested three men after a chase through the harbour district.",
    '"This is a historic day," the minister said in a statement on Monday.',
    "Negotiators met behind closed doors in Geneva for nearly nine hours.",
    "The hospital said two of the injured remained in a critical condition.",
    "Analysts expect the bank to raise borrowing costs again before summer.",
    "A spokesperson for the ministry declined to comment on the documents.",
    # Paragraphs of a word or two: where paragraph-break trimming and extension decide.
    "Updated.",
    "He said no.",
    "The council",
]


@st.composite
def copied_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Return two texts: paragraphs of news sentences, b copying parts of a with edits."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    a_sentences = [rng.choice(SENTENCES) for _ in range(rng.randint(1, 10))]
    b_sentences = []
    for sentence in a_sentences:
        if rng.random() < 0.7:
            words = sentence.split()
            for _ in range(rng.randint(0, 2)):
                words[rng.randrange(len(words))] = rng.choice(["new", "old", "said", "the"])
            b_sentences.append(" ".join(words))
        if rng.random() < 0.3:
            b_sentences.append(rng.choice(SENTENCES))
    return paragraphs(a_sentences, rng), paragraphs(b_sentences, rng)


def paragraphs(sentences: list[str], rng: random.Random) -> str:
    text = ""
    for sentence in sentences:
        text += rng.choice([" ", "\n\n"]) + sentence if text else sentence
    return text


@settings(max_examples=300, deadline=None)
@given(
    copied_pairs(),
    st.integers(2, 6),
    st.integers(0, 10),
    st.integers(1, 20),
    st.sampled_from([0.3, 0.5, 0.9]),
    st.integers(1, 20),
    st.integers(1, 3),
    st.integers(0, 3),
    st.integers(1, 4),
)
def test_compiled_equals_reference_on_edited_copies(
    texts: tuple[str, str],
    seed_words: int,
    max_gap: int,
    min_words: int,
    min_density: float,
    quote_context: int,
    max_seed_repeats: int,
    max_edits: int,
    resume_words: int,
) -> None:
    params = AlignParams(
        seed_words=seed_words,
        max_gap=max_gap,
        min_words=min_words,
        min_density=min_density,
        quote_context=quote_context,
        max_seed_repeats=max_seed_repeats,
        max_edits=max_edits,
        resume_words=resume_words,
    )
    compiled, reference = both_ways(list(texts), [(0, 1), (1, 0), (0, 0)], params)
    assert_same(compiled, reference)


@pytest.mark.parametrize("repeat", [1, 3])
def test_a_text_standing_twice_aligns_once_per_stretch(repeat: int) -> None:
    story = " ".join(SENTENCES[:4])
    texts = [story, "\n\n".join([story] * repeat)]
    compiled, reference = both_ways(texts, [(0, 1), (1, 0)], AlignParams())
    assert_same(compiled, reference)
    words = len(tokenize(story))
    # The story's words are each covered once (the quote in it is a passage of its own).
    assert sum(p.a_end - p.a_start for p in compiled[0]) == words


# n-gram values that often share their top bits but not the rest, so that documents come
# out of the packed sort out of order and are sorted again.
GRAM_VALUES = st.one_of(
    st.integers(0, 2**64 - 1),
    st.integers(0, 7).map(lambda low: (0xDEADBEEF << 32) | low),
    st.integers(0, 3).map(lambda top: top << 62),
)


@settings(max_examples=300, deadline=None)
@given(documents=st.lists(st.lists(GRAM_VALUES, max_size=12), max_size=8))
def test_sorted_grams_sort_each_document_and_place_each_gram(documents: list[list[int]]) -> None:
    grams = np.array([value for doc in documents for value in doc], dtype=np.uint64)
    offsets = np.concatenate(([0], np.cumsum([len(doc) for doc in documents]))).astype(np.int64)
    ordered, order = sorted_grams(grams, offsets)
    for doc, values in enumerate(documents):
        lo, hi = offsets[doc], offsets[doc + 1]
        assert ordered[lo:hi].tolist() == sorted(values)
        assert sorted(order[lo:hi].tolist()) == list(range(len(values)))
        assert ordered[lo:hi].tolist() == [values[k] for k in order[lo:hi].tolist()]


def test_sorted_grams_of_too_many_documents_sort_each_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # With no room left for the values' top bits, each document is sorted on its own.
    monkeypatch.setattr(align_compiled, "_MIN_VALUE_BITS", 64)
    grams = np.array([5, 3, 3, 9, 2**64 - 1, 0, 7], dtype=np.uint64)
    offsets = np.array([0, 3, 3, 4, 7], dtype=np.int64)
    ordered, order = sorted_grams(grams, offsets)
    assert ordered.tolist() == [3, 3, 5, 9, 0, 7, 2**64 - 1]
    assert order[[0, 1]].tolist() in ([1, 2], [2, 1])
    assert order[2:].tolist() == [0, 0, 1, 2, 0]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(0, 3), min_size=width, max_size=width), max_size=70
        )
    )
)
def test_stable_order_is_lexsort_with_ties_in_input_order(rows: list[list[int]]) -> None:
    # Few rows are ordered by insertion, more by a stable sort a column: the same order.
    keys = np.array(rows, dtype=np.int64).reshape(len(rows), -1 if rows else 1)
    expected = np.lexsort(keys.T[::-1]) if len(rows) else np.empty(0, dtype=np.int64)
    assert np.array_equal(align_compiled._stable_order(keys), expected)
