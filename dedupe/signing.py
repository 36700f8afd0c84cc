"""Signing: the documents' texts split into words, cut into indexed blocks and windows, and
each window's MinHash reduced to its LSH band keys (spilled to disk), with every document's
word count, text hash and anchor postings (`dedupe.anchors`).

`sign_documents` signs a corpus already read; `SigningAsRead` signs it while it is still
being read, on the cores reading leaves idle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from dedupe import ahead
from dedupe.anchors import (
    PostingBlock,
    SpilledPostings,
    anchor_postings,
    anchor_postings_reference,
    anchor_size,
    owner_bits,
)
from dedupe.detection import SAMPLE_CHARACTERS, SAMPLE_RECORDS, sniff_paragraphs
from dedupe.documents import Document
from dedupe.index import BandKeys, SpilledBandKeys, SpilledBlock, band_keys, concatenated_ranges
from dedupe.jit import CompileNotice, CompileWatch
from dedupe.parallel import OrderedPool, map_ordered
from dedupe.parameters import Parameters
from dedupe.signatures import sign, sign_reference
from dedupe.store import (
    BATCH_DOCUMENTS,
    DocumentStore,
    document_texts,
    read_texts,
    read_utf8,
)
from dedupe.text import ngram_hashes, sequence_hashes, shingle_hash32, tokenize, word_table

Progress = Callable[[str, int, int], None]

# Documents signed by one task: as many as the store's batches, signed while read.
_SIGN_CHUNK = BATCH_DOCUMENTS
# Fewer documents are signed, split into words and paired (candidate pairs) by numpy and
# Python; their compiled loops are small, and load in no time once numba is imported.
COMPILED_SIGNING_FROM = 2000

Signer = Literal["numpy", "compiled", "reference"]


@dataclass(frozen=True, slots=True)
class Shingles:
    """Paragraph shingles of a corpus: hashes back to back, per-paragraph counts and owners."""

    hashes: np.ndarray
    counts: np.ndarray
    owners: np.ndarray
    word_counts: np.ndarray
    text_hashes: np.ndarray
    # Only from `shingle_documents_reference`: each document's anchors.
    anchor_sets: list[set[int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Signed:
    """LSH band keys of the indexed paragraphs, their documents, and every word count.

    Only the band keys are kept (bands x 8 bytes a paragraph instead of num_perm x 4, spilled
    to disk): they are all candidate generation needs. The reference path keeps the full
    `signatures` as well.
    """

    keys: BandKeys
    owners: np.ndarray
    word_counts: np.ndarray
    text_hashes: np.ndarray
    # Anchor postings spilled to disk; with the reference path, each document's anchors.
    anchors: SpilledPostings | list[set[int]]
    signatures: np.ndarray | None = None


def prepare_compiled_signing(jobs: int) -> None:
    """Compile the signing's numba code, or load it from numba's cache (half a second); when
    it had to be compiled (a fresh install) and the scan may use more than one process
    (`jobs`), start compiling the later stages' code in other processes (`dedupe.ahead`),
    which those stages wait for."""
    # numba loads only here, when the compiled code is used.
    from dedupe import signatures_compiled, text_compiled

    # The signer first (0.7 s to compile, 0.05 s to load): compiled, it tells the cache is
    # cold, and the later stages' compiling starts before the splitter's (6 s).
    with CompileWatch() as watch:
        signatures_compiled.prepare()
    if watch.compiled and jobs > 1:
        ahead.compile_later_stages()
    text_compiled.prepare()


def sign_documents(
    documents: Sequence[Document],
    params: Parameters,
    *,
    jobs: int = 1,
    reference: bool = False,
    progress: Progress | None = None,
    compiled: bool = False,
) -> Signed:
    """Return the band keys of all indexed paragraphs of `documents` (see `shingle_documents`).

    Signatures are computed by numpy, by datasketch with `reference`, or with `compiled` by
    `dedupe.signatures_compiled`, which hashes the band keys of each signature as it is made
    (texts split by `dedupe.text_compiled`): the same band keys.
    """
    if compiled:
        prepare_compiled_signing(jobs)
    signer: Signer = "reference" if reference else "compiled" if compiled else "numpy"
    bounds = list(range(0, len(documents), _SIGN_CHUNK))
    chunks = [(lo, min(lo + _SIGN_CHUNK, len(documents))) for lo in bounds]
    keys = SpilledBandKeys(params.lsh.bands, shared=jobs > 1)
    postings = SpilledPostings(shared=jobs > 1)
    state = (documents, params, signer, keys, postings)
    parts = map_ordered(_sign_chunk, state, chunks, jobs)
    signed = _gathered(parts, keys, postings, len(documents), params.num_perm, progress, reference)
    if reference:
        postings.close()
    return signed


# A signed chunk: where its band keys were spilled, its windows' owners, its documents' word
# counts and text hashes, their anchors (where they were spilled, or with the reference path
# each document's set) and (reference path only) the signatures.
_Part = tuple[
    SpilledBlock,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    PostingBlock | list[set[int]],
    np.ndarray | None,
]


def _gathered(
    parts: Iterable[_Part],
    keys: SpilledBandKeys,
    postings: SpilledPostings,
    documents: int,
    num_perm: int,
    progress: Progress | None,
    reference: bool = False,
) -> Signed:
    """Return the signing of `documents` documents from its chunks' `parts`, in order (the
    spilled blocks added to `keys` and `postings`), telling `progress("sign", documents
    signed, documents)` as each comes in; with `reference`, the parts' anchor sets and
    signatures instead of the postings."""
    anchor_sets: list[set[int]] = []
    owners: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    word_counts: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    text_hashes: list[np.ndarray] = [np.empty(0, dtype=np.uint64)]
    signatures: list[np.ndarray] = [np.empty((0, num_perm), dtype=np.uint32)]
    for block, owned, counts, hashes, anchors, signed in parts:
        keys.add(block)
        owners.append(owned)
        word_counts.append(counts)
        text_hashes.append(hashes)
        if isinstance(anchors, list):
            anchor_sets.extend(anchors)
        else:
            postings.add(anchors)
        if signed is not None:
            signatures.append(signed)
        if progress:
            progress("sign", sum(map(len, word_counts)), documents)
    return Signed(
        keys,
        np.concatenate(owners),
        np.concatenate(word_counts),
        np.concatenate(text_hashes),
        anchor_sets if reference else postings,
        np.concatenate(signatures) if reference else None,
    )


def _sign_chunk(
    state: tuple[Sequence[Document], Parameters, Signer, SpilledBandKeys, SpilledPostings],
    chunk: tuple[int, int],
) -> _Part:
    """Spill the band keys and anchors of a chunk; return where, with owners, word counts,
    text hashes, each document's anchors (reference only: else where they were spilled) and
    (reference only) signatures."""
    documents, params, signer, spill, postings = state
    reference = signer == "reference"
    lo, hi = chunk
    if signer == "compiled":
        texts = document_texts(documents, range(lo, hi))
        return (*_signed_texts(texts, params, lo, len(documents), spill, postings), None)
    if reference:
        shingles = shingle_documents_reference(documents[lo:hi], params)
        anchors: PostingBlock | list[set[int]] = shingles.anchor_sets
    else:
        windows = shingle_windows(
            document_texts(documents, range(lo, hi)),
            params,
            first_document=lo,
            corpus_size=len(documents),
        )
        shingles = shingles_of(windows)
        anchors = postings.write(windows.anchors, windows.anchor_sizes, owner_bits(len(documents)))
    signing = sign_reference if reference else sign
    signatures = signing(shingles.hashes, shingles.counts, params.num_perm, params.seed)
    return (
        spill.write(band_keys(signatures, params.lsh)),
        shingles.owners + lo,
        shingles.word_counts,
        shingles.text_hashes,
        anchors,
        signatures if reference else None,
    )


def _signed_texts(
    texts: Sequence[str],
    params: Parameters,
    first: int,
    corpus_size: int,
    spill: SpilledBandKeys,
    postings: SpilledPostings,
) -> tuple[SpilledBlock, np.ndarray, np.ndarray, np.ndarray, PostingBlock]:
    """Spill the band keys and anchors of `texts` (documents `first`... of a corpus of
    `corpus_size`), signed by the compiled code; return where, with their windows' owners,
    their word counts and their text hashes."""
    # Band keys straight from each signature as it is made, the shingles of each window
    # read where they lie: neither the signatures nor the windows' shingles are gathered.
    from dedupe.signatures_compiled import sign_windows

    windows = shingle_windows(
        texts, params, compiled=True, first_document=first, corpus_size=corpus_size
    )
    keys = sign_windows(windows.hashes, windows.starts, windows.counts, params.seed, params.lsh)
    return (
        spill.write(keys),
        windows.owners + first,
        windows.word_counts,
        windows.text_hashes,
        postings.write(windows.anchors, windows.anchor_sizes, owner_bits(corpus_size)),
    )


def shingle_documents(
    documents: Sequence[Document], params: Parameters, *, compiled: bool = False
) -> Shingles:
    """Return the shingle hashes of every indexed block of `documents`.

    A block is a paragraph of at least `min_words` words, or a run of consecutive shorter
    paragraphs that together reach `min_words` (one-line paragraphs, lists). A short paragraph
    standing alone between long ones is not indexed: it cannot hold a reportable passage, and
    short boilerplate lines ("Reuters contributed to this report.") shared by thousands of
    articles would pair them all; its words are still aligned once the document is a candidate.
    Blocks longer than `params.window` words are cut into windows of that many words,
    overlapping by half, so a passage copied into (or out of) a long paragraph still makes up
    most of some window. With `compiled`, texts are split into words by compiled code.
    """
    return shingles_of(shingle_windows([d.text for d in documents], params, compiled=compiled))


def shingles_of(windows: Windows) -> Shingles:
    """Return the shingles of each window of `windows`, gathered back to back."""
    return Shingles(
        hashes=windows.hashes[concatenated_ranges(windows.starts, windows.counts)],
        counts=windows.counts,
        owners=windows.owners,
        word_counts=windows.word_counts,
        text_hashes=windows.text_hashes,
    )


@dataclass(frozen=True, slots=True)
class Windows:
    """The n-gram hashes of a corpus's words, and the windows to sign: window k's shingles
    are hashes[starts[k] : starts[k] + counts[k]] (windows overlap), owners[k] its document;
    and the documents' anchor postings by part (`dedupe.anchors.anchor_postings`)."""

    hashes: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    owners: np.ndarray
    word_counts: np.ndarray
    text_hashes: np.ndarray
    anchors: np.ndarray
    anchor_sizes: np.ndarray


