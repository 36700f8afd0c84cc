"""The report: per-document overlap and attribution, per-pair passages, as plain data.

Built from what the stages found (documents, aligned pairs, attributions); rendered by
`dedupe.render`. Its `to_dict` form is the JSON contract documented in the README.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from dedupe.align import Passage
from dedupe.attribution import UNDECIDED, Attribution, names_source, wire_named, wire_of_outlet
from dedupe.documents import Document
from dedupe.store import document_ids, document_outlets

# Lower rank wins when several attributions cover the same word.
_RULE_RANK = {"wire-outlet": 0, "wire-credit": 1, "earliest-publication": 2}


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


@dataclass(frozen=True, slots=True)
class PairReport:
    """Two documents that share text: each one's share of words found in the other."""

    a: str
    b: str
    percent_a: float
    percent_b: float
    passages: tuple[PassageReport, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """Another document and the share of this document's words found in it."""

    id: str
    percent: float
    shared_words: int


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

    def partner_words(self, partner: int) -> np.ndarray | None:
        """Return the mask of words found in `partner` (quotations excluded), if any."""
        mask = self.by_partner.get(partner)
        return None if mask is None else mask & ~self.inside_quotes

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
    pairs: Sequence[AlignedPair],
    parameters: Mapping[str, Any],
    min_percent: float = 0.0,
) -> Report:
    """Return the report for `documents` given the aligned pairs.

    `word_counts` gives every document's word count.
    """
    labels: list[Attribution] = []
    label_of: dict[Attribution, int] = {}
    coverage: dict[int, _Coverage] = {}
    for pair in pairs:
        for passage, attribution in zip(pair.passages, pair.attributions, strict=True):
            plain = Attribution(attribution.source, attribution.rule)
            label = label_of.setdefault(plain, len(labels))
            if label == len(labels):
                labels.append(plain)
            rank = _rank(plain)
            for doc, partner, span, inside in (
                (pair.a, pair.b, (passage.a_start, passage.a_end), passage.a_quoted),
                (pair.b, pair.a, (passage.b_start, passage.b_end), passage.b_quoted),
            ):
                cover = coverage.get(doc)
                if cover is None:
                    cover = coverage[doc] = _Coverage(word_counts[doc])
                cover.add(partner, span, passage.quote, inside, rank, label)
    ids, outlets = document_ids(documents), document_outlets(documents)
    reports = [
        _document_report(
            doc, word_counts[index], coverage.get(index), labels, ids, min_percent, outlets
        )
        for index, doc in enumerate(documents)
    ]
    text_of = lru_cache(maxsize=256)(lambda index: documents[index].text)
    pair_reports = [
        _pair_report(pair, text_of(pair.a), ids, coverage, word_counts)
        for pair in pairs
        if pair.passages
    ]
    shown = [
        p for p in pair_reports if not min_percent or max(p.percent_a, p.percent_b) >= min_percent
    ]
    return Report(
        documents=tuple(sorted(reports, key=lambda d: d.id)),
        pairs=tuple(sorted(shown, key=lambda p: (p.a, p.b))),
        parameters=dict(parameters),
    )


def _rank(attribution: Attribution) -> int:
    if attribution.rule is None:
        return 50
    return _RULE_RANK.get(attribution.rule.removeprefix("transitive-"), 40) * 2 + (
        attribution.rule.startswith("transitive-")
    )


def _document_report(
    doc: Document,
    words: int,
    cover: _Coverage | None,
    labels: Sequence[Attribution],
    ids: Sequence[str],
    min_percent: float,
    outlets: set[str],
) -> DocumentReport:
    if cover is None:
        return DocumentReport(
            doc.id, doc.source, doc.published, words, 0.0, 0.0, (), None, None, None
        )
    reused = cover.reused_words()
    reused_words = int(reused.sum())
    quoted_only = int((cover.quoted & ~reused).sum())
    shared = {
        partner: int((mask & ~cover.inside_quotes).sum())
        for partner, mask in cover.by_partner.items()
    }
    matches = sorted(
        (Match(ids[p], percent(n, words), n) for p, n in shared.items()),
        key=lambda m: (-m.shared_words, m.id),
    )
    matches = [m for m in matches if m.shared_words and m.percent >= min_percent]
    attribution = _majority(cover.label[reused], labels)
    return DocumentReport(
        id=doc.id,
        source=doc.source,
        published=doc.published,
        words=words,
        reused_percent=percent(reused_words, words),
        quoted_percent=percent(quoted_only, words),
        matches=tuple(matches),
        original_source=attribution.source,
        attribution_rule=attribution.rule,
        credited=_credited(doc, attribution.source, outlets),
    )


def _majority(word_labels: np.ndarray, labels: Sequence[Attribution]) -> Attribution:
    """Return the attribution of most words, collapsing rules per source; None on a tie."""
    if len(word_labels) == 0:
        return UNDECIDED
    by_source: Counter[str | None] = Counter()
    by_rule: dict[str | None, Counter[str | None]] = {}
    for label, count in zip(*np.unique(word_labels, return_counts=True), strict=True):
        attribution = labels[label] if label >= 0 else UNDECIDED
        by_source[attribution.source] += int(count)
        by_rule.setdefault(attribution.source, Counter())[attribution.rule] += int(count)
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


def _pair_report(
    pair: AlignedPair,
    text: str,
    ids: Sequence[str],
    coverage: Mapping[int, _Coverage],
    word_counts: Sequence[int],
) -> PairReport:
    passages = tuple(
        PassageReport(
            a_start=p.a_chars[0],
            a_end=p.a_chars[1],
            b_start=p.b_chars[0],
            b_end=p.b_chars[1],
            quote=p.quote,
            original_source=attribution.source,
            text=text[p.a_chars[0] : p.a_chars[1]],
        )
        for p, attribution in zip(pair.passages, pair.attributions, strict=True)
    )
    return PairReport(
        a=ids[pair.a],
        b=ids[pair.b],
        percent_a=_partner_percent(coverage, pair.a, pair.b, word_counts),
        percent_b=_partner_percent(coverage, pair.b, pair.a, word_counts),
        passages=passages,
    )


def _partner_percent(
    coverage: Mapping[int, _Coverage], doc: int, partner: int, word_counts: Sequence[int]
) -> float:
    mask = coverage[doc].partner_words(partner)
    return percent(int(mask.sum()), word_counts[doc]) if mask is not None else 0.0


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
