"""The report: story families, per-document figures, boilerplate and (on request) pairs, as
plain data.

Built from what the stages found (documents, aligned passages, families); rendered by
`dedupe.render`. Its `to_dict` form is the JSON contract documented in the README
(`REPORT_VERSION`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from dedupe import coverage_kernels as kernels
from dedupe.attribution import (
    RULE_ORDER,
    UNDECIDED,
    Attribution,
    names_source,
    wire_named,
    wire_of_outlet,
)
from dedupe.coverage_kernels import (
    E_DOC,
    E_END,
    E_FAMILY,
    E_KIND,
    E_LABEL,
    E_PARTNER,
    E_RANK,
    E_START,
    ENTRY_COLUMNS,
    T_BOILERPLATE,
    T_COPIED,
    T_QUOTED,
    T_SHARED,
)
from dedupe.documents import Document
from dedupe.families import OUTLET_SHARE, Families
from dedupe.family_kernels import (
    SIDE_DOC,
    SIDE_END,
    SIDE_FIRST,
    SIDE_GROUP,
    SIDE_LAST,
    SIDE_PARTNER,
    SIDE_ROW,
    SIDE_START,
)
from dedupe.index import PAIRWISE_MAX, lexsort
from dedupe.jit import compiled as jitted
from dedupe.kinds import BOILERPLATE, QUOTED
from dedupe.parallel import from_fields, map_ordered, pickled_by_fields
from dedupe.passages import (
    A_END,
    A_FIRST,
    A_LAST,
    A_START,
    B_END,
    B_FIRST,
    B_LAST,
    B_START,
    QUOTE,
    AlignedPassages,
)
from dedupe.similarity import (
    R_A_GRAMS,
    R_B_GRAMS,
    R_SHARED,
    REWRITE_COLUMNS,
    similarity,
)
from dedupe.store import document_ids, document_metadata, document_outlets, document_texts

REPORT_VERSION = 2
"""The version of the JSON contract: 2 has families, copied and shared figures, boilerplate,
and pairs only on request (1 had reused_percent and every pair)."""

MAX_MATCHES = 20
"""A document lists its strongest matches up to this many, and counts the rest."""

MAX_BOILERPLATE_TEXTS = 10
"""An outlet's boilerplate lists its most carried texts up to this many, and counts the rest."""

# Lower rank wins when several attributions cover the same word: the order of precedence.
_RULE_RANK = {rule: rank for rank, rule in enumerate(RULE_ORDER)}


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
    """One document's figures: how much of it is copied, shared and quoted, from where.

    Percentages are of the document's words outside boilerplate.
    """

    id: str
    source: str | None
    published: str | None
    words: int
    boilerplate_words: int
    copied_percent: float
    shared_percent: float
    quoted_percent: float
    matches: tuple[Match, ...]
    more_matches: int
    families: tuple[str, ...]
    original_source: str | None
    attribution_rule: str | None
    credited: bool | None


class _Draft(NamedTuple):
    """A document's report as a report worker makes it, before its families are named: the
    fields of `DocumentReport`, in order, its matches as plain (id, percent, shared words)
    tuples. Tuples cross from the worker for a fraction of the cost of frozen dataclasses
    (a Match pickled is a Python call, a tuple of strings and numbers none), which are made
    once, in the parent."""

    id: str
    source: str | None
    published: str | None
    words: int
    boilerplate_words: int
    copied_percent: float
    shared_percent: float
    quoted_percent: float
    matches: tuple[tuple[str, float, int], ...]
    more_matches: int
    families: tuple[str, ...]
    original_source: str | None
    attribution_rule: str | None
    credited: bool | None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class FamilyMember:
    """A document carrying a family's text: the share of its words carried from the family,
    and whether it names the family's original source."""

    id: str
    percent: float
    credited: bool | None


@dataclass(frozen=True, slots=True)
class FamilyReport:
    """A story family: one text, its original, and every document that carries it.

    `original` is the original article's id (None when it is not in the corpus, e.g. a
    credited wire story); `words` the words of the family's text in its original (or in its
    fullest carrier); `text` that text, only in reports made with pairs.
    """

    id: str
    original: str | None
    original_source: str | None
    rule: str | None
    words: int
    members: tuple[FamilyMember, ...]
    text: str | None = None


@dataclass(frozen=True, slots=True)
class BoilerplateText:
    """One text repeated across articles: how many carry it, its words, the text itself."""

    text: str
    articles: int
    words: int


