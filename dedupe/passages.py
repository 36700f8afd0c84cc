"""Passages of many document pairs as integer columns: what the later stages hand each other.

A scan of 100,000 articles finds half a million passages. As `Passage` objects they cost
time to make, to pickle between processes and to walk again in every stage, and forked
workers that touch them copy their memory pages. As columns they pickle as plain bytes and
are read with numpy. `Passage` objects stay the form of one pair's alignment, of the
reference paths and of the tests; `passage_columns` and `AlignedPassages.passages` convert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.align import Passage
from dedupe.attribution import Attribution
from dedupe.index import concatenated_ranges, lexsort

# Columns of `AlignedPassages.rows`: word spans, matched words, the quote flag, then the
# character spans (first word's start, last word's end) on each side.
A_START, A_END, B_START, B_END, MATCHED, QUOTE, A_FIRST, A_LAST, B_FIRST, B_LAST = range(10)
COLUMNS = 10


@dataclass(frozen=True, slots=True)
class AlignedPassages:
    """The passages of many document pairs, pair after pair.

    `pairs[p]` holds the documents (a, b) of pair p, whose passages are the rows
    `bounds[p]` to `bounds[p + 1]` of `rows` (see the column names). `quoted` rows are
    (row, side, start, end): word spans of quotations inside a copied passage, side 0 for a
    and 1 for b, in row then side order.
    """

    pairs: np.ndarray
    bounds: np.ndarray
    rows: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.pairs)

    def counts(self) -> np.ndarray:
        """Return the number of passages of each pair."""
        return np.diff(self.bounds)

    def pair_of_rows(self) -> np.ndarray:
        """Return, for each row, the position of its pair."""
        return np.repeat(np.arange(len(self.pairs), dtype=np.int64), self.counts())

    def passages(self, position: int) -> list[Passage]:
        """Return the passages of the pair at `position` as `Passage` objects."""
        lo, hi = self.bounds[position], self.bounds[position + 1]
        inside: dict[tuple[int, int], list[tuple[int, int]]] = {}
        first, last = np.searchsorted(self.quoted[:, 0], [lo, hi])
        for row, side, start, end in self.quoted[first:last].tolist():
            inside.setdefault((row, side), []).append((start, end))
        return [
            Passage(
                row[A_START],
                row[A_END],
                row[B_START],
                row[B_END],
                row[MATCHED],
                bool(row[QUOTE]),
                (row[A_FIRST], row[A_LAST]),
                (row[B_FIRST], row[B_LAST]),
                tuple(inside.get((lo + k, 0), ())),
                tuple(inside.get((lo + k, 1), ())),
            )
            for k, row in enumerate(self.rows[lo:hi].tolist())
        ]

    def select(self, positions: np.ndarray) -> AlignedPassages:
        """Return the pairs at `positions` (in that order, each at most once), with their rows."""
        positions = np.asarray(positions, dtype=np.int64)
        counts = self.counts()[positions]
        taken = concatenated_ranges(self.bounds[positions], counts)
        new_row = np.full(len(self.rows), -1, dtype=np.int64)
        new_row[taken] = np.arange(len(taken), dtype=np.int64)
        quoted = self.quoted[new_row[self.quoted[:, 0]] >= 0]
        quoted = np.column_stack((new_row[quoted[:, 0]], quoted[:, 1:]))
        # Stable: spans of one row and side keep their order.
        quoted = quoted[lexsort((quoted[:, 1], quoted[:, 0]))]
        return AlignedPassages(
            self.pairs[positions],
            np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            self.rows[taken],
            quoted.reshape(-1, 4),
        )

    def sorted_by_pair(self) -> AlignedPassages:
        """Return the same pairs sorted by (a, b)."""
        return self.select(lexsort((self.pairs[:, 1], self.pairs[:, 0])))


def passage_columns(aligned: Iterable[tuple[int, int, Sequence[Passage]]]) -> AlignedPassages:
    """Return the passages of (a, b, passages) triples as columns, in the order given."""
    pairs: list[tuple[int, int]] = []
    bounds = [0]
    rows: list[tuple[int, ...]] = []
    quoted: list[tuple[int, int, int, int]] = []
    for a, b, passages in aligned:
        pairs.append((a, b))
        for p in passages:
            quoted.extend((len(rows), 0, lo, hi) for lo, hi in p.a_quoted)
            quoted.extend((len(rows), 1, lo, hi) for lo, hi in p.b_quoted)
            rows.append(
                (p.a_start, p.a_end, p.b_start, p.b_end, p.matched, p.quote, *p.a_chars, *p.b_chars)
            )
        bounds.append(len(rows))
    return AlignedPassages(
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        np.array(bounds, dtype=np.int64),
        np.array(rows, dtype=np.int64).reshape(-1, COLUMNS),
        np.array(quoted, dtype=np.int64).reshape(-1, 4),
    )


def joined(parts: Sequence[AlignedPassages]) -> AlignedPassages:
    """Return the pairs of all `parts`, one part after the other."""
    if not parts:
        return passage_columns([])
    row_offsets = np.cumsum([0, *(len(p.rows) for p in parts)])
    return AlignedPassages(
        np.concatenate([p.pairs for p in parts]).reshape(-1, 2),
        np.concatenate(
            [[0], *(p.bounds[1:] + offset for p, offset in zip(parts, row_offsets, strict=False))]
        ).astype(np.int64),
        np.concatenate([p.rows for p in parts]).reshape(-1, COLUMNS),
        np.concatenate(
            [
                np.column_stack((p.quoted[:, 0] + offset, p.quoted[:, 1:])).reshape(-1, 4)
                for p, offset in zip(parts, row_offsets, strict=False)
            ]
        ),
    )


@dataclass(frozen=True, slots=True)
class AttributedPassages:
    """Aligned passages with the original source of each: row k's is
    `attributions[labels[k]]` (quotes are `UNDECIDED`)."""

    passages: AlignedPassages
    labels: np.ndarray
    attributions: tuple[Attribution, ...]
