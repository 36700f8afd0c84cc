"""Candidate pairs within groups of equal band keys, compiled with numba.

The same pair codes as `dedupe.index` makes with numpy, which builds index arrays of every
pair (a dozen passes over arrays of millions of pairs per band at a million documents); here
one loop writes each code once.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling


def group_pair_codes(keys: np.ndarray, members: np.ndarray, span: int) -> np.ndarray:
    """Return `i * span + j` for every pair of members (i before j) within each run of equal
    `keys` (sorted): the codes of `dedupe.index`'s pairs within groups."""
    return _codes(keys, np.ascontiguousarray(members, dtype=np.int64), span)  # type: ignore[no-any-return]


def prepare() -> None:
    """Compile the loop, or load it from numba's cache, unless done already."""
    group_pair_codes(np.array([1, 1, 2], dtype=np.uint64), np.array([0, 1, 2]), 3)


@numba.njit(cache=CACHE, nogil=True)
def _codes(keys, members, span):  # type: ignore[no-untyped-def]
    total = 0
    start = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            total += (end - start) * (end - start - 1) // 2
            start = end
    codes = np.empty(total, np.int64)
    filled = 0
    start = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            for first in range(start, end):
                for second in range(first + 1, end):
                    codes[filled] = members[first] * span + members[second]
                    filled += 1
            start = end
    return codes
