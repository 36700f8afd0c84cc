"""The loops of the family stage, written once: plain Python here, compiled by `dedupe.jit`.

Links are passages two documents share, as rows (a, a_start, a_end, b, b_start, b_end) of
character spans. `split_links` cuts each link where another link of the same document
begins or ends, so that a passage spanning two stories (a Reuters story and an AP story
republished together, or a story and its site's footer) does not join their groups;
`group_pieces` puts pieces whose spans overlap in a document into one group: the text of a
group is carried, transitively, by every document of it.

Only what numba compiles is used: arrays, scalars and loops. No numba import here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Kernels take and return numpy arrays; numba types them itself, mypy need not.
Array = Any

# Columns of `dedupe.families.Pieces.sides`: one side of a piece, seen from the document on
# that side.
SIDE_DOC, SIDE_PARTNER, SIDE_START, SIDE_END, SIDE_FIRST, SIDE_LAST, SIDE_GROUP, SIDE_ROW = range(8)
SIDE_COLUMNS = 8

# Cuts closer than this (characters) to another cut are dropped: copies of one story end
# their passages a few characters apart, and slivers between such edges decide nothing.
MIN_PIECE = 40


def split_links(
    links: Array,
    edge_positions: Array,
    a_first: Array,
    a_last: Array,
    b_first: Array,
    b_last: Array,
    min_piece: int,
) -> tuple[Array, Array]:
    """Return (pieces, owners): the links cut at the edges strictly inside them, and the link
    each piece came from.

    The edges inside link k are edge_positions[a_first[k]:a_last[k]] on its a side and
    edge_positions[b_first[k]:b_last[k]] on its b side. Cuts on the b side are carried over
    to the a side in proportion to the spans' lengths (passages are near-verbatim, so this
    lands within a few characters); cuts closer than `min_piece` to the previous cut or to
    the end are dropped.
    """
    capacity = len(links) + len(edge_positions)
    pieces = np.empty((capacity, 6), dtype=np.int64)
    owners = np.empty(capacity, dtype=np.int64)
    count = 0
    # One scratch buffer for every link's cuts (an array a link would cost more than its cuts).
    most = 0
    for owner in range(len(links)):
        most = max(most, a_last[owner] - a_first[owner] + b_last[owner] - b_first[owner])
    scratch = np.empty(most, np.int64)
    bounds = np.empty(most + 2, np.int64)
    for owner in range(len(links)):
        a, a0, a1 = links[owner, 0], links[owner, 1], links[owner, 2]
        b, b0, b1 = links[owner, 3], links[owner, 4], links[owner, 5]
        a_len, b_len = a1 - a0, b1 - b0
        scale = a_len / b_len if b_len else 1.0
        n = 0
        for k in range(a_first[owner], a_last[owner]):
            scratch[n] = edge_positions[k] - a0
            n += 1
        for k in range(b_first[owner], b_last[owner]):
            # np.rint rounds half to even, as Python's round does.
            scratch[n] = np.int64(np.rint((edge_positions[k] - b0) * scale))
            n += 1
        cuts = scratch[:n]
        cuts.sort()
        bounds[0] = 0
        kept = 1
        for cut in cuts:
            if 0 < cut < a_len and cut - bounds[kept - 1] >= min_piece and a_len - cut >= min_piece:
                bounds[kept] = cut
                kept += 1
        bounds[kept] = a_len
        if count + kept > len(pieces):
            pieces, owners = _grown(pieces, owners, count + kept)
        for k in range(kept):
            lo, hi = bounds[k], bounds[k + 1]
            pieces[count, 0] = a
            pieces[count, 1] = a0 + lo
            pieces[count, 2] = a0 + hi
            pieces[count, 3] = b
            pieces[count, 4] = b0 + np.int64(np.rint(lo / scale))
            pieces[count, 5] = b0 + np.int64(np.rint(hi / scale))
            owners[count] = owner
            count += 1
    return pieces[:count], owners[:count]


def piece_words(pieces: Array, owners: Array, links: Array, words: Array) -> Array:
    """Return the word spans (a_start, a_end, b_start, b_end) of piece rows cut from
    `links[owners]`, whose word spans are `words[owners]`: in proportion to the characters,
    so that a piece edge that is a link edge maps exactly, and one inside lands within a
    word or two."""
    out = np.empty((len(pieces), 4), np.int64)
    for k in range(len(pieces)):
        link = owners[k]
        for side in range(2):
            first, last = links[link, 3 * side + 1], links[link, 3 * side + 2]
            low, high = words[link, 2 * side], words[link, 2 * side + 1]
            width = max(last - first, 1)
            for edge in range(2):
                offset = pieces[k, 3 * side + 1 + edge] - first
                mapped = low + np.int64(np.rint(offset * (high - low) / width))
                out[k, 2 * side + edge] = min(max(mapped, low), high)
    return out


def piece_sides(pieces: Array, owners: Array, spans: Array, groups: Array, names: Array) -> Array:
    """Return the side rows (the SIDE_ columns) of piece rows cut from links `owners`: piece
    k's a side in row 2k, its b side in row 2k + 1, each with the piece's word span (from
    `spans`, see `piece_words`), its group and its link's name (`names[owners[k]]`).

    One pass, row by row: millions of rows, where filling column by column through strided
    views passes over the whole array a dozen times."""
    out = np.empty((2 * len(pieces), SIDE_COLUMNS), np.int64)
    for k in range(len(pieces)):
        for side in range(2):
            row = 2 * k + side
            out[row, SIDE_DOC] = pieces[k, 3 * side]
            out[row, SIDE_PARTNER] = pieces[k, 3 - 3 * side]
            out[row, SIDE_START] = spans[k, 2 * side]
            out[row, SIDE_END] = spans[k, 2 * side + 1]
            out[row, SIDE_FIRST] = pieces[k, 3 * side + 1]
            out[row, SIDE_LAST] = pieces[k, 3 * side + 2]
            out[row, SIDE_GROUP] = groups[k]
            out[row, SIDE_ROW] = names[owners[k]]
    return out


def _grown(pieces: Array, owners: Array, needed: int) -> tuple[Array, Array]:
    capacity = max(needed, 2 * len(pieces))
    more_pieces = np.empty((capacity, 6), dtype=np.int64)
    more_owners = np.empty(capacity, dtype=np.int64)
    more_pieces[: len(pieces)] = pieces
    more_owners[: len(owners)] = owners
    return more_pieces, more_owners


def group_pieces(pieces: Array, order: Array) -> Array:
    """Return, for each piece row (a, a_start, a_end, b, b_start, b_end), its group: the
    lowest node (2 x piece + side) of the pieces joined to it by spans that overlap in a
    document. `order` lists the nodes by (document, start, end) (see `span_order`).

    Spans are joined when their overlap covers at least half the shorter of them: cuts
    closer than MIN_PIECE are dropped, so the passage of one pair can run a few characters,
    up to MIN_PIECE, into the next paragraph's text where another pair's passage starts,
    which is not the same text (a sliver would join two stories)."""
    count = len(pieces)
    parent: Array = np.arange(2 * count)
    for index in range(count):
        _union(parent, 2 * index, 2 * index + 1)
    # In (doc, start, end) order the overlaps of one document are neighbours.
    reach_doc, reach_start, reach_end, reach_node = -1, -1, -1, -1
    for node in order:
        side = 3 * (node % 2)
        doc = pieces[node // 2, side]
        start = pieces[node // 2, side + 1]
        end = pieces[node // 2, side + 2]
        if doc == reach_doc and start < reach_end:
            shorter = min(end - start, reach_end - reach_start)
            if 2 * (min(end, reach_end) - start) >= shorter:
                _union(parent, node, reach_node)
            if end > reach_end:
                reach_start, reach_end, reach_node = start, end, node
        else:
            reach_doc, reach_start, reach_end, reach_node = doc, start, end, node
    groups = np.empty(count, np.int64)
    for index in range(count):
        groups[index] = _find(parent, 2 * index)
    return groups


def components(links: Array, count: int) -> Array:
    """Return, for each of `count` nodes, the lowest node joined to it by the (x, y) rows of
    `links`."""
    parent: Array = np.arange(count)
    for k in range(len(links)):
        _union(parent, links[k, 0], links[k, 1])
    labels = np.empty(count, np.int64)
    for node in range(count):
        labels[node] = _find(parent, node)
    return labels


def _find(parent: Array, node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: Array, x: int, y: int) -> None:
    rx, ry = _find(parent, x), _find(parent, y)
    if rx != ry:
        parent[max(rx, ry)] = min(rx, ry)


def decided_sides(sides: Array, bounds: Array, deciders: Array) -> Array:
    """Return, for each piece side (rows of document, partner and group), whether its
    document or its partner decided its group: is among deciders[bounds[g]:bounds[g + 1]]
    (sorted) for group g."""
    direct = np.zeros(len(sides), np.bool_)
    for k in range(len(sides)):
        group = sides[k, 2]
        lo, hi = bounds[group], bounds[group + 1]
        direct[k] = _among(deciders, lo, hi, sides[k, 0]) or _among(deciders, lo, hi, sides[k, 1])
    return direct


def _among(values: Array, lo: int, hi: int, value: int) -> bool:
    """Return whether the sorted values[lo:hi] hold `value` (by bisection)."""
    end = hi
    while lo < hi:
        middle = (lo + hi) // 2
        if values[middle] < value:
            lo = middle + 1
        else:
            hi = middle
    return lo < end and values[lo] == value
