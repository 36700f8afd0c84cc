"""PAN character-level plagiarism detection measures.

Implements precision, recall, granularity and plagdet as defined by Potthast, Stein,
Barrón-Cedeño & Rosso, "An Evaluation Framework for Plagiarism Detection" (COLING 2010),
the measures used for PAN 2013 text alignment.

A plagiarism case ``s`` (ground truth) or a detection ``r`` is a :class:`Case`: a span of a
suspicious document aligned with a span of a source document (character offsets, end
exclusive).  As in the official PAN evaluation script, an annotation is treated as the set of
its characters on *both* sides, i.e. its suspicious-side characters plus its source-side
characters, so ``|s| = (susp_end - susp_start) + (src_end - src_start)``.

``r`` *detects* ``s`` iff both refer to the same (suspicious, source) document pair and their
spans overlap on the suspicious side **and** on the source side.  ``s ⊓ r`` is then the set of
characters common to ``s`` and ``r`` (on both sides), and empty otherwise.  With ``S`` the cases
and ``R`` the detections::

    recall      = 1/|S| · Σ_{s∈S} |∪_{r∈R} (s ⊓ r)| / |s|
    precision   = 1/|R| · Σ_{r∈R} |∪_{s∈S} (s ⊓ r)| / |r|
    granularity = 1/|S_R| · Σ_{s∈S_R} |C_s|      (S_R: detected cases, C_s: detections of s)
    plagdet     = F1(precision, recall) / log2(1 + granularity)

Conventions for degenerate inputs (these follow the official PAN ``perfmeasures`` script):

* ``S`` and ``R`` both empty: precision = recall = 1 (nothing to find, nothing wrongly found).
* exactly one of ``S`` and ``R`` empty: precision = recall = 0.
* granularity is 1 when there are no detections or no case is detected.
* plagdet is 0 when precision + recall = 0.
* an annotation with an empty span on either side shares no character with anything on that
  side, so it never detects and is never detected: it contributes 0 to the average it belongs
  to (the official script would count a zero-length span strictly inside another as
  overlapping, or divide by zero when both spans are empty).

The implementation works per document pair with sorted intervals (bisect to find overlapping
candidates, sort-and-sweep to measure unions) instead of sets of characters, so hundreds of
cases against thousands of detections are scored in milliseconds.
"""

from __future__ import annotations

import bisect
import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

__all__ = ["DEFAULT_TRUTH_PATH", "Case", "load_truth", "pan_scores"]

#: The realigned PAN 2013 no-obfuscation ground truth, relative to the repository root.
DEFAULT_TRUTH_PATH = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "corpora"
    / "pan13-no-obfuscation"
    / "truth-realigned.csv"
)


@dataclass(frozen=True)
class Case:
    """A case or detection: ``susp[susp_start:susp_end]`` ~ ``src[src_start:src_end]``."""

    susp: str
    src: str
    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    def __post_init__(self) -> None:
        if not 0 <= self.susp_start <= self.susp_end:
            raise ValueError(f"bad suspicious span [{self.susp_start}, {self.susp_end})")
        if not 0 <= self.src_start <= self.src_end:
            raise ValueError(f"bad source span [{self.src_start}, {self.src_end})")

    @property
    def detectable(self) -> bool:
        """Whether both spans are non-empty (otherwise nothing can overlap it on both sides)."""
        return self.susp_end > self.susp_start and self.src_end > self.src_start

    @property
    def size(self) -> int:
        """Number of characters of the annotation, suspicious plus source side."""
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


def load_truth(csv_path: str | PathLike[str] = DEFAULT_TRUTH_PATH) -> list[Case]:
    """Read a PAN truth CSV (``susp, src, this_offset, this_length, source_offset,
    source_length`` columns, any others ignored) into a list of :class:`Case`."""
    required = ("susp", "src", "this_offset", "this_length", "source_offset", "source_length")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{csv_path}: missing columns {missing}")
        cases = []
        for row in reader:
            this_offset, source_offset = int(row["this_offset"]), int(row["source_offset"])
            cases.append(
                Case(
                    susp=row["susp"],
                    src=row["src"],
                    susp_start=this_offset,
                    susp_end=this_offset + int(row["this_length"]),
                    src_start=source_offset,
                    src_end=source_offset + int(row["source_length"]),
                )
            )
    return cases


