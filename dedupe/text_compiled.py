"""Splitting ASCII text into hashed words, compiled with numba.

The same words, offsets and hashes as the numpy splitter in `dedupe.text` (which makes a
dozen passes over the bytes of a batch of texts): one pass, a word at a time. Both the
signing and the alignment stages split every text, so this is a large share of their time.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.text import _ASCII_JOINER, _ASCII_LETTER, _LENGTH_MIX, _POLY, fmix64


def ascii_words(data: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of lowered ASCII bytes `data` inside the
    sorted [start, end) spans `bounds`, each at least one byte after the one before (as
    paragraphs are): the same as the numpy splitter."""
    sums, starts, ends = _words(
        data,
        np.ascontiguousarray(bounds, dtype=np.int64).reshape(-1, 2),
        _ASCII_LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )
    return fmix64(sums), starts, ends


def prepare() -> None:
    """Compile the splitter, or load it from numba's cache, unless done already."""
    ascii_words(np.frombuffer(b"it's u.s. news", dtype=np.uint8), np.array([[0, 14]]))


@numba.njit(cache=True, nogil=True)
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
            sums[count] = value + counted * length_mix
            starts[count] = start
            ends[count] = position
            count += 1
    return sums[:count], starts[:count], ends[:count]
