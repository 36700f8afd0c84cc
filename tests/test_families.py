"""Tests of the family stage: cutting and grouping links, deciding groups (transitively),
boilerplate, and families."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import family_kernels as kernels
from dedupe.attribution import (
    UNDECIDED,
    Attribution,
    Carrier,
    Credit,
    DocumentFacts,
    document_facts,
    wire_of_outlet,
)
from dedupe.documents import Document, parse_date
from dedupe.families import (
    Carriage,
    _distinct_with_ranks,
    boilerplate_groups,
    carriage,
    centre_order,
    content_words,
    decide_groups,
    decide_order,
    link_pieces,
    read_facts,
    side_labels,
    split_and_group,
)
from dedupe.family_kernels import SIDE_FIRST, SIDE_LAST, SIDE_ROW
from dedupe.jit import compiled as jitted
from dedupe.outlets import is_aggregator
from dedupe.scan import scan

OIL_TALKS = (
    "Iraqi officials said on Sunday that negotiations with the Kurdish regional government over "
    "oil exports through the northern pipeline would resume next week."
)
LOCAL_STORY = (
    "A separate story by our own correspondent about the city's new bus lanes begins here."
)
REUTERS_CREDIT = (Credit("Reuters", 0, 1000),)

Links = Sequence[tuple[Carrier, Carrier]]


def facts(
    id: str,
    *,
    source: str | None = None,
    published: str | None = None,
    credits: tuple[Credit, ...] = (),
) -> DocumentFacts:
    return DocumentFacts(
        id=id,
        source=source,
        published=parse_date(published),
        wire=wire_of_outlet(source),
        credits=credits,
    )


def rows_of(links: Links) -> np.ndarray:
    """Return links as rows (a, a_start, a_end, b, b_start, b_end)."""
    flat = [(a.doc, a.start, a.end, b.doc, b.start, b.end) for a, b in links]
    return np.array(flat, dtype=np.int64).reshape(-1, 6)


@pytest.fixture(params=["plain", "compiled"])
def compiled(request: pytest.FixtureRequest) -> bool:
    """Run a test with the plain kernels and with their compiled twins."""
    return bool(request.param == "compiled")


def groups_of(links: Links, compiled: bool) -> list[int]:
    return split_and_group(rows_of(links), compiled)[2].tolist()  # type: ignore[no-any-return]


# --- cutting and grouping --------------------------------------------------------------------


def test_links_sharing_overlapping_text_share_a_group(compiled: bool) -> None:
    links = [
        (Carrier(2, 0, 100), Carrier(1, 50, 150)),  # C-B
        (Carrier(1, 60, 150), Carrier(0, 10, 100)),  # B-A, over most of B's span above
        (Carrier(1, 150, 300), Carrier(3, 0, 150)),  # B-D: touches but does not overlap
        (Carrier(4, 0, 10), Carrier(5, 0, 10)),  # unrelated
        (Carrier(3, 90, 95), Carrier(6, 0, 5)),  # D-G: inside D's span above
    ]
    _, owners, groups = split_and_group(rows_of(links), compiled)
    by_link = {int(o): int(g) for o, g in zip(owners, groups, strict=True)}
    assert by_link[0] == by_link[1]
    assert by_link[2] == by_link[4]
    assert len({by_link[0], by_link[2], by_link[3]}) == 3


def test_a_sliver_left_by_dropped_cuts_links_nothing(compiled: bool) -> None:
    """Cuts closer than MIN_PIECE are dropped, so two passages of one document can overlap
    by a sliver (30 characters of spans of 100 and 80) that is the edge of two texts: it does
    not join their groups."""
    links = [
        (Carrier(2, 0, 100), Carrier(1, 50, 150)),  # C-B
        (Carrier(1, 120, 200), Carrier(0, 10, 90)),  # B-A, 30 characters into B's span above
    ]
    _, owners, groups = split_and_group(rows_of(links), compiled)
    by_link = {int(o): int(g) for o, g in zip(owners, groups, strict=True)}
    assert by_link[0] != by_link[1]


def test_no_links(compiled: bool) -> None:
    pieces, owners, groups = split_and_group(np.empty((0, 6), dtype=np.int64), compiled)
    assert len(pieces) == len(owners) == len(groups) == 0


def test_same_span_in_different_documents_does_not_link(compiled: bool) -> None:
    links = [(Carrier(0, 0, 100), Carrier(1, 0, 100)), (Carrier(2, 0, 100), Carrier(3, 0, 100))]
    assert len(set(groups_of(links, compiled))) == 2


def test_a_link_is_cut_where_another_link_of_its_document_ends() -> None:
    # Doc 1 carries a Reuters story (0-100, shared with doc 0) and an AP story (100-200,
    # shared with doc 2); doc 3 copies all of doc 1.
    links = [
        (Carrier(0, 0, 100), Carrier(1, 0, 100)),
        (Carrier(2, 0, 100), Carrier(1, 100, 200)),
        (Carrier(1, 0, 200), Carrier(3, 0, 200)),
    ]
    pieces, owners, groups = split_and_group(rows_of(links))
    whole = [p for p, o in zip(pieces.tolist(), owners.tolist(), strict=True) if o == 2]
    assert whole == [[1, 0, 100, 3, 0, 100], [1, 100, 200, 3, 100, 200]]
    assert len(set(groups.tolist())) == 2


def test_positions_beyond_32_bits_are_refused() -> None:
    with pytest.raises(ValueError, match="2\\*\\*32"):
        split_and_group(np.array([[0, 0, 2**32, 1, 0, 10]]))


def brute_force_groups(links: list[tuple[int, int, int, int, int, int]]) -> list[frozenset[int]]:
    """Return the groups of uncut links by brute force: links whose spans overlap in a
    document, transitively."""
    parent = list(range(len(links)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    spans = [(i, link[3 * side], link[3 * side + 1], link[3 * side + 2])
             for i, link in enumerate(links) for side in (0, 1)]  # fmt: skip
    for (i, d1, s1, e1), (j, d2, s2, e2) in itertools.combinations(spans, 2):
        if d1 == d2 and s1 < e2 and s2 < e1:
            parent[find(i)] = find(j)
    members: dict[int, set[int]] = {}
    for i in range(len(links)):
        members.setdefault(find(i), set()).add(i)
    return sorted((frozenset(m) for m in members.values()), key=min)


span = st.tuples(st.integers(0, 3), st.integers(0, 300), st.integers(1, 200)).map(
    lambda t: (t[0], t[1], t[1] + t[2])
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(span, span), max_size=8))
def test_groups_of_pieces_join_exactly_the_overlapping_links(
    raw: list[tuple[tuple[int, int, int], tuple[int, int, int]]],
) -> None:
    links = [(*a, *b) for a, b in raw if a[0] != b[0]]
    rows = np.array(links, dtype=np.int64).reshape(-1, 6)
    plain = split_and_group(rows)
    fast = split_and_group(rows, True)
    for mine, theirs in zip(plain, fast, strict=True):
        assert mine.tolist() == theirs.tolist()
    pieces, owners, groups = plain
    # Pieces tile each link exactly, on its a side.
    for index, link in enumerate(links):
        own = pieces[owners == index]
        assert own[0, 1] == link[1] and own[-1, 2] == link[2]
        assert (own[1:, 1] == own[:-1, 2]).all()
    # Cutting only ever separates text at a shared edge: links joined uncut whose pieces
    # all overlap stay joined, and pieces of links in different uncut groups never join.
    uncut = brute_force_groups(links)
    uncut_of = {i: k for k, members in enumerate(uncut) for i in members}
    for group in set(groups.tolist()):
        links_in = {int(o) for o in owners[groups == group]}
        assert len({uncut_of[i] for i in links_in}) == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(span, span, st.integers(0, 60), st.integers(0, 60)), max_size=8))
def test_piece_words_map_link_edges_exactly_and_stay_inside(
    raw: list[tuple[tuple[int, int, int], tuple[int, int, int], int, int]],
) -> None:
    """A piece's word span lies inside its link's, an edge shared with the link maps to the
    link's word edge, and word spans grow with the characters; compiled or not, the same."""
    kept = [(a, b, wa, wb) for a, b, wa, wb in raw if a[0] != b[0]]
    rows = np.array([(*a, *b) for a, b, _, _ in kept], dtype=np.int64).reshape(-1, 6)
    words = np.array([(5, 5 + wa, 7, 7 + wb) for _, _, wa, wb in kept], dtype=np.int64).reshape(
        -1, 4
    )
    pieces, owners, _ = split_and_group(rows)
    plain = kernels.piece_words(pieces, owners, rows, words)
    assert plain.tolist() == jitted(kernels.piece_words)(pieces, owners, rows, words).tolist()
    for k, link in enumerate(owners.tolist()):
        for side in range(2):
            low, high = words[link, 2 * side : 2 * side + 2]
            start, end = plain[k, 2 * side : 2 * side + 2]
            assert low <= start <= end <= high
            first, last = rows[link, 3 * side + 1 : 3 * side + 3]
            if pieces[k, 3 * side + 1] == first:
                assert start == low
            if pieces[k, 3 * side + 2] == last:
                assert end == high
    groups, names = np.arange(len(pieces)) // 2, np.arange(len(rows)) + 100
    sides = kernels.piece_sides(pieces, owners, plain, groups, names)
    compiled_sides = jitted(kernels.piece_sides)(pieces, owners, plain, groups, names)
    assert sides.tolist() == compiled_sides.tolist()
    for k, (a, a_first, a_last, b, b_first, b_last) in enumerate(pieces.tolist()):
        row = [groups[k], names[owners[k]]]
        assert sides[2 * k].tolist() == [a, b, *plain[k, :2], a_first, a_last, *row]
        assert sides[2 * k + 1].tolist() == [b, a, *plain[k, 2:], b_first, b_last, *row]


