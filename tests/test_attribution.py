"""Tests of attribution: wire credits, outlet names, the deciding rules and transitive links."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedupe.attribution import (
    DAY_MARGIN,
    EARLIEST_MARGIN,
    UNDECIDED,
    WEAK_DATE_MARGIN,
    Attribution,
    Carrier,
    Credit,
    DocumentFacts,
    _credit_patterns,
    _running_text_credits,
    date_margin,
    decide,
    document_facts,
    find_credits,
    load_wires,
    names_source,
    wire_named,
    wire_of_outlet,
    wire_outlet,
)
from dedupe.documents import parse_date
from dedupe.outlets import is_aggregator

OIL_TALKS = (
    "Iraqi officials said on Sunday that negotiations with the Kurdish regional government over "
    "oil exports through the northern pipeline would resume next week."
)
LOCAL_STORY = (
    "A separate story by our own correspondent about the city's new bus lanes begins here."
)


def credits_of(text: str, separator: str | None = None) -> list[tuple[str, int, int]]:
    return [(c.wire, c.start, c.end) for c in find_credits(text, separator)]


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


# --- find_credits: credits found ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        (f"BAGHDAD, Jan 5 (Reuters) – {OIL_TALKS}\n\nTalks stalled in October.", "Reuters"),
        (f"BAGHDAD, Jan. 5 (Reuters) - {OIL_TALKS}", "Reuters"),
        (f"NEW YORK, March 3 (Reuters) - {OIL_TALKS}", "Reuters"),
        ("PARIS (AFP) - French farmers blocked roads around the capital on Monday.", "AFP"),
        ("WASHINGTON (AP) — Lawmakers returned to Congress on Monday.", "Associated Press"),
        (f"Reuters has the story:\n\n{OIL_TALKS}", "Reuters"),
        (f"By The Associated Press\n\n{OIL_TALKS}", "Associated Press"),
        (f"By Reuters\n\n{OIL_TALKS}", "Reuters"),
        (f"{OIL_TALKS}\n\nReuters contributed to this report.", "Reuters"),
        (f"{OIL_TALKS}\n\nThe Associated Press contributed to this story.", "Associated Press"),
        (f"{OIL_TALKS}\n\nAdditional reporting by Reuters", "Reuters"),
        (f"{OIL_TALKS}\n\nThis article was originally published by AFP.", "AFP"),
        (f"{OIL_TALKS}\n\nSource: Agence France-Presse", "AFP"),
        (f"{OIL_TALKS}\n\nThis story first appeared on Reuters.", "Reuters"),
        (f"{OIL_TALKS}\n\nReporting by Reuters; editing by the desk", "Reuters"),
    ],
)
def test_credit_covers_the_whole_single_story(text: str, wire: str) -> None:
    assert set(credits_of(text)) == {(wire, 0, len(text))}


@pytest.mark.parametrize(
    "caption",
    [
        "Photo: AFP / Getty",
        "(Ahmad Al-Rubaye/ AFP via Getty Images)",
        "Protesters gather in Tahrir Square. (Ahmad Al-Rubaye/AFP via Getty Images)",
        "(AP Photo/John Doe)",
        "A man walks past a damaged building. (AP Photo/John Doe, File)",
        "Photograph: Reuters/Thaier al-Sudani",
        "AFP via Getty Images",
    ],
)
def test_photo_credits_are_not_copy_credits(caption: str) -> None:
    text = f"{caption}\n\n{OIL_TALKS}\n\n{LOCAL_STORY}"
    assert find_credits(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Officials at the map office said the app would be updated.",  # "AP" inside words
        "Reuters reported earlier that talks had stalled.",  # a mention, not a credit
        "The dpa-style report was reused.",
        "",
    ],
)
def test_mentions_are_not_credits(text: str) -> None:
    assert find_credits(text) == ()


def test_second_story_after_a_non_wire_dateline_is_outside_the_credit() -> None:
    first = f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}\n\nTalks stalled in October.\n\n"
    text = first + f"BAGHDAD — {LOCAL_STORY}\n\nIt continues here."
    assert credits_of(text) == [("Reuters", 0, len(first))]


def test_each_dateline_credits_its_own_story() -> None:
    first = f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}\n\n"
    second = "PARIS (AFP) - French farmers blocked roads around the capital on Monday."
    text = first + second
    assert credits_of(text) == [("Reuters", 0, len(first)), ("AFP", len(first), len(text))]


def test_text_before_the_first_dateline_takes_its_credit() -> None:
    intro = "Here is the latest on the oil talks.\n\n"
    text = intro + f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}"
    assert credits_of(text) == [("Reuters", 0, len(text))]


def test_credit_at_the_end_of_a_story_covers_the_story() -> None:
    text = f"WASHINGTON — {OIL_TALKS}\n\nMore details followed. (Reuters)"
    assert credits_of(text) == [("Reuters", 0, len(text))]


def test_whole_text_and_dateline_credits_are_listed_once_each_with_its_kind() -> None:
    text = f"BAGHDAD (Reuters) - {OIL_TALKS}\n\nReuters contributed to this report.\n\n(Reuters)"
    assert find_credits(text) == (
        Credit("Reuters", 0, len(text), "article"),
        Credit("Reuters", 0, len(text), "story"),
    )


def test_credit_opening_a_line_opens_a_section_of_its_own() -> None:
    first = f"BAGHDAD (Reuters) - {OIL_TALKS}\n\n"
    text = first + "(AFP) - Officials met in Erbil on Sunday."
    assert credits_of(text) == [("Reuters", 0, len(first)), ("AFP", len(first), len(text))]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Harrisburg (PA) council approved the budget.",
        "Officials in Andhra Pradesh (AP) said on Sunday (AFP) that talks would resume.",
    ],
)
def test_bracketed_abbreviation_inside_a_sentence_is_no_credit(sentence: str) -> None:
    assert credits_of(sentence) == []


def test_credits_with_a_custom_paragraph_separator() -> None:
    first = f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}###"
    text = first + f"BAGHDAD — {LOCAL_STORY}"
    assert credits_of(text, "###") == [("Reuters", 0, len(first))]


@pytest.mark.parametrize("dateline", ["BAGHDAD, Iraq —", "SPRINGFIELD, Ill. —"])
def test_second_story_after_a_dateline_with_a_region_is_outside_the_credit(dateline: str) -> None:
    first = f"BAGHDAD, Jan 5 (Reuters) - {OIL_TALKS}\n\n"
    text = first + f"{dateline} {LOCAL_STORY}"
    assert credits_of(text) == [("Reuters", 0, len(first))]


# --- find_credits: the credit forms of the wires -------------------------------------------------

STORY = f"{OIL_TALKS}\n\nThe talks stalled in October over the sharing of revenue from the fields."


def story_credit(text: str, wire: str, kind: str = "story") -> bool:
    """True when a credit of `kind` to `wire` covers all of STORY in `text`."""
    start = text.index(OIL_TALKS)
    end = text.index("fields.") + len("fields.")
    return any(
        c.wire == wire and c.kind == kind and c.start <= start and c.end >= end
        for c in find_credits(text)
    )


@pytest.mark.parametrize(
    ("opening", "wire"),
    [
        ("TOKYO/SEOUL (Reuters) - ", "Reuters"),  # several places
        ("SEOUL/UNITED NATIONS, Aug 30 (Reuters) - ", "Reuters"),
        ("OFER PRISON, West Bank, Jan 1 (Reuters) - ", "Reuters"),  # place, region and date
        ("LONDON, Dec 29 (Thomson Reuters Foundation) - ", "Reuters"),
        ("ERIE, Pa. (AP) - ", "Associated Press"),
        ("SPRINGFIELD, Ill. (AP) \u2014 ", "Associated Press"),
        ("London (AFP) \u2013 ", "AFP"),  # title case, as AFP writes it
        ("Berlin/Washington (dpa) - ", "dpa"),
        ("BEIJING, July 15 (Xinhua) -- ", "Xinhua"),
        ("TOKYO, July 15 (Kyodo) -- ", "Kyodo"),
        ("SEOUL, July 15 (Yonhap) -- ", "Yonhap"),
        ("New Delhi, Jul 15 (PTI) ", "PTI"),  # no dash
        ("New Delhi, July 15 (IANS) ", "IANS"),
        ("Taipei, July 15 (CNA) ", "CNA"),
        ("New Delhi [India], July 15 (ANI): ", "ANI"),
        ("MOSCOW, July 15. /TASS/. ", "TASS"),
        ("MOSCOW. July 15 (Interfax) - ", "Interfax"),
        ("Madrid, Jul 15 (EFE).- ", "EFE"),
        ("(ANSA) - ROME, JUL 15 - ", "ANSA"),
        ("Jan. 5 (UPI) -- ", "UPI"),
        ("(Bloomberg) -- ", "Bloomberg"),
        ("ANKARA (AA) \u2013 ", "Anadolu"),
        ("Damascus, SANA- ", "SANA"),
        ("Tehran, IRNA \u2013 ", "IRNA"),
        ("Riyadh, July 15, 2024, SPA -- ", "SPA"),
        ("Jakarta (ANTARA) - ", "Antara"),
        ("KUALA LUMPUR, July 15 (Bernama) -- ", "Bernama"),
        ("S\u00c3O PAULO (Ag\u00eancia Brasil) - ", "Ag\u00eancia Brasil"),
    ],
)
@pytest.mark.parametrize("layout", ["inline", "own paragraph", "after a headline"])
def test_datelines_credit_their_story(opening: str, wire: str, layout: str) -> None:
    if layout == "inline":
        text = opening + STORY
    elif layout == "own paragraph":
        text = opening.rstrip() + "\n\n" + STORY
    else:
        text = "Talks on oil exports to resume next week\n\n" + opening + STORY
    assert story_credit(text, wire)


@pytest.mark.parametrize(
    ("closing", "wire"),
    [
        ("(Reporting by Jane Doe in Baghdad; Editing by John Smith)", "Reuters"),
        (
            "Reporting by Jane Doe; Additional reporting by Ali Khan; Editing by John Smith",
            "Reuters",
        ),
        (
            "Copyright 2018 The Associated Press. All rights reserved. This material may not be"
            " published, broadcast, rewritten or redistributed.",
            "Associated Press",
        ),
        ("(c) Copyright Thomson Reuters 2024.", "Reuters"),
        ("\u00a92024 Bloomberg L.P.", "Bloomberg"),
        ("Copyright (c) Press Association Ltd. 2024, All Rights Reserved.", "PA Media"),
        ("\u2014 AFP", "AFP"),
        ("-- AFP", "AFP"),
        ("==Kyodo", "Kyodo"),
        ("-- BERNAMA", "Bernama"),
        ("\u00a9 KYODO", "Kyodo"),
        ("ALL RIGHTS RESERVED \u00a9 Copyright ANSA", "ANSA"),
        ("--IANS\nab/cd", "IANS"),
        ("\u2014 The Canadian Press", "The Canadian Press"),
        ("Reuters", "Reuters"),  # the last line, as papers sign agency copy off
        ("PA", "PA Media"),
        ("PTI ABC DEF", "PTI"),
        ("(AFP)", "AFP"),
        ("bur-jm/dm", "AFP"),
        ("(END) Dow Jones Newswires", "Dow Jones Newswires"),
        ("\u00a9 Agence France-Presse", "AFP"),  # without a year: only as the last line
        (
            "To contact the reporter on this story: Jane Doe in London at jdoe@bloomberg.net",
            "Bloomberg",
        ),
    ],
)
def test_closing_credits_cover_the_story_above(closing: str, wire: str) -> None:
    assert story_credit(f"{STORY}\n\n{closing}", wire)


@pytest.mark.parametrize(
    ("text", "wires"),
    [
        (f"{STORY} (Reuters)", ["Reuters"]),
        (f"{STORY}\n\njm/dm (AFP, dpa)", ["AFP", "dpa"]),  # as DW closes agency copy
        (f"{STORY}\n\nAP - AFP", ["Associated Press", "AFP"]),
        (f"{STORY}\n\n(FRANCE 24 with AFP, REUTERS)", ["AFP", "Reuters"]),
    ],
)
def test_closing_credits_naming_several_wires(text: str, wires: list[str]) -> None:
    assert all(story_credit(text, wire) for wire in wires)


@pytest.mark.parametrize(
    ("line", "wire"),
    [
        ("By Reuters Staff", "Reuters"),
        ("By The Associated Press", "Associated Press"),
        ("By JOHN DOE, AP Business Writer", "Associated Press"),
        ("By JOHN DOE Associated Press", "Associated Press"),
        ("By Jane Doe, Australian Associated Press", "AAP"),
        ("By Jane Doe | Anadolu Agency", "Anadolu"),
        ("By AFP, July 15, 2024", "AFP"),
        ("BY REUTERS", "Reuters"),
        ("Reuters\nJuly 15, 2024 \u00b7 3 min read", "Reuters"),  # a provider line
        ("Reuters\n3 hours ago", "Reuters"),
        ("By Jane Doe and John Smith\nReuters", "Reuters"),
        ("Associated Press writer Jane Doe contributed from Washington.", "Associated Press"),
        ("By ASSOCIATED PRESS", "Associated Press"),
        ("SOURCE: REUTERS", "Reuters"),
        ("\u2014 With files from The Canadian Press", "The Canadian Press"),
        ("AP is solely responsible for all content.", "Associated Press"),
        ("Xinhua | Updated: 2017-09-15 17:52", "Xinhua"),
        ("Source: Xinhua", "Xinhua"),
        (
            "Associated Press writers Colleen Long and Doug Feinberg in New York contributed"
            " to this report.",
            "Associated Press",
        ),
        ("Associated Press writer Jane Doe contributed reporting.", "Associated Press"),
        ("Reuters contributed to this report.", "Reuters"),
        ("This story was provided by The Associated Press.", "Associated Press"),
        ("This article was originally published by AFP.", "AFP"),
        (
            "This report by The Canadian Press was first published July 15, 2024.",
            "The Canadian Press",
        ),
        ("(With inputs from PTI)", "PTI"),
        ("With ANI inputs", "ANI"),
        ("Material from Reuters was used in this report.", "Reuters"),
        ("Additional reporting by Reuters.", "Reuters"),
    ],
)
@pytest.mark.parametrize("where", ["before", "after"])
def test_article_credits_cover_the_whole_text(line: str, wire: str, where: str) -> None:
    text = f"{line}\n\n{STORY}" if where == "before" else f"{STORY}\n\n{line}\n\n{LOCAL_STORY}"
    assert Credit(wire, 0, len(text), "article") in find_credits(text)


@pytest.mark.parametrize(
    "line",
    [
        # a wire named as a news source
        "\u201cThe talks will resume,\u201d the minister told Reuters.",
        "The strike was called off, according to AFP.",
        "The deal was first reported by the Associated Press on Sunday.",
        "The minister said in an interview with AP that costs would rise.",
        "Documents seen by Reuters show the plan was dropped in May.",
        "Reuters first reported on Broadcom\u2019s new offer on Sunday.",
        "Critics faulted the reporting by Reuters on the case.",
        "The report, first published by Reuters, said the mine would close.",
        "By Monday, Reuters had counted more than 300 boats.",
        "By the time AFP reached the village, the road was closed.",
        "Meanwhile, Reuters \u2014 which first reported the deal \u2014 said talks went on.",
        "Meanwhile, Reuters\u2014which first reported the deal\u2014said talks went on.",
        "By Reuters standards, the story was a short one.",
        "BY REUTERS/Jane Doe",
        "AP\nJuly 4, 2024 fireworks lit up the sky over the harbour",
        "The AP contributed $5 million to the fund.",
        "\u00a9 REUTERS/ Stringer The rocket takes off from Wenchang on July 2, 2017.",
        "Andhra Pradesh (AP) - the state's chief minister said the dam would hold.",
        "A former Reuters correspondent, Jane Doe, contributed to this report.",
        "Copyright lawyers told Reuters the case could take years.",
        "Andhra Pradesh (AP) chief minister Naidu visited the dam.",
        # photo and video credits
        "REUTERS/Thaier al-Sudani",
        "Dado Ruvic/Reuters",
        "A man walks past a damaged building. (AP Photo/John Doe, File)",
        "Protesters gather in Tahrir Square. (Ahmad Al-Rubaye/AFP via Getty Images)",
        "Protesters on the bridge (Photo: Jane Doe/AP)",
        "Image copyright AFP Image caption A large crater was left by the blast",
        "Investigations have been launched after the tram derailed (Reuters)",
        "The rocket on its pad. (SpaceX via AP) (Associated Press)",
        "Offshore firms created by the company \u00a9jgd (AFP)",
        "AP:Associated Press Felipe Massa waves to the crowd after the race",
        "Reuters The move comes as the war of words ramped up",
        "Enlarge this image toggle caption Michael Sohn/AP Michael Sohn/AP",
        "(Image: Reuters)",
        "Reuters TV",
        # a wire in a headline
        "AP Interview: Minister says the budget will hold",
        "Reuters wins award for its coverage of the floods",
    ],
)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_mentions_and_photo_credits_are_not_credits(line: str, where: str) -> None:
    paragraphs = [OIL_TALKS, LOCAL_STORY]
    position = {"first": 0, "middle": 1, "last": 2}[where]
    text = "\n\n".join([*paragraphs[:position], line, *paragraphs[position:]])
    assert find_credits(text) == ()


def test_a_closing_credit_ends_its_story() -> None:
    first = f"{STORY} (Reuters)"
    text = f"{first}\n\n{LOCAL_STORY}"
    assert credits_of(text) == [("Reuters", 0, len(first))]


def test_closing_credits_of_two_stories_each_cover_their_own() -> None:
    first = f"{OIL_TALKS}\n\nMore details followed. (Reuters)"
    second = f"{LOCAL_STORY} The council approved the plan on Monday evening.\n\n\u2014 AFP"
    text = f"{first}\n\n{second}"
    assert credits_of(text) == [("Reuters", 0, len(first)), ("AFP", len(first), len(text))]


def test_closing_lines_right_below_a_closed_story_are_its_credits_too() -> None:
    closing = "(Reporting by Jane Doe; Editing by John Smith)\n(c) Copyright Thomson Reuters 2024."
    first = f"{STORY}\n{closing}"
    text = f"{first}\n\n{LOCAL_STORY}"
    assert credits_of(text) == [("Reuters", 0, len(first))]


@pytest.mark.parametrize(
    "header",
    [
        "Copyright 2024 The Associated Press. All rights reserved.",
        "Truck rams into crowd in Nice: reports Updated: 2016-07-15 06:50 (Associated Press)",
        "(AP)",
    ],
)
def test_a_closing_form_above_the_story_credits_the_story_below(header: str) -> None:
    text = f"{header}\n\n{STORY}"
    assert credits_of(text) == [("Associated Press", 0, len(text))]


@pytest.mark.parametrize("line", ["Reuters", "\u00a9 AFP", "PTI ABC DEF"])
def test_a_wire_name_alone_inside_the_text_is_a_photo_credit(line: str) -> None:
    text = f"{OIL_TALKS}\n\n{line}\n\n{LOCAL_STORY}"
    assert find_credits(text) == ()


def test_credit_kinds() -> None:
    text = f"By Reuters Staff\n\nBAGHDAD (Reuters) - {STORY}"
    kinds = {(c.wire, c.kind) for c in find_credits(text)}
    assert kinds == {("Reuters", "article"), ("Reuters", "story")}
    assert Credit("AFP", 0, 10) == Credit("AFP", 0, 10, "story")


FRAGMENTS = [
    "This story was ",
    "This article ",
    "was first published by ",
    "originally appeared on ",
    "provided by ",
    "Additional reporting by ",
    "the reporting by ",
    "With inputs from ",
    "With files from ",
    "Material from ",
    " was used in this report",
    " is solely responsible for all content",
    "Reuters",
    "The Associated Press",
    "AFP",
    "PTI",
    ", ",
    ". ",
    "\n",
    "Officials said the talks would resume. ",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
@settings(max_examples=300, deadline=None)
def test_running_text_credits_read_around_keywords_as_over_the_whole_text(
    parts: list[str],
) -> None:
    text = "".join(parts)
    patterns = _credit_patterns()
    whole: dict[int, list[str]] = {}
    for _, _, pattern in patterns.whole:
        for m in pattern.finditer(text):
            named = next(filter(None, m.groups()), None)
            whole.setdefault(
                m.start(),
                [patterns.tokens[t.group()] for t in patterns.token.finditer(named or "")],
            )
    expected = [w for _, wires in sorted(whole.items()) for w in wires]
    found = _running_text_credits(text, patterns)
    assert found[: len(expected)] == expected


@given(st.text(alphabet=st.sampled_from("ab (R)-\u2014\n.,APFRuters/"), max_size=200))
@settings(max_examples=300, deadline=None)
def test_credits_lie_inside_the_text(text: str) -> None:
    for credit in find_credits(text):
        assert 0 <= credit.start < credit.end <= len(text)
        assert credit.kind in ("story", "article")


# --- wire_of_outlet and names_source -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "wire"),
    [
        ("AP", "Associated Press"),
        ("ap", "Associated Press"),
        ("The Associated Press", "Associated Press"),
        ("  associated press ", "Associated Press"),
        ("Agence France-Presse", "AFP"),
        ("Agence France Presse", "AFP"),
        ("AFP", "AFP"),
        ("Thomson Reuters", "Reuters"),
        ("reuters", "Reuters"),
        ("Bloomberg News", "Bloomberg"),
        ("www.reuters.com", "Reuters"),
        ("uk.reuters.com", "Reuters"),
        ("https://apnews.com/article/oil-talks", "Associated Press"),
        ("Central News Agency", "CNA"),
        ("CNA", None),  # Channel NewsAsia republishes wires; it is none itself
        ("reuters.com.example.org", None),
        ("notreuters.com", None),
        ("The Guardian", None),
        ("Reuters Daily Digest", None),
        ("", None),
        (None, None),
    ],
)
def test_wire_of_outlet(source: str | None, wire: str | None) -> None:
    assert wire_of_outlet(source) == wire


def test_every_wire_is_its_own_outlet_alias_target() -> None:
    for wire in load_wires():
        for outlet in wire.outlets:
            assert wire_of_outlet(outlet) == wire.name


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Officials told AP on Monday.", "Associated Press", True),
        ("The map shows the ap route.", "Associated Press", False),
        ("The map shows the route.", "MAP", False),
        ("According to MAP, the king arrived.", "MAP", True),
        ("the associated press said", "Associated Press", True),
        ("Figures from Agence France-Presse.", "AFP", True),
        ("PARIS (afp) -", "AFP", False),
        ("a Reuters report", "Reuters", True),
        ("a reuters report", "Reuters", True),
        ("Reutersville", "Reuters", False),
        ("The Daily Planet said", "daily planet", True),  # not a wire: case-insensitive
        ("The Daily Planetarium said", "Daily Planet", False),
    ],
)
def test_names_source(text: str, name: str, expected: bool) -> None:
    assert names_source(text, name) is expected


_WIRE_NAMES = sorted({token for wire in load_wires() for token in (*wire.credits, *wire.outlets)})


def _named_by_every_token(text: str, name: str) -> bool:
    """names_source's rule over every name of the wire, none left out: a token names the
    wire where it stands as a word (short all-caps tokens in capitals only)."""
    wire = wire_named(name)
    for token in dict.fromkeys((*wire.credits, *wire.outlets)) if wire else (name,):
        exact = wire is not None and token.isupper() and len(token) <= 5
        found = token in text if exact else regex.search(regex.escape(token), text, regex.I)
        flags = 0 if exact else re.IGNORECASE
        if found and re.search(rf"(?<!\w){re.escape(token)}(?!\w)", text, flags):
            return True
    return False


@st.composite
def _wire_and_text(draw: st.DrawFn) -> tuple[str, str]:
    """A wire's name and a text made of its names (as written, lower or upper case, cut
    short), other wires' names and fillers."""
    wire = draw(st.sampled_from(load_wires()))
    own = [*wire.credits, *wire.outlets]
    name = st.sampled_from(own) | st.sampled_from(_WIRE_NAMES)
    part = st.one_of(
        name,
        name.map(str.lower),
        name.map(str.upper),
        st.tuples(st.sampled_from(own), st.integers(1, 8)).map(lambda t: t[0][: t[1]]),
        st.sampled_from([" ", "-", "x", "(", ") ", "the ", "News", "Foundation"]),
    )
    return wire.name, "".join(draw(st.lists(part, max_size=6)))


