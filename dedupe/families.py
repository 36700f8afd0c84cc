"""Story families: the texts several articles carry, each with one original, and the
boilerplate each outlet repeats, set apart.

Real syndication is one-to-many: one wire story is carried by hundreds of sites, and every
scraped page carries its site's chrome. The stage works on what alignment verified:

1. Every shared (non-quote) passage is a link between two documents. Links are cut where
   another link of the same document begins or ends, and pieces whose spans overlap in a
   document join one *group*: a text and every document that carries it, transitively.
2. A group is *boilerplate* when it is text one outlet repeats across its own stories
   (footers, newsletter blurbs, "more stories" blocks), short text at the very end of
   articles of several outlets, closing several stories on different subjects (a copyright
   line), or OCR debris. Boilerplate is left out of every figure, family and pair, and
   reported once.
3. Every other group is decided by the attribution rules (`dedupe.attribution.decide`): its
   original source, the rule, and its original article when that is in the corpus; then each
   carrier's copy, in the order of `dedupe.attribution.PRECEDENCE` (a carrier's own credit
   wins over the group's inherited one).
4. Groups with the same original article are one *family*; groups without one are one
   family per set of carriers and source.

Cost follows the copies, not their square: candidate pairs are stars (`dedupe.index`), and
families are read from pieces, never from all pairs of carriers.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import regex

from dedupe import family_kernels as kernels
from dedupe.attribution import (
    UNDECIDED,
    Attribution,
    DocumentFacts,
    carriers_on_their_own,
    decide,
    document_facts,
    wire_of_outlet,
    wire_outlet,
)
from dedupe.documents import Document, parse_date
from dedupe.family_kernels import (
    SIDE_DOC,
    SIDE_END,
    SIDE_FIRST,
    SIDE_GROUP,
    SIDE_LAST,
    SIDE_PARTNER,
    SIDE_START,
)
from dedupe.index import in_sorted, lexsort, sorted_rows, unique_values
from dedupe.jit import compiled as jitted
from dedupe.kinds import BOILERPLATE, COPIED, OWN
from dedupe.outlets import is_aggregator
from dedupe.parallel import from_fields, in_thread, map_ordered
from dedupe.passages import (
    A_END,
    A_FIRST,
    A_LAST,
    A_START,
    B_END,
    B_FIRST,
    B_LAST,
    B_START,
    QUOTE,
    AlignedPassages,
)
from dedupe.store import document_crawled, document_ids, document_metadata, document_texts

# --- the order in which documents are preferred as a bucket's centre -----------------------


def centre_order(sources: Sequence[str | None], published: Sequence[str | None]) -> np.ndarray:
    """Return each document's rank as a star centre (0 first): wire services' own articles,
    then dated articles from the earliest, then the rest, aggregators after all others; ties
    in document order.

    Stars then mostly join carriers to their likely original, which keeps the listed pairs
    (original, carrier) where the original is in the corpus.
    """
    not_wire, aggregator = outlet_keys(sources)
    undated, moment = date_keys(published)
    # lexsort is stable: ties stay in document order.
    order = np.lexsort((moment, undated, aggregator, not_wire))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order), dtype=np.int64)
    return ranks


def outlet_keys(sources: Sequence[str | None]) -> np.ndarray:
    """Return two boolean rows: whether each outlet is not a wire service, and whether it
    is an aggregator (each distinct outlet looked up once)."""
    return _keyed(sources, _outlet_key, bool)


def date_keys(published: Sequence[str | None]) -> np.ndarray:
    """Return two float rows: whether each date is missing or unreadable (1.0) and its Unix
    time (0.0 when missing), each distinct date parsed once."""
    return _keyed(published, _date_key, np.float64)


def _keyed(
    values: Sequence[str | None],
    key: Callable[[str | None], tuple[bool, float] | tuple[bool, bool]],
    dtype: type,
) -> np.ndarray:
    """Return the two columns of `key` of each value, as arrays of `dtype` (rows: the two
    columns): `key` called once a distinct value (outlets and dates repeat)."""
    distinct = {value: None for value in values}
    table: np.ndarray = np.array([key(value) for value in distinct], dtype=dtype).reshape(-1, 2)
    number = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values))
    return table[codes].T


def _outlet_key(source: str | None) -> tuple[bool, bool]:
    return (wire_of_outlet(source) is None, is_aggregator(source))


def _date_key(published: str | None) -> tuple[bool, float]:
    moment = parse_date(published)
    return (moment is None, moment.timestamp() if moment is not None else 0.0)


# --- pieces and groups -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pieces:
    """The shared (non-quote) passages cut into pieces, grouped.

    `sides` has two rows a piece (its a side, then its b side): the document, the partner,
    the word span [start, end), the character span [first, last), the piece's group and the
    passage row it was cut from. Groups are numbered 0 to `groups` - 1 in order of first
    appearance.
    """

    sides: np.ndarray
    groups: int


def cut_pieces(aligned: AlignedPassages, compiled: bool = False) -> Pieces:
    """Return the pieces and groups of the non-quote passages of `aligned` (each side's row
    column names the passage row it was cut from)."""
    rows = aligned.rows
    link_rows = np.flatnonzero(rows[:, QUOTE] == 0)
    sides = aligned.pairs[aligned.pair_of_rows()[link_rows]]
    links = np.column_stack(
        (
            sides[:, 0], rows[link_rows, A_FIRST], rows[link_rows, A_LAST],
            sides[:, 1], rows[link_rows, B_FIRST], rows[link_rows, B_LAST],
        )
    ).reshape(-1, 6)  # fmt: skip
    words = rows[link_rows[:, None], [A_START, A_END, B_START, B_END]]
    return link_pieces(links, words, compiled, link_rows)


def link_pieces(
    links: np.ndarray,
    words: np.ndarray,
    compiled: bool = False,
    names: np.ndarray | None = None,
) -> Pieces:
    """Return the pieces and groups of links (rows a, a_start, a_end, b, b_start, b_end of
    characters) whose word spans are `words` (rows a_start, a_end, b_start, b_end). A piece
    side's row column holds `names[link]` (default: the link's position)."""
    pieces, owners, roots = split_and_group(links, compiled)
    groups = _renumbered(roots)
    to_words = jitted(kernels.piece_words) if compiled else kernels.piece_words
    piece_words = to_words(
        pieces, owners, np.ascontiguousarray(links, dtype=np.int64), np.ascontiguousarray(words)
    )
    row = names if names is not None else np.arange(len(links), dtype=np.int64)
    to_sides = jitted(kernels.piece_sides) if compiled else kernels.piece_sides
    both = to_sides(pieces, owners, piece_words, groups, np.ascontiguousarray(row, dtype=np.int64))
    return Pieces(both, int(groups.max()) + 1 if len(groups) else 0)


def prepare() -> None:
    """Compile the family stage's kernels, or load them from numba's cache (each once)."""
    # Two documents sharing one passage: each kernel runs once, on arrays of the types a
    # scan gives it (numba compiles a function again for other types).
    links = np.array([[0, 0, 100, 1, 0, 100]], dtype=np.int64)
    pieces = link_pieces(links, np.array([[0, 20, 0, 20]], dtype=np.int64), compiled=True)
    sides = np.ascontiguousarray(pieces.sides[:, [SIDE_DOC, SIDE_PARTNER, SIDE_GROUP]])
    one = np.zeros(1, dtype=np.int64)
    jitted(kernels.decided_sides)(sides, np.array([0, 1], dtype=np.int64), one)
    jitted(kernels.components)(np.array([[0, 1]], dtype=np.int64), 2)


def split_and_group(links: np.ndarray, compiled: bool = False) -> tuple[np.ndarray, ...]:
    """Return (pieces, owners, groups) of link rows (a, a_start, a_end, b, b_start, b_end):
    the links cut at every other link's edge in the same documents (`split_links`), the link
    each piece came from, and each piece's group (`group_pieces`)."""
    links = np.ascontiguousarray(links, dtype=np.int64).reshape(-1, 6)
    spans = links[:, [1, 2, 4, 5]]
    if len(links) and (spans.min() < 0 or spans.max() >= 1 << 32 or links[:, [0, 3]].min() < 0):
        raise ValueError("link rows need documents >= 0 and positions in [0, 2**32)")
    docs = np.concatenate((links[:, 0], links[:, 0], links[:, 3], links[:, 3]))
    positions = np.concatenate((links[:, 1], links[:, 2], links[:, 4], links[:, 5]))
    # Every document's edges, sorted and unique, as one key array: doc in the high bits.
    edges, rank = _distinct_with_ranks((docs << 32) | positions)
    a_start, a_end, b_start, b_end = rank.reshape(4, -1)
    split = jitted(kernels.split_links) if compiled else kernels.split_links
    group = jitted(kernels.group_pieces) if compiled else kernels.group_pieces
    pieces, owners = split(
        links,
        edges & 0xFFFFFFFF,
        *_inside(a_start, a_end),
        *_inside(b_start, b_end),
        kernels.MIN_PIECE,
    )
    return pieces, owners, group(pieces, span_order(pieces))


