"""The report's figures: copied, shared and quoted words, matches, families, boilerplate and
pairs, on small corpora whose shared text is known word for word."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe import coverage_kernels
from dedupe.coverage_kernels import (
    ENTRY_COLUMNS,
    T_BOILERPLATE,
    T_COPIED,
    T_QUOTED,
    T_SHARED,
    covered_words,
)
from dedupe.documents import Document
from dedupe.jit import compiled
from dedupe.kinds import BOILERPLATE, COPIED, EDITED_GAP_WORDS, OWN, QUOTED
from dedupe.report import MAX_MATCHES, _strongest_partners, natural_key, percent

_RANDOM = random.Random(7)
VOCABULARY = [
    "".join(_RANDOM.choice("bcdfghjklmnpqrstvwxz") + _RANDOM.choice("aeiou") for _ in range(3))
    for _ in range(5000)
]


def prose(words: int, seed: int) -> str:
    """Return `words` words of text no other seed shares (beyond chance single words)."""
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)) + "."


def scan(documents: list[Document], **options: object) -> dedupe.Report:
    return dedupe.scan(documents, jobs=1, **options)  # type: ignore[arg-type]


STORY = prose(120, 1)


@pytest.fixture(scope="module")
def wire_and_copies() -> dedupe.Report:
    """A Reuters story (120 words), a verbatim copy, a copy that adds 120 words of its own,
    and an article of its own."""
    documents = [
        Document("wire", STORY, "Reuters", "2024-01-01T08:00:00Z"),
        Document("copy", STORY, "Daily Planet", "2024-01-01T10:00:00Z"),
        Document("half", f"{prose(120, 2)}\n\n{STORY}", "Bugle", "2024-01-01T11:00:00Z"),
        Document("own", prose(200, 3), "Herald", "2024-01-01T09:00:00Z"),
    ]
    return scan(documents, pairs=True)


def test_the_original_copies_nothing_and_its_carriers_what_they_took(
    wire_and_copies: dedupe.Report,
) -> None:
    report = wire_and_copies
    figures = {d.id: (d.copied_percent, d.shared_percent) for d in report.documents}
    assert figures == {
        "wire": (0.0, 100.0),
        "copy": (100.0, 100.0),
        "half": (50.0, 50.0),
        "own": (0.0, 0.0),
    }
    copy = report.document("copy")
    assert (copy.original_source, copy.attribution_rule, copy.credited) == (
        "Reuters",
        "wire-outlet",
        False,
    )
    assert report.document("wire").original_source is None


def test_one_family_names_its_original_and_each_carriers_share(
    wire_and_copies: dedupe.Report,
) -> None:
    (family,) = wire_and_copies.families
    assert (family.original, family.original_source, family.rule) == (
        "wire",
        "Reuters",
        "wire-outlet",
    )
    assert family.words == 120
    assert [(m.id, m.percent, m.credited) for m in family.members] == [
        ("wire", 100.0, None),
        ("copy", 100.0, False),
        ("half", 50.0, False),
    ]
    assert wire_and_copies.document("half").families == (family.id,)
    assert wire_and_copies.families_of("own") == ()


def test_a_documents_entry_families_and_pairs_are_looked_up_by_id() -> None:
    """`document`, `families_of` (largest share first), `family_of` (the largest family) and
    `pairs_of`: "mix" carries a short story of three carriers and a long one of two."""
    short, long = prose(120, 11), prose(200, 12)
    report = scan(
        [
            Document("wire-a", short, "Reuters", "2024-01-01T08:00:00Z"),
            Document("copy-a", short, "Bugle", "2024-01-01T10:00:00Z"),
            Document("wire-b", long, "AFP", "2024-01-01T08:00:00Z"),
            Document("mix", f"{long}\n\n{short}", "Herald", "2024-01-01T12:00:00Z"),
            Document("own", prose(150, 13), "Herald", "2024-01-01T12:00:00Z"),
        ],
        pairs=True,
    )
    larger, smaller = report.families
    assert (larger.original, smaller.original) == ("wire-a", "wire-b")
    assert report.document("mix").source == "Herald"
    assert report.families_of("mix") == (smaller, larger)
    assert report.family_of("mix") == larger
    assert report.family_of("copy-a") == larger and report.family_of("wire-b") == smaller
    assert report.family_of("own") is None and report.families_of("own") == ()
    assert report.largest_families() == [report.family_of(doc.id) for doc in report.documents]
    assert {(p.a, p.b) for p in report.pairs_of("mix")} == {
        ("copy-a", "mix"),
        ("mix", "wire-a"),
        ("mix", "wire-b"),
    }
    assert report.pairs_of("own") == ()
    for lookup in (report.document, report.families_of, report.family_of):
        with pytest.raises(KeyError):
            lookup("nope")


def test_overlap_is_directional(wire_and_copies: dedupe.Report) -> None:
    pair = next(p for p in wire_and_copies.pairs if {p.a, p.b} == {"half", "wire"})
    percents = {pair.a: pair.percent_a, pair.b: pair.percent_b}
    assert percents == {"half": 50.0, "wire": 100.0}


def test_pairs_are_listed_only_on_request(wire_and_copies: dedupe.Report) -> None:
    assert wire_and_copies.pairs
    assert "pairs" in wire_and_copies.to_dict()
    plain = scan([Document(d.id, STORY if d.id != "own" else prose(200, 3)) for d in
                  wire_and_copies.documents])  # fmt: skip
    assert plain.pairs == ()
    assert "pairs" not in plain.to_dict()
    assert plain.to_dict()["version"] == 2


def test_passage_text_and_offsets_come_from_document_a(wire_and_copies: dedupe.Report) -> None:
    texts = {"wire": STORY, "copy": STORY, "half": f"{prose(120, 2)}\n\n{STORY}"}
    for pair in wire_and_copies.pairs:
        for passage in pair.passages:
            assert texts[pair.a][passage.a_start : passage.a_end] == passage.text
            assert texts[pair.b][passage.b_start : passage.b_end] == passage.text
            assert passage.family == wire_and_copies.families[0].id


QUOTE = '"' + prose(30, 9)[:-1] + '," the minister said.'


def test_quotes_are_shared_never_copied_and_counted_once() -> None:
    a = f"{prose(60, 11)} {QUOTE} {prose(60, 12)}"
    b = f"{prose(80, 13)} {QUOTE} {prose(40, 14)}"
    report = scan([Document("a", a, "Planet"), Document("b", b, "Bugle")])
    for doc in report.documents:
        assert doc.copied_percent == 0.0
        assert doc.quoted_percent == doc.shared_percent > 0
    assert report.families == ()


def test_identical_texts_that_quote_a_lot_share_everything() -> None:
    text = f"{prose(40, 21)} {QUOTE} {prose(10, 22)} {QUOTE.replace('minister', 'mayor')}"
    report = scan([Document("a", text, "Planet"), Document("b", text, "Bugle")])
    assert [d.shared_percent for d in report.documents] == [100.0, 100.0]


def test_matches_are_capped_and_the_rest_counted() -> None:
    copies = [Document(f"c{k}", STORY, f"Outlet {k}") for k in range(MAX_MATCHES + 5)]
    report = scan(copies)
    first = report.document("c0")
    assert len(first.matches) == MAX_MATCHES
    assert first.more_matches == 4  # 24 others: 20 shown, 4 counted
    assert all(m.percent == 100.0 for m in first.matches)
    (family,) = report.families
    assert len(family.members) == MAX_MATCHES + 5
    # A copy aligned with the family's centre only still counts every other copy.
    last = report.document(f"c{MAX_MATCHES + 4}")
    assert len(last.matches) + last.more_matches == MAX_MATCHES + 4


@st.composite
def _partner_rows(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Partner rows (doc, partner, words, quoted) of documents [lo, lo + n), sorted by doc,
    each partner once a document, their documents' words, and a minimum share that is often
    one of the shares itself (where rounding decides)."""
    lo, n = draw(st.integers(0, 5)), draw(st.integers(1, 4))
    bases = np.array(draw(st.lists(st.integers(0, 900), min_size=n, max_size=n)), np.int64)
    rows = []
    for doc in range(lo, lo + n):
        partners = draw(st.lists(st.integers(0, 40), unique=True, max_size=MAX_MATCHES + 6))
        for partner in partners:
            rows.append((doc, partner, draw(st.integers(0, 900)), 0))
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    shares = [percent(int(r[2]), int(bases[r[0] - lo])) for r in table]
    floor = draw(st.sampled_from([0.0, 0.005, 33.33, 50.0, *shares[:5]]))
    return table, bases, lo, floor