@settings(max_examples=400, deadline=None)
@given(case=_wire_and_text())
@example(case=("Associated Press", "the ap news app"))  # "AP" in capitals only
@example(case=("Agerpres", "AGERPRES"))  # names alike but for case
@example(case=("Reuters", "thomson reuters foundation"))
@example(case=("Reuters", "xreuters then reuters"))  # the first hit inside a word
@example(case=("Associated Press", "MAP, then AP"))
def test_a_wire_is_named_as_by_every_one_of_its_names(case: tuple[str, str]) -> None:
    """Names that hold another of the wire's names as a word are not searched for again
    (`_name_patterns`): the answer is the one every name would give."""
    name, text = case
    assert names_source(text, name) is _named_by_every_token(text, name)


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05T09:00:00Z", datetime(2024, 1, 5, 9, tzinfo=UTC)),
        ("2024-01-05T10:00:00+02:00", datetime(2024, 1, 5, 8, tzinfo=UTC)),
        ("2024-01-05T09:00:00", datetime(2024, 1, 5, 9, tzinfo=UTC)),  # naive = UTC
        ("2024-01-05", datetime(2024, 1, 5, tzinfo=UTC)),
        ("  2024-01-05T09:00:00Z ", datetime(2024, 1, 5, 9, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_parse_date_keeps_the_offset() -> None:
    parsed = parse_date("2024-01-05T10:00:00+02:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.tzinfo == timezone(timedelta(hours=2))


# --- decide ------------------------------------------------------------------------------------


def carriers(*docs: int, start: int = 100, end: int = 300) -> list[Carrier]:
    return [Carrier(d, start, end) for d in docs]


REUTERS_CREDIT = (Credit("Reuters", 0, 1000),)
AFP_CREDIT = (Credit("AFP", 0, 1000),)


def test_wire_outlet_beats_wire_credit() -> None:
    all_facts = [
        facts("a", source="The Daily Planet", published="2024-01-01T00:00:00Z", credits=AFP_CREDIT),
        facts("b", source="Reuters", published="2024-01-09T00:00:00Z"),
    ]
    assert decide(carriers(0, 1), all_facts) == Attribution("Reuters", "wire-outlet", (1,))


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (("Planet", "Bugle"), None),
        (("Planet", "Reuters"), Attribution("Reuters", "wire-outlet", (1,))),
        (("Reuters", "Planet", "Reuters"), Attribution("Reuters", "wire-outlet", (0, 2))),
        # Two wires carry it on the same day: neither decides.
        (("AFP", "Reuters"), UNDECIDED),
    ],
)
def test_wire_outlet_needs_only_the_wires_own_articles(
    sources: tuple[str, ...], expected: Attribution | None
) -> None:
    all_facts = [facts(str(n), source=s, published="2024-01-01") for n, s in enumerate(sources)]
    everyone = list(range(len(sources)))
    wires = [doc for doc in everyone if all_facts[doc].wire]
    assert wire_outlet(everyone, all_facts) == expected
    assert wire_outlet(wires, all_facts) == expected
    if expected is not None:
        assert decide(carriers(*everyone), all_facts) == expected


def test_wire_credit_beats_earliest_publication() -> None:
    all_facts = [
        facts("a", source="The Daily Planet", published="2024-01-01T00:00:00Z"),
        facts("b", source="The Bugle", published="2024-01-09T00:00:00Z", credits=REUTERS_CREDIT),
    ]
    assert decide(carriers(0, 1), all_facts) == Attribution("Reuters", "wire-credit", (1,))


def test_several_documents_crediting_the_same_wire_all_decide() -> None:
    all_facts = [
        facts("a", source="Planet", credits=REUTERS_CREDIT),
        facts("b", source="Bugle"),
        facts("c", source="Herald", credits=REUTERS_CREDIT),
    ]
    assert decide(carriers(0, 1, 2), all_facts) == Attribution("Reuters", "wire-credit", (0, 2))


def test_credit_must_cover_the_middle_of_the_carried_text() -> None:
    scoped = (Credit("Reuters", 0, 150),)
    all_facts = [
        facts("a", source="Planet", published="2024-01-01T08:00:00Z", credits=scoped),
        facts("b", source="Bugle", published="2024-01-02T08:00:00Z"),
    ]
    # The middle of [100, 300) is 200: outside the credit, so the earliest outlet decides.
    assert decide(carriers(0, 1), all_facts) == Attribution("Planet", "earliest-publication", (0,))
    # The middle of [100, 180) is 140: inside.
    assert decide(carriers(0, 1, end=180), all_facts) == Attribution("Reuters", "wire-credit", (0,))


def test_earliest_publication_picks_the_unique_earliest_outlet() -> None:
    all_facts = [
        facts("a", source="Bugle", published="2024-01-05T12:00:00Z"),
        facts("b", source="Planet", published="2024-01-05T05:59:00Z"),
        facts("c", source="Herald", published="2024-01-06T09:00:00Z"),
    ]
    assert decide(carriers(0, 1, 2), all_facts) == Attribution(
        "Planet", "earliest-publication", (1,)
    )


def test_earliest_publication_honours_time_zones() -> None:
    all_facts = [
        facts("a", source="Bugle", published="2024-01-05T15:00:00Z"),
        facts("b", source="Planet", published="2024-01-05T16:00:00+08:00"),  # 08:00 UTC
    ]
    assert decide(carriers(0, 1), all_facts) == Attribution("Planet", "earliest-publication", (1,))


def test_earliest_publication_uses_the_id_without_a_source() -> None:
    all_facts = [
        facts("story-1", published="2024-01-05T08:00:00Z"),
        facts("story-2", source="Bugle", published="2024-01-05T16:00:00Z"),
    ]
    decided = decide(carriers(0, 1), all_facts)
    assert decided == Attribution("story-1", "earliest-publication", (0,))


@pytest.mark.parametrize(
    "dates",
    [
        ["2024-01-05T08:00:00Z", None],  # a date is missing
        ["2024-01-05T08:00:00Z", "not a date"],
        ["2024-01-05T08:00:00Z", "2024-01-05T10:00:00+02:00"],  # a tie between two outlets
    ],
)
def test_earliest_publication_undecided(dates: list[str | None]) -> None:
    all_facts = [
        facts("a", source="Bugle", published=dates[0]),
        facts("b", source="Planet", published=dates[1]),
    ]
    assert decide(carriers(0, 1), all_facts) == UNDECIDED


def test_same_outlet_publishing_first_twice_decides() -> None:
    all_facts = [
        facts("a", source="Bugle", published="2024-01-05T08:00:00Z"),
        facts("b", source="Bugle", published="2024-01-05T08:00:00Z"),
        facts("c", source="Planet", published="2024-01-05T15:00:00Z"),
    ]
    assert decide(carriers(0, 1, 2), all_facts) == Attribution(
        "Bugle", "earliest-publication", (0, 1)
    )


def test_two_wire_outlets_without_dates_are_undecided() -> None:
    all_facts = [facts("a", source="Reuters"), facts("b", source="AP")]
    assert decide(carriers(0, 1), all_facts) == UNDECIDED


def test_two_wire_outlets_with_dates_go_to_the_first() -> None:
    all_facts = [
        facts("a", source="Reuters", published="2024-01-05T09:00:00Z"),
        facts("b", source="AP", published="2024-01-05T10:00:00+09:00"),  # 01:00 UTC
    ]
    assert decide(carriers(0, 1), all_facts) == Attribution("Associated Press", "wire-outlet", (1,))


def test_two_wire_credits_without_dates_are_undecided() -> None:
    all_facts = [facts("a", credits=REUTERS_CREDIT), facts("b", credits=AFP_CREDIT)]
    assert decide(carriers(0, 1), all_facts) == UNDECIDED


def test_two_outlets_of_the_same_wire_agree() -> None:
    all_facts = [facts("a", source="AP"), facts("b", source="The Associated Press")]
    assert decide(carriers(0, 1), all_facts) == Attribution(
        "Associated Press", "wire-outlet", (0, 1)
    )


# --- earliest publication: aggregators, margins, weak dates ------------------------------------


def dated(id: str, source: str, published: str, *, weak: bool = False) -> DocumentFacts:
    return replace(
        facts(id, source=source, published=published),
        aggregator=is_aggregator(source),
        weak_date=weak,
    )


def test_an_aggregator_never_wins_earliest_publication() -> None:
    all_facts = [
        dated("y", "news.yahoo.com", "2024-01-05T01:00:00Z"),
        dated("p", "The Planet", "2024-01-05T09:00:00Z"),
        dated("m", "https://www.msn.com/en-us/news/world/x", "2024-01-05T02:00:00Z"),
    ]
    assert decide(carriers(0, 1, 2), all_facts) == Attribution(
        "The Planet", "earliest-publication", (1,)
    )


def test_an_undated_aggregator_does_not_stop_earliest_publication() -> None:
    all_facts = [
        dated("p", "The Planet", "2024-01-05T01:00:00Z"),
        replace(facts("y", source="Yahoo News"), aggregator=True),
        dated("b", "The Bugle", "2024-01-05T09:00:00Z"),
    ]
    assert decide(carriers(0, 1, 2), all_facts).source == "The Planet"


def test_among_aggregators_alone_the_first_still_wins() -> None:
    all_facts = [
        dated("y", "Yahoo News", "2024-01-05T01:00:00Z"),
        dated("m", "MSN", "2024-01-05T09:00:00Z"),
    ]
    assert decide(carriers(0, 1), all_facts).source == "Yahoo News"


@pytest.mark.parametrize(
    ("first", "second", "weak", "decided"),
    [
        ("2024-01-05T08:00:00Z", "2024-01-05T13:59:00Z", False, False),  # within 6 hours
        ("2024-01-05T08:00:00Z", "2024-01-05T14:00:00Z", False, True),  # 6 hours
        ("2024-01-05T08:00:00Z", "2024-01-05T10:00:00+02:00", False, False),  # the same moment
        ("2024-01-05", "2024-01-05T20:00:00Z", False, False),  # a day, not a moment
        ("2024-01-05", "2024-01-06T06:00:00Z", False, True),  # 30 hours after its midnight
        ("2024-01-05T08:00:00Z", "2024-01-06T08:00:00Z", True, False),  # a crawl time
        ("2024-01-05T08:00:00Z", "2024-01-07T14:00:00Z", True, True),  # 54 hours
    ],
)
def test_earliest_publication_needs_a_margin(
    first: str, second: str, weak: bool, decided: bool
) -> None:
    all_facts = [
        dated("a", "The Planet", first),
        dated("b", "The Bugle", second, weak=weak),
    ]
    expected = Attribution("The Planet", "earliest-publication", (0,)) if decided else UNDECIDED
    assert decide(carriers(0, 1), all_facts) == expected


def test_two_wires_within_the_margin_are_undecided() -> None:
    all_facts = [
        facts("a", source="Reuters", published="2024-01-05T09:00:00Z"),
        facts("b", source="AP", published="2024-01-05T08:00:00Z"),
    ]
    assert decide(carriers(0, 1), all_facts) == UNDECIDED


def test_date_margin_adds_up() -> None:
    plain = dated("a", "The Planet", "2024-01-05T08:00:00Z")
    day = dated("b", "The Bugle", "2024-01-05")
    crawled = dated("c", "The Herald", "2024-01-05T08:00:00Z", weak=True)
    assert date_margin(plain, plain) == EARLIEST_MARGIN
    assert date_margin(plain, day) == EARLIEST_MARGIN + DAY_MARGIN
    assert date_margin(day, crawled) == EARLIEST_MARGIN + DAY_MARGIN + WEAK_DATE_MARGIN


def test_document_facts_knows_aggregators_and_weak_dates() -> None:
    found = document_facts("a", OIL_TALKS, "www.msn.com", "2024-01-05T08:00:00Z", weak_date=True)
    assert found.aggregator and found.weak_date
    assert not document_facts("b", OIL_TALKS, "The Planet", None).aggregator
