"""Who copies whom: copies, outlet summaries, the outlet x source matrix, the corpus line."""

from __future__ import annotations

import pytest

import dedupe
from dedupe.report import DocumentReport, FamilyMember, FamilyReport, Report
from dedupe.summary import (
    Copy,
    copies,
    copy_matrix,
    corpus_summary,
    outlet_summaries,
    summary_line,
)


@pytest.fixture(scope="module")
def report() -> dedupe.Report:
    return dedupe.scan([dedupe.example_path()], jobs=1)


def test_copies_of_the_example(report: dedupe.Report) -> None:
    found = copies(report)
    assert [(c.article, c.outlet, c.family, c.source, c.credited) for c in found] == [
        ("daily-ledger", "The Daily Ledger", "f1", "Reuters", False),
        ("harbour-gazette", "Harbour Gazette", "f1", "Reuters", True),
        ("valley-post", "Valley Post", "f1", "Reuters", False),
        ("river-weekly", "River Weekly", "f2", "Associated Press", False),
    ]
    valley = report.document("valley-post")
    member = next(m for m in report.families[0].members if m.id == "valley-post")
    assert found[2].words == round(member.percent * (valley.words - valley.boilerplate_words) / 100)


def test_outlets_copying_most_come_first(report: dedupe.Report) -> None:
    outlets = outlet_summaries(report)
    assert [o.outlet for o in outlets[:4]] == [
        "Harbour Gazette",
        "The Daily Ledger",
        "Valley Post",
        "River Weekly",
    ]
    harbour = outlets[0]
    assert (harbour.articles, harbour.copying, harbour.copied_percent) == (1, 1, 71.71)
    assert (harbour.credited, harbour.creditable, harbour.sources) == (1, 1, (("Reuters", 1),))
    reuters = next(o for o in outlets if o.outlet == "Reuters")
    assert (reuters.copying, reuters.creditable, reuters.sources) == (0, 0, ())


def test_the_matrix_counts_articles_and_words(report: dedupe.Report) -> None:
    matrix = copy_matrix(report)
    assert matrix.sources == ("Reuters", "Associated Press")
    assert matrix.outlets == ("Harbour Gazette", "River Weekly", "The Daily Ledger", "Valley Post")
    assert matrix.articles == ((1, 0), (0, 1), (1, 0), (1, 0))
    by_cell = {(c.outlet, c.source): c.words for c in copies(report)}
    assert matrix.words[1][1] == by_cell["River Weekly", "Associated Press"]


def test_the_corpus_in_one_line(report: dedupe.Report) -> None:
    summary = corpus_summary(report)
    assert (summary.articles, summary.outlets, summary.families, summary.copying) == (9, 9, 2, 4)
    assert (summary.credited, summary.creditable, summary.pairs) == (1, 4, None)
    assert summary.copied_percent == round(sum(d.copied_percent for d in report.documents) / 9, 2)
    assert summary_line(summary) == (
        "9 articles from 9 outlets, 2026-03-01 to 2026-03-07: 2 families; 4 articles copy text"
        " (23.1 % of an article's words on average); 1 of 4 copies credit their source."
    )
    assert summary_line(corpus_summary(Report(()))).startswith("0 articles from 0 outlets: ")


def _doc(id: str, source: str | None, copied: float = 50.0) -> DocumentReport:
    return DocumentReport(
        id, source, None, 100, 0, copied, copied, 0.0, (), 0, ("f1",), None, None, None
    )


def test_an_outlet_carrying_its_own_wire_copies_nothing_and_undecided_text_is_copied() -> None:
    report = Report(
        documents=(
            _doc("wire", "Reuters", 0.0),
            _doc("site", "www.reuters.com"),
            _doc("paper", "Paper"),
            _doc("x1", "One"),
            _doc("x2", "Two"),
        ),
        families=(
            FamilyReport(
                "f1",
                "wire",
                "Reuters",
                "wire-outlet",
                100,
                (
                    FamilyMember("wire", 100.0, None),
                    FamilyMember("site", 50.0, None),
                    FamilyMember("paper", 50.0, True),
                ),
            ),
            FamilyReport(
                "f2",
                None,
                None,
                None,
                100,
                (FamilyMember("x1", 50.0, None), FamilyMember("x2", 40.0, None)),
            ),
        ),
    )
    assert copies(report) == (
        Copy("paper", "Paper", "f1", "Reuters", 50, True),
        Copy("x1", "One", "f2", None, 50, None),
        Copy("x2", "Two", "f2", None, 40, None),
    )
    assert copy_matrix(report).sources == (None, "Reuters")
