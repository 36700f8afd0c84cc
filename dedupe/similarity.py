"""Rewrite similarity: how many of a text's short word n-grams another text holds.

A heavy rewrite keeps few runs of 5 or more equal words, so alignment finds little or none of
it as copied text; it keeps many runs of 3 (names, terms, short phrases). The share of a
text's distinct 3-word n-grams that occur in another text (containment) tells a rewrite of
that text from an independent text on the same subject: on the Clough & Stevenson corpus,
answers rewritten heavily from their source hold 3 % to 92 % of their 3-grams in it (median
24 %), answers written without it 0 % to 9 % (`benchmarks/README.md`). It is a similarity
figure, never copied words: no passage is reported from it.
"""

from __future__ import annotations

import numpy as np

from dedupe.text import Tokens, ngram_hashes

REWRITE_GRAMS = 3
"""Words of the n-grams of `containment`."""


def containment(a: Tokens, b: Tokens, n: int = REWRITE_GRAMS) -> float:
    """Return the share (0 to 1) of a's distinct `n`-word n-grams that occur in b: 0.0 when a
    has fewer than `n` words. Not symmetric: a short text inside a long one scores 1.0."""
    a_grams = np.unique(ngram_hashes(a.hashes, n))
    if not len(a_grams):
        return 0.0
    b_grams = np.unique(ngram_hashes(b.hashes, n))
    return float(np.count_nonzero(np.isin(a_grams, b_grams, assume_unique=True)) / len(a_grams))
