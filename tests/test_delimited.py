"""CSV and TSV records from physical lines: runaway quotation marks contained, records over
the size limit dropped without being held (end-to-end cases: tests/test_documents.py)."""

from __future__ import annotations

import pytest

from dedupe.decoding import Line
from dedupe.delimited import (
    QuotedRecords,
    StrictCsv,
    _closed_after_delimiter,
    span,
    tab_records,
)


def lines(text: str, *problems: tuple[int, str]) -> list[Line]:
    """Return the physical lines of a text (size = characters); `problems` marks some."""
    marked = dict(problems)
    return [
        Line(k, part, marked.get(k), len(part))
        for k, part in enumerate(text.splitlines(keepends=True), 1)
    ]


def records(
    text: str, limit: int | None = None, *problems: tuple[int, str]
) -> tuple[list[tuple[int, list[str] | None]], list[tuple[int, str, str]]]:
    """Return (first line, fields) of each record after the header, and the skips made."""
    skips: list[tuple[int, str, str]] = []
    reader = QuotedRecords(
        iter(lines(text, *problems)),
        StrictCsv,
        lambda line, reason, message: skips.append((line, reason, message)),
        limit,
    )
    _, header = next(reader)
    reader.columns = len(header or [])
    return [(taken[0].number, row) for taken, row in reader], skips


def test_tsv_records_are_lines_and_quotes_are_text() -> None:
    got = [(t[0].number, row) for t, row in tab_records(lines('a\tb\n\n"x\t"y z\r\n'))]
    assert got == [(1, ["a", "b"]), (3, ['"x', '"y z'])]


def test_a_tsv_line_with_a_problem_comes_without_fields() -> None:
    got = [(t[0].problem, row) for t, row in tab_records(lines("a\tb\nc\0\td\n", (2, "binary")))]
    assert got == [(None, ["a", "b"]), ("binary", [])]


def test_well_formed_csv_passes_through() -> None:
    got, skips = records('id,text\n1,"two\nlines"\n2,"a ""quote"""\n')
    assert got == [(2, ["1", "two\nlines"]), (4, ["2", 'a "quote"'])]
    assert skips == []


@pytest.mark.parametrize(
    ("text", "expected", "skipped"),
    [
        ('id,text\n1,"open\n2,b\n3,c\n', [2, 3, 4], 2),  # the file ends inside the quote
        ('id,text\n1,"open\n2,b\n3,"c"\n', [2, 3, 4], 2),  # a later quote closes it
        ('id,text\n1,"open\n2,b\n3,"\nc"\n', [2, 3, 4], 2),  # ... at a line end
    ],
)
def test_a_runaway_quote_skips_only_its_line(text: str, expected: list[int], skipped: int) -> None:
    got, skips = records(text)
    assert [number for number, row in got if row is not None] == expected[1:]
    assert [(line, reason) for line, reason, _ in skips] == [(skipped, "malformed-row")]
    assert f"reading goes on from line {skipped + 1}" in skips[0][2]


def test_paragraphs_swallowed_by_a_quote_are_not_rows() -> None:
    got, skips = records('id,text\n1,"para one\n\npara two, yes\n\npara three, so\n')
    assert [row for _, row in got] == [None]
    assert skips == [(2, "malformed-row", "malformed CSV (unexpected end of data) (lines 2-6)")]


def test_records_over_the_limit_are_dropped_to_their_end() -> None:
    big = "x " * 40
    text = f'id,text\n1,a\n2,"{big}\nstill the same text"\n3,b\n'
    got, skips = records(text, 30)
    assert [row for _, row in got if row] == [["1", "a"], ["3", "b"]]
    assert skips == [
        (
            3,
            "too-large",
            "record (lines 3-4) is larger than the maximum document size"
            " (30 bytes; see --max-document-size)",
        )
    ]


def test_a_long_line_with_a_runaway_quote_does_not_swallow_the_rows() -> None:
    text = 'id,text\n1,a\n2,"' + "x" * 40 + "\n4,b\n5,c\n"
    got, skips = records(text, 30, (3, "too-large"))
    assert [row for _, row in got if row] == [["1", "a"], ["4", "b"], ["5", "c"]]
    assert [(line, reason) for line, reason, _ in skips] == [(3, "malformed-row")]


@pytest.mark.parametrize(
    ("line", "after"),
    [
        ('4,"next row",x\n', True),
        ('""",x\n', False),  # a doubled quote, then the closing one after another quote
        ('end of the text",x\n', False),
        ('"\n', False),  # at the start of a line: a text ending with a line break
        ("no quote at all\n", False),
    ],
)
def test_closed_after_delimiter(line: str, after: bool) -> None:
    assert _closed_after_delimiter(line, ",") is after


def test_span_names_the_lines_of_a_record() -> None:
    assert span(lines("a\nb\nc\n")) == " (lines 1-3)"
    assert span(lines("a\n")) == ""