def _union_length(intervals: list[tuple[int, int]]) -> int:
    """Total length of the union of half-open intervals."""
    intervals.sort()
    total = 0
    reach = -1  # right end of everything seen so far
    for start, end in intervals:
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


class _PairIndex:
    """The annotations of one document pair, sorted by suspicious start for bisecting."""

    __slots__ = ("anns", "max_len", "starts")

    def __init__(self, anns: list[Case]) -> None:
        self.anns = sorted(anns, key=lambda a: a.susp_start)
        self.starts = [a.susp_start for a in self.anns]
        self.max_len = max((a.susp_end - a.susp_start for a in self.anns), default=0)

    def detecting(self, a: Case) -> list[Case]:
        """Annotations that overlap ``a`` on both the suspicious and the source side."""
        lo = bisect.bisect_left(self.starts, a.susp_start - self.max_len)
        hi = bisect.bisect_left(self.starts, a.susp_end)
        return [
            b
            for b in self.anns[lo:hi]
            if b.susp_end > a.susp_start and b.src_start < a.src_end and b.src_end > a.src_start
        ]


def _index(anns: Sequence[Case]) -> dict[tuple[str, str], _PairIndex]:
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for a in anns:
        if a.detectable:
            groups[(a.susp, a.src)].append(a)
    return {pair: _PairIndex(group) for pair, group in groups.items()}


def _coverage(a: Case, hits: list[Case]) -> float:
    """``|∪_{b∈hits} (a ⊓ b)| / |a|`` for annotations ``hits`` that all detect ``a``."""
    susp = [(max(b.susp_start, a.susp_start), min(b.susp_end, a.susp_end)) for b in hits]
    src = [(max(b.src_start, a.src_start), min(b.src_end, a.src_end)) for b in hits]
    return (_union_length(susp) + _union_length(src)) / a.size


def _macro_recall(cases: Sequence[Case], detections: Sequence[Case]) -> tuple[float, list[int]]:
    """Macro-averaged recall of ``detections`` on ``cases`` (precision when swapped), and for
    each case the number of detections that detect it."""
    index = _index(detections)
    total = 0.0
    counts = []
    for case in cases:
        pair = index.get((case.susp, case.src))
        hits = pair.detecting(case) if pair is not None and case.detectable else []
        counts.append(len(hits))
        if hits:
            total += _coverage(case, hits)
    return total / len(cases), counts


def pan_scores(cases: Sequence[Case], detections: Sequence[Case]) -> dict[str, float]:
    """PAN precision, recall, granularity and plagdet of ``detections`` against ``cases``.

    Also returns the counts ``cases``, ``detections`` and ``detected_cases`` (cases detected by
    at least one detection).  See the module docstring for the empty-set conventions.
    """
    n_cases, n_dets = len(cases), len(detections)
    detected = 0
    granularity = 1.0
    if n_cases and n_dets:
        recall, per_case = _macro_recall(cases, detections)
        precision, _ = _macro_recall(detections, cases)
        detected = sum(1 for c in per_case if c)
        if detected:
            granularity = sum(per_case) / detected
    elif not n_cases and not n_dets:
        precision = recall = 1.0
    else:
        precision = recall = 0.0
    if precision + recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
        plagdet = f1 / math.log2(1 + granularity)
    else:
        plagdet = 0.0
    return {
        "precision": precision,
        "recall": recall,
        "granularity": granularity,
        "plagdet": plagdet,
        "cases": n_cases,
        "detections": n_dets,
        "detected_cases": detected,
    }
