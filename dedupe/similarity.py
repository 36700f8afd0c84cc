"""Rewrite similarity: how many of a text's short word n-grams another text holds.

A heavy rewrite keeps few runs of 5 or more equal words, so alignment finds little or none of
it as copied text; it keeps many runs of 3 (names, terms, short phrases). The share of a
text's distinct 3-word n-grams that occur in another text (containment) tells a rewrite of
that text from an independent text on the same subject: on the Clough & Stevenson corpus,
answers rewritten heavily from their source hold 3 % to 92 % of their 3-grams in it (median
24 %), answers written without it 0 % to 9 % (`benchmarks/README.md`). It is a similarity
figure, never copied words: no passage is reported from it.

n-grams inside quotation marks are left out (several outlets quoting one statement are not
rewriting each other, as they are not copying each other), and so are n-grams that span two
texts. The scan reports a candidate pair of articles that alignment found nothing in as a
**rewrite** when the geometric mean of the two containments (the cosine of their 3-gram sets)
reaches REWRITE_SIMILARITY: a short article's 3-grams are easily found in a long page on the
same event, a rewrite's are found and the page's are found in it too. The two must also
share as many n-grams as a passage needs words (`Parameters.min_words`): two short texts
closing on the same credit line ("The Associated Press contributed to this report.") share
half their few n-grams and nothing else.
"""

from __future__ import annotations

import numpy as np

from dedupe.index import concatenated_ranges, unique_values
from dedupe.text import Tokens, TokenTable, joined_tokens, ngram_hashes

REWRITE_GRAMS = 3
"""Words of the n-grams of `containment` and of the rewrite similarity."""

REWRITE_SIMILARITY = 10.0
"""The least similarity (percent, `similarity`) of two articles reported as a rewrite.

Measured (`benchmarks/README.md`): the 1,009 pairs of articles on one event that share no
passage in news-clusters reach at most 9.0 (its 45 candidate pairs without a passage 8.0), a
Clough & Stevenson answer written without its source 6.1 with it; the heavy rewrites that
are candidate pairs of their source 9.1 to 88.7."""

# Columns of the rows of `rewrite_rows`: the two texts, the n-grams they share, and each one's
# distinct n-grams.
R_A, R_B, R_SHARED, R_A_GRAMS, R_B_GRAMS = range(5)
REWRITE_COLUMNS = 5


def gram_sets(
    table: TokenTable, texts: np.ndarray, n: int = REWRITE_GRAMS
) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct `n`-word n-grams outside quotation marks of the table's `texts`
    (sorted, text after text) and the bounds of each text's in them (len(texts) + 1)."""
    texts = np.asarray(texts, dtype=np.int64)
    lengths = table.offsets[texts + 1] - table.offsets[texts]
    words = concatenated_ranges(table.offsets[texts], lengths)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    grams = ngram_hashes(table.hashes[words], n)
    count = len(grams)
    keep = owner[:count] == owner[n - 1 :]
    quoted = table.quoted[words]
    for offset in range(n):
        keep &= ~quoted[offset : offset + count]
    grams, owner = grams[keep], owner[:count][keep]
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        grams[lo:hi].sort()  # in place, text by text: cheaper than one sort by (text, n-gram)
    distinct = np.ones(len(grams), dtype=bool)
    distinct[1:] = (grams[1:] != grams[:-1]) | (owner[1:] != owner[:-1])
    return grams[distinct], np.searchsorted(owner[distinct], np.arange(len(texts) + 1))


def shared_grams(grams: np.ndarray, bounds: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Return, for each pair (i, j) of texts of `gram_sets`, how many n-grams they share."""
    shared = np.zeros(len(pairs), dtype=np.int64)
    for k, (i, j) in enumerate(pairs.tolist()):
        mine, theirs = grams[bounds[i] : bounds[i + 1]], grams[bounds[j] : bounds[j + 1]]
        if len(mine) and len(theirs):
            found = np.minimum(np.searchsorted(theirs, mine), len(theirs) - 1)
            shared[k] = np.count_nonzero(theirs[found] == mine)
    return shared


def similarity(shared: np.ndarray, a_grams: np.ndarray, b_grams: np.ndarray) -> np.ndarray:
    """Return the similarity (percent) of pairs sharing `shared` of a's `a_grams` and b's
    `b_grams` distinct n-grams: the geometric mean of the two containments (0 when either
    text has none)."""
    product = np.asarray(a_grams, dtype=np.float64) * np.asarray(b_grams, dtype=np.float64)
    return np.where(product > 0, 100.0 * shared / np.sqrt(np.maximum(product, 1.0)), 0.0)


def rewrite_rows(table: TokenTable, pairs: np.ndarray, min_shared: int) -> np.ndarray:
    """Return the rows (a, b, shared, a's n-grams, b's n-grams: `R_A` ...) of the pairs of
    the table's texts whose similarity reaches REWRITE_SIMILARITY and that share at least
    `min_shared` n-grams, in the order given."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    texts = unique_values(pairs)
    grams, bounds = gram_sets(table, texts)
    local = np.searchsorted(texts, pairs)
    counts = np.diff(bounds)
    rows = np.column_stack(
        (pairs, shared_grams(grams, bounds, local), counts[local[:, 0]], counts[local[:, 1]])
    ).reshape(-1, REWRITE_COLUMNS)
    figure = similarity(rows[:, R_SHARED], rows[:, R_A_GRAMS], rows[:, R_B_GRAMS])
    return rows[(figure >= REWRITE_SIMILARITY) & (rows[:, R_SHARED] >= min_shared)]


def containment(a: Tokens, b: Tokens, n: int = REWRITE_GRAMS) -> float:
    """Return the share (0 to 1) of a's distinct `n`-word n-grams outside quotation marks that
    occur in b: 0.0 when a has none. Not symmetric: a short text inside a long one scores
    1.0."""
    grams, bounds = gram_sets(joined_tokens([a, b]), np.arange(2), n)
    (shared,) = shared_grams(grams, bounds, np.array([[0, 1]]))
    mine = int(bounds[1] - bounds[0])
    return float(shared / mine) if mine else 0.0
