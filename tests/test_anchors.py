"""Tests of the anchor index: every shared run of min_words words shares an anchor, buckets
pair as the LSH's do (stars past PAIRWISE_MAX), spilled parts equal the reference sets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.anchors import (
    PARTS,
    SpilledPostings,
    anchor_pairs,
    anchor_postings,
    anchor_postings_reference,
    anchor_size,
    owner_bits,
    reference_anchor_pairs,
)
from dedupe.index import PAIRWISE_MAX
from dedupe.text import tokenize

WORDS = st.lists(st.integers(0, 6), min_size=0, max_size=60)


def _hashes(values: list[int]) -> np.ndarray:
    # Small values, so that runs repeat; hashes as words would have them.
    return tokenize(" ".join(f"w{v}" for v in values)).hashes


@pytest.mark.parametrize(
    ("min_words", "expected"), [(10, (8, 3)), (8, (8, 1)), (6, (6, 1)), (14, (8, 7))]
)
def test_anchor_size(min_words: int, expected: tuple[int, int]) -> None:
    assert anchor_size(min_words) == expected


def _decoded(postings: np.ndarray, documents: int) -> list[set[int]]:
    """Return each document's anchors (high bits) from packed postings."""
    bits = owner_bits(documents)
    found: list[set[int]] = [set() for _ in range(documents)]
    for posting in postings.tolist():
        found[posting & ((1 << bits) - 1)].add(posting >> bits << bits)
    return found


def _masked(anchors: set[int], documents: int) -> set[int]:
    bits = owner_bits(documents)
    return {anchor >> bits << bits for anchor in anchors}


@settings(max_examples=200, deadline=None)
@given(documents=st.lists(WORDS, min_size=1, max_size=4), min_words=st.sampled_from([5, 8, 12]))
def test_anchor_postings_equal_the_reference(documents: list[list[int]], min_words: int) -> None:
    hashes = [_hashes(words) for words in documents]
    joined = np.concatenate(hashes)
    owners = np.repeat(np.arange(len(documents)), [len(h) for h in hashes])
    postings, sizes = anchor_postings(joined, owners, min_words, len(documents))
    assert sizes.sum() == len(postings) and len(sizes) == PARTS
    # Grouped by part: top bits never decrease.
    assert np.all(np.diff((postings >> np.uint64(64 - 6)).astype(np.int64)) >= 0)
    found = _decoded(postings, len(documents))
    for document, words in enumerate(hashes):
        expected = _masked(anchor_postings_reference(words, min_words), len(documents))
        assert found[document] == expected


@settings(max_examples=150, deadline=None)
@given(
    left=WORDS,
    right=WORDS,
    run=st.lists(st.integers(0, 1000), min_size=12, max_size=30),
    other_left=WORDS,
    other_right=WORDS,
    min_words=st.sampled_from([10, 12]),
)
def test_a_shared_run_of_min_words_shares_an_anchor(
    left: list[int],
    right: list[int],
    run: list[int],
    other_left: list[int],
    other_right: list[int],
    min_words: int,
) -> None:
    run = run[:min_words]
    first = anchor_postings_reference(_hashes(left + run + right), min_words)
    second = anchor_postings_reference(_hashes(other_left + run + other_right), min_words)
    assert first & second


def _spill(documents: list[np.ndarray], min_words: int, chunks: int) -> SpilledPostings:
    postings = SpilledPostings()
    bounds = np.linspace(0, len(documents), chunks + 1).astype(int)
    for lo, hi in itertools.pairwise(bounds.tolist()):
        part = documents[lo:hi]
        if not part:
            continue
        joined = np.concatenate(part)
        owners = np.repeat(np.arange(hi - lo), [len(h) for h in part])
        found, sizes = anchor_postings(joined, owners, min_words, len(documents), first_document=lo)
        postings.add(postings.write(found, sizes, owner_bits(len(documents))))
    return postings


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("compiled", [False, True], ids=["plain", "compiled"])
def test_anchor_pairs_equal_the_reference_sets(jobs: int, compiled: bool) -> None:
    rng = np.random.default_rng(3)
    shared = [list(rng.integers(0, 10**6, 12)) for _ in range(2)]
    texts = []
    for k in range(60):
        words = list(rng.integers(0, 10**6, int(rng.integers(5, 80))))
        passage = shared[0] if k % 2 == 0 else shared[1] if k % 5 == 1 else None
        if passage is not None:
            at = int(rng.integers(0, len(words) + 1))
            words[at:at] = passage
        texts.append(_hashes([int(w) for w in words]))
    ranks = rng.permutation(len(texts))
    postings = _spill(texts, 10, 3)
    assert len(postings) > 0
    found = anchor_pairs(postings, ranks, jobs, compiled=compiled)
    expected = reference_anchor_pairs(
        [anchor_postings_reference(t, 10) for t in texts], ranks, PAIRWISE_MAX
    )
    assert np.array_equal(found, expected)
    # The passage of 30 documents is a star around its lowest rank: 29 pairs, not 435; the
    # one of 6 gives all its 15.
    carriers = sorted(int(ranks[k]) for k in range(0, 60, 2))
    star = {(carriers[0], other) for other in carriers[1:]}
    listed = {tuple(pair) for pair in found.tolist()}
    assert star <= listed
    # Runs at the passage's edges hold some of its 8-grams too: anchors of a few carriers
    # each, paired all with all in buckets of up to 24. Still far from all 435 pairs.
    inner = {(x, y) for x in carriers[1:] for y in carriers[1:] if x < y} & listed
    assert len(inner) < 4 * len(carriers)
    few = sorted(int(ranks[k]) for k in range(1, 60, 10))
    assert {(x, y) for x in few for y in few if x < y} <= listed
    postings.close()