@dataclass(frozen=True, slots=True)
class BoilerplateReport:
    """The boilerplate of one outlet (None: standard lines several outlets carry): how many
    of its articles carry some, and its texts, the most carried first (the first
    MAX_BOILERPLATE_TEXTS; `more_texts` counts the rest)."""

    source: str | None
    articles: int
    texts: tuple[BoilerplateText, ...]
    more_texts: int = 0


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PassageReport:
    """A shared passage: character spans in a and b (end exclusive), whether it is a
    quotation, its family and original source, a's text of it, and the rule that decided
    its source (not in the JSON contract: the long-form tables show it)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    quote: bool
    original_source: str | None
    family: str | None
    text: str
    rule: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PairReport:
    """Two documents that were aligned and share text: each one's share found in the other."""

    a: str
    b: str
    percent_a: float
    percent_b: float
    passages: tuple[PassageReport, ...]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RewriteReport:
    """Two documents that share no passage but whose words are a rewrite of one another: the
    share of each one's 3-word n-grams found in the other (`percent_a`, `percent_b`,
    quotations left out) and their geometric mean, `similarity` (`dedupe.similarity`). A
    similarity figure, never copied words: in no passage, family or percentage of copied or
    shared words."""

    a: str
    b: str
    similarity: float
    percent_a: float
    percent_b: float


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a scan: documents (sorted by id), families (largest first),
    boilerplate, pairs (sorted by a, b; only when asked for), parameters and rewrites
    (sorted by a, b).

    `texts` holds, by id, the texts of the documents that share text with another or are
    in a rewrite (None: the report was made without `texts=True`); the HTML report shows
    them side by side. It is not part of the JSON contract.
    """

    documents: tuple[DocumentReport, ...]
    families: tuple[FamilyReport, ...] = ()
    boilerplate: tuple[BoilerplateReport, ...] = ()
    pairs: tuple[PairReport, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    texts: Mapping[str, str] | None = None
    rewrites: tuple[RewriteReport, ...] = ()
    # Lookups by id, made on first use (a lookup is then a dict's, not a walk of the report).
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the documented contract)."""
        data: dict[str, Any] = {
            "version": REPORT_VERSION,
            "documents": [document_dict(d) for d in self.documents],
            "families": [family_dict(f) for f in self.families],
            "boilerplate": [boilerplate_dict(b) for b in self.boilerplate],
            "rewrites": [rewrite_dict(r) for r in self.rewrites],
        }
        if self.parameters.get("pairs"):
            data["pairs"] = [pair_dict(p) for p in self.pairs]
        data["parameters"] = dict(self.parameters)
        return data

    def document(self, id: str) -> DocumentReport:
        """Return the entry of the document `id` (KeyError when there is none)."""
        return self._documents_by_id()[id]

    def families_of(self, id: str) -> tuple[FamilyReport, ...]:
        """Return the families the document `id` belongs to, largest share first."""
        by_id = self._lookup("families", lambda: {f.id: f for f in self.families})
        return tuple(by_id[family] for family in self.document(id).families)

    def family_of(self, id: str) -> FamilyReport | None:
        """Return the largest family (the first listed) the document `id` belongs to, or None
        when it belongs to none (KeyError when there is no such document)."""
        self.document(id)  # KeyError when there is no such document
        largest: dict[str, FamilyReport] = self._lookup("largest", self._largest_families)
        return largest.get(id)

    def largest_families(self) -> list[FamilyReport | None]:
        """Return each document's largest family (None when it is in none), in the order of
        `documents`: `family_of` of each, in one pass."""
        largest: dict[str, FamilyReport] = self._lookup("largest", self._largest_families)
        return [largest.get(doc.id) for doc in self.documents]

    def _largest_families(self) -> dict[str, FamilyReport]:
        """Return the largest family of each document in a family, by document id."""
        # Families are listed largest first: the one listed first is the largest.
        rank = {f.id: k for k, f in enumerate(self.families)}
        return {
            doc.id: self.families[min(rank[name] for name in doc.families)]
            for doc in self.documents
            if doc.families
        }

    def pairs_of(self, id: str) -> tuple[PairReport, ...]:
        """Return the listed pairs the document `id` is in (a report made with pairs)."""
        return tuple(self._lookup("pairs", lambda: _by_document(self.pairs)).get(id, ()))

    def rewrites_of(self, id: str) -> tuple[RewriteReport, ...]:
        """Return the rewrites the document `id` is in, in (a, b) order."""
        return tuple(self._lookup("rewrites", lambda: _by_document(self.rewrites)).get(id, ()))

    def to_dataframes(self) -> dict[str, Any]:
        """Return the report as pandas DataFrames, one per long-form table of
        `dedupe.tables` (documents, families, members, copies, outlets, boilerplate, pairs,
        passages; the last two empty unless the report lists pairs).

        pandas is an optional extra (`pip install 'dedupe-news[pandas]'`): ImportError
        saying so when it is missing.
        """
        from dedupe.tables import dataframes

        return dataframes(self)

    def _documents_by_id(self) -> dict[str, DocumentReport]:
        found: dict[str, DocumentReport] = self._lookup(
            "documents", lambda: {doc.id: doc for doc in self.documents}
        )
        return found

    def _lookup(self, name: str, make: Callable[[], Any]) -> Any:
        """Return the lookup `name`, made by `make` on first use."""
        found = self._index.get(name)
        if found is None:
            found = self._index[name] = make()
        return found


def _by_document(
    items: Sequence[PairReport] | Sequence[RewriteReport],
) -> dict[str, list[Any]]:
    """Return the pairs (or rewrites) by document: each under its a and its b."""
    index: dict[str, list[Any]] = {}
    for item in items:
        index.setdefault(item.a, []).append(item)
        if item.b != item.a:
            index.setdefault(item.b, []).append(item)
    return index


# The report's objects are made by the hundred thousand: without their __init__.
_match = from_fields(Match)
_document = from_fields(DocumentReport)
_member = from_fields(FamilyMember)


# Up to this whole, the integer rounding of `percent` is the float's (1 / (2 * whole) is 40
# times the float's error).
_EXACT_WHOLES = 1 << 32


