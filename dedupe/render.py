"""Rendering a report as a terminal table, JSON, CSV (per document, per pair, per passage),
Markdown or a self-contained HTML page (`dedupe.html`).

Text from the input is made safe for where each format is shown (`dedupe.escape`): control
characters escaped in the table, formulas neutralised in CSV, Markdown punctuation escaped in
Markdown, HTML built from text nodes. JSON is exact. Booleans are spelled `true` and `false`
in every format. Writing the report out is `dedupe.output`'s.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from tabulate import tabulate

from dedupe.errors import OutputError
from dedupe.escape import csv_cell, markdown_cell, terminal_safe
from dedupe.html import render_html
from dedupe.output import write_atomic as write_atomic  # re-exported: it lived here
from dedupe.parallel import map_ordered
from dedupe.report import (
    REPORT_VERSION,
    BoilerplateReport,
    DocumentReport,
    FamilyReport,
    PairReport,
    Report,
    RewriteReport,
    boilerplate_dict,
    document_dict,
    family_dict,
    natural_key,
    pair_dict,
    rewrite_dict,
)
from dedupe.summary import OutletSummary, corpus_summary, outlet_summaries, summary_line
from dedupe.tables import Table, pairs_table, passages_table


@dataclass(frozen=True, slots=True)
class Layout:
    """How the tables of the `table` and `markdown` formats are laid out: only the `top`
    rows of each section, ranked (None: every row, ids in natural order), and at most `width`
    characters a line in the `table` format (None: as wide as its cells)."""

    top: int | None = None
    width: int | None = None


TRUE, FALSE = "true", "false"
"""The one spelling of booleans in every format (JSON's own)."""

FAMILY_COLUMNS = ("family", "original", "source", "rule", "carriers", "credited", "words")
OUTLET_COLUMNS = ("outlet", "articles", "copying", "mean copied %", "credited", "copies from")
DOCUMENT_COLUMNS = (
    "id", "outlet", "date", "words", "copied %", "shared %", "quoted %", "source", "credited",
    "top match",
)  # fmt: skip
BOILERPLATE_COLUMNS = ("outlet", "articles", "texts", "most carried", "articles with it")
PAIR_COLUMNS = ("a", "b", "% of a", "% of b", "passages", "quoted", "families")
REWRITE_COLUMNS = ("a", "b", "similarity %", "% of a", "% of b")
# Columns holding text from the input: escaped, never parsed as numbers ("007", "1e5"), and
# the ones shortened when a table must fit a width.
_TEXT_COLUMNS = frozenset(
    {"id", "outlet", "source", "top match", "rule", "a", "b", "family", "original",
     "most carried", "copies from", "families"}
)  # fmt: skip
# Columns aligned left: text, dates, booleans and credit counts; the rest are numbers.
_LEFT_COLUMNS = _TEXT_COLUMNS | {"date", "credited"}
_TEXT_WIDTH = 60
_NARROWEST = 6
_SOURCES_SHOWN = 3


def _natural_id(doc: DocumentReport) -> tuple[tuple[int, int | str], ...]:
    # Tables list ids as people read them: 1051 before 10500.
    return natural_key(doc.id)


def _credits(credited: int, creditable: int) -> str | None:
    return f"{credited}/{creditable}" if creditable else None


def _family_row(family: FamilyReport) -> list[Any]:
    decided = [m.credited for m in family.members if m.credited is not None]
    return [
        family.id,
        family.original,
        family.original_source,
        family.rule,
        len(family.members),
        _credits(sum(decided), len(decided)),
        family.words,
    ]


def _outlet_row(outlet: OutletSummary) -> list[Any]:
    shown = ", ".join(
        f"{source or '(undecided)'} {count}" for source, count in outlet.sources[:_SOURCES_SHOWN]
    )
    if len(outlet.sources) > _SOURCES_SHOWN:
        shown += f", +{len(outlet.sources) - _SOURCES_SHOWN} more"
    return [
        outlet.outlet or "(no outlet)",
        outlet.articles,
        outlet.copying,
        outlet.copied_percent,
        _credits(outlet.credited, outlet.creditable),
        shown or None,
    ]


def _document_row(doc: DocumentReport) -> list[Any]:
    top = doc.matches[0] if doc.matches else None
    return [
        doc.id,
        doc.source,
        doc.published[:10] if doc.published else None,
        doc.words,
        doc.copied_percent,
        doc.shared_percent,
        doc.quoted_percent,
        doc.original_source,
        doc.credited,
        top.id if top else None,
    ]


def _boilerplate_row(item: BoilerplateReport) -> list[Any]:
    top = item.texts[0]
    text = " ".join(top.text.split())
    if len(text) > _TEXT_WIDTH:
        text = text[: _TEXT_WIDTH - 1] + "…"
    count = len(item.texts) + item.more_texts
    return [item.source or "(several outlets)", item.articles, count, text, top.articles]


def _pair_row(pair: PairReport) -> list[Any]:
    copied = [x for x in pair.passages if not x.quote]
    families = sorted({x.family for x in copied if x.family}, key=natural_key)
    return [
        pair.a,
        pair.b,
        pair.percent_a,
        pair.percent_b,
        len(copied),
        len(pair.passages) - len(copied),
        " ".join(families) or None,
    ]


def render_json(report: Report) -> str:
    """Return the report as JSON (the documented contract), ending with a newline."""
    return "".join(json_chunks(report))


def json_chunks(report: Report, jobs: int = 1) -> Iterator[str]:
    """Yield the JSON of `render_json` piece by piece, a batch of documents or pairs at a time,
    encoded on up to `jobs` processes.

    The same bytes as `json.dumps(report.to_dict(), indent=2)`, without ever holding the
    whole text (or the whole dict) of a report on a million documents in memory.
    """
    yield "{"
    sections: list[tuple[str, Sequence[Any], Callable[[Any], str]]] = [
        ("documents", report.documents, _document_json),
        ("families", report.families, _family_json),
        ("boilerplate", report.boilerplate, _boilerplate_json),
        ("rewrites", report.rewrites, _rewrite_json),
    ]
    if report.parameters.get("pairs"):
        sections.append(("pairs", report.pairs, _pair_json))
    yield f'\n  "version": {REPORT_VERSION}'
    for key, items, encode in sections:
        yield f',\n  "{key}": '
        batches = [
            (lo, min(lo + _JSON_BATCH, len(items))) for lo in range(0, len(items), _JSON_BATCH)
        ]
        for number, text in enumerate(map_ordered(_json_batch, (items, encode), batches, jobs)):
            yield ("[\n    " if number == 0 else ",\n    ") + text
        yield "\n  ]" if batches else "[]"
    yield ',\n  "parameters": ' + _nested_json(dict(report.parameters), 2) + "\n}\n"


# Items encoded by one call of a worker: few enough that the text of a batch stays small.
_JSON_BATCH = 5000


def _json_batch(state: tuple[Sequence[Any], Callable[[Any], str]], batch: tuple[int, int]) -> str:
    """Return the JSON of items [lo, hi), one after the other as list elements at depth 4."""
    items, encode = state
    lo, hi = batch
    return ",\n    ".join(map(encode, items[lo:hi]))


def _nested_json(value: Any, depth: int) -> str:
    # JSON strings hold no raw newline, so re-indenting line starts is exact.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


def _document_json(doc: DocumentReport) -> str:
    percents = (
        doc.copied_percent,
        doc.shared_percent,
        doc.quoted_percent,
        *(m.percent for m in doc.matches),
    )
    return _fast_nested_json(document_dict(doc), percents, 4)


def _family_json(family: FamilyReport) -> str:
    return _fast_nested_json(family_dict(family), (m.percent for m in family.members), 4)


def _boilerplate_json(item: BoilerplateReport) -> str:
    return _fast_nested_json(boilerplate_dict(item), (), 4)


def _rewrite_json(rewrite: RewriteReport) -> str:
    figures = (rewrite.similarity, rewrite.percent_a, rewrite.percent_b)
    return _fast_nested_json(rewrite_dict(rewrite), figures, 4)


def _pair_json(pair: PairReport) -> str:
    return _fast_nested_json(pair_dict(pair), (pair.percent_a, pair.percent_b), 4)


def _fast_nested_json(value: dict[str, Any], floats: Iterable[float], depth: int) -> str:
    """Return `_nested_json(value, depth)`, encoded by orjson when that gives the same text.

    The standard encoder is pure Python once it indents, and most of the writing time on a
    large report. orjson writes the same text except for floats in exponent notation (below
    1e-4 or from 1e16 up: "1e-05" against "0.00001") and cannot encode lone surrogates; items
    with either go to the standard encoder. `floats` are all the floats in `value`.
    """
    if all(_same_float_text(number) for number in floats):
        try:
            text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONEncodeError:
            return _nested_json(value, depth)
        return text.replace("\n", "\n" + " " * depth)
    return _nested_json(value, depth)


def _same_float_text(number: float) -> bool:
    # Percentages (0 to 100, two decimals) always qualify.
    return number == 0.0 or 1e-4 <= abs(number) < 1e16


def _sections(
    report: Report, layout: Layout, tablefmt: str, missing: str, cell: Callable[[str], str]
) -> list[tuple[str | None, str]]:
    """Return the titled parts of a report in a tabulate format: the corpus summary
    (untitled), families, outlets, documents, boilerplate, rewrites, and pairs when the
    report lists them; every text from the input passed through `cell`; tables fitted to
    `layout.width` and cut to `layout.top` rows, with a line saying how many rows were left
    out."""
    top = layout.top
    width = layout.width if tablefmt == "simple" else None

    def table(rows: list[list[Any]], headers: Sequence[str], total: int, noun: str) -> str:
        text = _table(rows, headers, tablefmt, missing, cell, width)
        if total > len(rows):
            text += f"\n\n... and {total - len(rows):,} more {noun} (--top {top})"
        return text

    summary = summary_line(corpus_summary(report))
    sections: list[tuple[str | None, str]] = [
        (None, textwrap.fill(cell(summary), min(width or 100, 100)))
    ]
    if report.families:
        families = [_family_row(f) for f in report.families[:top]]
        body = table(families, FAMILY_COLUMNS, len(report.families), "families")
    else:
        body = "No text is shared by several articles."
    sections.append(("Families (largest first)", body))
    outlets = outlet_summaries(report)
    if outlets:
        rows = [_outlet_row(o) for o in outlets[:top]]
        sections.append(
            ("Outlets (copying most first)", table(rows, OUTLET_COLUMNS, len(outlets), "outlets"))
        )
    if top is None:
        documents = sorted(report.documents, key=_natural_id)
        title = "Documents"
    else:
        documents = sorted(
            report.documents, key=lambda d: (-d.copied_percent, -d.shared_percent, _natural_id(d))
        )[:top]
        title = "Documents (copying most first)"
    sections.append(
        (
            title,
            table(
                [_document_row(d) for d in documents],
                DOCUMENT_COLUMNS,
                len(report.documents),
                "documents",
            ),
        )
    )
    if report.boilerplate:
        rows = [_boilerplate_row(b) for b in report.boilerplate[:top]]
        sections.append(
            (
                "Boilerplate (left out of every figure)",
                table(rows, BOILERPLATE_COLUMNS, len(report.boilerplate), "outlets"),
            )
        )
    if report.rewrites:
        sections.append(_rewrites_section(report, top, table))
    if report.parameters.get("pairs"):
        sections.append(_pairs_section(report, top, table))
    return sections


def _rewrites_section(
    report: Report,
    top: int | None,
    table: Callable[[list[list[Any]], Sequence[str], int, str], str],
) -> tuple[str, str]:
    """Return the rewrites section: pairs of articles with no shared passage whose wording
    is similar (natural order, or the `top` most similar), with the share of each one's
    3-word phrases found in the other."""
    rewrites = list(report.rewrites)
    if top is None:
        rewrites.sort(key=lambda r: (natural_key(r.a), natural_key(r.b)))
        title = "Rewrites (similar wording, no shared passage; never counted as copied)"
    else:
        rewrites.sort(key=lambda r: (-r.similarity, natural_key(r.a), natural_key(r.b)))
        title = "Rewrites (most similar first; never counted as copied)"
    rows = [[r.a, r.b, r.similarity, r.percent_a, r.percent_b] for r in rewrites[:top]]
    return title, table(rows, REWRITE_COLUMNS, len(rewrites), "rewrites")


def _pairs_section(
    report: Report,
    top: int | None,
    table: Callable[[list[list[Any]], Sequence[str], int, str], str],
) -> tuple[str, str]:
    """Return the pairs section: pairs that share copied text (natural order, or the `top`
    sharing most), and a line counting the pairs that share only quotations."""
    copying = [p for p in report.pairs if any(not x.quote for x in p.passages)]
    if top is None:
        copying.sort(key=lambda p: (natural_key(p.a), natural_key(p.b)))
        title = "Pairs"
    else:
        copying.sort(
            key=lambda p: (-max(p.percent_a, p.percent_b), natural_key(p.a), natural_key(p.b))
        )
        title = "Pairs (sharing most first)"
    if copying:
        body = table([_pair_row(p) for p in copying[:top]], PAIR_COLUMNS, len(copying), "pairs")
    else:
        body = "No copied passages."
    quoting = len(report.pairs) - len(copying)
    if quoting:
        body += (
            f"\n\n{quoting:,} more {'pair shares' if quoting == 1 else 'pairs share'} only"
            " quotations (--format pairs-csv lists every pair)."
        )
    return title, body


def _table(
    rows: list[list[Any]],
    headers: Sequence[str],
    tablefmt: str,
    missing: str,
    cell: Callable[[str], str],
    width: int | None,
) -> str:
    """Return one table: cells spelled as text (floats with 1 decimal, booleans `true` and
    `false`, None as `missing`), input text passed through `cell`; the plain-text table
    ("simple") fitted to `width` (`_fitted`), Markdown's by tabulate."""
    texts = {k for k, name in enumerate(headers) if name in _TEXT_COLUMNS}
    cells = [[_spelled(v, missing, cell, k in texts) for k, v in enumerate(row)] for row in rows]
    left = ["left" if name in _LEFT_COLUMNS else "right" for name in headers]
    if tablefmt == "simple":
        return _plain_table(cells, headers, left, width)
    # Cells are spelled here, so tabulate parses none of them as numbers.
    return str(
        tabulate(
            cells,
            headers=headers,
            tablefmt=tablefmt,
            disable_numparse=True,
            colalign=left if cells else None,
        )
    )


def _spelled(value: Any, missing: str, cell: Callable[[str], str], text: bool) -> str:
    if value is None:
        return missing
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, str):
        return cell(value) if text else value
    return str(value)


