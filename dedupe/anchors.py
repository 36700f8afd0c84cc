"""Anchors: an exact index of word n-grams beside the LSH, so no shared run is missed.

The LSH sees a paragraph window of 30 words at Jaccard 0.3: a 12-word quotation inside a long
paragraph is too small a part of any window to make its two articles candidates. Anchors
see it. Every run of `min_words` consecutive words of a document gives one **anchor**: the
smallest hash among the n-grams of `ANCHOR_WORDS` words the run holds (winnowing, Schleimer
et al. 2003; 3 8-grams in a run of 10 words, about one posting every other word). Two
documents sharing a run of at least `min_words` words share that run's anchor, whatever
surrounds it, so they land in one bucket of the index; a chance match needs a whole n-gram
of `ANCHOR_WORDS` words in common.

Buckets are the LSH's: up to `PAIRWISE_MAX` documents give all their pairs, more give a
star around the bucket's centre, so a quotation carried by 2,000 articles costs 1,999
alignments, and who shares it with whom is read from the story families.

Postings (an anchor and its document, packed in one uint64) are spilled to disk by the
signing workers that make them, split by the anchor's top bits into `PARTS` parts, and
paired one part at a time: memory holds one part.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedupe.index import PAIRWISE_MAX, packed_pair_codes, read_exactly, unique_values
from dedupe.parallel import map_ordered
from dedupe.text import ngram_hashes

_U64 = np.uint64

ANCHOR_WORDS = 8
"""The longest n-gram an anchor is made of (fewer when `min_words` is smaller).

Chosen by measurement (`benchmarks/README.md`): on the 2,294 OCR'd 1916 front pages, anchors
of 5-grams (one posting in 3.5 words) add 99,245 candidate pairs to the LSH's 13,012, 6 % of
them sharing a passage; of 7-grams 14,632 (32 %); of 8-grams (one posting in 2 words) 8,449
(48 %: 4,018 pairs found); of 10-grams (a posting a word) 3,803 (82 %: 3,119 found, as
fewer noisy reprints keep 10 words intact), at twice the postings of 8-grams.
"""

PART_BITS = 6
PARTS = 1 << PART_BITS
"""Parts the postings are split into by their anchors' top bits (each paired alone)."""


OCR_ANCHOR_WORDS = 5
"""`ANCHOR_WORDS` for noisy OCR text (`Parameters.ocr`): a reprint with an OCR error every
10 characters keeps few runs of 8 words (`benchmarks/README.md`)."""


def anchor_size(min_words: int, words: int = ANCHOR_WORDS) -> tuple[int, int]:
    """Return (n, window): anchors are the least hash of each `window` consecutive n-grams
    of at most `words` words, so that each run of `min_words` words holds a whole window."""
    n = min(min_words, words)
    return n, min_words - n + 1