def shingle_windows(
    texts: Sequence[str],
    params: Parameters,
    *,
    compiled: bool = False,
    first_document: int = 0,
    corpus_size: int | None = None,
) -> Windows:
    """Return the windows of `shingle_documents` of the documents' `texts`, their shingles
    left in place, and the documents' anchor postings (numbered from `first_document` in a
    corpus of `corpus_size` documents, by default just these)."""
    n = params.gram_words
    words = word_table(texts, params.paragraph_separator, compiled=compiled)
    # n-grams that straddle two blocks (or documents) are computed but never used.
    grams64 = _ngram_hashes(words.hashes, n, compiled)
    starts, ends, owners = block_spans(words.paragraph, words.document, params.min_words)
    window_starts, window_counts, window_owners = window_spans(
        starts, ends - starts - n + 1, params.window - n + 1, owners
    )
    anchor_n, _ = anchor_size(params.min_words, params.anchor_words)
    anchors, anchor_sizes = anchor_postings(
        words.hashes,
        words.document,
        params.min_words,
        corpus_size if corpus_size is not None else len(texts),
        words=params.anchor_words,
        first_document=first_document,
        grams=grams64 if anchor_n == n else _ngram_hashes(words.hashes, anchor_n, compiled),
    )
    return Windows(
        shingle_hash32(grams64),
        window_starts,
        window_counts,
        window_owners,
        np.bincount(words.document, minlength=len(texts)).astype(np.int64),
        sequence_hashes(words.hashes, words.document, len(texts)),
        anchors,
        anchor_sizes,
    )


