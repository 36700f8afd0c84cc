"""Tests of text normalisation: words and offsets, paragraphs, quotes, n-gram and word hashes."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.text import (
    _TYPOGRAPHY,
    WORD_RE,
    Tokens,
    Utf8Texts,
    WordTable,
    _joined_words,
    broken_words,
    joined_tokens,
    ngram_hashes,
    normalize_word,
    paragraph_spans,
    paragraph_texts,
    quoted_spans,
    shingle_hash32,
    token_table,
    tokenize,
    tokenize_many,
    word_hashes,
    word_table,
)

# Text strategies: arbitrary unicode, and "news-like" text built from words, punctuation,
# apostrophes, abbreviation dots, quotation marks, newlines and blank lines.
ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=200,
)
PIECES = st.sampled_from(
    [
        "Iraq's",
        "Iraq’s",
        "U.S.",
        "US",
        "ﬁnance",
        "ＡＢＣ",
        "Straße",
        "café",
        "cafe\u0301",
        "don't",
        "3.5",
        "1,000",
        "foo_bar",
        "said",
        "the",
        "minister",
        "Reuters",
        "“",
        "”",
        '"',
        "«",
        "»",
        "„",
        "‹",
        "›",
        "'",
        "’",
        ".",
        ",",
        " - ",
        "-\n",
        "- ",
        "mini-",
        "—",
        "###",
        "#",
        "\n",
        "\n\n",
        "\n \n",
        "\r\n",
        "\t",
        " ",
        " ",
    ]
)
NEWSY_TEXT = st.lists(PIECES, max_size=60).map("".join)
TEXTS = st.one_of(ANY_TEXT, NEWSY_TEXT)
SEPARATORS = st.sampled_from([None, "###", "\n", "|"])


def words_of(text: str, separator: str | None = None) -> list[str]:
    """Return the normalised words of a text."""
    return list(tokenize(text, separator).words)


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the spans of a word's parts between the line breaks that hyphenate it."""
    cuts = [(h, c) for h, c in broken_words(text) if start < h and c < end]
    edges = [start, *(x for cut in cuts for x in cut), end]
    return list(zip(edges[::2], edges[1::2], strict=True))


def quoted_words(text: str) -> list[tuple[str, bool]]:
    """Return (word, quoted) for every word of a text."""
    tokens = tokenize(text)
    return [(w, bool(q)) for w, q in zip(tokens.words, tokens.quoted, strict=True)]


# --- offsets and token order (property tests) --------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, separator=SEPARATORS)
def test_every_token_offset_maps_back_to_its_word(text: str, separator: str | None) -> None:
    tokens = tokenize(text, separator)
    assert len(tokens.starts) == len(tokens.ends) == len(tokens.paragraph) == len(tokens)
    assert len(tokens.quoted) == len(tokens)
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends, strict=True):
        assert 0 <= start < end <= len(text)
        original = text[start:end]
        # A word broken at a line end spans its parts and the break between them.
        parts = [text[a:b] for a, b in _parts(text, start, end)]
        assert all(WORD_RE.fullmatch(part) for part in parts), original
        assert normalize_word("".join(parts)) == word


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, separator=SEPARATORS)
def test_tokens_are_increasing_and_non_overlapping(text: str, separator: str | None) -> None:
    tokens = tokenize(text, separator)
    assert np.all(tokens.starts[1:] >= tokens.ends[:-1])
    assert np.all(np.diff(tokens.paragraph) >= 0)
    spans = paragraph_spans(text, separator)
    for start, end, para in zip(tokens.starts, tokens.ends, tokens.paragraph, strict=True):
        p_start, p_end = spans[para]
        # A word broken at a line end may go on in the next paragraph (one line of OCR).
        first_end = _parts(text, int(start), int(end))[0][1]
        assert p_start <= start and first_end <= p_end


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, separator=SEPARATORS)
def test_numpy_fast_path_agrees_with_word_by_word_path(text: str, separator: str | None) -> None:
    tokens = tokenize(text, separator)
    hashes, starts, ends = _joined_words(text, paragraph_spans(text, separator))
    assert np.array_equal(tokens.starts, starts)
    assert np.array_equal(tokens.ends, ends)
    assert np.array_equal(tokens.hashes, hashes)
    assert np.array_equal(tokens.hashes, word_hashes(list(tokens.words)))


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, separator=SEPARATORS)
def test_paragraph_spans_are_ordered_non_empty_and_disjoint(
    text: str, separator: str | None
) -> None:
    spans = paragraph_spans(text, separator)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip()
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start
    assert paragraph_texts(text, separator) == [text[s:e] for s, e in spans]


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.text(alphabet="abc #\n", max_size=15), min_size=1, max_size=6),
)
def test_custom_separator_never_appears_in_a_paragraph_or_word(parts: list[str]) -> None:
    text = "###".join(parts)
    for start, end in paragraph_spans(text, "###"):
        assert "###" not in text[start:end]
    tokens = tokenize(text, "###")
    for start, end in zip(tokens.starts, tokens.ends, strict=True):
        assert "#" not in text[start:end]


