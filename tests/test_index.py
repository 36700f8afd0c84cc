"""Tests of the LSH index: banding parameters, band keys, and candidate pairs against datasketch."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.errors import ParameterError
from dedupe.index import (
    LSHParams,
    SpilledBandKeys,
    SpilledBlock,
    band_groups,
    band_keys,
    candidate_pairs,
    in_sorted,
    lexsort,
    lsh_params,
    reference_candidate_pairs,
    sorted_rows,
    unique_values,
)
from dedupe.index_kernels import bucket_pair_codes
from dedupe.jit import compiled
from dedupe.parallel import map_ordered
from dedupe.signatures import sign
from dedupe.text import ngram_hashes, shingle_hash32, word_hashes

SEED = 1
NEWS_WORDS = (
    "the minister said on monday that talks with officials over oil exports would resume "
    "next week in the capital after a pause of three months while protesters gathered "
    "outside parliament to demand water electricity jobs and an end to corruption police "
    "fired tear gas crowd border army villages farmers drought prices rose fell market"
)
VOCABULARY = NEWS_WORDS.split()


def paragraph_shingles(words: list[str], n: int = 3) -> np.ndarray:
    """Return the 32-bit shingle hashes of one paragraph's words."""
    return shingle_hash32(ngram_hashes(word_hashes(words), n))


def signatures_of(documents: list[list[list[str]]], num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the signatures of every paragraph of every document, and each one's owner."""
    hashes, counts, owners = [], [], []
    for owner, paragraphs in enumerate(documents):
        for words in paragraphs:
            grams = paragraph_shingles(words)
            hashes.append(grams)
            counts.append(len(grams))
            owners.append(owner)
    signatures = sign(np.concatenate(hashes), np.array(counts), num_perm, SEED)
    return signatures, np.array(owners, dtype=np.int64)


def random_paragraph(rng: np.random.Generator, length: int) -> list[str]:
    return [str(w) for w in rng.choice(VOCABULARY, length)]


def edited(rng: np.random.Generator, words: list[str], edits: int) -> list[str]:
    """Return a copy of a paragraph with some words replaced."""
    copy = list(words)
    for _ in range(edits):
        copy[int(rng.integers(len(copy)))] = str(rng.choice(VOCABULARY))
    return copy


def corpus(seed: int, docs: int, shared: int, edits: int) -> list[list[list[str]]]:
    """Return documents of random paragraphs, some of which reuse (edited) shared paragraphs."""
    rng = np.random.default_rng(seed)
    pool = [random_paragraph(rng, int(rng.integers(8, 40))) for _ in range(shared)]
    documents = []
    for _ in range(docs):
        paragraphs = [
            random_paragraph(rng, int(rng.integers(4, 30))) for _ in range(rng.integers(1, 4))
        ]
        for paragraph in pool:
            if rng.random() < 0.4:
                paragraphs.append(edited(rng, paragraph, int(rng.integers(0, edits + 1))))
        rng.shuffle(paragraphs)  # type: ignore[arg-type]
        documents.append(paragraphs)
    return documents


def assert_well_formed(pairs: np.ndarray) -> None:
    assert pairs.ndim == 2 and pairs.shape[1] == 2
    assert np.all(pairs[:, 0] < pairs[:, 1])
    as_tuples = [tuple(p) for p in pairs.tolist()]
    assert as_tuples == sorted(set(as_tuples))


# --- lsh_params --------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [8, 32, 64, 100, 128, 256, 512])
def test_lsh_params_agree_with_datasketch(threshold: float, num_perm: int) -> None:
    """The band/row choice is datasketch's, made without datasketch (and scipy)."""
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:  # too few bands
        with pytest.raises(ParameterError, match="too few LSH bands"):
            lsh_params(threshold, num_perm)
        return
    params = lsh_params(threshold, num_perm)
    assert (params.bands, params.rows) == (lsh.b, lsh.r)
    assert params.bands * params.rows <= num_perm
    assert (params.threshold, params.num_perm) == (threshold, num_perm)


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_lsh_params_reject_a_threshold_outside_0_1(threshold: float) -> None:
    with pytest.raises(ParameterError, match="threshold"):
        lsh_params(threshold, 128)


@pytest.mark.parametrize("num_perm", [0, 1, -5])
def test_lsh_params_reject_too_few_permutations(num_perm: int) -> None:
    with pytest.raises(ParameterError, match="num_perm"):
        lsh_params(0.5, num_perm)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.99, 128), (0.9, 16)])
