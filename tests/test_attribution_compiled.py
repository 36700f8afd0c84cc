"""The compiled cutting and grouping of links gives exactly the reference pieces, groups and
attributions, on real text and on generated links."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.align import AlignParams, GramIndex, align
from dedupe.attribution import (
    Carrier,
    Credit,
    DocumentFacts,
    attribute_links,
    document_facts,
    group_carriers,
    split_links,
    wire_of_outlet,
)
from dedupe.attribution_compiled import attribute_rows, split_and_group
from dedupe.documents import parse_date
from dedupe.text import ngram_hashes, tokenize

Link = tuple[Carrier, Carrier]


def rows_of(links: list[Link]) -> np.ndarray:
    flat = [(a.doc, a.start, a.end, b.doc, b.start, b.end) for a, b in links]
    return np.array(flat, dtype=np.int64).reshape(-1, 6)


def assert_same_pieces(links: list[Link]) -> None:
    pieces, owners = split_links(links)
    compiled_pieces, compiled_owners, compiled_groups = split_and_group(rows_of(links))
    assert compiled_pieces.tolist() == rows_of(pieces).tolist()
    assert compiled_owners.tolist() == owners
    assert compiled_groups.tolist() == group_carriers(pieces)


def aligned_links(texts: list[str]) -> list[Link]:
    """Return the links (non-quote passages, as character spans) of every pair of `texts`."""
    params = AlignParams(min_words=10)
    tokens = [tokenize(text) for text in texts]
    grams = [ngram_hashes(t.hashes, params.seed_words) for t in tokens]
    indexed = [GramIndex.of(g) for g in grams]
    links = []
    for a, b in itertools.combinations(range(len(texts)), 2):
        for p in align(tokens[a], tokens[b], grams[a], indexed[b], params):
            if not p.quote:
                links.append((Carrier(a, *p.a_chars), Carrier(b, *p.b_chars)))
    return links


def test_clough_answers_and_originals(clough_dir: Path) -> None:
    # Every task's original and answers, aligned with each other: heavily overlapping links.
    paths = sorted(clough_dir.glob("*.txt"))
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in paths]
    links = aligned_links(texts)
    assert len(links) > 200
    pieces, _ = split_links(links)
    assert len(pieces) > len(links)  # cuts happen
    assert_same_pieces(links)


def test_seed_articles_with_their_credits(seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    links = aligned_links(texts)
    facts = [document_facts(str(k), text, None, None) for k, text in enumerate(texts)]
    assert any(f.credits for f in facts)
    assert len(links) > 5
    assert_same_pieces(links)
    attributions = attribute_links(links, facts)
    assert any(a.rule for a in attributions)
    assert attribute_rows(rows_of(links), facts) == attributions


SOURCES = [None, "Reuters", "Associated Press", "The Bugle", "The Planet"]
DATES = [None, "2024-01-05T08:00:00Z", "2024-01-05T09:00:00Z"]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Link], list[DocumentFacts]]:
    """Links between a few documents, with spans that overlap, nest and touch, and b sides a
    little longer or shorter than a sides (cuts are carried over in proportion)."""
    documents = draw(st.integers(2, 5))
    links = []
    for _ in range(draw(st.integers(1, 12))):
        a, b = draw(st.lists(st.integers(0, documents - 1), min_size=2, max_size=2, unique=True))
        a_start = draw(st.sampled_from([0, 40, 80, 100, 120, 300])) + draw(st.integers(0, 3))
        a_length = draw(st.integers(1, 400))
        b_start = draw(st.integers(0, 300))
        b_length = max(0, a_length + draw(st.integers(-30, 30)))
        links.append(
            (Carrier(a, a_start, a_start + a_length), Carrier(b, b_start, b_start + b_length))
        )
    sources = [draw(st.sampled_from(SOURCES)) for _ in range(documents)]
    facts = [
        DocumentFacts(
            id=f"d{k}",
            source=sources[k],
            published=parse_date(draw(st.sampled_from(DATES))),
            wire=wire_of_outlet(sources[k]),
            credits=tuple(
                Credit(wire, start, start + 200)
                for wire, start in draw(
                    st.lists(st.tuples(st.sampled_from(["Reuters", "AFP"]), st.integers(0, 400)))
                )
            ),
        )
        for k in range(documents)
    ]
    return links, facts


@settings(max_examples=300, deadline=None)
@given(corpora())
def test_generated_links_same_pieces_groups_and_attributions(
    corpus: tuple[list[Link], list[DocumentFacts]],
) -> None:
    links, facts = corpus
    assert_same_pieces(links)
    assert attribute_rows(rows_of(links), facts) == attribute_links(links, facts)


def test_positions_beyond_32_bits_are_refused() -> None:
    with pytest.raises(ValueError, match="2\\*\\*32"):
        split_and_group(np.array([[0, 0, 10, 1, 2**32, 2**32 + 10]], dtype=np.int64))