@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
def test_quoted_flags_match_quoted_spans(text: str) -> None:
    paragraphs = paragraph_spans(text)
    spans = quoted_spans(text, paragraphs)
    tokens = tokenize(text)
    for start, quoted in zip(tokens.starts, tokens.quoted, strict=True):
        assert bool(quoted) == any(q0 <= start < q1 for q0, q1 in spans)
    # A quote never runs out of its paragraph.
    for q0, q1 in spans:
        assert any(p0 <= q0 <= q1 <= p1 for p0, p1 in paragraphs)


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("U.S.", "US"),
        ("U.S.", "u.s."),
        ("Iraq’s", "Iraq's"),
        ("IRAQ’S", "iraqs"),
        ("ＡＢＣ", "abc"),  # full-width letters (NFKC)
        ("ﬁnance", "finance"),  # ligature (NFKC)
        ("Straße", "STRASSE"),  # case folding, not just lower()
        ("Ǆemal", "džemal"),
        ("ＵＳ", "US"),
    ],
)
def test_spellings_normalise_alike(left: str, right: str) -> None:
    assert normalize_word(left) == normalize_word(right)
    assert words_of(f"The {left} said") == words_of(f"The {right} said")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Reuters", "reuters"),
        ("U.S.", "us"),
        ("Iraq’s", "iraqs"),
        ("don't", "dont"),
        ("e.g", "eg"),
        ("ＡＢＣ", "abc"),
        ("ﬁ", "fi"),
        ("Straße", "strasse"),
        ("café", "café"),
        ("2024", "2024"),
    ],
)
def test_normalize_word(word: str, expected: str) -> None:
    assert normalize_word(word) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [("US", "UK"), ("its", "it"), ("café", "cafe"), ("Iraq", "Iran")],
)
def test_different_words_stay_different(left: str, right: str) -> None:
    assert normalize_word(left) != normalize_word(right)


