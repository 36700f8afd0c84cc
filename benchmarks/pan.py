"""PAN 2013 text alignment (no obfuscation): dedupe's passages scored with PAN's measures.

All suspicious and source documents are scanned together with dedupe's default options (no
pair hints: dedupe must find each source among all 1,949 itself). Every passage dedupe reports
between a suspicious and a source document is a detection; adjacent passages of one pair
(within `merge_gap` characters on both sides, quote or not: PAN does not distinguish
quotations) are merged into one detection. As in PAN's own evaluation, detections are scored on
the labelled (suspicious, source) pairs of `02-no-obfuscation/pairs`. The same suspicious
documents also hold long passages from other sources, reuse of PAN's other obfuscation types
whose truth is not in this subset; those detections cannot be judged here and are only counted
(`unjudged_detections`).

    python -m benchmarks.pan [--corpus ../shared/corpora/pan13-no-obfuscation] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dedupe
from benchmarks.pan_measures import Case, load_truth, pan_scores

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpora/pan13-no-obfuscation"


def detections(report: dedupe.Report, merge_gap: int = 300) -> list[Case]:
    """Return the report's suspicious-vs-source passages as PAN detections, adjacent ones merged."""
    found: list[Case] = []
    for pair in report.pairs:
        kinds = (pair.a.startswith("suspicious"), pair.b.startswith("suspicious"))
        if kinds not in ((True, False), (False, True)):
            continue
        spans = [
            (p.a_start, p.a_end, p.b_start, p.b_end)
            if kinds[0]
            else (p.b_start, p.b_end, p.a_start, p.a_end)
            for p in pair.passages
        ]
        susp, src = (pair.a, pair.b) if kinds[0] else (pair.b, pair.a)
        found.extend(
            Case(susp + ".txt", src + ".txt", *span) for span in _merge(sorted(spans), merge_gap)
        )
    return found


def _merge(spans: Sequence[tuple[int, int, int, int]], gap: int) -> list[tuple[int, int, int, int]]:
    merged: list[list[int]] = []
    for s0, s1, r0, r1 in spans:
        last = merged[-1] if merged else None
        if last and s0 - last[1] <= gap and -gap <= r0 - last[3] <= gap:
            last[1], last[2], last[3] = max(last[1], s1), min(last[2], r0), max(last[3], r1)
        else:
            merged.append([s0, s1, r0, r1])
    return [(a, b, c, d) for a, b, c, d in merged]


def labelled_pairs(corpus: Path) -> set[tuple[str, str]]:
    """Return the (suspicious, source) file names of the labelled pairs."""
    lines = (corpus / "02-no-obfuscation" / "pairs").read_text("utf-8").split("\n")
    return {(line.split()[0], line.split()[1]) for line in lines if line.strip()}


def evaluate(corpus: Path = DEFAULT_CORPUS, **options: Any) -> dict[str, Any]:
    """Return PAN precision, recall, granularity and plagdet of dedupe on the corpus."""
    cases = load_truth(corpus / "truth-realigned.csv")
    started = time.perf_counter()
    report = dedupe.scan([corpus / "susp", corpus / "src"], pairs=True, **options)
    seconds = time.perf_counter() - started
    labelled = labelled_pairs(corpus)
    found = detections(report)
    judged = [d for d in found if (d.susp, d.src) in labelled]
    scores = pan_scores(cases, judged)
    scores.update(
        unjudged_detections=len(found) - len(judged),
        documents=len(report.documents),
        scan_seconds=round(seconds, 2),
    )
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    """Print the PAN figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    scores = evaluate(args.corpus)
    for name, value in scores.items():
        print(f"{name:>16}: {value:.4f}" if isinstance(value, float) else f"{name:>16}: {value}")
    if args.json:
        args.json.write_text(json.dumps(scores, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