# --- deciding groups, transitively -------------------------------------------------------------


def attribute(links: Links, all_facts: Sequence[DocumentFacts]) -> list[Attribution]:
    """Return, for each link, the attribution of most of its a side's characters, as the
    family stage decides them (groups from cut links, rules, transitive prefixes)."""
    rows = rows_of(links)
    pieces = link_pieces(rows, rows[:, [1, 2, 4, 5]])
    decided = decide_groups(
        pieces,
        np.ones(pieces.groups, dtype=bool),
        lambda docs, _: {d: all_facts[d] for d in docs},
    )
    labels = side_labels(pieces, decided, decided.attributions)
    found = []
    for index in range(len(links)):
        a_sides = np.flatnonzero(
            (pieces.sides[:, SIDE_ROW] == index) & (np.arange(len(labels)) % 2 == 0)
        )
        weights: Counter[int] = Counter()
        for k in a_sides.tolist():
            weights[int(labels[k])] += int(pieces.sides[k, SIDE_LAST] - pieces.sides[k, SIDE_FIRST])
        label = max(weights, key=lambda x: (weights[x], decided.attributions[x].rule is not None))
        attribution = decided.attributions[label]
        found.append(Attribution(attribution.source, attribution.rule))
    return found


@pytest.fixture
def transitive_corpus() -> tuple[list[tuple[Carrier, Carrier]], list[DocumentFacts]]:
    """A credits Reuters; B reuses A's passage without credit; C reuses the same text from B."""
    a_text = f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}"
    b_text = f"{LOCAL_STORY}\n\n{OIL_TALKS}"
    c_text = f"{OIL_TALKS}\n\nOur readers will remember the last round of talks."
    texts = [a_text, b_text, c_text]
    all_facts = [
        document_facts("a", a_text, "The Bugle", "2024-01-05T12:00:00Z"),
        document_facts("b", b_text, "The Planet", "2024-01-05T09:00:00Z"),
        document_facts("c", c_text, "The Herald", None),
    ]

    def carrier(doc: int, start_word: str, end_word: str) -> Carrier:
        text = texts[doc]
        start = text.index(start_word)
        return Carrier(doc, start, text.index(end_word, start) + len(end_word))

    links = [
        (carrier(2, "Iraqi", "week"), carrier(1, "Iraqi", "week")),  # C-B
        (carrier(1, "negotiations", "pipeline"), carrier(0, "negotiations", "pipeline")),  # B-A
    ]
    return links, all_facts