def test_word_keeps_original_offsets_after_normalisation() -> None:
    text = "In the U.S., ＡＢＣ reported Iraq’s ﬁnal tally."
    tokens = tokenize(text)
    assert tokens.words == ("in", "the", "us", "abc", "reported", "iraqs", "final", "tally")
    originals = [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert originals == ["In", "the", "U.S", "ＡＢＣ", "reported", "Iraq’s", "ﬁnal", "tally"]


def test_sentence_final_dot_is_not_part_of_a_word() -> None:
    tokens = tokenize("He left. She stayed.")
    assert tokens.words == ("he", "left", "she", "stayed")
    assert tokens.ends.tolist() == [2, 7, 12, 19]


def test_ascii_and_non_ascii_texts_normalise_ascii_words_alike() -> None:
    # A non-ASCII character elsewhere switches tokenize to the NFKC path.
    assert words_of("U.S. officials said Iraq's oil") == words_of(
        "U.S. officials said Iraq's oil —"
    )


def test_decomposed_and_composed_text_normalise_alike() -> None:
    composed = "The café reopened"
    decomposed = unicodedata.normalize("NFD", composed)
    assert words_of(decomposed) == words_of(composed)


def test_word_with_combining_vowel_signs_is_one_word() -> None:
    assert words_of("हिन्दी समाचार") == ["हिन्दी", "समाचार"]


def test_no_token_has_an_empty_matching_form() -> None:
    assert "" not in words_of("Name: ___ Date: _ Signed")


# --- paragraphs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        # Blank lines separate; single newlines inside a paragraph stay in it.
        ("First line\nstill first.\n\nSecond.", None, ["First line\nstill first.", "Second."]),
        # A blank line holding spaces or tabs is still a blank line.
        ("One.\n \t \nTwo.", None, ["One.", "Two."]),
        # No blank line anywhere: single newlines separate.
        ("One.\nTwo.\nThree.", None, ["One.", "Two.", "Three."]),
        # Empty paragraphs are dropped.
        ("\n\nOne.\n\n\n\n\nTwo.\n\n", None, ["One.", "Two."]),
        ("", None, []),
        ("   \n\n  ", None, []),
        # A custom separator replaces newline splitting altogether.
        ("One.\n\nstill one.###Two.", "###", ["One.\n\nstill one.", "Two."]),
        ("###One.######Two.###", "###", ["One.", "Two."]),
        ("No separator here.\n\nAt all.", "###", ["No separator here.\n\nAt all."]),
    ],
)
def test_paragraph_texts(text: str, separator: str | None, expected: list[str]) -> None:
    assert paragraph_texts(text, separator) == expected


def test_paragraph_index_of_words() -> None:
    tokens = tokenize("Alpha beta.\n\nGamma.\n\nDelta epsilon zeta.")
    assert tokens.words == ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
    assert tokens.paragraph.tolist() == [0, 0, 1, 2, 2, 2]


def test_separator_characters_never_become_words() -> None:
    text = "Officials met ### on Monday ###### and agreed###"
    tokens = tokenize(text, "###")
    assert tokens.words == ("officials", "met", "on", "monday", "and", "agreed")
    assert tokens.paragraph.tolist() == [0, 0, 1, 1, 2, 2]


def test_word_characters_in_a_separator_do_not_become_words() -> None:
    tokens = tokenize("alpha beta SPLIT gamma", "SPLIT")
    assert tokens.words == ("alpha", "beta", "gamma")
    assert tokens.paragraph.tolist() == [0, 0, 1]


# --- quotes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He said “we will win” today.", ["we", "will", "win"]),
        ('He said "we will win" today.', ["we", "will", "win"]),
        ("Il a dit « nous gagnerons » hier.", ["nous", "gagnerons"]),
        ("Er sagte „wir gewinnen“ heute.", ["wir", "gewinnen"]),
        ("He said ‹we win› today.", ["we", "win"]),
        ("He said Iraq's talks won't fail.", []),  # apostrophes are not quotes
        ("No quotes at all.", []),
        ("“One” and “two” but not three.", ["one", "two"]),
        ('"One" and "two" but not three.', ["one", "two"]),
    ],
)
def test_quoted_words(text: str, quoted: list[str]) -> None:
    assert [w for w, q in quoted_words(text) if q] == quoted


def test_open_quote_runs_to_the_end_of_its_paragraph_only() -> None:
    text = (
        "The minister said: “We will rebuild every school in the province.\n\n"
        "Officials later declined to give a timetable."
    )
    flags = quoted_words(text)
    first = [q for w, q in flags[:3]]
    assert first == [False, False, False]  # the, minister, said
    rebuilt = [q for w, q in flags if w in {"we", "rebuild", "province"}]
    assert rebuilt == [True, True, True]
    assert [q for w, q in flags if w in {"officials", "later", "timetable"}] == [False] * 3