_GAP = 2  # spaces between the columns of the plain-text table
_ID_COLUMNS = frozenset({"id", "a", "b", "family", "outlet"})
# Text columns are shortened to no less than this many characters, ids to no less than
# _ID_NARROWEST, before the first column of _DROPPED_FIRST is left out.
_NARROWEST, _ID_NARROWEST = 8, 16
_DROPPED_FIRST = ("top match", "families", "quoted %", "quoted", "rule", "date", "most carried")


def _plain_table(
    cells: list[list[str]], headers: Sequence[str], align: Sequence[str], width: int | None
) -> str:
    """Return the plain-text table: a header line, a rule, one line a row; columns two spaces
    apart, text left and numbers right; fitted to `width` when given (`_fitted`)."""
    columns = list(range(len(headers)))
    widths = [max([_width(headers[k]), *(_width(row[k]) for row in cells)]) for k in columns]
    if width is not None:
        columns, widths = _fitted(headers, widths, width)

    def line(values: Sequence[str]) -> str:
        parts = []
        for k, w in zip(columns, widths, strict=True):
            value = _cut(values[k], w)
            pad = " " * (w - _width(value))
            parts.append(value + pad if align[k] == "left" else pad + value)
        return (" " * _GAP).join(parts).rstrip()

    rule = (" " * _GAP).join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