def percent(part: int, whole: int) -> float:
    """Return part/whole as a percentage rounded to 2 decimals (0 for an empty whole):
    `round(100.0 * part / whole, 2)`."""
    if 0 <= part <= whole < _EXACT_WHOLES and whole:
        # In integers, twice as fast as `round` (called for every figure of every report):
        # the nearest hundredth of the exact ratio. Away from a tie, the float `round` reads
        # lies within 3e-12 hundredths of the ratio, far closer than the 1 / (2 * whole)
        # hundredths that part it from the tie, so it rounds the same way; at a tie, it
        # decides.
        hundredths, rest = divmod(20000 * part + whole, 2 * whole)
        if rest:
            return hundredths / 100
    return round(100.0 * part / whole, 2) if whole else 0.0


def _rank(attribution: Attribution) -> int:
    if attribution.rule is None:
        return 50
    return _RULE_RANK.get(attribution.rule.removeprefix("transitive-"), 40) * 2 + (
        attribution.rule.startswith("transitive-")
    )


# --- building -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shares:
    """What each document shares with each partner, as `dedupe filter` weighs it.

    `rows` are (doc, partner, words), sorted by doc: the doc's words found in the partner,
    quotations counted, boilerplate left out. `boilerplate` rows are (doc, start, end), the
    word spans of each document's boilerplate, sorted by doc; `bases` each document's words
    outside boilerplate. Documents are positions in the scan's order (sorted by id).
    """

    rows: np.ndarray
    boilerplate: np.ndarray
    bases: np.ndarray


def build_report_and_shares(
    documents: Sequence[Document],
    word_counts: Sequence[int] | np.ndarray,
    aligned: AlignedPassages,
    families: Families,
    parameters: Mapping[str, Any],
    min_percent: float = 0.0,
    *,
    rewrites: np.ndarray | None = None,
    pairs: bool = False,
    texts: bool = False,
    jobs: int = 1,
    compiled: bool = False,
    pairwise_max: int = PAIRWISE_MAX,
) -> tuple[Report, Shares]:
    """Return the report of `documents` from the aligned passages and their families, and
    what each document shares with each partner (`Shares`).

    `word_counts` gives every document's word count; `rewrites` the rows of the rewritten
    pairs (`dedupe.similarity.rewrite_rows`, a and b documents). Documents are reported in
    chunks, on up to `jobs` processes (compiled coverage with `compiled`: the same figures).
    With `pairs`, every aligned pair that shares text is listed with its passages; with
    `texts`, the report keeps the texts of the documents that share text with another or are
    in a rewrite. Families of more than `pairwise_max` members were aligned as stars (see
    `dedupe.index.candidate_pairs`): each member counts those it was not aligned with among
    its further matches.
    """
    entries, inside = _entries(aligned, families, len(documents))
    counts = np.asarray(word_counts, dtype=np.int64)
    ids = document_ids(documents)
    sources, published = document_metadata(documents)
    context = _Context(
        documents,
        counts,
        entries,
        inside,
        np.searchsorted(inside[:, 0], np.arange(len(documents) + 1)),
        families,
        ids,
        sources,
        published,
        document_outlets(documents),
        min_percent,
        compiled,
    )
    chunks = [
        (lo, min(lo + _REPORT_CHUNK, len(documents)))
        for lo in range(0, len(documents), _REPORT_CHUNK)
    ]
    parts: list[_ReportPart] = []
    matches: list[tuple[Match, ...]] = []
    for part in map_ordered(_report_chunk, context, chunks, jobs):
        parts.append(part)
        # Made as each part arrives, while the workers report the next ones.
        matches.extend(tuple(_match(*m) for m in d.matches) for d in part.documents)
    member_rows = np.concatenate([np.empty((0, 4), np.int64), *(p.members for p in parts)])
    bases = np.array(
        [d.words - d.boilerplate_words for part in parts for d in part.documents], dtype=np.int64
    )
    family_reports, family_ids = _family_reports(context, member_rows, bases, with_text=pairs)
    unaligned = _unaligned_members(member_rows, parts, pairwise_max)
    named = _family_names(member_rows, family_ids, len(documents))
    documents_out = [
        _with_families(doc, matches[index], named[index], unaligned.get(index, 0))
        for index, doc in enumerate(d for part in parts for d in part.documents)
    ]
    pair_reports: list[PairReport] = []
    if pairs:
        percents = {
            (doc, partner): percent(n, int(bases[doc]))
            for part in parts
            for doc, partner, n, _ in part.partners.tolist()
        }
        pair_reports = _pair_reports(context, aligned, percents, family_ids)
    rewrite_reports = _rewrite_reports(
        ids,
        rewrites if rewrites is not None else np.empty((0, REWRITE_COLUMNS), np.int64),
        min_percent,
    )
    report = Report(
        documents=tuple(sorted(documents_out, key=lambda d: d.id)),
        families=tuple(family_reports),
        boilerplate=tuple(_boilerplate_reports(context)),
        pairs=tuple(pair_reports),
        parameters={**parameters, "pairs": pairs},
        texts=(
            _shared_texts(documents, documents_out, [*pair_reports, *rewrite_reports])
            if texts
            else None
        ),
        rewrites=tuple(rewrite_reports),
    )
    return report, _shares(parts, families, bases)


