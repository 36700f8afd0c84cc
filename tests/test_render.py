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
)

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


@settings(max_examples=300, deadline=None)
@given(
    st.lists(documents, max_size=4),
    st.lists(families, max_size=3),
    st.lists(boilerplate, max_size=2),
    st.lists(pairs, max_size=4),
    st.booleans(),
)
def test_json_of_any_report_is_exactly_json_dumps(
    documents: list[DocumentReport],
    families: list[FamilyReport],
    boilerplate: list[BoilerplateReport],
    pairs: list[PairReport],
    with_pairs: bool,
) -> None:
    report = Report(
        tuple(documents),
        tuple(families),
        tuple(boilerplate),
        tuple(pairs),
        {"threshold": 0.3, "pairs": with_pairs},
    )
    expected = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert render(report, "json") == expected


def test_write_atomic_takes_pieces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, iter(["one ", "two"]))
    assert target.read_text("utf-8") == "one two"


def test_csv_has_one_row_per_document(report: dedupe.Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert [r["id"] for r in rows] == [d.id for d in report.documents]
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


def test_every_format_is_deterministic(report: dedupe.Report) -> None:
    for fmt in RENDERERS:
        assert render(report, fmt) == render(dedupe.scan([dedupe.example_path()], jobs=1), fmt)


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


def test_the_command_offers_every_format_there_is_a_renderer_for() -> None:
    """`dedupe.formats` names them for --format without importing the renderers."""
    assert sorted(FORMATS) == sorted(RENDERERS)
