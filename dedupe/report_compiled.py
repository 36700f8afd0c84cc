"""The report's word coverage, compiled with numba.

The same counts as the reference in `dedupe.report` (which marks words with numpy, passage
by passage, in Python): for each document, its reused and quoted-only words, the words found
in each partner, and its reused words by attribution label. In Python this costs a dozen
small array operations a passage; compiled, one pass over the words.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling
from dedupe.report import (
    ENTRY_DOC,
    ENTRY_END,
    ENTRY_LABEL,
    ENTRY_PARTNER,
    ENTRY_QUOTE,
    ENTRY_RANK,
    ENTRY_START,
)


def coverage_counts(
    entries: np.ndarray,
    quoted: np.ndarray,
    quoted_bounds: np.ndarray,
    words: np.ndarray,
    lo: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (covered, reused, quoted_only, shared, by_label) of documents [lo, lo + len(words)).

    `entries` rows are (doc, partner, start, end, quote, rank, label) in the order passages
    are marked; entry k holds the quotations `quoted[quoted_bounds[k, 0]:quoted_bounds[k, 1]]`
    (word spans). `covered`, `reused` and `quoted_only` are per document; `shared` rows are
    (doc, partner, words) and `by_label` rows (doc, label, words), by doc and label.
    """
    order = np.argsort(entries[:, ENTRY_DOC], kind="stable")
    return _coverage(  # type: ignore[no-any-return]
        np.ascontiguousarray(entries[order], dtype=np.int64),
        np.ascontiguousarray(quoted_bounds[order], dtype=np.int64).reshape(-1, 2),
        np.ascontiguousarray(quoted, dtype=np.int64).reshape(-1, 2),
        np.ascontiguousarray(words, dtype=np.int64),
        lo,
    )


def prepare() -> None:
    """Compile the coverage loop, or load it from numba's cache, unless done already."""
    entries = np.array([[0, 1, 0, 5, 0, 2, 0], [0, 1, 2, 8, 1, 50, 1]], dtype=np.int64)
    coverage_counts(entries, np.array([[1, 2]]), np.array([[0, 1], [1, 1]]), np.array([10]), 0)


_jit = numba.njit(cache=CACHE, nogil=True)


@_jit
def _coverage(entries, quoted_bounds, quoted_spans, words, lo):  # type: ignore[no-untyped-def]
    count = len(words)
    covered = np.zeros(count, np.bool_)
    reused_words = np.zeros(count, np.int64)
    quoted_only = np.zeros(count, np.int64)
    shared = np.empty((len(entries), 3), np.int64)
    by_label = np.empty((len(entries), 3), np.int64)
    n_shared = 0
    n_label = 0
    first = 0
    while first < len(entries):
        doc = entries[first, ENTRY_DOC]
        stop = first
        while stop < len(entries) and entries[stop, ENTRY_DOC] == doc:
            stop += 1
        n = words[doc - lo]
        reused = np.zeros(n, np.bool_)
        quoted = np.zeros(n, np.bool_)
        inside = np.zeros(n, np.bool_)
        rank = np.full(n, 99, np.int64)
        label = np.full(n, -1, np.int64)
        for k in range(first, stop):
            start, end = entries[k, ENTRY_START], min(entries[k, ENTRY_END], n)
            if entries[k, ENTRY_QUOTE]:
                quoted[start:end] = True
                continue
            for q in range(quoted_bounds[k, 0], quoted_bounds[k, 1]):
                quoted[quoted_spans[q, 0] : quoted_spans[q, 1]] = True
                inside[quoted_spans[q, 0] : quoted_spans[q, 1]] = True
            reused[start:end] = True
            for w in range(start, end):
                # The first passage of the best rank labels a word.
                if rank[w] > entries[k, ENTRY_RANK]:
                    rank[w] = entries[k, ENTRY_RANK]
                    label[w] = entries[k, ENTRY_LABEL]
        local = doc - lo
        covered[local] = True
        # Quoted words inside copied passages count as quoted, never as reused.
        labels = np.empty(n, np.int64)
        n_reused = 0
        for w in range(n):
            if reused[w] and not inside[w]:
                labels[n_reused] = label[w]
                n_reused += 1
            elif quoted[w]:
                quoted_only[local] += 1
        reused_words[local] = n_reused
        n_label = _count_labels(labels[:n_reused], doc, by_label, n_label)
        n_shared = _count_partners(entries, first, stop, inside, doc, shared, n_shared)
        first = stop
    return covered, reused_words, quoted_only, shared[:n_shared], by_label[:n_label]


@_jit
def _count_labels(labels, doc, out, filled):  # type: ignore[no-untyped-def]
    """Append (doc, label, words) rows for the labels of `labels`, by label, to `out`."""
    ordered = np.sort(labels)
    k = 0
    while k < len(ordered):
        stop = k
        while stop < len(ordered) and ordered[stop] == ordered[k]:
            stop += 1
        out[filled, 0] = doc
        out[filled, 1] = ordered[k]
        out[filled, 2] = stop - k
        filled += 1
        k = stop
    return filled


@_jit
def _count_partners(entries, first, stop, inside, doc, out, filled):  # type: ignore[no-untyped-def]
    """Append (doc, partner, words) rows to `out`: the words of doc's passages with each
    partner, counted once however many passages cover them, quotations left out."""
    copied = np.empty(stop - first, np.int64)
    n = 0
    for k in range(first, stop):
        if not entries[k, ENTRY_QUOTE]:
            copied[n] = k
            n += 1
    partners = np.empty(n, np.int64)
    for i in range(n):
        partners[i] = entries[copied[i], ENTRY_PARTNER]
    copied = copied[:n][np.argsort(partners, kind="mergesort")]
    seen = np.full(len(inside), -1, np.int64)
    i = 0
    while i < n:
        partner = entries[copied[i], ENTRY_PARTNER]
        found = 0
        while i < n and entries[copied[i], ENTRY_PARTNER] == partner:
            k = copied[i]
            for w in range(entries[k, ENTRY_START], min(entries[k, ENTRY_END], len(inside))):
                if seen[w] != partner and not inside[w]:
                    seen[w] = partner
                    found += 1
            i += 1
        out[filled, 0] = doc
        out[filled, 1] = partner
        out[filled, 2] = found
        filled += 1
    return filled
