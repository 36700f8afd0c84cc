"""Synthetic newsroom: dedupe's reused words, reused percentages and sources against exact truth.

A seeded corpus from :func:`benchmarks.newsroom.generate` is scanned (dedupe options passed
through) and compared with the generator's truth, article by article.

Words are the word tokens of :func:`dedupe.text.tokenize` (the words dedupe counts). A word is
inside a set of character spans when it lies within their union.

* **truly reused**: inside one of the article's truth ``reused_spans`` and not inside one of its
  ``quoted_spans`` (dedupe counts shared quotations apart, as ``quoted_percent``);
* **predicted reused**: inside a non-quote passage on the article's side of any pair of the
  report.

Reused-word precision and recall are pooled over words (true positives, false positives and
false negatives summed over the articles of a group). The truth also marks words copied from a
wire story that is not in the corpus and that no other article carries: no comparison of
articles can find those, so recall is also given over *observable* truly reused words only
(``recall_observable``; see :func:`_observable`). The reused-percentage error of an article is
``|copied_percent - 100 * truly reused words / words|`` in points; a group gives its median
and 90th percentile (numpy's linear interpolation).

**Wire articles are left out of the word-level figures.** The truth marks no reused words on a
wire original (its text is not taken from anywhere), while dedupe, by its documented definition
(`shared_percent` = words shared with any other article), counts the words its copies took
from it. Scoring them would measure that difference of definitions, not detection; they are
only counted (``wire_articles``).

**Original source.** Scored over the articles whose truth names a wire (republications and
re-republications) and whose source is *decidable* from the corpus, meaning both:

1. at least ``MIN_REUSED_WORDS`` (8) of its truly reused words are observable (another
   article of the corpus carries them: the shortest passage dedupe reports by default; a copy
   of a quotation paragraph alone, or of text no other article carries, has nothing to be
   attributed by), and
2. the wire itself is identifiable: the story's wire article is in the corpus (it carries every
   paragraph any copy took, rule ``wire-outlet``), or a credit exists somewhere in the chain:
   the article or one of its carriers credits the wire (rule ``wire-credit``). The carriers are
   the articles linked to it by copying (the article it copied from, those that copied it) or
   by carrying the same copied text (8 consecutive words), transitively (see
   :func:`_observable`).

Dates alone are not enough: when neither the wire article nor a credit is present and every
carrier is dated, ``earliest-publication`` can only name the first *outlet*, never a wire absent
from the corpus, so such articles can never match the truth. They are reported apart
(``dates_only``: how many, and how often dedupe names an outlet) rather than counted as misses.
A decidable article whose copied text dedupe does not find at all gets null and counts as a
miss. The accuracy is
the share of decidable articles whose report ``original_source`` equals the truth; the null
rate is the share for which dedupe says null. Both are also given over every article whose
truth names a wire (``*_all``), decidable or not.

Groups: each edit rate of the copies (``edit 0.00`` ...), ``originals`` (articles with no
copied text: only false positives can occur there), ``edit <= 0.10`` (copies at edit rates up
to 10 % plus the originals: the scope of the issue's precision/recall target) and ``overall``
(every non-wire article).

    python -m benchmarks.synthetic [--articles 3000] [--seed 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tabulate import tabulate

import dedupe
from benchmarks.newsroom import generate
from dedupe.text import Tokens, tokenize

MIN_REUSED_WORDS = 8
TARGET_EDIT_RATE = 0.10


def covered(starts: np.ndarray, ends: np.ndarray, spans: Iterable[Sequence[int]]) -> np.ndarray:
    """Return which words (character ``starts``/``ends``, end exclusive) lie inside the union of
    ``spans`` (``[start, end)`` character ranges, any order, may overlap)."""
    mask = np.zeros(len(starts), dtype=bool)
    merged: list[list[int]] = []
    for s, e in sorted((int(sp[0]), int(sp[1])) for sp in spans):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged or not len(starts):
        return mask
    lows = np.array([m[0] for m in merged], dtype=np.int64)
    highs = np.array([m[1] for m in merged], dtype=np.int64)
    k = np.searchsorted(lows, starts, side="right") - 1
    inside = k >= 0
    mask[inside] = ends[inside] <= highs[k[inside]]
    return mask


def word_counts(truth: np.ndarray, predicted: np.ndarray) -> tuple[int, int, int]:
    """Return (true positives, false positives, false negatives) of two word masks."""
    tp = int(np.count_nonzero(truth & predicted))
    return tp, int(np.count_nonzero(predicted)) - tp, int(np.count_nonzero(truth)) - tp


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    """Return (precision, recall); each is 1.0 when its denominator is 0 (nothing predicted,
    or nothing to find)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


