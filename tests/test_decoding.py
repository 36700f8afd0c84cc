"""Bytes to text: UTF-16/32 without a byte-order mark, binary files, and physical lines that
never hold more than the size limit."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.decoding import (
    Line,
    Lines,
    binary_file,
    detect_encoding,
    peek,
    too_large,
    wide_encoding,
)

LATIN = "The council voted on Tuesday to approve the budget, officials said.\n" * 3
CYRILLIC = "Городской совет проголосовал во вторник за бюджет.\n" * 6
CJK = ("市议会周二投票批准了预算。" * 30 + "\n") * 3


@pytest.mark.parametrize("text", [LATIN, CYRILLIC, CJK], ids=["latin", "cyrillic", "cjk"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_are_told_without_a_byte_order_mark(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert wide_encoding(data[:8192]) == codec
    assert wide_encoding(data[:8191]) == codec  # cut inside a character
    assert not binary_file(data[:8192])


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (LATIN.encode("utf-16"), "utf-16"),
        (LATIN.encode("utf-32"), "utf-32"),
        (b"\xff\xfe\x00\x00" + "x".encode("utf-32-le"), "utf-32"),  # not UTF-16 "\x00"
    ],
)
def test_a_byte_order_mark_decides(data: bytes, codec: str) -> None:
    assert wide_encoding(data) == codec


@pytest.mark.parametrize(
    "data",
    [
        LATIN.encode(),
        LATIN.encode() + b"\x00" + LATIN.encode(),  # a stray NUL: UTF-8 with a bad record
        b"id,text\n1,\x00\n",  # short, with a NUL right before a line end
        b'{"text": "a"}\n\x00 \x00',
        b"\x00" * 64,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01\xff" * 40,
    ],
)
def test_text_with_stray_nul_bytes_and_binary_data_are_not_wide(data: bytes) -> None:
    assert wide_encoding(data[:8192]) is None


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01\xff" * 40, True),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5\xe9" * 10, True),
        (os.urandom(8192), True),
        (b"id,text\n" + "1,café\n".encode("cp1252") * 100 + b"2,a\x00b\n", False),
        (LATIN.encode(), False),
        (LATIN.encode("utf-16-le"), False),
    ],
)
def test_binary_files_are_told_by_their_control_bytes(data: bytes, binary: bool) -> None:
    assert binary_file(data[:8192]) is binary


def lines_of(data: bytes, limit: int | None = None) -> tuple[list[Line], list[str]]:
    noted: list[str] = []
    stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    return list(Lines(stream, peek(stream), limit, noted.append)), noted


def test_lines_keep_their_ends_and_numbers() -> None:
    lines, noted = lines_of(b"\xef\xbb\xbfone\r\ntwo\n\nthree")
    assert [(x.number, x.text, x.problem) for x in lines] == [
        (1, "one\r\n", None),
        (2, "two\n", None),
        (3, "\n", None),
        (4, "three", None),
    ]
    assert noted == []


def test_lines_over_the_limit_are_not_held() -> None:
    data = b'short\n"' + b"x" * 5000 + b"\nfits exactly\n" + b"y" * 13 + b"\n"
    lines, _ = lines_of(data, limit=12)
    assert [(x.number, x.text, x.problem, x.size) for x in lines] == [
        (1, "short\n", None, 6),
        (2, '"', "too-large", 5002),  # text: only whether it left a quote open
        (3, "fits exactly\n", None, 13),
        (4, "", "too-large", 14),
    ]
    assert too_large(5002, 12) == (
        "record of 5,002 bytes is larger than the maximum document size"
        " (12 bytes; see --max-document-size)"
    )


def test_lines_not_in_utf8_are_decoded_with_one_detected_encoding() -> None:
    data = "plain\ncafé “quoted”\nnaïve\n".encode("cp1252")
    lines, noted = lines_of(b"ascii first\n" + data)
    assert [x.text for x in lines] == ["ascii first\n", "plain\n", "café “quoted”\n", "naïve\n"]
    assert noted == ["cp1252"]


def test_a_nul_marks_its_line_binary() -> None:
    lines, _ = lines_of(b"fine\nbad\x00line\nfine again\n")
    assert [x.problem for x in lines] == [None, "binary", None]


def test_plain_lines_carry_their_bytes_only_when_these_are_their_text_in_utf8() -> None:
    data = b"\xef\xbb\xbf{}\n" + '{"a": "café"}\r\n'.encode() + b"bad\x00\n" + b"x" * 40 + b"\n"
    data += "naïve\n".encode("cp1252") + b"after\n"
    stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    lines = list(Lines(stream, peek(stream), 20, lambda _: None).plain())
    assert [(number, problem, raw) for number, _, problem, _, raw in lines] == [
        (1, None, None),  # the byte order mark is not its text
        (2, None, '{"a": "café"}\r\n'.encode()),
        (3, "binary", b"bad\x00\n"),
        (4, "too-large", None),
        (5, None, None),  # read in the fallback encoding
        (6, None, b"after\n"),
    ]
    assert all(raw is None or raw.decode() == text for _, text, _, _, raw in lines)


def test_a_wide_file_that_stops_being_valid_skips_the_rest() -> None:
    data = "first line\nsecond\n".encode("utf-16") + b"\x00\xd8\x41\x00"  # lone surrogate
    lines, noted = lines_of(data)
    assert lines[-1].problem == "undecodable-rest"
    assert noted == ["utf-16"]


TEXT_LINES = st.lists(
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40), min_size=1
)


@settings(max_examples=200, deadline=None)
@given(
    TEXT_LINES,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32-be"]),
)
def test_lines_come_back_the_same_in_every_encoding(texts: list[str], codec: str) -> None:
    body = "".join(f"line {k}: {text}\n" for k, text in enumerate(texts))
    lines, _ = lines_of(body.encode(codec))
    assert "".join(x.text for x in lines) == body
    assert [x.number for x in lines] == list(range(1, len(texts) + 1))
    assert all(x.problem is None for x in lines)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"when talking about Google\x92s PageRank algorithm", "cp1252"),
        (b"\x93Quoted,\x94 he said \x96 twice\x85", "cp1252"),
    ],
)
def test_ascii_text_with_windows_quotes_and_dashes_is_windows_1252(
    data: bytes, encoding: str
) -> None:
    assert detect_encoding(data * 3) == encoding


def test_a_clough_answer_with_one_curly_apostrophe_reads_as_written(clough_dir: Path) -> None:
    (document,) = dedupe.read_documents([clough_dir / "g2pB_taskb.txt"])
    assert "Google\u2019s PageRank" in document.text