def test_lsh_params_with_too_few_bands_raise_parameter_error(
    threshold: float, num_perm: int
) -> None:
    with pytest.raises(ParameterError):
        lsh_params(threshold, num_perm)


# --- band_keys ---------------------------------------------------------------------------------


@pytest.fixture
def params() -> LSHParams:
    return lsh_params(0.5, 64)


def test_band_keys_shape_and_equality(params: LSHParams) -> None:
    rng = np.random.default_rng(3)
    signatures = rng.integers(0, 2**32, (3, 64), dtype=np.uint64).astype(np.uint32)
    signatures[1] = signatures[0]
    keys = band_keys(signatures, params)
    assert keys.shape == (3, params.bands)
    assert keys.dtype == np.uint64
    assert np.array_equal(keys[0], keys[1])
    assert not np.any(keys[0] == keys[2])


def test_band_keys_change_only_in_the_band_that_changed(params: LSHParams) -> None:
    rng = np.random.default_rng(4)
    signature = rng.integers(0, 2**32, (1, 64), dtype=np.uint64).astype(np.uint32)
    changed = signature.copy()
    band = 2
    changed[0, band * params.rows] ^= np.uint32(1)
    before, after = band_keys(signature, params)[0], band_keys(changed, params)[0]
    assert [i for i in range(params.bands) if before[i] != after[i]] == [band]


def test_band_keys_ignore_values_beyond_the_bands() -> None:
    params = lsh_params(0.3, 100)
    used = params.bands * params.rows
    assert used < 100
    rng = np.random.default_rng(5)
    signature = rng.integers(0, 2**32, (1, 100), dtype=np.uint64).astype(np.uint32)
    changed = signature.copy()
    changed[0, used:] += np.uint32(1)
    assert np.array_equal(band_keys(signature, params), band_keys(changed, params))


def test_equal_values_in_different_bands_give_different_keys() -> None:
    params = lsh_params(0.5, 64)
    signature = np.full((1, 64), 7, dtype=np.uint32)  # every band holds the same values
    keys = band_keys(signature, params)[0]
    assert len(set(keys.tolist())) == params.bands


# --- candidate pairs ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    docs=st.integers(2, 7),
    shared=st.integers(0, 4),
    edits=st.integers(0, 6),
    threshold=st.sampled_from([0.2, 0.3, 0.5, 0.7]),
    num_perm=st.sampled_from([32, 64, 128]),
)
def test_candidate_pairs_equal_datasketch_lsh(
    seed: int, docs: int, shared: int, edits: int, threshold: float, num_perm: int
) -> None:
    signatures, owners = signatures_of(corpus(seed, docs, shared, edits), num_perm)
    params = lsh_params(threshold, num_perm)
    fast = candidate_pairs(band_keys(signatures, params), owners)
    slow = reference_candidate_pairs(signatures, owners, params, SEED)
    assert_well_formed(fast)
    assert np.array_equal(fast, slow)


PairFinder = Callable[..., np.ndarray]


@pytest.fixture(params=["plain", "compiled"])
def find_pairs(request: pytest.FixtureRequest) -> PairFinder:
    """Return `candidate_pairs`, listing pairs with the plain or the compiled kernel."""
    return functools.partial(candidate_pairs, compiled=request.param == "compiled")


def test_candidate_pairs_find_shared_paragraphs_and_nothing_else(find_pairs: PairFinder) -> None:
    rng = np.random.default_rng(11)
    wire = random_paragraph(rng, 40)
    documents = [
        [random_paragraph(rng, 25), wire],
        [random_paragraph(rng, 30)],
        [edited(rng, wire, 2), random_paragraph(rng, 20)],
        [random_paragraph(rng, 25), random_paragraph(rng, 25)],
        [wire],
    ]
    signatures, owners = signatures_of(documents, 128)
    params = lsh_params(0.3, 128)
    pairs = find_pairs(band_keys(signatures, params), owners)
    assert pairs.tolist() == [[0, 2], [0, 4], [2, 4]]
    assert np.array_equal(pairs, reference_candidate_pairs(signatures, owners, params, SEED))
    # As stars: both copies are paired with the centre of their buckets, not with each other.
    stars = find_pairs(band_keys(signatures, params), owners, pairwise_max=2)
    assert stars.tolist() == [[0, 2], [0, 4]]
    assert np.array_equal(
        stars, reference_candidate_pairs(signatures, owners, params, SEED, pairwise_max=2)
    )


