"""MinHash signatures, vectorised over many paragraphs at once, compatible with datasketch.

A signature row equals `datasketch.MinHash(num_perm, seed, scheme="affine32")` updated with
the same 32-bit shingle hashes (its `hashfunc` returning them): datasketch pre-mixes each
hash with the MurmurHash3 finaliser and applies `a * h + b mod 2**32` per permutation. Doing
that arithmetic for a whole block of shingles in numpy, instead of one `update` call per
shingle, is what makes signing fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

_U32 = np.uint32
# Shingles per block: the (num_perm, block) work array stays within the CPU caches.
_BLOCK_SHINGLES = 16384


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the (a, b) uint32 permutation parameters datasketch uses for this num_perm/seed.

    Drawn as datasketch's `MinHash(num_perm, seed, scheme="affine32")` draws them (an odd
    `a`, any `b`), without importing datasketch: its package imports scipy, half a second of
    every scan's start.
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * _U32(2) + _U32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(values: np.ndarray) -> np.ndarray:
    """Return the MurmurHash3 32-bit finaliser of each value (a bijection on uint32)."""
    values = values.astype(np.uint32, copy=True)
    values ^= values >> _U32(16)
    values *= _U32(0x85EBCA6B)
    values ^= values >> _U32(13)
    values *= _U32(0xC2B2AE35)
    values ^= values >> _U32(16)
    return values


def sign(shingles: np.ndarray, counts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Return a (len(counts), num_perm) uint32 matrix: the MinHash of each group of shingles.

    `shingles` holds the uint32 shingle hashes of all groups back to back; `counts[i]` is how
    many belong to group i. Every count must be positive.
    """
    a, b = permutations(num_perm, seed)
    counts = checked_counts(shingles, counts)
    if len(counts) == 0:
        return np.empty((0, num_perm), dtype=np.uint32)
    mixed = fmix32(shingles)
    ends = np.cumsum(counts)
    starts = ends - counts
    # Permutations along rows, shingles along columns: every numpy call below streams over
    # contiguous memory, and the minimum per group is a reduceat along the last axis.
    out = np.empty((num_perm, len(counts)), dtype=np.uint32)
    work = np.empty((num_perm, _BLOCK_SHINGLES), dtype=np.uint32)
    a_col, b_col = a[:, None], b[:, None]
    group = 0
    while group < len(counts):
        last = int(np.searchsorted(ends, starts[group] + _BLOCK_SHINGLES, side="right"))
        last = max(last, group + 1)
        lo, hi = int(starts[group]), int(ends[last - 1])
        if hi - lo > work.shape[1]:
            work = np.empty((num_perm, hi - lo), dtype=np.uint32)
        block = work[:, : hi - lo]
        np.multiply(a_col, mixed[None, lo:hi], out=block)
        np.add(block, b_col, out=block)
        out[:, group:last] = np.minimum.reduceat(block, starts[group:last] - lo, axis=1)
        group = last
    return np.ascontiguousarray(out.T)


def checked_counts(shingles: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return `counts` as int64, after checking every group has shingles and they add up."""
    counts = np.asarray(counts, dtype=np.int64)
    if np.any(counts <= 0):
        raise ValueError("every group needs at least one shingle")
    if int(counts.sum()) != len(shingles):
        raise ValueError(f"counts add up to {int(counts.sum())}, not {len(shingles)} shingles")
    return counts


def sign_reference(
    shingles: np.ndarray, counts: np.ndarray, num_perm: int, seed: int
) -> np.ndarray:
    """Return the same matrix as `sign`, computed by datasketch one shingle at a time (slow).

    Kept as the reference the fast path is tested against.
    """
    from datasketch import MinHash

    rows = []
    position = 0
    for count in counts:
        group = shingles[position : position + int(count)]
        position += int(count)
        minhash = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
        for value in group:
            minhash.update(int(value))
        rows.append(minhash.hashvalues)
    return np.array(rows, dtype=np.uint32).reshape(len(rows), num_perm)


def to_lean_minhash(signature: np.ndarray, seed: int) -> LeanMinHash:
    """Return a datasketch LeanMinHash holding one signature row (for interop and tests)."""
    from datasketch import LeanMinHash, MinHash

    minhash = MinHash(
        num_perm=len(signature),
        seed=seed,
        scheme="affine32",
        hashvalues=signature,
        permutations=permutations(len(signature), seed),
    )
    return LeanMinHash(minhash)
