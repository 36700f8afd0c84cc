"""Alignment: verify a candidate pair of documents and find the exact passages they share.

Seeds are word n-grams found in both documents. Seeds on one diagonal (the same offset
between the two texts) that follow each other form exact runs; runs are then chained into
passages across small gaps in both texts, so a changed, inserted or dropped word does not break
a reused passage into fragments. Runs are split where quotation marks begin or end, so shared
quotations come out as passages of their own. A passage is kept only with enough matched
words and density: this is the exact check that keeps LSH false positives out of the report.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from dedupe.parallel import pickled_by_fields
from dedupe.text import Tokens


@dataclass(frozen=True, slots=True)
class AlignParams:
    """How alignment seeds, chains and filters passages (all counts in words)."""

    seed_words: int = 5
    max_gap: int = 8
    min_words: int = 8
    min_density: float = 0.5
    max_seed_repeats: int = 16
    # Unquoted words running straight into a shared quote, up to this many, introduce it.
    quote_context: int = 16
    # A copied (non-quote) passage's edges grow over up to `max_edits` changed, inserted or
    # dropped words on each side when `resume_words` equal words follow, to the end of the
    # copy's paragraph or by a seed's worth of equal words (0: exact edges only).
    max_edits: int = 2
    resume_words: int = 2


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Passage:
    """A passage shared by documents a and b: word index spans [start, end) on each side.

    `matched` counts the words of the a-side covered by exact runs; `quote` is True when the
    passage lies inside quotation marks (in either document). `a_chars` and `b_chars` are the
    character spans (end exclusive) from the first word's start to the last word's end.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int
    quote: bool
    # Derived from the word spans and the texts, so they take no part in comparisons.
    a_chars: tuple[int, int] = field(default=(0, 0), compare=False)
    b_chars: tuple[int, int] = field(default=(0, 0), compare=False)
    # Word spans inside a copied (non-quote) passage that are quotations in either text: a
    # short quote bridged over by the passage still counts as quoted, not reused.
    a_quoted: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    b_quoted: tuple[tuple[int, int], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class _Run:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    quote: bool
    # Words of the exact run this piece was cut from: a short quote inside a long exact run
    # is verified by that run, not by its own length.
    support: int = 0


@dataclass(frozen=True, slots=True)
class GramIndex:
    """A document's n-gram hashes, sorted once for every pair the document is aligned in."""

    order: np.ndarray
    sorted: np.ndarray
    # For each sorted position: how many n-grams share its value.
    repeats: np.ndarray

    @classmethod
    def of(cls, grams: np.ndarray) -> GramIndex:
        """Return the index of `grams`."""
        order = np.argsort(grams, kind="stable")
        ordered = grams[order]
        boundary = np.ones(len(ordered), dtype=bool)
        boundary[1:] = ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(boundary)
        sizes = np.diff(np.append(starts, len(ordered)))
        return cls(order, ordered, np.repeat(sizes, sizes))


def seed_matches(
    a_grams: np.ndarray, b_grams: np.ndarray | GramIndex, max_repeats: int
) -> np.ndarray:
    """Return an (n, 2) array of (i, j) with a_grams[i] == b_grams[j], by i, then j.

    An n-gram that occurs more than `max_repeats` times in b is ignored (boilerplate repeats
    would otherwise multiply seeds).
    """
    index = b_grams if isinstance(b_grams, GramIndex) else GramIndex.of(b_grams)
    if len(a_grams) == 0 or len(index.sorted) == 0:
        return np.empty((0, 2), dtype=np.int64)
    lo = np.searchsorted(index.sorted, a_grams, side="left")
    at = np.minimum(lo, len(index.sorted) - 1)
    counts = np.where(index.sorted[at] == a_grams, index.repeats[at], 0)
    counts[counts > max_repeats] = 0
    total = int(counts.sum())
    if total == 0:
        return np.empty((0, 2), dtype=np.int64)
    i = np.repeat(np.arange(len(a_grams), dtype=np.int64), counts)
    first = np.repeat(lo, counts)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    j = index.order[first + within].astype(np.int64)
    return np.stack((i, j), axis=1)


def exact_runs(seeds: np.ndarray, seed_words: int) -> list[tuple[int, int, int, int]]:
    """Return maximal exact runs (a_start, a_end, b_start, b_end) formed by consecutive seeds."""
    if len(seeds) == 0:
        return []
    i, j = seeds[:, 0], seeds[:, 1]
    diagonal = i - j
    order = np.lexsort((i, diagonal))
    i, diagonal = i[order], diagonal[order]
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(i) != 1)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(i)])) - 1
    runs = [
        (
            int(i[s]),
            int(i[e]) + seed_words,
            int(i[s] - diagonal[s]),
            int(i[e] - diagonal[e]) + seed_words,
        )
        for s, e in zip(starts, ends, strict=True)
    ]
    runs.sort()
    return runs