@dataclass(frozen=True)
class ArticleResult:
    """One article's truth and dedupe's answer (word counts, percentages, sources)."""

    id: str
    kind: str
    edit_rate: float
    words: int
    tp: int
    fp: int
    fn: int
    observable: int  # truly reused words another article of the corpus carries
    observable_tp: int
    true_percent: float
    predicted_percent: float
    truth_source: str | None
    predicted_source: str | None
    decidable_by: str  # "wire", "credit", "dates", "none", or "" (truth names no source)

    @property
    def decidable(self) -> bool:
        return self.decidable_by in ("wire", "credit")


@dataclass
class _Truth:
    """An article's words and its truth as word masks."""

    tokens: Tokens
    reused: np.ndarray  # truly reused (in a reused span, not in a quotation)
    sourced: np.ndarray  # truly reused, in a span whose source article is in the corpus


def _truth_masks(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]], separator: str | None
) -> dict[str, _Truth]:
    ids = {a["id"] for a, _ in pairs}
    out = {}
    for article, record in pairs:
        tokens = tokenize(article["text"], separator)
        quoted = covered(tokens.starts, tokens.ends, record["quoted_spans"])
        spans = record["reused_spans"]
        reused = covered(tokens.starts, tokens.ends, spans) & ~quoted
        present = [s for s in spans if s[3] is not None and s[3] in ids]
        sourced = covered(tokens.starts, tokens.ends, present) & ~quoted
        out[article["id"]] = _Truth(tokens, reused, sourced)
    return out


def _observable(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]], masks: Mapping[str, _Truth]
) -> tuple[dict[str, np.ndarray], dict[str, set[str]]]:
    """Truly reused words that another article of the corpus carries, and the articles that
    carry the same copied text as each article.

    A truly reused word is observable when its span's source article is in the corpus, or
    when it lies in a run of ``MIN_REUSED_WORDS`` consecutive truly reused words whose
    normalised words occur, as truly reused words too, in another article of the same story
    (a sibling copy of a wire story that is not in the corpus, or a re-republication of it).
    Copied text that no other article carries cannot be found by comparing articles.

    The carriers of an article are the articles connected to it through its copy chain
    (source articles) and through such shared runs, transitively: the articles among which
    a credit or a date can decide where its text came from.
    """
    n = MIN_REUSED_WORDS
    runs: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    starts_of: dict[str, list[int]] = {}
    for _, record in pairs:
        m = masks[record["id"]]
        full = np.convolve(m.reused.astype(np.int64), np.ones(n, dtype=np.int64), "valid") == n
        starts = np.flatnonzero(full).tolist() if len(m.reused) >= n else []
        starts_of[record["id"]] = starts
        words = m.tokens.words
        for i in starts:
            runs.setdefault((record["story_id"], words[i : i + n]), set()).add(record["id"])
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    ids = {record["id"] for _, record in pairs}
    for _, record in pairs:
        for span in record["reused_spans"]:
            if span[3] is not None and span[3] in ids:
                union(record["id"], span[3])
    for carriers in runs.values():
        first, *rest = sorted(carriers)
        for other in rest:
            union(first, other)
    observable = {}
    for _, record in pairs:
        m = masks[record["id"]]
        seen = m.sourced.copy()
        words = m.tokens.words
        for i in starts_of[record["id"]]:
            if len(runs[(record["story_id"], words[i : i + n])]) > 1:
                seen[i : i + n] = True
        observable[record["id"]] = seen & m.reused
    components: dict[str, set[str]] = {}
    for _, record in pairs:
        components.setdefault(find(record["id"]), set()).add(record["id"])
    return observable, {i: components[find(i)] for i in ids}


