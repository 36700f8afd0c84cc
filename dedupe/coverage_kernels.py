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
            boilerplate = np.zeros(n, np.bool_)
            in_quotes = np.zeros(n, np.bool_)
            for k in range(e, e_stop):
                if entries[k, E_KIND] == BOILERPLATE:
                    boilerplate[entries[k, E_START] : min(entries[k, E_END], n)] = True
            for k in range(q, q_stop):
                in_quotes[inside[k, 1] : min(inside[k, 2], n)] = True
            shared, copied, quoted, label = _marked(entries, e, e_stop, n)
            quoted |= in_quotes
            copied &= ~in_quotes & ~boilerplate
            shared &= ~boilerplate
            quoted &= ~boilerplate & ~copied
            totals[local, T_BOILERPLATE] = boilerplate.sum()
            totals[local, T_SHARED] = shared.sum()
            totals[local, T_COPIED] = copied.sum()
            totals[local, T_QUOTED] = quoted.sum()
            n_labels = _count_labels(label[copied], doc, labels, n_labels)
            n_partners = _count_partners(
                entries, e, e_stop, boilerplate, in_quotes, doc, partners, n_partners
            )
            n_families = _count_families(entries, e, e_stop, boilerplate, doc, families, n_families)
        e = e_stop
        q = q_stop
    return totals, partners[:n_partners], labels[:n_labels], families[:n_families]


def _marked(entries: Array, first: int, stop: int, n: int) -> tuple[Array, ...]:
    """Return the shared, copied and quoted words of a document's entries [first, stop), and
    each copied word's label (the first of the best rank)."""
    shared = np.zeros(n, np.bool_)
    copied = np.zeros(n, np.bool_)
    quoted = np.zeros(n, np.bool_)
    rank = np.full(n, 1 << 30, np.int64)
    label = np.full(n, -1, np.int64)
    for k in range(first, stop):
        kind = entries[k, E_KIND]
        if kind == BOILERPLATE:
            continue
        start, end = entries[k, E_START], min(entries[k, E_END], n)
        shared[start:end] = True
        if kind == QUOTED:
            quoted[start:end] = True
        elif kind == COPIED:
            copied[start:end] = True
            ranks = rank[start:end]
            better = ranks > entries[k, E_RANK]
            ranks[better] = entries[k, E_RANK]
            label[start:end][better] = entries[k, E_LABEL]
    return shared, copied, quoted, label


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


def _count_partners(
    entries: Array,
    first: int,
    stop: int,
    boilerplate: Array,
    in_quotes: Array,
    doc: int,
    out: Array,
    filled: int,
) -> int:
    """Append (doc, partner, words, with quotations) rows to `out`, one per partner of doc's
    entries: the words of its copied entries, counted once, quotations left out; then those
    of all its entries, quotations counted. Boilerplate is left out of both."""
    chosen = np.empty(stop - first, np.int64)
    n = 0
    for k in range(first, stop):
        if entries[k, E_KIND] != BOILERPLATE:
            chosen[n] = k
            n += 1
    chosen = chosen[:n]
    chosen = chosen[np.argsort(entries[chosen, E_PARTNER], kind="mergesort")]
    size = len(boilerplate)
    excluded = boilerplate | in_quotes
    i = 0
    while i < n:
        partner = entries[chosen[i], E_PARTNER]
        copied = np.zeros(size, np.bool_)
        anything = np.zeros(size, np.bool_)
        while i < n and entries[chosen[i], E_PARTNER] == partner:
            k = chosen[i]
            start, end = entries[k, E_START], min(entries[k, E_END], size)
            anything[start:end] = True
            if entries[k, E_KIND] != QUOTED:
                copied[start:end] = True
            i += 1
        out[filled, 0] = doc
        out[filled, 1] = partner
        out[filled, 2] = (copied & ~excluded).sum()
        out[filled, 3] = (edited_gaps_closed(anything) & ~boilerplate).sum()
        filled += 1
    return filled


def edited_gaps_closed(found: Array) -> Array:
    """Return `found` with every run of up to EDITED_GAP_WORDS unfound words that lies
    between two found words set too."""
    closed = found.copy()
    last = -1  # the last found word so far
    for k in range(len(found)):
        if found[k]:
            if last >= 0 and 0 < k - last - 1 <= EDITED_GAP_WORDS:
                closed[last + 1 : k] = True
            last = k
    return closed


def _count_families(
    entries: Array, first: int, stop: int, boilerplate: Array, doc: int, out: Array, filled: int
) -> int:
    """Append (doc, family, words) rows to `out`: the words of doc's spans of each family,
    with the shared quotations that lie within them (a carrier takes a story's quotations
    with it), boilerplate left out."""
    chosen = np.empty(stop - first, np.int64)
    n = 0
    for k in range(first, stop):
        if entries[k, E_FAMILY] >= 0 and entries[k, E_KIND] != QUOTED:
            chosen[n] = k
            n += 1
    chosen = chosen[:n]
    chosen = chosen[np.argsort(entries[chosen, E_FAMILY], kind="mergesort")]
    size = len(boilerplate)
    i = 0
    while i < n:
        family = entries[chosen[i], E_FAMILY]
        mask = np.zeros(size, np.bool_)
        low, high = size, 0
        while i < n and entries[chosen[i], E_FAMILY] == family:
            k = chosen[i]
            start, end = entries[k, E_START], min(entries[k, E_END], size)
            mask[start:end] = True
            low, high = min(low, start), max(high, end)
            i += 1
        for k in range(first, stop):
            start, end = entries[k, E_START], entries[k, E_END]
            if entries[k, E_KIND] == QUOTED and start >= low and end <= high:
                mask[start:end] = True
        out[filled, 0] = doc
        out[filled, 1] = family
        out[filled, 2] = (mask & ~boilerplate).sum()
        filled += 1
    return filled
