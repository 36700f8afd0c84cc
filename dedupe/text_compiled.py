"""Splitting ASCII text into hashed words, and hashing word n-grams, compiled with numba.

The same words, offsets and hashes as the numpy splitter in `dedupe.text` (which makes a
dozen passes over the bytes of a batch of texts): one pass, a word at a time. The same for
the n-gram hashes (numpy makes two passes per word of the n-gram). Both the signing and the
alignment stages split every text, so this is a large share of their time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np

from dedupe.text import (
    _ASCII_JOINER,
    _ASCII_LETTER,
    _GRAM_MULT,
    _LENGTH_MIX,
    _MIX1,
    _MIX2,
    _POLY,
    _TYPOGRAPHY,
)


def ascii_words(data: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of lowered ASCII bytes `data` inside the
    sorted [start, end) spans `bounds`, each at least one byte after the one before (as
    paragraphs are): the same as the numpy splitter."""
    hashes, starts, ends, _ = _words(
        data,
        np.ascontiguousarray(bounds, dtype=np.int64).reshape(-1, 2),
        _ASCII_LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )
    return hashes, starts, ends


def plain_words(
    texts: Sequence[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the words of the texts that are ASCII once typographic punctuation is mapped
    (as `dedupe.text.tokenize` splits and hashes them, with no paragraph separator given):
    (hashes, text of each word, paragraph of each word numbered from 0 in each text, each
    text's paragraph count, and a mask of the texts left out, which are not).

    Works on the texts' UTF-8 bytes, a character at a time: no typography substitution, no
    regular expression and no string per paragraph. Paragraphs are told apart as
    `dedupe.text.paragraph_spans` does (blank lines, else single newlines); they may be
    numbered differently (whitespace-only ones count here), but two words share a number
    exactly when they share a paragraph.
    """
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(data) for data in encoded], out=offsets[1:])
    mapped, bounds, owners, counts, other = _plain_paragraphs(
        np.frombuffer(b"".join(encoded), dtype=np.uint8),
        offsets,
        _TYPOGRAPHY_CODES,
        _TYPOGRAPHY_BYTES,
    )
    hashes, _, _, span = _words(mapped, bounds, _ASCII_LETTER, _ASCII_JOINER, _POLY, _LENGTH_MIX)
    first = np.cumsum(counts) - counts
    document = owners[span]
    return hashes, document, span - first[document], counts, other


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Return `dedupe.text.ngram_hashes(word_hashes, n)`, in one pass instead of 2n."""
    if n < 1:
        raise ValueError(f"n-grams need n >= 1, got {n}")
    return _ngrams(np.ascontiguousarray(word_hashes, dtype=np.uint64), n, _GRAM_MULT)  # type: ignore[no-any-return]


def prepare() -> None:
    """Compile the splitters and the n-gram hashing, or load them from numba's cache, unless
    done already."""
    data = np.frombuffer(b"it's u.s. news", dtype=np.uint8)
    hashes, _, _ = ascii_words(data, np.array([[0, len(data)]]))
    ngram_hashes(hashes, 2)
    plain_words(["It’s “U.S.” news.\n\nSecond paragraph", "café"])


# Typographic punctuation (`dedupe.text._TYPOGRAPHY`) by code point, and the byte each maps
# to: its ASCII stand-in, but 1 for the spaces, which must not count as the ASCII blanks
# of a blank line (" \t\r\f\v") there are not in the text.
_TYPOGRAPHY_CODES = np.array(sorted(ord(char) for char in _TYPOGRAPHY), dtype=np.int64)
_TYPOGRAPHY_BYTES = np.array(
    [
        1 if _TYPOGRAPHY[chr(code)] == " " else ord(_TYPOGRAPHY[chr(code)])
        for code in _TYPOGRAPHY_CODES
    ],
    dtype=np.uint8,
)


_jit = numba.njit(cache=True, nogil=True)


@_jit
def fmix64(value):  # type: ignore[no-untyped-def]
    """Return `dedupe.text.fmix64` of one uint64 value (for compiled code)."""
    value ^= value >> np.uint64(33)
    value *= np.uint64(_MIX1)
    value ^= value >> np.uint64(33)
    value *= np.uint64(_MIX2)
    value ^= value >> np.uint64(33)
    return value


@_jit
def _ngrams(hashes, n, mult):  # type: ignore[no-untyped-def]
    count = max(len(hashes) - n + 1, 0)
    out = np.empty(count, np.uint64)
    for start in range(count):
        value = hashes[start]
        for offset in range(1, n):
            value = (value * mult) ^ hashes[start + offset]
        out[start] = fmix64(value)
    return out


@_jit
def _words(data, bounds, letter, joiner, poly, length_mix):  # type: ignore[no-untyped-def]
    # A word needs at least one byte: however the spans are laid out, no more words than bytes.
    capacity = len(data) + 1
    sums = np.empty(capacity, np.uint64)
    starts = np.empty(capacity, np.int64)
    ends = np.empty(capacity, np.int64)
    spans = np.empty(capacity, np.int64)
    count = 0
    for span in range(len(bounds)):
        position, stop = bounds[span, 0], bounds[span, 1]
        while position < stop:
            if not letter[data[position]]:
                position += 1
                continue
            start = position
            value = np.uint64(0)
            power = np.uint64(1)
            counted = np.uint64(0)
            while position < stop:
                byte = data[position]
                if letter[byte]:
                    value += np.uint64(byte) * power
                    power *= poly
                    counted += np.uint64(1)
                elif not (joiner[byte] and position + 1 < stop and letter[data[position + 1]]):
                    break
                # A joiner ("U.S", "it's") belongs to the word only between two letters.
                position += 1
            sums[count] = fmix64(value + counted * length_mix)
            starts[count] = start
            ends[count] = position
            spans[count] = span
            count += 1
    return sums[:count], starts[:count], ends[:count], spans[:count]


@_jit
def _plain_paragraphs(data, offsets, codes, replacements):  # type: ignore[no-untyped-def]
    texts = len(offsets) - 1
    # One byte per character, and one between texts.
    mapped = np.empty(len(data) + texts, np.uint8)
    bounds = np.empty((len(data) + texts, 2), np.int64)
    owners = np.empty(len(data) + texts, np.int64)
    counts = np.zeros(texts, np.int64)
    other = np.zeros(texts, np.bool_)
    size = 0
    spans = 0
    for text in range(texts):
        begin = size
        position, stop = offsets[text], offsets[text + 1]
        while position < stop:
            byte = data[position]
            if byte < 128:
                mapped[size] = byte + 32 if 65 <= byte <= 90 else byte
                position += 1
            else:
                code, length = _code_point(data, position, stop)
                found = np.searchsorted(codes, code)
                if length == 0 or found == len(codes) or codes[found] != code:
                    other[text] = True
                    break
                mapped[size] = replacements[found]
                position += length
            size += 1
        if other[text]:
            size = begin
            continue
        first = spans
        spans = _paragraphs_of(mapped, begin, size, bounds, owners, spans, text)
        counts[text] = spans - first
        mapped[size] = 10
        size += 1
    return mapped[:size], bounds[:spans], owners[:spans], counts, other


@_jit
def _code_point(data, position, stop):  # type: ignore[no-untyped-def]
    """Return (code point, length) of the UTF-8 character at `position`; length 0 for one
    longer than 3 bytes or malformed (never typography)."""
    lead = data[position]
    if 0xC0 <= lead < 0xE0 and position + 1 < stop:
        return ((lead & 0x1F) << 6) | (data[position + 1] & 0x3F), 2
    if 0xE0 <= lead < 0xF0 and position + 2 < stop:
        code = ((lead & 0x0F) << 12) | ((data[position + 1] & 0x3F) << 6)
        return code | (data[position + 2] & 0x3F), 3
    return -1, 0


# " \t\r\f\v": what may stand between the two newlines of a blank line.
_BLANKS = (32, 9, 13, 12, 11)


@_jit
def _blank_line_end(mapped, position, stop):  # type: ignore[no-untyped-def]
    """Return the position of the newline closing a blank line opened by the newline at
    `position` ("\n", then only " \t\r\f\v", then "\n"), or -1."""
    ahead = position + 1
    while ahead < stop and (
        mapped[ahead] == 32 or (9 <= mapped[ahead] <= 13 and mapped[ahead] != 10)
    ):
        ahead += 1
    return ahead if ahead < stop and mapped[ahead] == 10 else -1


@_jit
def _paragraphs_of(mapped, begin, end, bounds, owners, spans, text):  # type: ignore[no-untyped-def]
    """Add the paragraphs of the text at mapped[begin:end] to `bounds`; return their count
    so far. Blank lines separate paragraphs; in a text without one, newlines do."""
    blank = False
    for position in range(begin, end):
        if mapped[position] == 10 and _blank_line_end(mapped, position, end) >= 0:
            blank = True
            break
    start = begin
    position = begin
    while position < end:
        close = position
        if blank and mapped[position] == 10:
            close = _blank_line_end(mapped, position, end)
        if mapped[position] == 10 and close >= 0:
            if position > start:
                bounds[spans, 0], bounds[spans, 1] = start, position
                owners[spans] = text
                spans += 1
            start = close + 1
            # A blank line's closing newline may open the next one: it is looked at again.
            position = close if blank else position + 1
        else:
            position += 1
    if end > start:
        bounds[spans, 0], bounds[spans, 1] = start, end
        owners[spans] = text
        spans += 1
    return spans