def _distinct_with_ranks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct keys, sorted, and each key's position among them.

    The link ends are the edges themselves: their positions come from the edges' own sort,
    not from searching the edges for each (5 M lookups in random order among 20 M edges at
    a million articles: 5 s of cache misses)."""
    order = np.argsort(keys)
    ordered = keys[order]
    new = np.ones(len(keys), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return ordered[new], rank


def span_order(pieces: np.ndarray) -> np.ndarray:
    """Return the nodes (2 x piece + side) of piece rows in (document, start, end, node)
    order."""
    nodes = pieces.reshape(-1, 3)  # row 2k + side is node 2k + side
    return lexsort((nodes[:, 2], nodes[:, 1], nodes[:, 0])).astype(np.int64)


def _inside(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the first and past-the-last edge strictly inside each span, given the
    positions of its start and end among the sorted edges."""
    first = starts + 1
    return first, np.maximum(first, ends)


def _renumbered(labels: np.ndarray) -> np.ndarray:
    """Return labels renumbered 0, 1, ... in order of first appearance."""
    if not len(labels):
        return np.empty(0, dtype=np.int64)
    # Stable: each label's first row in the sorted order is its first appearance.
    order = lexsort((labels,))
    new = np.ones(len(order), dtype=bool)
    new[1:] = labels[order][1:] != labels[order][:-1]
    first = order[new]
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first), dtype=np.int64)
    renumbered = np.empty(len(labels), dtype=np.int64)
    renumbered[order] = rank[np.cumsum(new) - 1]
    return renumbered


# --- carriage: how much of each group each document carries ---------------------------------


@dataclass(frozen=True, slots=True)
class Carriage:
    """For each (group, document) that carries the group, sorted: the words of the group in
    the document (overlapping pieces counted once), and where they begin and end."""

    group: np.ndarray
    doc: np.ndarray
    words: np.ndarray
    first: np.ndarray
    last: np.ndarray


