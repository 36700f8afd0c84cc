"""Measured accuracy of dedupe on labelled corpora, against the targets of issue #3.

Runs every benchmark with the same dedupe options and prints one table of figures with their
targets (met / missed by how much), and writes all figures as JSON:

* PAN 2013 no-obfuscation (:mod:`benchmarks.pan`): plagdet, precision, recall, granularity;
* Clough & Stevenson (:mod:`benchmarks.clough`): AUCs of each answer's share found in its
  source, of its rewrite similarity (3-gram containment) in it and of the report's own score
  (the share of a shared passage, else the similarity of a reported rewrite), attribution
  accuracy;
* synthetic newsroom (:mod:`benchmarks.synthetic`): reused-word precision and recall, reused
  percentage error, original-source accuracy;
* the five seed articles (:mod:`benchmarks.seeds`): share of a careful reader's facts held;
* wire credit forms (:mod:`benchmarks.credit_forms`): precision and recall of credit detection
  on a generated corpus of every wire's credit forms and of look-alikes that are no credit.

``--fast`` runs the subset the quality gate (``tests/test_quality_gate.py``) checks: the
Clough-Stevenson corpus and the seeds in full, a 600-article synthetic corpus (seed 1) and PAN
restricted to a deterministic sample of about 60 labelled pairs (every ``k``-th of the sorted
labelled pairs; only the documents of those pairs are scanned, and only their truth is scored).
``--write-floors`` (with ``--fast``) re-measures ``benchmarks/floors.json``: each figure's floor
(the measured value to 2 decimals, rounded down, minus 0.01; for figures where lower is better,
a ceiling rounded up, plus 0.01) and the SHA-256 digest of the corpus files measured.

    python -m benchmarks.quality                      # full run (30-80 s on 2 cores)
    python -m benchmarks.quality --fast               # the gate's subset (5-10 s)
    python -m benchmarks.quality --fast --write-floors
    python -m benchmarks.quality --option max_gap=4   # any dedupe.scan keyword option
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tabulate import tabulate

import dedupe
from benchmarks import clough, credit_forms, exact_runs, ocr, pan, planted, seeds, shapes, synthetic
from benchmarks import filter as filter_benchmark
from benchmarks.pan_measures import load_truth, pan_scores

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_JSON = ROOT / "benchmarks" / "out" / "quality.json"
FLOORS_PATH = ROOT / "benchmarks" / "floors.json"

FULL_SYNTHETIC_ARTICLES = 3000
FAST_SYNTHETIC_ARTICLES = 600
SYNTHETIC_SEED = 1
FAST_PAN_PAIRS = 60
# Issue #17: planted passages (articles, passages, carriers of the widest ones), OCR pages.
FULL_PLANTED = (3000, 600, (300, 150, 40))
FAST_PLANTED = (600, 120, (100, 30))
FULL_OCR_PAGES = 300
FAST_OCR_PAGES = 200
OCR_RATE = 0.03
OCR_MODE_RATE = 0.05
# Issue #13: records of the filter corpus (benchmarks/filter.py) kept or dropped.
FULL_FILTER_RECORDS = 5000
FAST_FILTER_RECORDS = 2000


@dataclass(frozen=True)
class Target:
    """A target of the issue: ``value >= bound`` (``higher``) or ``value <= bound``."""

    bound: float
    higher: bool = True

    def met(self, value: float) -> bool:
        return value >= self.bound if self.higher else value <= self.bound

    def describe(self) -> str:
        return f"{'>=' if self.higher else '<='} {self.bound:g}"


TARGETS = {
    "pan.plagdet": Target(0.97),
    "clough.auc_derived_vs_non": Target(0.97),
    "clough.auc_heavy_vs_non": Target(0.97),
    # Rewrites as a similarity figure (3-gram containment), not copied words.
    "clough.similarity_auc_derived_vs_non": Target(0.97),
    "clough.similarity_auc_heavy_vs_non": Target(0.97),
    # The report's own score: copied share, else the similarity of a reported rewrite.
    "clough.report_auc_derived_vs_non": Target(0.97),
    "clough.report_auc_heavy_vs_non": Target(0.97),
    "synthetic.precision_le_0.10": Target(0.98),
    "synthetic.recall_le_0.10": Target(0.95),
    "synthetic.recall_observable_le_0.10": Target(0.95),
    "synthetic.pct_error_median": Target(2.0, higher=False),
    "synthetic.source_accuracy": Target(0.98),
    "credits.precision": Target(0.99),
    "credits.recall": Target(0.99),
    # The families issue's acceptance, on small corpora of its shapes (benchmarks/shapes.py).
    "shapes.wire_copied_percent": Target(5.0, higher=False),
    "shapes.copies_min_family_percent": Target(95.0),
    "shapes.one_story_family": Target(1.0),
    "shapes.chrome_max_copied_percent": Target(5.0, higher=False),
    "shapes.chrome_sources_given": Target(0.0, higher=False),
    # Issue #17: every shared run found (benchmarks/planted.py, exact_runs.py, ocr.py).
    "planted.recall": Target(0.99),
    "planted.false_pairs": Target(0.0, higher=False),
    "planted.exact_passages": Target(1.0),
    "news_clusters.run12_recall": Target(0.99),
    "ocr.recall_3pct": Target(0.95),
    # Issue #13: dedupe filter against the truth of its corpus (benchmarks/filter.py).
    "filter.stories_one_kept": Target(0.99),
    "filter.wire_original_kept": Target(1.0),
    "filter.partial_or_independent_dropped": Target(0.0, higher=False),
    "filter.fields_changed": Target(0.0, higher=False),
}

#: Figures where lower is better (they get a ceiling in floors.json instead of a floor).
LOWER_IS_BETTER = {
    "pan.granularity",
    "synthetic.pct_error_median",
    "synthetic.pct_error_p90",
    "synthetic.pct_error_median_le_0.10",
    "synthetic.source_null",
    "synthetic.source_null_all",
    "shapes.wire_copied_percent",
    "shapes.chrome_max_copied_percent",
    "shapes.chrome_sources_given",
    "planted.false_pairs",
    "ocr.false_pairs",
    "filter.partial_or_independent_dropped",
    "filter.fields_changed",
}


# --- PAN sample -----------------------------------------------------------------------------


def pan_sample(corpus: Path, pairs: int) -> list[tuple[str, str]]:
    """Every k-th of the sorted labelled pairs, k = max(1, labelled // pairs)."""
    labelled = sorted(pan.labelled_pairs(corpus))
    return labelled[:: max(1, len(labelled) // pairs)]


def pan_files(corpus: Path, sample: Sequence[tuple[str, str]] | None) -> list[Path]:
    """The PAN files a run reads: truth, pairs and the scanned documents."""
    fixed = [corpus / "truth-realigned.csv", corpus / "02-no-obfuscation" / "pairs"]
    if sample is None:
        return (
            fixed + sorted((corpus / "susp").glob("*.txt")) + sorted((corpus / "src").glob("*.txt"))
        )
    susp = {corpus / "susp" / s for s, _ in sample}
    src = {corpus / "src" / r for _, r in sample}
    return fixed + sorted(susp) + sorted(src)


def evaluate_pan_sample(corpus: Path, pairs: int, **options: Any) -> dict[str, Any]:
    """PAN figures on a deterministic sample of labelled pairs (only their documents scanned)."""
    sample = set(pan_sample(corpus, pairs))
    cases = [c for c in load_truth(corpus / "truth-realigned.csv") if (c.susp, c.src) in sample]
    paths = pan_files(corpus, sorted(sample))[2:]
    started = time.perf_counter()
    report = dedupe.scan(paths, pairs=True, **options)
    seconds = time.perf_counter() - started
    found = pan.detections(report)
    judged = [d for d in found if (d.susp, d.src) in sample]
    scores = pan_scores(cases, judged)
    scores.update(
        pairs=len(sample),
        unjudged_detections=len(found) - len(judged),
        documents=len(report.documents),
        scan_seconds=round(seconds, 2),
    )
    return scores


# --- corpora digest -------------------------------------------------------------------------


def corpora_files(corpora: Path = CORPORA, pan_pairs: int | None = FAST_PAN_PAIRS) -> list[Path]:
    """The corpus files a run measures: seeds, Clough-Stevenson and the PAN files used
    (``pan_pairs`` None: all of PAN)."""
    pan_dir = corpora / "pan13-no-obfuscation"
    sample = pan_sample(pan_dir, pan_pairs) if pan_pairs is not None else None
    return [
        *sorted(p for p in (corpora / "seeds").rglob("*") if p.is_file()),
        *sorted(p for p in (corpora / "clough-stevenson").rglob("*") if p.is_file()),
        *pan_files(pan_dir, sample),
        corpora / "news-clusters" / "articles.jsonl",
    ]


def corpora_digest(files: Iterable[Path], root: Path = CORPORA) -> str:
    """SHA-256 over the files sorted by relative path: each path, its length and its bytes."""
    digest = hashlib.sha256()
    for rel, path in sorted((p.relative_to(root).as_posix(), p) for p in files):
        data = path.read_bytes()
        digest.update(rel.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def code_state(root: Path = ROOT) -> dict[str, Any]:
    """The dedupe code measured: git commit, files changed since it, and a digest of the package
    sources (the figures belong to exactly that code)."""
    package = root / "dedupe"
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and p.is_file())
    state: dict[str, Any] = {"dedupe_sha256": corpora_digest(files, root)}
    for key, command in (
        ("commit", ["git", "rev-parse", "HEAD"]),
        ("changed", ["git", "diff", "--name-only", "HEAD", "--", "dedupe"]),
    ):
        try:
            done = subprocess.run(
                command, cwd=root, capture_output=True, text=True, timeout=20, check=True
            )
            state[key] = done.stdout.split() if key == "changed" else done.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            state[key] = None
    return state


# --- the run --------------------------------------------------------------------------------


def run(
    fast: bool = False,
    corpora: Path = CORPORA,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Run every benchmark and return ``{"figures": {name: value}, "details": ..., ...}``."""
    say = progress or (lambda _: None)
    details: dict[str, Any] = {}
    seconds: dict[str, float] = {}

    def timed(name: str, job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        say(f"{name} ...")
        started = time.perf_counter()
        result = job()
        seconds[name] = round(time.perf_counter() - started, 2)
        details[name] = result
        return result

    articles = FAST_SYNTHETIC_ARTICLES if fast else FULL_SYNTHETIC_ARTICLES
    pan_dir = corpora / "pan13-no-obfuscation"
    c = timed("clough", lambda: clough.evaluate(corpora / "clough-stevenson", **options))
    s = timed("seeds", lambda: seeds.evaluate(corpora / "seeds", **options))
    y = timed("synthetic", lambda: synthetic.evaluate(articles, SYNTHETIC_SEED, **options))
    k = timed("credits", _credit_figures)
    h = timed("shapes", shapes.quality_figures)
    if fast:
        p = timed("pan", lambda: evaluate_pan_sample(pan_dir, FAST_PAN_PAIRS, **options))
    else:
        p = timed("pan", lambda: pan.evaluate(pan_dir, **options))
    sizes = FAST_PLANTED if fast else FULL_PLANTED
    t = timed("planted", lambda: planted.evaluate(sizes[0], sizes[1], wide=sizes[2], **options))
    news = corpora / "news-clusters" / "articles.jsonl"
    r = timed("news_clusters", lambda: _run_figures(news, options))
    pages = FAST_OCR_PAGES if fast else FULL_OCR_PAGES
    o = timed("ocr", lambda: ocr.evaluate(pages, OCR_RATE, **options))
    noisy = timed(
        "ocr_mode", lambda: ocr.evaluate(pages, OCR_MODE_RATE, **{**options, "ocr": True})
    )
    records = FAST_FILTER_RECORDS if fast else FULL_FILTER_RECORDS
    f = timed("filter", lambda: filter_benchmark.quality_figures(records, **options))
    le = y["groups"][f"edit <= {synthetic.TARGET_EDIT_RATE:.2f}"]
    overall = y["groups"]["overall"]
    figures: dict[str, float] = {
        "pan.plagdet": p["plagdet"],
        "pan.precision": p["precision"],
        "pan.recall": p["recall"],
        "pan.granularity": p["granularity"],
        "clough.auc_derived_vs_non": c["share"]["auc_derived_vs_non"],
        "clough.auc_heavy_vs_non": c["share"]["auc_heavy_vs_non"],
        "clough.auc_light_vs_non": c["share"]["auc_light_vs_non"],
        "clough.auc_cut_vs_non": c["share"]["auc_cut_vs_non"],
        "clough.auc_derived_vs_non_reused_only": c["reused"]["auc_derived_vs_non"],
        "clough.attribution_accuracy": c["attribution_accuracy"],
        "clough.similarity_auc_derived_vs_non": c["similarity"]["auc_derived_vs_non"],
        "clough.similarity_auc_heavy_vs_non": c["similarity"]["auc_heavy_vs_non"],
        "clough.similarity_attribution_accuracy": c["similarity_attribution_accuracy"],
        "clough.report_auc_derived_vs_non": c["report"]["auc_derived_vs_non"],
        "clough.report_auc_heavy_vs_non": c["report"]["auc_heavy_vs_non"],
        "synthetic.precision_le_0.10": le["precision"],
        "synthetic.recall_le_0.10": le["recall"],
        "synthetic.recall_observable_le_0.10": le["recall_observable"],
        "synthetic.precision": overall["precision"],
        "synthetic.recall": overall["recall"],
        "synthetic.recall_observable": overall["recall_observable"],
        "synthetic.pct_error_median": overall["pct_error_median"],
        "synthetic.pct_error_median_le_0.10": le["pct_error_median"],
        "synthetic.pct_error_p90": overall["pct_error_p90"],
        "synthetic.source_accuracy": overall["source_accuracy"],
        "synthetic.source_accuracy_le_0.10": le["source_accuracy"],
        "synthetic.source_null": overall["source_null"],
        "synthetic.source_null_all": overall["source_null_all"],
        "seeds.held_share": s["held_share"],
        "credits.precision": k["precision"],
        "credits.recall": k["recall"],
        **h,
        "planted.recall": t["recall"],
        "planted.false_pairs": float(t["false_pairs"]),
        "planted.exact_passages": t["exact_passages"],
        "news_clusters.run12_recall": r["recall"],
        "ocr.recall_3pct": o["recall"],
        "ocr.recall_5pct_ocr_mode": noisy["recall"],
        "ocr.false_pairs": float(o["false_pairs"] + noisy["false_pairs"]),
        "filter.stories_one_kept": f["stories_one_kept"],
        "filter.wire_original_kept": f["wire_original_kept"],
        "filter.dropped_precision": f["dropped_precision"],
        "filter.dropped_recall": f["dropped_recall"],
        "filter.partial_or_independent_dropped": float(
            f["partial_dropped"] + f["independent_dropped"]
        ),
        "filter.fields_changed": float(f["passthrough"]["changed"]),
    }
    return {
        "mode": "fast" if fast else "full",
        "code": code_state(),
        "options": dict(options),
        "synthetic": {"articles": articles, "seed": SYNTHETIC_SEED},
        "pan_pairs": FAST_PAN_PAIRS if fast else None,
        "figures": figures,
        "seconds": seconds,
        "details": details,
    }


def _run_figures(corpus: Path, options: Mapping[str, Any]) -> dict[str, Any]:
    """News-clusters' pairs sharing a run of 12 words that dedupe finds (exact_runs.py)."""
    found = exact_runs.measure(corpus, 12, dict(options))
    return {"pairs": found.pairs, "found": found.found, "recall": found.recall}


def _credit_figures() -> dict[str, Any]:
    """The credit-form figures without the missed and false cases themselves (kept for JSON)."""
    result = credit_forms.evaluate()
    return {k: v for k, v in result.items() if k not in ("misses", "false")}


def verdict(name: str, value: float) -> tuple[str, str]:
    """Return (target, met / missed by ...) for a figure ('' when it has no target)."""
    target = TARGETS.get(name)
    if target is None:
        return "", ""
    if target.met(value):
        return target.describe(), "met"
    return target.describe(), f"missed by {abs(value - target.bound):.4g}"


def figures_table(figures: Mapping[str, float]) -> str:
    """Return the figures with their targets as a text table."""
    rows = [[name, f"{value:.4f}", *verdict(name, value)] for name, value in figures.items()]
    headers = ["figure", "value", "target", "status"]
    return str(tabulate(rows, headers=headers, disable_numparse=True))


# --- floors ---------------------------------------------------------------------------------


def floor_of(value: float) -> float:
    """A 'do not regress' floor: the value to 2 decimals rounded down, minus 0.01."""
    return round(math.floor(value * 100 + 1e-9) / 100 - 0.01, 2)


def ceiling_of(value: float) -> float:
    """The mirror of :func:`floor_of` for figures where lower is better."""
    return round(math.ceil(value * 100 - 1e-9) / 100 + 0.01, 2)


def floors_record(result: Mapping[str, Any], corpora: Path = CORPORA) -> dict[str, Any]:
    """Return the floors.json content for a fast run."""
    figures = result["figures"]
    return {
        "about": "Quality gate floors (do-not-regress values, not targets) of the fast subset;"
        " re-measure with: python -m benchmarks.quality --fast --write-floors",
        "corpora_sha256": corpora_digest(corpora_files(corpora, FAST_PAN_PAIRS), corpora),
        "synthetic": result["synthetic"],
        "pan_pairs": result["pan_pairs"],
        "floors": {name: floor_of(v) for name, v in figures.items() if name not in LOWER_IS_BETTER},
        "ceilings": {name: ceiling_of(v) for name, v in figures.items() if name in LOWER_IS_BETTER},
    }


def _option(text: str) -> tuple[str, Any]:
    name, _, raw = text.partition("=")
    if not raw:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmarks, print the table of figures vs targets and write the JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="the quality gate's subset")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write figures here")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument(
        "--option",
        type=_option,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a dedupe.scan keyword option (repeatable), e.g. max_gap=4",
    )
    parser.add_argument(
        "--write-floors", action="store_true", help=f"with --fast: rewrite {FLOORS_PATH.name}"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every benchmark")
    args = parser.parse_args(argv)
    if args.write_floors and (not args.fast or args.option):
        parser.error("--write-floors needs --fast and default options")
    options = dict(args.option)
    started = time.perf_counter()
    result = run(args.fast, args.corpora, progress=print, **options)
    total = time.perf_counter() - started
    result["seconds"]["total"] = round(total, 2)
    if args.verbose:
        print(clough.table(result["details"]["clough"]))
        print(seeds.table(result["details"]["seeds"]))
        print(synthetic.table(result["details"]["synthetic"]))
    print(figures_table(result["figures"]))
    print(f"{result['mode']} run in {total:.1f} s ({result['seconds']})")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", "utf-8")
    print(f"figures written to {args.json}")
    if args.write_floors:
        FLOORS_PATH.write_text(
            json.dumps(floors_record(result, args.corpora), indent=2) + "\n", "utf-8"
        )
        print(f"floors written to {FLOORS_PATH}")


if __name__ == "__main__":
    main()