def test_transitive_wire_credit(
    transitive_corpus: tuple[list[tuple[Carrier, Carrier]], list[DocumentFacts]],
) -> None:
    links, all_facts = transitive_corpus
    c_b, b_a = attribute(links, all_facts)
    assert c_b == Attribution("Reuters", "transitive-wire-credit")
    assert b_a == Attribution("Reuters", "wire-credit")


def test_unlinked_passage_of_the_same_document_is_not_transitive(
    transitive_corpus: tuple[list[tuple[Carrier, Carrier]], list[DocumentFacts]],
) -> None:
    links, all_facts = transitive_corpus
    # C-B now carries B's first paragraph, which does not overlap what B shares with A.
    links = [(Carrier(2, 0, 50), Carrier(1, 0, len(LOCAL_STORY))), links[1]]
    c_b, b_a = attribute(links, all_facts)
    assert c_b == UNDECIDED  # C has no date, so earliest publication cannot decide
    assert b_a == Attribution("Reuters", "wire-credit")


def test_a_passage_spanning_two_stories_does_not_join_them() -> None:
    links = [
        (Carrier(0, 0, 100), Carrier(1, 0, 100)),
        (Carrier(2, 0, 100), Carrier(1, 100, 200)),
        (Carrier(1, 0, 200), Carrier(3, 0, 200)),
    ]
    by_outlet = [
        facts("w", source="Reuters"),
        facts("m", source="Metro"),
        facts("ap", source="Associated Press"),
        facts("n", source="Nightly"),
    ]
    reuters, ap, both = attribute(links, by_outlet)
    assert (reuters.source, ap.source) == ("Reuters", "Associated Press")
    assert ap.rule == "wire-outlet"
    assert both.source in ("Reuters", "Associated Press")


