"""The compiled ASCII splitter finds exactly the words, offsets and hashes of numpy's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.text import (
    _TYPOGRAPHY,
    _inside_mask,
    _words_inside,
    broken_words,
    ngram_hashes,
    tokenize_many,
)
from dedupe.text_compiled import ascii_words, plain_words
from dedupe.text_compiled import ngram_hashes as compiled_ngram_hashes

# Letters, digits, joiners ("U.S.", "it's", "snake_case") and what separates words.
BYTES = st.text(alphabet="ab9Z'._ -\n,\"", max_size=80)


def both(data: bytes, bounds: list[tuple[int, int]]) -> tuple[list[list[int]], list[list[int]]]:
    array = np.frombuffer(data.lower(), dtype=np.uint8)
    spans = np.array(bounds, dtype=np.int64).reshape(-1, 2)
    compiled = ascii_words(array, spans)
    reference = _words_inside(array, _inside_mask(len(array), spans))
    return [a.tolist() for a in compiled], [a.tolist() for a in reference]


@settings(max_examples=500, deadline=None)
@given(text=BYTES, cuts=st.lists(st.integers(0, 80), max_size=6))
def test_same_words_inside_any_spans(text: str, cuts: list[int]) -> None:
    # Spans start and end anywhere, even inside a word or on a joiner, never touching.
    data = text.encode("ascii")
    edges = sorted({min(c, len(data)) for c in cuts})
    bounds = [(lo, hi) for lo, hi in zip(edges[::2], edges[1::2], strict=False) if hi > lo]
    bounds = [(lo, hi) for k, (lo, hi) in enumerate(bounds) if k == 0 or lo > bounds[k - 1][1]]
    compiled, reference = both(data, bounds or [(0, len(data))])
    assert compiled == reference


@pytest.mark.parametrize(
    ("text", "bounds", "words"),
    [
        (b"u.s. it's", [(0, 9)], [(0, 3), (5, 9)]),
        (b"u.s", [(0, 2)], [(0, 1)]),  # a joiner at a span's end joins nothing
        (b"ab.cd ef", [(0, 3), (4, 8)], [(0, 2), (4, 5), (6, 8)]),
        (b"'quote' _x_", [(0, 11)], [(1, 6), (9, 10)]),
    ],
)
def test_words_at_joiners_and_span_edges(
    text: bytes, bounds: list[tuple[int, int]], words: list[tuple[int, int]]
) -> None:
    compiled, reference = both(text, bounds)
    assert compiled == reference
    assert list(zip(compiled[1], compiled[2], strict=True)) == words


def test_real_articles_tokenize_alike(seeds_dir: Path, clough_dir: Path, pan_dir: Path) -> None:
    paths = [
        *sorted(seeds_dir.glob("*.txt")),
        *sorted(clough_dir.glob("*.txt")),
        *sorted((pan_dir / "src").iterdir())[:40],
    ]
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in paths]
    compiled = tokenize_many(texts, compiled=True)
    reference = tokenize_many(texts)
    assert sum(len(t) for t in reference) > 50_000
    for fast, slow in zip(compiled, reference, strict=True):
        for name in ("hashes", "starts", "ends", "paragraph", "quoted"):
            assert np.array_equal(getattr(fast, name), getattr(slow, name)), name


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.integers(0, 2**64 - 1), max_size=40),
    n=st.integers(1, 7),
)
def test_ngram_hashes_equal_numpys(words: list[int], n: int) -> None:
    hashes = np.array(words, dtype=np.uint64)
    compiled = compiled_ngram_hashes(hashes, n)
    assert compiled.dtype == np.uint64
    assert compiled.tolist() == ngram_hashes(hashes, n).tolist()


def test_ngram_hashes_of_real_text_equal_numpys(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        hashes = tokenize_many([path.read_text("utf-8")])[0].hashes
        for n in (1, 5):
            assert np.array_equal(compiled_ngram_hashes(hashes, n), ngram_hashes(hashes, n))


def test_plain_words_read_every_text_and_flag_words_beyond_ascii() -> None:
    # Typographic marks are read from their UTF-8 bytes (2 and 3 bytes long); letters
    # beyond ASCII (2, 3 and 4 bytes) make words of their own, flagged for normalising;
    # a lone surrogate and an emoji separate words.
    texts = [
        "".join(f"a{mark}b " for mark in _TYPOGRAPHY),
        "plain ASCII",
        "",
        "caf\u00e9 it\u2019s",
        "\u4e2d\u6587",
        "emoji\U0001f600x \U0001d400",
        "lone\ud800x",
    ]
    found = plain_words(texts)
    words = [
        [
            texts[d][s:e]
            for d, s, e in zip(found.document, found.starts, found.ends, strict=True)
            if d == k
        ]
        for k in range(len(texts))
    ]
    assert words[3:] == [
        ["caf\u00e9", "it\u2019s"],
        ["\u4e2d\u6587"],
        ["emoji", "x", "\U0001d400"],
        ["lone", "x"],
    ]
    flagged = {
        texts[d][s:e]
        for d, s, e, f in zip(found.document, found.starts, found.ends, found.foreign, strict=True)
        if f
    }
    assert flagged == {"caf\u00e9", "\u4e2d\u6587", "\U0001d400"}
    assert found.paragraphs.tolist() == [1, 1, 0, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("offi-\ncielles", True),
        ("offi-  cielles", True),
        ("offi\u00ad\r\ncielles", True),
        ("offi\u2010\tcielles", True),
        ("offi\u00ac cielles", True),
        ("(Reuters) - Oil", False),  # a dash between spaces: no letter before it
        ("figures 1- and 2-", False),  # nor a digit
        ("caf\u00e9- x", True),  # any character beyond ASCII may be a letter
        ("\u02bc\u2010\nx", True),  # a modifier letter (alphabetic, beyond ASCII)
        ("e-mail and long\u2010term", False),
        ("-", False),
        ("caf\u00e9 -\u3000x", False),  # an ideographic space is no line end
    ],
)
def test_texts_that_may_hold_a_broken_word_are_marked(text: str, marked: bool) -> None:
    assert plain_words([text]).breaks.tolist() == [marked]


@settings(max_examples=500, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="aB1-\u00ad\u2010\u00ac \t\r\n\u00e9\u02bc'.(", max_size=40))
)
def test_every_text_with_a_broken_word_is_marked(texts: list[str]) -> None:
    """`breaks` is what `join_broken_words` searches: a text it leaves unmarked must hold no
    word broken at a line end."""
    marked = plain_words(texts).breaks.tolist()
    for text, mark in zip(texts, marked, strict=True):
        assert mark or not broken_words(text)
