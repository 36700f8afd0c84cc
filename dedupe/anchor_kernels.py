"""The loop that makes anchor postings, written once: plain Python here, compiled by
`dedupe.jit`.

Only what numba compiles is used: arrays, scalars and loops. No numba import here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Kernels take and return numpy arrays; numba types them itself, mypy need not.
Array = Any


def anchor_postings(
    grams: Array,
    document: Array,
    min_words: int,
    window: int,
    owner_bits: int,
    first_document: int,
    part_bits: int,
) -> tuple[Array, Array]:
    """Return (postings, sizes): the anchor of every run of `min_words` words of one
    document, packed with its document, grouped by part, and how many each part holds.

    `grams` are the n-gram hashes of the words (`window` of them span `min_words` words),
    `document` each word's document (sorted). A run's anchor is the least hash of its
    `window` n-grams; it is posted as its high bits above `owner_bits` low bits holding
    `first_document` + the document, once per stretch of runs of one document with the
    same anchor. A posting's part is its top `part_bits` bits; parts keep posting order.
    """
    runs = len(document) - min_words + 1
    parts = 1 << part_bits
    sizes = np.zeros(parts, np.int64)
    if runs <= 0:
        return np.empty(0, np.uint64), sizes
    found = np.empty(runs, np.uint64)
    count = 0
    shift = np.uint64(owner_bits)
    part_shift = np.uint64(64 - part_bits)
    last_least = np.uint64(0)
    last_document = -1
    for start in range(runs):
        owner = document[start]
        if document[start + min_words - 1] != owner:
            continue  # a run of words straddling two documents is no run
        least = grams[start]
        for offset in range(1, window):
            if grams[start + offset] < least:
                least = grams[start + offset]
        if owner == last_document and least == last_least:
            continue
        last_least, last_document = least, owner
        posting = ((least >> shift) << shift) | np.uint64(owner + first_document)
        found[count] = posting
        sizes[int(posting >> part_shift)] += 1
        count += 1
    # Grouped by part, a counting sort: each part's postings in the order found.
    at = np.zeros(parts, np.int64)
    for part in range(1, parts):
        at[part] = at[part - 1] + sizes[part - 1]
    postings = np.empty(count, np.uint64)
    for index in range(count):
        part = int(found[index] >> part_shift)
        postings[at[part]] = found[index]
        at[part] += 1
    return postings, sizes