@settings(max_examples=300, deadline=None)
@given(case=_partner_rows())
def test_strongest_partners_rank_cap_and_filter_as_the_per_document_rule(
    case: tuple[np.ndarray, np.ndarray, int, float],
) -> None:
    """Each document's partners sharing words (and at least `min_percent` of its words, as
    `percent` rounds it), strongest first, ties by partner, MAX_MATCHES shown."""
    table, bases, lo, floor = case
    strongest, counts = _strongest_partners(table, bases, lo, lo + len(bases), floor)
    for local, base in enumerate(bases.tolist()):
        mine = [(p, n) for d, p, n, _ in table.tolist() if d == lo + local and n]
        if floor:
            mine = [(p, n) for p, n in mine if percent(n, base) >= floor]
        expected = sorted(mine, key=lambda row: (-row[1], row[0]))
        assert strongest[local] == [list(row) for row in expected[:MAX_MATCHES]]
        assert counts[local] == len(expected)


def test_min_percent_hides_weak_pairs_and_matches_but_not_figures() -> None:
    documents = [
        Document("a", f"{STORY}\n\n{prose(200, 31)}", "Planet", "2024-01-01T00:00:00Z"),
        Document("b", f"{STORY[:300]}\n\n{prose(400, 32)}", "Bugle", "2024-01-02T00:00:00Z"),
    ]
    shown = scan(documents, pairs=True)
    hidden = scan(documents, pairs=True, min_percent=40.0)
    assert shown.pairs and not hidden.pairs
    assert shown.document("b").matches and not hidden.document("b").matches
    assert shown.document("b").copied_percent == hidden.document("b").copied_percent > 0


