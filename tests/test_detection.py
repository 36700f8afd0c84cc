"""Tests of detection: which fields an input's records hold, crawl times, paragraph breaks,
and the lines that say what was used."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.detection import (
    MARKERS,
    Detection,
    FieldNames,
    Fields,
    Paragraphs,
    chosen_paragraphs,
    detection_lines,
    field_names,
    given_paragraphs,
    is_crawl_time,
    redecoded_lines,
    resolve_fields,
    sample_keys,
    sniff_paragraphs,
    text_breaks,
    warning_lines,
)

# --- fields ----------------------------------------------------------------------------------


def test_the_issue_csv_is_read_with_its_crawl_time() -> None:
    """Issue #14: id, publisher, scrape_time, text with no flag."""
    fields = resolve_fields(FieldNames(), ["id", "publisher", "scrape_time", "text"])
    assert fields == Fields(
        id="id",
        text="text",
        source=("publisher",),
        published=("scrape_time",),
        crawled=frozenset({"scrape_time"}),
        found=frozenset({"id", "text", "source", "date"}),
    )
    assert fields.describe() == ("id=id text=text source=publisher date=scrape_time (crawl time)")


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["url", "body", "site", "pubdate"], ("url", "body", ("site",), ("pubdate",))),
        (["guid", "content", "domain", "datePublished"],
         ("guid", "content", ("domain",), ("datePublished",))),
        (["link", "article", "timestamp"], ("link", "article", (), ("timestamp",))),
        (["maintext", "Source", "Date_Published"],
         (None, "maintext", ("Source",), ("Date_Published",))),
        # Publication dates first, crawl times after: a record without the first has the next.
        (["fetched_at", "date", "text"], (None, "text", (), ("date", "fetched_at"))),
        # The candidates' order decides, not the columns'.
        (["text", "body", "source", "outlet", "date", "published"],
         (None, "text", ("outlet", "source"), ("published", "date"))),
        # An exact name before one that differs in case.
        (["ID", "id", "text"], ("id", "text", (), ())),
    ],
)  # fmt: skip
def test_fields_are_found_among_the_usual_names(
    keys: list[str], expected: tuple[object, ...]
) -> None:
    fields = resolve_fields(FieldNames(), keys)
    assert (fields.id, fields.text, fields.source, fields.published) == expected


def test_without_a_source_field_the_host_of_a_url_is_the_outlet() -> None:
    fields = resolve_fields(FieldNames(), ["url", "text"])
    assert (fields.source, fields.source_url) == ((), "url")
    assert "source=host of url" in fields.describe()
    assert resolve_fields(FieldNames(), ["url", "text", "site"]).source_url is None


def test_named_fields_are_used_as_named_and_not_reported_found() -> None:
    names = FieldNames(id="uid", text="story", source=("paper",), published=("crawled",))
    fields = resolve_fields(names, ["uid", "story", "paper", "crawled", "id", "text"])
    assert (fields.id, fields.text, fields.source, fields.published) == (
        "uid",
        "story",
        ("paper",),
        ("crawled",),
    )
    assert fields.found == frozenset() and fields.crawled == {"crawled"}


def test_without_any_text_field_records_are_read_for_text() -> None:
    fields = resolve_fields(FieldNames(), ["id", "story"])
    assert fields.text == "text" and "text" in fields.found


@pytest.mark.parametrize(
    "name",
    ["scrape_time", "scraped_at", "crawled", "crawl_date", "fetched", "fetch-time",
     "date_retrieved", "downloaded", "collected_at", "Crawled At", "accessed", "ingested"],
)  # fmt: skip
def test_crawl_time_names(name: str) -> None:
    assert is_crawl_time(name)


@pytest.mark.parametrize(
    "name", ["published", "date", "timestamp", "scraper", "collection", "fetch_status", "source"]
)
def test_names_that_are_not_crawl_times(name: str) -> None:
    assert not is_crawl_time(name)


def test_sample_keys_keep_the_order_of_first_appearance() -> None:
    assert sample_keys([{"b": 1, "a": 2}, {"c": 3, "a": 4}]) == ["b", "a", "c"]


def test_field_names_take_the_commands_names() -> None:
    assert field_names("url", "body", "site", ["scraped", "date"]) == FieldNames(
        id="url", text="body", source=("site",), published=("scraped", "date")
    )
    assert field_names(date_fields=[], source_fields="") == FieldNames()
    with pytest.raises(TypeError, match="date_fields"):
        field_names(date_fields=[3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="id_field"):
        field_names(id_field=1)  # type: ignore[arg-type]


# --- paragraph breaks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. ### Two. ### Three.", "###"),
        ("One.¶Two.¶Three.", "¶"),
        ("<p>One.</p><p>Two.</p>", "<p>"),
        ("One. | Two. | Three.", " | "),
        ("One.\n\nTwo.\n\nThree.", "blank lines"),
        ("One.\nTwo.\nThree.", "newlines"),
        ("One line.", None),
        # A marker that breaks fewer places than the lines do is text, not a separator.
        ("Home | News | World\nOne.\nTwo.\nThree.\nFour.", "newlines"),
        ("One.\n###\nTwo.\n###\nThree.", "###"),
        ("Line one,\nline two.\n###\nLine three,\nline four.\n###\nFive.", "###"),
    ],
)
def test_how_one_text_breaks_paragraphs(text: str, expected: str | None) -> None:
    assert text_breaks(text) == expected


