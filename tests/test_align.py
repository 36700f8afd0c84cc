"""Tests of alignment: finding the exact passages two news texts share."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.align import (
    AlignParams,
    Passage,
    align,
    exact_runs,
    join_continuations,
    seed_matches,
)
from dedupe.align_compiled import align_many
from dedupe.text import Tokens, ngram_hashes, tokenize, word_hashes

# --- realistic news paragraphs -----------------------------------------------------------------

OIL_TALKS = (
    "Iraqi officials said on Sunday that negotiations with the Kurdish regional government over "
    "oil exports through the northern pipeline would resume next week in Baghdad, after a pause "
    "of nearly three months that cost both sides billions of dollars in lost revenue."
)  # 44 words
SCHOOL_BUDGET = (
    "The city council voted late on Tuesday to approve a new budget for schools and public "
    "libraries across the district, ending a dispute that had delayed teacher pay for weeks."
)
FLOODS = (
    "Heavy rain flooded several roads in the southern suburbs overnight, forcing commuters to "
    "find other routes to work and closing two primary schools until further notice."
)
WEATHER = (
    "Meteorologists expect conditions to improve by the weekend, with sunshine returning to most "
    "of the region, although strong winds could still bring down power lines near the coast."
)
ELECTION = (
    "Voters in the northern province will choose a new governor next month in an election seen "
    "as a test of the ruling party's support before national polls due early next year."
)
FOOTBALL = (
    "The home side scored twice in the final ten minutes to win the derby, sending thousands of "
    "supporters onto the streets to celebrate until the early hours of the morning."
)
MINISTER_LEAD = (
    "The agriculture minister rejected the proposal on Monday after a long meeting with regional "
    "governors in the capital."
)
MINISTER_QUOTE = (
    "“We will not accept any deal that leaves our farmers without water for the summer season,”"
)
MINISTER_TAIL = (
    "the minister told reporters, adding that the ministry would publish its own plan for sharing "
    "water from the river before the end of the month."
)

UNRELATED = [SCHOOL_BUDGET, FLOODS, WEATHER, ELECTION, FOOTBALL]


def words(text: str) -> int:
    return len(tokenize(text))


@pytest.fixture(scope="module")
def hasher() -> Callable[[tuple[str, ...]], np.ndarray]:
    return word_hashes


Aligner = Callable[..., tuple[Tokens, Tokens, list[Passage]]]


@pytest.fixture(params=["reference", "compiled"])
def run_align(
    request: pytest.FixtureRequest, hasher: Callable[[tuple[str, ...]], np.ndarray]
) -> Aligner:
    """Return a function aligning two texts: (a tokens, b tokens, passages), by `align` or by
    the compiled `align_many` (every test of this module runs with both)."""

    def run(a: str, b: str, **options: object) -> tuple[Tokens, Tokens, list[Passage]]:
        params = AlignParams(**options)  # type: ignore[arg-type]
        ta, tb = tokenize(a), tokenize(b)
        a_grams = ngram_hashes(hasher(ta.words), params.seed_words)
        b_grams = ngram_hashes(hasher(tb.words), params.seed_words)
        if request.param == "compiled":
            pair = np.array([[0, 1]], dtype=np.int64)
            return ta, tb, align_many(pair, [ta, tb], params)[0]
        return ta, tb, align(ta, tb, a_grams, b_grams, params)

    return run


def span_text(text: str, tokens: Tokens, start: int, end: int) -> str:
    """Return the original characters of the words [start, end)."""
    return text[int(tokens.starts[start]) : int(tokens.ends[end - 1])]


def embed(before: str, copied: str, after: str, joiner: str = " ") -> tuple[str, int]:
    """Return before + copied + after, and the word index where the copy starts."""
    return joiner.join([before, copied, after]), words(before)


# --- whole and embedded copies -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        OIL_TALKS,
        "\n\n".join([SCHOOL_BUDGET, FLOODS, WEATHER]),
        OIL_TALKS + " " + MINISTER_LEAD,
    ],
    ids=["one-paragraph", "three-paragraphs", "two-stories"],
)
def test_identical_texts_align_as_one_passage(run_align: Aligner, text: str) -> None:
    tokens, _, passages = run_align(text, text)
    n = len(tokens)
    assert passages == [Passage(0, n, 0, n, n, False)]


@pytest.mark.parametrize(
    ("a_around", "b_around"),
    [
        ((SCHOOL_BUDGET, WEATHER), (FLOODS, ELECTION)),
        ((FOOTBALL, FLOODS), (ELECTION, SCHOOL_BUDGET)),
    ],
)
def test_copied_passage_is_found_with_exact_spans(
    run_align: Aligner, a_around: tuple[str, str], b_around: tuple[str, str]
) -> None:
    copied = " ".join(OIL_TALKS.split()[:40])
    a, a_at = embed(a_around[0], copied, a_around[1])
    b, b_at = embed(b_around[0], copied, b_around[1])
    ta, tb, passages = run_align(a, b)
    assert passages == [Passage(a_at, a_at + 40, b_at, b_at + 40, 40, False)]
    assert span_text(a, ta, a_at, a_at + 40) == copied
    assert span_text(b, tb, b_at, b_at + 40) == copied


def test_alignment_is_symmetric_for_a_single_copy(run_align: Aligner) -> None:
    a, _ = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER)
    b, _ = embed(FLOODS, OIL_TALKS, FOOTBALL)
    _, _, forward = run_align(a, b)
    _, _, backward = run_align(b, a)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in forward] == [
        (p.b_start, p.b_end, p.a_start, p.a_end) for p in backward
    ]


@pytest.mark.parametrize(
    ("edit", "b_extra"),
    [
        (lambda t: t.replace("northern pipeline", "southern pipeline"), 0),  # substituted
        (lambda t: t.replace("northern pipeline", "northern oil pipeline"), 1),  # inserted
        (lambda t: t.replace("nearly three months", "three months"), -1),  # dropped
        (lambda t: t.replace("the US capital", "the U.S. capital"), 0),  # "U.S." for "US"
        (lambda t: t.replace("Iraqi officials", "IRAQI officials"), 0),  # case only
    ],
    ids=["substituted", "inserted", "dropped", "us-abbreviation", "case"],
)
def test_small_edit_keeps_the_copy_one_passage(
    run_align: Aligner, edit: Callable[[str], str], b_extra: int
) -> None:
    original = OIL_TALKS.replace("Baghdad", "the US capital")
    n = words(original)
    assert edit(original) != original
    a, a_at = embed(SCHOOL_BUDGET, original, WEATHER)
    b, b_at = embed(FLOODS, edit(original), ELECTION)
    _, _, passages = run_align(a, b)
    assert len(passages) == 1
    (passage,) = passages
    assert (passage.a_start, passage.a_end) == (a_at, a_at + n)
    assert (passage.b_start, passage.b_end) == (b_at, b_at + n + b_extra)
    assert not passage.quote
    assert n - 6 <= passage.matched <= n


def test_us_and_u_s_spellings_match_exactly(run_align: Aligner) -> None:
    a_copy = OIL_TALKS.replace("Baghdad", "the U.S. capital")
    b_copy = OIL_TALKS.replace("Baghdad", "the US capital")
    a, a_at = embed(SCHOOL_BUDGET, a_copy, WEATHER)
    b, b_at = embed(FLOODS, b_copy, ELECTION)
    _, _, passages = run_align(a, b)
    n = words(a_copy)
    assert passages == [Passage(a_at, a_at + n, b_at, b_at + n, n, False)]


def test_reused_passage_split_into_paragraphs_differently_is_one_passage(
    run_align: Aligner,
) -> None:
    copied = OIL_TALKS.split()
    a, a_at = embed(
        SCHOOL_BUDGET, " ".join(copied[:15]) + "\n\n" + " ".join(copied[15:]), WEATHER, "\n\n"
    )
    b, b_at = embed(
        FLOODS,
        " ".join(copied[:30]) + "\n\n" + " ".join(copied[30:]),
        ELECTION,
        "\n\n",
    )
    ta, _tb, passages = run_align(a, b)
    n = len(copied)
    assert passages == [Passage(a_at, a_at + n, b_at, b_at + n, n, False)]
    assert len(set(ta.paragraph[a_at : a_at + n].tolist())) == 2


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (SCHOOL_BUDGET + " " + FLOODS, WEATHER + " " + ELECTION),
        (FOOTBALL, OIL_TALKS),
        ("\n\n".join([ELECTION, FOOTBALL]), "\n\n".join([SCHOOL_BUDGET, MINISTER_LEAD])),
        (MINISTER_LEAD + " " + MINISTER_TAIL, WEATHER),
    ],
)
def test_unrelated_texts_share_no_passage(run_align: Aligner, a: str, b: str) -> None:
    assert run_align(a, b)[2] == []


def test_common_phrases_alone_are_not_a_passage(run_align: Aligner) -> None:
    # "said on Sunday that the" and "in the capital" are shared, but far from enough words.
    a = "The president said on Sunday that the army would withdraw from the border by spring."
    b = "A spokesman said on Sunday that the talks in the capital had made little progress."
    assert run_align(a, b)[2] == []


# --- quotes ------------------------------------------------------------------------------------


@pytest.fixture
def minister_story() -> str:
    return " ".join([MINISTER_LEAD, MINISTER_QUOTE, MINISTER_TAIL])


def test_shared_quote_is_its_own_passage(run_align: Aligner, minister_story: str) -> None:
    a = SCHOOL_BUDGET + " " + minister_story + " " + WEATHER
    b = FLOODS + " " + minister_story + " " + FOOTBALL
    ta, _, passages = run_align(a, b)
    assert [p.quote for p in passages] == [False, True, False]
    lead, quote, tail = passages
    assert span_text(a, ta, lead.a_start, lead.a_end) == MINISTER_LEAD.rstrip(".")
    assert span_text(a, ta, quote.a_start, quote.a_end) == MINISTER_QUOTE.strip("“”,")
    assert span_text(a, ta, tail.a_start, tail.a_end).startswith("the minister told reporters")
    assert lead.a_end == quote.a_start and quote.a_end == tail.a_start
    assert all(ta.quoted[quote.a_start : quote.a_end])
    assert not any(ta.quoted[lead.a_start : lead.a_end])


def test_text_quoted_in_only_one_document_is_a_quote_passage(
    run_align: Aligner, minister_story: str
) -> None:
    unquoted = minister_story.replace("“", "").replace("”", "")
    a = SCHOOL_BUDGET + " " + minister_story
    b = FLOODS + " " + unquoted
    _, _, passages = run_align(a, b)
    assert [p.quote for p in passages] == [False, True, False]


def test_shared_quote_alone_is_reported_as_quote(run_align: Aligner) -> None:
    a = SCHOOL_BUDGET + " The minister said " + MINISTER_QUOTE + " " + WEATHER
    b = FLOODS + " Speaking in parliament, she declared " + MINISTER_QUOTE + " " + ELECTION
    _ta, _, passages = run_align(a, b)
    assert len(passages) == 1
    assert passages[0].quote
    assert passages[0].matched == words(MINISTER_QUOTE)


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("min_words", "kept"), [(8, True), (12, True), (13, False), (30, False)])
def test_min_words_filters_short_passages(run_align: Aligner, min_words: int, kept: bool) -> None:
    copied = (
        "negotiations with the Kurdish regional government over oil exports through the northern"
    )
    assert words(copied) == 12
    a, _ = embed(SCHOOL_BUDGET, copied, WEATHER)
    b, _ = embed(FLOODS, copied, ELECTION)
    passages = run_align(a, b, min_words=min_words)[2]
    assert [p.matched for p in passages] == ([12] if kept else [])


def test_too_sparse_a_chain_falls_back_to_its_exact_runs(run_align: Aligner) -> None:
    a, _ = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER)
    b, _ = embed(FLOODS, OIL_TALKS.replace("northern pipeline", "southern pipeline"), ELECTION)
    (whole,) = run_align(a, b, min_density=0.9)[2]
    pieces = run_align(a, b, min_density=0.99)[2]
    # The edited word is no longer bridged: only its exactly matching sides remain.
    assert len(pieces) == 2
    assert all(p.matched == p.a_end - p.a_start for p in pieces)
    assert pieces[0].a_start == whole.a_start and pieces[-1].a_end == whole.a_end
    assert pieces[0].a_end < pieces[1].a_start


def test_gap_larger_than_max_gap_splits_the_passage(run_align: Aligner) -> None:
    copied = OIL_TALKS.split()
    inserted = "which the prime minister described in a televised address as a turning point"
    b_copy = " ".join(copied[:20] + inserted.split() + copied[20:])
    a, _ = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER)
    b, _ = embed(FLOODS, b_copy, ELECTION)
    assert len(run_align(a, b, max_gap=8)[2]) == 2
    assert len(run_align(a, b, max_gap=20)[2]) == 1


def _edited(text: str, edits: dict[int, str | None]) -> str:
    """Return `text` with word k replaced by edits[k] (dropped when None)."""
    out = []
    for k, word in enumerate(text.split()):
        if k not in edits:
            out.append(word)
        elif edits[k] is not None:
            out.append(str(edits[k]))
    return " ".join(out)


def test_edge_grows_over_edits_too_close_for_a_seed(run_align: Aligner) -> None:
    # The copy's last 8 words carry a changed and a dropped word 3 words apart: no 5-word
    # seed and no exact run reaches the end, but the copy is the whole paragraph.
    n = words(OIL_TALKS)
    copy = _edited(OIL_TALKS, {n - 8: "almost", n - 4: None})
    a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER, joiner="\n\n")
    b, b_at = embed(FLOODS, copy, ELECTION, joiner="\n\n")
    (passage,) = run_align(a, b)[2]
    assert (passage.a_start, passage.a_end) == (a_at, a_at + n)
    assert (passage.b_start, passage.b_end) == (b_at, b_at + n - 1)
    assert passage.matched == n - 2
    (exact,) = run_align(a, b, max_edits=0)[2]
    assert exact.a_end == a_at + n - 8


def test_edits_clustered_mid_copy_keep_it_one_passage(run_align: Aligner) -> None:
    # An edit every 4 words over 13 words leaves 13 words without a seed (more than
    # max_gap): exact seeds alone give two passages, the edited edges join them.
    copy = _edited(OIL_TALKS, {14: "the", 18: None, 22: "after", 26: "a"})
    a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER, joiner="\n\n")
    b, _ = embed(FLOODS, copy, ELECTION, joiner="\n\n")
    assert len(run_align(a, b, max_edits=0)[2]) == 2
    passages = run_align(a, b)[2]
    assert [(p.a_start, p.a_end) for p in passages] == [(a_at, a_at + words(OIL_TALKS))]


def test_edited_edge_inside_a_paragraph_needs_a_seeds_worth(run_align: Aligner) -> None:
    # A changed word 4 words before the copy's end: 3 equal words follow it. Where the copy
    # ends its paragraph, the edge takes them; where other text goes on in the paragraph,
    # 3 words are too few (a seed's worth, 5, would do) and the edge stays exact.
    n = words(OIL_TALKS)
    copy = _edited(OIL_TALKS, {n - 4: "almost"})
    for joiner, end in (("\n\n", n), (" ", n - 4)):
        a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER, joiner=joiner)
        b, _ = embed(FLOODS, copy, ELECTION, joiner=joiner)
        (passage,) = run_align(a, b)[2]
        assert passage.a_end == a_at + end, joiner


def test_edited_edges_do_not_take_other_text(run_align: Aligner) -> None:
    # Text next to a copy that only shares common words with the other side, a paragraph
    # break, or a quotation stops the edge.
    a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS, MINISTER_LEAD)
    b, _ = embed(FLOODS, OIL_TALKS, "A minister said in the capital on Monday.")
    (passage,) = run_align(a, b)[2]
    assert (passage.a_start, passage.a_end) == (a_at, a_at + words(OIL_TALKS))
    n = words(OIL_TALKS)
    # b's last 4 words of the copy open a paragraph after a changed word.
    head, tail = " ".join(OIL_TALKS.split()[: n - 5]), " ".join(OIL_TALKS.split()[n - 4 :])
    a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS, WEATHER, joiner="\n\n")
    b = "\n\n".join([FLOODS, head + " almost", tail + " " + ELECTION])
    (passage,) = run_align(a, b)[2]
    assert passage.a_end == a_at + n - 5
    a, a_at = embed(SCHOOL_BUDGET, OIL_TALKS + " " + MINISTER_QUOTE, WEATHER)
    b, _ = embed(FLOODS, _edited(OIL_TALKS, {n - 2: "X"}) + " " + MINISTER_QUOTE, ELECTION)
    plain = [p for p in run_align(a, b)[2] if not p.quote]
    assert [p.a_end for p in plain] == [a_at + n - 2]


def test_passages_grown_into_each_other_are_joined() -> None:
    # The second starts inside the first on both sides and ends past it: one passage (not
    # one dropped as mostly covered by the other).
    joined = join_continuations([(40, 110, 30, 100, 60, False), (0, 50, 0, 40, 45, False)])
    assert joined == [(0, 110, 0, 100, 45 + 60 - 10, False)]
    # Touching on both sides joins too; quotes, or a start inside on one side only, do not.
    assert join_continuations([(0, 20, 0, 20, 20, False), (20, 40, 20, 40, 20, False)]) == [
        (0, 40, 0, 40, 40, False)
    ]
    apart = [(0, 20, 0, 20, 20, False), (10, 40, 50, 80, 30, False)]
    assert join_continuations(apart) == apart
    quotes = [(0, 20, 0, 20, 20, False), (10, 40, 10, 40, 30, True)]
    assert join_continuations(quotes) == quotes
    inside = [(0, 50, 0, 50, 50, False), (10, 40, 10, 40, 30, False)]
    assert join_continuations(inside) == inside


# --- seeds and runs ----------------------------------------------------------------------------


def test_seed_matches_pairs_equal_grams() -> None:
    a = np.array([5, 6, 7, 8], dtype=np.uint64)
    b = np.array([9, 7, 5, 7], dtype=np.uint64)
    seeds = seed_matches(a, b, max_repeats=16)
    assert sorted(map(tuple, seeds.tolist())) == [(0, 2), (2, 1), (2, 3)]


def test_seed_matches_ignore_grams_repeated_too_often_in_b() -> None:
    a = np.array([1, 2], dtype=np.uint64)
    b = np.array([1, 1, 1, 2], dtype=np.uint64)
    assert sorted(map(tuple, seed_matches(a, b, max_repeats=3).tolist())) == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 3),
    ]
    assert seed_matches(a, b, max_repeats=2).tolist() == [[1, 3]]


def test_seed_matches_of_empty_input() -> None:
    empty = np.empty(0, dtype=np.uint64)
    some = np.array([1, 2], dtype=np.uint64)
    assert seed_matches(empty, some, 16).shape == (0, 2)
    assert seed_matches(some, empty, 16).shape == (0, 2)
    assert seed_matches(some, np.array([3], dtype=np.uint64), 16).shape == (0, 2)


def test_exact_runs_join_consecutive_seeds_on_one_diagonal() -> None:
    seeds = np.array([[3, 10], [4, 11], [5, 12], [9, 0], [10, 1], [20, 30]], dtype=np.int64)
    assert exact_runs(seeds, seed_words=5) == [
        (3, 10, 10, 17),
        (9, 15, 0, 6),
        (20, 25, 30, 35),
    ]
    assert exact_runs(np.empty((0, 2), dtype=np.int64), 5) == []


# --- no overlap (property) ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), seed_words=st.integers(2, 6), max_gap=st.integers(2, 10))
def test_passages_never_overlap_without_repetitions(
    seed: int, seed_words: int, max_gap: int
) -> None:
    rng = random.Random(seed)
    n = rng.randint(10, 150)
    a_words = [f"w{i}" for i in range(n)]  # no word, hence no n-gram, repeats
    cuts = sorted(rng.sample(range(n + 1), min(n + 1, rng.randint(2, 10))))
    regions = [(s, e) for s, e in itertools.pairwise(cuts) if rng.random() < 0.7]
    rng.shuffle(regions)
    b_words: list[str] = []
    fresh = iter(range(10**6))
    for start, end in regions:  # disjoint regions of a, reordered and edited
        chunk = a_words[start:end]
        for _ in range(rng.randint(0, 3)):
            k = rng.randrange(len(chunk))
            operation = rng.choice(["replace", "insert", "delete"])
            if operation == "replace":
                chunk[k] = f"x{next(fresh)}"
            elif operation == "insert":
                chunk.insert(k, f"x{next(fresh)}")
            elif len(chunk) > 1:
                del chunk[k]
        b_words += chunk + [f"x{next(fresh)}" for _ in range(rng.randint(0, 12))]
    params = AlignParams(seed_words=seed_words, max_gap=max_gap, min_words=8)
    hasher = word_hashes
    ta, tb = tokenize(" ".join(a_words)), tokenize(" ".join(b_words))
    passages = align(
        ta,
        tb,
        ngram_hashes(hasher(ta.words), seed_words),
        ngram_hashes(hasher(tb.words), seed_words),
        params,
    )
    assert passages == sorted(passages, key=lambda p: (p.a_start, p.b_start))
    for first, second in itertools.pairwise(passages):
        assert first.a_end <= second.a_start
    by_b = sorted(passages, key=lambda p: p.b_start)
    for first, second in itertools.pairwise(by_b):
        assert first.b_end <= second.b_start
    for p in passages:
        assert 0 <= p.a_start < p.a_end <= len(ta)
        assert 0 <= p.b_start < p.b_end <= len(tb)
        assert params.min_words <= p.matched <= p.a_end - p.a_start
        # Every passage starts and ends on a word both texts share.
        assert ta.words[p.a_start] == tb.words[p.b_start]
        assert ta.words[p.a_end - 1] == tb.words[p.b_end - 1]
