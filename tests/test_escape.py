"""Escaping text from the input for terminals, spreadsheets (CSV) and Markdown."""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.escape import FORMULA_STARTS, csv_cell, markdown_cell, terminal_safe

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=60)
# Text with the characters that matter here made common.
HOSTILE = st.text(
    st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(list("\x1b\x07\x9b\x00\r\n\t\u202e\u2066\u2028|<>&*_`[]\\=+-@'\"")),
    ),
    max_size=60,
)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe_for_terminal(char: str) -> bool:
    """Return whether a character acts on a terminal or reorders text (the test's own rule)."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI


# --- terminal_safe -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear screen
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # window title
        ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\"),
        ("\x9b31m", "\\x9b31m"),  # 8-bit CSI
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("admin\u202etxt.exe", "admin\\u202etxt.exe"),
        ("line\u2028break", "line\\u2028break"),
        ("café “quoted” 東京", "café “quoted” 東京"),
    ],
)  # fmt: skip
def test_terminal_safe_examples(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown


@settings(max_examples=500)
@given(HOSTILE | ANY_TEXT)
def test_terminal_safe_leaves_no_control_character_and_changes_nothing_else(text: str) -> None:
    safe = terminal_safe(text)
    assert not any(unsafe_for_terminal(char) for char in safe)
    assert "\n" not in safe  # a message stays on one line
    # Escapes are printable ASCII standing in for each unsafe character, in place.
    pattern = "".join(
        r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])" if unsafe_for_terminal(c) else re.escape(c)
        for c in text
    )
    assert re.fullmatch(pattern, safe)
    assert terminal_safe(safe) == safe
    if not any(unsafe_for_terminal(char) for char in text):
        assert safe is text


# --- csv_cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-inf", "'-inf"),
        ("-3", "-3"),
        ("+1.5e3", "+1.5e3"),
        ("-.5", "-.5"),
        ("harbour-gazette", "harbour-gazette"),
        ("", ""),
        (12, 12),
        (-3.5, -3.5),
    ],
)  # fmt: skip
def test_csv_cell_examples(value: str | int | float, cell: str | int | float) -> None:
    assert csv_cell(value) == cell


def number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "nan", "infinity")


@settings(max_examples=500)
@given(HOSTILE | ANY_TEXT)
def test_csv_cells_never_start_a_formula_and_keep_their_text(text: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text), "after"])
    (cell, after) = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert after == "after"
    if cell.startswith(FORMULA_STARTS):
        assert number(cell) and cell == text
    assert cell in (text, "'" + text)
    assert (cell != text) == (text.startswith(FORMULA_STARTS) and not number(text))


@given(st.integers() | st.floats(allow_nan=False))
def test_csv_numbers_stay_numbers(value: int | float) -> None:
    assert csv_cell(value) == value
    assert csv_cell(str(value)) == str(value) or not number(str(value))


# --- markdown_cell -------------------------------------------------------------------------


def unescape_markdown(cell: str) -> str:
    """Return what a Markdown renderer shows for a cell: escapes resolved, <br> a line break."""
    return re.sub(r"\\(.)|<br>", lambda m: m.group(1) or "\n", cell)


def unescaped(cell: str, char: str) -> list[int]:
    """Return the positions of `char` in a cell that no backslash escapes."""
    found, k = [], 0
    while k < len(cell):
        if cell[k] == "\\":
            k += 2
            continue
        if cell[k] == char:
            found.append(k)
        k += 1
    return found


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("a|b", "a\\|b"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("[click](javascript:x)", "\\[click\\](javascript:x)"),
        ("![](http://tracker/p.gif)", "!\\[\\](http://tracker/p.gif)"),
        ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
        ("~~del~~ $x$", "\\~\\~del\\~\\~ \\$x\\$"),
        ("one\ntwo\r\nthree", "one<br>two<br>three"),
        ("AT&T", "AT\\&T"),
        ("back\\slash", "back\\\\slash"),
        ("story-1", "story-1"),
        ("esc\x1b[2J", "esc\\x1b\\[2J"),
    ],
)  # fmt: skip
def test_markdown_cell_examples(text: str, cell: str) -> None:
    assert markdown_cell(text) == cell


@settings(max_examples=500)
@given(HOSTILE | ANY_TEXT)
def test_markdown_cells_make_no_markup_and_never_end_the_cell(text: str) -> None:
    cell = markdown_cell(text)
    assert "\n" not in cell and "\r" not in cell
    for char in "|<>*_`[]&~$":
        assert not unescaped(cell, char) or (char in "<>" and _only_breaks(cell))
    row = f"| {cell} | next |"
    pipes = unescaped(row, "|")
    assert [row[a + 1 : b] for a, b in itertools.pairwise(pipes)] == [f" {cell} ", " next "]
    plain = text.replace("\r\n", "\n").replace("\r", "\n")
    plain = plain.replace("\u2028", "\n").replace("\u2029", "\n")
    if not any(unsafe_for_terminal(c) and c != "\n" for c in plain):
        assert unescape_markdown(cell) == plain


def _only_breaks(cell: str) -> bool:
    """Return whether every unescaped < or > in a cell belongs to a <br> we wrote."""
    rest = re.sub(r"\\.", "", cell).replace("<br>", "")
    return "<" not in rest and ">" not in rest
