"""The report's word coverage, written once: plain Python here, compiled by `dedupe.jit`.

For each document, from the spans it shares (entries) and the quotations inside its copied
passages: its boilerplate, shared, copied and quoted words, the words it shares with each
partner, its copied words by attribution label, and its words in each family. Every word is
counted once, however many spans cover it.

Only what numba compiles is used: arrays, scalars, loops and slices. No numba import here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dedupe.kinds import BOILERPLATE, COPIED, EDITED_GAP_WORDS, QUOTED

# Kernels take and return numpy arrays; numba types them itself, mypy need not.
Array = Any

# Entry columns: one side of a shared span, seen from the document on that side.
E_DOC, E_PARTNER, E_START, E_END, E_KIND, E_FAMILY, E_LABEL, E_RANK = range(8)
ENTRY_COLUMNS = 8
# Totals columns, per document.
T_BOILERPLATE, T_SHARED, T_COPIED, T_QUOTED = range(4)


def coverage(entries: Array, inside: Array, words: Array, lo: int) -> tuple[Array, ...]:
    """Return (totals, partners, labels, families) of documents [lo, lo + len(words)).

    `entries` rows (see the E_ columns) and `inside` rows (doc, start, end), the quotations
    inside shared passages, are sorted by document; spans are in words. `totals` has a row
    per document (see the T_ columns). `partners` rows are (doc, partner, words, with
    quotations): the words shared with each partner, quotations and boilerplate left out,
    then what `dedupe filter` weighs: with the quotations and the edited stretches between
    shared spans (EDITED_GAP_WORDS), boilerplate left out.
    `labels` rows are (doc, label, words): copied words by the label of the best-ranked
    span covering them. `families` rows are (doc, family, words): words of each family's
    spans, with the shared quotations that lie among them, boilerplate left out.
    """
    count = len(words)
    totals = np.zeros((count, 4), np.int64)
    partners = np.empty((len(entries), 4), np.int64)
    labels = np.empty((len(entries) + count, 3), np.int64)
    families = np.empty((len(entries), 3), np.int64)
    # Per-word buffers, made once for the longest document and reused by each.
    longest = int(words.max()) if count else 0
    marks = np.zeros(longest, np.int64)
    rank = np.zeros(longest, np.int64)
    label = np.zeros(longest, np.int64)
    boilerplate_before = np.zeros(longest + 1, np.int64)
    excluded_before = np.zeros(longest + 1, np.int64)
    n_partners = 0
    n_labels = 0
    n_families = 0
    e = 0
    q = 0
    for local in range(count):
        doc = lo + local
        e_stop = e
        while e_stop < len(entries) and entries[e_stop, E_DOC] == doc:
            e_stop += 1
        q_stop = q
        while q_stop < len(inside) and inside[q_stop, 0] == doc:
            q_stop += 1
        if e_stop > e:
            n = words[local]
            _mark(entries, e, e_stop, inside, q, q_stop, marks[:n], rank[:n], label[:n])
            copied = _tally(marks[:n], totals[local], boilerplate_before, excluded_before)
            n_labels = _count_labels(label[:n][copied], doc, labels, n_labels)
            n_partners = _count_partners(
                entries, e, e_stop, n, boilerplate_before, excluded_before, doc, partners,
                n_partners,
            )  # fmt: skip
            n_families = _count_families(
                entries, e, e_stop, n, boilerplate_before, doc, families, n_families
            )
        e = e_stop
        q = q_stop
    return totals, partners[:n_partners], labels[:n_labels], families[:n_families]


# Bits of a word's mark: what covers it.
_M_BOILERPLATE, _M_IN_QUOTES, _M_SHARED, _M_COPIED, _M_QUOTED = 1, 2, 4, 8, 16


def _mark(
    entries: Array,
    first: int,
    stop: int,
    inside: Array,
    q_first: int,
    q_stop: int,
    marks: Array,
    rank: Array,
    label: Array,
) -> None:
    """Set each word's mark bits from a document's entries [first, stop) and quotations
    [q_first, q_stop), and each copied word's label (the first of the best rank)."""
    n = len(marks)
    marks[:] = 0
    rank[:] = 1 << 30
    label[:] = -1
    for k in range(q_first, q_stop):
        marks[inside[k, 1] : min(inside[k, 2], n)] |= _M_IN_QUOTES
    for k in range(first, stop):
        kind = entries[k, E_KIND]
        start, end = entries[k, E_START], min(entries[k, E_END], n)
        if kind == BOILERPLATE:
            marks[start:end] |= _M_BOILERPLATE
            continue
        marks[start:end] |= _M_SHARED
        if kind == QUOTED:
            marks[start:end] |= _M_QUOTED
        elif kind == COPIED:
            r = entries[k, E_RANK]
            lab = entries[k, E_LABEL]
            for w in range(start, end):
                marks[w] |= _M_COPIED
                if rank[w] > r:
                    rank[w] = r
                    label[w] = lab