def test_open_straight_quote_does_not_leak_into_next_paragraph() -> None:
    text = 'He said "this runs on\n\nand this does not "start here'
    flags = quoted_words(text)
    assert flags == [
        ("he", False),
        ("said", False),
        ("this", True),
        ("runs", True),
        ("on", True),
        ("and", False),
        ("this", False),
        ("does", False),
        ("not", False),
        ("start", True),
        ("here", True),
    ]


def test_quote_spans_point_inside_the_marks() -> None:
    text = "He said “we win” and left."
    spans = quoted_spans(text, paragraph_spans(text))
    assert [text[s:e] for s, e in spans] == ["we win"]


def test_stray_closing_quote_quotes_nothing() -> None:
    assert not any(q for _, q in quoted_words("Nothing ” is quoted » here."))


Hasher = Callable[[list[str]], np.ndarray]


# --- hashes ------------------------------------------------------------------------------------


@pytest.fixture
def hasher() -> Hasher:
    return word_hashes


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("length", [0, 1, 4, 5, 12])
def test_ngram_hashes_length(hasher: Hasher, n: int, length: int) -> None:
    words = [f"word{i}" for i in range(length)]
    grams = ngram_hashes(hasher(words), n)
    assert grams.dtype == np.uint64
    assert len(grams) == max(0, length - n + 1)


@settings(max_examples=150, deadline=None)
@given(
    gram=st.lists(st.sampled_from(["the", "minister", "said", "oil", "us", "iraqs"]), min_size=3),
    before=st.lists(st.sampled_from(["a", "b", "c"]), max_size=5),
    after=st.lists(st.sampled_from(["x", "y"]), max_size=5),
    n=st.integers(1, 3),
)
def test_equal_word_runs_hash_alike_at_any_position(
    gram: list[str], before: list[str], after: list[str], n: int
) -> None:
    alone = ngram_hashes(word_hashes(gram), n)
    embedded = ngram_hashes(word_hashes(before + gram + after), n)
    assert np.array_equal(embedded[len(before) : len(before) + len(alone)], alone)


def test_ngram_hashes_depend_on_order(hasher: Hasher) -> None:
    forward = ngram_hashes(hasher(["oil", "exports", "resume"]), 3)
    backward = ngram_hashes(hasher(["resume", "exports", "oil"]), 3)
    swapped = ngram_hashes(hasher(["exports", "oil", "resume"]), 3)
    assert len({int(forward[0]), int(backward[0]), int(swapped[0])}) == 3


def test_ngram_hashes_of_a_text_are_distinct_for_distinct_grams(
    hasher: Hasher,
) -> None:
    sentence = "iraqi officials said on sunday that talks with the kurdish region would resume"
    words = sentence.split()
    grams = ngram_hashes(hasher(words), 3)
    assert len(set(grams.tolist())) == len(grams)


def test_ngram_hashes_do_not_modify_their_input(hasher: Hasher) -> None:
    hashes = hasher(["a", "b", "c", "d"])
    copy = hashes.copy()
    ngram_hashes(hashes, 2)
    assert np.array_equal(hashes, copy)


def test_word_hashes_are_equal_for_equal_words_and_differ_otherwise(
    hasher: Hasher,
) -> None:
    words = ["reuters", "iraqs", "café", "us", "reuters", "sr", "rs"]
    hashes = hasher(words).tolist()
    assert hashes[0] == hashes[4]
    assert len(set(hashes)) == 6
    assert hasher(tuple(words)).dtype == np.uint64
    assert len(hasher([])) == 0


