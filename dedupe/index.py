"""The LSH index: MinHash signatures cut into bands, band keys kept in sorted arrays.

Paragraphs whose `rows` values agree in one band fall in the same bucket, the rule of
datasketch's `MinHashLSH` (whose band/row choice for a threshold we make the same way, without
importing datasketch: it imports scipy, a third of a second, to integrate two probabilities).
Keys are 64-bit hashes of each band, spilled to disk band by band and grouped by sorting one
band at a time: far smaller than datasketch's dict of bytes per band, and the same buckets
(barring a hash collision, which can only add a candidate pair, verified by alignment like
any other).

A bucket of up to `pairwise_max` documents gives all its pairs; a larger one gives k - 1,
not k(k - 1)/2: each member is paired with the bucket's centre, its member with the lowest
owner number. One wire story carried by 2,000 sites costs 1,999 alignments, not two million;
who shares what with whom beyond the centre is read from the story families later. Callers
number owners so that the likeliest original of a bucket comes first.
`reference_candidate_pairs` runs datasketch itself, for tests.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from dedupe import index_kernels
from dedupe.errors import ParameterError
from dedupe.jit import compiled as jitted
from dedupe.parallel import map_ordered
from dedupe.signatures import to_lean_minhash
from dedupe.text import fmix64

_U64 = np.uint64
BAND_MULT = _U64(0x9E3779B97F4A7C15)
BAND_SPREAD = _U64(0xD6E8FEB86659FD93)


@dataclass(frozen=True, slots=True)
class LSHParams:
    """Banding of a signature: `bands` bands of `rows` values each."""

    threshold: float
    num_perm: int
    bands: int
    rows: int


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> LSHParams:
    """Return the bands and rows datasketch's MinHashLSH picks for this threshold and num_perm.

    As datasketch does, the (bands, rows) with bands x rows <= num_perm that minimises the
    mean of the false positive probability (integrated over similarities below the threshold)
    and the false negative one (above it). datasketch integrates with scipy's `quad`; the
    integrands are polynomials of degree bands x rows, which Gauss-Legendre quadrature of
    n nodes integrates exactly up to degree 2n - 1: exact up to 254 permutations, and the
    same choice as datasketch's for every threshold tested up to 1,024.
    """
    if not 0.0 < threshold < 1.0:
        raise ParameterError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")
    if num_perm < 2:
        raise ParameterError(f"num_perm must be at least 2, got {num_perm}")
    bands, rows = _optimal_banding(threshold, num_perm)
    if bands < 2:
        raise ParameterError(
            f"threshold {threshold} with num_perm {num_perm} leaves too few LSH bands"
            f" ({bands}); lower the threshold or raise num_perm"
        )
    return LSHParams(threshold=threshold, num_perm=num_perm, bands=bands, rows=rows)


_QUADRATURE_NODES = 128


def _optimal_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return datasketch's `_optimal_param(threshold, num_perm, 0.5, 0.5)`, all (b, r) at once."""
    nodes, weights = np.polynomial.legendre.leggauss(min(num_perm // 2 + 1, _QUADRATURE_NODES))
    bands = np.concatenate([np.full(num_perm // b, b) for b in range(1, num_perm + 1)])
    rows = np.concatenate([np.arange(1, num_perm // b + 1) for b in range(1, num_perm + 1)])
    b, r = bands.astype(np.float64)[:, None], rows.astype(np.float64)[:, None]

    def integral(low: float, high: float, missed: bool) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2
        found = 1 - (1 - s[None, :] ** r) ** b  # chance that similarity s makes a candidate
        # Summed by numpy, not by a matrix product: BLAS would start its threads, which spin
        # on the other cores for a fifth of a second of CPU after the call.
        weighted = (1 - found if missed else found) * weights
        return np.asarray((high - low) / 2 * weighted.sum(axis=1))

    error = 0.5 * integral(0.0, threshold, False) + 0.5 * integral(threshold, 1.0, True)
    # The first minimum in datasketch's order (bands, then rows, ascending), as its loop.
    best = int(np.argmin(error))
    return int(bands[best]), int(rows[best])


def band_keys(signatures: np.ndarray, params: LSHParams) -> np.ndarray:
    """Return a (paragraphs, bands) uint64 array: one hash of each band of each signature."""
    used = params.bands * params.rows
    banded = signatures[:, :used].reshape(len(signatures), params.bands, params.rows)
    keys = np.zeros((len(signatures), params.bands), dtype=np.uint64)
    for row in range(params.rows):
        keys *= BAND_MULT
        keys ^= banded[:, :, row].astype(np.uint64) + _U64(row + 1)
    return finished_band_keys(keys)


def finished_band_keys(hashes: np.ndarray) -> np.ndarray:
    """Return band keys from (paragraphs, bands) hashes of each band's rows (see `band_keys`),
    computed in place in `hashes`."""
    # Make keys of different bands distinct so all bands can share one sorted array.
    hashes ^= (np.arange(hashes.shape[1], dtype=np.uint64) + _U64(1)) * BAND_SPREAD
    # Mixed so that every bit depends on every row: candidate generation gives the low bits
    # over to the owner, and without mixing those would hold most of the last row.
    return fmix64(hashes)


class SpilledBandKeys:
    """Band keys kept on disk in one unlinked temporary file, written a block of paragraphs at
    a time.

    Candidate generation reads one band at a time, so memory holds one band of keys (8 bytes
    a paragraph) instead of all of them (bands x 8 bytes): the difference between fitting a
    million articles in memory or not. Each block holds its paragraphs' keys band after band,
    so a band is one read per block. Forked workers write their own blocks (`write`), which
    spares sending gigabytes of keys through pipes; the parent then `add`s them in order.
    """

    def __init__(self, bands: int, *, shared: bool = False) -> None:
        self.bands = bands
        self.count = 0
        # Lives as long as this object (closed by `close`); unlinked already.
        self._file = tempfile.TemporaryFile(prefix="dedupe-bands-")  # noqa: SIM115
        # Forked workers (`shared`) append blocks to one file: each takes the end of the
        # file in turn.
        self._lock: AbstractContextManager[Any] = (
            multiprocessing.Lock() if shared else contextlib.nullcontext()
        )
        self._blocks: list[SpilledBlock] = []

    def write(self, keys: np.ndarray) -> SpilledBlock:
        """Write the (paragraphs, bands) keys of some paragraphs; return the block to `add`.

        Safe to call from forked workers that share this object, if made `shared`.
        """
        if keys.ndim != 2 or keys.shape[1] != self.bands:
            raise ValueError(f"expected keys of {self.bands} bands, got shape {keys.shape}")
        data = np.ascontiguousarray(keys.T, dtype=np.uint64).reshape(-1).view(np.uint8).data
        fd = self._file.fileno()
        with self._lock:
            offset = os.fstat(fd).st_size
            written = 0
            while written < len(data):
                written += os.pwrite(fd, data[written:], offset + written)
        return SpilledBlock(offset, len(keys))

    def add(self, block: SpilledBlock) -> None:
        """Add a written block's paragraphs after those added so far."""
        self._blocks.append(block)
        self.count += block.paragraphs

    def append(self, keys: np.ndarray) -> None:
        """Add the (paragraphs, bands) keys of more paragraphs."""
        self.add(self.write(keys))

    def band(self, band: int) -> np.ndarray:
        """Return the keys of one band, for every paragraph added so far."""
        keys = np.empty(self.count, dtype=np.uint64)
        position = 0
        for block in self._blocks:
            part = keys[position : position + block.paragraphs]
            # pread leaves the file position alone, so forked workers may read concurrently.
            read_exactly(self._file.fileno(), part, block.offset + band * part.nbytes, "band keys")
            position += block.paragraphs
        return keys

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True, slots=True)
class SpilledBlock:
    """Where a block of spilled band keys lies in the file: its offset and paragraph count."""

    offset: int
    paragraphs: int


def read_exactly(fd: int, into: np.ndarray, offset: int, what: str) -> None:
    """Fill `into` with the bytes of file `fd` from `offset`; OSError naming `what` (the
    spilled data) when the file is cut short."""
    view = into.view(np.uint8).data
    done = 0
    while done < len(view):
        read = os.preadv(fd, [view[done:]], offset + done)
        if read == 0:
            raise OSError(f"spilled {what} cut short at byte {offset + done}")
        done += read


BandKeys = np.ndarray | SpilledBandKeys


# Buckets of at most this many documents are paired all with all (the passages of every
# pair of a small story's carriers are then known); larger ones as stars.
PAIRWISE_MAX = 24

STARS_ONLY = 2
"""A `pairwise_max` that makes every bucket of three or more documents a star: what the
filter asks for. It weighs each record against the one kept, not against every copy, and
a story of 5 copies costs it 4 alignments instead of 10 (`benchmarks/README.md`)."""


def candidate_pairs(
    keys: BandKeys,
    owners: np.ndarray,
    jobs: int = 1,
    pairwise_max: int = PAIRWISE_MAX,
    *,
    compiled: bool = False,
) -> np.ndarray:
    """Return the sorted unique (i, j), i < j, owner pairs of the LSH buckets.

    `keys` is (paragraphs, bands) from `band_keys`, or the same spilled to disk;
    `owners[p]` is the owner number of paragraph p (its document, numbered in the order in
    which documents should be preferred as a bucket's centre). A bucket of at most
    `pairwise_max` owners gives all its pairs, a larger one pairs its other members with its
    lowest-numbered member; paragraphs of the same document are never paired. Bands are
    processed in groups (`band_groups`), one band at a time, on up to `jobs` processes, the
    pairs of each listed by `dedupe.index_kernels`, compiled with `compiled`.
    """
    if compiled:
        prepare()  # before the workers fork, rather than in each of them
    owners = np.asarray(owners, dtype=np.int64)
    span = int(owners.max()) + 1 if len(owners) else 1
    bands = keys.bands if isinstance(keys, SpilledBandKeys) else keys.shape[1]
    state = (keys, owners.astype(np.uint64), span, pairwise_max, compiled)
    codes = list(map_ordered(_bands_pair_codes, state, band_groups(bands, jobs), jobs))
    unique = unique_values(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return np.stack((unique // span, unique % span), axis=1)


def band_groups(bands: int, jobs: int) -> list[range]:
    """Return the bands cut into consecutive groups, one task each: about four tasks a job,
    so that the last one leaves the other workers little time idle."""
    size = max(bands // (4 * max(jobs, 1)), 1)
    return [range(lo, min(lo + size, bands)) for lo in range(0, bands, size)]


def _bands_pair_codes(
    state: tuple[BandKeys, np.ndarray, int, int, bool], group: range
) -> np.ndarray:
    """Return the unique codes i * span + j of the pairs of the buckets of a group of bands.

    A pair shares buckets in many bands: made unique here, its code is sent back to the
    parent once a group instead of once a band.
    """
    keys, owners, span, pairwise_max, compiled = state
    # Key and owner packed into one uint64 (the key's low bits give way to the owner), so one
    # plain sort groups by key, then owner: several times faster than a lexsort. Two keys
    # equal but for those low bits make a chance candidate (about 30 a band among 30 million
    # windows of a million documents), which alignment verifies like any other.
    owner_bits = max((span - 1).bit_length(), 1)
    key_bits = ~np.uint64((1 << owner_bits) - 1)
    found = np.empty(0, dtype=np.int64)
    for band in group:
        column = keys.band(band) if isinstance(keys, SpilledBandKeys) else keys[:, band].copy()
        column &= key_bits
        column |= owners
        codes = packed_pair_codes(column, owner_bits, span, pairwise_max, compiled=compiled)
        found = unique_values(np.concatenate((found, codes))) if len(found) else codes
    return found


def prepare() -> None:
    """Compile candidate generation's kernel, or load it from numba's cache (once)."""
    jitted(index_kernels.bucket_pair_codes)(np.zeros(2, dtype=np.uint64), 1, 2, PAIRWISE_MAX)


def packed_pair_codes(
    packed: np.ndarray,
    owner_bits: int,
    span: int,
    pairwise_max: int = PAIRWISE_MAX,
    *,
    compiled: bool = False,
) -> np.ndarray:
    """Return the unique codes i * span + j of the pairs of the buckets of `packed` keys:
    each a bucket's key in its high bits, a member's owner number in the `owner_bits` low
    ones (the array is sorted here, in place)."""
    packed.sort()
    # A document repeating one paragraph (or overlapping windows of it) joins each bucket
    # once (the kernel counts a repeated value once), so buckets never grow with repetition.
    pair_codes = (
        jitted(index_kernels.bucket_pair_codes) if compiled else index_kernels.bucket_pair_codes
    )
    return unique_values(pair_codes(packed, owner_bits, span, pairwise_max))


def concatenated_ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Return the ranges [start, start + size) of each (start, size), back to back."""
    total = int(sizes.sum())
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(total, dtype=np.int64)


def unique_values(values: np.ndarray) -> np.ndarray:
    """Return the distinct values of an integer array, sorted: `np.unique(values)`, faster.

    numpy 2.4's `np.unique` takes 5-14 s on 6 million int64 values on this machine; a sort
    and a comparison of neighbours take 0.2 s.
    """
    ordered = np.sort(values, axis=None)
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def in_sorted(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Return where `values` are among `ordered` (sorted ascending): `np.isin`, by binary
    search instead of the sort of both arrays (and `np.unique`) that `np.isin` makes."""
    at = np.searchsorted(ordered, values)
    found: np.ndarray = at < len(ordered)
    found[found] = ordered[at[found]] == values[found]
    return found


def lexsort(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Return `np.lexsort(keys)` (the last key primary, ties in input order) of integer
    columns, faster.

    The columns are packed into one int64 when their ranges fit, and the positions with
    them when they fit too: one plain sort of packed values takes 0.05 s on 4 million rows
    on this machine, a stable argsort of them 0.45 s, `np.lexsort` of two columns 1.2 s.
    """
    packed, widths = _packed(keys)
    if packed is None:
        return np.lexsort(keys)
    used = sum(bits for _, bits in widths)
    position_bits = (len(packed) - 1).bit_length()
    if used + position_bits > 62:
        return _two_pass_order(packed, used, position_bits)
    return _packed_order(packed, position_bits)


def _packed_order(values: np.ndarray, position_bits: int) -> np.ndarray:
    """Return the stable order of non-negative int64 `values` that leave `position_bits`
    free at the top: each value with its position below it, one plain sort."""
    packed = (values << np.int64(position_bits)) | np.arange(len(values), dtype=np.int64)
    packed.sort()
    order: np.ndarray = packed & np.int64((1 << position_bits) - 1)
    return order


def _two_pass_order(packed: np.ndarray, used: int, position_bits: int) -> np.ndarray:
    """Return the stable order of `packed` (non-negative, `used` bits) when its values and
    their positions do not fit in one int64: sorted by the low bits, then, stably, by the
    high ones (a radix sort of two digits, each pass a plain sort of packed integers:
    0.21-0.26 s where a stable argsort of 2 M values takes 0.31-0.40 s)."""
    low_bits = 62 - position_bits
    if used > 2 * low_bits:
        return np.argsort(packed, kind="stable")
    first = _packed_order(packed & np.int64((1 << low_bits) - 1), position_bits)
    # Ties in the high bits keep the first pass's order: positions there are its ranks.
    order: np.ndarray = first[_packed_order(packed[first] >> np.int64(low_bits), position_bits)]
    return order


def _packed(keys: Sequence[np.ndarray]) -> tuple[np.ndarray | None, list[tuple[int, int]]]:
    """Return integer columns packed into one int64 (the last column in the highest bits),
    with each column's (lowest value, bits) from the lowest bits up; None when there are no
    rows, when they are not integers, when their ranges take more than 62 bits together, or
    when a value reaches 2**62 (a uint64 beyond int64's range)."""
    if not len(keys) or not len(keys[0]) or any(key.dtype.kind not in "biu" for key in keys):
        return None, []
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    widths: list[tuple[int, int]] = []
    used = 0
    for column in reversed(keys):
        low, high = int(column.min()), int(column.max())
        bits = (high - low).bit_length()
        used += bits
        if used > 62 or high >= 1 << 62:
            return None, []
        packed = (packed << np.int64(bits)) | (column.astype(np.int64) - np.int64(low))
        widths.append((low, bits))
    return packed, widths[::-1]


def sorted_rows(columns: Sequence[np.ndarray], keys: int | None = None) -> list[np.ndarray]:
    """Return the integer `columns` with their rows sorted by the first `keys` columns (all
    by default), in turn; rows equal in those come in no order a caller may rely on.

    Packed into one int64 when their ranges fit, the rows take one plain sort and no
    gathering (sorted by every column then); otherwise `lexsort` orders them by the first
    `keys` columns, ties in input order.
    """
    packed, widths = _packed(list(reversed(columns)))
    if packed is None:
        order = lexsort(list(reversed(columns[:keys])))
        return [column[order] for column in columns]
    packed.sort()
    found: list[np.ndarray] = []
    for column, (low, bits) in zip(reversed(columns), widths, strict=True):
        found.append(((packed & np.int64((1 << bits) - 1)) + np.int64(low)).astype(column.dtype))
        packed >>= np.int64(bits)
    return found[::-1]


def reference_candidate_pairs(
    signatures: np.ndarray,
    owners: np.ndarray,
    params: LSHParams,
    seed: int,
    pairwise_max: int = PAIRWISE_MAX,
) -> np.ndarray:
    """Return the same pairs as `candidate_pairs`, from the buckets of datasketch's
    MinHashLSH (slow)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows))
    for index, row in enumerate(signatures):
        lsh.insert(index, to_lean_minhash(row, seed))
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
            members = sorted({int(owners[index]) for index in table.get(key)})
            if len(members) <= pairwise_max:
                pairs.update(itertools.combinations(members, 2))
            else:
                pairs.update((members[0], other) for other in members[1:])
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