def test_transitive_prefix_for_wire_outlet_and_earliest_publication() -> None:
    links = [
        (Carrier(0, 0, 100), Carrier(1, 0, 100)),  # doc 0 - doc 1
        (Carrier(1, 20, 120), Carrier(2, 0, 100)),  # doc 1 - doc 2 (mostly overlaps on doc 1)
    ]
    by_outlet = [facts("x", source="Planet"), facts("y", source="Bugle"), facts("z", source="AFP")]
    assert attribute(links, by_outlet) == [
        Attribution("AFP", "transitive-wire-outlet"),
        Attribution("AFP", "wire-outlet"),
    ]
    by_date = [
        facts("x", source="Planet", published="2024-01-05T08:00:00Z"),
        facts("y", source="Bugle", published="2024-01-05T15:00:00Z"),
        facts("z", source="Herald", published="2024-01-05T22:00:00Z"),
    ]
    assert attribute(links, by_date) == [
        Attribution("Planet", "earliest-publication"),
        Attribution("Planet", "transitive-earliest-publication"),
    ]


def test_direct_when_any_decider_is_in_the_pair() -> None:
    # Both links seen from y, which credits nothing: it inherits x's and z's credit directly.
    links = [
        (Carrier(1, 0, 100), Carrier(0, 0, 100)),
        (Carrier(1, 0, 100), Carrier(2, 0, 100)),
    ]
    both_credit = [
        facts("x", credits=REUTERS_CREDIT),
        facts("y"),
        facts("z", credits=REUTERS_CREDIT),
    ]
    assert attribute(links, both_credit) == [
        Attribution("Reuters", "wire-credit"),
        Attribution("Reuters", "wire-credit"),
    ]


def test_undecided_links_get_no_prefix() -> None:
    links = [(Carrier(0, 0, 100), Carrier(1, 0, 100)), (Carrier(1, 0, 100), Carrier(2, 0, 100))]
    undated = [facts("x", source="Planet"), facts("y", source="Bugle"), facts("z", source="Herald")]
    assert attribute(links, undated) == [UNDECIDED, UNDECIDED]


def test_the_original_of_a_wire_story_is_the_wire_article_and_of_a_dated_one_the_first() -> None:
    links = [(Carrier(0, 0, 100), Carrier(1, 0, 100)), (Carrier(2, 0, 100), Carrier(1, 0, 100))]
    rows = rows_of(links)
    pieces = link_pieces(rows, rows[:, [1, 2, 4, 5]])
    everything = np.ones(pieces.groups, dtype=bool)
    wire = [facts("a", source="Planet"), facts("r", source="Reuters"), facts("b", source="Bugle")]
    decided = decide_groups(pieces, everything, lambda docs, _: {d: wire[d] for d in docs})
    assert decided.originals.tolist() == [1]
    dated = [
        facts("a", source="Planet", published="2024-01-05T22:00:00Z"),
        facts("b", source="Bugle", published="2024-01-05T08:00:00Z"),
        facts("c", source="Herald", published="2024-01-05T15:00:00Z"),
    ]
    decided = decide_groups(pieces, everything, lambda docs, _: {d: dated[d] for d in docs})
    assert decided.originals.tolist() == [1]
    credited = [facts("a", credits=REUTERS_CREDIT), facts("b"), facts("c")]
    decided = decide_groups(pieces, everything, lambda docs, _: {d: credited[d] for d in docs})
    assert decided.originals.tolist() == [-1]
    assert decided.attributions[decided.labels[0]].source == "Reuters"