def test_word_hashes_are_stable_across_processes(hasher: Hasher) -> None:
    words = ["reuters", "iraqs", "café", "us"]
    code = (
        "from dedupe.text import word_hashes; "
        f"print(' '.join(str(v) for v in word_hashes({words!r}).tolist()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert [int(v) for v in result.stdout.split()] == hasher(words).tolist()


def test_shingle_hash32_folds_the_two_halves() -> None:
    values = np.array([0, 1, 0xFFFFFFFF00000000, 0x123456789ABCDEF0], dtype=np.uint64)
    folded = shingle_hash32(values)
    assert folded.dtype == np.uint32
    expected = [((int(v) >> 32) ^ int(v)) & 0xFFFFFFFF for v in values]
    assert folded.tolist() == expected


def test_tokens_dataclass_len_and_empty_text() -> None:
    tokens = tokenize("")
    assert isinstance(tokens, Tokens)
    assert len(tokens) == 0
    assert tokens.starts.dtype == np.int64
    assert tokens.quoted.dtype == bool


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXTS, max_size=80), separator=SEPARATORS)
def test_word_table_of_many_texts_equals_tokenize_text_by_text(
    compiled: bool, texts: list[str], separator: str | None
) -> None:
    # More texts than one batch, mixing ASCII with texts that take the word-by-word path.
    table = word_table(texts, separator, compiled=compiled)
    assert_same_words_and_paragraphs(table, texts, separator)


# Paragraph structure: every kind of blank and line break, typography (some of it blank to
# Python, some not), line-break hyphens; the characters of BEYOND_ASCII are mixed in below.
LAYOUT = st.lists(
    st.one_of(
        st.sampled_from(["ab", "Cd", "it's", "U.S.", "x_y", "a.", "'b", '"', "ab-", "-", "¬"]),
        st.sampled_from(
            [
                "\n", "\n\n", "\n \n", "\n\t\n", "\r\n", "\r\n\r\n", "\n\v\f\n", " ",
                "\t", "\x1c", "\x85", "\u2028", "\n\u00a0\n", "\n\u200b\n", "\n\u2009\n",
                "\x01", "\x02", "\n\x02\n", "\x00",
            ]
        ),
        st.sampled_from(list(_TYPOGRAPHY)),
    ),
    max_size=30,
).map("".join)  # fmt: skip
# Characters beyond ASCII: letters that case-fold or normalise to something else (ß, ﬁ, İ,
# the Kelvin sign, a mathematical A, full-width A, superscript two, one half), combining
# marks, other scripts and digits, emoji, a lone surrogate, spaces and separators.
BEYOND_ASCII = [
    "é", "É", "Zürich", "ß", "ﬁ", "İ", "\u212a", "\U0001d400", "Ａ", "²", "½", "e\u0301",
    "\u0301", "Москва", "東京", "٣", "ا", "😀", "\ud800", "\u3000", "\u2028", "\x85", "©",
    "£", "\u00ad", "\u200e",
]  # fmt: skip
LAYOUTS = st.lists(
    st.one_of(
        LAYOUT, LAYOUT, LAYOUT,
        st.lists(st.one_of(LAYOUT, st.sampled_from(BEYOND_ASCII)), max_size=6).map("".join),
    ),
    max_size=6,
)  # fmt: skip


@pytest.mark.parametrize("utf8", [False, True], ids=["str", "utf8"])
@settings(max_examples=500, deadline=None)
@given(texts=LAYOUTS)
def test_compiled_word_table_finds_the_same_paragraphs(utf8: bool, texts: list[str]) -> None:
    given_texts = Utf8Texts.of(texts) if utf8 else texts
    assert_same_words_and_paragraphs(word_table(given_texts, compiled=True), texts, None)


