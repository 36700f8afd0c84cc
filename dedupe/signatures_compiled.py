"""MinHash signing compiled with numba: the same signatures as `dedupe.signatures.sign`.

numpy computes `a * h + b` for every permutation and shingle into a work array, then takes
minima in a second pass; the compiled loop keeps one running minimum per permutation, which
the compiler turns into vector instructions over the permutations, several times faster.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.index import BAND_MULT, BAND_SPREAD, LSHParams
from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling
from dedupe.signatures import checked_counts, fmix32, permutations
from dedupe.text_compiled import fmix64


def sign(shingles: np.ndarray, counts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Return `dedupe.signatures.sign(shingles, counts, num_perm, seed)`, computed compiled."""
    counts = checked_counts(shingles, counts)
    a, b = permutations(num_perm, seed)
    return _minhash(fmix32(shingles), np.cumsum(counts), a, b)  # type: ignore[no-any-return]


def sign_band_keys(
    shingles: np.ndarray, counts: np.ndarray, seed: int, lsh: LSHParams
) -> np.ndarray:
    """Return `dedupe.index.band_keys(sign(shingles, counts, lsh.num_perm, seed), lsh)`,
    computed band by band as each signature is made, without keeping the signatures."""
    counts = checked_counts(shingles, counts)
    return sign_windows(shingles, np.cumsum(counts) - counts, counts, seed, lsh)


def sign_windows(
    shingles: np.ndarray, starts: np.ndarray, counts: np.ndarray, seed: int, lsh: LSHParams
) -> np.ndarray:
    """Return `sign_band_keys` of the windows shingles[starts[k] : starts[k] + counts[k]],
    which may overlap: read in place, never gathered."""
    if lsh.bands * lsh.rows > lsh.num_perm:
        raise ValueError(f"{lsh.bands} bands of {lsh.rows} rows need more than {lsh.num_perm}")
    starts = np.asarray(starts, dtype=np.int64)
    ends = starts + np.asarray(counts, dtype=np.int64)
    if len(ends) and (np.any(ends <= starts) or starts.min() < 0 or ends.max() > len(shingles)):
        raise ValueError("every window needs at least one shingle, inside the shingles")
    a, b = permutations(lsh.num_perm, seed)
    keys = _band_keys(
        fmix32(shingles), starts, ends, a, b, lsh.bands, lsh.rows, BAND_MULT, BAND_SPREAD
    )
    # Made band by band (each band's keys side by side in memory), which is how they are
    # spilled: the (paragraphs, bands) view needs no copy to be written.
    return keys.T  # type: ignore[no-any-return]


def prepare() -> None:
    """Compile the loop scans sign with (`sign_band_keys`), or load it from numba's cache,
    unless done already; `sign` compiles on its first call."""
    sign_band_keys(np.arange(3, dtype=np.uint32), np.array([3]), 1, LSHParams(0.5, 4, 2, 2))


_jit = numba.njit(cache=CACHE, nogil=True)


@_jit
def _minhash(mixed, ends, a, b):  # type: ignore[no-untyped-def]
    out = np.empty((len(ends), len(a)), dtype=np.uint32)
    best = np.empty(len(a), dtype=np.uint32)
    start = 0
    for group in range(len(ends)):
        _minima(mixed, start, ends[group], a, b, best)
        out[group] = best
        start = ends[group]
    return out


@_jit
def _band_keys(mixed, starts, ends, a, b, bands, rows, mult, spread):  # type: ignore[no-untyped-def]
    out = np.empty((bands, len(ends)), dtype=np.uint64)
    best = np.empty(len(a), dtype=np.uint32)
    for group in range(len(ends)):
        _minima(mixed, starts[group], ends[group], a, b, best)
        for band in range(bands):
            # The same steps as `dedupe.index.band_keys` and `finished_band_keys`.
            hashed = np.uint64(0)
            for row in range(rows):
                hashed = (hashed * mult) ^ (np.uint64(best[band * rows + row]) + np.uint64(row + 1))
            out[band, group] = fmix64(hashed ^ (np.uint64(band + 1) * spread))
    return out


@_jit
def _minima(mixed, start, end, a, b, best):  # type: ignore[no-untyped-def]
    """Set `best` to the signature of the shingles mixed[start:end]."""
    best[:] = 0xFFFFFFFF
    for k in range(start, end):
        value = mixed[k]
        for p in range(len(a)):
            # uint32 arithmetic wraps as datasketch's "mod 2**32" does.
            best[p] = min(best[p], np.uint32(a[p] * value + b[p]))
