"""The report as long-form tables: one row per thing (a document, a family member, a copy, a
pair, a passage), one value per cell, for spreadsheets and pandas.

`--format pairs-csv` and `--format passages-csv` write two of them; `Report.to_dataframes`
gives them all as pandas DataFrames. Rows are in natural id order (`natural_key`: 1051
before 10500); values are kept as they are (None for missing, bools as bools): the CSV
renderer spells them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dedupe.report import DocumentReport, PairReport, Report, RewriteReport, natural_key
from dedupe.summary import copies, copy_matrix, outlet_summaries

Cell = str | int | float | bool | None
Pair = TypeVar("Pair", PairReport, RewriteReport)


@dataclass(frozen=True, slots=True)
class Table:
    """A long-form table: its name, column names and rows."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def documents_table(report: Report) -> Table:
    """Return one row per document: its outlet, date and figures."""
    return Table(
        "documents",
        (
            "id",
            "outlet",
            "published",
            "words",
            "boilerplate_words",
            "copied_percent",
            "shared_percent",
            "quoted_percent",
            "original_source",
            "attribution_rule",
            "credited",
            "matches",
        ),
        tuple(
            (
                d.id,
                d.source,
                d.published,
                d.words,
                d.boilerplate_words,
                d.copied_percent,
                d.shared_percent,
                d.quoted_percent,
                d.original_source,
                d.attribution_rule,
                d.credited,
                len(d.matches) + d.more_matches,
            )
            for d in _natural(report.documents)
        ),
    )


def matches_table(report: Report) -> Table:
    """Return one row per listed match of a document: the share of its words found in the
    other."""
    return Table(
        "matches",
        ("id", "match", "percent", "shared_words"),
        tuple(
            (d.id, m.id, m.percent, m.shared_words)
            for d in _natural(report.documents)
            for m in d.matches
        ),
    )


def families_table(report: Report) -> Table:
    """Return one row per family (largest first): its original, source, rule, words,
    carriers, and carriers crediting the source out of those with a source to name."""
    rows = []
    for f in report.families:
        decided = [m.credited for m in f.members if m.credited is not None]
        rows.append(
            (
                f.id,
                f.original,
                f.original_source,
                f.rule,
                f.words,
                len(f.members),
                sum(decided),
                len(decided),
            )
        )
    return Table(
        "families",
        (
            "family",
            "original",
            "original_source",
            "rule",
            "words",
            "carriers",
            "credited",
            "creditable",
        ),
        tuple(rows),
    )


def members_table(report: Report) -> Table:
    """Return one row per family member: the family, the article, its outlet and date, the
    share of its words carried from the family, whether it credits the family's source, and
    whether it is the family's original."""
    documents = {d.id: d for d in report.documents}
    rows = []
    for f in report.families:
        for m in sorted(f.members, key=lambda m: (m.id != f.original, natural_key(m.id))):
            doc = documents.get(m.id)
            rows.append(
                (
                    f.id,
                    m.id,
                    doc.source if doc else None,
                    doc.published if doc else None,
                    m.percent,
                    m.credited,
                    m.id == f.original,
                )
            )
    return Table(
        "members",
        ("family", "id", "outlet", "published", "percent", "credited", "original"),
        tuple(rows),
    )


def copies_table(report: Report) -> Table:
    """Return one row per copy (`dedupe.summary.copies`): an article carrying a family's
    text taken from elsewhere."""
    return Table(
        "copies",
        ("article", "outlet", "family", "source", "words", "credited"),
        tuple(
            (c.article, c.outlet, c.family, c.source, c.words, c.credited) for c in copies(report)
        ),
    )


def outlets_table(report: Report) -> Table:
    """Return one row per outlet (`dedupe.summary.outlet_summaries`): articles, copying
    articles, mean copied percentage, credited copies, and the source it copies most."""
    rows = []
    for s in outlet_summaries(report):
        top = s.sources[0] if s.sources else (None, 0)
        rows.append(
            (
                s.outlet,
                s.articles,
                s.copying,
                s.copied_percent,
                s.credited,
                s.creditable,
                top[0],
                top[1],
            )
        )
    return Table(
        "outlets",
        (
            "outlet",
            "articles",
            "copying",
            "mean_copied_percent",
            "credited",
            "creditable",
            "top_source",
            "top_source_articles",
        ),
        tuple(rows),
    )


def outlet_sources_table(report: Report) -> Table:
    """Return the outlet x source matrix in long form: one row per outlet and source it
    copies from, with its articles and words."""
    matrix = copy_matrix(report)
    return Table(
        "outlet_sources",
        ("outlet", "source", "articles", "words"),
        tuple(
            (outlet, source, matrix.articles[i][j], matrix.words[i][j])
            for i, outlet in enumerate(matrix.outlets)
            for j, source in enumerate(matrix.sources)
            if matrix.articles[i][j]
        ),
    )