# A passage crosses a paragraph break only when at least this many words past it match: one
# or two ("... repairs. ¶ The") are a common opening word, not a continuation.
_MIN_CROSSING = 3


def _trim_at_paragraphs(
    runs: list[tuple[int, int, int, int]], a: Tokens, b: Tokens
) -> list[tuple[int, int, int, int]]:
    """Return the runs without ends that cross a paragraph break by fewer than 3 words.

    A run that goes on past a paragraph break is a passage split differently into
    paragraphs, and stays whole; so is one whose piece past the break is that whole short
    paragraph in both texts. One that crosses by a word or two and stops mid-paragraph
    ("... repairs. ¶ The") only met a common opening word, which is no part of the passage.
    """
    trimmed = []
    for a0, a1, b0, b1 in runs:
        if a.paragraph[a0] != a.paragraph[a1 - 1] or b.paragraph[b0] != b.paragraph[b1 - 1]:
            breaks = np.flatnonzero(
                (np.diff(a.paragraph[a0:a1]) != 0) | (np.diff(b.paragraph[b0:b1]) != 0)
            )
            first, last = int(breaks[0]) + 1, int(breaks[-1]) + 1
            whole_head = _starts_paragraph(a, a0) and _starts_paragraph(b, b0)
            whole_tail = _ends_paragraph(a, a1) and _ends_paragraph(b, b1)
            head = first if first < _MIN_CROSSING and not whole_head else 0
            tail = (a1 - a0) - last if (a1 - a0) - last < _MIN_CROSSING and not whole_tail else 0
            a0, b0, a1, b1 = a0 + head, b0 + head, a1 - tail, b1 - tail
        if a1 > a0:
            trimmed.append((a0, a1, b0, b1))
    return trimmed


def _starts_paragraph(tokens: Tokens, start: int) -> bool:
    return start == 0 or bool(tokens.paragraph[start - 1] != tokens.paragraph[start])


def _ends_paragraph(tokens: Tokens, end: int) -> bool:
    return end == len(tokens) or bool(tokens.paragraph[end] != tokens.paragraph[end - 1])


def _split_by_quotes(
    runs: list[tuple[int, int, int, int]], a: Tokens, b: Tokens, context: int
) -> list[_Run]:
    """Return the runs cut where quotation marks begin or end (in either document).

    A stretch of fewer than `context` unquoted words that runs straight into a shared quote
    ("Maria Lopez, a spokesperson for the council, said:") introduces that quote: it goes with
    the quote rather than counting as copied text.
    """
    a_prefix, b_prefix = a.quoted_prefix, b.quoted_prefix
    pieces: list[_Run] = []
    for a0, a1, b0, b1 in runs:
        quoted = a_prefix[a1] - a_prefix[a0] + b_prefix[b1] - b_prefix[b0]
        if quoted == 0:
            pieces.append(_Run(a0, a1, b0, b1, False, a1 - a0))
        else:
            pieces.extend(
                _absorb_quote_context(_split_run(a0, a1, b0, a.quoted, b.quoted), context)
            )
    return pieces


