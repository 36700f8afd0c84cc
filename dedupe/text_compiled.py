"""Splitting ASCII text into hashed words, and hashing word n-grams, compiled with numba.

The same words, offsets and hashes as the numpy splitter in `dedupe.text` (which makes a
dozen passes over the bytes of a batch of texts): one pass, a word at a time. The same for
the n-gram hashes (numpy makes two passes per word of the n-gram). Both the signing and the
alignment stages split every text, so this is a large share of their time.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.text import _ASCII_JOINER, _ASCII_LETTER, _GRAM_MULT, _LENGTH_MIX, _MIX1, _MIX2, _POLY


def ascii_words(data: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of lowered ASCII bytes `data` inside the
    sorted [start, end) spans `bounds`, each at least one byte after the one before (as
    paragraphs are): the same as the numpy splitter."""
    return _words(  # type: ignore[no-any-return]
        data,
        np.ascontiguousarray(bounds, dtype=np.int64).reshape(-1, 2),
        _ASCII_LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Return `dedupe.text.ngram_hashes(word_hashes, n)`, in one pass instead of 2n."""
    if n < 1:
        raise ValueError(f"n-grams need n >= 1, got {n}")
    return _ngrams(np.ascontiguousarray(word_hashes, dtype=np.uint64), n, _GRAM_MULT)  # type: ignore[no-any-return]


def prepare() -> None:
    """Compile the splitter and the n-gram hashing, or load them from numba's cache, unless
    done already."""
    data = np.frombuffer(b"it's u.s. news", dtype=np.uint8)
    hashes, _, _ = ascii_words(data, np.array([[0, len(data)]]))
    ngram_hashes(hashes, 2)


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
            count += 1
    return sums[:count], starts[:count], ends[:count]
