"""The loop of candidate generation, written once: plain Python here, compiled by
`dedupe.jit`.

Only what numba compiles is used: arrays, scalars and loops. No numba import here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Kernels take and return numpy arrays; numba types them itself, mypy need not.
Array = Any


def bucket_pair_codes(packed: Array, owner_bits: int, span: int, pairwise_max: int) -> Array:
    """Return the codes `i * span + j` of the candidate pairs of the buckets of `packed`
    (sorted uint64 values: a bucket's key in the high bits, a member's number in the
    `owner_bits` low ones; a member repeated in a bucket counts once): every pair (earlier,
    later) of a bucket of at most `pairwise_max` members, and (first, member) for every
    other member of a larger one.
    """
    shift = np.uint64(owner_bits)
    # Most keys are alone in their bucket: one pass finds the buckets of two members or
    # more, and only those are walked again to list their pairs.
    bounds = np.empty(len(packed) // 2 + 1, np.int64)
    buckets = 0
    total = 0
    start = 0
    while start < len(packed):
        end, size = _bucket_end(packed, start, shift)
        if size > 1:
            bounds[buckets] = start
            buckets += 1
            total += size * (size - 1) // 2 if size <= pairwise_max else size - 1
        start = end
    codes = np.empty(total, np.int64)
    members = np.empty(max(pairwise_max, 1), np.int64)
    mask = np.uint64((1 << owner_bits) - 1)
    filled = 0
    for bucket in range(buckets):
        start = bounds[bucket]
        end, size = _bucket_end(packed, start, shift)
        first = np.int64(packed[start] & mask)
        if size <= pairwise_max:
            count = 0
            for k in range(start, end):
                if k == start or packed[k] != packed[k - 1]:
                    members[count] = np.int64(packed[k] & mask)
                    count += 1
            for a in range(count):
                for b in range(a + 1, count):
                    codes[filled] = members[a] * span + members[b]
                    filled += 1
        else:
            for k in range(start + 1, end):
                if packed[k] != packed[k - 1]:
                    codes[filled] = first * span + np.int64(packed[k] & mask)
                    filled += 1
    return codes


def _bucket_end(packed: Array, start: int, shift: Any) -> tuple[int, int]:
    """Return the end of the bucket of `packed` starting at `start`, and its number of
    distinct members."""
    key = packed[start] >> shift
    end = start + 1
    size = 1
    while end < len(packed) and packed[end] >> shift == key:
        if packed[end] != packed[end - 1]:
            size += 1
        end += 1
    return end, size