def test_most_texts_decide_and_one_line_texts_do_not_vote() -> None:
    texts = ["a ### b ### c"] * 3 + ["a\n\nb"] * 2 + ["one line"] * 10
    assert sniff_paragraphs(texts) == Paragraphs("###", "'###'", 3, 15)
    assert sniff_paragraphs(["one line"]) == Paragraphs(None, "blank lines", 0, 1)
    assert sniff_paragraphs(["a\nb"] * 2 + ["a ¶ b ¶ c"] * 2).marker == "¶"  # a tie


@given(
    st.lists(st.text(alphabet="abc .,", min_size=1, max_size=30), min_size=3, max_size=8),
    st.sampled_from(MARKERS),
)
def test_texts_joined_by_a_marker_are_split_at_it(parts: list[str], marker: str) -> None:
    text = marker.join(part.replace(marker.strip(), "") for part in parts)
    assert sniff_paragraphs([text] * 3).marker == marker


def detection(path: str, marker: str | None, kind: str, texts: int = 10) -> Detection:
    return Detection(path, "jsonl", Fields(id="id", text="text"), Paragraphs(marker, kind, texts))


def test_a_scan_splits_at_what_most_sampled_texts_of_all_inputs_show() -> None:
    inputs = [
        detection("a", "###", "'###'", 8),
        detection("b", None, "blank lines", 5),
        detection("c", None, "newlines", 5),
    ]
    assert chosen_paragraphs(inputs).marker is None  # 10 texts of line breaks, 8 of markers
    assert chosen_paragraphs(inputs[:2]).marker == "###"
    assert chosen_paragraphs(inputs[1:]).kind == "blank lines, else newlines"
    assert chosen_paragraphs([]).marker is None


# --- what is said ----------------------------------------------------------------------------


def test_one_line_per_kind_of_input() -> None:
    inputs = [detection(f"f{i}.jsonl", "###", "'###'") for i in range(5)]
    lines = detection_lines(inputs, chosen_paragraphs(inputs))
    assert lines == [
        "read 5 inputs (f0.jsonl, f1.jsonl, ...) (jsonl): id=id text=text source=(none)"
        " date=(none), paragraphs split at '###'"
    ]


def test_inputs_that_differ_in_markers_are_told() -> None:
    inputs = [detection("a.csv", "###", "'###'", 8), detection("b.csv", None, "newlines", 3)]
    lines = detection_lines(inputs, chosen_paragraphs(inputs))
    assert len(lines) == 2 and lines[0].endswith("paragraphs split at '###'")
    assert lines[1] == (
        "inputs differ in paragraph breaks ('###' in a.csv, newlines in b.csv): all paragraphs"
        " split at '###'; --paragraph-separator chooses"
    )
    given = detection_lines(inputs, given_paragraphs("|"))
    assert len(given) == 1 and given[0].endswith("paragraphs split at '|'")


def test_the_default_split_is_told_input_by_input() -> None:
    inputs = [detection("a", None, "blank lines"), detection("b", None, "newlines")]
    lines = detection_lines(inputs, chosen_paragraphs(inputs))
    assert [line.rsplit(" at ", 1)[1] for line in lines] == ["blank lines", "newlines"]


@pytest.mark.parametrize(
    ("source", "date", "warning"),
    [
        (3, 3, None),
        (0, 3, "no outlet on any document"),
        (3, 0, "no date on any document"),
        (0, 0, "no outlet and no date on any document"),
    ],
)
def test_inputs_without_outlets_or_dates_are_warned_about(
    source: int, date: int, warning: str | None
) -> None:
    item = Detection("f.csv", "csv", None, Paragraphs(None, "newlines"), 3, source, date)
    found = warning_lines([item])
    assert found == [] if warning is None else len(found) == 1
    assert warning is None or found[0].startswith(f"f.csv: {warning}")
    assert warning_lines([Detection("e.csv", "csv", None, Paragraphs(None, "newlines"))]) == []


def test_inputs_lacking_the_same_are_warned_about_in_one_line() -> None:
    def item(path: str, source: int, date: int) -> Detection:
        return Detection(path, "text", None, Paragraphs(None, "newlines"), 3, source, date)

    bare = [item(f"t{k}.txt", 0, 0) for k in range(500)]
    lines = warning_lines([*bare, item("dated.csv", 3, 0), item("full.csv", 3, 3)])
    assert lines == [
        "500 inputs (t0.txt, t1.txt, ...): no outlet and no date on any document: original "
        "sources rest on wire credits in the texts alone",
        "dated.csv: no date on any document: original sources rest on wires alone, never on "
        "who published first",
    ]


def test_inputs_read_in_one_fallback_encoding_are_noted_in_one_line() -> None:
    legacy = [(f"old{k}.txt", "cp1252") for k in range(40)]
    assert redecoded_lines([("a.txt", "cp1252")]) == ["a.txt: not UTF-8, read as cp1252"]
    assert redecoded_lines([*legacy, ("x.csv", "utf-16")]) == [
        "40 inputs (old0.txt, old1.txt, ...): not UTF-8, read as cp1252",
        "x.csv: not UTF-8, read as utf-16",
    ]