def test_rewrites_are_in_the_json_contract_and_looked_up_by_id(
    clough_report: dedupe.Report,
) -> None:
    listed = clough_report.to_dict()["rewrites"]
    assert listed == [
        {
            "a": r.a,
            "b": r.b,
            "similarity": r.similarity,
            "percent_a": r.percent_a,
            "percent_b": r.percent_b,
        }
        for r in clough_report.rewrites
    ]
    assert [(r["a"], r["b"]) for r in listed] == sorted((r["a"], r["b"]) for r in listed)
    for r in clough_report.rewrites:
        assert (
            r.a < r.b
            and r in clough_report.rewrites_of(r.a)
            and r in clough_report.rewrites_of(r.b)
        )
        # Similar wording without a shared passage: never a listed pair.
        assert (r.a, r.b) not in {(p.a, p.b) for p in clough_report.pairs}
    assert clough_report.rewrites_of("g1pD_taskd") == clough_report.rewrites_of("nope") == ()


def test_min_percent_hides_weak_rewrites(clough_dir: Path, clough_report: dedupe.Report) -> None:
    shown = clough_report.rewrites
    hidden = dedupe.scan(sorted(clough_dir.glob("*.txt")), jobs=1, min_percent=15.0).rewrites
    assert hidden == tuple(r for r in shown if r.similarity >= 15.0) and len(hidden) < len(shown)


