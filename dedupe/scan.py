"""The scan: read, shingle, sign, index, align, attribute, report, as one call.

Each stage is a function over plain data, so a stage can be batched, streamed or moved to
another engine without touching the others.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, Literal

import numpy as np

from dedupe.align import AlignParams, GramIndex, align
from dedupe.attribution import (
    UNDECIDED,
    Attribution,
    Carrier,
    DocumentFacts,
    attribute_links,
    document_facts,
)
from dedupe.documents import (
    DEFAULT_MAX_DOCUMENT_SIZE,
    Document,
    FieldNames,
    Input,
    ReadLog,
    input_list,
    read_documents,
)
from dedupe.errors import InputError, ParameterError
from dedupe.index import (
    BandKeys,
    LSHParams,
    SpilledBandKeys,
    SpilledBlock,
    band_keys,
    candidate_pairs,
    concatenated_ranges,
    lsh_params,
    reference_candidate_pairs,
    unique_values,
)
from dedupe.parallel import default_jobs, map_ordered
from dedupe.passages import (
    A_FIRST,
    A_LAST,
    B_FIRST,
    B_LAST,
    QUOTE,
    AlignedPassages,
    AttributedPassages,
    joined,
    passage_columns,
)
from dedupe.report import Report, build_report
from dedupe.signatures import sign, sign_reference
from dedupe.stats import Stats
from dedupe.store import as_sequence, document_ids
from dedupe.text import (
    ngram_hashes,
    shingle_hash32,
    token_table,
    tokenize,
    tokenize_many,
    word_table,
)


@dataclass(frozen=True, slots=True)
class Parameters:
    """The detection parameters of a scan (see the README for how the defaults were chosen)."""

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.3
    seed: int = 1
    min_words: int = 10
    max_gap: int = 8
    window: int = 30
    paragraph_separator: str | None = None

    def validate(self) -> None:
        """Raise ParameterError when a value is out of range."""
        if self.shingle_size < 1:
            raise ParameterError(f"shingle size must be at least 1, got {self.shingle_size}")
        if self.min_words < self.shingle_size:
            raise ParameterError(
                f"min words ({self.min_words}) must be at least"
                f" the shingle size ({self.shingle_size})"
            )
        if self.window < 2 * self.shingle_size:
            raise ParameterError(
                f"window ({self.window}) must be at least twice"
                f" the shingle size ({self.shingle_size})"
            )
        if not 0 <= self.seed < 2**32:
            raise ParameterError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")
        if self.max_gap < 0:
            raise ParameterError(f"max gap must be 0 or more, got {self.max_gap}")
        lsh_params(self.threshold, self.num_perm)

    @property
    def lsh(self) -> LSHParams:
        """Return the LSH banding for this threshold and number of permutations."""
        return lsh_params(self.threshold, self.num_perm)

    @property
    def alignment(self) -> AlignParams:
        """Return the alignment parameters."""
        return AlignParams(
            seed_words=self.shingle_size, max_gap=self.max_gap, min_words=self.min_words
        )


@dataclass(frozen=True, slots=True)
class Shingles:
    """Paragraph shingles of a corpus: hashes back to back, per-paragraph counts and owners."""

    hashes: np.ndarray
    counts: np.ndarray
    owners: np.ndarray
    word_counts: np.ndarray


def scan(
    inputs: Input | Iterable[Input],
    *,
    fields: FieldNames | None = None,
    duplicate_ids: Literal["error", "suffix"] = "error",
    min_percent: float = 0.0,
    log: ReadLog | None = None,
    stats: Stats | None = None,
    reference: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
    **parameters: Any,
) -> Report:
    """Return the overlap report of the documents in `inputs`: a path, a folder, "-" or a
    Document, or several of them (TypeError for anything else, such as bytes or None).

    Keyword parameters are those of `Parameters` (shingle_size, num_perm, threshold, seed,
    min_words, max_gap, paragraph_separator). Skipped input is recorded in `log`, stage times in
    `stats`. `jobs` is the number of processes (default: all cores); the report does not depend
    on it. `progress(stage, done, total)` is called as work completes. Records read from files
    that are larger than `max_document_size` bytes are skipped (None: no limit); `tsv_quotes`
    reads TSV fields in quotation marks as CSV does. `reference=True` runs
    the slow datasketch-based signing and LSH and the Python aligner instead of the vectorised and
    compiled ones (the report must be identical; kept for tests).
    """
    items = input_list(inputs)
    params = Parameters(**parameters)
    params.validate()
    stats = stats if stats is not None else Stats()
    with stats.stage("read", "documents") as timing:
        documents = load_documents(
            items,
            fields or FieldNames(),
            duplicate_ids,
            log,
            max_document_size=max_document_size,
            tsv_quotes=tsv_quotes,
        )
        timing.items = len(documents)
    if jobs is not None and jobs < 1:
        raise ParameterError(f"jobs must be at least 1, got {jobs}")
    return scan_documents(
        documents,
        params,
        stats=stats,
        reference=reference,
        min_percent=min_percent,
        jobs=jobs or default_jobs(),
        progress=progress,
    )


def load_documents(
    inputs: Input | Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
    *,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
) -> Sequence[Document]:
    """Return the documents of `inputs` sorted by id, so results never depend on input order.

    Documents read from files are spooled to disk (`DocumentStore`): memory then follows the
    number of documents, not the size of their texts. Document objects given directly stay in
    memory as given.
    """
    items = input_list(inputs)
    spool = not all(isinstance(item, Document) for item in items)
    read = partial(read_documents, max_document_size=max_document_size, tsv_quotes=tsv_quotes)
    documents = as_sequence(_documents(items, fields, duplicate_ids, log, read), spool)
    ids = document_ids(documents)
    for position in range(1, len(ids)):
        if ids[position] == ids[position - 1]:
            first, second = documents[position - 1], documents[position]
            raise InputError(
                f"duplicate id {first.id!r} (also in {first.origin or 'another document'})",
                path=second.origin or None,
            )
    return documents


def _documents(
    inputs: Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
    read: Callable[..., Iterator[Document]] = read_documents,
) -> Iterator[Document]:
    paths: list[str | os.PathLike[str]] = []
    for item in inputs:
        if isinstance(item, Document):
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read(paths, fields=fields, duplicate_ids=duplicate_ids, log=log)


Progress = Callable[[str, int, int], None]

_SIGN_CHUNK = 2000
_ALIGN_CHUNK = 2000
# Fewer candidate pairs are aligned, attributed and reported in Python: loading the compiled
# code takes about a second (and compiling it, the first time on a machine, 35-45 s).
COMPILED_ALIGNMENT_FROM = 2000
# The same for signing, word splitting and candidate pairs, by documents (their compiled loops
# are small: they load in no time once numba is imported).
COMPILED_SIGNING_FROM = 2000

Signer = Literal["numpy", "compiled", "reference"]


def scan_documents(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats | None = None,
    reference: bool = False,
    min_percent: float = 0.0,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Report:
    """Return the overlap report of `documents` (already read, sorted by id, unique ids)."""
    with collector_paused():
        return _run_stages(
            documents,
            params,
            stats=stats if stats is not None else Stats(),
            reference=reference,
            min_percent=min_percent,
            jobs=jobs,
            progress=progress,
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then restore its state.

    A scan makes millions of small objects (passages, attributions, report entries), none of
    them in a reference cycle, so reference counting frees them all. The cyclic collector
    would walk the growing heap again and again (10-25% of the later stages' time), and in
    forked workers write to memory pages they share with the parent. (numba's first compile
    on a machine does leave cycles, tens of MB: collected once the collector runs again.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_stages(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats,
    reference: bool,
    min_percent: float,
    jobs: int,
    progress: Progress | None,
) -> Report:
    # The compiled code runs from COMPILED_SIGNING_FROM documents and COMPILED_ALIGNMENT_FROM
    # candidate pairs up; the reference path never runs it.
    compiled_for_documents = not reference and len(documents) >= COMPILED_SIGNING_FROM
    with stats.stage("sign", "paragraphs") as timing:
        signed = sign_documents(
            documents,
            params,
            jobs=jobs,
            reference=reference,
            progress=progress,
            compiled=compiled_for_documents,
        )
        timing.items = len(signed.owners)
    with stats.stage("index", "paragraphs") as timing:
        if signed.signatures is not None:
            pairs = reference_candidate_pairs(
                signed.signatures, signed.owners, params.lsh, params.seed
            )
        else:
            pairs = candidate_pairs(
                signed.keys,
                signed.owners,
                jobs,
                compiled=compiled_for_documents,
            )
        if isinstance(signed.keys, SpilledBandKeys):
            signed.keys.close()
        timing.items = len(signed.owners)
    stats.count("candidate document pairs", len(pairs))
    compiled_for_pairs = not reference and len(pairs) >= COMPILED_ALIGNMENT_FROM
    with stats.stage("align", "pairs") as timing:
        aligned = align_pairs(
            documents,
            pairs,
            params,
            jobs=jobs,
            progress=progress,
            compiled=compiled_for_pairs,
        )
        timing.items = len(pairs)
    stats.count("verified document pairs", len(aligned))
    with stats.stage("attribute", "passages") as timing:
        attributed = attribute_pairs(
            documents,
            aligned,
            params,
            jobs=jobs,
            compiled=compiled_for_pairs,
        )
        timing.items = len(aligned.rows)
    with stats.stage("report", "documents") as timing:
        report = build_report(
            documents,
            signed.word_counts.tolist(),
            attributed,
            parameters=_parameter_record(params, min_percent),
            min_percent=min_percent,
            jobs=jobs,
            compiled=compiled_for_pairs,
        )
        timing.items = len(documents)
    return report


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
    signatures: np.ndarray | None = None


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
        from dedupe import signatures_compiled, text_compiled  # numba loads in half a second

        signatures_compiled.prepare()
        text_compiled.prepare()
    signer: Signer = "reference" if reference else "compiled" if compiled else "numpy"
    bounds = list(range(0, len(documents), _SIGN_CHUNK))
    chunks = [(lo, min(lo + _SIGN_CHUNK, len(documents))) for lo in bounds]
    keys = SpilledBandKeys(params.lsh.bands, shared=jobs > 1)
    owners: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    word_counts: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    signatures: list[np.ndarray] = [np.empty((0, params.num_perm), dtype=np.uint32)]
    for part in map_ordered(_sign_chunk, (documents, params, signer, keys), chunks, jobs):
        keys.add(part[0])
        owners.append(part[1])
        word_counts.append(part[2])
        if part[3] is not None:
            signatures.append(part[3])
        if progress:
            progress("sign", sum(map(len, word_counts)), len(documents))
    return Signed(
        keys,
        np.concatenate(owners),
        np.concatenate(word_counts),
        np.concatenate(signatures) if reference else None,
    )


def _sign_chunk(
    state: tuple[Sequence[Document], Parameters, Signer, SpilledBandKeys], chunk: tuple[int, int]
) -> tuple[SpilledBlock, np.ndarray, np.ndarray, np.ndarray | None]:
    """Spill the band keys of a chunk; return where, with owners, word counts and (reference
    only) signatures."""
    documents, params, signer, spill = state
    reference = signer == "reference"
    lo, hi = chunk
    if signer == "compiled":
        # Band keys straight from each signature as it is made, the shingles of each window
        # read where they lie: neither the signatures nor the windows' shingles are gathered.
        from dedupe.signatures_compiled import sign_windows

        windows = shingle_windows(documents[lo:hi], params, compiled=True)
        keys = sign_windows(windows.hashes, windows.starts, windows.counts, params.seed, params.lsh)
        return spill.write(keys), windows.owners + lo, windows.word_counts, None
    if reference:
        shingles = shingle_documents_reference(documents[lo:hi], params)
    else:
        shingles = shingle_documents(documents[lo:hi], params)
    signing = sign_reference if reference else sign
    signatures = signing(shingles.hashes, shingles.counts, params.num_perm, params.seed)
    return (
        spill.write(band_keys(signatures, params.lsh)),
        shingles.owners + lo,
        shingles.word_counts,
        signatures if reference else None,
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
    windows = shingle_windows(documents, params, compiled=compiled)
    return Shingles(
        hashes=windows.hashes[concatenated_ranges(windows.starts, windows.counts)],
        counts=windows.counts,
        owners=windows.owners,
        word_counts=windows.word_counts,
    )


@dataclass(frozen=True, slots=True)
class Windows:
    """The n-gram hashes of a corpus's words, and the windows to sign: window k's shingles
    are hashes[starts[k] : starts[k] + counts[k]] (windows overlap), owners[k] its document."""

    hashes: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    owners: np.ndarray
    word_counts: np.ndarray


def shingle_windows(
    documents: Sequence[Document], params: Parameters, *, compiled: bool = False
) -> Windows:
    """Return the windows of `shingle_documents`, their shingles left in place."""
    n = params.shingle_size
    words = word_table(
        [doc.text for doc in documents], params.paragraph_separator, compiled=compiled
    )
    # n-grams that straddle two blocks (or documents) are computed but never used.
    grams = shingle_hash32(_ngram_hashes(words.hashes, n, compiled))
    starts, ends, owners = block_spans(words.paragraph, words.document, params.min_words)
    window_starts, window_counts, window_owners = window_spans(
        starts, ends - starts - n + 1, params.window - n + 1, owners
    )
    return Windows(
        grams,
        window_starts,
        window_counts,
        window_owners,
        np.bincount(words.document, minlength=len(documents)).astype(np.int64),
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
    n = params.shingle_size
    size = params.window - n + 1
    hashes: list[np.ndarray] = []
    counts: list[int] = []
    owners: list[int] = []
    word_counts = np.zeros(len(documents), dtype=np.int64)
    for index, doc in enumerate(documents):
        tokens = tokenize(doc.text, params.paragraph_separator)
        word_counts[index] = len(tokens)
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


def align_pairs(
    documents: Sequence[Document],
    pairs: np.ndarray,
    params: Parameters,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    compiled: bool = False,
) -> AlignedPassages:
    """Return the candidate pairs that share text, with their passages, sorted by (a, b).

    With `compiled`, pairs are aligned by `dedupe.align_compiled`, else one by one by
    `dedupe.align.align`: the same passages.
    """
    if compiled:
        # Compiled (or loaded from numba's cache) once, here, before workers are forked;
        # numba takes about half a second to load, so only when used.
        from dedupe import align_compiled, text_compiled

        align_compiled.prepare()
        text_compiled.prepare()
    # Pairs of one cluster of documents (the copies of one story) go to the same chunk, so a
    # worker tokenises each document once instead of once per chunk it appears in.
    ordered = (
        pairs[np.lexsort((pairs[:, 1], pairs[:, 0], clusters(pairs)))] if len(pairs) else pairs
    )
    chunks = [ordered[lo : lo + _ALIGN_CHUNK] for lo in range(0, len(ordered), _ALIGN_CHUNK)]
    parts: list[AlignedPassages] = []
    done = 0
    for part in map_ordered(_align_chunk, (documents, params, compiled), chunks, jobs):
        parts.append(part)
        done += _ALIGN_CHUNK
        if progress:
            progress("align", min(done, len(pairs)), len(pairs))
    return joined(parts).sorted_by_pair()


def clusters(pairs: np.ndarray) -> np.ndarray:
    """Return, for each pair, a label shared by all pairs of its connected group of documents."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        root = parent.setdefault(node, node)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    for a, b in pairs.tolist():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(a) for a in pairs[:, 0].tolist()], dtype=np.int64)