def _absorb_quote_context(pieces: list[_Run], context: int) -> list[_Run]:
    # A lead-in ("X, a spokesperson for Y, said:") may be longer than a tail ("he said").
    flags = [
        piece.quote
        or (i + 1 < len(pieces) and pieces[i + 1].quote and piece.a_end - piece.a_start < context)
        or (i > 0 and pieces[i - 1].quote and piece.a_end - piece.a_start < context // 2)
        for i, piece in enumerate(pieces)
    ]
    merged: list[_Run] = []
    for piece, quote in zip(pieces, flags, strict=True):
        if merged and merged[-1].quote == quote:
            last = merged[-1]
            merged[-1] = _Run(
                last.a_start, piece.a_end, last.b_start, piece.b_end, quote, piece.support
            )
        else:
            merged.append(
                _Run(piece.a_start, piece.a_end, piece.b_start, piece.b_end, quote, piece.support)
            )
    return merged


def _split_run(a0: int, a1: int, b0: int, a_quoted: np.ndarray, b_quoted: np.ndarray) -> list[_Run]:
    flags = a_quoted[a0:a1] | b_quoted[b0 : b0 + a1 - a0]
    changes = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    bounds = [0, *changes.tolist(), a1 - a0]
    return [
        _Run(a0 + lo, a0 + hi, b0 + lo, b0 + hi, bool(flags[lo]), a1 - a0)
        for lo, hi in itertools.pairwise(bounds)
    ]


class _Chain:
    """Runs chained into one passage, with how far it reaches on each side."""

    __slots__ = ("a_end", "b_end", "quote", "runs")

    def __init__(self, run: _Run) -> None:
        self.runs = [run]
        self.a_end, self.b_end, self.quote = run.a_end, run.b_end, run.quote

    def add(self, run: _Run) -> None:
        self.runs.append(run)
        self.a_end = max(self.a_end, run.a_end)
        self.b_end = max(self.b_end, run.b_end)


def _chain(runs: list[_Run], max_gap: int, seed_words: int) -> list[list[_Run]]:
    """Group runs (sorted by a_start) into chains whose gaps are small on both sides."""
    chains: list[_Chain] = []
    for run in runs:
        best: _Chain | None = None
        best_gap = max_gap + 1
        for chain in reversed(chains[-8:]):
            if chain.quote != run.quote:
                continue
            a_gap, b_gap = run.a_start - chain.a_end, run.b_start - chain.b_end
            if -seed_words <= a_gap <= max_gap and -seed_words <= b_gap <= max_gap:
                gap = max(a_gap, b_gap, 0)
                if gap < best_gap:
                    best, best_gap = chain, gap
        if best is None:
            chains.append(_Chain(run))
        else:
            best.add(run)
    return [chain.runs for chain in chains]


def quoted_spans(tokens: Tokens, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Return the [start, end) spans of quoted words of `tokens` within [start, end)."""
    return quoted_runs(tokens.quoted, start, end)


def quoted_runs(quoted: np.ndarray, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Return the [start, end) runs of True in `quoted` within [start, end)."""
    window = quoted[start:end]
    if not window.any():
        return ()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], window.astype(np.int8), [0])))) + start
    return tuple((int(lo), int(hi)) for lo, hi in zip(edges[::2], edges[1::2], strict=True))