def anchor_postings(
    word_hashes: np.ndarray,
    document: np.ndarray,
    min_words: int,
    documents: int,
    *,
    words: int = ANCHOR_WORDS,
    first_document: int = 0,
    grams: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (postings, sizes): the anchor of every run of `min_words` words of one
    document (the least of its hashes of n-grams of up to `words` words, `anchor_size`), for
    many documents at once, packed with the document's number (`first_document` + its
    index, among `documents`: its low `owner_bits`), grouped by part (`PARTS`, by top bits,
    each part in posting order), with how many postings each part holds. A run with the
    anchor and document of the run before it posts nothing more.

    `word_hashes` are the documents' words back to back, `document` each word's document
    (sorted); `grams`, when given, the n-gram hashes of `word_hashes` (`ngram_hashes`).
    Whole-array numpy: 0.03 s for 2,000 articles (a loop compiled by numba took a third of
    that at scale, the same loop in Python 30 times as long on small scans).
    """
    n, window = anchor_size(min_words, words)
    runs = len(word_hashes) - min_words + 1
    if runs <= 0:
        return np.empty(0, dtype=np.uint64), np.zeros(PARTS, dtype=np.int64)
    grams = ngram_hashes(word_hashes, n) if grams is None else grams
    least = grams[:runs].copy()
    for offset in range(1, window):
        np.minimum(least, grams[offset : offset + runs], out=least)
    owners = document[:runs]
    # A run of words that straddles two documents is no run.
    keep = owners == document[min_words - 1 : min_words - 1 + runs]
    keep[1:] &= (least[1:] != least[:-1]) | (owners[1:] != owners[:-1])
    chosen = np.flatnonzero(keep)
    bits = _U64(owner_bits(documents))
    found = least[chosen] >> bits << bits
    found |= (owners[chosen] + first_document).astype(np.uint64)
    part = (found >> _U64(64 - PART_BITS)).astype(np.uint8)
    sizes = np.bincount(part, minlength=PARTS).astype(np.int64)
    return found[np.argsort(part, kind="stable")], sizes


def anchor_postings_reference(
    word_hashes: np.ndarray, min_words: int, words: int = ANCHOR_WORDS
) -> set[int]:
    """Return the anchors of one document, one run of words at a time (kept for tests)."""
    n, _ = anchor_size(min_words, words)
    found: set[int] = set()
    for start in range(len(word_hashes) - min_words + 1):
        grams = ngram_hashes(word_hashes[start : start + min_words], n)
        found.add(int(grams.min()))
    return found


class SpilledPostings:
    """Anchor postings kept on disk in one unlinked temporary file, in `PARTS` parts.

    Each block (a chunk of documents) is written ordered by part, so reading a part is one
    read per block. Forked workers write their own blocks (`write`) under a lock; the parent
    `add`s them in chunk order. Postings written with their documents numbered otherwise
    than the corpus (in the order read, while the corpus is still being read) are renumbered
    as they are read back (`renumber`).
    """

    def __init__(self, *, shared: bool = False) -> None:
        self.count = 0
        # Lives as long as this object (closed by `close`); unlinked already.
        self._file = tempfile.TemporaryFile(prefix="dedupe-anchors-")  # noqa: SIM115
        self._lock: AbstractContextManager[Any] = (
            multiprocessing.Lock() if shared else contextlib.nullcontext()
        )
        self._blocks: list[PostingBlock] = []
        self._numbering: np.ndarray | None = None

    def write(self, postings: np.ndarray, sizes: np.ndarray, bits: int) -> PostingBlock:
        """Write postings grouped by part (`anchor_postings`), `sizes[p]` of part p, their
        documents in the low `bits`; return the block to `add`. Safe to call from forked
        workers when made `shared`."""
        data = np.ascontiguousarray(postings, dtype=np.uint64).view(np.uint8).data
        fd = self._file.fileno()
        with self._lock:
            offset = os.fstat(fd).st_size
            written = 0
            while written < len(data):
                written += os.pwrite(fd, data[written:], offset + written)
        return PostingBlock(offset, np.asarray(sizes, dtype=np.int64), bits)

    def add(self, block: PostingBlock) -> None:
        """Add a written block's postings after those added so far."""
        self._blocks.append(block)
        self.count += int(block.sizes.sum())

    def renumber(self, numbering: np.ndarray) -> None:
        """Number the documents of the postings added as `numbering[document]`, in a corpus
        of len(numbering) documents (`part`)."""
        self._numbering = np.asarray(numbering, dtype=np.int64)

    def part(self, part: int, ranks: np.ndarray | None = None) -> np.ndarray:
        """Return the packed postings of one part, of every block added so far. With
        `ranks`, each document (renumbered, after `renumber`) is replaced by its rank, held
        in the low `owner_bits(len(ranks))`, as `anchor_postings` packs a document; without,
        documents are renumbered only."""
        sizes = [int(block.sizes[part]) for block in self._blocks]
        found = np.empty(sum(sizes), dtype=np.uint64)
        numbers = self._numbering
        # One mapping of the documents as written: renumbered, then ranked.
        mapping = numbers if ranks is None else ranks if numbers is None else ranks[numbers]
        corpus_bits = owner_bits(len(mapping)) if mapping is not None else 0
        position = 0
        for block, size in zip(self._blocks, sizes, strict=True):
            if size:
                skip = int(block.sizes[:part].sum()) * 8
                at = found[position : position + size]
                read_exactly(self._file.fileno(), at, block.offset + skip, "anchors")
                if mapping is not None:
                    _remap(at, block.bits, mapping, corpus_bits)
                position += size
        return found

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def __len__(self) -> int:
        return self.count