def test_a_bucket_of_k_copies_gives_k_minus_one_pairs_around_the_lowest_owner() -> None:
    rng = np.random.default_rng(21)
    story = random_paragraph(rng, 60)
    documents = [[story] for _ in range(200)]
    signatures, owners = signatures_of(documents, 128)
    params = lsh_params(0.3, 128)
    # Owners numbered in reverse: owner 0 (the last document) is every bucket's centre.
    numbered = len(documents) - 1 - owners
    pairs = candidate_pairs(band_keys(signatures, params), numbered)
    assert pairs.tolist() == [[0, other] for other in range(1, 200)]
    assert np.array_equal(pairs, reference_candidate_pairs(signatures, numbered, params, SEED))


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(st.integers(0, 5), max_size=40),
    pairwise_max=st.integers(1, 6),
    data=st.data(),
)
def test_bucket_pairs_are_all_pairs_of_small_runs_and_stars_of_large_ones(
    keys: list[int], pairwise_max: int, data: st.DataObject
) -> None:
    # Members numbered below 1024 (10 bits); a member may join its bucket more than once,
    # and counts once.
    members = data.draw(st.lists(st.integers(0, 1000), min_size=len(keys), max_size=len(keys)))
    packed = np.array(sorted(k << 10 | m for k, m in zip(keys, members, strict=True)))
    packed = packed.astype(np.uint64)
    codes = bucket_pair_codes(packed, 10, 1001, pairwise_max)
    fast = compiled(bucket_pair_codes)(packed, 10, 1001, pairwise_max)
    assert codes.tolist() == fast.tolist()
    found = [tuple(pair) for pair in np.stack((codes // 1001, codes % 1001), axis=1).tolist()]
    expected: list[tuple[int, int]] = []  # each bucket's pairs (two buckets may share one)
    for key in set(keys):
        run = sorted({m for k, m in zip(keys, members, strict=True) if k == key})
        if len(run) <= pairwise_max:
            expected.extend(itertools.combinations(run, 2))
        else:
            expected.extend((run[0], other) for other in run[1:])
    # Every pair, each at most as often as its buckets list it (most repeats left out).
    assert set(found) == set(expected)
    assert all(found.count(pair) <= expected.count(pair) for pair in set(found))


def test_bucket_pairs_leave_out_a_pair_repeated_in_the_next_buckets() -> None:
    # Documents 3 and 7 share 50 buckets (one a window they share): listed once, not 50 times.
    packed = np.array([key << 10 | m for key in range(50) for m in (3, 7)], dtype=np.uint64)
    for kernel in (bucket_pair_codes, compiled(bucket_pair_codes)):
        assert kernel(packed, 10, 1001, 24).tolist() == [3 * 1001 + 7]


def test_paragraphs_of_the_same_document_are_never_paired(find_pairs: PairFinder) -> None:
    rng = np.random.default_rng(12)
    repeated = random_paragraph(rng, 30)
    documents = [[repeated, repeated, repeated], [random_paragraph(rng, 30)]]
    signatures, owners = signatures_of(documents, 64)
    params = lsh_params(0.5, 64)
    assert find_pairs(band_keys(signatures, params), owners).shape == (0, 2)


def test_candidate_pairs_with_interleaved_owners(find_pairs: PairFinder) -> None:
    # Owners need not be grouped: paragraph order is free.
    rng = np.random.default_rng(13)
    signatures = rng.integers(0, 2**32, (5, 64), dtype=np.uint64).astype(np.uint32)
    signatures[3] = signatures[0]
    signatures[4] = signatures[1]
    owners = np.array([2, 0, 1, 1, 2])  # 0~3: docs 2 and 1; 1~4: docs 0 and 2
    params = lsh_params(0.5, 64)
    pairs = find_pairs(band_keys(signatures, params), owners)
    assert pairs.tolist() == [[0, 2], [1, 2]]
    assert np.array_equal(pairs, reference_candidate_pairs(signatures, owners, params, SEED))


def test_a_pair_sharing_many_bands_is_listed_once(find_pairs: PairFinder) -> None:
    rng = np.random.default_rng(14)
    signatures = rng.integers(0, 2**32, (4, 64), dtype=np.uint64).astype(np.uint32)
    signatures[1] = signatures[0]
    signatures[3] = signatures[2]
    owners = np.array([5, 9, 5, 9])
    pairs = find_pairs(band_keys(signatures, lsh_params(0.5, 64)), owners)
    assert pairs.tolist() == [[5, 9]]


def test_candidate_pairs_of_nothing(find_pairs: PairFinder) -> None:
    params = lsh_params(0.5, 64)
    keys = band_keys(np.empty((0, 64), dtype=np.uint32), params)
    pairs = find_pairs(keys, np.empty(0, dtype=np.int64))
    assert pairs.shape == (0, 2)


# --- spilled band keys ---------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_spilled_keys_read_back_band_by_band(chunk: int) -> None:
    rng = np.random.default_rng(15)
    keys = rng.integers(0, 2**63, (50, 9), dtype=np.uint64)
    spilled = SpilledBandKeys(9)
    for lo in range(0, len(keys), chunk):
        spilled.append(keys[lo : lo + chunk])
    assert len(spilled) == 50
    for band in range(9):
        assert np.array_equal(spilled.band(band), keys[:, band])
    spilled.close()


def _write_block(spilled: SpilledBandKeys, keys: np.ndarray) -> SpilledBlock:
    return spilled.write(keys)


def test_spilled_blocks_written_by_workers_in_any_order_read_back_in_added_order() -> None:
    rng = np.random.default_rng(16)
    parts = [rng.integers(0, 2**63, (size, 5), dtype=np.uint64) for size in (3, 0, 11, 1, 40)]
    spilled = SpilledBandKeys(5, shared=True)
    # Written by two forked workers as they finish, added in chunk order.
    blocks = list(map_ordered(_write_block, spilled, parts[::-1], 2))[::-1]
    for block in blocks:
        spilled.add(block)
    expected = np.concatenate(parts)
    assert len(spilled) == len(expected)
    for band in range(5):
        assert np.array_equal(spilled.band(band), expected[:, band])
    with pytest.raises(ValueError, match="5 bands"):
        spilled.write(expected[:, :4])
    spilled.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_candidate_pairs_from_spilled_keys_and_on_several_processes(
    jobs: int, find_pairs: PairFinder
) -> None:
    signatures, owners = signatures_of(corpus(16, 12, 3, 2), 128)
    params = lsh_params(0.3, 128)
    keys = band_keys(signatures, params)
    spilled = SpilledBandKeys(params.bands)
    spilled.append(keys[:10])
    spilled.append(keys[10:])
    pairs = find_pairs(spilled, owners, jobs)
    assert len(pairs) > 0
    assert np.array_equal(pairs, candidate_pairs(keys, owners))
    assert np.array_equal(pairs, reference_candidate_pairs(signatures, owners, params, SEED))


@pytest.mark.parametrize(("bands", "jobs"), [(37, 2), (37, 1), (9, 4), (1, 2), (64, 8)])
def test_band_groups_cover_every_band_once_in_order(bands: int, jobs: int) -> None:
    groups = band_groups(bands, jobs)
    assert [band for group in groups for band in group] == list(range(bands))
    # Enough tasks to keep every worker busy, when there are bands enough.
    assert len(groups) >= min(bands, 4 * jobs)


def test_signatures_differing_only_in_low_bits_of_each_bands_last_row_are_not_paired() -> None:
    # Candidate generation gives the low bits of each key over to the document number: keys
    # must mix every row into every bit, or these would pair.
    rng = np.random.default_rng(17)
    params = lsh_params(0.3, 128)
    first = rng.integers(0, 2**32, (1, 128), dtype=np.uint64).astype(np.uint32)
    second = first.copy()
    last_rows = np.arange(params.bands) * params.rows + params.rows - 1
    second[0, last_rows] ^= np.uint32(1)
    signatures = np.concatenate([first, second])
    owners = np.array([0, 1_000_000])  # 20 bits of each key give way to the owner
    assert candidate_pairs(band_keys(signatures, params), owners).shape == (0, 2)
    assert reference_candidate_pairs(signatures, owners, params, SEED).shape == (0, 2)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(-(2**62), 2**62), max_size=60),
    columns=st.sampled_from([1, 2]),
)
def test_unique_values_equals_numpy_unique(values: list[int], columns: int) -> None:
    array = np.array(values[: len(values) // columns * columns], dtype=np.int64)
    shaped = array.reshape(-1, columns) if columns > 1 else array
    found = unique_values(shaped)
    assert found.tolist() == np.unique(shaped).tolist()
    assert found.dtype == np.int64


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(-50, 50), max_size=40),
    ordered=st.lists(st.integers(-50, 50), max_size=40),
)
def test_in_sorted_equals_numpy_isin(values: list[int], ordered: list[int]) -> None:
    array, among = np.array(values, dtype=np.int64), np.array(sorted(ordered), dtype=np.int64)
    assert in_sorted(array, among).tolist() == np.isin(array, among).tolist()


# Three integer columns (the first wide, possibly negative) in a dtype: packed into one
# int64, or too wide to be.
integer_rows = st.lists(
    st.tuples(st.integers(-(2**61), 2**61), st.integers(0, 5), st.integers(-3, 3)), max_size=80
)
# 50 and 55: the packed columns fit in an int64, not with their positions (two passes).
column_widths = st.sampled_from([1, 8, 30, 50, 55, 62])
column_types = st.sampled_from(["int64", "uint64", "int32", "bool"])


def integer_columns(rows: list[tuple[int, int, int]], width: int, dtype: str) -> list[np.ndarray]:
    array = np.array(rows, dtype=np.int64).reshape(-1, 3)
    array[:, 0] = array[:, 0] % (1 << width) - (1 << (width - 1))
    if dtype == "uint64":
        return [np.abs(array[:, k]).astype(np.uint64) for k in range(3)]
    if dtype == "bool":
        return [array[:, k] > 0 for k in range(3)]
    return [array[:, k].astype(dtype) for k in range(3)]


@settings(max_examples=300, deadline=None)
@given(rows=integer_rows, width=column_widths, dtype=column_types)
def test_lexsort_equals_numpy_lexsort(
    rows: list[tuple[int, int, int]], width: int, dtype: str
) -> None:
    """Packed or not (wide columns do not fit in one int64), the order is np.lexsort's:
    ties in input order."""
    keys = integer_columns(rows, width, dtype)
    for count in (1, 2, 3):
        expected = np.lexsort(keys[:count])
        assert lexsort(keys[:count]).tolist() == expected.tolist()


@settings(max_examples=300, deadline=None)
@given(rows=integer_rows, width=column_widths, dtype=column_types)
def test_sorted_rows_equals_rows_in_lexsort_order(
    rows: list[tuple[int, int, int]], width: int, dtype: str
) -> None:
    """Packed or not, the rows come out sorted by every column in turn, as `np.lexsort`
    orders them, with their types."""
    columns = integer_columns(rows, width, dtype)
    order = np.lexsort(columns[::-1])
    found = sorted_rows(columns)
    for column, sorted_column in zip(columns, found, strict=True):
        assert sorted_column.dtype == column.dtype
        assert sorted_column.tolist() == column[order].tolist()
    # Sorted by the first two columns only: rows come in that order, whatever the third.
    by_two = sorted_rows(columns, keys=2)
    rows = list(zip(*(column.tolist() for column in by_two), strict=True))
    assert [row[:2] for row in rows] == sorted(row[:2] for row in rows)
    assert sorted(rows) == sorted(zip(*(column.tolist() for column in columns), strict=True))


def test_lexsort_of_uint64_hashes_and_floats_falls_back() -> None:
    hashes = np.array([2**64 - 1, 2**63, 5, 2**63], dtype=np.uint64)
    moments = np.array([0.5, -1.0, 0.5, 2.0])
    assert lexsort([hashes]).tolist() == np.lexsort([hashes]).tolist()
    assert lexsort([moments, hashes]).tolist() == np.lexsort([moments, hashes]).tolist()