def test_spilled_parts_hold_every_posting() -> None:
    rng = np.random.default_rng(5)
    texts = [_hashes(rng.integers(0, 10**6, 40).tolist()) for _ in range(6)]
    postings = _spill(texts, 10, 2)
    expected, _ = anchor_postings(
        np.concatenate(texts), np.repeat(np.arange(6), 40), 10, len(texts)
    )
    parts = [postings.part(part) for part in range(PARTS)]
    assert sorted(np.concatenate(parts).tolist()) == sorted(expected.tolist())
    assert all(np.all((part >> np.uint64(58)) == k) for k, part in enumerate(parts))
    assert len(postings) == len(expected)
    postings.close()


def _prose(rng: np.random.Generator, words: int) -> str:
    letters = "bcdfghjklmnprstvz"
    return " ".join(
        "".join(rng.choice(list(letters), 2)) + rng.choice(["a", "e", "i", "o", "u"])
        for _ in range(words)
    )


def test_a_short_quotation_inside_long_paragraphs_is_found() -> None:
    # 12 words inside paragraphs of 200 words: no 30-word LSH window of either is near
    # Jaccard 0.3 with the other's, but the run is reported, at its exact offsets.
    rng = np.random.default_rng(7)
    run = "the minister told reporters the bridge would reopen before the winter storms"
    first = f"{_prose(rng, 120)} {run} {_prose(rng, 80)}"
    second = f"{_prose(rng, 90)} {run} {_prose(rng, 110)}"
    report = dedupe.scan(
        [dedupe.Document("a", first), dedupe.Document("b", second)], pairs=True, jobs=1
    )
    assert len(report.pairs) == 1
    (passage,) = report.pairs[0].passages
    assert first[passage.a_start : passage.a_end] == run
    assert second[passage.b_start : passage.b_end] == run


def _spill_as_read(documents: list[np.ndarray], order: np.ndarray, batch: int) -> SpilledPostings:
    """Spill the documents' postings in the order `order` reads them, `batch` at a time,
    each batch packed among the documents read so far (as `SigningAsRead` spills them)."""
    postings = SpilledPostings()
    read = [documents[k] for k in order.tolist()]
    for lo in range(0, len(read), batch):
        part = read[lo : lo + batch]
        hi = lo + len(part)
        owners = np.repeat(np.arange(len(part)), [len(h) for h in part])
        found, sizes = anchor_postings(np.concatenate(part), owners, 10, hi, first_document=lo)
        postings.add(postings.write(found, sizes, owner_bits(hi)))
    # The document read k-th is documents[order[k]].
    postings.renumber(order)
    return postings


@pytest.mark.parametrize("batch", [1, 7, 300])
def test_postings_spilled_as_read_and_renumbered_give_the_same_pairs(batch: int) -> None:
    rng = np.random.default_rng(11)
    shared = list(rng.integers(0, 10**6, 15))
    texts = []
    for k in range(300):
        words = list(rng.integers(0, 10**6, int(rng.integers(5, 60))))
        if k % 3 == 0:
            words[2:2] = shared
        texts.append(_hashes([int(w) for w in words]))
    ranks = rng.permutation(len(texts))
    expected = anchor_pairs(_spill(texts, 10, 4), ranks)
    assert len(expected) > 100
    # Read in another order: the first batches are packed in fewer low bits than the corpus's
    # 9, and renumbered into the store's order as they are read back.
    found = anchor_pairs(_spill_as_read(texts, rng.permutation(len(texts)), batch), ranks)
    assert np.array_equal(found, expected)