def _align_chunk(
    state: tuple[Sequence[Document], Parameters, bool], pairs: np.ndarray
) -> AlignedPassages:
    """Return the pairs of the chunk that share text, with their passages."""
    documents, params, compiled = state
    # Every document of the chunk is split into words in one go (a chunk holds at most
    # 2 x _ALIGN_CHUNK documents), then the pairs aligned.
    needed = unique_values(pairs)
    texts = [documents[index].text for index in needed.tolist()]
    local = np.searchsorted(needed, pairs)
    if compiled:
        from dedupe.align_compiled import align_columns

        table = token_table(texts, params.paragraph_separator, compiled=True)
        found = align_columns(local, table, params.alignment)
    else:
        tokens = tokenize_many(texts, params.paragraph_separator)
        grams = ngrams_of_each([t.hashes for t in tokens], params.shingle_size)
        indexed = [GramIndex.of(g) for g in grams]
        found = passage_columns(
            (a, b, align(tokens[a], tokens[b], grams[a], indexed[b], params.alignment))
            for a, b in local.tolist()
        )
    # Back to the corpus's document numbers.
    found = AlignedPassages(pairs, found.bounds, found.rows, found.quoted)
    return found.select(np.flatnonzero(found.counts()))


def ngrams_of_each(hashes: Sequence[np.ndarray], n: int) -> list[np.ndarray]:
    """Return `ngram_hashes(h, n)` of each word hash array, computed in one pass over all."""
    if not hashes:
        return []
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    starts = (np.cumsum(lengths) - lengths).tolist()
    # n-grams that straddle two arrays are computed, then left out.
    joined = ngram_hashes(np.concatenate(hashes), n)
    return [
        joined[start : start + max(length - n + 1, 0)]
        for start, length in zip(starts, lengths.tolist(), strict=True)
    ]


