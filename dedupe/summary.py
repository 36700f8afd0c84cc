"""What a report says about the corpus as a whole: who copies whom.

A *copy* is one article carrying one family's text that it did not write: it is not the
family's original, and the family's original source is not its own outlet (nor that
outlet's wire). Text no rule attributes (original source None) is a copy for every carrier,
as it is in `copied_percent`. The outlet summaries, the outlet x source matrix and the
corpus summary are all counted from these copies, so the table, the HTML report and the
long-form tables agree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from dedupe.attribution import wire_of_outlet
from dedupe.report import DocumentReport, Report, natural_key


@dataclass(frozen=True, slots=True)
class Copy:
    """One article carrying one family's text taken from elsewhere: the article's outlet,
    the family's original source (None: undecided), the words of the article carried from
    the family, and whether the article names that source (None: nothing to name)."""

    article: str
    outlet: str | None
    family: str
    source: str | None
    words: int
    credited: bool | None


@dataclass(frozen=True, slots=True)
class OutletSummary:
    """One outlet (None: articles without one): its articles, how many copy text, their mean
    copied percentage, its copies credited out of those with a source to name, and the
    sources it copies from with the number of its articles copying each, most first."""

    outlet: str | None
    articles: int
    copying: int
    copied_percent: float
    credited: int
    creditable: int
    sources: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True, slots=True)
class CopyMatrix:
    """Who copies whom: `articles[i][j]` articles of `outlets[i]` carry text whose original
    source is `sources[j]` (`words[i][j]` words of them). Outlets and sources are ordered by
    their number of copies, most first."""

    outlets: tuple[str | None, ...]
    sources: tuple[str | None, ...]
    articles: tuple[tuple[int, ...], ...]
    words: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    """The corpus in figures: articles, outlets, first and last publication date, families,
    articles that copy text and the mean copied percentage of all articles, copies credited
    out of those with a source to name, boilerplate texts left out, pairs listed (None
    when the report was made without pairs) and pairs of articles that are rewrites."""

    articles: int
    outlets: int
    first_published: str | None
    last_published: str | None
    families: int
    copying: int
    copied_percent: float
    credited: int
    creditable: int
    boilerplate_texts: int
    pairs: int | None
    rewrites: int = 0


def copies(report: Report) -> tuple[Copy, ...]:
    """Return every copy in the report, by family (largest first) then article (natural
    order)."""
    documents = {doc.id: doc for doc in report.documents}
    found = []
    for family in report.families:
        for member in family.members:
            doc = documents.get(member.id)
            if doc is None or member.id == family.original or member.percent <= 0:
                continue
            if family.original_source is not None and _own(doc, family.original_source):
                continue
            found.append(
                Copy(
                    article=doc.id,
                    outlet=doc.source,
                    family=family.id,
                    source=family.original_source,
                    words=round(member.percent * (doc.words - doc.boilerplate_words) / 100),
                    credited=member.credited,
                )
            )
    order = {family.id: rank for rank, family in enumerate(report.families)}
    found.sort(key=lambda c: (order[c.family], natural_key(c.article)))
    return tuple(found)


def _own(doc: DocumentReport, source: str) -> bool:
    """Return whether `source` is the document's own outlet, or its outlet's wire."""
    return doc.source is not None and source in (doc.source, wire_of_outlet(doc.source))


def outlet_summaries(report: Report) -> tuple[OutletSummary, ...]:
    """Return one summary per outlet: those with most copying articles first, then the
    highest mean copied percentage, then most articles, then by name."""
    found = copies(report)
    articles: dict[str | None, list[DocumentReport]] = defaultdict(list)
    for doc in report.documents:
        articles[doc.source].append(doc)
    sources: dict[str | None, Counter[str | None]] = defaultdict(Counter)
    for outlet, source, article in {(c.outlet, c.source, c.article) for c in found}:
        del article  # counted once per article and source
        sources[outlet][source] += 1
    credits: dict[str | None, list[bool]] = defaultdict(list)
    for copy in found:
        if copy.credited is not None:
            credits[copy.outlet].append(copy.credited)
    summaries = []
    for outlet, docs in articles.items():
        summaries.append(
            OutletSummary(
                outlet=outlet,
                articles=len(docs),
                copying=sum(1 for doc in docs if doc.copied_percent > 0),
                copied_percent=round(sum(doc.copied_percent for doc in docs) / len(docs), 2),
                credited=sum(credits[outlet]),
                creditable=len(credits[outlet]),
                sources=tuple(
                    sorted(
                        sources[outlet].items(),
                        key=lambda item: (-item[1], item[0] is None, item[0] or ""),
                    )
                ),
            )
        )
    summaries.sort(
        key=lambda s: (
            -s.copying,
            -s.copied_percent,
            -s.articles,
            s.outlet is None,
            natural_key(s.outlet or ""),
        )
    )
    return tuple(summaries)


def copy_matrix(report: Report) -> CopyMatrix:
    """Return the outlet x source matrix of copies (articles and words per cell)."""
    found = copies(report)
    articles: dict[tuple[str | None, str | None], set[str]] = defaultdict(set)
    words: Counter[tuple[str | None, str | None]] = Counter()
    for copy in found:
        articles[copy.outlet, copy.source].add(copy.article)
        words[copy.outlet, copy.source] += copy.words
    by_outlet: Counter[str | None] = Counter()
    by_source: Counter[str | None] = Counter()
    for (outlet, source), carriers in articles.items():
        by_outlet[outlet] += len(carriers)
        by_source[source] += len(carriers)

    def ranked(counts: Counter[str | None]) -> tuple[str | None, ...]:
        return tuple(sorted(counts, key=lambda k: (-counts[k], k is None, natural_key(k or ""))))

    outlets, sources = ranked(by_outlet), ranked(by_source)
    return CopyMatrix(
        outlets=outlets,
        sources=sources,
        articles=tuple(tuple(len(articles.get((o, s), ())) for s in sources) for o in outlets),
        words=tuple(tuple(words[o, s] for s in sources) for o in outlets),
    )


def corpus_summary(report: Report) -> CorpusSummary:
    """Return the figures of the whole corpus."""
    documents = report.documents
    dates = sorted(doc.published for doc in documents if doc.published)
    decided = [c.credited for c in copies(report) if c.credited is not None]
    return CorpusSummary(
        articles=len(documents),
        outlets=len({doc.source for doc in documents if doc.source}),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        families=len(report.families),
        copying=sum(1 for doc in documents if doc.copied_percent > 0),
        copied_percent=(
            round(sum(doc.copied_percent for doc in documents) / len(documents), 2)
            if documents
            else 0.0
        ),
        credited=sum(decided),
        creditable=len(decided),
        boilerplate_texts=sum(len(b.texts) + b.more_texts for b in report.boilerplate),
        pairs=len(report.pairs) if report.parameters.get("pairs") else None,
        rewrites=len(report.rewrites),
    )


def summary_line(summary: CorpusSummary) -> str:
    """Return the corpus summary as one sentence, e.g. "9 articles from 9 outlets,
    2026-03-03 to 2026-03-04: 2 families; 4 articles copy text (22.6 % of an article's
    words on average); 1 of 4 copies credit their source."."""
    parts = [f"{_count(summary.articles, 'article')} from {_count(summary.outlets, 'outlet')}"]
    if summary.first_published and summary.last_published:
        first, last = summary.first_published[:10], summary.last_published[:10]
        parts[0] += f", {first}" if first == last else f", {first} to {last}"
    clauses = [
        _count(summary.families, "family", "families"),
        f"{_count(summary.copying, 'article')} copy text"
        f" ({summary.copied_percent:.1f} % of an article's words on average)",
    ]
    if summary.creditable:
        clauses.append(
            f"{summary.credited:,} of {_count(summary.creditable, 'copy', 'copies')}"
            " credit their source"
        )
    if summary.boilerplate_texts:
        clauses.append(f"{_count(summary.boilerplate_texts, 'boilerplate text')} left out")
    if summary.pairs is not None:
        clauses.append(f"{_count(summary.pairs, 'pair')} of articles share text")
    if summary.rewrites:
        verb = "is a rewrite" if summary.rewrites == 1 else "are rewrites"
        clauses.append(
            f"{_count(summary.rewrites, 'pair')} of articles {verb} (similar wording, no"
            " shared passage)"
        )
    return f"{parts[0]}: {'; '.join(clauses)}."


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else many or one + 's'}"
