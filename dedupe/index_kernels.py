"""The loop of candidate generation, written once: plain Python here, compiled by
`dedupe.jit`.

Only what numba compiles is used: arrays, scalars and loops. No numba import here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Kernels take and return numpy arrays; numba types them itself, mypy need not.
Array = Any


def bucket_pair_codes(keys: Array, members: Array, span: int, pairwise_max: int) -> Array:
    """Return the codes `i * span + j` of the candidate pairs of runs of equal `keys`
    (sorted; `members` by key, then number): every pair (earlier, later) of a run of at
    most `pairwise_max` members, and (first, member) for every other member of a longer one.
    """
    total = 0
    start = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            size = end - start
            total += size * (size - 1) // 2 if size <= pairwise_max else size - 1
            start = end
    codes = np.empty(total, np.int64)
    filled = 0
    start = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            if end - start <= pairwise_max:
                for first in range(start, end):
                    for second in range(first + 1, end):
                        codes[filled] = members[first] * span + members[second]
                        filled += 1
            else:
                for second in range(start + 1, end):
                    codes[filled] = members[start] * span + members[second]
                    filled += 1
            start = end
    return codes