FOOTER = (
    "Subscribe to the Valley Post newsletter for the best of our local journalism every "
    "morning, and follow us on every platform. Copyright Valley Post Media, all rights "
    "reserved; no part may be reproduced without written permission."
)


def test_an_outlets_footer_is_left_out_of_every_figure_and_reported_once() -> None:
    documents = [
        Document(f"v{k}", f"{prose(150, 40 + k)}\n\n{FOOTER}", "Valley Post") for k in range(5)
    ]
    report = scan(documents, pairs=True)
    assert report.families == () and report.pairs == ()
    footer_words = len(FOOTER.split())
    for doc in report.documents:
        assert doc.boilerplate_words == footer_words
        assert (doc.copied_percent, doc.shared_percent) == (0.0, 0.0)
    (item,) = report.boilerplate
    assert (item.source, item.articles, item.more_texts) == ("Valley Post", 5, 0)
    (text,) = item.texts
    assert (text.text, text.articles) == (FOOTER.rstrip("."), 5)
    kept = scan(documents, keep_boilerplate=True)
    assert kept.boilerplate == ()
    assert all(d.shared_percent > 10 for d in kept.documents)


def test_a_wire_story_an_outlet_carries_with_its_footer_stays_a_story() -> None:
    documents = [
        Document(f"v{k}", f"{prose(150, 50 + k)}\n\n{FOOTER}", "Valley Post") for k in range(4)
    ]
    documents += [
        Document("wire", STORY, "Reuters"),
        Document("v-wire", f"{STORY}\n\n{FOOTER}", "Valley Post"),
    ]
    report = scan(documents)
    carrier = report.document("v-wire")
    assert carrier.boilerplate_words == len(FOOTER.split())
    assert carrier.copied_percent == 100.0
    assert carrier.original_source == "Reuters"


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(1, 3, 33.33), (0, 0, 0.0), (5, 5, 100.0), (2, 3, 66.67)]
)
def test_percent_rounds_to_two_decimals(part: int, whole: int, expected: float) -> None:
    assert percent(part, whole) == expected


@given(whole=st.integers(1, 10**7), share=st.floats(0, 1))
def test_percent_is_pythons_rounding_of_the_float_ratio(whole: int, share: float) -> None:
    part = int(share * whole)
    assert repr(percent(part, whole)) == repr(round(100.0 * part / whole, 2))


@given(scale=st.integers(1, 250), odd=st.integers(0, 9999))
def test_percent_at_an_exact_tie_rounds_as_the_float_does(scale: int, odd: int) -> None:
    # 10000 * part / whole is (2 odd + 1) / 2: the ratio ends in exactly half a hundredth,
    # and the float's own rounding error decides which way it goes.
    whole, part = 40000 * scale, 2 * scale * (2 * odd + 1)
    assert repr(percent(part, whole)) == repr(round(100.0 * part / whole, 2))


@pytest.mark.parametrize(("part", "whole"), [(3, 2), (2**40 + 1, 2**41), (7, 3), (-1, 5), (5, -7)])
def test_percent_outside_the_integer_range_is_round_itself(part: int, whole: int) -> None:
    assert repr(percent(part, whole)) == repr(round(100.0 * part / whole, 2))


def test_percent_matches_round_for_every_part_of_small_wholes() -> None:
    for whole in range(1, 401):
        assert [percent(p, whole) for p in range(whole + 1)] == [
            round(100.0 * p / whole, 2) for p in range(whole + 1)
        ]


def test_ids_sort_in_natural_order() -> None:
    ids = ["10500", "1051", "10535", "a10", "a2", "b"]
    assert sorted(ids, key=natural_key) == ["1051", "10500", "10535", "a2", "a10", "b"]


# --- the coverage kernel ---------------------------------------------------------------------

