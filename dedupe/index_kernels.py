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
    other member of a larger one. A pair found in several buckets may be returned more than
    once (callers make the codes unique), but most repeats are left out (`_seen_before`).
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
    seen = np.full(1 << _seen_bits(total), -1, np.int64)
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
                    code = members[a] * span + members[b]
                    if not _seen_before(seen, code):
                        codes[filled] = code
                        filled += 1
        else:
            for k in range(start + 1, end):
                if packed[k] != packed[k - 1]:
                    code = first * span + np.int64(packed[k] & mask)
                    if not _seen_before(seen, code):
                        codes[filled] = code
                        filled += 1
    return codes[:filled]


# Two documents sharing a story share a bucket in most bands for each window they share: a
# band of 30,000 news articles lists 860,000 pairs, 69,000 of them distinct, and making
# them unique (a sort) cost more than finding them. A table of recent codes, one slot per
# hash, drops most repeats as they are found: 20-38 % less time for the two together (bands
# of 100,000 and 30,000 filter records).
_SEEN_BITS_MIN, _SEEN_BITS_MAX = 10, 20  # 8 KB to 8 MB
_LOW_40 = (1 << 40) - 1
_MULTIPLIER = 0x5BD1E9


def _seen_bits(codes: int) -> int:
    """Return the bits of the table of recent codes for `codes` codes: about a quarter as many
    slots (the fastest on news, measured 2**16 to 2**21 at 30,000 and 100,000 articles)."""
    bits = _SEEN_BITS_MIN
    while bits < _SEEN_BITS_MAX and (1 << (bits + 2)) < codes:
        bits += 1
    return bits


def _seen_before(seen: Array, code: Any) -> bool:
    """Return whether `code` holds its slot of the table `seen` (a power of two long), and
    make it hold it: True means `code` was found before; False may still be a repeat."""
    # The code's low 40 bits times a 23-bit odd number stays below 2**63: no overflow, so
    # Python and numba agree; the slot is taken from the product's middle bits.
    slot = (((code & _LOW_40) * _MULTIPLIER) >> 20) & (len(seen) - 1)
    if seen[slot] == code:
        return True
    seen[slot] = code
    return False


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
