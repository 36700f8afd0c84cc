"""The report: per-document overlap and attribution, per-pair passages, as plain data.

Built from what the stages found (documents, aligned pairs, attributions); rendered by
`dedupe.render`. Its `to_dict` form is the JSON contract documented in the README.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe import passages as columns
from dedupe.align import Passage
from dedupe.attribution import UNDECIDED, Attribution, names_source, wire_named, wire_of_outlet
from dedupe.documents import Document
from dedupe.index import unique_values
from dedupe.parallel import map_ordered, pickled_by_fields
from dedupe.passages import AttributedPassages, passage_columns
from dedupe.store import document_ids, document_outlets

# Lower rank wins when several attributions cover the same word.
_RULE_RANK = {"wire-outlet": 0, "wire-credit": 1, "earliest-publication": 2}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PassageReport:
    """A shared passage: character spans in a and b (end exclusive) and a's text of it."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    quote: bool
    original_source: str | None
    text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PairReport:
    """Two documents that share text: each one's share of words found in the other."""

    a: str
    b: str
    percent_a: float
    percent_b: float
    passages: tuple[PassageReport, ...]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Match:
    """Another document and the share of this document's words found in it."""

    id: str
    percent: float
    shared_words: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocumentReport:
    """One document's overlap with the rest of the corpus and where its reused text came from."""

    id: str
    source: str | None
    published: str | None
    words: int
    reused_percent: float
    quoted_percent: float
    matches: tuple[Match, ...]
    original_source: str | None
    attribution_rule: str | None
    credited: bool | None


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a scan: documents (sorted by id), pairs (sorted by a, b) and parameters."""

    documents: tuple[DocumentReport, ...]
    pairs: tuple[PairReport, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the documented contract)."""
        return {
            "documents": [document_dict(d) for d in self.documents],
            "pairs": [pair_dict(p) for p in self.pairs],
            "parameters": dict(self.parameters),
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AlignedPair:
    """The passages found between documents `a` and `b` (indices), with their attributions.

    `attributions[k]` belongs to `passages[k]`; quotes carry `UNDECIDED`.
    """

    a: int
    b: int
    passages: tuple[Passage, ...]
    attributions: tuple[Attribution, ...]


def percent(part: int, whole: int) -> float:
    """Return part/whole as a percentage rounded to 2 decimals (0 for an empty whole)."""
    return round(100.0 * part / whole, 2) if whole else 0.0


class _Coverage:
    """Which words of one document are reused or quoted, and the best attribution of each."""

    def __init__(self, words: int) -> None:
        self.reused = np.zeros(words, dtype=bool)
        self.quoted = np.zeros(words, dtype=bool)
        self.rank = np.full(words, 99, dtype=np.int8)
        self.label = np.full(words, -1, dtype=np.int32)
        self.by_partner: dict[int, np.ndarray] = {}
        # Quoted words inside copied passages: counted as quoted, never as reused.
        self.inside_quotes = np.zeros(words, dtype=bool)

    def reused_words(self) -> np.ndarray:
        """Return the mask of reused words (quotations excluded)."""
        return self.reused & ~self.inside_quotes

    def shared_words(self) -> dict[int, int]:
        """Return, for each partner, how many words were found in it (quotations excluded)."""
        return {
            partner: int((mask & ~self.inside_quotes).sum())
            for partner, mask in self.by_partner.items()
        }

    def add(
        self,
        partner: int,
        span: tuple[int, int],
        quote: bool,
        quoted_inside: tuple[tuple[int, int], ...],
        rank: int,
        label: int,
    ) -> None:
        """Mark a passage's words: quoted, or reused from `partner` with an attribution label."""
        start, end = span
        if quote:
            self.quoted[start:end] = True
            return
        for lo, hi in quoted_inside:
            self.quoted[lo:hi] = True
            self.inside_quotes[lo:hi] = True
        self.reused[start:end] = True
        mask = self.by_partner.get(partner)
        if mask is None:
            mask = self.by_partner[partner] = np.zeros(len(self.reused), dtype=bool)
        mask[start:end] = True
        better = self.rank[start:end] > rank
        self.rank[start:end][better] = rank
        self.label[start:end][better] = label


def build_report(
    documents: Sequence[Document],
    word_counts: Sequence[int],
    pairs: Iterable[AlignedPair] | AttributedPassages,
    parameters: Mapping[str, Any],
    min_percent: float = 0.0,
    *,
    jobs: int = 1,
    compiled: bool = False,
) -> Report:
    """Return the report for `documents` given the aligned pairs.

    `word_counts` gives every document's word count; `pairs` are the aligned pairs with
    their attributions, as objects or (from a scan) as columns. Documents are reported in
    chunks, on up to `jobs` processes; each chunk builds the word coverage of its own
    documents only, with numpy or, with `compiled`, with `dedupe.report_compiled`: the same
    report.
    """
    if compiled:
        from dedupe import report_compiled  # loaded before workers are forked

        report_compiled.prepare()
    attributed = pairs if isinstance(pairs, AttributedPassages) else _attributed(pairs)
    table, labels = _passage_table(attributed)
    ids, outlets = document_ids(documents), document_outlets(documents)
    context = _Context(documents, word_counts, table, labels, ids, outlets, min_percent, compiled)
    chunks = [
        (lo, min(lo + _REPORT_CHUNK, len(documents)))
        for lo in range(0, len(documents), _REPORT_CHUNK)
    ]
    reports: list[DocumentReport] = []
    percents: dict[tuple[int, int], float] = {}
    rows: list[PassageReport] = []
    for part in map_ordered(_report_chunk, context, chunks, jobs):
        reports.extend(part.documents)
        percents.update(part.percents)
        # Made here while the workers go on with the next chunks.
        rows.extend(_passage_reports(table, len(rows), labels, part.texts))
    bounds = table.pair_starts.tolist()
    passages = [tuple(rows[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    pair_reports = [
        PairReport(
            a=ids[a],
            b=ids[b],
            percent_a=percents.get((a, b), 0.0),
            percent_b=percents.get((b, a), 0.0),
            passages=passages[position],
        )
        for position, (a, b) in enumerate(table.pair_sides.tolist())
        if passages[position]
    ]
    shown = [
        p for p in pair_reports if not min_percent or max(p.percent_a, p.percent_b) >= min_percent
    ]
    return Report(
        documents=tuple(sorted(reports, key=lambda d: d.id)),
        pairs=tuple(sorted(shown, key=lambda p: (p.a, p.b))),
        parameters=dict(parameters),
    )


_REPORT_CHUNK = 5000


# Columns of the passage table.
_PAIR, _A, _B, _A_START, _A_END, _B_START, _B_END, _QUOTE, _LABEL, _RANK = range(10)
_A_CHARS, _B_CHARS = slice(10, 12), slice(12, 14)


@dataclass(frozen=True, slots=True)
class _PassageTable:
    """Every passage of every pair as int64 columns, pair by pair (see the column names).

    What report workers read: arrays, not passage objects, whose reference counts would copy
    their memory pages into every worker. `quoted` rows are (passage row, side, start, end)
    of the quotations inside copied passages, side 0 for a, 1 for b.
    """

    rows: np.ndarray
    quoted: np.ndarray
    pair_starts: np.ndarray
    pair_sides: np.ndarray
    # The documents of each row's two sides, sorted, with the row each came from: which rows
    # touch a range of documents, without a pass over the whole table per range.
    side_docs: np.ndarray
    side_rows: np.ndarray
    # 2 x row + side of each quotation, sorted: where a passage side's quotations are.
    quoted_keys: np.ndarray

    def rows_touching(self, lo: int, hi: int) -> np.ndarray:
        """Return, in table order, the rows with a or b among documents [lo, hi)."""
        first, last = np.searchsorted(self.side_docs, [lo, hi])
        return unique_values(self.side_rows[first:last])


def _attributed(pairs: Iterable[AlignedPair]) -> AttributedPassages:
    """Return aligned pair objects as columns, attributions numbered by (source, rule)."""
    pairs = list(pairs)
    label_of: dict[tuple[str | None, str | None], int] = {}
    labels = [
        label_of.setdefault((attribution.source, attribution.rule), len(label_of))
        for pair in pairs
        for _, attribution in zip(pair.passages, pair.attributions, strict=True)
    ]
    return AttributedPassages(
        passage_columns((pair.a, pair.b, pair.passages) for pair in pairs),
        np.array(labels, dtype=np.int64),
        tuple(Attribution(*key) for key in label_of),
    )


def _passage_table(attributed: AttributedPassages) -> tuple[_PassageTable, list[Attribution]]:
    """Return the passage table of `attributed`, and its attributions numbered as they first
    appear (row by row), with only their source and rule."""
    aligned = attributed.passages
    rows = aligned.rows
    firsts = _first_rows(attributed.labels)
    used = attributed.labels[firsts]
    renumbered = np.zeros(len(attributed.attributions), dtype=np.int64)
    renumbered[used] = np.arange(len(used), dtype=np.int64)
    labels = [
        Attribution(attributed.attributions[k].source, attributed.attributions[k].rule)
        for k in used.tolist()
    ]
    ranks = np.array([_rank(label) for label in labels], dtype=np.int64)
    label = renumbered[attributed.labels]
    position = aligned.pair_of_rows()
    sides = aligned.pairs[position]
    table = np.column_stack(
        (
            position, sides[:, 0], sides[:, 1],
            rows[:, columns.A_START], rows[:, columns.A_END],
            rows[:, columns.B_START], rows[:, columns.B_END],
            rows[:, columns.QUOTE], label, ranks[label] if len(ranks) else label,
            rows[:, columns.A_FIRST], rows[:, columns.A_LAST],
            rows[:, columns.B_FIRST], rows[:, columns.B_LAST],
        )
    ).reshape(-1, 14)  # fmt: skip
    side_docs = np.concatenate((table[:, _A], table[:, _B]))
    order = np.argsort(side_docs, kind="stable")
    return (
        _PassageTable(
            table,
            aligned.quoted,
            aligned.bounds,
            aligned.pairs,
            side_docs[order],
            np.tile(np.arange(len(table), dtype=np.int64), 2)[order],
            2 * aligned.quoted[:, 0] + aligned.quoted[:, 1],
        ),
        labels,
    )


def _first_rows(values: np.ndarray) -> np.ndarray:
    """Return the position where each distinct value first appears, in order of position."""
    order = np.argsort(values, kind="stable")
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = values[order[1:]] != values[order[:-1]]
    return np.sort(order[starts])


@dataclass(frozen=True, slots=True)
class _Context:
    """What every chunk of the report needs (inherited by forked workers, not pickled)."""

    documents: Sequence[Document]
    word_counts: Sequence[int]
    table: _PassageTable
    labels: Sequence[Attribution]
    ids: Sequence[str]
    outlets: set[str]
    min_percent: float
    compiled: bool


@dataclass(frozen=True, slots=True)
class _ReportPart:
    """One chunk's document reports, the percentages of its documents shared with each
    partner, and the passage texts of its share of the pairs (row by row)."""

    documents: list[DocumentReport]
    percents: dict[tuple[int, int], float]
    texts: list[str]


def _report_chunk(context: _Context, chunk: tuple[int, int]) -> _ReportPart:
    """Return the report part of documents [lo, hi)."""
    lo, hi = chunk
    table = context.table
    entries, bounds = _chunk_entries(table, lo, hi)
    counting = _compiled_counts if context.compiled else _coverage_counts
    covered, reused, quoted_only, shared_rows, label_rows = counting(
        entries, table.quoted[:, 2:], bounds, np.array(context.word_counts[lo:hi]), lo
    )
    shared: dict[int, dict[int, int]] = {}
    for doc, partner, words in shared_rows.tolist():
        shared.setdefault(doc, {})[partner] = words
    by_label: dict[int, list[tuple[int, int]]] = {}
    for doc, label, words in label_rows.tolist():
        by_label.setdefault(doc, []).append((label, words))
    # Passage texts for an even share of the pairs (by position, not by side: a < b would
    # leave them all to the first chunks).
    pairs, documents_count = len(table.pair_starts) - 1, len(context.documents)
    texts = _passage_texts(
        table,
        table.pair_starts[pairs * lo // documents_count],
        table.pair_starts[pairs * hi // documents_count],
        context.documents,
    )
    covered_list, reused_list, quoted_list = covered.tolist(), reused.tolist(), quoted_only.tolist()
    documents = [
        _document_report(
            context.documents[index],
            context.word_counts[index],
            _DocumentCoverage(
                reused_list[index - lo],
                quoted_list[index - lo],
                shared.get(index, {}),
                by_label.get(index, []),
            )
            if covered_list[index - lo]
            else None,
            context.labels,
            context.ids,
            context.min_percent,
            context.outlets,
        )
        for index in range(lo, hi)
    ]
    percents = {
        (doc, partner): percent(count, context.word_counts[doc])
        for doc, counts in shared.items()
        for partner, count in counts.items()
    }
    return _ReportPart(documents, percents, texts)


# Entry columns: one side of a passage, seen from the document on that side (also read by
# `dedupe.report_compiled`).
ENTRY_DOC, ENTRY_PARTNER, ENTRY_START, ENTRY_END, ENTRY_QUOTE, ENTRY_RANK, ENTRY_LABEL = range(7)


def _chunk_entries(table: _PassageTable, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the sides of passages that fall in documents [lo, hi), as rows (doc, partner,
    start, end, quote, rank, label), and the bounds of each one's quotations in `table.quoted`.

    Rows come in the order the coverage marks them: pair order, a side before b side, as the
    coverage of each document would see them were the whole corpus built at once.
    """
    selected = table.rows_touching(lo, hi)
    rows = table.rows[selected]
    shared = (rows[:, _QUOTE], rows[:, _RANK], rows[:, _LABEL])
    a_side = np.stack((rows[:, _A], rows[:, _B], rows[:, _A_START], rows[:, _A_END], *shared), 1)
    b_side = np.stack((rows[:, _B], rows[:, _A], rows[:, _B_START], rows[:, _B_END], *shared), 1)
    entries = np.stack((a_side, b_side), axis=1).reshape(-1, 7)
    keys = np.stack((2 * selected, 2 * selected + 1), axis=1).reshape(-1)
    inside = (entries[:, ENTRY_DOC] >= lo) & (entries[:, ENTRY_DOC] < hi)
    bounds = np.stack(
        (
            np.searchsorted(table.quoted_keys, keys[inside], side="left"),
            np.searchsorted(table.quoted_keys, keys[inside], side="right"),
        ),
        axis=1,
    )
    return entries[inside], bounds


_Counts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _compiled_counts(
    entries: np.ndarray, quoted: np.ndarray, bounds: np.ndarray, words: np.ndarray, lo: int
) -> _Counts:
    from dedupe.report_compiled import coverage_counts

    return coverage_counts(entries, quoted, bounds, words, lo)


def _coverage_counts(
    entries: np.ndarray, quoted: np.ndarray, bounds: np.ndarray, words: np.ndarray, lo: int
) -> _Counts:
    """Return `dedupe.report_compiled.coverage_counts` of the same arguments, by marking
    words passage by passage with numpy (the reference)."""
    coverage: dict[int, _Coverage] = {}
    for row, (first, last) in zip(entries.tolist(), bounds.tolist(), strict=True):
        doc, partner, start, end, quote, rank, label = row
        cover = coverage.get(doc)
        if cover is None:
            cover = coverage[doc] = _Coverage(int(words[doc - lo]))
        inside = tuple((a, b) for a, b in quoted[first:last].tolist())
        cover.add(partner, (start, end), bool(quote), inside, rank, label)
    covered = np.zeros(len(words), dtype=bool)
    reused = np.zeros(len(words), dtype=np.int64)
    quoted_only = np.zeros(len(words), dtype=np.int64)
    shared: list[tuple[int, int, int]] = []
    by_label: list[tuple[int, int, int]] = []
    for doc in sorted(coverage):
        cover = coverage[doc]
        mask = cover.reused_words()
        covered[doc - lo] = True
        reused[doc - lo] = mask.sum()
        quoted_only[doc - lo] = (cover.quoted & ~mask).sum()
        shared.extend((doc, p, n) for p, n in sorted(cover.shared_words().items()))
        counts = np.bincount(cover.label[mask] + 1).tolist()
        by_label.extend((doc, label - 1, n) for label, n in enumerate(counts) if n)
    return (
        covered,
        reused,
        quoted_only,
        np.array(shared, dtype=np.int64).reshape(-1, 3),
        np.array(by_label, dtype=np.int64).reshape(-1, 3),
    )


@dataclass(frozen=True, slots=True)
class _DocumentCoverage:
    """One document's reused and quoted-only words, the words found in each partner, and its
    reused words by attribution label (in label order)."""

    reused: int
    quoted_only: int
    shared: Mapping[int, int]
    by_label: Sequence[tuple[int, int]]


def _rank(attribution: Attribution) -> int:
    if attribution.rule is None:
        return 50
    return _RULE_RANK.get(attribution.rule.removeprefix("transitive-"), 40) * 2 + (
        attribution.rule.startswith("transitive-")
    )


def _document_report(
    doc: Document,
    words: int,
    cover: _DocumentCoverage | None,
    labels: Sequence[Attribution],
    ids: Sequence[str],
    min_percent: float,
    outlets: set[str],
) -> DocumentReport:
    if cover is None:
        return DocumentReport(
            doc.id, doc.source, doc.published, words, 0.0, 0.0, (), None, None, None
        )
    matches = sorted(
        (Match(ids[p], percent(n, words), n) for p, n in cover.shared.items()),
        key=lambda m: (-m.shared_words, m.id),
    )
    matches = [m for m in matches if m.shared_words and m.percent >= min_percent]
    attribution = _majority(cover.by_label, labels)
    return DocumentReport(
        id=doc.id,
        source=doc.source,
        published=doc.published,
        words=words,
        reused_percent=percent(cover.reused, words),
        quoted_percent=percent(cover.quoted_only, words),
        matches=tuple(matches),
        original_source=attribution.source,
        attribution_rule=attribution.rule,
        credited=_credited(doc, attribution.source, outlets),
    )


def _majority(by_label: Sequence[tuple[int, int]], labels: Sequence[Attribution]) -> Attribution:
    """Return the attribution of most words, collapsing rules per source; None on a tie.

    `by_label` holds (label, words) in label order; label -1 is no attribution.
    """
    if not by_label:
        return UNDECIDED
    if len(by_label) == 1:
        # All words under one label (the common case): that attribution, if it names a source.
        label = by_label[0][0]
        only = labels[label] if label >= 0 else UNDECIDED
        return only if only.source is not None else UNDECIDED
    by_source: Counter[str | None] = Counter()
    by_rule: dict[str | None, Counter[str | None]] = {}
    for label, count in by_label:
        attribution = labels[label] if label >= 0 else UNDECIDED
        by_source[attribution.source] += count
        by_rule.setdefault(attribution.source, Counter())[attribution.rule] += count
    (top, top_count), *rest = [*by_source.most_common(), (None, -1)]
    if top is None or rest[0][1] == top_count:
        return UNDECIDED
    rules = by_rule[top].most_common()
    best = min((r for r, c in rules if c == rules[0][1]), key=lambda r: r or "")
    return Attribution(top, best)


def _credited(doc: Document, original: str | None, outlets: set[str]) -> bool | None:
    """Return whether `doc` names its original source; None when there is nothing to name.

    Nothing to name: no original, the document is the original, or the original is a
    document without an outlet (known only by its id, which no text would credit).
    """
    if original is None or original in (doc.source, wire_of_outlet(doc.source), doc.id):
        return None
    if original not in outlets and wire_named(original) is None:
        return None
    return names_source(doc.text, original)


def _passage_texts(
    table: _PassageTable, first: int, last: int, documents: Sequence[Document]
) -> list[str]:
    """Return the a-side text of the passages in rows [first, last) of the table."""
    rows = table.rows[first:last]
    texts: list[str] = []
    text, current = "", -1
    # Rows come pair by pair, and consecutive pairs mostly share their a side: each text is
    # read once for a run of rows.
    for a, start, end in zip(
        rows[:, _A].tolist(),
        rows[:, _A_CHARS][:, 0].tolist(),
        rows[:, _A_CHARS][:, 1].tolist(),
        strict=True,
    ):
        if a != current:
            text, current = documents[a].text, a
        texts.append(text[start:end])
    return texts


def _passage_reports(
    table: _PassageTable, first: int, labels: Sequence[Attribution], texts: Sequence[str]
) -> list[PassageReport]:
    """Return the reports of the passages in the rows from `first` on, one per a-side text."""
    sources = [label.source for label in labels]
    rows = table.rows[first : first + len(texts)]
    return [
        PassageReport(a0, a1, b0, b1, bool(quote), sources[label], text)
        for a0, a1, b0, b1, quote, label, text in zip(
            *rows[:, [*range(10, 14), _QUOTE, _LABEL]].T.tolist(), texts, strict=True
        )
    ]


def document_dict(doc: DocumentReport) -> dict[str, Any]:
    """Return one document's entry of the JSON report."""
    return {
        "id": doc.id,
        "source": doc.source,
        "published": doc.published,
        "words": doc.words,
        "reused_percent": doc.reused_percent,
        "quoted_percent": doc.quoted_percent,
        "matches": [
            {"id": m.id, "percent": m.percent, "shared_words": m.shared_words} for m in doc.matches
        ],
        "original_source": doc.original_source,
        "attribution_rule": doc.attribution_rule,
        "credited": doc.credited,
    }


def pair_dict(pair: PairReport) -> dict[str, Any]:
    """Return one pair's entry of the JSON report."""
    return {
        "a": pair.a,
        "b": pair.b,
        "percent_a": pair.percent_a,
        "percent_b": pair.percent_b,
        "passages": [
            {
                "a_start": p.a_start,
                "a_end": p.a_end,
                "b_start": p.b_start,
                "b_end": p.b_end,
                "quote": p.quote,
                "original_source": p.original_source,
                "text": p.text,
            }
            for p in pair.passages
        ],
    }