@pytest.mark.parametrize("utf8", [False, True], ids=["str", "utf8"])
@settings(max_examples=500, deadline=None)
@given(texts=LAYOUTS)
def test_compiled_token_table_finds_the_same_paragraphs_and_quotes(
    utf8: bool, texts: list[str]
) -> None:
    table = token_table(Utf8Texts.of(texts) if utf8 else texts, compiled=True)
    for index, text in enumerate(texts):
        found, single = table.tokens(index), tokenize(text)
        for name in ("hashes", "starts", "ends", "paragraph", "quoted"):
            assert np.array_equal(getattr(found, name), getattr(single, name)), name


def assert_same_words_and_paragraphs(
    table: WordTable, texts: list[str], separator: str | None
) -> None:
    expected = [tokenize(text, separator) for text in texts]
    assert np.array_equal(table.hashes, np.concatenate([t.hashes for t in expected] or [[]]))
    assert table.document.tolist() == [i for i, t in enumerate(expected) for _ in range(len(t))]
    for index, tokens in enumerate(expected):
        numbers = table.paragraph[table.document == index]
        # Numbered across texts, in text order; within a text, numbers change where
        # tokenize's paragraph index changes.
        assert np.array_equal(np.diff(numbers) != 0, np.diff(tokens.paragraph) != 0)
    assert np.all(np.diff(table.paragraph) >= 0)
    later = [table.paragraph[table.document == i] for i in range(len(texts))]
    nonempty = [p for p in later if len(p)]
    assert all(a[-1] < b[0] for a, b in itertools.pairwise(nonempty))


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
@settings(max_examples=100, deadline=None)
@given(texts=st.lists(TEXTS, max_size=150), separator=SEPARATORS)
def test_tokenize_many_equals_tokenize_text_by_text(
    compiled: bool, texts: list[str], separator: str | None
) -> None:
    # Over two batches of ASCII texts, interleaved with texts split word by word.
    many_tokens = tokenize_many(texts, separator, compiled=compiled)
    for many, one in zip(many_tokens, texts, strict=True):
        single = tokenize(one, separator)
        assert many.text == one
        for name in ("hashes", "starts", "ends", "paragraph", "quoted"):
            assert np.array_equal(getattr(many, name), getattr(single, name)), name
            assert getattr(many, name).dtype == getattr(single, name).dtype, name


@pytest.mark.parametrize(
    ("compiled", "utf8"),
    [(False, False), (True, False), (True, True)],
    ids=["numpy", "compiled", "utf8"],
)
@settings(max_examples=100, deadline=None)
@given(texts=st.lists(TEXTS, max_size=150), separator=SEPARATORS)
def test_token_table_holds_tokenize_of_each_text(
    compiled: bool, utf8: bool, texts: list[str], separator: str | None
) -> None:
    # Over two batches of ASCII texts, interleaved with texts split word by word, which
    # cut a batch short; from their UTF-8 bytes too, the splitter given no separator or one.
    table = token_table(Utf8Texts.of(texts) if utf8 else texts, separator, compiled=compiled)
    assert len(table) == len(texts)
    assert table.offsets[0] == 0 and table.offsets[-1] == len(table.hashes)
    for index, text in enumerate(texts):
        found, single = table.tokens(index), tokenize(text, separator)
        assert found.text == text
        for name in ("hashes", "starts", "ends", "paragraph", "quoted"):
            assert np.array_equal(getattr(found, name), getattr(single, name)), name
            assert getattr(found, name).dtype == getattr(single, name).dtype, name


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(max_size=30), max_size=8))
def test_utf8_texts_hold_the_texts(texts: list[str]) -> None:
    """Any text, lone surrogates included, decodes back from its UTF-8 bytes."""
    utf8 = Utf8Texts.of(texts)
    assert len(utf8) == len(texts) and list(utf8) == texts
    assert utf8[1:] == texts[1:] and utf8[::-1] == texts[::-1]
    for index in range(-len(texts), len(texts)):
        assert utf8[index] == texts[index]
    with pytest.raises(IndexError):
        utf8[len(texts)]
    assert Utf8Texts.of(utf8) is utf8


