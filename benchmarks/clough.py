"""Clough & Stevenson short-answer corpus: how much of each answer dedupe finds in its source.

All 100 texts (the five Wikipedia sources ``orig_task{a..e}`` and the 95 answers) are scanned
together, options passed through to :func:`dedupe.scan` (defaults by default). For each answer
and each source text:

* ``reused``: the answer's ``matches[].percent`` for that source (0 when absent): its words
  found in the source outside quotations;
* ``share`` (the main figure): its words inside any passage shared with that source, quotation
  or not. The corpus labels copying, not quoting: an answer that puts copied sentences inside
  quotation marks has copied them all the same;
* ``similarity``: :func:`dedupe.similarity.containment` of the answer in that source (the share
  of its distinct 3-word n-grams outside quotations found there, in percent): the rewrite
  figure, not copied words. It is measured for every (answer, source), whether or not the scan
  made the two a candidate pair;
* ``report`` (the report's own score): ``share`` when the answer shares a passage with that
  source, else the ``similarity`` of the report's rewrite of the two (``Report.rewrites``),
  else 0: what a reader of the report sees, without measuring anything the scan did not.

Words are those of :func:`dedupe.text.tokenize` on the text dedupe read (the answer's word count
is the report's ``words``). Figures, from each answer's share in its own task's source:

* per category (cut, light, heavy, non): min / median / mean / max, of ``share``, ``reused``,
  ``similarity`` and ``report``; how many answers the report links to their source at all
  (a passage or a rewrite);
* ROC AUC of each for derived (cut + light + heavy) vs non, and for each of cut, light,
  heavy vs non: the Mann-Whitney statistic, ties counted half (:func:`auc`);
* attribution accuracy: the share of derived answers whose largest share among the five sources
  belongs to their own source (no source match, or a tie for the largest, counts as wrong).

Known corpus quirk: ``g2pE_taskc`` (category cut, task c) is copied from the Wikipedia article
on information retrieval, not from ``orig_taskc`` (vector space model); it is kept as labelled.

    python -m benchmarks.clough [--corpus ../shared/corpora/clough-stevenson] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tabulate import tabulate

import dedupe
from benchmarks.synthetic import covered
from dedupe.similarity import containment
from dedupe.text import tokenize

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpora/clough-stevenson"
CATEGORIES = ("cut", "light", "heavy", "non")
DERIVED = ("cut", "light", "heavy")
KINDS = ("share", "reused", "similarity", "report")
_KIND_LABEL = {
    "share": "reused+quoted",
    "reused": "reused only",
    "similarity": "3-gram containment",
    "report": "report (copied, else rewrite)",
}
TASKS = "abcde"


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """ROC AUC of scores where higher means positive: the Mann-Whitney U statistic over all
    (positive, negative) pairs, a pair scoring 1 when the positive is higher, 1/2 when tied,
    divided by the number of pairs. Computed with mid-ranks, O(n log n)."""
    n_pos, n_neg = len(positives), len(negatives)
    if not n_pos or not n_neg:
        raise ValueError("AUC needs at least one positive and one negative score")
    scored = sorted([(float(x), 1) for x in positives] + [(float(x), 0) for x in negatives])
    rank_sum = 0.0  # sum of the positives' mid-ranks (1-based)
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2
        rank_sum += mid_rank * sum(label for _, label in scored[i:j])
        i = j
    u = rank_sum - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


@dataclass(frozen=True)
class Answer:
    """One answer's measured overlap with each source text (percent of its words)."""

    id: str
    task: str
    category: str
    words: int
    share: Mapping[str, float]  # source id -> reused + quoted share
    reused: Mapping[str, float]  # source id -> matches[].percent (quotes excluded)
    similarity: Mapping[str, float] = field(default_factory=dict)  # 3-gram containment, %
    rewritten: Mapping[str, float] = field(default_factory=dict)  # the report's rewrites, %

    @property
    def source(self) -> str:
        return f"orig_task{self.task}"

    @property
    def report(self) -> dict[str, float]:
        """The report's score with each source: the share of a shared passage, else the
        similarity of a reported rewrite, else 0."""
        return {src: share or self.rewritten.get(src, 0.0) for src, share in self.share.items()}

    @property
    def top_source(self) -> str | None:
        """The source with the largest share; None when there is none or a tie for the top."""
        ranked = sorted(self.share.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] <= 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]


def read_labels(corpus: Path) -> dict[str, tuple[str, str]]:
    """Return ``{answer id: (task, category)}`` from ``file_information.csv`` (sources left out)."""
    with open(corpus / "file_information.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        Path(row["File"]).stem: (row["Task"], row["Category"])
        for row in rows
        if row["Category"] != "orig"
    }