def carriage(pieces: Pieces) -> Carriage:
    """Return how much of each group each of its documents carries."""
    sides = pieces.sides
    if not len(sides):
        empty = np.empty(0, dtype=np.int64)
        return Carriage(empty, empty, empty, empty, empty)
    # By group, document and start (the order of equal starts does not change the words
    # covered, nor where they begin and end).
    group, doc, starts, ends = sorted_rows(
        [sides[:, SIDE_GROUP], sides[:, SIDE_DOC], sides[:, SIDE_START], sides[:, SIDE_END]],
        keys=3,
    )
    new = np.ones(len(group), dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (doc[1:] != doc[:-1])
    segment = np.cumsum(new) - 1
    heads = np.flatnonzero(new)
    # Running furthest end within each segment, kept apart by an offset per segment.
    width = int(ends.max()) + 1
    reach = np.maximum.accumulate(segment * width + ends) - segment * width
    before = np.empty(len(group), dtype=np.int64)
    before[0] = 0
    before[1:] = reach[:-1]
    before[new] = starts[new]
    covered = np.maximum(ends - np.maximum(starts, before), 0)
    return Carriage(
        group[heads],
        doc[heads],
        np.add.reduceat(covered, heads),
        np.minimum.reduceat(starts, heads),
        np.maximum.reduceat(ends, heads),
    )


# --- boilerplate --------------------------------------------------------------------------

# Text one outlet repeats is boilerplate when at least this many of its articles carry it,
# in at least two of its stories and in no other story, and it is less than BODY_SHARE of the
# typical carrier (a story an outlet runs three times is most of each article).
OUTLET_ARTICLES = 3
OUTLET_SHARE = 2 / 3
# An outlet's text repeated in 20 of its stories and found in one other outlet's (a classified
# ad's stock phrases, a page another site quoted) is still its own.
STRAY_STORIES = 0.05
BODY_SHARE = 0.5
# Text several outlets carry is syndication, unless it is at most this many words, stands
# within EDGE_WORDS of the end of most carriers, and its carriers close at least
# OUTLET_ARTICLES different stories with it: a copyright line, a standard sign-off.
SHORT_WORDS = 40
EDGE_WORDS = 3


def boilerplate_groups(
    carried: Carriage,
    outlets: np.ndarray,
    word_counts: np.ndarray,
    groups: int,
    related: np.ndarray | None = None,
    topics: TopicsOf | None = None,
    ranks: np.ndarray | None = None,
) -> np.ndarray:
    """Return, for each group, whether it is boilerplate (see the module's rules).

    `outlets` holds each document's outlet number, or -1 when it has none (such a document
    is an outlet of its own). `related` rows are pairs of documents known to be about the
    same story besides the groups (they share a quotation). `ranks` are the documents'
    `centre_order`: another outlet's article that ranks before every article of the outlet
    carrying a text (a wire's own article, an earlier paper) tells a story of its own, even
    where it shares text with the outlet's articles.

    Boilerplate is text repeated across *stories*: the documents of a group that are joined
    by other shared text (story groups, or a shared quotation) count as one story, so that
    copies of an article never make its text look repeated, and an outlet's updates of one
    story are not its boilerplate.
    """
    boilerplate = np.zeros(groups, dtype=bool)
    if not len(carried.group):
        return boilerplate
    members = np.bincount(carried.group, minlength=groups)
    share = carried.words / np.maximum(word_counts[carried.doc], 1)
    typical_words = _group_medians(carried.group, carried.words.astype(np.float64), groups)
    top, top_outlet = _top_outlets(carried.group, outlets[carried.doc], groups)
    # Whether the text is most of the outlet's own articles (copies by others do not count).
    mine = outlets[carried.doc] == top[carried.group]
    own_share = np.ones(groups, dtype=np.float64)
    present = unique_values(carried.group[mine])
    own_share[present] = _group_medians(carried.group[mine], share[mine], groups)[present]
    own = (top_outlet >= OUTLET_ARTICLES) & (top >= 0) & (own_share < BODY_SHARE)
    # Standard lines close articles (copyright notices, sign-offs); a text several outlets
    # open their articles with is a story's lead, taken by each.
    at_end = carried.last >= word_counts[carried.doc] - EDGE_WORDS
    end_share = np.bincount(carried.group, weights=at_end, minlength=groups) / np.maximum(
        members, 1
    )
    # Carriers the text is most of (a brief made of it alone).
    bodies = np.bincount(carried.group, weights=share >= BODY_SHARE, minlength=groups)
    short = (
        (members >= OUTLET_ARTICLES)
        & (typical_words <= SHORT_WORDS)
        & (end_share >= OUTLET_SHARE)
        & (bodies < (1 - OUTLET_SHARE) * members)
    )
    candidates = np.flatnonzero(own | short)
    stories = _stories(carried, candidates, ~own & ~short, outlets, related, ranks)
    # An outlet's own text: in at least 2 of its stories, and in no story without an article
    # of it (aggregators' copies of its pages are its stories; another outlet's story of its
    # own carrying the text makes it syndicated), but for strays: at most STRAY_STORIES of
    # the stories (none below 20). Short standard text of several outlets:
    # closing at least OUTLET_ARTICLES stories (a wire story's last paragraph, carried by the
    # story's copies and by a brief made of that paragraph alone, closes two).
    foreign = stories[:, 2]
    is_own = (
        own[candidates]
        & (stories[:, 1] >= 2)
        & (foreign <= np.floor(STRAY_STORIES * (stories[:, 1] + foreign)))
    )
    is_short = short[candidates] & (stories[:, 0] >= OUTLET_ARTICLES)
    if topics is not None and is_short.any():
        # Standard lines close different *subjects*: articles about one subject (sharing
        # their content words) that each end with a story's last sentence are one story.
        closing = candidates[is_short]
        alike = _alike(carried, closing, topics)
        joined = alike if related is None else np.concatenate((related, alike))
        is_short[is_short] = (
            _stories(carried, closing, ~own & ~short, outlets, joined)[:, 0] >= OUTLET_ARTICLES
        )
    boilerplate[candidates] = is_own | is_short
    return boilerplate


# Text of fewer characters a word than this (spaces and punctuation included; prose has 5 to
# 6.5) is OCR debris or a table's rules: `1 .1 I I . i 1 1`, `H H H H`.
MIN_CHARACTERS_A_WORD = 3.0


def debris_groups(pieces: Pieces) -> np.ndarray:
    """Return, for each group, whether its text is debris (see MIN_CHARACTERS_A_WORD): left
    out with the boilerplate."""
    sides = pieces.sides
    chars = np.bincount(
        sides[:, SIDE_GROUP],
        weights=sides[:, SIDE_LAST] - sides[:, SIDE_FIRST],
        minlength=pieces.groups,
    )
    words = np.bincount(
        sides[:, SIDE_GROUP],
        weights=sides[:, SIDE_END] - sides[:, SIDE_START],
        minlength=pieces.groups,
    )
    return np.asarray(chars < MIN_CHARACTERS_A_WORD * words)


# topics(documents): the content words of each document (see `content_words`).
TopicsOf = Callable[[list[int]], Mapping[int, frozenset[str]]]
# Two articles whose content words overlap this much (Jaccard) are about one subject: measured
# on news-clusters' 383 articles, 74 % of pairs of one event and 1.5 % of pairs of different
# events reach it (words of 5 letters or more).
SAME_SUBJECT = 0.08
_CONTENT_WORD = regex.compile(r"\p{L}{5,}")


def content_words(text: str) -> frozenset[str]:
    """Return the words of five letters or more of a text, lower-cased."""
    return frozenset(word.lower() for word in _CONTENT_WORD.findall(text))


def _alike(carried: Carriage, candidates: np.ndarray, topics: TopicsOf) -> np.ndarray:
    """Return pairs of documents carrying the same candidate group that are about one
    subject (SAME_SUBJECT)."""
    wanted = in_sorted(carried.group, candidates)
    docs_of: dict[int, list[int]] = {}
    for group, doc in zip(
        carried.group[wanted].tolist(), carried.doc[wanted].tolist(), strict=True
    ):
        docs_of.setdefault(group, []).append(doc)
    words = topics(sorted({doc for docs in docs_of.values() for doc in docs}))
    pairs = [
        (a, b)
        for docs in docs_of.values()
        for a, b in itertools.combinations(docs, 2)
        if _jaccard(words[a], words[b]) >= SAME_SUBJECT
    ]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _group_medians(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Return the (lower) median of `values` in each group (`group` sorted)."""
    order = lexsort((values, group))
    ordered = values[order]
    counts = np.bincount(group, minlength=groups)
    starts = np.cumsum(counts) - counts
    medians = np.zeros(groups, dtype=np.float64)
    present = counts > 0
    medians[present] = ordered[starts[present] + (counts[present] - 1) // 2]
    return medians


def _top_outlets(group: np.ndarray, outlet: np.ndarray, groups: int) -> tuple[np.ndarray, ...]:
    """Return, for each group, its most common outlet (the lowest number on a tie; -1 when
    none of its documents has one) and how many of its documents belong to it (documents
    without an outlet count apart)."""
    top = np.full(groups, -1, dtype=np.int64)
    count = np.minimum(np.bincount(group[outlet < 0], minlength=groups), 1)
    known = outlet >= 0
    if known.any():
        span = int(outlet.max()) + 1
        codes, counts = np.unique(group[known] * span + outlet[known], return_counts=True)
        # Most common first, then lowest outlet: the last row of each group after the sort.
        order = np.lexsort((-(codes % span), counts, codes // span))
        last = np.ones(len(order), dtype=bool)
        last[:-1] = (codes // span)[order][1:] != (codes // span)[order][:-1]
        best = order[last]
        top[codes[best] // span] = codes[best] % span
        np.maximum.at(count, codes // span, counts)
    return top, count


def _stories(
    carried: Carriage,
    candidates: np.ndarray,
    stories: np.ndarray,
    outlets: np.ndarray,
    related: np.ndarray | None,
    ranks: np.ndarray | None = None,
) -> np.ndarray:
    """Return, for each candidate group, rows (stories, stories of its most common outlet,
    stories of other outlets) counting the stories its documents tell.

    Two documents are one story when they share a story group (text of their own) or are
    `related` (they share a quotation). Stories are counted as documents no two of which
    are one story (picked greedily, in document order), never by chains of documents, so a
    daily paper whose every issue shares a little with the next still tells many. A story of
    another outlet is a document of it sharing no story with a document of the top outlet
    (an aggregator's copy of the outlet's page is the outlet's story), or, with `ranks`, one
    ranked before every document of the top outlet carrying the group: the outlet took the
    text from it (the wire's own article of a story the outlet ran in pieces), not the other
    way round.
    """
    stories_of: dict[int, list[int]] = {}
    docs_of: dict[int, list[int]] = {}
    wanted = np.zeros(len(stories), dtype=bool)
    wanted[candidates] = True
    chosen = wanted[carried.group]
    for group, doc in zip(
        carried.group[chosen].tolist(), carried.doc[chosen].tolist(), strict=True
    ):
        docs_of.setdefault(group, []).append(doc)
    # The story groups of the candidates' documents only.
    involved = np.zeros(int(carried.doc.max()) + 1, dtype=bool)
    involved[carried.doc[chosen]] = True
    linking = stories[carried.group] & involved[carried.doc]
    for group, doc in zip(
        carried.group[linking].tolist(), carried.doc[linking].tolist(), strict=True
    ):
        stories_of.setdefault(doc, []).append(group)
    neighbours: dict[int, list[int]] = {}
    for a, b in (related if related is not None else np.empty((0, 2), np.int64)).tolist():
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)

    def apart(docs: list[int]) -> list[int]:
        """Return documents of `docs` no two of which are one story, picked in order."""
        picked: list[int] = []
        taken_groups: set[int] = set()
        taken_docs: set[int] = set()
        for doc in docs:
            groups = stories_of.get(doc, ())
            if taken_groups.isdisjoint(groups) and taken_docs.isdisjoint(neighbours.get(doc, ())):
                picked.append(doc)
                taken_groups.update(groups)
                taken_docs.add(doc)
        return picked

    result = np.zeros((len(candidates), 3), dtype=np.int64)
    for row, group in enumerate(candidates.tolist()):
        docs = docs_of[group]
        counts = Counter(int(outlets[doc]) for doc in docs if outlets[doc] >= 0).most_common()
        top = min(o for o, n in counts if n == counts[0][1]) if counts else -1
        own = [doc for doc in docs if top >= 0 and outlets[doc] == top]
        own_groups = {g for doc in own for g in stories_of.get(doc, ())}
        own_docs = set(own)
        first_own = min((int(ranks[doc]) for doc in own), default=-1) if ranks is not None else -1
        others = [
            doc
            for doc in docs
            if doc not in own_docs
            and (
                (
                    own_groups.isdisjoint(stories_of.get(doc, ()))
                    and own_docs.isdisjoint(neighbours.get(doc, ()))
                )
                or (ranks is not None and int(ranks[doc]) < first_own)
            )
        ]
        result[row] = (len(apart(docs)), len(apart(own)), len(apart(others)))
    return result


# --- deciding each group's original ----------------------------------------------------------

_DECIDE_CHUNK = 20000


@dataclass(frozen=True, slots=True)
class Decisions:
    """Each group's attribution label (into `labels`; label 0 is undecided), its original
    document (-1 when not in the corpus or undecided), and who decided: `deciders` rows are
    (group, document), sorted. `carrier_labels` holds, for each piece side, the label of its
    own attribution where it differs from its group's (the carrier's own credit, PRECEDENCE in
    `dedupe.attribution`), else -1."""

    labels: np.ndarray
    originals: np.ndarray
    deciders: np.ndarray
    attributions: list[Attribution]
    carrier_labels: np.ndarray


# facts_of(documents, with_credits): the attribution facts of some documents; without
# credits (a document's wire, dates and outlet only), no text need be read.
FactsOf = Callable[[list[int], bool], Mapping[int, DocumentFacts]]


def decide_order(pieces: Pieces, compiled: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return the piece sides (positions) in the order `decide_groups` takes their groups,
    by cluster of documents joined by pieces, then by group (ties in position order), and
    each document's cluster."""
    sides = pieces.sides
    count = int(sides[:, SIDE_DOC].max()) + 1 if len(sides) else 0
    join = jitted(kernels.components) if compiled else kernels.components
    cluster = join(np.ascontiguousarray(sides[0::2, :2]), count)
    return lexsort((sides[:, SIDE_GROUP], cluster[sides[:, SIDE_DOC]])), cluster


def decide_groups(
    pieces: Pieces,
    story: np.ndarray,
    facts_of: FactsOf,
    jobs: int = 1,
    compiled: bool = False,
    ordering: tuple[np.ndarray, np.ndarray] | None = None,
) -> Decisions:
    """Return the attribution of each group marked in `story` (the others stay undecided).

    `ordering` is `decide_order(pieces)`, when made already (it needs no `story`).

    `facts_of(documents)` returns the attribution facts of some documents. Groups are decided
    in chunks of about _DECIDE_CHUNK piece sides, on up to `jobs` processes (forked: each
    chunk asks for the facts of its own documents). A chunk holds whole clusters of groups
    (joined by the documents they share), so a document's facts are made once, but for
    clusters larger than a chunk.
    """
    sides = pieces.sides
    every, cluster = ordering if ordering is not None else decide_order(pieces, compiled)
    order = every[story[sides[every, SIDE_GROUP]]]
    ordered = sides[order]
    group_column = ordered[:, SIDE_GROUP]
    bounds = np.flatnonzero(np.diff(group_column, prepend=-1))
    ends = np.append(bounds[1:], len(ordered))
    clusters = cluster[ordered[bounds, SIDE_DOC]] if len(bounds) else bounds
    chunks: list[tuple[int, int]] = []
    lo = 0
    while lo < len(bounds):
        hi = int(np.searchsorted(bounds, bounds[lo] + _DECIDE_CHUNK, side="left"))
        hi = max(hi, lo + 1)
        # Extend to the end of the cluster of the chunk's last group, unless that would more
        # than double the chunk (a cluster larger than a chunk is cut).
        last = int(np.searchsorted(clusters, clusters[hi - 1], side="right"))
        if last - hi <= hi - lo:
            hi = last
        chunks.append((lo, hi))
        lo = hi
    state = (facts_of, ordered, bounds, ends)
    labels = np.zeros(pieces.groups, dtype=np.int64)
    originals = np.full(pieces.groups, -1, dtype=np.int64)
    deciders: list[np.ndarray] = [np.empty((0, 2), dtype=np.int64)]
    attributions: list[Attribution] = [UNDECIDED]
    label_of: dict[tuple[str | None, str | None], int] = {(None, None): 0}
    carrier_labels = np.full(len(sides), -1, dtype=np.int64)

    def label(key: tuple[str | None, str | None]) -> int:
        if key not in label_of:
            label_of[key] = len(attributions)
            attributions.append(Attribution(*key))
        return label_of[key]

    for (lo, hi), (keys, found, decided, own) in zip(
        chunks, map_ordered(_decide_chunk, state, chunks, jobs), strict=True
    ):
        groups = group_column[bounds[lo:hi]]
        labels[groups] = np.array([label(key) for key in keys], dtype=np.int64)
        originals[groups] = found
        deciders.append(np.column_stack((groups[decided[:, 0]], decided[:, 1])))
        for row, key in own:
            carrier_labels[order[row]] = label(key)
    found_deciders = np.concatenate(deciders)
    by_group = lexsort((found_deciders[:, 1], found_deciders[:, 0]))
    return Decisions(labels, originals, found_deciders[by_group], attributions, carrier_labels)


# A carrier's attribution where it differs from its group's: (row of the ordered sides, key).
_OwnKeys = list[tuple[int, tuple[str | None, str | None]]]


def _decide_chunk(
    state: tuple[FactsOf, np.ndarray, np.ndarray, np.ndarray], chunk: tuple[int, int]
) -> tuple[list[tuple[str | None, str | None]], np.ndarray, np.ndarray, _OwnKeys]:
    """Return the (source, rule), the original document and the deciders (position in the
    chunk, document) of groups [lo, hi) of the state, and the carriers whose own attribution
    differs from their group's (`carriers_on_their_own`)."""
    facts_of, ordered, bounds, ends = state
    lo, hi = chunk
    base = int(bounds[lo])
    rows = ordered[base : ends[hi - 1]]
    starts, stops = (bounds[lo:hi] - base).tolist(), (ends[lo:hi] - base).tolist()
    docs, outlet_docs, plain = _group_documents(rows, facts_of)
    keys: list[tuple[str | None, str | None]] = [(None, None)] * (hi - lo)
    originals = np.full(hi - lo, -1, dtype=np.int64)
    deciders: list[tuple[int, int]] = []

    def settle(position: int, attribution: Attribution, facts: Mapping[int, DocumentFacts]) -> None:
        keys[position] = (attribution.source, attribution.rule)
        originals[position] = original_document(attribution, facts)
        deciders.extend((position, doc) for doc in attribution.decided_by)

    # A wire's own article decides most groups, from the documents' outlets alone. Credits
    # (a pass over the text) are read only for the other groups, all at once: the wire's own
    # article comes before any credit (PRECEDENCE in dedupe.attribution).
    pending: list[int] = []
    for position, wires in enumerate(outlet_docs):
        attribution = wire_outlet(wires, plain) if wires else None
        if attribution is not None and attribution.rule == "wire-outlet":
            settle(position, attribution, plain)
        else:
            pending.append(position)
    asked = np.concatenate([docs[p] for p in pending]) if pending else np.empty(0, np.int64)
    full = facts_of(unique_values(asked).tolist(), True)
    own: _OwnKeys = []
    for position in pending:
        start, stop = starts[position], stops[position]
        carriers = rows[start:stop, [SIDE_DOC, SIDE_FIRST, SIDE_LAST]].tolist()
        attribution = decide(carriers, full)
        settle(position, attribution, full)
        for row, mine in carriers_on_their_own(carriers, attribution, full):
            own.append((base + start + row, (mine.source, mine.rule)))
    return keys, originals, np.array(deciders, dtype=np.int64).reshape(-1, 2), own


def _group_documents(
    rows: np.ndarray, facts_of: FactsOf
) -> tuple[list[np.ndarray], list[list[int]], Mapping[int, DocumentFacts]]:
    """Return, for each group of the piece sides `rows` (grouped), its documents (sorted,
    once each) and those of them whose outlet is a wire, with the facts without credits of
    every document of the rows."""
    groups = np.flatnonzero(np.diff(rows[:, SIDE_GROUP], prepend=-1))
    local = np.repeat(np.arange(len(groups)), np.diff(np.append(groups, len(rows))))
    span = int(rows[:, SIDE_DOC].max()) + 1 if len(rows) else 1
    codes = unique_values(local * span + rows[:, SIDE_DOC])
    group_of, doc_of = codes // span, codes % span
    present = unique_values(doc_of)
    plain = facts_of(present.tolist(), False)
    wire = np.array([plain[doc].wire is not None for doc in present.tolist()], dtype=bool)
    bounds = np.searchsorted(group_of, np.arange(len(groups) + 1)).tolist()
    docs = [doc_of[a:b] for a, b in itertools.pairwise(bounds)]
    by_wire = wire[np.searchsorted(present, doc_of)] if len(present) else np.empty(0, bool)
    outlet_bounds = np.searchsorted(group_of[by_wire], np.arange(len(groups) + 1)).tolist()
    outlet_list = doc_of[by_wire].tolist()
    return docs, [outlet_list[a:b] for a, b in itertools.pairwise(outlet_bounds)], plain


def original_document(attribution: Attribution, facts: Mapping[int, DocumentFacts]) -> int:
    """Return the corpus document that is the original of a decided text, or -1.

    A wire's own article (the earliest of them, then the first) for ``wire-outlet``; the
    first published article for ``earliest-publication``; none for a credited wire, whose
    article is not in the corpus (the outlet rule would have decided otherwise).
    """
    if attribution.rule == "earliest-publication":
        return min(attribution.decided_by)
    if attribution.rule == "wire-outlet":

        def when(doc: int) -> tuple[bool, float, int]:
            moment = facts[doc].published
            return (moment is None, moment.timestamp() if moment else 0.0, doc)

        return min(attribution.decided_by, key=when)
    return -1


# --- families ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Families:
    """The family stage's result, as columns.

    `pieces.sides` rows are the pieces (see `Pieces`); `side_kind[k]` says whether side k is
    text its document copied (COPIED), its own or its outlet's (OWN), or BOILERPLATE, and
    `side_label[k]` its attribution (into `labels`).
    For each group: `group_family` (-1 for boilerplate), `group_label` (into `labels`) and
    `group_original` (a document or -1). For each family: `family_original` and
    `family_label`.
    """

    pieces: Pieces
    side_kind: np.ndarray
    side_label: np.ndarray
    group_family: np.ndarray
    group_label: np.ndarray
    group_original: np.ndarray
    family_original: np.ndarray
    family_label: np.ndarray
    labels: tuple[Attribution, ...]

    @property
    def boilerplate(self) -> np.ndarray:
        """Return, for each group, whether it is boilerplate."""
        return self.group_family < 0


def find_families(
    documents: Sequence[Document],
    aligned: AlignedPassages,
    word_counts: np.ndarray,
    *,
    separator: str | None = None,
    keep_boilerplate: bool = False,
    jobs: int = 1,
    compiled: bool = False,
    ranks: np.ndarray | None = None,
) -> Families:
    """Return the families (and boilerplate) of the shared passages of `aligned`
    (`word_counts`: every document's words; `ranks`: their `centre_order`, made here when
    not given)."""
    ids = document_ids(documents)
    sources, published = document_metadata(documents)
    pieces = cut_pieces(aligned, compiled)
    # The order groups are decided in is sorted on a second core while boilerplate is found.
    ordering = in_thread(decide_order, pieces, compiled) if compiled else None
    carried = carriage(pieces)
    names = _name_numbers(sources)
    outlets = np.array([names.get(s, -1) if s else -1 for s in sources], dtype=np.int64)
    if keep_boilerplate:
        boilerplate = np.zeros(pieces.groups, dtype=bool)
    else:
        quoted = aligned.pairs[unique_values(aligned.pair_of_rows()[aligned.rows[:, QUOTE] == 1])]
        boilerplate = boilerplate_groups(
            carried,
            outlets,
            np.asarray(word_counts, dtype=np.int64),
            pieces.groups,
            quoted,
            functools.partial(_topics, documents),
            ranks if ranks is not None else centre_order(sources, published),
        )
        boilerplate |= debris_groups(pieces)
    metadata = (ids, sources, published, document_crawled(documents))
    facts_of = functools.partial(read_facts, documents, metadata, separator)
    decided = decide_groups(
        pieces, ~boilerplate, facts_of, jobs, compiled, ordering() if ordering else None
    )
    group_family, family_original, family_label = _families_of_groups(
        carried, boilerplate, decided.labels, decided.originals
    )
    attributions = decided.attributions
    side_label = side_labels(pieces, decided, attributions, compiled)
    kind = _side_kinds(
        pieces, boilerplate, decided.originals, side_label, attributions, sources, names
    )
    return Families(
        pieces,
        kind,
        side_label,
        group_family,
        decided.labels,
        decided.originals,
        family_original,
        family_label,
        tuple(attributions),
    )


def _topics(documents: Sequence[Document], indices: list[int]) -> dict[int, frozenset[str]]:
    """Return the content words of the documents at `indices` (their texts are read)."""
    return {
        index: content_words(text)
        for index, text in zip(indices, document_texts(documents, indices), strict=True)
    }


# Made for every document of every group decided: without DocumentFacts's __init__.
_facts = from_fields(DocumentFacts)


def read_facts(
    documents: Sequence[Document],
    metadata: tuple[Sequence[str], Sequence[str | None], Sequence[str | None], Sequence[bool]],
    separator: str | None,
    indices: list[int],
    with_credits: bool,
) -> dict[int, DocumentFacts]:
    """Return the attribution facts of the documents at `indices`: with their credits (their
    texts are read), or without (from `metadata`, their ids, outlets, dates and whether each
    date is a crawl time, alone)."""
    ids, sources, published, crawled = metadata
    facts = {}
    if with_credits:
        for index, text in zip(indices, document_texts(documents, indices), strict=True):
            facts[index] = document_facts(
                ids[index],
                text,
                sources[index],
                published[index],
                separator,
                weak_date=crawled[index],
            )
        return facts
    outlets: dict[tuple[str | None, bool], DocumentFacts] = {}
    for index in indices:
        # An outlet's facts are worked out once; each document adds its id and date.
        key = (sources[index], crawled[index])
        outlet = outlets.get(key)
        if outlet is None:
            outlet = outlets[key] = document_facts("", "", key[0], None, separator, key[1])
        facts[index] = _facts(
            ids[index],
            outlet.source,
            parse_date(published[index]),
            outlet.wire,
            outlet.credits,
            outlet.aggregator,
            outlet.weak_date,
        )
    return facts


def side_labels(
    pieces: Pieces,
    decided: Decisions,
    attributions: list[Attribution],
    compiled: bool = False,
) -> np.ndarray:
    """Return the attribution label of each piece side: its own where its document's credit
    decides it (`Decisions.carrier_labels`), else its group's, with the rule prefixed
    ``transitive-`` when neither the side's document nor its partner in the piece decided it
    (the text reached the document through other carriers). New labels join `attributions`.
    """
    sides = pieces.sides
    labels = decided.labels[sides[:, SIDE_GROUP]] if len(sides) else np.empty(0, np.int64)
    if not len(sides):
        return labels
    # Deciders are sorted by group, then document.
    bounds = np.searchsorted(decided.deciders[:, 0], np.arange(pieces.groups + 1))
    find = jitted(kernels.decided_sides) if compiled else kernels.decided_sides
    # A carrier's own credit is its own: never transitive.
    own = decided.carrier_labels >= 0
    direct = (
        find(
            np.ascontiguousarray(sides[:, [SIDE_DOC, SIDE_PARTNER, SIDE_GROUP]]),
            bounds,
            np.ascontiguousarray(decided.deciders[:, 1]),
        )
        | own
    )
    transitive_of: dict[int, int] = {}
    for label in unique_values(labels[~direct]).tolist():
        attribution = attributions[label]
        if attribution.rule is None:
            transitive_of[label] = label
            continue
        twin = Attribution(attribution.source, "transitive-" + attribution.rule)
        if twin not in attributions:
            attributions.append(twin)
        transitive_of[label] = attributions.index(twin)
    relabel = np.arange(len(attributions), dtype=np.int64)
    if transitive_of:
        relabel[list(transitive_of)] = list(transitive_of.values())
    result = np.where(direct, labels, relabel[labels])
    result[own] = decided.carrier_labels[own]
    return result


def _name_numbers(sources: Sequence[str | None]) -> dict[str, int]:
    """Return a number for each distinct outlet name (in order of first appearance)."""
    numbers: dict[str, int] = {}
    for source in sources:
        if source and source not in numbers:
            numbers[source] = len(numbers)
    return numbers


def _families_of_groups(
    carried: Carriage, boilerplate: np.ndarray, labels: np.ndarray, originals: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each group's family (-1 for boilerplate), and each family's original and label.

    Groups with the same original article are one family (everything taken from it); a group
    without one joins the groups carried by the same documents with the same source.
    """
    # Only groups without an original article need their documents.
    unowned = (originals[carried.group] < 0) & ~boilerplate[carried.group]
    docs_of: dict[int, list[int]] = {}
    for group, doc in zip(
        carried.group[unowned].tolist(), carried.doc[unowned].tolist(), strict=True
    ):
        docs_of.setdefault(group, []).append(doc)
    family_of_key: dict[object, int] = {}
    group_family = np.full(len(boilerplate), -1, dtype=np.int64)
    family_original: list[int] = []
    family_label: list[int] = []
    for group in range(len(boilerplate)):
        if boilerplate[group]:
            continue
        original, label = int(originals[group]), int(labels[group])
        key: object = ("original", original) if original >= 0 else (tuple(docs_of[group]), label)
        family = family_of_key.get(key)
        if family is None:
            family = family_of_key[key] = len(family_original)
            family_original.append(original)
            family_label.append(label)
        group_family[group] = family
    return (
        group_family,
        np.array(family_original, dtype=np.int64),
        np.array(family_label, dtype=np.int64),
    )


def _side_kinds(
    pieces: Pieces,
    boilerplate: np.ndarray,
    originals: np.ndarray,
    side_label: np.ndarray,
    attributions: Sequence[Attribution],
    sources: Sequence[str | None],
    names: dict[str, int],
) -> np.ndarray:
    """Return whether each piece side is COPIED, OWN or BOILERPLATE text of its document.

    Text is a document's own when the document is its original, or when its original source
    (the side's, `side_label`) is the document's outlet (or the wire that outlet is): copying
    from oneself is not copying. Text of an undecided origin is copied: each carrier took it
    from somewhere.
    """
    numbers = dict(names)
    wire_of = {source: wire_of_outlet(source) for source in dict.fromkeys(sources)}
    wires = [wire_of[source] for source in sources]
    for name in [*(a.source for a in attributions), *wires]:
        if name and name not in numbers:
            numbers[name] = len(numbers)
    own_outlet = np.array([numbers[s] if s else -1 for s in sources], dtype=np.int64)
    own_wire = np.array([numbers[w] if w else -1 for w in wires], dtype=np.int64)
    label_source = np.array(
        [numbers[a.source] if a.source else -1 for a in attributions], dtype=np.int64
    )
    sides = pieces.sides
    doc, group = sides[:, SIDE_DOC], sides[:, SIDE_GROUP]
    source = label_source[side_label] if len(group) else np.empty(0, dtype=np.int64)
    own = (originals[group] == doc) | (
        (source >= 0) & ((source == own_outlet[doc]) | (source == own_wire[doc]))
    )
    kind = np.where(own, OWN, COPIED)
    kind[boilerplate[group]] = BOILERPLATE
    return kind.astype(np.int64)