def _fitted(
    headers: Sequence[str], natural: Sequence[int], width: int
) -> tuple[list[int], list[int]]:
    """Return the columns kept and their widths for a table to fit `width` characters.

    Text columns are shortened, the widest first: others down to _NARROWEST characters, then
    ids (and outlets) down to _ID_NARROWEST; when that is not enough, the least needed column
    (_DROPPED_FIRST) is left out and the widths worked out again. With none left to drop,
    every text column may be shortened down to its header.
    """
    dropped: set[int] = set()
    optional = [headers.index(name) for name in _DROPPED_FIRST if name in headers]
    while True:
        columns = [k for k in range(len(headers)) if k not in dropped]
        widths = {k: natural[k] for k in columns}
        excess = sum(widths.values()) + _GAP * (len(columns) - 1) - width
        last_try = not [k for k in optional if k not in dropped]
        for floor_of in (_floor, _id_floor, _header_floor) if last_try else (_floor, _id_floor):
            excess = _shrink(widths, excess, {k: floor_of(headers[k]) for k in columns})
        if excess <= 0 or last_try:
            return columns, [widths[k] for k in columns]
        dropped.add(next(k for k in optional if k not in dropped))


def _floor(header: str) -> int:
    if header not in _TEXT_COLUMNS:
        return 1 << 30  # numbers are never shortened
    return max(len(header), _ID_NARROWEST if header in _ID_COLUMNS else _NARROWEST)


