"""Tests of the rewrite similarity: the share of a text's 3-word n-grams another text holds,
and the rule that makes two articles a rewrite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.similarity import (
    REWRITE_SIMILARITY,
    containment,
    gram_sets,
    rewrite_rows,
    shared_grams,
    similarity,
)
from dedupe.text import TokenTable, joined_tokens, ngram_hashes, tokenize

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


def test_quoted_words_are_left_out() -> None:
    # Several outlets quoting one statement are not rewriting each other.
    quoting = f'The report said: "{SOURCE}"'
    assert containment(tokenize(quoting), tokenize(SOURCE)) == 0.0
    assert containment(tokenize(quoting.replace('"', "")), tokenize(SOURCE)) > 0.9


def test_ngrams_never_span_two_texts() -> None:
    table = joined_tokens([tokenize("alpha beta"), tokenize("gamma delta epsilon")])
    grams, bounds = gram_sets(table, np.arange(2))
    assert bounds.tolist() == [0, 0, 1]
    assert grams.tolist() == ngram_hashes(table.hashes[2:], 3).tolist()


# --- the scan's rule, on real answers (Clough & Stevenson) ----------------------------------------


def texts_of(clough_dir: Path, *names: str) -> TokenTable:
    return joined_tokens([tokenize(read(clough_dir / f"{name}.txt")) for name in names])


def read(path: Path) -> str:
    (document,) = dedupe.read_documents([path])
    return document.text


@pytest.mark.parametrize(
    ("answer", "source", "rewrite"),
    [
        ("g3pA_taskb", "orig_taskb", True),  # heavy rewrite, no 10-word passage in common
        ("g0pA_taskd", "orig_taskd", True),  # heavy rewrite
        ("g1pD_taskd", "orig_taskd", False),  # written without the source, on its subject
        ("g4pE_taske", "orig_taske", False),  # the same
    ],
)
def test_heavy_rewrites_reach_the_rewrite_similarity_independent_answers_do_not(
    clough_dir: Path, answer: str, source: str, rewrite: bool
) -> None:
    table = texts_of(clough_dir, answer, source)
    rows = rewrite_rows(table, np.array([[0, 1]]), min_shared=10)
    assert len(rows) == int(rewrite)
    grams, bounds = gram_sets(table, np.arange(2))
    (shared,) = shared_grams(grams, bounds, np.array([[0, 1]]))
    a, b = (tokenize(read(clough_dir / f"{name}.txt")) for name in (answer, source))
    figure = similarity(np.array([shared]), *np.diff(bounds).reshape(2, 1))[0]
    # One rule: the similarity is the geometric mean of the two containments.
    assert figure == pytest.approx(100 * (containment(a, b) * containment(b, a)) ** 0.5)
    assert (figure >= REWRITE_SIMILARITY) == rewrite


def test_a_rewrite_shares_as_many_ngrams_as_a_passage_needs_words() -> None:
    # Two short texts closing on the same credit line share half their few 3-grams.
    credit = "The Associated Press contributed to this report."
    table = joined_tokens(
        [tokenize(f"Rain closed two roads. {credit}"), tokenize(f"Schools open late. {credit}")]
    )
    pair = np.array([[0, 1]])
    assert rewrite_rows(table, pair, min_shared=10).tolist() == []
    ((a, b, shared, a_grams, b_grams),) = rewrite_rows(table, pair, min_shared=1).tolist()
    assert (a, b, shared, a_grams, b_grams) == (0, 1, 5, 9, 8)


# --- invariants ------------------------------------------------------------------------------

# Few distinct words, so that random texts share 3-grams; quotation marks and punctuation too.
_WORD = st.sampled_from(["the", "wire", "said", "on", "Monday", "“quoted", "words”", "a", "b."])
_TEXT = st.lists(_WORD, max_size=40).map(" ".join)


def _table(texts: list[str]) -> TokenTable:
    return joined_tokens([tokenize(text) for text in texts])


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=5))
def test_the_ngrams_of_texts_taken_together_are_those_of_each_alone(texts: list[str]) -> None:
    together, bounds = gram_sets(_table(texts), np.arange(len(texts)))
    for index, text in enumerate(texts):
        alone, _ = gram_sets(_table([text]), np.arange(1))
        assert together[bounds[index] : bounds[index + 1]].tolist() == alone.tolist()


@settings(max_examples=150, deadline=None)
@given(a=_TEXT, b=_TEXT)
def test_the_similarity_is_symmetric_and_bounded_by_the_containments(a: str, b: str) -> None:
    grams, bounds = gram_sets(_table([a, b]), np.arange(2))
    both_ways = shared_grams(grams, bounds, np.array([[0, 1], [1, 0]]))
    assert both_ways[0] == both_ways[1] <= min(np.diff(bounds))
    counts = np.diff(bounds)
    forward = similarity(both_ways[:1], counts[:1], counts[1:])
    backward = similarity(both_ways[1:], counts[1:], counts[:1])
    assert forward[0] == pytest.approx(backward[0])
    there, back = containment(tokenize(a), tokenize(b)), containment(tokenize(b), tokenize(a))
    assert 0.0 <= there <= 1.0 and 0.0 <= back <= 1.0
    # The geometric mean lies between the two containments.
    assert min(there, back) * 100 - 1e-9 <= forward[0] <= max(there, back) * 100 + 1e-9


@settings(max_examples=150, deadline=None)
@given(text=_TEXT)
def test_a_text_holds_all_of_its_own_ngrams(text: str) -> None:
    grams, _ = gram_sets(_table([text]), np.arange(1))
    assert containment(tokenize(text), tokenize(text)) == (1.0 if len(grams) else 0.0)