def test_groups_decided_in_an_order_sorted_beforehand_are_decided_alike() -> None:
    # Two stories: 0-1-2 carry one (1 is Reuters' own), 3-4 another (dated). The ordering is
    # sorted for every group before the boilerplate is known; deciding only some must agree.
    links = [
        (Carrier(0, 0, 100), Carrier(1, 0, 100)),
        (Carrier(2, 0, 100), Carrier(1, 0, 100)),
        (Carrier(3, 0, 100), Carrier(4, 0, 100)),
    ]
    rows = rows_of(links)
    pieces = link_pieces(rows, rows[:, [1, 2, 4, 5]])
    all_facts = [
        facts("a", source="Planet"),
        facts("r", source="Reuters"),
        facts("b", source="Bugle"),
        facts("c", source="Herald", published="2024-01-05T22:00:00Z"),
        facts("d", source="Gazette", published="2024-01-04T08:00:00Z"),
    ]
    ordering = decide_order(pieces, compiled=True)
    for story in ([True, True], [True, False], [False, True]):
        chosen = np.array(story, dtype=bool)
        made = [
            decide_groups(pieces, chosen, lambda docs, _: {d: all_facts[d] for d in docs}, **extra)
            for extra in ({}, {"ordering": ordering, "compiled": True})
        ]
        assert made[0].labels.tolist() == made[1].labels.tolist()
        assert made[0].originals.tolist() == made[1].originals.tolist()
        assert made[0].deciders.tolist() == made[1].deciders.tolist()
        assert made[0].attributions == made[1].attributions
        decided = [made[0].attributions[label] for label in made[0].labels.tolist()]
        wire = ("Reuters", "wire-outlet") if story[0] else (None, None)
        dated = ("Gazette", "earliest-publication") if story[1] else (None, None)
        assert [(a.source, a.rule) for a in decided] == [wire, dated]
        assert made[0].originals.tolist() == [1 if story[0] else -1, 4 if story[1] else -1]


# --- carriage --------------------------------------------------------------------------------


def test_carriage_counts_overlapping_pieces_once() -> None:
    # Doc 0 is aligned with docs 1 and 2 over overlapping spans: words 0-10 with doc 1,
    # words 5-15 with doc 2, a character a word. Cut at each other's edges: three groups,
    # the middle one (words 5-10 of doc 0) carried by all three.
    links = np.array([[0, 0, 100, 1, 0, 100], [0, 50, 150, 2, 0, 100]], dtype=np.int64)
    words = np.array([[0, 10, 0, 10], [5, 15, 0, 10]], dtype=np.int64)
    pieces = link_pieces(links, words)
    carried = carriage(pieces)
    rows = list(
        zip(carried.group.tolist(), carried.doc.tolist(), carried.words.tolist(), strict=True)
    )
    assert rows == [(0, 0, 5), (0, 1, 5), (1, 0, 5), (1, 1, 5), (1, 2, 5), (2, 0, 5), (2, 2, 5)]
    # Doc 0 is aligned twice over words 5-10 (with docs 1 and 2): counted once.
    assert carried.first.tolist()[2:5] == [5, 5, 0]


# --- boilerplate -----------------------------------------------------------------------------


def carried_of(rows: list[tuple[int, int, int, int]]) -> Carriage:
    """Carriage rows (group, doc, first, last): words = last - first."""
    group, doc, first, last = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    return Carriage(group, doc, last - first, first, last)


def test_an_outlets_footer_on_its_articles_is_boilerplate() -> None:
    # Group 0: outlet 0's 50-word footer at the end of its five 300-word articles.
    rows = [(0, doc, 250, 300) for doc in range(5)]
    outlets = np.zeros(5, dtype=np.int64)
    found = boilerplate_groups(carried_of(rows), outlets, np.full(5, 300), 1)
    assert found.tolist() == [True]