def _id_floor(header: str) -> int:
    return min(_floor(header), max(len(header), _ID_NARROWEST))


def _header_floor(header: str) -> int:
    return len(header) if header in _TEXT_COLUMNS else 1 << 30


def _shrink(widths: dict[int, int], excess: int, floors: dict[int, int]) -> int:
    """Shorten the widest columns above their floor, one character at a time, until the
    excess is gone or none can be shortened; return the excess left."""
    while excess > 0:
        shrinkable = [k for k in widths if widths[k] > floors[k]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda k: (widths[k], -k))
        widths[widest] -= 1
        excess -= 1
    return excess


def _width(text: str) -> int:
    """Return the columns `text` takes on a terminal (wide East Asian characters take two,
    combining marks none)."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cut(text: str, width: int) -> str:
    """Return `text` shortened with `…` to at most `width` columns."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = _char_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def _csv_row(row: Sequence[Any]) -> list[Any]:
    return [csv_cell(_csv_value(v)) for v in row]


def _csv_value(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    return value  # type: ignore[no-any-return]


def render_table(report: Report, layout: Layout = Layout()) -> str:
    """Return the report as plain-text tables: a summary line, then families, outlets,
    documents, boilerplate, rewrites (and pairs when the report lists them)."""
    sections = _sections(report, layout, "simple", "-", terminal_safe)
    return "\n".join(f"{title}\n\n{body}\n" if title else f"{body}\n" for title, body in sections)


def render_markdown(report: Report, layout: Layout = Layout()) -> str:
    """Return the report as Markdown: the same summary and tables as `render_table`."""
    sections = _sections(report, layout, "github", "", markdown_cell)
    return "\n".join(
        f"## {title}\n\n{body}\n" if title else f"{body}\n" for title, body in sections
    )


def render_csv(report: Report, layout: Layout = Layout()) -> str:
    """Return one CSV row per document, ids in natural order (matches as `id:percent`
    joined by `;`); text cells that a spreadsheet would run as a formula start with `'`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "source",
            "published",
            "words",
            "boilerplate_words",
            "copied_percent",
            "shared_percent",
            "quoted_percent",
            "matches",
            "more_matches",
            "families",
            "original_source",
            "attribution_rule",
            "credited",
        ]
    )
    for d in sorted(report.documents, key=_natural_id):
        writer.writerow(
            _csv_row(
                [
                    d.id,
                    d.source,
                    d.published,
                    d.words,
                    d.boilerplate_words,
                    d.copied_percent,
                    d.shared_percent,
                    d.quoted_percent,
                    ";".join(f"{m.id}:{m.percent}" for m in d.matches),
                    d.more_matches,
                    ";".join(d.families),
                    d.original_source,
                    d.attribution_rule,
                    d.credited,
                ]
            )
        )
    return out.getvalue()


def render_table_csv(table: Table) -> str:
    """Return a long-form table (`dedupe.tables`) as CSV: a header row, then one row per
    item; booleans `true`/`false`, None empty, formula-like text cells prefixed with `'`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(_csv_row(row) for row in table.rows)
    return out.getvalue()


def _needs_pairs(report: Report, format: str) -> None:
    if not report.parameters.get("pairs"):
        raise OutputError(
            f"the {format} format needs a report made with pairs (dedupe.scan(..., pairs=True))"
        )


def render_pairs_csv(report: Report, layout: Layout = Layout()) -> str:
    """Return one CSV row per listed pair (`dedupe.tables.pairs_table`); OutputError for a
    report made without pairs."""
    _needs_pairs(report, "pairs-csv")
    return render_table_csv(pairs_table(report))


def render_passages_csv(report: Report, layout: Layout = Layout()) -> str:
    """Return one CSV row per passage of a listed pair (`dedupe.tables.passages_table`);
    OutputError for a report made without pairs."""
    _needs_pairs(report, "passages-csv")
    return render_table_csv(passages_table(report))


def _render_json(report: Report, layout: Layout = Layout()) -> str:
    return render_json(report)


def _render_html(report: Report, layout: Layout = Layout()) -> str:
    return render_html(report)


RENDERERS: dict[str, Callable[[Report, Layout], str]] = {
    "table": render_table,
    "json": _render_json,
    "csv": render_csv,
    "markdown": render_markdown,
    "pairs-csv": render_pairs_csv,
    "passages-csv": render_passages_csv,
    "html": _render_html,
}


def render(
    report: Report, format: str = "table", *, top: int | None = None, width: int | None = None
) -> str:
    """Return the report rendered in `format` (one of RENDERERS); `top` and `width` lay out
    the `table` and `markdown` formats (`Layout`)."""
    return "".join(render_chunks(report, format, top=top, width=width))


def render_chunks(
    report: Report,
    format: str = "table",
    *,
    jobs: int = 1,
    top: int | None = None,
    width: int | None = None,
) -> Iterator[str]:
    """Yield the text of `render(report, format)` in pieces (JSON streams, piece by piece,
    encoded on up to `jobs` processes)."""
    if format not in RENDERERS:
        raise OutputError(f"unknown format {format!r}; choose one of {', '.join(RENDERERS)}")
    if top is not None and top < 1:
        raise OutputError(f"top must be at least 1, got {top}")
    if format == "json":
        return json_chunks(report, jobs)
    return iter((RENDERERS[format](report, Layout(top, width)),))