def _tally(marks: Array, totals: Array, boilerplate_before: Array, excluded_before: Array) -> Array:
    """Fill a document's totals from its words' marks and the running counts of its
    boilerplate words and of its words excluded from a partner's copied words (boilerplate
    or inside quotations) before each word; return which words are copied."""
    counts = np.bincount(marks, minlength=_MARKS)
    for column in range(4):
        totals[column] = (counts * _COUNTED[:, column]).sum()
    n = len(marks)
    boilerplate_before[0] = 0
    excluded_before[0] = 0
    boilerplate_before[1 : n + 1] = np.cumsum(_IS_BOILERPLATE[marks])
    excluded_before[1 : n + 1] = np.cumsum(_IS_EXCLUDED[marks])
    return _IS_COPIED[marks]


def _mark_tables() -> tuple[Array, Array, Array, Array]:
    """Return, for each possible mark, the totals it counts in (a row of T_ columns), and
    whether it is boilerplate, excluded from a partner's copied words, and copied."""
    marks = np.arange(_MARKS)
    boilerplate = (marks & _M_BOILERPLATE) != 0
    in_quotes = (marks & _M_IN_QUOTES) != 0
    copied = ((marks & _M_COPIED) != 0) & ~in_quotes & ~boilerplate
    counted = np.zeros((_MARKS, 4), np.int64)
    counted[:, T_BOILERPLATE] = boilerplate
    counted[:, T_SHARED] = ((marks & _M_SHARED) != 0) & ~boilerplate
    counted[:, T_COPIED] = copied
    counted[:, T_QUOTED] = (((marks & _M_QUOTED) != 0) | in_quotes) & ~boilerplate & ~copied
    return counted, boilerplate.astype(np.int64), (boilerplate | in_quotes).astype(np.int64), copied


_MARKS = 32
_COUNTED, _IS_BOILERPLATE, _IS_EXCLUDED, _IS_COPIED = _mark_tables()


def _count_labels(labels: Array, doc: int, out: Array, filled: int) -> int:
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


def _by_column_then_start(entries: Array, chosen: Array, column: int) -> Array:
    """Return the entries `chosen` ordered by `column`, then by start."""
    chosen = chosen[np.argsort(entries[chosen, E_START], kind="mergesort")]
    return chosen[np.argsort(entries[chosen, column], kind="mergesort")]


def covered_words(starts: Array, ends: Array, gap: int, excluded_before: Array) -> int:
    """Return the words covered by the spans [starts, ends) (sorted by start), with each
    stretch of up to `gap` uncovered words between two covered ones covered too, less the
    words `excluded_before` counts (running counts: word w is excluded when
    excluded_before[w + 1] > excluded_before[w]).

    With `gap` EDITED_GAP_WORDS, the edited stretches between the spans a pair shares are
    counted as shared: the rule `dedupe filter` weighs a record by."""
    total = 0
    low = -1
    high = -1
    for k in range(len(starts)):
        start, end = starts[k], ends[k]
        if start >= end:
            continue
        if low >= 0 and start - high <= gap:
            high = max(high, end)
            continue
        if low >= 0:
            total += high - low - (excluded_before[high] - excluded_before[low])
        low, high = start, end
    if low >= 0:
        total += high - low - (excluded_before[high] - excluded_before[low])
    return total