def attribute_pairs(
    documents: Sequence[Document],
    aligned: AlignedPassages,
    params: Parameters,
    *,
    jobs: int = 1,
    compiled: bool = False,
) -> AttributedPassages:
    """Return the aligned passages with the original source of each reused (non-quote) one.

    Text is only ever shared within a connected group of documents, so each group is
    attributed on its own: groups are batched into chunks, run on up to `jobs` processes,
    and memory holds one chunk's working data at a time. With `compiled`, links are cut and
    grouped by `dedupe.attribution_compiled`: the same attributions.
    """
    if compiled:
        from dedupe import attribution_compiled

        attribution_compiled.prepare()
    chunks = _whole_cluster_chunks(aligned.pairs, _ATTRIBUTE_CHUNK)
    # Links are the non-quote passages, as rows (a, a_start, a_end, b, b_start, b_end) of
    # character spans, pair by pair: the links of pair p are rows starts[p] to ends[p].
    rows = aligned.rows
    link_rows = np.flatnonzero(rows[:, QUOTE] == 0)
    link_pairs = aligned.pair_of_rows()[link_rows]
    sides = aligned.pairs[link_pairs]
    links = np.column_stack(
        (
            sides[:, 0],
            rows[link_rows, A_FIRST],
            rows[link_rows, A_LAST],
            sides[:, 1],
            rows[link_rows, B_FIRST],
            rows[link_rows, B_LAST],
        )
    ).reshape(-1, 6)
    counts = np.bincount(link_pairs, minlength=len(aligned)).astype(np.int64)
    starts = np.cumsum(counts) - counts
    state = (documents, links, starts, counts, params, compiled)
    # Label 0 is UNDECIDED, which every quote takes.
    attributions: list[Attribution] = [UNDECIDED]
    label_of: dict[tuple[str | None, str | None], int] = {(None, None): 0}
    labels = np.zeros(len(rows), dtype=np.int64)
    for positions, (codes, keys) in zip(
        chunks, map_ordered(_attribute_chunk, state, chunks, jobs), strict=True
    ):
        for key in keys:
            if key not in label_of:
                label_of[key] = len(attributions)
                attributions.append(Attribution(*key))
        to_global = np.array([label_of[key] for key in keys], dtype=np.int64)
        chunk_links = concatenated_ranges(starts[positions], counts[positions])
        labels[link_rows[chunk_links]] = to_global[codes]
    return AttributedPassages(aligned, labels, tuple(attributions))


