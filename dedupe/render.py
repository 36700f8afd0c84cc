"""Rendering a report as a terminal table, JSON, CSV or Markdown.

Text from the input is made safe for where each format is shown (`dedupe.escape`): control
characters escaped in the table, formulas neutralised in CSV, Markdown punctuation escaped in
Markdown. JSON is exact. Writing the report out is `dedupe.output`'s.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import orjson
from tabulate import tabulate

from dedupe.errors import OutputError
from dedupe.escape import csv_cell, markdown_cell, terminal_safe
from dedupe.output import write_atomic as write_atomic  # re-exported: it lived here
from dedupe.parallel import map_ordered
from dedupe.report import (
    REPORT_VERSION,
    BoilerplateReport,
    DocumentReport,
    FamilyReport,
    PairReport,
    Report,
    boilerplate_dict,
    document_dict,
    family_dict,
    natural_key,
    pair_dict,
)

FAMILY_COLUMNS = ("family", "original", "original source", "rule", "carriers", "credited", "words")
DOCUMENT_COLUMNS = (
    "id",
    "source",
    "words",
    "copied %",
    "shared %",
    "quoted %",
    "top match",
    "top match %",
    "original source",
    "rule",
    "credited",
)
BOILERPLATE_COLUMNS = ("source", "articles", "texts", "most carried", "articles with it")
PAIR_COLUMNS = ("a", "b", "% of a", "% of b", "passages", "quoted passages")
_TEXT_WIDTH = 60


def _natural_id(doc: DocumentReport) -> tuple[tuple[int, int | str], ...]:
    # Tables list ids as people read them: 1051 before 10500.
    return natural_key(doc.id)


def _family_row(family: FamilyReport) -> list[Any]:
    decided = [m.credited for m in family.members if m.credited is not None]
    credited = f"{sum(decided)}/{len(decided)}" if decided else None
    return [
        family.id,
        family.original,
        family.original_source,
        family.rule,
        len(family.members),
        credited,
        family.words,
    ]


def _document_row(doc: DocumentReport) -> list[Any]:
    top = doc.matches[0] if doc.matches else None
    return [
        doc.id,
        doc.source,
        doc.words,
        doc.copied_percent,
        doc.shared_percent,
        doc.quoted_percent,
        top.id if top else None,
        top.percent if top else None,
        doc.original_source,
        doc.attribution_rule,
        doc.credited,
    ]


def _boilerplate_row(item: BoilerplateReport) -> list[Any]:
    top = item.texts[0]
    text = " ".join(top.text.split())
    if len(text) > _TEXT_WIDTH:
        text = text[: _TEXT_WIDTH - 1] + "…"
    count = len(item.texts) + item.more_texts
    return [item.source or "(several outlets)", item.articles, count, text, top.articles]


def _pair_rows(report: Report) -> list[list[Any]]:
    return [
        [
            p.a,
            p.b,
            p.percent_a,
            p.percent_b,
            sum(not x.quote for x in p.passages),
            sum(x.quote for x in p.passages),
        ]
        for p in report.pairs
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
    report: Report, tablefmt: str, missing: str, cell: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Return the titled tables of a report in a tabulate format: families, documents,
    boilerplate, and pairs when the report lists them; every text from the input passed
    through `cell`."""

    def table(rows: list[list[Any]], headers: Sequence[str]) -> str:
        safe = _safe_rows(rows, cell)
        return str(
            tabulate(
                safe,
                headers=headers,
                tablefmt=tablefmt,
                floatfmt=".1f",
                missingval=missing,
                disable_numparse=_text_columns(headers, safe),
            )
        )

    families = (
        table([_family_row(f) for f in report.families], FAMILY_COLUMNS)
        if report.families
        else "No text is shared by several articles."
    )
    sections = [
        ("Families", families),
        (
            "Documents",
            table(
                [_document_row(d) for d in sorted(report.documents, key=_natural_id)],
                DOCUMENT_COLUMNS,
            ),
        ),
    ]
    if report.boilerplate:
        rows = [_boilerplate_row(b) for b in report.boilerplate]
        sections.append(
            ("Boilerplate (left out of every figure)", table(rows, BOILERPLATE_COLUMNS))
        )
    if report.parameters.get("pairs"):
        pairs = table(_pair_rows(report), PAIR_COLUMNS) if report.pairs else "No shared passages."
        sections.append(("Pairs", pairs))
    return sections


# --- escaping (dedupe.escape), kept apart so it can be applied to any layout of the tables ---

# Columns holding text from the input: escaped, and never parsed as numbers ("007", "1e5").
_TEXT_COLUMNS = {
    "id",
    "source",
    "top match",
    "original source",
    "rule",
    "a",
    "b",
    "family",
    "original",
    "most carried",
}


def _text_columns(columns: Sequence[str], rows: list[list[Any]]) -> list[int] | bool:
    # tabulate fails on a list of columns for a table without rows.
    return [k for k, name in enumerate(columns) if name in _TEXT_COLUMNS] if rows else True


def _safe_rows(rows: list[list[Any]], cell: Callable[[str], str]) -> list[list[Any]]:
    return [[cell(v) if isinstance(v, str) else v for v in row] for row in rows]


def _csv_row(row: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in row]


def render_table(report: Report) -> str:
    """Return the report as plain-text tables: families, documents, boilerplate (and pairs
    when the report lists them)."""
    sections = _sections(report, "simple", "-", terminal_safe)
    return "\n".join(f"{title}\n\n{body}\n" for title, body in sections)


def render_markdown(report: Report) -> str:
    """Return the report as Markdown: the same tables as `render_table`."""
    sections = _sections(report, "github", "", markdown_cell)
    return "\n".join(f"## {title}\n\n{body}\n" for title, body in sections)


def render_csv(report: Report) -> str:
    """Return one CSV row per document (matches as `id:percent` joined by `;`); text cells that
    a spreadsheet would run as a formula start with `'`."""
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
    for d in report.documents:
        writer.writerow(
            _csv_row(
                [
                    d.id,
                    d.source or "",
                    d.published or "",
                    d.words,
                    d.boilerplate_words,
                    d.copied_percent,
                    d.shared_percent,
                    d.quoted_percent,
                    ";".join(f"{m.id}:{m.percent}" for m in d.matches),
                    d.more_matches,
                    ";".join(d.families),
                    d.original_source or "",
                    d.attribution_rule or "",
                    "" if d.credited is None else str(d.credited).lower(),
                ]
            )
        )
    return out.getvalue()


RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}


def render(report: Report, format: str = "table") -> str:
    """Return the report rendered in `format` (one of RENDERERS)."""
    return "".join(render_chunks(report, format))


def render_chunks(report: Report, format: str = "table", *, jobs: int = 1) -> Iterator[str]:
    """Yield the text of `render(report, format)` in pieces (JSON streams, piece by piece,
    encoded on up to `jobs` processes)."""
    if format not in RENDERERS:
        raise OutputError(f"unknown format {format!r}; choose one of {', '.join(RENDERERS)}")
    if format == "json":
        return json_chunks(report, jobs)
    return iter((RENDERERS[format](report),))
