"""Tests of the rewrite similarity: the share of a text's 3-word n-grams another text holds."""

from __future__ import annotations

import pytest

from dedupe.similarity import containment
from dedupe.text import tokenize

SOURCE = (
    "PageRank is a link analysis algorithm used by the Google search engine that assigns a "
    "numerical weighting to each element of a hyperlinked set of documents, such as the World "
    "Wide Web, with the purpose of measuring its relative importance within the set."
)
# The same facts, reworded: few runs of 5 equal words, several of 3.
REWRITE = (
    "The Google search engine uses PageRank, a link analysis algorithm, which gives each "
    "element of a hyperlinked set of documents a numerical weighting that is meant to show "
    "its relative importance within the set."
)
UNRELATED = (
    "Heavy rain flooded several roads in the southern suburbs overnight, forcing commuters to "
    "find other routes to work and closing two primary schools until further notice."
)
SAME_SUBJECT = (
    "Search engines rank web pages by counting the links that point to them, so that a page "
    "many other pages cite comes first in the results a user sees."
)


def test_identical_texts_contain_each_other_whole() -> None:
    assert containment(tokenize(SOURCE), tokenize(SOURCE)) == 1.0


def test_a_rewrite_scores_between_unrelated_and_copied() -> None:
    source = tokenize(SOURCE)
    rewrite = containment(tokenize(REWRITE), source)
    assert 0.3 < rewrite < 1.0
    assert containment(tokenize(UNRELATED), source) == 0.0
    assert containment(tokenize(SAME_SUBJECT), source) < 0.1 < rewrite


def test_containment_is_of_the_first_text_in_the_second() -> None:
    # A short text taken whole from a long one is all inside it; the long one is mostly not.
    short = "a link analysis algorithm used by the Google search engine"
    assert containment(tokenize(short), tokenize(SOURCE)) == 1.0
    assert containment(tokenize(SOURCE), tokenize(short)) < 0.3


@pytest.mark.parametrize("text", ["", "two words"])
def test_texts_without_an_ngram_score_zero(text: str) -> None:
    assert containment(tokenize(text), tokenize(SOURCE)) == 0.0
    assert containment(tokenize(SOURCE), tokenize(text)) == 0.0


def test_case_and_punctuation_do_not_matter() -> None:
    shouted = SOURCE.upper().replace(",", "")
    assert containment(tokenize(shouted), tokenize(SOURCE)) == 1.0