def _shares(parts: Sequence[_ReportPart], families: Families, bases: np.ndarray) -> Shares:
    """Return the shares of the report's parts (rows by document: parts are in order)."""
    rows = np.concatenate([np.empty((0, 4), np.int64), *(p.partners for p in parts)])
    sides = families.pieces.sides
    boilerplate = np.flatnonzero(families.side_kind == BOILERPLATE)
    spans = sides[boilerplate[:, None], [SIDE_DOC, SIDE_START, SIDE_END]]
    return Shares(
        rows=np.ascontiguousarray(rows[:, [0, 1, 3]]),
        boilerplate=np.ascontiguousarray(spans[lexsort((spans[:, 0],))]),
        bases=bases,
    )


def _shared_texts(
    documents: Sequence[Document],
    reports: Sequence[DocumentReport],
    pairs: Sequence[PairReport | RewriteReport],
) -> dict[str, str]:
    """Return the texts, by id, of the documents (`reports` in document order) that share
    text with another or are in a listed pair or a rewrite."""
    in_pairs = {id for pair in pairs for id in (pair.a, pair.b)}
    return {
        doc.id: documents[index].text
        for index, doc in enumerate(reports)
        if doc.shared_percent > 0 or doc.matches or doc.families or doc.id in in_pairs
    }


_REPORT_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class _Entries:
    """The coverage entries, by document, before they are made: the rows of the quotation
    passages (a, b, a_start, a_end, b_start, b_end; the pieces are the families'), each
    entry's position among the piece sides, then the quotations' a sides, then their b sides
    (`order`, by document, ties in that order), and each document's first position in
    `order` (`bounds`). Each report chunk makes the rows of its own documents (`_entry_rows`):
    the whole table, by document, would be one large gather in one process."""

    quotes: np.ndarray
    order: np.ndarray
    bounds: np.ndarray


def _entries(
    aligned: AlignedPassages, families: Families, documents: int
) -> tuple[_Entries, np.ndarray]:
    """Return the coverage entries of the piece sides and the quotation sides of `documents`
    documents, ordered by document but not yet made (`_Entries`), and the quotations inside
    shared passages (doc, start, end), by document."""
    sides = families.pieces.sides
    rows = aligned.rows
    quote_rows = np.flatnonzero(rows[:, QUOTE] == 1)
    pair_sides = aligned.pairs[aligned.pair_of_rows()[quote_rows]]
    quotes = np.column_stack(
        (pair_sides, rows[quote_rows[:, None], [A_START, A_END, B_START, B_END]])
    ).reshape(-1, 6)
    owner = np.concatenate((sides[:, SIDE_DOC], quotes[:, 0], quotes[:, 1]))
    order = lexsort((owner,))
    bounds = np.searchsorted(owner[order], np.arange(documents + 1))
    quoted = aligned.quoted
    owners = aligned.pairs[aligned.pair_of_rows()[quoted[:, 0]], quoted[:, 1]]
    inside = np.column_stack((owners, quoted[:, 2], quoted[:, 3])).reshape(-1, 3)
    return _Entries(quotes, order, bounds), inside[lexsort((inside[:, 0],))]


def _entry_rows(entries: _Entries, families: Families, lo: int, hi: int) -> np.ndarray:
    """Return the coverage entries (see the E_ columns) of documents [lo, hi), by document."""
    positions = entries.order[entries.bounds[lo] : entries.bounds[hi]]
    sides = families.pieces.sides
    out = np.empty((len(positions), ENTRY_COLUMNS), dtype=np.int64)
    piece = positions < len(sides)
    chosen = sides[positions[piece]]
    label = families.side_label[positions[piece]]
    ranks = np.array([_rank(a) for a in families.labels], dtype=np.int64)
    out[piece, E_DOC] = chosen[:, SIDE_DOC]
    out[piece, E_PARTNER] = chosen[:, SIDE_PARTNER]
    out[piece, E_START] = chosen[:, SIDE_START]
    out[piece, E_END] = chosen[:, SIDE_END]
    out[piece, E_KIND] = families.side_kind[positions[piece]]
    out[piece, E_FAMILY] = families.group_family[chosen[:, SIDE_GROUP]]
    out[piece, E_LABEL] = label
    out[piece, E_RANK] = ranks[label] if len(ranks) else label
    count = len(entries.quotes)
    for side, (doc, partner, start, end) in enumerate(((0, 1, 2, 3), (1, 0, 4, 5))):
        offset = len(sides) + side * count
        mine = (positions >= offset) & (positions < offset + count)
        quote = entries.quotes[positions[mine] - offset]
        out[mine, E_DOC], out[mine, E_PARTNER] = quote[:, doc], quote[:, partner]
        out[mine, E_START], out[mine, E_END] = quote[:, start], quote[:, end]
        out[mine, E_KIND] = QUOTED
        out[mine, E_FAMILY] = -1
        out[mine, E_LABEL] = 0
        out[mine, E_RANK] = 0
    return out


@dataclass(frozen=True, slots=True)
class _Context:
    """What every chunk of the report needs (inherited by forked workers, not pickled)."""

    documents: Sequence[Document]
    word_counts: np.ndarray
    entries: _Entries
    inside: np.ndarray
    inside_bounds: np.ndarray
    families: Families
    ids: Sequence[str]
    sources: Sequence[str | None]
    published: Sequence[str | None]
    outlets: set[str]
    min_percent: float
    compiled: bool


