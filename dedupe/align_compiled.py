"""Alignment of many candidate pairs at once, compiled with numba.

The same rules as `dedupe.align.align`, step for step (seeds, exact runs, paragraph trimming,
quote splitting, chaining, edge extension, the density check, dropping covered passages),
written as loops over arrays so that numba compiles them: alignment is the largest stage of a
scan, and in Python its cost is a few hundred small steps per candidate pair. `align` stays
the reference; tests hold the two to the same passages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np

from dedupe.align import AlignParams, Passage, quoted_runs
from dedupe.index import concatenated_ranges
from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling
from dedupe.passages import AlignedPassages, passage_columns
from dedupe.text import Tokens, TokenTable, joined_tokens, tokenize
from dedupe.text_compiled import ngram_hashes

# Passage rows: pair, a_start, a_end, b_start, b_end, matched, quote, then the character
# spans (a_first, a_last, b_first, b_last) and whether each side holds quoted words.
_PASSAGE_COLUMNS = 13
# A run that crosses a paragraph break by fewer words than this is cut back (see align.py).
_MIN_CROSSING = 3
# Rows up to this many are ordered by insertion (`_stable_order`).
_FEW_ROWS = 32


def align_many(
    pairs: np.ndarray, tokens: Sequence[Tokens], params: AlignParams
) -> list[list[Passage]]:
    """Return `align` of every pair (a, b) of `pairs`, indices into `tokens`: the same
    passages as `dedupe.align.align` pair by pair."""
    found = align_columns(pairs, joined_tokens(tokens), params)
    return [found.passages(position) for position in range(len(found))]


def align_columns(pairs: np.ndarray, table: TokenTable, params: AlignParams) -> AlignedPassages:
    """Return the passages of every pair (a, b) of `pairs`, indices into the texts of
    `table` (pairs without any passage included), as columns: the same as `align_many`."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return passage_columns([])
    # Each text's n-grams: those of all words joined, without the ones straddling two texts.
    n = params.seed_words
    gram_counts = np.maximum(np.diff(table.offsets) - n + 1, 0)
    grams = ngram_hashes(table.hashes, n)[concatenated_ranges(table.offsets[:-1], gram_counts)]
    gram_offsets = np.concatenate(([0], np.cumsum(gram_counts))).astype(np.int64)
    gram_sorted, gram_order = sorted_grams(grams, gram_offsets)
    rows = _align_pairs(
        pairs,
        table.offsets,
        table.hashes,
        table.starts,
        table.ends,
        table.paragraph,
        table.quoted,
        gram_offsets,
        gram_sorted,
        gram_order,
        params.seed_words,
        params.max_gap,
        params.min_words,
        params.min_density,
        params.max_seed_repeats,
        params.quote_context,
        params.max_edits,
        params.resume_words,
    )
    # Pair by pair, passages by (a_start, b_start, a_end, b_end), as `align` sorts them.
    rows = rows[np.lexsort((rows[:, 4], rows[:, 2], rows[:, 3], rows[:, 1], rows[:, 0]))]
    quoted: list[tuple[int, int, int, int]] = []
    for row in np.flatnonzero(rows[:, 11] | rows[:, 12]).tolist():
        pair, a_start, a_end, b_start, b_end = rows[row, :5].tolist()
        a, b = pairs[pair].tolist()
        for side, doc, start, end in ((0, a, a_start, a_end), (1, b, b_start, b_end)):
            if rows[row, 11 + side]:
                flags = table.quoted[table.offsets[doc] : table.offsets[doc + 1]]
                quoted.extend((row, side, lo, hi) for lo, hi in quoted_runs(flags, start, end))
    return AlignedPassages(
        pairs,
        np.searchsorted(rows[:, 0], np.arange(len(pairs) + 1)).astype(np.int64),
        np.ascontiguousarray(rows[:, 1:11]),
        np.array(quoted, dtype=np.int64).reshape(-1, 4),
    )


