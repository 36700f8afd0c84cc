"""Tests for the PAN character-level measures in ``benchmarks.pan_measures``."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.pan_measures import DEFAULT_TRUTH_PATH, Case, load_truth, pan_scores

LOG3 = math.log2(3)


def C(ss: int, se: int, rs: int, re: int, susp: str = "susp1", src: str = "src1") -> Case:
    return Case(susp, src, ss, se, rs, re)


# (name, cases, detections, expected precision, recall, granularity, plagdet, detected_cases)
HAND_MADE = [
    ("perfect", [C(0, 100, 0, 100)], [C(0, 100, 0, 100)], 1.0, 1.0, 1.0, 1.0, 1),
    (
        # Each half is entirely inside the case: precision 1; together they cover all 200
        # characters: recall 1; but two detections for one case: granularity 2.
        "two_halves",
        [C(0, 100, 0, 100)],
        [C(0, 50, 0, 50), C(50, 100, 50, 100)],
        1.0,
        1.0,
        2.0,
        1.0 / LOG3,
        1,
    ),
    (
        # |r| = 200 + 100 = 300, of which 100 + 100 = 200 belong to the case: precision 2/3;
        # recall 1; F1 = 2·(2/3)/(5/3) = 0.8.
        "detection_twice_as_long_on_susp_side",
        [C(0, 100, 0, 100)],
        [C(0, 200, 0, 100)],
        2 / 3,
        1.0,
        1.0,
        0.8,
        1,
    ),
    (
        "wrong_document_pair",
        [C(0, 100, 0, 100)],
        [C(0, 100, 0, 100, src="src2")],
        0.0,
        0.0,
        1.0,
        0.0,
        0,
    ),
    (
        "wrong_suspicious_document",
        [C(0, 100, 0, 100)],
        [C(0, 100, 0, 100, susp="susp2")],
        0.0,
        0.0,
        1.0,
        0.0,
        0,
    ),
    (
        # Overlap on the suspicious side only: r does not detect s.
        "source_side_disjoint",
        [C(0, 100, 0, 100)],
        [C(0, 100, 100, 200)],
        0.0,
        0.0,
        1.0,
        0.0,
        0,
    ),
    ("no_detections", [C(0, 100, 0, 100)], [], 0.0, 0.0, 1.0, 0.0, 0),
    ("no_cases", [], [C(0, 100, 0, 100)], 0.0, 0.0, 1.0, 0.0, 0),
    ("nothing_at_all", [], [], 1.0, 1.0, 1.0, 1.0, 0),
    (
        # The second detection lies inside the first: the union covers 60 + 60 = 120 of the
        # case's 200 characters (not 120 + 80): recall 0.6; precision 1; granularity 2;
        # F1 = 2·0.6/1.6 = 0.75.
        "overlapping_detections_union_counted_once",
        [C(0, 100, 0, 100)],
        [C(0, 60, 0, 60), C(20, 60, 20, 60)],
        1.0,
        0.6,
        2.0,
        0.75 / LOG3,
        1,
    ),
    (
        # Case 1 half detected (recall 0.5), case 2 missed (0): recall 0.25; precision 1;
        # F1 = 2·0.25/1.25 = 0.4.
        "one_of_two_cases_half_detected",
        [C(0, 100, 0, 100), C(0, 100, 0, 100, src="src2")],
        [C(0, 50, 0, 50)],
        1.0,
        0.25,
        1.0,
        0.4,
        1,
    ),
    (
        # One detection covering two cases of the same pair and the gap between them:
        # |r| = 600, of which 400 characters belong to a case: precision 2/3; recall 1;
        # each case has one detection: granularity 1.
        "one_detection_spanning_two_cases",
        [C(0, 100, 0, 100), C(200, 300, 200, 300)],
        [C(0, 300, 0, 300)],
        2 / 3,
        1.0,
        1.0,
        0.8,
        2,
    ),
    (
        # Two cases of the same pair are partly overlapped by one detection on each side:
        # detection [50,150)x[50,150) gets 50+50 from case A and 50+50 from case B.
        "detection_straddling_two_cases",
        [C(0, 100, 0, 100), C(100, 200, 100, 200)],
        [C(50, 150, 50, 150)],
        1.0,
        0.5,
        1.0,
        2 * 0.5 / 1.5,
        2,
    ),
    (
        # Empty spans never overlap anything.
        "empty_detection_span",
        [C(0, 100, 0, 100)],
        [C(50, 50, 0, 100)],
        0.0,
        0.0,
        1.0,
        0.0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("cases", "detections", "precision", "recall", "granularity", "plagdet", "detected"),
    [pytest.param(*row[1:], id=row[0]) for row in HAND_MADE],
)
def test_hand_made(cases, detections, precision, recall, granularity, plagdet, detected):
    scores = pan_scores(cases, detections)
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert scores["granularity"] == pytest.approx(granularity)
    assert scores["plagdet"] == pytest.approx(plagdet)
    assert scores["detected_cases"] == detected
    assert scores["cases"] == len(cases)
    assert scores["detections"] == len(detections)


def test_invalid_case_rejected():
    with pytest.raises(ValueError):
        C(10, 5, 0, 1)
    with pytest.raises(ValueError):
        C(-1, 5, 0, 1)


# --- brute force reference with explicit character sets -----------------------------------


def _chars(a: Case) -> set[tuple[str, str, int]]:
    return {("s", a.susp, i) for i in range(a.susp_start, a.susp_end)} | {
        ("r", a.src, i) for i in range(a.src_start, a.src_end)
    }


def _detects(r: Case, s: Case) -> bool:
    return (
        r.susp == s.susp
        and r.src == s.src
        and len(set(range(r.susp_start, r.susp_end)) & set(range(s.susp_start, s.susp_end))) > 0
        and len(set(range(r.src_start, r.src_end)) & set(range(s.src_start, s.src_end))) > 0
    )


def _brute(cases: list[Case], dets: list[Case]) -> tuple[float, float, float]:
    if not cases and not dets:
        return 1.0, 1.0, 1.0
    if not cases or not dets:
        return 0.0, 0.0, 1.0

    def macro(xs: list[Case], ys: list[Case]) -> float:
        total = 0.0
        for x in xs:
            covered = set()
            for y in ys:
                if _detects(y, x):
                    covered |= _chars(x) & _chars(y)
            if covered:
                total += len(covered) / len(_chars(x))
        return total / len(xs)

    counts = [sum(_detects(r, s) for r in dets) for s in cases]
    detected = [c for c in counts if c]
    gran = sum(detected) / len(detected) if detected else 1.0
    return macro(dets, cases), macro(cases, dets), gran


_span = st.tuples(st.integers(0, 40), st.integers(0, 25)).map(lambda t: (t[0], t[0] + t[1]))
_ann = st.builds(
    lambda susp, src, a, b: Case(susp, src, a[0], a[1], b[0], b[1]),
    st.sampled_from(["d1", "d2"]),
    st.sampled_from(["s1", "s2"]),
    _span,
    _span,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ann, max_size=6), st.lists(_ann, max_size=8))
def test_matches_brute_force(cases, dets):
    scores = pan_scores(cases, dets)
    precision, recall, gran = _brute(cases, dets)
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert scores["granularity"] == pytest.approx(gran)
    if precision + recall:
        f1 = 2 * precision * recall / (precision + recall)
        assert scores["plagdet"] == pytest.approx(f1 / math.log2(1 + gran))
    else:
        assert scores["plagdet"] == 0.0


def test_symmetry_precision_is_recall_swapped():
    rng = random.Random(3)
    cases = [C(i * 300, i * 300 + 200, i * 100, i * 100 + 150) for i in range(20)]
    dets = [
        C(
            c.susp_start + rng.randint(-50, 50) + 50,
            c.susp_end + rng.randint(-50, 50) + 50,
            0,
            10**6,
        )
        for c in cases
    ]
    forward, backward = pan_scores(cases, dets), pan_scores(dets, cases)
    assert forward["precision"] == pytest.approx(backward["recall"])
    assert forward["recall"] == pytest.approx(backward["precision"])


def test_scores_of_600_cases_thousands_of_detections():
    rng = random.Random(0)
    cases = []
    for i in range(600):
        ss, rs = rng.randrange(0, 50_000), rng.randrange(0, 50_000)
        n = rng.randrange(200, 3000)
        cases.append(Case(f"susp{i % 300}", f"src{i % 450}", ss, ss + n, rs, rs + n))
    dets = []
    for c in cases:  # several fragments per case plus noise
        for _ in range(rng.randrange(1, 8)):
            a = rng.randrange(c.susp_start - 100, c.susp_end)
            b = rng.randrange(c.src_start - 100, c.src_end)
            n = rng.randrange(50, 800)
            dets.append(Case(c.susp, c.src, max(a, 0), max(a, 0) + n, max(b, 0), max(b, 0) + n))
    for _ in range(1500):
        a, b = rng.randrange(0, 50_000), rng.randrange(0, 50_000)
        dets.append(
            Case(f"susp{rng.randrange(300)}", f"src{rng.randrange(450)}", a, a + 500, b, b + 500)
        )
    assert len(dets) > 3000
    # Speed is the benchmarks' business (a timed assertion here failed on a busy machine).
    scores = pan_scores(cases, dets)
    assert 0 < scores["precision"] < 1 and 0 < scores["recall"] < 1
    assert scores["granularity"] > 1


@pytest.mark.skipif(not DEFAULT_TRUTH_PATH.exists(), reason="PAN 2013 corpus not available")
def test_load_truth_real_file():
    cases = load_truth(DEFAULT_TRUTH_PATH)
    assert len(cases) == 624
    first = cases[0]
    assert first == Case(
        "suspicious-document00005.txt",
        "source-document01090.txt",
        3594,
        3594 + 684,
        1320,
        1320 + 682,
    )
    scores = pan_scores(cases, cases)
    assert scores["plagdet"] == pytest.approx(1.0)
    assert scores["detected_cases"] == len(cases)


def test_load_truth_reads_header(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text(
        "source_length,susp,extra,src,this_offset,this_length,source_offset\n"
        "7,a.txt,x,b.txt,10,5,3\n",
        encoding="utf-8",
    )
    assert load_truth(path) == [Case("a.txt", "b.txt", 10, 15, 3, 10)]
    bad = tmp_path / "bad.csv"
    bad.write_text("susp,src\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        load_truth(bad)
