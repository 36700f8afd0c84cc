"""Text normalisation and shingling: paragraphs, words with their offsets, quotes, n-gram hashes.

Normalisation is for matching only: every word keeps the character offsets of its original
spelling, so everything reported points back into the text exactly as read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import xxhash

# A word: letters/digits, joined across apostrophes and abbreviation dots ("U.S.", "Iraq's").
WORD_RE = re.compile(r"\w+(?:['’.]\w+)*")
_JOINERS_RE = re.compile(r"['’._]")
_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NEWLINE_RE = re.compile(r"\n\s*")

# Quotation marks. Straight double quotes toggle; the others open or close.
_OPENERS = "“«„‹"
_CLOSERS = "”»›"
_TOGGLES = '"'
_QUOTE_RE = re.compile(r"[“”«»„‹›\"]")

_UINT64 = np.uint64
_MIX1 = _UINT64(0xFF51AFD7ED558CCD)
_MIX2 = _UINT64(0xC4CEB9FE1A85EC53)
_GRAM_MULT = _UINT64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Tokens:
    """The words of one document: normalised forms and where each stands in the original text.

    `starts`/`ends` are character offsets (end exclusive); `paragraph` is each word's paragraph
    index; `quoted` is True for words inside quotation marks.
    """

    words: tuple[str, ...]
    starts: np.ndarray
    ends: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def normalize_word(word: str) -> str:
    """Return the matching form of one word: NFKC, case-folded, without apostrophes or dots."""
    folded = word.lower() if word.isascii() else unicodedata.normalize("NFKC", word).casefold()
    return _JOINERS_RE.sub("", folded) if not folded.isalnum() else folded


def paragraph_spans(text: str, separator: str | None = None) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the paragraphs of `text`.

    Paragraphs are separated by `separator` when given, else by blank lines, else (for a text
    with no blank line) by single newlines. Empty paragraphs are dropped.
    """
    if separator:
        splitter: re.Pattern[str] = re.compile(re.escape(separator))
    elif _BLANK_LINE_RE.search(text):
        splitter = _BLANK_LINE_RE
    else:
        splitter = _NEWLINE_RE
    spans: list[tuple[int, int]] = []
    position = 0
    for match in splitter.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def paragraph_texts(text: str, separator: str | None = None) -> list[str]:
    """Return the paragraphs of `text` as strings (see `paragraph_spans`)."""
    return [text[s:e] for s, e in paragraph_spans(text, separator)]


def quoted_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the character spans of `text` that lie inside quotation marks.

    Quotes do not run across paragraphs: a quote left open runs to the end of its paragraph
    (the newspaper convention for quotes continued in the next paragraph).
    """
    spans: list[tuple[int, int]] = []
    for start, end in paragraphs:
        opened: int | None = None
        for match in _QUOTE_RE.finditer(text, start, end):
            mark = match.group()
            if opened is None and (mark in _OPENERS or mark in _TOGGLES):
                opened = match.end()
            elif opened is not None and (mark in _CLOSERS or mark in _TOGGLES or mark == "“"):
                spans.append((opened, match.start()))
                opened = None
        if opened is not None:
            spans.append((opened, end))
    return spans


def tokenize(text: str, separator: str | None = None) -> Tokens:
    """Return the words of `text` with offsets, paragraph indices and quote flags."""
    paragraphs = paragraph_spans(text, separator)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    para_index: list[int] = []
    for index, (start, end) in enumerate(paragraphs):
        for match in WORD_RE.finditer(text, start, end):
            words.append(match.group())
            starts.append(match.start())
            ends.append(match.end())
            para_index.append(index)
    start_arr = np.array(starts, dtype=np.int64)
    quoted = np.zeros(len(words), dtype=bool)
    for q_start, q_end in quoted_spans(text, paragraphs):
        lo, hi = np.searchsorted(start_arr, [q_start, q_end])
        quoted[lo:hi] = True
    return Tokens(
        words=tuple(_normalize_words(words, text.isascii())),
        starts=start_arr,
        ends=np.array(ends, dtype=np.int64),
        paragraph=np.array(para_index, dtype=np.int32),
        quoted=quoted,
    )


def paragraph_words(text: str, separator: str | None = None) -> list[list[str]]:
    """Return the normalised words of each paragraph (the fast path used for signing)."""
    ascii_text = text.isascii()
    return [
        _normalize_words(WORD_RE.findall(text, start, end), ascii_text)
        for start, end in paragraph_spans(text, separator)
    ]


def _normalize_words(words: list[str], ascii_text: bool) -> list[str]:
    if ascii_text:
        return [w.lower() if w.isalnum() else _JOINERS_RE.sub("", w.lower()) for w in words]
    return [normalize_word(w) for w in words]


class WordHasher:
    """Maps words to stable 64-bit hashes (xxh3), caching the words it has seen."""

    def __init__(self, max_cache: int = 2_000_000) -> None:
        self._cache: dict[str, int] = {}
        self._max_cache = max_cache

    def __call__(self, words: list[str] | tuple[str, ...]) -> np.ndarray:
        """Return the uint64 hashes of `words`, in order."""
        cache = self._cache
        get = cache.get
        values = [get(w) for w in words]
        if None in values:
            if len(cache) > self._max_cache:
                cache.clear()
            digest = xxhash.xxh3_64_intdigest
            for i, value in enumerate(values):
                if value is None:
                    word = words[i]
                    value = cache[word] = digest(word.encode("utf-8", "surrogatepass"))
                    values[i] = value
        return np.array(values, dtype=np.uint64)


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Return the uint64 hash of every run of `n` consecutive words (len(words) - n + 1 of them)."""
    count = len(word_hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = word_hashes[:count].copy()
    for offset in range(1, n):
        acc *= _GRAM_MULT
        acc ^= word_hashes[offset : offset + count]
    return _fmix64(acc)


def _fmix64(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> _UINT64(33))
    values *= _MIX1
    values ^= values >> _UINT64(33)
    values *= _MIX2
    values ^= values >> _UINT64(33)
    return values


def shingle_hash32(hashes64: np.ndarray) -> np.ndarray:
    """Return 32-bit shingle hashes (the form MinHash signs) from 64-bit n-gram hashes."""
    folded: np.ndarray = ((hashes64 >> _UINT64(32)) ^ hashes64).astype(np.uint32)
    return folded
