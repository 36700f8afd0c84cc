"""Tests of MinHash signing: the vectorised path against datasketch, and LeanMinHash interop."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import signatures_compiled
from dedupe.index import LSHParams, band_keys, lsh_params
from dedupe.signatures import fmix32, permutations, sign, sign_reference, to_lean_minhash
from dedupe.text import ngram_hashes, shingle_hash32, word_hashes

U32 = st.integers(0, 2**32 - 1)


def datasketch_minhash(values: np.ndarray, num_perm: int, seed: int) -> MinHash:
    """Return datasketch's MinHash of 32-bit values, updated one value at a time."""
    minhash = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
    for value in values:
        minhash.update(int(value))
    return minhash


def datasketch_batch(values: np.ndarray, num_perm: int, seed: int) -> MinHash:
    """Return datasketch's MinHash of 32-bit values, updated in one batch (fast)."""
    minhash = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
    minhash.update_batch([int(v) for v in values])
    return minhash


def groups_of(sizes: list[int], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return random uint32 shingles for groups of the given sizes, and the counts."""
    counts = np.array(sizes, dtype=np.int64)
    shingles = rng.integers(0, 2**32, int(counts.sum()), dtype=np.uint64).astype(np.uint32)
    return shingles, counts


def shingles_of(text: str, n: int = 3) -> np.ndarray:
    """Return the 32-bit shingle hashes of a whitespace-split text."""
    return shingle_hash32(ngram_hashes(word_hashes(text.lower().split()), n))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240105)


Signer = Callable[[np.ndarray, np.ndarray, int, int], np.ndarray]


@pytest.fixture(scope="module", params=["numpy", "compiled"])
def signer(request: pytest.FixtureRequest) -> Signer:
    """Return each fast signer in turn: every test below holds for both."""
    return sign if request.param == "numpy" else signatures_compiled.sign


# --- sign against the reference and datasketch ------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 300), min_size=1, max_size=5),
    num_perm=st.sampled_from([1, 2, 16, 64]),
    seed=st.integers(0, 2**31 - 1),
    data_seed=st.integers(0, 2**32 - 1),
)
def test_sign_equals_sign_reference(
    signer: Signer, sizes: list[int], num_perm: int, seed: int, data_seed: int
) -> None:
    shingles, counts = groups_of(sizes, np.random.default_rng(data_seed))
    fast = signer(shingles, counts, num_perm, seed)
    slow = sign_reference(shingles, counts, num_perm, seed)
    assert fast.dtype == np.uint32
    assert fast.shape == (len(sizes), num_perm)
    assert np.array_equal(fast, slow)


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 300), max_size=5),
    lsh=st.sampled_from([(0.3, 128), (0.5, 64), (0.8, 16)]),
    seed=st.integers(0, 2**31 - 1),
    data_seed=st.integers(0, 2**32 - 1),
)
def test_compiled_band_keys_equal_band_keys_of_signatures(
    sizes: list[int], lsh: tuple[float, int], seed: int, data_seed: int
) -> None:
    params = lsh_params(*lsh)
    shingles, counts = groups_of(sizes, np.random.default_rng(data_seed))
    keys = signatures_compiled.sign_band_keys(shingles, counts, seed, params)
    signatures = sign_reference(shingles, counts, params.num_perm, seed)
    assert keys.shape == (len(sizes), params.bands)
    assert np.array_equal(keys, band_keys(signatures, params))


@settings(max_examples=100, deadline=None)
@given(
    shingles=st.lists(U32, min_size=1, max_size=80),
    windows=st.lists(st.tuples(st.integers(0, 79), st.integers(1, 30)), max_size=12),
    seed=st.integers(0, 1000),
)
def test_windows_signed_in_place_equal_their_shingles_gathered(
    shingles: list[int], windows: list[tuple[int, int]], seed: int
) -> None:
    # Windows overlap, repeat and come in any order.
    values = np.array(shingles, dtype=np.uint32)
    spans = [(start % len(values), count) for start, count in windows]
    spans = [(start, min(count, len(values) - start)) for start, count in spans]
    starts = np.array([start for start, _ in spans], dtype=np.int64)
    counts = np.array([count for _, count in spans], dtype=np.int64)
    params = lsh_params(0.3, 128)
    keys = signatures_compiled.sign_windows(values, starts, counts, seed, params)
    gathered = np.concatenate([values[s : s + c] for s, c in spans] or [values[:0]])
    expected = band_keys(sign_reference(gathered, counts, params.num_perm, seed), params)
    assert np.array_equal(keys, expected)


def test_windows_outside_the_shingles_are_refused() -> None:
    values = np.arange(10, dtype=np.uint32)
    params = lsh_params(0.3, 128)
    for starts, counts in (([8], [3]), ([-1], [2]), ([2], [0])):
        with pytest.raises(ValueError, match="window"):
            signatures_compiled.sign_windows(values, np.array(starts), np.array(counts), 1, params)


def test_compiled_band_keys_refuse_more_rows_than_permutations() -> None:
    shingles, counts = groups_of([5], np.random.default_rng(1))
    with pytest.raises(ValueError, match="bands"):
        signatures_compiled.sign_band_keys(shingles, counts, 1, LSHParams(0.5, 4, 3, 2))


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(U32, min_size=1, max_size=60),
    num_perm=st.sampled_from([4, 32, 128]),
    seed=st.integers(0, 1000),
)
def test_sign_row_equals_datasketch_updated_value_by_value(
    signer: Signer, values: list[int], num_perm: int, seed: int
) -> None:
    shingles = np.array(values, dtype=np.uint32)
    row = signer(shingles, np.array([len(values)]), num_perm, seed)[0]
    expected = datasketch_minhash(shingles, num_perm, seed).hashvalues
    assert np.array_equal(row, expected)


@pytest.mark.parametrize(
    "sizes",
    [
        [9000],  # one group larger than a block
        [3000, 3000, 3000, 10],  # groups straddling the block boundary
        [1] * 9000,  # many tiny groups across blocks
        [8192, 1, 8191, 2],  # exactly block-sized groups
    ],
    ids=["one-huge", "straddling", "many-tiny", "block-sized"],
)
def test_sign_across_block_boundaries(
    signer: Signer, rng: np.random.Generator, sizes: list[int]
) -> None:
    shingles, counts = groups_of(sizes, rng)
    num_perm, seed = 16, 3
    fast = signer(shingles, counts, num_perm, seed)
    assert fast.shape == (len(sizes), num_perm)
    starts = np.cumsum(counts) - counts
    # Every group of a short list; for long lists, the groups around each block boundary.
    checked = set(range(len(sizes))) if len(sizes) < 50 else {*range(8180, 8200), 0, len(sizes) - 1}
    for index in sorted(checked):
        group = shingles[starts[index] : starts[index] + counts[index]]
        assert np.array_equal(fast[index], datasketch_batch(group, num_perm, seed).hashvalues)


def test_sign_of_many_groups_equals_reference(signer: Signer, rng: np.random.Generator) -> None:
    sizes = rng.integers(1, 301, 60).tolist()
    shingles, counts = groups_of(sizes, rng)
    assert np.array_equal(signer(shingles, counts, 32, 1), sign_reference(shingles, counts, 32, 1))


def test_sign_ignores_order_and_duplicates_within_a_group(
    signer: Signer, rng: np.random.Generator
) -> None:
    values = rng.integers(0, 2**32, 50, dtype=np.uint64).astype(np.uint32)
    shuffled = rng.permutation(np.concatenate([values, values[:20]]))
    shingles = np.concatenate([values, shuffled])
    rows = signer(shingles, np.array([len(values), len(shuffled)]), 64, 1)
    assert np.array_equal(rows[0], rows[1])


def test_sign_depends_on_seed(signer: Signer, rng: np.random.Generator) -> None:
    shingles, counts = groups_of([40], rng)
    assert not np.array_equal(signer(shingles, counts, 64, 1), signer(shingles, counts, 64, 2))


def test_sign_of_no_groups_is_empty(signer: Signer) -> None:
    out = signer(np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64), 16, 1)
    assert out.shape == (0, 16)
    assert out.dtype == np.uint32


@pytest.mark.parametrize("counts", [[0], [3, 0, 2], [2, -1, 4]])
def test_sign_raises_on_an_empty_group(signer: Signer, counts: list[int]) -> None:
    shingles = np.arange(max(1, sum(c for c in counts if c > 0)), dtype=np.uint32)
    with pytest.raises(ValueError, match="at least one shingle"):
        signer(shingles, np.array(counts), 16, 1)


# --- permutations and fmix32 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num_perm", "seed"), [(1, 1), (128, 1), (256, 42), (64, 0), (128, 2**32 - 1)]
)
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed)
    ref_a, ref_b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)
    assert np.all(a % 2 == 1)  # odd multipliers: bijective on uint32


_SCAN_WITHOUT_DATASKETCH = """
import sys
import dedupe
texts = ["one two three four five six seven eight nine ten eleven twelve"] * 3
dedupe.scan([dedupe.Document(id=str(i), text=t) for i, t in enumerate(texts)])
print(sorted(name for name in ("datasketch", "scipy.integrate") if name in sys.modules))
"""


def test_a_scan_does_not_import_datasketch() -> None:
    # datasketch's package imports scipy's integrators: half a second of every scan's start.
    run = subprocess.run(
        [sys.executable, "-c", _SCAN_WITHOUT_DATASKETCH], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_fmix32_known_values_and_bijectivity() -> None:
    values = np.array([0, 1, 2**32 - 1], dtype=np.uint32)
    assert fmix32(values).tolist() == [0, 0x514E28B7, 2180083513]
    sample = np.arange(200_000, dtype=np.uint32)
    assert len(np.unique(fmix32(sample))) == len(sample)
    assert sample[1] == 1  # the input is not modified


# --- LeanMinHash interop and Jaccard ----------------------------------------------------------

STORY = (
    "iraqi officials said on sunday that negotiations with the kurdish regional government "
    "over oil exports through the northern pipeline would resume next week in baghdad after "
    "a pause of nearly three months that cost both sides billions of dollars in lost revenue"
)
REWRITE = (
    "officials in baghdad said on sunday that negotiations with the kurdish regional government "
    "over oil exports through the northern pipeline would resume next month after a pause that "
    "cost both sides billions of dollars in lost revenue and deepened mistrust between them"
)


@pytest.mark.parametrize("num_perm", [64, 128])
def test_lean_minhash_jaccard_equals_datasketch(num_perm: int) -> None:
    seed = 1
    a, b = shingles_of(STORY), shingles_of(REWRITE)
    rows = sign(np.concatenate([a, b]), np.array([len(a), len(b)]), num_perm, seed)
    lean_a, lean_b = to_lean_minhash(rows[0], seed), to_lean_minhash(rows[1], seed)
    own_a, own_b = datasketch_minhash(a, num_perm, seed), datasketch_minhash(b, num_perm, seed)
    assert isinstance(lean_a, LeanMinHash)
    assert lean_a.jaccard(lean_b) == own_a.jaccard(own_b)
    assert lean_a == LeanMinHash(own_a)
    assert lean_b == LeanMinHash(own_b)
    assert 0.0 < lean_a.jaccard(lean_b) < 1.0
    assert lean_a.jaccard(lean_a) == 1.0


@pytest.mark.parametrize(
    ("shared", "only_a", "only_b"), [(300, 150, 150), (100, 400, 0), (0, 200, 200), (500, 0, 0)]
)
def test_jaccard_estimate_is_close_to_the_true_jaccard(
    rng: np.random.Generator, shared: int, only_a: int, only_b: int
) -> None:
    pool = rng.choice(2**32, shared + only_a + only_b, replace=False).astype(np.uint32)
    common, left, right = np.split(pool, [shared, shared + only_a])
    a, b = np.concatenate([common, left]), np.concatenate([common, right])
    true = shared / (shared + only_a + only_b)
    num_perm, seed = 256, 7
    rows = sign(np.concatenate([a, b]), np.array([len(a), len(b)]), num_perm, seed)
    estimate = to_lean_minhash(rows[0], seed).jaccard(to_lean_minhash(rows[1], seed))
    assert estimate == pytest.approx(float(np.mean(rows[0] == rows[1])))
    # 4 standard errors of a 256-permutation estimate (at most 0.125) plus slack.
    assert abs(estimate - true) <= 0.13