entry = st.tuples(
    st.integers(0, 2),  # doc
    st.integers(0, 3),  # partner
    st.integers(0, 30),  # start
    st.integers(1, 15),  # length
    st.sampled_from([COPIED, OWN, BOILERPLATE, QUOTED]),
    st.integers(-1, 2),  # family
    st.integers(0, 3),  # label
)


quotations = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(1, 6)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    max_size=4,
)  # (doc, start, end) of quotations inside shared passages


def kernel_inputs(
    rows: list[tuple[int, ...]], inside: list[tuple[int, int, int]], words: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the coverage kernel's entries, quotations and word counts of (doc, partner,
    start, length, kind, family, label) rows sorted by doc."""
    # Copied words have a label only when a copied entry covers them; ranks follow labels.
    entries = np.array(
        [(d, p, s, s + length, k, f, label, label) for d, p, s, length, k, f, label in rows],
        dtype=np.int64,
    ).reshape(-1, ENTRY_COLUMNS)
    quoted = np.array(inside, dtype=np.int64).reshape(-1, 3)
    return entries, quoted, np.array(words, dtype=np.int64)


def oracle(rows: list[tuple[int, ...]], inside: list[tuple[int, int, int]], words: list[int]):  # type: ignore[no-untyped-def]
    """Return the coverage totals by plain sets of word positions."""
    totals = []
    for doc, n in enumerate(words):

        def words_of(kinds: set[int], doc: int = doc, n: int = n) -> set[int]:
            return {
                w for d, _, s, length, k, *_ in rows if d == doc and k in kinds
                for w in range(s, min(s + length, n))
            }  # fmt: skip

        boilerplate = words_of({BOILERPLATE})
        in_quotes = {w for d, s, e in inside if d == doc for w in range(s, min(e, n))}
        shared = words_of({COPIED, OWN, QUOTED}) - boilerplate
        copied = words_of({COPIED}) - in_quotes - boilerplate
        quoted = (words_of({QUOTED}) | in_quotes) - boilerplate - copied
        totals.append([len(boilerplate), len(shared), len(copied), len(quoted)])
    return totals


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(entry, max_size=12),
    inside=quotations,
    words=st.lists(st.integers(0, 40), min_size=3, max_size=3),
)
def test_coverage_counts_each_word_once_and_agrees_compiled(
    rows: list[tuple[int, ...]], inside: list[tuple[int, int, int]], words: list[int]
) -> None:
    rows, inside = sorted(rows, key=lambda r: r[0]), sorted(inside)
    entries, quoted, counts = kernel_inputs(rows, inside, words)
    plain = coverage_kernels.coverage(entries, quoted, counts, 0)
    fast = compiled(coverage_kernels.coverage)(entries, quoted, counts, 0)
    for mine, theirs in zip(plain, fast, strict=True):
        assert mine.tolist() == theirs.tolist()
    totals, _, labels, _ = plain
    covered = [doc for doc in range(3) if any(r[0] == doc for r in rows)]
    expected = oracle(rows, inside, words)
    for doc in covered:
        assert totals[doc].tolist() == expected[doc]
        assert totals[doc, T_SHARED] <= words[doc] - totals[doc, T_BOILERPLATE]
        assert (
            totals[doc, T_COPIED] + totals[doc, T_QUOTED]
            <= totals[doc, T_SHARED] + (totals[doc, T_QUOTED])
        )
        assert labels[labels[:, 0] == doc, 2].sum() == totals[doc, T_COPIED]


def partner_and_family_oracle(  # type: ignore[no-untyped-def]
    rows: list[tuple[int, ...]], inside: list[tuple[int, int, int]], words: list[int]
):
    """Return the partner rows (doc, partner, copied words, words with quotations and edited
    gaps) and family rows (doc, family, words) by plain sets of word positions."""
    partners, families = [], []
    for doc, n in enumerate(words):
        mine = [r for r in rows if r[0] == doc]

        def span(start: int, length: int, n: int = n) -> set[int]:
            return set(range(start, min(start + length, n)))

        boilerplate = {
            w for _, _, s, length, k, *_ in mine if k == BOILERPLATE for w in span(s, length)
        }
        in_quotes = {w for d, s, e in inside if d == doc for w in range(s, min(e, n))}
        for partner in sorted({r[1] for r in mine if r[4] != BOILERPLATE}):
            chosen = [r for r in mine if r[1] == partner and r[4] != BOILERPLATE]
            copied = {
                w for _, _, s, length, k, *_ in chosen if k != QUOTED for w in span(s, length)
            }
            closed = gaps_closed({w for _, _, s, length, *_ in chosen for w in span(s, length)})
            partners.append(
                [doc, partner, len(copied - boilerplate - in_quotes), len(closed - boilerplate)]
            )
        for family in sorted({r[5] for r in mine if r[5] >= 0 and r[4] != QUOTED}):
            chosen = [r for r in mine if r[5] == family and r[4] != QUOTED]
            low = min(s for _, _, s, *_ in chosen)
            high = max(min(s + length, n) for _, _, s, length, *_ in chosen)
            covered = {w for _, _, s, length, *_ in chosen for w in span(s, length)}
            covered |= {
                w for _, _, s, length, k, *_ in mine
                if k == QUOTED and s >= low and s + length <= high
                for w in span(s, length)
            }  # fmt: skip
            families.append([doc, family, len(covered - boilerplate)])
    return partners, families


def gaps_closed(found: set[int], gap: int = EDITED_GAP_WORDS) -> set[int]:
    """Return the word positions `found`, with every run of up to `gap` positions not found
    that lies between two found ones added (the edited stretches of a copy)."""
    closed = set(found)
    for start, stop in itertools.pairwise(sorted(found)):
        if stop - start - 1 <= gap:
            closed.update(range(start + 1, stop))
    return closed


@settings(max_examples=300, deadline=None)
@given(
    spans=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 30)), max_size=8),
    excluded=st.lists(st.booleans(), min_size=100, max_size=100),
    gap=st.sampled_from([0, 1, EDITED_GAP_WORDS]),
)
def test_covered_words_counts_spans_and_the_short_gaps_between_them_less_the_excluded(
    spans: list[tuple[int, int]], excluded: list[bool], gap: int
) -> None:
    """Words in a span, or in a run of up to `gap` words between two such words, counted
    once; excluded words (boilerplate) never; nothing before the first or after the last."""
    spans = sorted((start, min(start + length, 100)) for start, length in spans)
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(excluded))).astype(np.int64)
    closed = gaps_closed({w for s, e in spans for w in range(s, e)}, gap)
    expected = len({w for w in closed if not excluded[w]})
    assert covered_words(starts, ends, gap, before) == expected


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(entry, max_size=14),
    inside=quotations,
    words=st.lists(st.integers(0, 40), min_size=3, max_size=3),
)
def test_coverage_partner_and_family_words_match_plain_sets(
    rows: list[tuple[int, ...]], inside: list[tuple[int, int, int]], words: list[int]
) -> None:
    """Each partner's and each family's words, counted by the kernel's merged spans, are
    those of plain sets of word positions (edited gaps closed as `gaps_closed` does)."""
    rows, inside = sorted(rows, key=lambda r: r[0]), sorted(inside)
    _, partners, _, families = coverage_kernels.coverage(*kernel_inputs(rows, inside, words), 0)
    expected_partners, expected_families = partner_and_family_oracle(rows, inside, words)
    assert partners.tolist() == expected_partners
    assert families.tolist() == expected_families


def test_a_workers_draft_has_the_fields_of_a_document_report_in_order() -> None:
    """Report workers send drafts (tuples) that `DocumentReport(*draft)` reads by position."""
    from dataclasses import fields

    from dedupe.report import DocumentReport, _Draft

    assert _Draft._fields == tuple(field.name for field in fields(DocumentReport))