def owner_bits(documents: int) -> int:
    """Return how many low bits of a posting hold its document, among `documents`.

    The anchor keeps the other bits: two anchors equal but for the low bits make a chance
    candidate (about 25 among the 60 million anchors of 100,000 articles), which alignment
    verifies like any other.
    """
    return max((documents - 1).bit_length(), 1)


def _remap(postings: np.ndarray, bits: int, mapping: np.ndarray, corpus_bits: int) -> None:
    """Replace, in place, each posting's document (its low `bits`) by `mapping[document]`,
    held in the low `corpus_bits` as `anchor_postings` packs it. A block packed among fewer
    documents kept more of its anchors' bits: `corpus_bits` (at least as many) clear the same
    ones `anchor_postings` would have."""
    documents = mapping[(postings & _U64((1 << bits) - 1)).astype(np.int64)]
    shift = _U64(corpus_bits)
    postings >>= shift
    postings <<= shift
    postings |= documents.astype(np.uint64)


@dataclass(frozen=True, slots=True)
class PostingBlock:
    """Where a block of spilled postings lies in the file, how many each part holds, and how
    many low bits of each hold its document."""

    offset: int
    sizes: np.ndarray
    bits: int


def anchor_pairs(
    postings: SpilledPostings,
    centre_ranks: np.ndarray,
    jobs: int = 1,
    *,
    compiled: bool = False,
    pairwise_max: int = PAIRWISE_MAX,
) -> np.ndarray:
    """Return the sorted unique (i, j), i < j, rank pairs of the anchors' buckets.

    Documents are numbered by `centre_ranks` (the likeliest original first): a bucket of up
    to `pairwise_max` documents gives all its pairs, a larger one each member with its
    lowest-ranked one. Parts are paired on up to `jobs` processes.
    """
    ranks = np.asarray(centre_ranks, dtype=np.int64)
    span = max(len(ranks), 1)
    state = (postings, ranks, span, compiled, pairwise_max)
    codes = list(map_ordered(_part_pair_codes, state, range(PARTS), jobs))
    unique = unique_values(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return np.stack((unique // span, unique % span), axis=1)


def _part_pair_codes(
    state: tuple[SpilledPostings, np.ndarray, int, bool, int], part: int
) -> np.ndarray:
    postings, ranks, span, compiled, pairwise_max = state
    # Documents replaced by their ranks in place: one plain sort then groups by anchor, then
    # rank.
    ranked = postings.part(part, ranks)
    return packed_pair_codes(ranked, owner_bits(span), span, pairwise_max, compiled=compiled)


def reference_anchor_pairs(
    anchors: list[set[int]], centre_ranks: np.ndarray, pairwise_max: int
) -> np.ndarray:
    """Return the same pairs as `anchor_pairs` from each document's set of anchors (as
    `anchor_postings_reference` makes them), with Python sets (slow; kept for tests)."""
    members: dict[int, set[int]] = defaultdict(set)
    mask = ((1 << 64) - 1) ^ ((1 << owner_bits(len(anchors))) - 1)
    for document, found in enumerate(anchors):
        for anchor in found:
            members[anchor & mask].add(int(centre_ranks[document]))
    pairs: set[tuple[int, int]] = set()
    for bucket in members.values():
        ordered = sorted(bucket)
        if len(ordered) <= pairwise_max:
            pairs.update((x, y) for i, x in enumerate(ordered) for y in ordered[i + 1 :])
        else:
            pairs.update((ordered[0], other) for other in ordered[1:])
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