def _ngram_hashes(hashes: np.ndarray, n: int, compiled: bool) -> np.ndarray:
    if compiled:
        from dedupe import text_compiled

        return text_compiled.ngram_hashes(hashes, n)
    return ngram_hashes(hashes, n)


def block_spans(
    paragraph: np.ndarray, document: np.ndarray, min_words: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (starts, ends, documents) of the word spans to index, for many documents at once.

    `paragraph` and `document` give each word's paragraph (numbered across documents) and
    document. The same spans as `blocks`, document by document.
    """
    if len(paragraph) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    first = np.flatnonzero(np.diff(paragraph, prepend=paragraph[0] - 1) != 0)
    ends = np.append(first[1:], len(paragraph))
    long = ends - first >= min_words
    owners = document[first]
    # A long paragraph stands alone; consecutive short ones of one document go together.
    new = np.ones(len(first), dtype=bool)
    new[1:] = long[1:] | long[:-1] | (owners[1:] != owners[:-1])
    heads = np.flatnonzero(new)
    group_starts = first[heads]
    group_ends = np.append(first[heads[1:]], len(paragraph))
    keep = group_ends - group_starts >= min_words
    return group_starts[keep], group_ends[keep], owners[heads][keep]


def window_spans(
    starts: np.ndarray, counts: np.ndarray, size: int, owners: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (starts, counts, owners) of the windows of many spans (the same as `windows`,
    span by span, shifted by each span's start)."""
    step = max(size // 2, 1)
    over = np.maximum(counts - size, 0)
    per_span = np.where(counts <= size, 1, -(-over // step) + 1)
    within = np.arange(int(per_span.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(per_span) - per_span, per_span
    )
    offsets = np.minimum(within * step, np.repeat(over, per_span))
    lengths = np.repeat(np.minimum(counts, size), per_span)
    return np.repeat(starts, per_span) + offsets, lengths, np.repeat(owners, per_span)


def shingle_documents_reference(documents: Sequence[Document], params: Parameters) -> Shingles:
    """Return the same as `shingle_documents`, one document at a time (kept for tests)."""
    n = params.gram_words
    size = params.window - n + 1
    hashes: list[np.ndarray] = []
    counts: list[int] = []
    owners: list[int] = []
    word_counts = np.zeros(len(documents), dtype=np.int64)
    text_hashes = np.zeros(len(documents), dtype=np.uint64)
    anchor_sets: list[set[int]] = []
    for index, doc in enumerate(documents):
        tokens = tokenize(doc.text, params.paragraph_separator)
        word_counts[index] = len(tokens)
        text_hashes[index : index + 1] = sequence_hashes(
            tokens.hashes, np.zeros(len(tokens), dtype=np.int64), 1
        )
        anchor_sets.append(
            anchor_postings_reference(tokens.hashes, params.min_words, params.anchor_words)
        )
        if len(tokens) < params.min_words:
            continue
        # n-grams that straddle two blocks are computed but never used.
        grams = shingle_hash32(ngram_hashes(tokens.hashes, n))
        for start, end in blocks(tokens.paragraph, params.min_words):
            for lo, hi in windows(end - start - n + 1, size):
                hashes.append(grams[start + lo : start + hi])
                counts.append(hi - lo)
                owners.append(index)
    return Shingles(
        hashes=np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint32),
        counts=np.array(counts, dtype=np.int64),
        owners=np.array(owners, dtype=np.int64),
        word_counts=word_counts,
        text_hashes=text_hashes,
        anchor_sets=anchor_sets,
    )


def blocks(paragraph: np.ndarray, min_words: int) -> list[tuple[int, int]]:
    """Return the [start, end) word spans to index: long paragraphs, and runs of short ones.

    `paragraph` holds each word's paragraph index. Spans shorter than `min_words` are left out.
    """
    cuts = (np.flatnonzero(np.diff(paragraph)) + 1).tolist()
    spans = list(zip([0, *cuts], [*cuts, len(paragraph)], strict=True))
    found: list[tuple[int, int]] = []
    run_start: int | None = None
    for start, end in spans:
        if end - start >= min_words:
            if run_start is not None and start - run_start >= min_words:
                found.append((run_start, start))
            run_start = None
            found.append((start, end))
        elif run_start is None:
            run_start = start
    if run_start is not None and len(paragraph) - run_start >= min_words:
        found.append((run_start, len(paragraph)))
    return found


def windows(length: int, size: int) -> list[tuple[int, int]]:
    """Return [start, end) windows of `size` over `length` items, overlapping by half."""
    if length <= size:
        return [(0, length)]
    step = max(size // 2, 1)
    starts = [*range(0, length - size, step), length - size]
    return [(start, start + size) for start in starts]


class SigningAsRead:
    """Signing that starts while the corpus is still being read, on forked workers: the
    cores reading leaves idle (it runs in one process) sign what is already on disk.

    Given to the `DocumentStore` as its `on_batch`, it signs each batch of documents in the
    order read. `signed(store, params)` then returns what `sign_documents` would for the
    store, documents renumbered in store order. It starts from COMPILED_SIGNING_FROM
    documents read (fewer are signed by numpy after reading). When the paragraph separator
    is left to be sniffed (`sniff`), it guesses the one the input's first documents show, as
    detection does; `signed` gives None when the scan settles on another (or when it never
    started), and the corpus is signed after reading instead.
    """

    def __init__(
        self, params: Parameters, jobs: int, *, sniff: bool, notice: CompileNotice | None = None
    ) -> None:
        self._params = params
        self._notice = notice
        self._jobs = jobs
        self._sniff = sniff
        self._pool: OrderedPool | None = None
        # Documents before this one (in the order read) are given to the workers.
        self._signed = 0
        # Made when signing starts: before the workers fork, which write to them.
        self._spills: tuple[SpilledBandKeys, SpilledPostings] | None = None

    def on_batch(self, store: DocumentStore, lo: int, hi: int) -> None:
        """Sign documents lo..hi-1 (in the order read) of `store`, in the background, with
        those of earlier batches not signed yet (the batches before signing started)."""
        if self._pool is None:
            if hi < COMPILED_SIGNING_FROM:
                return
            self._start(store)
        assert self._pool is not None
        first, self._signed = self._signed, hi
        fileno, offsets, lengths = store.spans(first, hi)
        self._pool.submit((fileno, offsets, lengths, first, hi, self._params))

    def signed(
        self, store: Sequence[Document], params: Parameters, progress: Progress | None = None
    ) -> Signed | None:
        """Return the signing of `store` (all read) with `params` (the paragraph separator
        settled), documents numbered in store order; None when it never started or guessed
        another separator (nothing is kept then). `progress("sign", documents signed,
        documents)` is called as the batches still signing come in."""
        if self._pool is None or params != self._params or not isinstance(store, DocumentStore):
            self.close()
            return None
        assert self._spills is not None
        spill, postings = self._spills
        parts = self._pool.results()
        found = _gathered(parts, spill, postings, len(store), params.num_perm, progress)
        self._pool.close()
        self._pool, self._spills = None, None
        read_place = store.read_order()
        # Each document's place in the store, by its place in the order read.
        place = np.empty_like(read_place)
        place[read_place] = np.arange(len(read_place), dtype=np.int64)
        postings.renumber(place)
        return replace(
            found,
            owners=place[found.owners],
            word_counts=found.word_counts[read_place],
            text_hashes=found.text_hashes[read_place],
        )

    def close(self) -> None:
        """Stop the workers, if any, and drop what they signed (unless `signed` took it)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._spills is not None:
            for spilled in self._spills:
                spilled.close()
            self._spills = None

    def _start(self, store: DocumentStore) -> None:
        # Loaded once here, before the workers fork, rather than in each worker.
        if self._notice is not None:
            self._notice.start()
        prepare_compiled_signing(self._jobs)
        if self._sniff:
            sample = read_texts(*store.spans(0, SAMPLE_RECORDS))
            marker = sniff_paragraphs(text[:SAMPLE_CHARACTERS] for text in sample).marker
            self._params = replace(self._params, paragraph_separator=marker)
        self._spills = (
            SpilledBandKeys(self._params.lsh.bands, shared=True),
            SpilledPostings(shared=True),
        )
        self._pool = OrderedPool(_sign_read, self._spills, self._jobs)


def _sign_read(
    state: tuple[SpilledBandKeys, SpilledPostings],
    task: tuple[int, list[int], list[int], int, int, Parameters],
) -> _Part:
    """Return the signed part (`_signed_texts`) of documents lo..hi-1 in the order read
    (their anchors packed among the hi documents read so far: `SpilledPostings.renumber`
    makes room for more)."""
    spill, postings = state
    fileno, offsets, lengths, lo, hi, params = task
    texts = read_utf8(fileno, offsets, lengths)
    return (*_signed_texts(texts, params, lo, hi, spill, postings), None)
