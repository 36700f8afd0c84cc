"""Report rendering and atomic writing."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.errors import OutputError
from dedupe.formats import FORMATS
from dedupe.render import RENDERERS, render, render_chunks, write_atomic
from dedupe.report import (
    BoilerplateReport,
    BoilerplateText,
    DocumentReport,
    FamilyMember,
    FamilyReport,
    Match,
    PairReport,
    PassageReport,
    Report,
    RewriteReport,
)
from dedupe.tables import PASSAGE_COLUMNS

# The module (`dedupe.render` is also the name of a function).
render_module = importlib.import_module("dedupe.render")


@pytest.fixture(scope="module")
def report() -> dedupe.Report:
    return dedupe.scan([dedupe.example_path()], jobs=1)


def test_json_round_trips_the_report_dict(report: dedupe.Report) -> None:
    assert json.loads(render(report, "json")) == report.to_dict()


@pytest.mark.parametrize(("batch", "jobs"), [(1, 1), (2, 2), (5000, 1)])
@pytest.mark.parametrize("min_percent", [0.0, 99.0])
def test_streamed_json_is_exactly_json_dumps_of_the_report(
    min_percent: float, batch: int, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 99% leaves no pairs: the empty list must come out as json.dumps writes it. Items are
    # encoded `batch` at a time, on `jobs` processes: the batches must join seamlessly.
    monkeypatch.setattr(render_module, "_JSON_BATCH", batch)
    report = dedupe.scan([dedupe.example_path()], jobs=1, min_percent=min_percent, pairs=True)
    pieces = list(render_chunks(report, "json", jobs=jobs))
    expected = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert "".join(pieces) == expected
    assert len(pieces) > (len(report.documents) + len(report.pairs)) // batch


def test_streamed_json_of_an_empty_report() -> None:
    report = dedupe.scan([], jobs=1)
    expected = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert render(report, "json") == expected
    assert '"documents": []' in expected


# Any text (lone surrogates included) and any float: the fast encoder must not change a byte.
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(0, 10_000).map(lambda k: k / 100),
)
passages = st.builds(
    PassageReport,
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.booleans(),
    st.none() | texts,
    st.none() | texts,
    texts,
)
pairs = st.builds(
    PairReport, texts, texts, floats, floats, st.lists(passages, max_size=3).map(tuple)
)
documents = st.builds(
    DocumentReport,
    texts,
    st.none() | texts,
    st.none() | texts,
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    floats,
    floats,
    floats,
    st.lists(st.builds(Match, texts, floats, st.integers(0, 10**6)), max_size=3).map(tuple),
    st.integers(0, 10**6),
    st.lists(texts, max_size=3).map(tuple),
    st.none() | texts,
    st.none() | texts,
    st.none() | st.booleans(),
)
families = st.builds(
    FamilyReport,
    texts,
    st.none() | texts,
    st.none() | texts,
    st.none() | texts,
    st.integers(0, 10**6),
    st.lists(st.builds(FamilyMember, texts, floats, st.none() | st.booleans()), max_size=3).map(
        tuple
    ),
    st.none() | texts,
)
boilerplate = st.builds(
    BoilerplateReport,
    st.none() | texts,
    st.integers(0, 10**6),
    st.lists(
        st.builds(BoilerplateText, texts, st.integers(0, 10**6), st.integers(0, 10**6)),
        min_size=1,
        max_size=2,
    ).map(tuple),
    st.integers(0, 10**6),
)

rewrites = st.builds(RewriteReport, texts, texts, floats, floats, floats)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(documents, max_size=4),
    st.lists(families, max_size=3),
    st.lists(boilerplate, max_size=2),
    st.lists(pairs, max_size=4),
    st.booleans(),
    st.lists(rewrites, max_size=2),
)
def test_json_of_any_report_is_exactly_json_dumps(
    documents: list[DocumentReport],
    families: list[FamilyReport],
    boilerplate: list[BoilerplateReport],
    pairs: list[PairReport],
    with_pairs: bool,
    rewrites: list[RewriteReport],
) -> None:
    report = Report(
        tuple(documents),
        tuple(families),
        tuple(boilerplate),
        tuple(pairs),
        {"threshold": 0.3, "pairs": with_pairs},
        rewrites=tuple(rewrites),
    )
    expected = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert render(report, "json") == expected


def test_write_atomic_takes_pieces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, iter(["one ", "two"]))
    assert target.read_text("utf-8") == "one two"


def test_csv_has_one_row_per_document(report: dedupe.Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert [r["id"] for r in rows] == sorted(d.id for d in report.documents)
    valley = next(r for r in rows if r["id"] == "valley-post")
    assert valley["original_source"] == "Reuters" and valley["credited"] == "false"
    assert valley["matches"].startswith("harbour-gazette:")


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_tables_list_families_then_documents_and_pairs_only_on_request(
    report: dedupe.Report, fmt: str
) -> None:
    text = render(report, fmt)
    assert text.index("Families") < text.index("wire-flood") < text.index("Documents")
    assert text.index("Documents") < text.index("valley-post")
    assert "Pairs" not in text
    with_pairs = render(dedupe.scan([dedupe.example_path()], jobs=1, pairs=True), fmt)
    assert with_pairs.index("valley-post") < with_pairs.index("Pairs")
    assert "ap-bridge" in with_pairs.split("Pairs")[1]


def test_every_format_is_deterministic() -> None:
    def scanned() -> dedupe.Report:
        return dedupe.scan([dedupe.example_path()], jobs=1, pairs=True, texts=True)

    first, second = scanned(), scanned()
    for fmt in RENDERERS:
        assert render(first, fmt) == render(second, fmt)


def test_unknown_format_is_an_output_error(report: dedupe.Report) -> None:
    with pytest.raises(OutputError, match="unknown format"):
        render(report, "xml")


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", "utf-8")
    write_atomic(target, "new content")
    assert target.read_text("utf-8") == "new content"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_write_atomic_leaves_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", "utf-8")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text("utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_write_atomic_into_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.txt", "x")


# --- the table that answers the questions (issue 14.2) --------------------------------------


def test_the_table_opens_with_the_corpus_then_families_outlets_documents(
    report: dedupe.Report,
) -> None:
    text = render(report, "table")
    assert text.startswith("9 articles from 9 outlets, 2026-03-01 to 2026-03-07: 2 families;")
    order = ["Families (largest first)", "Outlets (copying most first)", "Documents\n"]
    assert [text.index(title) for title in order] == sorted(text.index(t) for t in order)
    outlets = text.split("Outlets (copying most first)")[1].split("Documents")[0]
    assert outlets.split("\n")[4].split() == ["Harbour", "Gazette", "1", "1", "71.7", "1/1",
                                             "Reuters", "1"]  # fmt: skip
    documents = text.split("Documents\n")[1]
    valley = next(line for line in documents.splitlines() if line.startswith("valley-post"))
    assert valley.split() == ["valley-post", "Valley", "Post", "2026-03-03", "423", "44.4",
                              "57.2", "12.8", "Reuters", "false", "harbour-gazette"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "passages-csv"])
def test_booleans_have_one_spelling(fmt: str) -> None:
    text = render(dedupe.scan([dedupe.example_path()], jobs=1, pairs=True), fmt)
    assert "True" not in text and "False" not in text
    assert "true" in text and "false" in text


def _documents(*ids: str) -> Report:
    return Report(
        tuple(
            DocumentReport(
                id,
                "Outlet",
                "2026-01-02T03:04:05Z",
                100,
                0,
                float(k),
                float(k),
                0.0,
                (),
                0,
                (),
                None,
                None,
                None,
            )
            for k, id in enumerate(sorted(ids))
        )
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_ids_are_listed_in_natural_order(fmt: str) -> None:
    text = render(_documents("10500", "1051", "10535", "a10", "a9"), fmt)
    positions = [text.index(f"\n{id}" if fmt == "csv" else id) for id in
                 ("1051", "10500", "10535", "a9", "a10")]  # fmt: skip
    assert positions == sorted(positions)


def test_top_keeps_the_rows_that_matter_and_counts_the_rest(report: dedupe.Report) -> None:
    text = render(report, "table", top=2)
    documents = text.split("Documents (copying most first)")[1]
    assert [line.split()[0] for line in documents.strip().splitlines()[2:4]] == [
        "harbour-gazette",
        "daily-ledger",
    ]
    assert "... and 7 more documents (--top 2)" in documents
    assert "... and 7 more outlets (--top 2)" in text
    markdown = render(report, "markdown", top=2)
    assert "## Documents (copying most first)" in markdown and "valley-post" not in markdown
    with pytest.raises(OutputError, match="top"):
        render(report, "table", top=0)


def test_pairs_sharing_only_quotations_are_counted_not_listed() -> None:
    text = render(dedupe.scan([dedupe.example_path()], jobs=1, pairs=True), "table")
    pairs = text.split("Pairs\n")[1]
    assert "9 more pairs share only quotations" in pairs
    assert "city-courier" not in pairs and "0.0" not in pairs.split()
    assert pairs.splitlines()[3].split() == ["ap-bridge", "river-weekly", "28.4", "28.3", "2",
                                             "0", "f2"]  # fmt: skip


@pytest.mark.parametrize("width", [80, 100, 120])
def test_the_table_fits_the_width_it_is_given(width: int) -> None:
    report = dedupe.scan([dedupe.example_path()], jobs=1, pairs=True)
    text = render(report, "table", width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    documents = text.split("Documents\n")[1].split("Pairs")[0]
    # Ids are kept whole; the least needed columns go first.
    assert "harbour-gazette " in documents and "copied %" in documents
    assert ("top match" in documents) == (width >= 120)
    assert max(len(line) for line in render(report, "table").splitlines()) > 120


def test_a_wide_table_cuts_long_text_with_an_ellipsis() -> None:
    long_outlet = "The Extraordinarily Long Name Of A Regional Newspaper Group"
    report = Report(
        (
            DocumentReport(
                "d1", long_outlet, None, 10, 0, 0.0, 0.0, 0.0, (), 0, (), None, None, None
            ),
        )
    )
    text = render(report, "table", width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "The Extraordinari…" in text or "…" in text
    assert long_outlet in render(report, "table")


# --- long-form CSV (issue 14.4) ---------------------------------------------------------------


def test_passages_csv_has_one_row_per_passage() -> None:
    report = dedupe.scan([dedupe.example_path()], jobs=1, pairs=True)
    rows = list(csv.DictReader(io.StringIO(render(report, "passages-csv"))))
    assert len(rows) == sum(len(p.passages) for p in report.pairs)
    assert list(rows[0]) == list(PASSAGE_COLUMNS)
    assert PASSAGE_COLUMNS[:8] == ("a", "b", "a_outlet", "b_outlet", "a_start", "a_end",
                                   "b_start", "b_end")  # fmt: skip
    assert {r["quote"] for r in rows} == {"true", "false"}
    copied = next(r for r in rows if r["quote"] == "false")
    assert copied["rule"] == "wire-outlet" and copied["family"]


def test_pairs_csv_has_one_row_per_pair() -> None:
    report = dedupe.scan([dedupe.example_path()], jobs=1, pairs=True)
    rows = list(csv.DictReader(io.StringIO(render(report, "pairs-csv"))))
    assert [(r["a"], r["b"]) for r in rows][:2] == [
        ("ap-bridge", "river-weekly"),
        ("city-courier", "daily-ledger"),
    ]
    assert rows[0]["a_outlet"] == "Associated Press" and rows[0]["copied_passages"] == "2"


@pytest.mark.parametrize("fmt", ["pairs-csv", "passages-csv"])
def test_long_form_csv_needs_a_report_with_pairs(report: dedupe.Report, fmt: str) -> None:
    with pytest.raises(OutputError, match="pairs=True"):
        render(report, fmt)


def test_long_form_csv_neutralises_formulas() -> None:
    story = " ".join(f"The council met on day {k} to discuss the bridge repairs." for k in range(8))
    documents = [
        dedupe.Document("=cmd|' /C calc'!A0", story, source="@SUM(A1)"),
        dedupe.Document("b", story, source="+Outlet"),
    ]
    report = dedupe.scan(documents, jobs=1, pairs=True)
    for fmt in ("pairs-csv", "passages-csv"):
        (row,) = list(csv.reader(io.StringIO(render(report, fmt))))[1:2]
        assert row[:4] == ["'=cmd|' /C calc'!A0", "b", "'@SUM(A1)", "'+Outlet"]


def test_the_command_offers_every_format_there_is_a_renderer_for() -> None:
    """`dedupe.formats` names them for --format without importing the renderers."""
    assert sorted(FORMATS) == sorted(RENDERERS)


def test_rewrites_have_a_section_of_their_own(clough_report: dedupe.Report) -> None:
    table = render(clough_report, "table")
    assert "pairs of articles are rewrites (similar wording, no shared passage)" in " ".join(
        table.split()
    )
    section = table.split("Rewrites (similar wording, no shared passage; never counted as")[1]
    header, _, *rows = section.split("\n\n")[1].splitlines()
    assert header.split() == ["a", "b", "similarity", "%", "%", "of", "a", "%", "of", "b"]
    listed = [row.split() for row in rows]
    assert [(r[0], r[1]) for r in listed] == [(r.a, r.b) for r in clough_report.rewrites]
    rewrite = clough_report.rewrites_of("g3pA_taskb")[0]
    assert ["g3pA_taskb", "orig_taskb", f"{rewrite.similarity:.1f}"] == listed[-2][:3]
    top = render(clough_report, "table", top=2)
    assert "Rewrites (most similar first" in top
    assert f"... and {len(clough_report.rewrites) - 2} more rewrites (--top 2)" in top
    assert "## Rewrites (similar wording" in render(clough_report, "markdown")


def test_no_rewrite_no_section(report: dedupe.Report) -> None:
    assert report.rewrites == () and "Rewrites" not in render(report, "table")
    assert "rewrite" not in render(report, "table")