def _decidable_by(
    record: Mapping[str, Any],
    observable_words: int,
    carriers: set[str],
    truth: Mapping[str, Mapping[str, Any]],
    articles: Mapping[str, Mapping[str, Any]],
    wire_stories: set[str],
) -> str:
    if record["original_source"] is None:
        return ""
    if observable_words < MIN_REUSED_WORDS:
        return "none"
    if record["story_id"] in wire_stories:
        return "wire"
    if any(truth[c]["credited"] for c in carriers):
        return "credit"
    if all("published" in articles[c] for c in carriers):
        return "dates"
    return "none"


def evaluate_corpus(
    pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]], **options: Any
) -> tuple[list[ArticleResult], float]:
    """Scan the generated (article, truth) pairs; return per-article results and scan seconds."""
    documents = [
        dedupe.Document(a["id"], a["text"], a.get("outlet"), a.get("published")) for a, _ in pairs
    ]
    started = time.perf_counter()
    report = dedupe.scan(documents, pairs=True, **options)
    seconds = time.perf_counter() - started
    predicted_spans: dict[str, list[tuple[int, int]]] = {a["id"]: [] for a, _ in pairs}
    for pair in report.pairs:
        for p in pair.passages:
            if not p.quote:
                predicted_spans[pair.a].append((p.a_start, p.a_end))
                predicted_spans[pair.b].append((p.b_start, p.b_end))
    docs = {d.id: d for d in report.documents}
    truth = {t["id"]: t for _, t in pairs}
    articles = {a["id"]: a for a, _ in pairs}
    wire_stories = {t["story_id"] for t in truth.values() if t["kind"] == "wire"}
    masks = _truth_masks(pairs, options.get("paragraph_separator"))
    observable, carriers = _observable(pairs, masks)
    results = []
    for article, record in pairs:
        m = masks[article["id"]]
        words = len(m.tokens)
        predicted = covered(m.tokens.starts, m.tokens.ends, predicted_spans[article["id"]])
        tp, fp, fn = word_counts(m.reused, predicted)
        seen = observable[article["id"]]
        doc = docs[article["id"]]
        results.append(
            ArticleResult(
                id=article["id"],
                kind=record["kind"],
                edit_rate=float(record["edit_rate"]),
                words=words,
                tp=tp,
                fp=fp,
                fn=fn,
                observable=int(seen.sum()),
                observable_tp=int((seen & predicted).sum()),
                true_percent=100.0 * int(m.reused.sum()) / words if words else 0.0,
                predicted_percent=doc.copied_percent,
                truth_source=record["original_source"],
                predicted_source=doc.original_source,
                decidable_by=_decidable_by(
                    record, int(seen.sum()), carriers[article["id"]], truth, articles, wire_stories
                ),
            )
        )
    return results, seconds


def _rate_label(rate: float) -> str:
    return f"edit {rate:.2f}"


def groups(results: Sequence[ArticleResult]) -> dict[str, list[ArticleResult]]:
    """Return the non-wire articles by group (see the module docstring), in display order."""
    scored = [r for r in results if r.kind != "wire"]
    copies = [r for r in scored if r.kind != "original"]
    out: dict[str, list[ArticleResult]] = {}
    for rate in sorted({r.edit_rate for r in copies}):
        out[_rate_label(rate)] = [r for r in copies if r.edit_rate == rate]
    out["originals"] = [r for r in scored if r.kind == "original"]
    out[f"edit <= {TARGET_EDIT_RATE:.2f}"] = [
        r for r in scored if r.edit_rate <= TARGET_EDIT_RATE + 1e-12
    ]
    out["overall"] = scored
    return out


