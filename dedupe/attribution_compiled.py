"""Cutting and grouping of attribution links, compiled with numba.

The same pieces and groups as `dedupe.attribution.split_links` and `group_carriers`, written
as loops over arrays: in Python they cost tens of microseconds a link, half of the
attribution stage. The Python functions stay the reference; tests hold the two equal.
"""

from __future__ import annotations

import numba
import numpy as np

from dedupe.attribution import MIN_PIECE, Attribution, Facts, attribute_pieces
from dedupe.index import unique_values
from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling

# Link and piece rows: a, a_start, a_end, b, b_start, b_end.
_COLUMNS = 6


def attribute_rows(links: np.ndarray, facts: Facts) -> list[Attribution]:
    """Return `attribute_links` of links given as rows (a, a_start, a_end, b, b_start, b_end)."""
    pieces, owners, groups = split_and_group(links)
    link_docs = links[:, [0, 3]].tolist()
    return attribute_pieces(link_docs, pieces.tolist(), owners.tolist(), groups.tolist(), facts)


def split_and_group(links: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (pieces, owners, groups) of link rows (a, a_start, a_end, b, b_start, b_end).

    `pieces` are `split_links` of the links as rows of the same columns, `owners` the link
    each piece came from and `groups` `group_carriers` of the pieces.
    """
    links = np.ascontiguousarray(links, dtype=np.int64).reshape(-1, _COLUMNS)
    spans = links[:, [1, 2, 4, 5]]
    if len(links) and (spans.min() < 0 or spans.max() >= 1 << 32 or links[:, [0, 3]].min() < 0):
        raise ValueError("link rows need documents >= 0 and positions in [0, 2**32)")
    docs = np.concatenate((links[:, 0], links[:, 0], links[:, 3], links[:, 3]))
    positions = np.concatenate((links[:, 1], links[:, 2], links[:, 4], links[:, 5]))
    # Every document's edges, sorted and unique, as one key array: doc in the high bits.
    edges = unique_values((docs << 32) | positions)
    pieces, owners = _split(
        links,
        edges & 0xFFFFFFFF,
        *_inside(edges, links[:, 0], links[:, 1], links[:, 2]),
        *_inside(edges, links[:, 3], links[:, 4], links[:, 5]),
        MIN_PIECE,
    )
    return pieces, owners, group_pieces(pieces)


def group_pieces(pieces: np.ndarray) -> np.ndarray:
    """Return `group_carriers` of piece rows (a, a_start, a_end, b, b_start, b_end)."""
    return _group(np.ascontiguousarray(pieces, dtype=np.int64).reshape(-1, _COLUMNS))  # type: ignore[no-any-return]


def _inside(
    edges: np.ndarray, docs: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the first and past-the-last edge strictly inside each span (start, end)."""
    first = np.searchsorted(edges, (docs << 32) | starts, side="right")
    last = np.searchsorted(edges, (docs << 32) | ends, side="left")
    return first, np.maximum(first, last)


def prepare() -> None:
    """Compile the loops, or load them from numba's cache, unless done already."""
    split_and_group(np.array([[0, 0, 100, 1, 0, 100], [0, 50, 100, 2, 0, 50]], dtype=np.int64))


_jit = numba.njit(cache=CACHE, nogil=True)


@_jit
def _split(links, edge_positions, a_first, a_last, b_first, b_last, min_piece):  # type: ignore[no-untyped-def]
    capacity = len(links) + len(edge_positions)
    pieces = np.empty((capacity, 6), dtype=np.int64)
    owners = np.empty(capacity, dtype=np.int64)
    count = 0
    for owner in range(len(links)):
        a, a0, a1 = links[owner, 0], links[owner, 1], links[owner, 2]
        b, b0, b1 = links[owner, 3], links[owner, 4], links[owner, 5]
        a_len, b_len = a1 - a0, b1 - b0
        scale = a_len / b_len if b_len else 1.0
        cuts = np.empty(a_last[owner] - a_first[owner] + b_last[owner] - b_first[owner], np.int64)
        n = 0
        for k in range(a_first[owner], a_last[owner]):
            cuts[n] = edge_positions[k] - a0
            n += 1
        for k in range(b_first[owner], b_last[owner]):
            # np.rint rounds half to even, as Python's round does.
            cuts[n] = np.int64(np.rint((edge_positions[k] - b0) * scale))
            n += 1
        cuts = np.sort(cuts[:n])
        bounds = np.empty(n + 2, np.int64)
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


@_jit
def _grown(pieces, owners, needed):  # type: ignore[no-untyped-def]
    capacity = max(needed, 2 * len(pieces))
    more_pieces = np.empty((capacity, 6), dtype=np.int64)
    more_owners = np.empty(capacity, dtype=np.int64)
    more_pieces[: len(pieces)] = pieces
    more_owners[: len(owners)] = owners
    return more_pieces, more_owners


@_jit
def _group(pieces):  # type: ignore[no-untyped-def]
    count = len(pieces)
    parent = np.arange(2 * count)
    docs = np.empty(2 * count, np.int64)
    starts = np.empty(2 * count, np.int64)
    ends = np.empty(2 * count, np.int64)
    for index in range(count):
        _union(parent, 2 * index, 2 * index + 1)
        for side in range(2):
            node = 2 * index + side
            docs[node] = pieces[index, 3 * side]
            starts[node] = pieces[index, 3 * side + 1]
            ends[node] = pieces[index, 3 * side + 2]
    # Spans in (doc, start, end, node) order: the overlaps of one document are neighbours.
    order = np.arange(2 * count)
    order = order[np.argsort(ends[order], kind="mergesort")]
    order = order[np.argsort(starts[order], kind="mergesort")]
    order = order[np.argsort(docs[order], kind="mergesort")]
    reach_doc, reach_end, reach_node = -1, -1, -1
    for span in order:
        if docs[span] == reach_doc and starts[span] < reach_end:
            _union(parent, span, reach_node)
            if ends[span] > reach_end:
                reach_end, reach_node = int(ends[span]), int(span)
        else:
            reach_doc, reach_end, reach_node = int(docs[span]), int(ends[span]), int(span)
    groups = np.empty(count, np.int64)
    for index in range(count):
        groups[index] = _find(parent, 2 * index)
    return groups


@_jit
def _find(parent, node):  # type: ignore[no-untyped-def]
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


@_jit
def _union(parent, x, y):  # type: ignore[no-untyped-def]
    rx, ry = _find(parent, x), _find(parent, y)
    if rx != ry:
        parent[max(rx, ry)] = min(rx, ry)
