"""Overlap counting and per-document attribution in `dedupe.report.build_report`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from dedupe.align import Passage
from dedupe.attribution import UNDECIDED, Attribution
from dedupe.documents import Document
from dedupe.report import AlignedPair, Report, build_report, percent

REUTERS = Attribution("Reuters", "wire-credit", (0,))
AFP = Attribution("AFP", "wire-outlet", (2,))


def passage(a: tuple[int, int], b: tuple[int, int], quote: bool = False) -> Passage:
    return Passage(a[0], a[1], b[0], b[1], a[1] - a[0], quote, (a[0], a[1]), (b[0], b[1]))


Build = Callable[..., Report]


@pytest.fixture(params=["reference", "compiled"])
def build(request: pytest.FixtureRequest) -> Build:
    """Return `build_report`, counting word coverage with numpy or compiled (tests here run
    with both)."""
    return partial(build_report, compiled=request.param == "compiled")


@pytest.fixture
def documents() -> list[Document]:
    return [
        Document("a", "x" * 400, "Reuters"),
        Document("b", "y" * 400, "Daily Ledger"),
        Document("c", "z" * 400, "AFP"),
    ]


def test_each_word_is_counted_once_however_many_sources_share_it(
    build: Build,
    documents: list[Document],
) -> None:
    pairs = [
        AlignedPair(0, 1, (passage((0, 40), (0, 40)),), (REUTERS,)),
        AlignedPair(1, 2, (passage((20, 60), (0, 40)),), (REUTERS,)),
    ]
    report = build(documents, [100, 100, 100], pairs, {})
    b = report.documents[1]
    assert b.reused_percent == 60.0  # words 0-60, not 40 + 40
    assert [(m.id, m.shared_words) for m in b.matches] == [("a", 40), ("c", 40)]


def test_quotes_are_counted_apart_and_never_twice(build: Build, documents: list[Document]) -> None:
    pairs = [
        AlignedPair(
            0,
            1,
            (passage((0, 30), (0, 30)), passage((20, 50), (20, 50), quote=True)),
            (REUTERS, UNDECIDED),
        )
    ]
    report = build(documents, [100, 100, 100], pairs, {})
    a = report.documents[0]
    assert (a.reused_percent, a.quoted_percent) == (30.0, 20.0)
    assert a.reused_percent + a.quoted_percent <= 100.0


def test_overlap_is_directional(build: Build, documents: list[Document]) -> None:
    pairs = [AlignedPair(0, 1, (passage((0, 80), (0, 80)),), (REUTERS,))]
    report = build(documents, [100, 400, 100], pairs, {})
    assert (report.pairs[0].percent_a, report.pairs[0].percent_b) == (80.0, 20.0)


def test_original_source_is_the_source_of_most_reused_words(
    build: Build, documents: list[Document]
) -> None:
    pairs = [
        AlignedPair(0, 1, (passage((0, 30), (0, 30)),), (REUTERS,)),
        AlignedPair(1, 2, (passage((50, 60), (0, 10)),), (AFP,)),
    ]
    report = build(documents, [100, 100, 100], pairs, {})
    b = report.documents[1]
    assert (b.original_source, b.attribution_rule) == ("Reuters", "wire-credit")
    # b is the Daily Ledger and never names Reuters in its text.
    assert b.credited is False
    # a is Reuters itself: no credit question arises.
    assert report.documents[0].credited is None


def test_a_tie_between_sources_is_undecided(build: Build, documents: list[Document]) -> None:
    pairs = [
        AlignedPair(0, 1, (passage((0, 10), (0, 10)),), (REUTERS,)),
        AlignedPair(1, 2, (passage((50, 60), (0, 10)),), (AFP,)),
    ]
    b = build(documents, [100, 100, 100], pairs, {}).documents[1]
    assert (b.original_source, b.attribution_rule, b.credited) == (None, None, None)


def test_min_percent_hides_weak_pairs_and_matches_but_not_figures(
    build: Build,
    documents: list[Document],
) -> None:
    pairs = [
        AlignedPair(0, 1, (passage((0, 50), (0, 50)),), (REUTERS,)),
        AlignedPair(1, 2, (passage((60, 65), (0, 5)),), (AFP,)),
    ]
    report = build(documents, [100, 100, 100], pairs, {}, min_percent=10.0)
    assert [(p.a, p.b) for p in report.pairs] == [("a", "b")]
    b = report.documents[1]
    assert [m.id for m in b.matches] == ["a"]
    assert b.reused_percent == 55.0


def test_passage_text_and_offsets_come_from_document_a(
    build: Build, documents: list[Document]
) -> None:
    docs = [Document("a", "The river rose again today."), *documents[1:]]
    pairs = [AlignedPair(0, 1, (passage((4, 9), (0, 5)),), (UNDECIDED,))]
    report = build(docs, [5, 100, 100], pairs, {})
    shared = report.pairs[0].passages[0]
    assert (shared.a_start, shared.a_end, shared.text) == (4, 9, "river")


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(1, 3, 33.33), (0, 0, 0.0), (5, 5, 100.0), (2, 3, 66.67)]
)
def test_percent_rounds_to_two_decimals(part: int, whole: int, expected: float) -> None:
    assert percent(part, whole) == expected


def test_pairs_with_a_passage_short_of_an_attribution_are_refused(
    documents: list[Document],
) -> None:
    pairs = [AlignedPair(0, 1, (passage((0, 10), (0, 10)),), (REUTERS, AFP))]
    with pytest.raises(ValueError, match="zip"):
        build_report(documents, [100, 100, 100], pairs, {})