def summarize(results: Sequence[ArticleResult]) -> dict[str, Any]:
    """Return the figures of one group of articles."""
    tp = sum(r.tp for r in results)
    fp = sum(r.fp for r in results)
    fn = sum(r.fn for r in results)
    precision, recall = precision_recall(tp, fp, fn)
    observable = sum(r.observable for r in results)
    observable_tp = sum(r.observable_tp for r in results)
    errors = np.array([abs(r.predicted_percent - r.true_percent) for r in results])
    sourced = [r for r in results if r.truth_source is not None]
    decidable = [r for r in sourced if r.decidable]
    dates_only = [r for r in sourced if r.decidable_by == "dates"]

    def share(items: Sequence[ArticleResult], test: Any) -> float | None:
        return sum(1 for r in items if test(r)) / len(items) if items else None

    return {
        "articles": len(results),
        "words": sum(r.words for r in results),
        "precision": precision,
        "recall": recall,
        "recall_observable": observable_tp / observable if observable else 1.0,
        "truth_words": tp + fn,
        "false_positive_words": fp,
        "observable_words": observable,
        "pct_error_median": float(np.median(errors)) if len(errors) else None,
        "pct_error_p90": float(np.percentile(errors, 90)) if len(errors) else None,
        "with_source": len(sourced),
        "decidable": len(decidable),
        "source_accuracy": share(decidable, lambda r: r.predicted_source == r.truth_source),
        "source_null": share(decidable, lambda r: r.predicted_source is None),
        "source_accuracy_all": share(sourced, lambda r: r.predicted_source == r.truth_source),
        "source_null_all": share(sourced, lambda r: r.predicted_source is None),
        "dates_only": len(dates_only),
        "dates_only_outlet": share(
            dates_only, lambda r: r.predicted_source not in (None, r.truth_source)
        ),
    }


def evaluate(articles: int = 3000, seed: int = 1, **options: Any) -> dict[str, Any]:
    """Generate, scan and score a synthetic corpus; return the figures by group."""
    pairs = list(generate(articles, seed=seed))
    results, seconds = evaluate_corpus(pairs, **options)
    by_group = {name: summarize(items) for name, items in groups(results).items()}
    return {
        "articles": articles,
        "seed": seed,
        "wire_articles": sum(1 for r in results if r.kind == "wire"),
        "scan_seconds": round(seconds, 2),
        "groups": by_group,
    }


def table(figures: Mapping[str, Any]) -> str:
    """Return the figures by group as a text table."""

    def fmt(value: Any, percent: bool = False) -> str:
        if value is None:
            return "-"
        return f"{100 * value:.2f}" if percent else f"{value:.4f}"

    rows = [
        [
            name,
            g["articles"],
            fmt(g["precision"]),
            fmt(g["recall"]),
            fmt(g["recall_observable"]),
            g["false_positive_words"],
            fmt(g["pct_error_median"]),
            fmt(g["pct_error_p90"]),
            f"{g['decidable']}/{g['with_source']}",
            fmt(g["source_accuracy"], True),
            fmt(g["source_null"], True),
            fmt(g["source_accuracy_all"], True),
            fmt(g["source_null_all"], True),
            g["dates_only"],
        ]
        for name, g in figures["groups"].items()
    ]
    headers = [
        "group",
        "articles",
        "precision",
        "recall",
        "recall (obs.)",
        "fp words",
        "|err| med",
        "|err| p90",
        "decidable",
        "source ok %",
        "null %",
        "ok % (all)",
        "null % (all)",
        "dates only",
    ]
    return str(tabulate(rows, headers=headers, disable_numparse=True))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the synthetic figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = evaluate(args.articles, args.seed)
    print(
        f"{figures['articles']} articles (seed {figures['seed']}), "
        f"{figures['wire_articles']} wire articles not scored, scan {figures['scan_seconds']} s"
    )
    print(table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