def boilerplate_table(report: Report) -> Table:
    """Return one row per listed boilerplate text: its outlet, the text, how many articles
    carry it, its words."""
    return Table(
        "boilerplate",
        ("outlet", "text", "articles", "words"),
        tuple((b.source, t.text, t.articles, t.words) for b in report.boilerplate for t in b.texts),
    )


PAIR_COLUMNS = (
    "a",
    "b",
    "a_outlet",
    "b_outlet",
    "a_published",
    "b_published",
    "percent_a",
    "percent_b",
    "copied_passages",
    "quoted_passages",
    "copied_words",
    "quoted_words",
    "families",
)


def pairs_table(report: Report) -> Table:
    """Return one row per listed pair: both articles, their outlets and dates, the share of
    each one's words found in the other, its copied and quoted passages and their words (in
    a), and its families (joined by `;`)."""
    documents = {d.id: d for d in report.documents}
    rows = []
    for p in _natural_pairs(report.pairs):
        a, b = documents.get(p.a), documents.get(p.b)
        copied = [x for x in p.passages if not x.quote]
        quoted = [x for x in p.passages if x.quote]
        families = sorted({x.family for x in copied if x.family}, key=natural_key)
        rows.append(
            (
                p.a,
                p.b,
                _outlet(a),
                _outlet(b),
                _published(a),
                _published(b),
                p.percent_a,
                p.percent_b,
                len(copied),
                len(quoted),
                sum(len(x.text.split()) for x in copied),
                sum(len(x.text.split()) for x in quoted),
                ";".join(families),
            )
        )
    return Table("pairs", PAIR_COLUMNS, tuple(rows))


PASSAGE_COLUMNS = (
    "a",
    "b",
    "a_outlet",
    "b_outlet",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "words",
    "quote",
    "family",
    "original_source",
    "rule",
)


def passages_table(report: Report) -> Table:
    """Return one row per passage of a listed pair: both articles and outlets, the character
    offsets in each (end exclusive), its words (in a), whether it is a quotation, its
    family, original source and the rule that decided it."""
    documents = {d.id: d for d in report.documents}
    rows = []
    for p in _natural_pairs(report.pairs):
        a, b = _outlet(documents.get(p.a)), _outlet(documents.get(p.b))
        for x in sorted(p.passages, key=lambda x: (x.a_start, x.a_end, x.b_start)):
            rows.append(
                (
                    p.a,
                    p.b,
                    a,
                    b,
                    x.a_start,
                    x.a_end,
                    x.b_start,
                    x.b_end,
                    len(x.text.split()),
                    x.quote,
                    x.family,
                    x.original_source,
                    x.rule,
                )
            )
    return Table("passages", PASSAGE_COLUMNS, tuple(rows))


REWRITE_COLUMNS = ("a", "b", "a_outlet", "b_outlet", "similarity", "percent_a", "percent_b")


def rewrites_table(report: Report) -> Table:
    """Return one row per rewrite: both articles and their outlets, the similarity and the
    share of each one's 3-word n-grams found in the other (`dedupe.similarity`)."""
    documents = {d.id: d for d in report.documents}
    return Table(
        "rewrites",
        REWRITE_COLUMNS,
        tuple(
            (
                r.a,
                r.b,
                _outlet(documents.get(r.a)),
                _outlet(documents.get(r.b)),
                r.similarity,
                r.percent_a,
                r.percent_b,
            )
            for r in _natural_pairs(report.rewrites)
        ),
    )


TABLES: dict[str, Callable[[Report], Table]] = {
    "documents": documents_table,
    "matches": matches_table,
    "families": families_table,
    "members": members_table,
    "copies": copies_table,
    "outlets": outlets_table,
    "outlet_sources": outlet_sources_table,
    "boilerplate": boilerplate_table,
    "pairs": pairs_table,
    "passages": passages_table,
    "rewrites": rewrites_table,
}


def dataframes(report: Report) -> dict[str, Any]:
    """Return every table of TABLES as a pandas DataFrame, by name (ImportError naming the
    extra to install when pandas is missing)."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "Report.to_dataframes needs pandas: pip install 'dedupe-news[pandas]'"
        ) from exc
    frames = {}
    for name, make in TABLES.items():
        table = make(report)
        frames[name] = pandas.DataFrame.from_records(list(table.rows), columns=list(table.columns))
    return frames


def _natural(documents: tuple[DocumentReport, ...]) -> list[DocumentReport]:
    return sorted(documents, key=lambda d: natural_key(d.id))


def _natural_pairs(pairs: tuple[Pair, ...]) -> list[Pair]:
    return sorted(pairs, key=lambda p: (natural_key(p.a), natural_key(p.b)))


def _outlet(doc: DocumentReport | None) -> str | None:
    return doc.source if doc else None


def _published(doc: DocumentReport | None) -> str | None:
    return doc.published if doc else None
