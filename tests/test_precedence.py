"""Issue #15: who is the original source of a carrier's copy, in order of precedence.

The passage's own credit > the article's own credit > a credit inherited from another article
of the group > earliest publication; a wire's own article carrying the text comes first of all
(`dedupe.attribution.PRECEDENCE`). Scanned on articles written as news sites print them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe import Document
from dedupe.attribution import (
    PRECEDENCE,
    RULE_ORDER,
    UNDECIDED,
    Attribution,
    Carrier,
    Credit,
    DocumentFacts,
    carriers_on_their_own,
    decide,
    decide_carrier,
    wire_of_outlet,
)
from dedupe.documents import parse_date

STORY = (
    "The Senate voted 62 to 38 on Tuesday to approve a $1.2 billion package for rural "
    "hospitals, sending the measure to the House after weeks of negotiations between party "
    "leaders over how the money would be divided among the states.\n\n"
    "The bill sets aside funds for emergency rooms that have closed or cut their hours since "
    "2020, and requires states to report within a year how many beds were reopened with the "
    "money, according to a summary released by the committee.\n\n"
    "Supporters said the package would keep open dozens of hospitals that serve farming towns "
    "hours away from the nearest city, while opponents argued that the formula favoured large "
    "states and left small ones to compete for what remained."
)
OWN_PARAGRAPH = (
    "County officials said the nearest hospital to the town closed its maternity ward last "
    "spring, and that families now drive more than an hour to give birth."
)


def article(id: str, body: str, *, source: str, published: str | None = None) -> Document:
    return Document(id, body, source, published)


def scanned(*articles: Document) -> dedupe.Report:
    return dedupe.scan(list(articles), jobs=1)


def attributed(report: dedupe.Report, id: str) -> tuple[str | None, str | None]:
    doc = report.document(id)
    return doc.original_source, doc.attribution_rule


# --- the case ------------------------------------------------------------------------


def test_an_articles_own_reuters_dateline_beats_an_ap_credit_of_another_article() -> None:
    """Issue #15: an article carrying its own Reuters dateline was attributed to AP, because
    another article of the same group credited AP (and was published first)."""
    report = scanned(
        article(
            "ap-copy",
            f"WASHINGTON (AP) — {STORY}",
            source="Valley Herald",
            published="2024-03-05T08:00:00Z",
        ),
        article(
            "reuters-copy",
            f"WASHINGTON, March 5 (Reuters) - {STORY}\n\n{OWN_PARAGRAPH}",
            source="Daily Planet",
            published="2024-03-05T16:00:00Z",
        ),
        article(
            "uncredited",
            f"{OWN_PARAGRAPH}\n\n{STORY}",
            source="Farm Journal",
            published="2024-03-05T20:00:00Z",
        ),
    )
    assert attributed(report, "reuters-copy") == ("Reuters", "own-credit")
    assert attributed(report, "ap-copy") == ("Associated Press", "own-credit")
    # The article crediting no one inherits the group's credit: the wire first published.
    source, rule = attributed(report, "uncredited")
    assert source == "Associated Press"
    assert rule is not None and rule.removeprefix("transitive-") == "wire-credit"
    # It names the source it is attributed to.
    assert report.document("reuters-copy").credited is True
    # Every carrier's copy is copied text: none of them is the wire.
    assert all(report.document(id).copied_percent > 50 for id in ("ap-copy", "reuters-copy"))


# --- one level against the next ----------------------------------------------------------------


CASES = {
    # Passage credit > article credit: its own dateline names Reuters, a closing line credits AP
    # for the article.
    "passage-credit over article-credit": (
        [
            (
                "x",
                f"WASHINGTON (Reuters) - {STORY}\n\nThe Associated Press contributed to "
                "this report.",
                "Daily Planet",
                "2024-03-05T16:00:00Z",
            ),
            ("y", f"{OWN_PARAGRAPH}\n\n{STORY}", "Farm Journal", "2024-03-05T20:00:00Z"),
        ],
        ("Reuters", "own-credit"),
    ),
    # Article credit > inherited credit: a byline names Reuters, another article credits AP
    # and was first.
    "article-credit over inherited credit": (
        [
            ("x", f"By Reuters Staff\n\n{STORY}", "Daily Planet", "2024-03-05T16:00:00Z"),
            ("y", f"WASHINGTON (AP) — {STORY}", "Valley Herald", "2024-03-05T08:00:00Z"),
        ],
        ("Reuters", "own-credit"),
    ),
    # Inherited credit > earliest publication: the first outlet credits nobody, a later one
    # credits AP.
    "inherited credit over earliest publication": (
        [
            ("x", f"{OWN_PARAGRAPH}\n\n{STORY}", "Farm Journal", "2024-03-05T20:00:00Z"),
            ("y", f"WASHINGTON (AP) — {STORY}", "Valley Herald", "2024-03-06T08:00:00Z"),
            ("z", f"{STORY}", "Daily Planet", "2024-03-04T08:00:00Z"),
        ],
        ("Associated Press", "wire-credit"),
    ),
    # Earliest publication: nobody credits a wire, no wire's article; the first outlet by far.
    "earliest publication": (
        [
            ("x", f"{OWN_PARAGRAPH}\n\n{STORY}", "Farm Journal", "2024-03-05T20:00:00Z"),
            ("z", f"{STORY}", "Daily Planet", "2024-03-04T08:00:00Z"),
        ],
        ("Daily Planet", "earliest-publication"),
    ),
    # The wire's own article in the corpus comes before a carrier's own credit of another wire:
    # the words are verbatim in AP's own copy (see PRECEDENCE).
    "wire's own article over own credit of another wire": (
        [
            ("x", f"WASHINGTON (Reuters) - {STORY}", "Daily Planet", "2024-03-05T16:00:00Z"),
            ("ap", f"WASHINGTON (AP) — {STORY}", "Associated Press", "2024-03-05T08:00:00Z"),
        ],
        ("Associated Press", "wire-outlet"),
    ),
    # ... and a carrier crediting that same wire agrees with it.
    "wire's own article with own credit of the same wire": (
        [
            ("x", f"WASHINGTON (AP) — {STORY}", "Daily Planet", "2024-03-05T16:00:00Z"),
            ("ap", f"WASHINGTON (AP) — {STORY}", "Associated Press", "2024-03-05T08:00:00Z"),
        ],
        ("Associated Press", "wire-outlet"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_precedence_levels(case: str) -> None:
    rows, expected = CASES[case]
    report = scanned(*(article(i, t, source=s, published=p) for i, t, s, p in rows))
    source, rule = attributed(report, "x")
    assert (source, rule and rule.removeprefix("transitive-")) == expected


# --- the table itself ------------------------------------------------------------------------


def facts(
    id: str,
    *,
    source: str | None = None,
    published: str | None = None,
    credits: Sequence[Credit] = (),
) -> DocumentFacts:
    return DocumentFacts(id, source, parse_date(published), wire_of_outlet(source), tuple(credits))


def test_the_order_is_stated_once() -> None:
    assert [level.rule for level in PRECEDENCE] == [
        "wire-outlet",
        "own-credit",
        "own-credit",
        "wire-credit",
        "earliest-publication",
    ]
    assert RULE_ORDER == ("wire-outlet", "own-credit", "wire-credit", "earliest-publication")


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        # The passage's own credit (a story credit covering it) before the article's.
        (
            [Credit("AFP", 0, 1000, "article"), Credit("Reuters", 50, 400)],
            Attribution("Reuters", "own-credit", (0,)),
        ),
        # A story credit of another story of the text is no credit of the passage.
        (
            [Credit("AFP", 0, 1000, "article"), Credit("Reuters", 500, 900)],
            Attribution("AFP", "own-credit", (0,)),
        ),
        ([Credit("Reuters", 500, 900)], Attribution("Associated Press", "wire-credit", (1,))),
        # Two wires in the passage's own credit: the group's answer settles it when named...
        (
            [Credit("Reuters", 0, 1000), Credit("Associated Press", 0, 1000)],
            Attribution("Associated Press", "own-credit", (0,)),
        ),
        # ... else the copy is undecided: dedupe does not pick among wires the article names.
        ([Credit("Reuters", 0, 1000), Credit("AFP", 0, 1000)], UNDECIDED),
    ],
)
def test_a_carriers_own_credits(own: list[Credit], expected: Attribution) -> None:
    all_facts = [
        facts("x", source="Planet", published="2024-03-05T16:00:00Z", credits=own),
        facts(
            "y",
            source="Herald",
            published="2024-03-05T08:00:00Z",
            credits=[Credit("Associated Press", 0, 1000)],
        ),
    ]
    carriers = [Carrier(0, 100, 300), Carrier(1, 100, 300)]
    group = decide(carriers, all_facts)
    assert decide_carrier(carriers[0], group, all_facts) == expected
    # The other carrier keeps its own AP credit whatever x says.
    assert decide_carrier(carriers[1], group, all_facts).source == "Associated Press"


_WIRES = ["Reuters", "AFP", "Associated Press"]
_CREDITS = st.lists(
    st.builds(
        Credit,
        st.sampled_from(_WIRES),
        st.integers(0, 400),
        st.integers(0, 800),
        st.sampled_from(["story", "article"]),
    ),
    max_size=3,
)
# What `decide` gives a group: a rule of its own, or undecided.
_GROUPS = st.sampled_from(
    [
        UNDECIDED,
        Attribution("Reuters", "wire-outlet", (0,)),
        Attribution("AFP", "wire-credit", (1,)),
        Attribution(None, "earliest-publication", (2,)),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_CREDITS, min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 600), st.integers(0, 600)), max_size=8),
    _GROUPS,
)
def test_the_carriers_on_their_own_are_those_decide_carrier_sets_apart(
    credits: list[list[Credit]], spans: list[tuple[int, int, int]], group: Attribution
) -> None:
    all_facts = [facts(str(k), credits=own) for k, own in enumerate(credits)]
    carriers = [Carrier(doc % len(credits), a, a + b) for doc, a, b in spans]
    expected = []
    for position, carrier in enumerate(carriers):
        mine = decide_carrier(carrier, group, all_facts)
        if (mine.source, mine.rule) != (group.source, group.rule):
            expected.append((position, mine))
    assert carriers_on_their_own(carriers, group, all_facts) == expected


def test_a_wire_outlet_group_is_every_carriers() -> None:
    all_facts = [
        facts("x", source="Planet", credits=[Credit("Reuters", 0, 1000)]),
        facts("ap", source="AP"),
    ]
    carriers = [Carrier(0, 100, 300), Carrier(1, 100, 300)]
    group = decide(carriers, all_facts)
    assert group == Attribution("Associated Press", "wire-outlet", (1,))
    assert decide_carrier(carriers[0], group, all_facts) == group
