"""The record spool: records as read, back in input order, only those asked for decoded."""

from __future__ import annotations

from dedupe.documents import SourceRecord
from dedupe.records import RecordSpool, record_fields


def test_the_spool_gives_back_each_record_as_read_and_skips_those_not_wanted() -> None:
    spool = RecordSpool()
    lines = ['{"id": "a", "text": "Café “quoted” — ok"}', '{"id": "b", "text": "x\\u2028y"}']
    spool.add("a", SourceRecord("jsonl", {}, line=lines[0] + "\n"))
    spool.add("b", SourceRecord("jsonl", {}, line=lines[1]))
    header, values = ("id", "text"), ("c", 'a "b", c')
    spool.add(
        "c",
        SourceRecord("csv", dict(zip(header, values, strict=True)), header=header, values=values),
    )
    spool.add("d", SourceRecord("document", {"id": "d", "text": "ünïcode"}))
    try:
        every = list(spool.records())
        assert [id for id, _ in every] == ["a", "b", "c", "d"]
        assert [r.line for _, r in every[:2] if r is not None] == lines
        assert every[2][1] is not None and every[2][1].values == values
        assert every[3][1] is not None and record_fields(every[3][1]) == {
            "id": "d",
            "text": "ünïcode",
        }
        some = list(spool.records(lambda id: id in {"b", "d"}))
        assert [(id, record is None) for id, record in some] == [
            ("a", True), ("b", False), ("c", True), ("d", False)
        ]  # fmt: skip
        assert some[1][1] == every[1][1] and some[3][1] == every[3][1]
    finally:
        spool.close()


def test_a_json_line_spooled_from_its_bytes_comes_back_as_from_its_text() -> None:
    text = ' {"id": "a", "text": "Café “quoted”\\u2028 — ok"} \r\n'
    spool = RecordSpool()
    spool.add("a", SourceRecord("jsonl", {}, line=text, data=text.encode()))
    spool.add("b", SourceRecord("jsonl", {}, line=text))
    try:
        first, second = (record for _, record in spool.records())
        assert first is not None and second is not None
        assert first.line == second.line == text.strip()
    finally:
        spool.close()