def sorted_grams(grams: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each document's n-grams `grams[offsets[d]:offsets[d + 1]]` sorted by value,
    and their positions within the document in that order (equal values in any order).

    All documents at once: each n-gram packed with its document above and its position
    below the top bits of its value, so one numpy sort of plain integers orders them (10 ms
    for a chunk's 411k n-grams, numba's argsort document by document about 35 ms). Values
    equal in their top bits but not below them may come out of order: such a document is
    sorted again by its full values.
    """
    documents = len(offsets) - 1
    sizes = np.diff(offsets)
    document_bits = max(documents - 1, 0).bit_length()
    position_bits = max(int(sizes.max(initial=1)) - 1, 0).bit_length()
    value_bits = 64 - document_bits - position_bits
    if value_bits < _MIN_VALUE_BITS:
        ordered, order = np.empty_like(grams), np.empty(len(grams), dtype=np.int64)
        _sort_documents(ordered, order, grams, offsets, True)
        return ordered, order
    first = np.repeat(offsets[:-1], sizes)
    keys = (grams >> np.uint64(64 - value_bits)) << np.uint64(position_bits)
    keys |= (np.arange(len(grams), dtype=np.int64) - first).astype(np.uint64)
    if document_bits:
        owner = np.repeat(np.arange(documents, dtype=np.uint64), sizes)
        keys |= owner << np.uint64(64 - document_bits)
    keys.sort()
    order = (keys & np.uint64((1 << position_bits) - 1)).astype(np.int64)
    ordered = grams[order + first]
    _sort_documents(ordered, order, grams, offsets, False)
    return ordered, order


# Below this many bits of each value, documents would often need sorting again.
_MIN_VALUE_BITS = 32


def prepare() -> None:
    """Compile the alignment, or load it from numba's cache, unless done already."""
    tokens = [tokenize("the same five words here"), tokenize("the same five words here")]
    align_many(np.array([[0, 1]], dtype=np.int64), tokens, AlignParams())


_jit = numba.njit(cache=CACHE, nogil=True)


@_jit
def _align_pairs(  # type: ignore[no-untyped-def]
    pairs,
    word_offsets,
    hashes,
    starts,
    ends,
    paragraph,
    quoted,
    gram_offsets,
    gram_sorted,
    gram_order,
    seed_words,
    max_gap,
    min_words,
    min_density,
    max_repeats,
    quote_context,
    max_edits,
    resume_words,
):
    documents = len(word_offsets) - 1
    # How often each value occurs in its document's sorted n-grams (`sorted_grams`: any
    # order of equal n-grams will do, seeds are placed by diagonal, then by position).
    gram_repeats = np.empty(len(gram_sorted), dtype=np.int64)
    for doc in range(documents):
        lo, hi = gram_offsets[doc], gram_offsets[doc + 1]
        start = lo
        while start < hi:
            end = start + 1
            while end < hi and gram_sorted[end] == gram_sorted[start]:
                end += 1
            gram_repeats[start:end] = end - start
            start = end
    # Quoted words before each position, per document (one extra entry per document).
    prefix = np.zeros(len(quoted) + documents, dtype=np.int64)
    for doc in range(documents):
        lo, hi = word_offsets[doc], word_offsets[doc + 1]
        base = lo + doc
        for k in range(hi - lo):
            prefix[base + k + 1] = prefix[base + k] + (1 if quoted[lo + k] else 0)
    out = np.empty((64, _PASSAGE_COLUMNS), dtype=np.int64)
    count = 0
    for index in range(len(pairs)):
        a, b = pairs[index, 0], pairs[index, 1]
        a_lo, a_hi = word_offsets[a], word_offsets[a + 1]
        b_lo, b_hi = word_offsets[b], word_offsets[b + 1]
        runs = _exact_runs(
            gram_sorted[gram_offsets[a] : gram_offsets[a + 1]],
            gram_order[gram_offsets[a] : gram_offsets[a + 1]],
            gram_sorted[gram_offsets[b] : gram_offsets[b + 1]],
            gram_order[gram_offsets[b] : gram_offsets[b + 1]],
            gram_repeats[gram_offsets[b] : gram_offsets[b + 1]],
            max_repeats,
            seed_words,
        )
        a_par, b_par = paragraph[a_lo:a_hi], paragraph[b_lo:b_hi]
        a_quoted, b_quoted = quoted[a_lo:a_hi], quoted[b_lo:b_hi]
        a_prefix = prefix[a_lo + a : a_hi + a + 1]
        b_prefix = prefix[b_lo + b : b_hi + b + 1]
        runs = _trim_at_paragraphs(runs, a_par, b_par)
        pieces = _split_by_quotes(runs, a_quoted, b_quoted, a_prefix, b_prefix, quote_context)
        passages = _passages(
            pieces,
            hashes[a_lo:a_hi],
            hashes[b_lo:b_hi],
            a_quoted,
            b_quoted,
            a_par,
            b_par,
            seed_words,
            max_gap,
            min_words,
            min_density,
            max_edits,
            resume_words,
        )
        for row in range(len(passages)):
            if count == len(out):
                grown = np.empty((2 * len(out), _PASSAGE_COLUMNS), dtype=np.int64)
                grown[:count] = out
                out = grown
            a_start, a_end, b_start, b_end = passages[row, :4]
            out[count, 0] = index
            out[count, 1:7] = passages[row]
            out[count, 7], out[count, 8] = starts[a_lo + a_start], ends[a_lo + a_end - 1]
            out[count, 9], out[count, 10] = starts[b_lo + b_start], ends[b_lo + b_end - 1]
            # A quote passage reports no quotations inside it.
            plain = passages[row, 5] == 0
            out[count, 11] = plain and a_prefix[a_end] > a_prefix[a_start]
            out[count, 12] = plain and b_prefix[b_end] > b_prefix[b_start]
            count += 1
    return out[:count]


@_jit
def _sort_documents(ordered, order, grams, offsets, every):  # type: ignore[no-untyped-def]
    """Sort by full value the n-grams of every document (with `every`), or of those whose
    `ordered` n-grams are out of order, into `ordered` and `order`."""
    for doc in range(len(offsets) - 1):
        lo, hi = offsets[doc], offsets[doc + 1]
        if not every:
            unsorted = False
            for x in range(lo + 1, hi):
                if ordered[x] < ordered[x - 1]:
                    unsorted = True
                    break
            if not unsorted:
                continue
        exact = np.argsort(grams[lo:hi])
        order[lo:hi] = exact
        ordered[lo:hi] = grams[lo:hi][exact]


@_jit
def _stable_order(keys):  # type: ignore[no-untyped-def]
    """Return the positions that sort `keys` rows lexicographically, ties in input order."""
    order = np.arange(keys.shape[0])
    if keys.shape[0] <= _FEW_ROWS:
        # A pair's few rows: an insertion sort, without the allocations of a sort a column.
        for k in range(1, len(order)):
            row = order[k]
            at = k
            while at > 0 and _row_less(keys, row, order[at - 1]):
                order[at] = order[at - 1]
                at -= 1
            order[at] = row
        return order
    for column in range(keys.shape[1] - 1, -1, -1):
        order = order[np.argsort(keys[order, column], kind="mergesort")]
    return order


@_jit
def _row_less(keys, x, y):  # type: ignore[no-untyped-def]
    """Return whether row x of `keys` comes before row y (lexicographically)."""
    for column in range(keys.shape[1]):
        if keys[x, column] != keys[y, column]:
            return keys[x, column] < keys[y, column]
    return False


@_jit
def _exact_runs(a_sorted, a_order, b_sorted, b_order, b_repeats, max_repeats, seed_words):  # type: ignore[no-untyped-def]
    """Return maximal exact runs (a_start, a_end, b_start, b_end), sorted, as rows.

    Seeds are found by merging the two documents' sorted n-grams; an n-gram that occurs more
    than `max_repeats` times in b gives none.
    """
    n, m = len(a_sorted), len(b_sorted)
    # Where each position of a finds its n-gram among b's sorted ones (-1: nowhere).
    match_at = np.full(n, -1, dtype=np.int64)
    x = y = 0
    while x < n and y < m:
        if a_sorted[x] < b_sorted[y]:
            x += 1
        elif a_sorted[x] > b_sorted[y]:
            y += 1
        else:
            group_end = x + 1
            while group_end < n and a_sorted[group_end] == a_sorted[x]:
                group_end += 1
            repeats = b_repeats[y]
            if repeats <= max_repeats:
                for xi in range(x, group_end):
                    match_at[a_order[xi]] = y
            x, y = group_end, y + repeats
    # Seeds by diagonal, then by position in a: walked in order of a and placed by a
    # counting sort of their diagonals (a comparison sort of the seeds took most of the time).
    counts = np.zeros(n + m + 1, dtype=np.int64)
    total = 0
    for i in range(n):
        y = match_at[i]
        if y >= 0:
            for yi in range(y, y + b_repeats[y]):
                counts[i - b_order[yi] + m] += 1
                total += 1
    if total == 0:
        return np.empty((0, 4), dtype=np.int64)
    place = np.empty(n + m + 1, dtype=np.int64)
    running = 0
    for diagonal in range(n + m + 1):
        place[diagonal] = running
        running += counts[diagonal]
    seed_i = np.empty(total, dtype=np.int64)
    seed_j = np.empty(total, dtype=np.int64)
    for i in range(n):
        y = match_at[i]
        if y >= 0:
            for yi in range(y, y + b_repeats[y]):
                j = b_order[yi]
                diagonal = i - j + m
                seed_i[place[diagonal]], seed_j[place[diagonal]] = i, j
                place[diagonal] += 1
    runs = np.empty((total, 4), dtype=np.int64)
    count = 0
    start = 0
    for position in range(1, total + 1):
        if position < total:
            before = position - 1
            same_diagonal = seed_i[position] - seed_j[position] == seed_i[before] - seed_j[before]
            if same_diagonal and seed_i[position] == seed_i[before] + 1:
                continue
        runs[count, 0] = seed_i[start]
        runs[count, 1] = seed_i[position - 1] + seed_words
        runs[count, 2] = seed_j[start]
        runs[count, 3] = seed_j[position - 1] + seed_words
        count += 1
        start = position
    runs = runs[:count]
    return runs[_stable_order(runs)]


@_jit
def _set_row(rows, row, c0, c1, c2, c3, c4, c5):  # type: ignore[no-untyped-def]
    rows[row, 0], rows[row, 1], rows[row, 2] = c0, c1, c2
    rows[row, 3], rows[row, 4], rows[row, 5] = c3, c4, c5


@_jit
def _break_before(par, position, step):  # type: ignore[no-untyped-def]
    previous = position - step
    if position < 0 or position >= len(par) or previous < 0 or previous >= len(par):
        return True
    return par[position] != par[previous]


@_jit
def _trim_at_paragraphs(runs, a_par, b_par):  # type: ignore[no-untyped-def]
    """Return the runs without ends that cross a paragraph break by fewer than 3 words."""
    trimmed = np.empty_like(runs)
    count = 0
    for r in range(len(runs)):
        a0, a1, b0, b1 = runs[r, 0], runs[r, 1], runs[r, 2], runs[r, 3]
        if a_par[a0] != a_par[a1 - 1] or b_par[b0] != b_par[b1 - 1]:
            first, last = -1, -1
            for k in range(a1 - a0 - 1):
                if a_par[a0 + k + 1] != a_par[a0 + k] or b_par[b0 + k + 1] != b_par[b0 + k]:
                    if first < 0:
                        first = k + 1
                    last = k + 1
            whole_head = _break_before(a_par, a0, 1) and _break_before(b_par, b0, 1)
            whole_tail = _break_before(a_par, a1, 1) and _break_before(b_par, b1, 1)
            head = first if first < _MIN_CROSSING and not whole_head else 0
            length = a1 - a0
            tail = length - last if length - last < _MIN_CROSSING and not whole_tail else 0
            a0, b0, a1, b1 = a0 + head, b0 + head, a1 - tail, b1 - tail
        if a1 > a0:
            trimmed[count, 0], trimmed[count, 1] = a0, a1
            trimmed[count, 2], trimmed[count, 3] = b0, b1
            count += 1
    return trimmed[:count]


@_jit
def _split_by_quotes(runs, a_quoted, b_quoted, a_prefix, b_prefix, context):  # type: ignore[no-untyped-def]
    """Return pieces (a_start, a_end, b_start, b_end, quote, support): the runs cut where
    quotation marks begin or end, lead-ins and tails absorbed into their quotes."""
    total = 0
    for r in range(len(runs)):
        total += runs[r, 1] - runs[r, 0]
    pieces = np.empty((total, 6), dtype=np.int64)
    count = 0
    for r in range(len(runs)):
        a0, a1, b0, b1 = runs[r, 0], runs[r, 1], runs[r, 2], runs[r, 3]
        length = a1 - a0
        if a_prefix[a1] - a_prefix[a0] + b_prefix[b1] - b_prefix[b0] == 0:
            _set_row(pieces, count, a0, a1, b0, b1, 0, length)
            count += 1
            continue
        # Cut at every change of quotedness (in either text).
        cut = np.empty((length, 3), dtype=np.int64)
        cuts = 0
        start = 0
        for k in range(1, length + 1):
            if k < length:
                flag = a_quoted[a0 + k] or b_quoted[b0 + k]
                previous = a_quoted[a0 + k - 1] or b_quoted[b0 + k - 1]
                if flag == previous:
                    continue
            cut[cuts, 0], cut[cuts, 1] = start, k
            cut[cuts, 2] = 1 if (a_quoted[a0 + start] or b_quoted[b0 + start]) else 0
            cuts += 1
            start = k
        merged_quote = -1
        for c in range(cuts):
            size = cut[c, 1] - cut[c, 0]
            quote = cut[c, 2] == 1
            if not quote and c + 1 < cuts and cut[c + 1, 2] == 1 and size < context:
                quote = True
            if not quote and c > 0 and cut[c - 1, 2] == 1 and size < context // 2:
                quote = True
            flag = 1 if quote else 0
            if merged_quote == flag:
                pieces[count - 1, 1] = a0 + cut[c, 1]
                pieces[count - 1, 3] = b0 + cut[c, 1]
            else:
                lo, hi = cut[c, 0], cut[c, 1]
                _set_row(pieces, count, a0 + lo, a0 + hi, b0 + lo, b0 + hi, flag, length)
                count += 1
                merged_quote = flag
    return pieces[:count]


@_jit
def _covered(starts, ends):  # type: ignore[no-untyped-def]
    """Return how many positions the spans [starts[k], ends[k]) cover together."""
    order = np.argsort(starts, kind="mergesort")
    total, reach = 0, -1
    for k in order:
        if ends[k] > reach:
            total += ends[k] - max(starts[k], reach)
            reach = ends[k]
    return total


@_jit
def _extend(a_hashes, b_hashes, a_quoted, b_quoted, a_par, b_par, i, j, step, quote):  # type: ignore[no-untyped-def]
    """Return how many words a passage edge can grow by from (i, j) in direction `step`."""
    grown = 0
    crossed_at = -1
    while (
        0 <= i < len(a_hashes)
        and 0 <= j < len(b_hashes)
        and a_hashes[i] == b_hashes[j]
        and (a_quoted[i] or b_quoted[j]) == quote
    ):
        if _break_before(a_par, i, step) or _break_before(b_par, j, step):
            crossed_at = grown
        i, j, grown = i + step, j + step, grown + 1
    if crossed_at < 0 or grown - crossed_at >= _MIN_CROSSING:
        return grown
    if _break_before(a_par, i, step) and _break_before(b_par, j, step):
        return grown
    return crossed_at


@_jit
def _usable(par, quoted, position, paragraph):  # type: ignore[no-untyped-def]
    return 0 <= position < len(par) and par[position] == paragraph and not quoted[position]


@_jit
def _equal_run(a_hashes, b_hashes, a_quoted, b_quoted, a_par, b_par, x, y, step, ap, bp, limit):  # type: ignore[no-untyped-def]
    length = 0
    while (
        length < limit
        and _usable(a_par, a_quoted, x, ap)
        and _usable(b_par, b_quoted, y, bp)
        and a_hashes[x] == b_hashes[y]
    ):
        x, y, length = x + step, y + step, length + 1
    return length


@_jit
def _extend_edited(  # type: ignore[no-untyped-def]
    a_hashes, b_hashes, a_quoted, b_quoted, a_par, b_par, i, j, step, max_edits, resume, inside
):
    """Return (words grown on a, on b, equal words among them): a copied passage's edge
    growing over edited words (see `dedupe.align._extend_edited`)."""
    if not (0 <= i - step < len(a_hashes) and 0 <= j - step < len(b_hashes)):
        return 0, 0, 0
    ap, bp = a_par[i - step], b_par[j - step]
    a_grown = b_grown = equal = 0
    while True:
        x, y = i + step * a_grown, j + step * b_grown
        if not (_usable(a_par, a_quoted, x, ap) or _usable(b_par, b_quoted, y, bp)):
            # The copy's end on both sides: a paragraph's edge, the text's, a quotation.
            return a_grown, b_grown, equal
        found = False
        # Fewest skipped words first, then fewer of a.
        for total in range(1, 2 * max_edits + 1):
            for da in range(max(0, total - max_edits), min(total, max_edits) + 1):
                db = total - da
                usable = True
                for k in range(da):
                    if not _usable(a_par, a_quoted, x + step * k, ap):
                        usable = False
                for k in range(db):
                    if not _usable(b_par, b_quoted, y + step * k, bp):
                        usable = False
                if not usable:
                    continue
                xs, ys = x + step * da, y + step * db
                if (
                    _equal_run(
                        a_hashes,
                        b_hashes,
                        a_quoted,
                        b_quoted,
                        a_par,
                        b_par,
                        xs,
                        ys,
                        step,
                        ap,
                        bp,
                        resume,
                    )
                    == resume
                ):
                    length = resume + _equal_run(
                        a_hashes,
                        b_hashes,
                        a_quoted,
                        b_quoted,
                        a_par,
                        b_par,
                        xs + step * resume,
                        ys + step * resume,
                        step,
                        ap,
                        bp,
                        len(a_hashes),
                    )
                    a_grown, b_grown = a_grown + da + length, b_grown + db + length
                    equal += length
                    found = True
                    break
            if found:
                break
        if not found:
            if equal >= inside:
                return a_grown, b_grown, equal
            return 0, 0, 0


@_jit
def _passages(  # type: ignore[no-untyped-def]
    pieces,
    a_hashes,
    b_hashes,
    a_quoted,
    b_quoted,
    a_par,
    b_par,
    seed_words,
    max_gap,
    min_words,
    min_density,
    max_edits,
    resume_words,
):
    """Return passage rows (a_start, a_end, b_start, b_end, matched, quote) of the pieces."""
    n = len(pieces)
    # Chain pieces (sorted by a_start) whose gaps are small on both sides.
    chain_of = np.empty(n, dtype=np.int64)
    chain_a_end = np.empty(n, dtype=np.int64)
    chain_b_end = np.empty(n, dtype=np.int64)
    chain_quote = np.empty(n, dtype=np.int64)
    chains = 0
    for r in range(n):
        best, best_gap = -1, max_gap + 1
        for c in range(chains - 1, max(chains - 8, 0) - 1, -1):
            if chain_quote[c] != pieces[r, 4]:
                continue
            a_gap, b_gap = pieces[r, 0] - chain_a_end[c], pieces[r, 2] - chain_b_end[c]
            if -seed_words <= a_gap <= max_gap and -seed_words <= b_gap <= max_gap:
                gap = max(a_gap, b_gap, 0)
                if gap < best_gap:
                    best, best_gap = c, gap
        if best < 0:
            chain_a_end[chains], chain_b_end[chains] = pieces[r, 1], pieces[r, 3]
            chain_quote[chains] = pieces[r, 4]
            chain_of[r] = chains
            chains += 1
        else:
            chain_a_end[best] = max(chain_a_end[best], pieces[r, 1])
            chain_b_end[best] = max(chain_b_end[best], pieces[r, 3])
            chain_of[r] = best
    # Members of each chain, in piece order; a too sparse chain queues its long pieces after.
    members = np.empty(2 * n, dtype=np.int64)
    queue_start = np.empty(chains + n, dtype=np.int64)
    queue_size = np.empty(chains + n, dtype=np.int64)
    filled = 0
    for c in range(chains):
        queue_start[c] = filled
        size = 0
        for r in range(n):
            if chain_of[r] == c:
                members[filled + size] = r
                size += 1
        queue_size[c] = size
        filled += size
    queued = chains
    found = np.empty((n, 6), dtype=np.int64)
    count = 0
    head = 0
    while head < queued:
        first, size = queue_start[head], queue_size[head]
        head += 1
        chain = members[first : first + size]
        a_start, a_end = pieces[chain[0], 0], pieces[chain[0], 1]
        b_start, b_end = pieces[chain[0], 2], pieces[chain[0], 3]
        support = 0
        for r in chain:
            a_start, a_end = min(a_start, pieces[r, 0]), max(a_end, pieces[r, 1])
            b_start, b_end = min(b_start, pieces[r, 2]), max(b_end, pieces[r, 3])
            support = max(support, pieces[r, 5])
        quote = pieces[chain[0], 4] == 1
        before = _extend(
            a_hashes,
            b_hashes,
            a_quoted,
            b_quoted,
            a_par,
            b_par,
            a_start - 1,
            b_start - 1,
            -1,
            quote,
        )
        after = _extend(
            a_hashes, b_hashes, a_quoted, b_quoted, a_par, b_par, a_end, b_end, 1, quote
        )
        a_start, b_start = a_start - before, b_start - before
        a_end, b_end = a_end + after, b_end + after
        matched = _covered(pieces[chain, 0], pieces[chain, 1]) + before + after
        if not quote and max_edits > 0:
            # Grown over edited words only while the passage stays dense enough.
            a_head, b_head, head_equal = _extend_edited(
                a_hashes,
                b_hashes,
                a_quoted,
                b_quoted,
                a_par,
                b_par,
                a_start - 1,
                b_start - 1,
                -1,
                max_edits,
                resume_words,
                seed_words,
            )
            a_tail, b_tail, tail_equal = _extend_edited(
                a_hashes,
                b_hashes,
                a_quoted,
                b_quoted,
                a_par,
                b_par,
                a_end,
                b_end,
                1,
                max_edits,
                resume_words,
                seed_words,
            )
            grown = matched + head_equal + tail_equal
            if grown >= min_density * (a_end - a_start + a_head + a_tail):
                a_start, b_start, matched = a_start - a_head, b_start - b_head, grown
                a_end, b_end = a_end + a_tail, b_end + b_tail
        if max(matched, support) < min_words:
            continue
        if matched < min_density * (a_end - a_start):
            # Too sparse as a whole: its long pieces still stand on their own.
            if size > 1:
                for r in chain:
                    if pieces[r, 1] - pieces[r, 0] >= min_words:
                        members[filled] = r
                        queue_start[queued], queue_size[queued] = filled, 1
                        filled += 1
                        queued += 1
            continue
        _set_row(found, count, a_start, a_end, b_start, b_end, matched, 1 if quote else 0)
        count += 1
    return _drop_covered(_join_continuations(found[:count]))


@_jit
def _join_continuations(found):  # type: ignore[no-untyped-def]
    """Return the passage rows with continuations joined (see
    `dedupe.align.join_continuations`), sorted by (a_start, b_start)."""
    keys = np.empty((len(found), 4), dtype=np.int64)
    keys[:, 0], keys[:, 1], keys[:, 2], keys[:, 3] = (
        found[:, 0],
        found[:, 2],
        found[:, 1],
        found[:, 3],
    )
    joined = np.empty_like(found)
    count = 0
    for p in _stable_order(keys):
        a0, a1, b0, b1, matched, quote = (
            found[p, 0],
            found[p, 1],
            found[p, 2],
            found[p, 3],
            found[p, 4],
            found[p, 5],
        )
        merged = False
        for k in range(count - 1, max(count - 8, 0) - 1, -1):
            k0, k1, l0, l1 = joined[k, 0], joined[k, 1], joined[k, 2], joined[k, 3]
            if (
                quote == 0
                and joined[k, 5] == 0
                and k0 <= a0 <= k1
                and l0 <= b0 <= l1
                and a1 > k1
                and b1 > l1
            ):
                joined[k, 4] = joined[k, 4] + matched - min(matched, k1 - a0)
                joined[k, 1], joined[k, 3] = a1, b1
                merged = True
                break
        if not merged:
            joined[count] = found[p]
            count += 1
    return joined[:count]


@_jit
def _drop_covered(found):  # type: ignore[no-untyped-def]
    """Return the passage rows minus those mostly covered, on either side, by a longer one."""
    keys = np.empty((len(found), 3), dtype=np.int64)
    keys[:, 0], keys[:, 1], keys[:, 2] = -found[:, 4], found[:, 0], found[:, 2]
    kept = np.empty_like(found)
    count = 0
    for p in _stable_order(keys):
        a_lo, a_hi, b_lo, b_hi = found[p, 0], found[p, 1], found[p, 2], found[p, 3]
        a_starts = np.empty(count, dtype=np.int64)
        a_ends = np.empty(count, dtype=np.int64)
        b_starts = np.empty(count, dtype=np.int64)
        b_ends = np.empty(count, dtype=np.int64)
        for k in range(count):
            a_starts[k] = max(kept[k, 0], a_lo)
            a_ends[k] = max(min(kept[k, 1], a_hi), a_starts[k])
            b_starts[k] = max(kept[k, 2], b_lo)
            b_ends[k] = max(min(kept[k, 3], b_hi), b_starts[k])
        a_overlap = _covered(a_starts, a_ends)
        b_overlap = _covered(b_starts, b_ends)
        if 2 * a_overlap < a_hi - a_lo and 2 * b_overlap < b_hi - b_lo:
            kept[count] = found[p]
            count += 1
    return kept[:count]
