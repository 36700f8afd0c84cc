"""Long-form tables: one row per thing, natural id order, and their pandas DataFrames."""

from __future__ import annotations

import pytest

import dedupe
from dedupe.tables import TABLES, pairs_table, passages_table


@pytest.fixture(scope="module")
def report() -> dedupe.Report:
    return dedupe.scan([dedupe.example_path()], jobs=1, pairs=True)


def test_every_table_has_its_columns_in_every_row(report: dedupe.Report) -> None:
    for name, make in TABLES.items():
        table = make(report)
        assert table.name == name
        assert table.rows or name in ("boilerplate", "rewrites"), name  # the example has none
        assert all(len(row) == len(table.columns) for row in table.rows), name


def test_one_row_per_passage_with_both_sides(report: dedupe.Report) -> None:
    table = passages_table(report)
    assert len(table.rows) == sum(len(p.passages) for p in report.pairs)
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    first = rows[0]
    assert (first["a"], first["b"]) == ("ap-bridge", "river-weekly")
    assert (first["a_outlet"], first["b_outlet"]) == ("Associated Press", "River Weekly")
    assert first["quote"] is False and first["rule"] == "wire-outlet"
    assert first["original_source"] == "Associated Press" and first["family"] == "f2"
    quotes = [r for r in rows if r["quote"]]
    assert quotes and all(r["family"] is None and r["rule"] is None for r in quotes)
    for row in rows:
        pair = next(p for p in report.pairs if (p.a, p.b) == (row["a"], row["b"]))
        passage = next(x for x in pair.passages if x.a_start == row["a_start"])
        assert row["words"] == len(passage.text.split()) > 0
        assert (row["b_start"], row["b_end"]) == (passage.b_start, passage.b_end)


def test_one_row_per_pair_with_its_passages_counted(report: dedupe.Report) -> None:
    table = pairs_table(report)
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert len(rows) == len(report.pairs) == 16
    quoting = [r for r in rows if r["copied_passages"] == 0]
    assert len(quoting) == 9
    assert all(r["quoted_passages"] > 0 and r["families"] == "" for r in quoting)
    harbour = next(r for r in rows if (r["a"], r["b"]) == ("harbour-gazette", "wire-flood"))
    assert (harbour["percent_a"], harbour["percent_b"]) == (71.71, 82.14)
    assert (harbour["copied_passages"], harbour["quoted_passages"]) == (4, 3)
    assert harbour["a_published"] == "2026-03-03T11:12:00+01:00" and harbour["families"] == "f1"


def test_ids_are_in_natural_order() -> None:
    story = " ".join(f"The river rose by {k} centimetres overnight at the gauge." for k in range(8))
    documents = [dedupe.Document(f"n{k}", story) for k in (10, 9, 100)]
    report = dedupe.scan(documents, jobs=1, pairs=True)
    assert [row[0] for row in TABLES["documents"](report).rows] == ["n9", "n10", "n100"]
    pairs = [row[:2] for row in pairs_table(report).rows]
    assert pairs == [("n10", "n9"), ("n10", "n100"), ("n100", "n9")]  # a < b as strings
    assert pairs == sorted(pairs, key=lambda p: (int(p[0][1:]), int(p[1][1:])))


def test_dataframes(report: dedupe.Report) -> None:
    pytest.importorskip("pandas", reason="pandas is an optional extra")
    frames = report.to_dataframes()
    assert set(frames) == set(TABLES)
    passages = frames["passages"]
    assert len(passages) == sum(len(p.passages) for p in report.pairs)
    assert passages["quote"].dtype == bool
    copies = frames["copies"]
    by_source = copies.groupby("source")["article"].count().to_dict()
    assert by_source == {"Associated Press": 1, "Reuters": 3}
    documents = frames["documents"].set_index("id")
    assert documents.loc["valley-post", "outlet"] == "Valley Post"


def test_dataframes_without_pandas_say_what_to_install(
    report: dedupe.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"dedupe-news\[pandas\]"):
        report.to_dataframes()


def test_one_row_per_rewrite_with_its_figures(clough_report: dedupe.Report) -> None:
    table = TABLES["rewrites"](clough_report)
    assert table.columns == (
        "a", "b", "a_outlet", "b_outlet", "similarity", "percent_a", "percent_b"
    )  # fmt: skip
    assert [(row[0], row[1], row[4]) for row in table.rows] == [
        (r.a, r.b, r.similarity) for r in clough_report.rewrites
    ]
    assert ("g3pA_taskb", "orig_taskb") in {row[:2] for row in table.rows}