def test_a_story_an_outlet_runs_three_times_is_not_boilerplate() -> None:
    rows = [(0, doc, 0, 280) for doc in range(3)]
    found = boilerplate_groups(carried_of(rows), np.zeros(3, np.int64), np.full(3, 300), 1)
    assert found.tolist() == [False]


def test_two_articles_of_one_outlet_are_not_enough_to_call_text_boilerplate() -> None:
    rows = [(0, doc, 250, 300) for doc in range(2)]
    found = boilerplate_groups(carried_of(rows), np.zeros(2, np.int64), np.full(2, 300), 1)
    assert found.tolist() == [False]


def test_a_short_standard_line_closing_several_outlets_stories_is_boilerplate() -> None:
    # Group 0: a 19-word copyright line at the end of 6 articles of 6 outlets, 3 stories.
    rows = [(0, doc, 281, 300) for doc in range(6)]
    rows += [(1 + doc // 2, doc, 0, 200) for doc in range(6)]
    found = boilerplate_groups(carried_of(sorted(rows)), np.arange(6), np.full(6, 300), 4)
    assert found.tolist() == [True, False, False, False]


def test_a_stories_last_paragraph_carried_by_a_brief_of_it_alone_is_the_storys() -> None:
    # Group 0: the wire story's last 21 words, carried by the wire (doc 0), a copy of the
    # story (doc 1, group 1 with the wire) and a 21-word brief (doc 2): two stories.
    rows = [(0, 0, 662, 683), (0, 1, 646, 658), (0, 2, 0, 21), (1, 0, 0, 600), (1, 1, 0, 600)]
    words = np.array([683, 658, 21])
    found = boilerplate_groups(carried_of(sorted(rows)), np.arange(3), words, 2)
    assert found.tolist() == [False, False]


@pytest.mark.parametrize(
    ("subjects", "expected"), [(["flood"] * 4, False), (["a", "b", "c", "d"], True)]
)
def test_a_closing_sentence_of_articles_about_one_subject_is_not_boilerplate(
    subjects: list[str], expected: bool
) -> None:
    # Group 0: 12 words ending 4 articles of 4 outlets that share nothing else. About one
    # subject (their content words overlap), it is the last sentence of a story each took;
    # about four, a standard line.
    rows = [(0, doc, 288, 300) for doc in range(4)]
    vocabulary = {
        "flood": {"river", "harbour", "valdmark", "rainfall", "evacuated", "bridge"},
        "a": {"election", "ballot", "senator"},
        "b": {"football", "striker", "league"},
        "c": {"vaccine", "hospital", "trial"},
        "d": {"orchestra", "symphony", "concert"},
    }
    words = {doc: frozenset(vocabulary[subject]) for doc, subject in enumerate(subjects)}
    found = boilerplate_groups(
        carried_of(rows),
        np.arange(4),
        np.full(4, 300),
        1,
        topics=lambda docs: {doc: words[doc] for doc in docs},
    )
    assert found.tolist() == [expected]


def test_content_words_are_the_long_words_lower_cased() -> None:
    assert content_words("The River rose; Valdmark’s harbour was flooded.") == frozenset(
        {"river", "valdmark", "harbour", "flooded"}
    )


def test_a_short_line_closing_one_story_of_several_outlets_is_that_storys() -> None:
    rows = [(0, doc, 281, 300) for doc in range(4)] + [(1, doc, 0, 200) for doc in range(4)]
    found = boilerplate_groups(carried_of(rows), np.arange(4), np.full(4, 300), 2)
    assert found.tolist() == [False, False]


@pytest.mark.parametrize(("wire_rank", "expected"), [(0, False), (4, True)])
def test_a_story_an_outlet_ran_in_pieces_beside_the_wires_article_is_not_boilerplate(
    wire_rank: int, expected: bool
) -> None:
    # The filter benchmark's shape: the wire's article (doc 0, outlet 0) and outlet 1's copy
    # of it (doc 1) share all of it; two more articles of outlet 1 (docs 2, 3) each take its
    # first 260 words (group 0) and add their own. Group 1, the rest, joins docs 0 and 1
    # into one story; docs 2 and 3 share nothing else: outlet 1 seems to repeat group 0 in
    # three stories. The wire's article, ranked first, tells the story outlet 1 took it
    # from. Ranked last (a page copying outlet 1's, say), it is outlet 1's story: the text
    # is then outlet 1's own, as a footer would be.
    rows = [(0, doc, 0, 260) for doc in range(4)] + [(1, 0, 260, 680), (1, 1, 260, 680)]
    outlets = np.array([0, 1, 1, 1], dtype=np.int64)
    ranks = np.array([wire_rank, 1, 2, 3], dtype=np.int64)
    ranks[1:] -= wire_rank > 0
    found = boilerplate_groups(
        carried_of(sorted(rows)), outlets, np.array([680, 680, 700, 700]), 2, ranks=ranks
    )
    assert found.tolist() == [expected, False]


def test_text_several_outlets_share_inside_their_bodies_is_never_boilerplate() -> None:
    rows = [(0, doc, 120, 150) for doc in range(6)]
    found = boilerplate_groups(carried_of(rows), np.arange(6), np.full(6, 300), 1)
    assert found.tolist() == [False]


@settings(max_examples=300, deadline=None)
@given(
    outlets=st.lists(st.integers(0, 3), min_size=2, max_size=8),
    data=st.data(),
)
def test_boilerplate_never_takes_body_text_two_outlets_stories_share(
    outlets: list[int], data: st.DataObject
) -> None:
    # Group 0 lies at least 10 words from both ends of every carrier. Other groups (1-3,
    # each at the start of some carriers) join carriers into stories. Whenever a story
    # without an article of the commonest outlet carries group 0, another outlet's story
    # shares it: it is never boilerplate.
    words = 400
    count = len(outlets)
    starts = data.draw(st.lists(st.integers(10, 300), min_size=count, max_size=count))
    length = data.draw(st.integers(10, 80))
    rows = [(0, doc, start, start + length) for doc, start in enumerate(starts)]
    extra = data.draw(st.lists(st.tuples(st.integers(1, 3), st.integers(0, count - 1)), max_size=6))
    rows += [(group, doc, 0, 20) for group, doc in sorted(set(extra))]
    carried = carried_of(sorted(rows))
    ranks = np.array(data.draw(st.permutations(range(count))), dtype=np.int64)
    found = boilerplate_groups(
        carried, np.array(outlets, dtype=np.int64), np.full(count, words), 4, ranks=ranks
    )
    story = list(range(count))
    for group in (1, 2, 3):
        docs = sorted(doc for g, doc in set(extra) if g == group)
        for doc in docs[1:]:
            old, new = story[doc], story[docs[0]]
            story = [new if s == old else s for s in story]
    counts = Counter(outlets).most_common()
    top = min(outlet for outlet, n in counts if n == counts[0][1])
    with_top = {story[doc] for doc in range(count) if outlets[doc] == top}
    if set(story) - with_top:
        assert not found[0]
    # Another outlet's article ranked before all the top outlet's: the text is that one's.
    first_top = min(int(ranks[doc]) for doc in range(count) if outlets[doc] == top)
    if any(outlets[doc] != top and ranks[doc] < first_top for doc in range(count)):
        assert not found[0]


# --- star centres --------------------------------------------------------------------------


def test_centres_are_wires_first_then_the_earliest() -> None:
    sources = ["Planet", "Reuters", "Bugle", "Herald"]
    published = ["2024-01-02T00:00:00Z", None, "2024-01-01T00:00:00Z", None]
    assert centre_order(sources, published).tolist() == [2, 0, 1, 3]


@settings(max_examples=200, deadline=None)
@given(
    documents=st.lists(
        st.tuples(
            st.sampled_from([None, "Reuters", "AP", "Yahoo News", "Bugle", "Herald"]),
            st.sampled_from(
                [None, "2024-01-02T00:00:00Z", "2024-01-01", "2024-01-01T12:00:00+02:00", "soon"]
            ),
        ),
        max_size=30,
    )
)
def test_centres_rank_by_wire_aggregator_date_then_document(
    documents: list[tuple[str | None, str | None]],
) -> None:
    """Each document's rank is its place in a plain sort by the four keys (ties in
    document order), whatever repeats."""
    sources = [source for source, _ in documents]
    published = [date for _, date in documents]

    def key(doc: int) -> tuple[bool, bool, bool, float, int]:
        moment = parse_date(published[doc])
        return (
            wire_of_outlet(sources[doc]) is None,
            is_aggregator(sources[doc]),
            moment is None,
            moment.timestamp() if moment else 0.0,
            doc,
        )

    expected = sorted(range(len(documents)), key=key)
    ranks = centre_order(sources, published)
    assert [expected.index(doc) for doc in range(len(documents))] == ranks.tolist()


@pytest.mark.parametrize("with_credits", [True, False])
def test_crawl_times_reach_attribution_as_weak_dates(with_credits: bool) -> None:
    """Issue #15: a document whose date is a crawl time gets the wider margin."""
    documents = [
        Document("a", OIL_TALKS, "Planet", "2024-01-01T08:00:00Z", crawled=True),
        Document("b", OIL_TALKS, "Planet", "2024-01-01T08:00:00Z"),
    ]
    metadata = (
        [d.id for d in documents],
        [d.source for d in documents],
        [d.published for d in documents],
        [d.crawled for d in documents],
    )
    facts = read_facts(documents, metadata, None, [0, 1], with_credits)
    assert [(facts[i].id, facts[i].weak_date) for i in (0, 1)] == [("a", True), ("b", False)]


POLICE = "Police arrested three men early Sunday after a car chase through the harbour district."
BRIDGE = "Officials said the new bridge would open to traffic by the end of next spring."
COUNCIL = "The city council voted 7-2 on Tuesday to approve a $40 million budget for road repairs."
QUOTE = "“Nobody saw this coming,”\n\nsaid Tomás Berg, who has fished the lake for forty years."
EDITED = POLICE.replace("early", "council")


@pytest.mark.parametrize(
    ("second", "third", "fourth"),
    [
        (f"{POLICE}\n\n{BRIDGE}", f"{EDITED}\n\n{BRIDGE}\n\n{COUNCIL}", f"{COUNCIL}\n\n{BRIDGE}"),
        (
            f"{EDITED}\n\n{QUOTE}",
            f"{EDITED.replace('Police', 'council')}\n\n{QUOTE.replace('“Nobody', 'council')}"
            f"\n\n{COUNCIL}",
            f"{QUOTE}\n\n{COUNCIL}",
        ),
    ],
    ids=["bridge", "quote"],
)
def test_a_sliver_of_the_next_paragraph_joins_no_stories(
    second: str, third: str, fourth: str
) -> None:
    """Found by the added-copies property: a passage ending a few characters into the next
    paragraph (cuts closer than MIN_PIECE are dropped) joined the story of one paragraph to
    that of the next once an exact copy of the third article was added, and the second
    article lost its original source."""
    documents = [
        Document("doc-00", POLICE, None, "2024-03-01"),
        Document("doc-01", second, None, "2024-03-02T09:30:00Z"),
        Document("doc-02", third, None, "2024-03-02T09:30:00Z"),
        Document("doc-03", fourth, None, None),
    ]
    copy = Document("zz-copy", third, "Copier", "2024-04-01")
    sources = [
        scan(corpus, jobs=1).document("doc-01").original_source
        for corpus in (documents, [*documents, copy])
    ]
    assert sources == ["doc-00", "doc-00"]


@settings(max_examples=150, deadline=None)
@given(
    sides=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3)), max_size=20),
    deciders=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 6)), max_size=10),
)
def test_decided_sides_are_those_whose_document_or_partner_decided_the_group(
    sides: list[tuple[int, int, int]], deciders: list[tuple[int, int]]
) -> None:
    rows = np.array(sides, dtype=np.int64).reshape(-1, 3)
    found = np.array(sorted(deciders), dtype=np.int64).reshape(-1, 2)
    bounds = np.searchsorted(found[:, 0], np.arange(5))
    expected = [(g, d) in deciders or (g, p) in deciders for d, p, g in sides]
    for kernel in (kernels.decided_sides, jitted(kernels.decided_sides)):
        assert kernel(rows, bounds, np.ascontiguousarray(found[:, 1])).tolist() == expected


@given(st.lists(st.integers(0, 1 << 40), max_size=40))
def test_distinct_keys_with_ranks_are_the_searched_positions(values: list[int]) -> None:
    """Each key's rank is where a search of the sorted distinct keys finds it."""
    keys = np.array(values, dtype=np.int64)
    edges, rank = _distinct_with_ranks(keys)
    assert edges.tolist() == sorted(set(values))
    assert rank.tolist() == np.searchsorted(edges, keys).tolist()