def measure(corpus: Path = DEFAULT_CORPUS, **options: Any) -> tuple[list[Answer], float]:
    """Scan the corpus and return each answer's overlap with the sources, and scan seconds."""
    labels = read_labels(corpus)
    documents = list(dedupe.read_documents(sorted(corpus.glob("*.txt"))))
    started = time.perf_counter()
    report = dedupe.scan(documents, pairs=True, **options)
    seconds = time.perf_counter() - started
    texts = {d.id: d.text for d in documents}
    sources = [f"orig_task{t}" for t in TASKS]
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    rewritten = {(r.a, r.b): r.similarity for r in report.rewrites}
    rewritten.update({(b, a): figure for (a, b), figure in rewritten.items()})
    for pair in report.pairs:
        for p in pair.passages:
            spans.setdefault((pair.a, pair.b), []).append((p.a_start, p.a_end))
            spans.setdefault((pair.b, pair.a), []).append((p.b_start, p.b_end))
    separator = options.get("paragraph_separator")
    source_tokens = {src: tokenize(texts[src], separator) for src in sources}
    answers = []
    for doc in report.documents:
        if doc.id not in labels:
            continue
        tokens = tokenize(texts[doc.id], separator)
        if len(tokens) != doc.words:
            raise AssertionError(f"{doc.id}: {len(tokens)} tokens but {doc.words} words")
        share = {}
        for src in sources:
            inside = covered(tokens.starts, tokens.ends, spans.get((doc.id, src), ()))
            share[src] = 100.0 * int(inside.sum()) / doc.words if doc.words else 0.0
        matches = {m.id: m.percent for m in doc.matches}
        task, category = labels[doc.id]
        answers.append(
            Answer(
                id=doc.id,
                task=task,
                category=category,
                words=doc.words,
                share=share,
                reused={src: matches.get(src, 0.0) for src in sources},
                similarity={
                    src: 100.0 * containment(tokens, source_tokens[src]) for src in sources
                },
                rewritten={
                    src: rewritten[doc.id, src] for src in sources if (doc.id, src) in rewritten
                },
            )
        )
    return answers, seconds


def _distribution(values: Sequence[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "mean": statistics.fmean(values),
        "max": max(values),
    }


def summarize(answers: Sequence[Answer]) -> dict[str, Any]:
    """Return the figures (see the module docstring) of measured answers."""

    def own(a: Answer, kind: str) -> float:
        figures = {"share": a.share, "reused": a.reused, "similarity": a.similarity}
        return (a.report if kind == "report" else figures[kind])[a.source]

    figures: dict[str, Any] = {"answers": len(answers)}
    for kind in KINDS:
        by_cat = {c: [own(a, kind) for a in answers if a.category == c] for c in CATEGORIES}
        non = by_cat["non"]
        derived = [x for c in DERIVED for x in by_cat[c]]
        figures[kind] = {
            "distribution": {c: _distribution(v) for c, v in by_cat.items() if v},
            "auc_derived_vs_non": auc(derived, non),
            **{f"auc_{c}_vs_non": auc(by_cat[c], non) for c in DERIVED},
        }
    figures["report"]["found"] = {
        c: sum(1 for a in answers if a.category == c and own(a, "report") > 0) for c in CATEGORIES
    }
    figures["report"]["answers"] = {
        c: sum(1 for a in answers if a.category == c) for c in CATEGORIES
    }
    derived_answers = [a for a in answers if a.category in DERIVED]
    right = [a for a in derived_answers if a.top_source == a.source]
    figures["attribution_accuracy"] = len(right) / len(derived_answers)
    figures["attribution_wrong"] = sorted(
        f"{a.id}->{a.top_source}" for a in derived_answers if a.top_source != a.source
    )
    figures["similarity_attribution_accuracy"] = sum(
        1 for a in derived_answers if max(a.similarity, key=a.similarity.__getitem__) == a.source
    ) / len(derived_answers)
    return figures


def evaluate(corpus: Path = DEFAULT_CORPUS, **options: Any) -> dict[str, Any]:
    """Scan the corpus and return its figures (plus ``scan_seconds``)."""
    answers, seconds = measure(corpus, **options)
    figures = summarize(answers)
    figures["scan_seconds"] = round(seconds, 2)
    return figures


def table(figures: Mapping[str, Any]) -> str:
    """Return the per-category distributions and AUCs as a text table."""
    rows = []
    for kind in KINDS:
        for category, d in figures[kind]["distribution"].items():
            auc_key = f"auc_{category}_vs_non" if category != "non" else None
            rows.append(
                [
                    _KIND_LABEL[kind],
                    category,
                    f"{d['min']:.1f}",
                    f"{d['median']:.1f}",
                    f"{d['mean']:.1f}",
                    f"{d['max']:.1f}",
                    f"{figures[kind][auc_key]:.4f}" if auc_key else "-",
                ]
            )
        rows.append(
            [
                _KIND_LABEL[kind],
                "derived",
                "",
                "",
                "",
                "",
                f"{figures[kind]['auc_derived_vs_non']:.4f}",
            ]
        )
    headers = ["share of answer in its source", "category", "min", "median", "mean", "max", "AUC"]
    return str(tabulate(rows, headers=headers, disable_numparse=True))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the Clough-Stevenson figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = evaluate(args.corpus)
    print(table(figures))
    print(f"attribution accuracy: {figures['attribution_accuracy']:.4f}")
    print(
        "attribution accuracy by 3-gram containment:"
        f" {figures['similarity_attribution_accuracy']:.4f}"
    )
    print(f"wrong attributions: {', '.join(figures['attribution_wrong']) or '-'}")
    found, counts = figures["report"]["found"], figures["report"]["answers"]
    print(
        "answers the report links to their source (a passage or a rewrite): "
        + ", ".join(f"{c} {found[c]} of {counts[c]}" for c in CATEGORIES)
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
