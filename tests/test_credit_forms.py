"""Tests of the credit-form corpus (benchmarks/credit_forms.py) and of its scorer."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks import credit_forms
from benchmarks.credit_forms import PLACEMENTS, Case, build, evaluate, judge
from dedupe.attribution import load_wires


@pytest.fixture(scope="module")
def corpus() -> list[Case]:
    return build()


def test_the_corpus_is_the_same_for_a_seed(corpus: list[Case]) -> None:
    assert build() == corpus
    assert build(credit_forms.DEFAULT_SEED + 1) != corpus


def test_every_wire_has_forms_in_every_placement(corpus: list[Case]) -> None:
    positives = [c for c in corpus if c.wire is not None]
    assert len(positives) >= 150 * len(PLACEMENTS)
    assert {c.wire for c in positives} == {w.name for w in load_wires()}
    assert Counter(c.placement for c in positives).keys() == set(PLACEMENTS)
    for case in positives:
        start, end = case.story
        assert 0 <= start < end <= len(case.text)


def test_as_many_negatives_as_positives(corpus: list[Case]) -> None:
    counts = Counter(c.wire is None for c in corpus)
    assert counts[True] == counts[False]
    kinds = {c.family for c in corpus if c.wire is None}
    assert kinds == {"news source", "photo credit", "headline"}


@pytest.mark.parametrize(
    ("case", "found", "false"),
    [
        (
            Case("BAGHDAD (Reuters) - Talks resume.", "Reuters", (0, 10), "d", "start", ""),
            True,
            False,
        ),
        (Case("BAGHDAD (Reuters) - Talks resume.", "AFP", (0, 10), "d", "start", ""), False, True),
        (Case("BAGHDAD - Talks resume.", "Reuters", (0, 10), "d", "start", ""), False, False),
        (Case("Talks resume, AFP said.", None, (0, 0), "n", "start", ""), False, False),
        (Case("PARIS (AFP) - Talks resume.", None, (0, 0), "n", "start", ""), False, True),
    ],
)
def test_judge(case: Case, found: bool, false: bool) -> None:
    outcome = judge(case)
    assert (outcome.found, outcome.false) == (found, false)


def test_evaluate_reports_precision_and_recall() -> None:
    result = evaluate()
    assert result["positives"] == result["negatives"]
    assert result["precision"] == result["found"] / (result["found"] + result["false_positives"])
    assert result["recall"] == result["found"] / result["positives"]
    assert result["precision"] >= 0.99 and result["recall"] >= 0.99