@dataclass(frozen=True, slots=True)
class _ReportPart:
    """One chunk's document reports (families not yet named), the words its documents share
    with each partner as rows (doc, partner, words, with quotations), and its family member
    rows (doc, family, words, credited: -1 none, 0 no, 1 yes), by document."""

    documents: list[_Draft]
    partners: np.ndarray
    members: np.ndarray


def prepare() -> None:
    """Compile the report's coverage kernel, or load it from numba's cache (once)."""
    entries = np.empty((0, ENTRY_COLUMNS), dtype=np.int64)
    jitted(kernels.coverage)(entries, np.empty((0, 3), np.int64), np.zeros(1, np.int64), 0)


def _report_chunk(context: _Context, chunk: tuple[int, int]) -> _ReportPart:
    """Return the report part of documents [lo, hi)."""
    lo, hi = chunk
    entries = _entry_rows(context.entries, context.families, lo, hi)
    inside = context.inside[context.inside_bounds[lo] : context.inside_bounds[hi]]
    words = context.word_counts[lo:hi]
    count = jitted(kernels.coverage) if context.compiled else kernels.coverage
    totals, partners, labels, family_rows = count(
        np.ascontiguousarray(entries), np.ascontiguousarray(inside), words, lo
    )
    bases = words - totals[:, T_BOILERPLATE]
    strongest, ranked = _strongest_partners(partners, bases, lo, hi, context.min_percent)
    label_rows = _rows_by_doc(labels, lo, hi)
    family_of_doc = _rows_by_doc(family_rows, lo, hi)
    families = context.families
    sources = [a.source for a in families.labels]
    documents: list[_Draft] = []
    members: list[tuple[int, int, int, int]] = []
    for index in range(lo, hi):
        local = index - lo
        base = int(bases[local])
        shown = [(context.ids[p], percent(n, base), n) for p, n in strongest[local]]
        attribution = _majority(label_rows[local][:, 1:].tolist(), families.labels)
        rows = family_of_doc[local]
        # Whether the document names a source, asked once a source; its text read only
        # when there is a source to name.
        credited, text = _credited(context, index, attribution.source, None)
        more = int(ranked[local]) - len(shown)
        documents.append(
            _document_report(
                context, index, credited, totals[local], base, shown, more, attribution
            )
        )
        named = {attribution.source: credited}
        for _, family, family_words in rows.tolist():
            source = sources[families.family_label[family]]
            if source not in named:
                named[source], text = _credited(context, index, source, text)
            credited = named[source]
            members.append((index, family, family_words, -1 if credited is None else credited))
    return _ReportPart(
        documents,
        partners,
        np.array(members, dtype=np.int64).reshape(-1, 4),
    )