def _covered(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def align(
    a: Tokens,
    b: Tokens,
    a_grams: np.ndarray,
    b_grams: np.ndarray | GramIndex,
    params: AlignParams,
) -> list[Passage]:
    """Return the passages documents a and b share, sorted by position in a.

    `a_grams`/`b_grams` are the `params.seed_words`-gram hashes of each document's words
    (see `dedupe.text.ngram_hashes`); b's may come indexed, when b is aligned many times.
    """
    seeds = seed_matches(a_grams, b_grams, params.max_seed_repeats)
    exact = _trim_at_paragraphs(exact_runs(seeds, params.seed_words), a, b)
    runs = _split_by_quotes(exact, a, b, params.quote_context)
    found: list[tuple[int, int, int, int, int, bool]] = []
    pending = _chain(runs, params.max_gap, params.seed_words)
    while pending:
        chain = pending.pop(0)
        a_start = min(r.a_start for r in chain)
        a_end = max(r.a_end for r in chain)
        b_start = min(r.b_start for r in chain)
        b_end = max(r.b_end for r in chain)
        quote = chain[0].quote
        before = _extend(a, b, a_start - 1, b_start - 1, -1, quote)
        after = _extend(a, b, a_end, b_end, 1, quote)
        a_start, b_start, a_end, b_end = (
            a_start - before,
            b_start - before,
            a_end + after,
            b_end + after,
        )
        matched = _covered([(r.a_start, r.a_end) for r in chain]) + before + after
        if not quote and params.max_edits > 0:
            # Grown over edited words only while the passage stays dense enough.
            a_head, b_head, head_equal = _extend_edited(
                a,
                b,
                a_start - 1,
                b_start - 1,
                -1,
                params.max_edits,
                params.resume_words,
                params.seed_words,
            )
            a_tail, b_tail, tail_equal = _extend_edited(
                a, b, a_end, b_end, 1, params.max_edits, params.resume_words, params.seed_words
            )
            grown = matched + head_equal + tail_equal
            if grown >= params.min_density * (a_end - a_start + a_head + a_tail):
                a_start, b_start, matched = a_start - a_head, b_start - b_head, grown
                a_end, b_end = a_end + a_tail, b_end + b_tail
        evidence = max(matched, max(r.support for r in chain))
        if evidence < params.min_words:
            continue
        if matched < params.min_density * (a_end - a_start):
            # Too sparse as a whole: its long runs still stand on their own.
            long_runs = [[r] for r in chain if r.a_end - r.a_start >= params.min_words]
            if len(chain) > 1 and long_runs:
                pending.extend(long_runs)
            continue
        found.append((a_start, a_end, b_start, b_end, matched, quote))
    passages = drop_covered([_passage_with_spans(a, b, *row) for row in join_continuations(found)])
    passages.sort(key=lambda p: (p.a_start, p.b_start, p.a_end, p.b_end))
    return passages


def _passage_with_spans(
    a: Tokens,
    b: Tokens,
    a_start: int,
    a_end: int,
    b_start: int,
    b_end: int,
    matched: int,
    quote: bool,
) -> Passage:
    """Return the passage of words [a_start, a_end) of a and [b_start, b_end) of b, with its
    character spans and, unless it is a quote, the quotations it bridges over."""
    return Passage(
        a_start,
        a_end,
        b_start,
        b_end,
        matched,
        quote,
        (int(a.starts[a_start]), int(a.ends[a_end - 1])),
        (int(b.starts[b_start]), int(b.ends[b_end - 1])),
        () if quote else quoted_spans(a, a_start, a_end),
        () if quote else quoted_spans(b, b_start, b_end),
    )


def _extend(a: Tokens, b: Tokens, i: int, j: int, step: int, quote: bool) -> int:
    """Return how many words a passage edge can grow by from (i, j) in direction `step`.

    A run of equal words shorter than a seed is only found here: the edge grows over equal
    words, but never across the start or end of a quotation, and across a paragraph break
    (on either side) only when at least 3 words past it match or the words past it make up
    the whole paragraph in both texts.
    """

    def same(x: int, y: int) -> bool:
        return (
            0 <= x < len(a)
            and 0 <= y < len(b)
            and a.hashes[x] == b.hashes[y]
            and bool(a.quoted[x] or b.quoted[y]) == quote
        )

    grown = 0
    crossed_at: int | None = None
    while same(i, j):
        if _break_before(a, i, step) or _break_before(b, j, step):
            crossed_at = grown
        i, j, grown = i + step, j + step, grown + 1
    if crossed_at is None or grown - crossed_at >= _MIN_CROSSING:
        return grown
    whole = _break_before(a, i, step) and _break_before(b, j, step)
    return grown if whole else crossed_at


def _extend_edited(
    a: Tokens, b: Tokens, i: int, j: int, step: int, max_edits: int, resume: int, inside: int
) -> tuple[int, int, int]:
    """Return (words grown on a, words grown on b, equal words among them) of a copied
    passage's edge at (i, j) growing in direction `step` over edited words.

    Past the words the edge has (the exact extension stopped at a differing word), up to
    `max_edits` words of a and of b are skipped (a changed word skips one of each, an
    inserted or dropped one a word on one side) when at least `resume` equal words follow
    them; the edge then takes the skipped words and the whole equal run, and goes on. Fewest
    skipped words are tried first, then fewer of a. The edge stays within the paragraph of
    its last word on each side and takes no quoted word: a rewritten sentence next to a
    copied one, or a quotation, does not continue it. The growth stands only when it ends
    where both sides' paragraphs (or texts) end or a quotation begins, or when it took at
    least `inside` equal words (a seed's worth: it ran on into more of the copy); else none
    does. Text copied into the middle of a paragraph keeps its exact edges: on PAN's
    verbatim copies, a few words grown past them cost precision.
    """
    if not (0 <= i - step < len(a) and 0 <= j - step < len(b)):
        return 0, 0, 0
    a_par, b_par = a.paragraph[i - step], b.paragraph[j - step]

    def a_ok(x: int) -> bool:
        return 0 <= x < len(a) and a.paragraph[x] == a_par and not a.quoted[x]

    def b_ok(y: int) -> bool:
        return 0 <= y < len(b) and b.paragraph[y] == b_par and not b.quoted[y]

    def run(x: int, y: int, limit: int) -> int:
        length = 0
        while length < limit and a_ok(x) and b_ok(y) and a.hashes[x] == b.hashes[y]:
            x, y, length = x + step, y + step, length + 1
        return length

    options = sorted(
        ((da, db) for da in range(max_edits + 1) for db in range(max_edits + 1) if da or db),
        key=lambda o: (o[0] + o[1], o[0]),
    )
    a_grown = b_grown = equal = 0
    while True:
        x, y = i + step * a_grown, j + step * b_grown
        if not (a_ok(x) or b_ok(y)):
            # The copy's end on both sides: a paragraph's edge, the text's, a quotation.
            return a_grown, b_grown, equal
        for da, db in options:
            if not all(a_ok(x + step * k) for k in range(da)):
                continue
            if not all(b_ok(y + step * k) for k in range(db)):
                continue
            if run(x + step * da, y + step * db, resume) == resume:
                length = run(x + step * da, y + step * db, len(a))
                a_grown, b_grown = a_grown + da + length, b_grown + db + length
                equal += length
                break
        else:
            return (a_grown, b_grown, equal) if equal >= inside else (0, 0, 0)


def _break_before(tokens: Tokens, position: int, step: int) -> bool:
    """Return True when a paragraph break (or the text edge) lies just before `position`."""
    previous = position - step
    if not (0 <= position < len(tokens)):
        return True
    if not (0 <= previous < len(tokens)):
        return True
    return bool(tokens.paragraph[position] != tokens.paragraph[previous])


def join_continuations(
    found: list[tuple[int, int, int, int, int, bool]],
) -> list[tuple[int, int, int, int, int, bool]]:
    """Return the passages (a_start, a_end, b_start, b_end, matched, quote) with each copied
    passage that starts inside or at the end of an earlier one on both sides, and ends past
    it on both, joined to it: two chains whose edges grew over edited words into each other
    are one passage, not one that covers the other. Sorted by (a_start, b_start)."""
    joined: list[tuple[int, int, int, int, int, bool]] = []
    for row in sorted(found, key=lambda r: (r[0], r[2], r[1], r[3])):
        a0, a1, b0, b1, matched, quote = row
        for k in range(len(joined) - 1, max(len(joined) - 8, 0) - 1, -1):
            k0, k1, l0, l1, k_matched, k_quote = joined[k]
            if (
                not quote
                and not k_quote
                and k0 <= a0 <= k1
                and l0 <= b0 <= l1
                and a1 > k1
                and b1 > l1
            ):
                both = k_matched + matched - min(matched, k1 - a0)
                joined[k] = (k0, a1, l0, b1, both, False)
                break
        else:
            joined.append(row)
    return joined


def drop_covered(passages: list[Passage]) -> list[Passage]:
    """Return the passages minus those mostly covered, on either side, by a longer one.

    When a text stands twice in one document, its copy in the other aligns with both; the
    longest alignment speaks for it, so each stretch of text is reported once.
    """
    kept: list[Passage] = []
    for passage in sorted(passages, key=lambda p: (-p.matched, p.a_start, p.b_start)):
        a_overlap = _covered(
            [_clip(k.a_start, k.a_end, passage.a_start, passage.a_end) for k in kept]
        )
        b_overlap = _covered(
            [_clip(k.b_start, k.b_end, passage.b_start, passage.b_end) for k in kept]
        )
        if (
            2 * a_overlap < passage.a_end - passage.a_start
            and 2 * b_overlap < passage.b_end - passage.b_start
        ):
            kept.append(passage)
    return kept


def _clip(start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    return (max(start, lo), max(min(end, hi), max(start, lo)))