_ATTRIBUTE_CHUNK = 4000


def _whole_cluster_chunks(pairs: np.ndarray, size: int) -> list[np.ndarray]:
    """Return positions of `pairs`, cut into chunks of about `size` that never split a
    connected group of documents."""
    if not len(pairs):
        return []
    labels = clusters(pairs)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    chunks: list[np.ndarray] = []
    start = 0
    while start < len(order):
        # Extend to the end of the cluster the chunk's last pair belongs to.
        end = min(start + size, len(order))
        end = int(np.searchsorted(sorted_labels, sorted_labels[end - 1], side="right"))
        chunks.append(order[start:end])
        start = end
    return chunks


def _attribute_chunk(
    state: tuple[Sequence[Document], np.ndarray, np.ndarray, np.ndarray, Parameters, bool],
    positions: np.ndarray,
) -> tuple[np.ndarray, list[tuple[str | None, str | None]]]:
    """Return the attributions of the links (non-quote passages) of the pairs at `positions`:
    a code for each link, into the (source, rule) list that comes with them.

    `links` rows are (a, a_start, a_end, b, b_start, b_end), pair by pair; the links of pair
    p are rows starts[p] to starts[p] + counts[p].
    """
    documents, links, starts, counts, params, compiled = state
    rows = links[concatenated_ranges(starts[positions], counts[positions])]
    facts: dict[int, DocumentFacts] = {}
    for index in unique_values(rows[:, [0, 3]]).tolist():
        doc = documents[index]
        facts[index] = document_facts(
            doc.id, doc.text, doc.source, doc.published, params.paragraph_separator
        )
    if compiled:
        from dedupe.attribution_compiled import attribute_rows

        found = attribute_rows(rows, facts)
    else:
        carriers = [
            (Carrier(a, a0, a1), Carrier(b, b0, b1)) for a, a0, a1, b, b0, b1 in rows.tolist()
        ]
        found = attribute_links(carriers, facts)
    # Only the source and rule go on: the report never reads who decided.
    code_of: dict[tuple[str | None, str | None], int] = {}
    codes = [code_of.setdefault((a.source, a.rule), len(code_of)) for a in found]
    return np.array(codes, dtype=np.int64), list(code_of)


def _parameter_record(params: Parameters, min_percent: float) -> dict[str, Any]:
    record = asdict(params)
    record.update(bands=params.lsh.bands, rows=params.lsh.rows, min_percent=min_percent)
    return record