def _rows_by_doc(rows: np.ndarray, lo: int, hi: int) -> list[np.ndarray]:
    """Return the rows (sorted by their first column, a document) of each document."""
    bounds = np.searchsorted(rows[:, 0], np.arange(lo, hi + 1))
    return [rows[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def _strongest_partners(
    partners: np.ndarray, bases: np.ndarray, lo: int, hi: int, min_percent: float
) -> tuple[list[list[list[int]]], np.ndarray]:
    """Return, for each document of [lo, hi), its strongest partners as (partner, words),
    at most MAX_MATCHES, and how many partners it has in all, from the partner rows (doc,
    partner, words, ...) of the chunk. Only partners sharing words count, and with
    `min_percent` only those sharing that share of the document's `bases` words (as
    `percent` rounds it). Strongest first; ties in document (id) order."""
    rows = partners[partners[:, 2] > 0]
    if min_percent and len(rows):
        rows = rows[_reaching(rows[:, 2], bases[rows[:, 0] - lo], min_percent)]
    rows = rows[lexsort((rows[:, 1], -rows[:, 2], rows[:, 0]))]
    bounds = np.searchsorted(rows[:, 0], np.arange(lo, hi + 1))
    first = bounds[:-1]
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(bounds))
    shown = rows[rank < MAX_MATCHES]
    shown_bounds = np.searchsorted(shown[:, 0], np.arange(lo, hi + 1)).tolist()
    pairs = shown[:, 1:3].tolist()
    return [pairs[a:b] for a, b in itertools.pairwise(shown_bounds)], np.diff(bounds)


def _reaching(part: np.ndarray, whole: np.ndarray, min_percent: float) -> np.ndarray:
    """Return where `percent(part, whole)` reaches `min_percent`: decided in numpy but
    within a hundredth of it, where the rounding can tip it (`percent` decides those)."""
    value = np.where(whole > 0, 100.0 * part / np.maximum(whole, 1), 0.0)
    reaching = value >= min_percent
    close = np.flatnonzero(np.abs(value - min_percent) <= 0.01)
    pairs = zip(part[close].tolist(), whole[close].tolist(), strict=True)
    reaching[close] = [percent(p, w) >= min_percent for p, w in pairs]
    return reaching


def _document_report(
    context: _Context,
    index: int,
    credited: bool | None,
    totals: np.ndarray,
    base: int,
    shown: list[tuple[str, float, int]],
    more: int,
    attribution: Attribution,
) -> _Draft:
    """Return one document's report (its strongest matches `shown`, `more` not shown, and
    whether it names its original source, `credited`), its families not yet named."""
    ids = context.ids
    return _Draft(
        id=ids[index],
        source=context.sources[index],
        published=context.published[index],
        words=int(context.word_counts[index]),
        boilerplate_words=int(totals[T_BOILERPLATE]),
        copied_percent=percent(int(totals[T_COPIED]), base),
        shared_percent=percent(int(totals[T_SHARED]), base),
        quoted_percent=percent(int(totals[T_QUOTED]), base),
        matches=tuple(shown),
        more_matches=more,
        families=(),
        original_source=attribution.source,
        attribution_rule=attribution.rule,
        credited=credited,
    )


def _family_names(
    members: np.ndarray, family_ids: Sequence[str], documents: int
) -> list[tuple[str, ...]]:
    """Return each document's families, by id, largest share first (ties: the larger family,
    which has the lower id number), from the member rows (doc, family, words, ...)."""
    numbers = np.array([int(name[1:]) if name else 0 for name in family_ids], dtype=np.int64)
    rows = members[lexsort((numbers[members[:, 1]], -members[:, 2], members[:, 0]))]
    names = [family_ids[family] for family in rows[:, 1].tolist()]
    bounds = np.searchsorted(rows[:, 0], np.arange(documents + 1)).tolist()
    return [tuple(names[a:b]) for a, b in itertools.pairwise(bounds)]


def _with_families(
    doc: _Draft, matches: tuple[Match, ...], families: tuple[str, ...], unaligned: int
) -> DocumentReport:
    """Return the document's report with its `matches` (made of its draft's), naming its
    `families`, and counting among its further matches the `unaligned` members of its
    families."""
    return _document(*doc[:8], matches, doc.more_matches + unaligned, families, *doc[11:])


def _unaligned_members(
    members: np.ndarray, parts: Sequence[_ReportPart], pairwise_max: int = PAIRWISE_MAX
) -> dict[int, int]:
    """Return, for each document of a family too large to be aligned pairwise (more than
    `pairwise_max` members), how many of its fellow members it was not aligned with (they
    share the family's text with it too)."""
    sizes = np.bincount(members[:, 1]) if len(members) else np.empty(0, dtype=np.int64)
    large = set(np.flatnonzero(sizes > pairwise_max).tolist())
    if not large:
        return {}
    family_members: dict[int, set[int]] = {family: set() for family in large}
    for doc, family in members[:, :2].tolist():
        if family in large:
            family_members[family].add(doc)
    partners: dict[int, set[int]] = {}
    for part in parts:
        for doc, partner, words, _ in part.partners.tolist():
            if words:
                partners.setdefault(doc, set()).add(partner)
    unaligned: dict[int, int] = {}
    for doc, family in members[:, :2].tolist():
        if family in large:
            fellows = family_members[family]
            aligned = sum(1 for p in partners.get(doc, ()) if p in fellows)
            unaligned[doc] = unaligned.get(doc, 0) + len(fellows) - 1 - aligned
    return unaligned


def _majority(by_label: Sequence[Sequence[int]], labels: Sequence[Attribution]) -> Attribution:
    """Return the attribution of most copied words, collapsing rules per source; None on a
    tie. `by_label` holds (label, words) rows in label order."""
    if not by_label:
        return UNDECIDED
    if len(by_label) == 1:
        only = labels[by_label[0][0]] if by_label[0][0] >= 0 else UNDECIDED
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


@functools.lru_cache(maxsize=4096)
def _wire_of(source: str | None) -> str | None:
    return wire_of_outlet(source)


def _credited(
    context: _Context, index: int, original: str | None, text: str | None
) -> tuple[bool | None, str | None]:
    """Return whether document `index` names `original` (None when there is nothing to
    name), and its text: `text` when given, else read here if it had to be.

    Nothing to name: no original, the document is the original or of its outlet, or the
    original is a document without an outlet (known only by its id, which no text would
    credit).
    """
    source = context.sources[index]
    if original is None or original in (source, _wire_of(source), context.ids[index]):
        return None, text
    if original not in context.outlets and wire_named(original) is None:
        return None, text
    if text is None:
        text = document_texts(context.documents, (index,))[0]
    return names_source(text, original), text


# --- families ------------------------------------------------------------------------------


def _family_reports(
    context: _Context, members: np.ndarray, bases: np.ndarray, *, with_text: bool
) -> tuple[list[FamilyReport], list[str]]:
    """Return the family reports, largest first, and each family's id by family number."""
    families = context.families
    count = len(families.family_original)
    # By family, each family's rows in document order, as they come.
    rows = members[lexsort((members[:, 1],))]
    bounds = np.searchsorted(rows[:, 1], np.arange(count + 1)).tolist()
    listed = rows[:, [0, 2, 3]].tolist()
    family_originals = families.family_original.tolist()
    drafts = []
    for family in range(count):
        carriers = listed[bounds[family] : bounds[family + 1]]
        if not carriers:
            continue
        original = family_originals[family]
        words_of = {doc: words for doc, words, _ in carriers}
        representative = (
            original
            if original in words_of
            else min(words_of, key=lambda doc: (-words_of[doc], doc))
        )
        drafts.append((family, carriers, original, representative, words_of[representative]))
    # Largest first; then by the representative's id (documents are in id order).
    drafts.sort(key=lambda d: (-len(d[1]), -d[4], d[3], d[0]))
    family_ids = [""] * count
    reports = []
    ids = context.ids
    base_of, label_of = bases.tolist(), families.family_label.tolist()
    spans = _family_spans(context, {d[0]: d[3] for d in drafts}) if with_text else {}
    for number, (family, carriers, original, representative, words) in enumerate(drafts, 1):
        name = f"f{number}"
        family_ids[family] = name
        attribution = families.labels[label_of[family]]
        ordered = sorted(carriers, key=lambda c: (c[0] != original, c[0]))
        member_reports = tuple(
            _member(
                ids[doc],
                percent(words_here, base_of[doc]),
                None if credited < 0 else bool(credited),
            )
            for doc, words_here, credited in ordered
        )
        reports.append(
            FamilyReport(
                id=name,
                original=ids[original] if original >= 0 else None,
                original_source=attribution.source,
                rule=attribution.rule,
                words=words,
                members=member_reports,
                text=_family_text(context, representative, spans[family]) if with_text else None,
            )
        )
    return reports, family_ids


def _family_spans(
    context: _Context, representatives: Mapping[int, int]
) -> dict[int, tuple[int, int]]:
    """Return, for each family, the first and last character of its text in its
    representative document (`representatives` by family)."""
    if not representatives:
        return {}
    families = context.families
    sides = families.pieces.sides
    family = families.group_family[sides[:, SIDE_GROUP]]
    representative = np.full(len(families.family_original), -1, dtype=np.int64)
    representative[list(representatives)] = list(representatives.values())
    mine = (family >= 0) & (sides[:, SIDE_DOC] == representative[np.maximum(family, 0)])
    first = np.full(len(representative), np.iinfo(np.int64).max, dtype=np.int64)
    last = np.zeros(len(representative), dtype=np.int64)
    np.minimum.at(first, family[mine], sides[mine, SIDE_FIRST])
    np.maximum.at(last, family[mine], sides[mine, SIDE_LAST])
    return {f: (int(first[f]), int(last[f])) for f in representatives}


def _family_text(context: _Context, doc: int, span: tuple[int, int]) -> str:
    """Return characters [first, last) of a document: a family's text in it."""
    return context.documents[doc].text[span[0] : span[1]]


# --- boilerplate ---------------------------------------------------------------------------


def _boilerplate_reports(context: _Context) -> list[BoilerplateReport]:
    """Return the boilerplate of each outlet, the outlet with most articles carrying it first
    (a text comes under the outlet of most of its carriers, or under none when no outlet has
    OUTLET_SHARE of them)."""
    families = context.families
    sides = families.pieces.sides
    chosen = sides[families.boilerplate[sides[:, SIDE_GROUP]]]
    if not len(chosen):
        return []
    sources = context.sources
    chosen = chosen[lexsort((chosen[:, SIDE_DOC], chosen[:, SIDE_GROUP]))]
    bounds = np.flatnonzero(np.diff(chosen[:, SIDE_GROUP], prepend=-1)).tolist()
    texts_of: dict[str | None, list[BoilerplateText]] = {}
    carriers_of: dict[str | None, set[int]] = {}
    for lo, hi in itertools.pairwise([*bounds, len(chosen)]):
        rows = chosen[lo:hi]
        docs = sorted(set(rows[:, SIDE_DOC].tolist()))
        (source, carried), *_ = Counter(sources[doc] for doc in docs).most_common(1)
        if carried < OUTLET_SHARE * len(docs):
            source = None
        mine = rows[rows[:, SIDE_DOC] == docs[0]]
        first, last = _longest_run(mine[:, SIDE_FIRST].tolist(), mine[:, SIDE_LAST].tolist())
        text = context.documents[docs[0]].text[first:last]
        texts_of.setdefault(source, []).append(BoilerplateText(text, len(docs), len(text.split())))
        carriers_of.setdefault(source, set()).update(docs)
    reports = []
    for source, texts in texts_of.items():
        texts.sort(key=lambda t: (-t.articles, t.text))
        reports.append(
            BoilerplateReport(
                source,
                len(carriers_of[source]),
                tuple(texts[:MAX_BOILERPLATE_TEXTS]),
                max(len(texts) - MAX_BOILERPLATE_TEXTS, 0),
            )
        )
    reports.sort(key=lambda b: (-b.articles, b.source is None, b.source or ""))
    return reports


def _longest_run(starts: list[int], ends: list[int]) -> tuple[int, int]:
    """Return the longest stretch covered by overlapping or touching spans."""
    best, current = (0, 0), (-1, -1)
    for start, end in sorted(zip(starts, ends, strict=True)):
        current = (current[0], max(current[1], end)) if start <= current[1] else (start, end)
        if current[1] - current[0] > best[1] - best[0]:
            best = current
    return best


# --- pairs ---------------------------------------------------------------------------------


def _pair_reports(
    context: _Context,
    aligned: AlignedPassages,
    percents: Mapping[tuple[int, int], float],
    family_ids: Sequence[str],
) -> list[PairReport]:
    """Return the aligned pairs that share text outside boilerplate, with their passages
    (each naming the family of most of its words)."""
    families = context.families
    sides = families.pieces.sides[0::2]  # a side of each piece
    kind = families.side_kind[0::2]
    story = kind != BOILERPLATE
    row_family = np.full(len(aligned.rows), -1, dtype=np.int64)
    row_label = np.zeros(len(aligned.rows), dtype=np.int64)
    if story.any():
        widths = sides[story, 3] - sides[story, 2]
        rows = sides[story, SIDE_ROW]
        groups = sides[story, SIDE_GROUP]
        # The widest piece of each row names its family (ties: the first).
        order = lexsort((-widths, rows))
        first = np.ones(len(order), dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        best = order[first]
        row_family[rows[best]] = families.group_family[groups[best]]
        row_label[rows[best]] = families.group_label[groups[best]]
    quote = aligned.rows[:, QUOTE] == 1
    kept = quote | (row_family >= 0)
    labels = families.labels
    ids = context.ids
    reports = []
    for position, (a, b) in enumerate(aligned.pairs.tolist()):
        lo, hi = int(aligned.bounds[position]), int(aligned.bounds[position + 1])
        rows = [r for r in range(lo, hi) if kept[r]]
        if not rows:
            continue
        text = context.documents[a].text
        passages = tuple(
            PassageReport(
                int(aligned.rows[r, A_FIRST]),
                int(aligned.rows[r, A_LAST]),
                int(aligned.rows[r, B_FIRST]),
                int(aligned.rows[r, B_LAST]),
                bool(quote[r]),
                None if quote[r] else labels[row_label[r]].source,
                None if quote[r] else family_ids[row_family[r]],
                text[aligned.rows[r, A_FIRST] : aligned.rows[r, A_LAST]],
                None if quote[r] else labels[row_label[r]].rule,
            )
            for r in rows
        )
        pair = PairReport(
            ids[a], ids[b], percents.get((a, b), 0.0), percents.get((b, a), 0.0), passages
        )
        if not context.min_percent or max(pair.percent_a, pair.percent_b) >= context.min_percent:
            reports.append(pair)
    reports.sort(key=lambda p: (p.a, p.b))
    return reports


# --- rewrites ------------------------------------------------------------------------------


def _rewrite_reports(
    ids: Sequence[str], rows: np.ndarray, min_percent: float
) -> list[RewriteReport]:
    """Return the rewrites of the rows (`dedupe.similarity.rewrite_rows`, sorted by pair)
    whose similarity reaches `min_percent`."""
    figures = similarity(rows[:, R_SHARED], rows[:, R_A_GRAMS], rows[:, R_B_GRAMS]).tolist()
    reports = [
        RewriteReport(
            ids[a],
            ids[b],
            round(figure, 2),
            percent(shared, a_grams),
            percent(shared, b_grams),
        )
        for (a, b, shared, a_grams, b_grams), figure in zip(rows.tolist(), figures, strict=True)
    ]
    return [r for r in reports if r.similarity >= min_percent]


# --- ids in natural order ------------------------------------------------------------------

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key that orders digit runs by value ("a2" before "a10")."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part
    )


# --- the JSON contract ---------------------------------------------------------------------


def document_dict(doc: DocumentReport) -> dict[str, Any]:
    """Return one document's entry of the JSON report."""
    return {
        "id": doc.id,
        "source": doc.source,
        "published": doc.published,
        "words": doc.words,
        "boilerplate_words": doc.boilerplate_words,
        "copied_percent": doc.copied_percent,
        "shared_percent": doc.shared_percent,
        "quoted_percent": doc.quoted_percent,
        "matches": [
            {"id": m.id, "percent": m.percent, "shared_words": m.shared_words} for m in doc.matches
        ],
        "more_matches": doc.more_matches,
        "families": list(doc.families),
        "original_source": doc.original_source,
        "attribution_rule": doc.attribution_rule,
        "credited": doc.credited,
    }


def family_dict(family: FamilyReport) -> dict[str, Any]:
    """Return one family's entry of the JSON report."""
    data: dict[str, Any] = {
        "id": family.id,
        "original": family.original,
        "original_source": family.original_source,
        "rule": family.rule,
        "words": family.words,
        "members": [
            {"id": m.id, "percent": m.percent, "credited": m.credited} for m in family.members
        ],
    }
    if family.text is not None:
        data["text"] = family.text
    return data


def boilerplate_dict(item: BoilerplateReport) -> dict[str, Any]:
    """Return one outlet's boilerplate entry of the JSON report."""
    return {
        "source": item.source,
        "articles": item.articles,
        "texts": [{"text": t.text, "articles": t.articles, "words": t.words} for t in item.texts],
        "more_texts": item.more_texts,
    }


def rewrite_dict(rewrite: RewriteReport) -> dict[str, Any]:
    """Return one rewrite's entry of the JSON report."""
    return {
        "a": rewrite.a,
        "b": rewrite.b,
        "similarity": rewrite.similarity,
        "percent_a": rewrite.percent_a,
        "percent_b": rewrite.percent_b,
    }


def pair_dict(pair: PairReport) -> dict[str, Any]:
    """Return one pair's entry of the JSON report (a passage of a family refers to the
    family's text instead of repeating it; quotations keep their text)."""
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
                "family": p.family,
                **({"text": p.text} if p.quote else {}),
            }
            for p in pair.passages
        ],
    }