def test_utf8_texts_are_decoded_only_where_python_reads_words() -> None:
    """The compiled splitters read the bytes; Python decodes only a text holding a word
    beyond ASCII or one broken at a line end, once."""
    texts = [
        "Plain (Reuters) - news, “quoted”.",
        "Caf\u00e9 and caf\u00e9 again.",
        "offi-\ncielles",
        "More plain text.",
    ]
    for split in (token_table, word_table):
        utf8 = Utf8Texts.of(texts)
        found = split(utf8, compiled=True)
        assert np.array_equal(found.hashes, split(texts, compiled=True).hashes)
        assert sorted(utf8._decoded) == [1, 2]


def test_token_table_of_real_articles_equals_joined_tokens(seeds_dir: Path) -> None:
    texts = [path.read_text("utf-8") for path in sorted(seeds_dir.glob("*.txt"))]
    assert texts
    table, joined = token_table(texts, compiled=True), joined_tokens(tokenize_many(texts))
    assert table.quoted.any()
    for name in ("offsets", "hashes", "starts", "ends", "paragraph", "quoted"):
        assert np.array_equal(getattr(table, name), getattr(joined, name)), name


# --- words broken at a line end ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("les mesures offi-\ncielles du", ["les", "mesures", "officielles", "du"]),
        ("offi- cielles", ["officielles"]),
        ("gov-\n  ern-\r\nment’s line", ["governments", "line"]),
        ("Ver¬\nwaltung", ["verwaltung"]),
        ("pre- and post-war", ["pre", "and", "post", "war"]),  # suspended compound
        ("Smith-\nJones", ["smith", "jones"]),  # goes on in capitals: two words
        ("1916-\nthe", ["1916", "the"]),  # after a digit: no word broken
        ("word -\nnext", ["word", "next"]),  # a dash, not a hyphen
        ("well-known", ["well", "known"]),
    ],
)
def test_words_broken_at_a_line_end_are_joined(text: str, words: list[str]) -> None:
    tokens = tokenize(text)
    assert tokens.hashes.tolist() == tokenize(" ".join(words)).hashes.tolist()
    for compiled in (False, True):
        table = token_table([text, "x"], compiled=compiled).tokens(0)
        assert table.hashes.tolist() == tokens.hashes.tolist()
        assert word_table([text], compiled=compiled).hashes.tolist() == tokens.hashes.tolist()


def test_a_joined_word_keeps_offsets_into_the_text_as_read() -> None:
    text = "Les mesures offi-\ncielles du"
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "Les",
        "mesures",
        "offi-\ncielles",
        "du",
    ]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(["ab", "cde", "fghij", "the", "x1"]), min_size=1, max_size=30),
    breaks=st.lists(st.integers(0, 200), max_size=5),
)
def test_breaking_words_at_line_ends_changes_no_hash(words: list[str], breaks: list[int]) -> None:
    text = " ".join(words)
    broken = list(text)
    for position in sorted(set(breaks), reverse=True):
        if 0 < position < len(text) and text[position - 1].isalpha() and text[position].islower():
            broken.insert(position, "-\n")
    assert tokenize("".join(broken)).hashes.tolist() == tokenize(text).hashes.tolist()


@settings(max_examples=300, deadline=None)
@given(
    starts=st.sets(st.integers(0, 300), max_size=40),
    edges=st.sets(st.integers(0, 310), max_size=12),
)
def test_words_in_quotes_are_the_words_starting_inside_a_quote(
    starts: set[int], edges: set[int]
) -> None:
    from dedupe.text import words_in_quotes

    ordered = np.array(sorted(starts), dtype=np.int64)
    cuts = sorted(edges)[: len(edges) // 2 * 2]
    quotes = np.array(cuts, dtype=np.int64).reshape(-1, 2)
    expected = [any(lo <= s < hi for lo, hi in quotes.tolist()) for s in ordered.tolist()]
    assert words_in_quotes(ordered, quotes).tolist() == expected
