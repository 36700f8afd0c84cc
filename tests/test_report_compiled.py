"""The compiled word coverage gives exactly the reference report, on generated passages that
overlap, nest, repeat partners and hold quotations."""

from __future__ import annotations

import importlib
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.align import Passage
from dedupe.attribution import UNDECIDED, Attribution
from dedupe.documents import Document
from dedupe.report import AlignedPair, build_report
from dedupe.report_compiled import coverage_counts

ATTRIBUTIONS = [
    UNDECIDED,
    Attribution("Reuters", "wire-credit", (0,)),
    Attribution("Reuters", "transitive-wire-credit", (1,)),
    Attribution("AFP", "wire-outlet", (2,)),
    Attribution("d3", "earliest-publication", (3,)),
    # Same rules (ranks) as above, other sources: the first passage of a rank labels a word.
    Attribution("AFP", "wire-credit", (2,)),
    Attribution("d1", "earliest-publication", (1,)),
]
WORDS = 60
REPORT_MODULE = importlib.import_module("dedupe.report")


@st.composite
def spans(draw: st.DrawFn) -> tuple[int, int]:
    start = draw(st.integers(0, WORDS - 1))
    return start, draw(st.integers(start + 1, WORDS))


@st.composite
def aligned_pairs(draw: st.DrawFn) -> tuple[int, list[AlignedPair]]:
    """Pairs (a < b) among a few documents of WORDS words, each with a few passages."""
    documents = draw(st.integers(2, 6))
    pairs = []
    chosen = draw(
        st.lists(
            st.tuples(st.integers(0, documents - 1), st.integers(0, documents - 1)).filter(
                lambda p: p[0] < p[1]
            ),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    for a, b in sorted(chosen):
        passages = []
        attributions = []
        for _ in range(draw(st.integers(1, 4))):
            (a0, a1), (b0, b1) = draw(spans()), draw(spans())
            quote = draw(st.booleans())
            quoted = () if quote else tuple(draw(st.lists(spans(), max_size=2)))
            passages.append(
                Passage(a0, a1, b0, b1, a1 - a0, quote, (a0, a1), (b0, b1), quoted, quoted[:1])
            )
            attributions.append(UNDECIDED if quote else draw(st.sampled_from(ATTRIBUTIONS)))
        pairs.append(AlignedPair(a, b, tuple(passages), tuple(attributions)))
    return documents, pairs


@settings(max_examples=300, deadline=None)
@given(aligned_pairs(), st.sampled_from([0.0, 20.0]), st.sampled_from([1, 3, 5000]))
def test_compiled_and_reference_reports_are_equal(
    corpus: tuple[int, list[AlignedPair]], min_percent: float, chunk: int
) -> None:
    count, pairs = corpus
    # Documents of different lengths, reported in chunks that start past document 0.
    words = [WORDS + 7 * k for k in range(count)]
    documents = [Document(f"d{k}", "w " * words[k], f"Outlet {k % 3}") for k in range(count)]

    def report(compiled: bool) -> object:
        built = build_report(documents, words, pairs, {}, min_percent, compiled=compiled)
        return built.to_dict()

    with mock.patch.object(REPORT_MODULE, "_REPORT_CHUNK", chunk):
        assert report(True) == report(False)


def test_counts_of_one_document() -> None:
    # Doc 0: words 0-10 from doc 1 (label 0, rank 2), 5-15 from doc 2 (label 1, rank 1,
    # better), words 6-8 quoted inside; a quote of doc 1 over words 20-25.
    entries = np.array(
        [
            [0, 1, 0, 10, 0, 2, 0],
            [0, 2, 5, 15, 0, 1, 1],
            [0, 1, 20, 25, 1, 50, 0],
        ]
    )
    quoted = np.array([[6, 8]])
    bounds = np.array([[0, 0], [0, 1], [1, 1]])
    covered, reused, quoted_only, shared, by_label = coverage_counts(
        entries, quoted, bounds, np.array([30]), 0
    )
    assert covered.tolist() == [True]
    assert reused.tolist() == [13]  # words 0-15 without the 2 quoted
    assert quoted_only.tolist() == [7]  # 6-8 and 20-25
    assert shared.tolist() == [[0, 1, 8], [0, 2, 8]]
    assert by_label.tolist() == [[0, 0, 5], [0, 1, 8]]