def _count_partners(
    entries: Array,
    first: int,
    stop: int,
    n: int,
    boilerplate_before: Array,
    excluded_before: Array,
    doc: int,
    out: Array,
    filled: int,
) -> int:
    """Append (doc, partner, words, with quotations) rows to `out`, one per partner of doc's
    entries: the words of its copied entries, counted once, quotations left out; then those
    of all its entries, quotations counted and edited gaps closed (`covered_words`).
    Boilerplate is left out of both."""
    chosen = np.empty(stop - first, np.int64)
    m = 0
    for k in range(first, stop):
        if entries[k, E_KIND] != BOILERPLATE:
            chosen[m] = k
            m += 1
    chosen = _by_column_then_start(entries, chosen[:m], E_PARTNER)
    starts = np.empty(m, np.int64)
    ends = np.empty(m, np.int64)
    copied_starts = np.empty(m, np.int64)
    copied_ends = np.empty(m, np.int64)
    i = 0
    while i < m:
        partner = entries[chosen[i], E_PARTNER]
        spans = 0
        copies = 0
        while i < m and entries[chosen[i], E_PARTNER] == partner:
            k = chosen[i]
            start, end = entries[k, E_START], min(entries[k, E_END], n)
            starts[spans], ends[spans] = start, end
            spans += 1
            if entries[k, E_KIND] != QUOTED:
                copied_starts[copies], copied_ends[copies] = start, end
                copies += 1
            i += 1
        out[filled, 0] = doc
        out[filled, 1] = partner
        out[filled, 2] = covered_words(
            copied_starts[:copies], copied_ends[:copies], 0, excluded_before
        )
        out[filled, 3] = covered_words(
            starts[:spans], ends[:spans], EDITED_GAP_WORDS, boilerplate_before
        )
        filled += 1
    return filled


def _count_families(
    entries: Array,
    first: int,
    stop: int,
    n: int,
    boilerplate_before: Array,
    doc: int,
    out: Array,
    filled: int,
) -> int:
    """Append (doc, family, words) rows to `out`: the words of doc's spans of each family,
    with the shared quotations that lie within them (a carrier takes a story's quotations
    with it), boilerplate left out."""
    chosen = np.empty(stop - first, np.int64)
    quotes = np.empty(stop - first, np.int64)
    m = 0
    n_quotes = 0
    for k in range(first, stop):
        if entries[k, E_KIND] == QUOTED:
            quotes[n_quotes] = k
            n_quotes += 1
        elif entries[k, E_FAMILY] >= 0:
            chosen[m] = k
            m += 1
    # By family only: each family's spans, its quotations with them, are sorted below.
    chosen = chosen[:m][np.argsort(entries[chosen[:m], E_FAMILY], kind="mergesort")]
    starts = np.empty(m + n_quotes, np.int64)
    ends = np.empty(m + n_quotes, np.int64)
    i = 0
    while i < m:
        family = entries[chosen[i], E_FAMILY]
        spans = 0
        low, high = n, 0
        while i < m and entries[chosen[i], E_FAMILY] == family:
            k = chosen[i]
            start, end = entries[k, E_START], min(entries[k, E_END], n)
            starts[spans], ends[spans] = start, end
            spans += 1
            low, high = min(low, start), max(high, end)
            i += 1
        for j in range(n_quotes):
            k = quotes[j]
            start, end = entries[k, E_START], entries[k, E_END]
            if start >= low and end <= high:
                starts[spans], ends[spans] = start, min(end, n)
                spans += 1
        order = np.argsort(starts[:spans], kind="mergesort")
        out[filled, 0] = doc
        out[filled, 1] = family
        out[filled, 2] = covered_words(
            starts[:spans][order], ends[:spans][order], 0, boilerplate_before
        )
        filled += 1
    return filled
