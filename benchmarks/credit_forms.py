"""A corpus of wire credit forms, and how well :func:`dedupe.attribution.find_credits` reads it.

Positives are written from the wires' own styles, for every wire of ``dedupe/data/wires.json``:
datelines in every shape (one place or several, in capitals or title case, with a region, with
a date, followed by ``-``, ``–``, ``—``, ``--``, ``:``, ``.-`` or nothing; the house forms of
UPI, TASS, ANI, EFE, ANSA, SANA), byline paragraphs (``By Reuters``, ``By The Associated
Press``, ``By Reuters Staff``, ``By JANE DOE, AP Business Writer``), "has the story" lines,
closing credits (``... said. (AFP)``, ``jm/dm (AFP)``), sign-offs (``— AFP``, ``==Kyodo``,
``--IANS``, ``PTI ABC XYZ`` and a wire's name alone as the last line), the wires' closing lines
(Reuters' ``(Reporting by ...; Editing by ...)``, Bloomberg's ``To contact the reporter ...``,
``(END) Dow Jones Newswires``, The Canadian Press' ``This report ... was first published``),
copyright notices, "contributed to this report", "provided by", "With inputs from" and source
lines. Each is placed three ways:

* ``start``: the credited story opens the text (the form in its place in the story: a
  dateline opening its first paragraph, a closing credit ending its last), and the outlet's own
  story follows;
* ``own``: the form stands as a paragraph of its own (a dateline or byline between the headline
  and the story, a closing line after it), and the outlet's own story follows;
* ``end``: the outlet's own story comes first and the credited story ends the text.

Forms that only mean a credit on a text's last line (a wire's name alone, PTI's initials) are
placed at the end only. Negatives, as many as positives, take the same three placements: a wire
named as a news source ("told Reuters", "according to AFP", "first reported by The Associated
Press", "in an interview with AP", "seen by Reuters"), photo and video credits
(``REUTERS/Name``, ``AP Photo/Name``, ``AFP via Getty Images``, ``(Photo: Name/AP)``,
``Image copyright AFP``, a caption ending ``(Reuters)``), a wire in a headline ("AP
Interview: ...", "Reuters wins ..."), sentences opening with "By" and dateline look-alikes
("Andhra Pradesh (AP) chief minister ...").

Scoring: a positive is found when a credit to the right wire covers all of the credited story;
a positive also credited to another wire over the story counts a false positive, and so does a
negative with any credit. The corpus is deterministic for a seed.

    python -m benchmarks.credit_forms                  # precision, recall, counts by form
    python -m benchmarks.credit_forms --show-misses 20 # and the first misses and false positives
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tabulate import tabulate

from dedupe.attribution import Wire, find_credits, load_wires

PLACEMENTS = ("start", "own", "end")
DEFAULT_SEED = 15


@dataclass(frozen=True, slots=True)
class Case:
    """One text of the corpus: its credited wire (None for a negative), the characters of the
    credited story, and the form and placement it was written with."""

    text: str
    wire: str | None
    story: tuple[int, int]
    family: str
    placement: str
    form: str


@dataclass(frozen=True, slots=True)
class Form:
    """A credit form for one wire: where it stands (``open`` before the story, ``close``
    after it, ``note`` anywhere as a paragraph of its own), its text, and for ``open`` and
    ``close`` forms, how it joins the story's paragraph when not a paragraph of its own."""

    family: str
    role: str
    text: str
    joint: str = "\n"  # "" (a dateline running into its paragraph), " " or "\n"
    last_only: bool = False


# --- words ------------------------------------------------------------------------------------

FIRST = ["Maria", "John", "Aiko", "Lena", "Omar", "Priya", "Tomasz", "Chen", "Sofia", "Kwame"]
LAST = ["Lopez", "Smith", "Tanaka", "Novak", "Haddad", "Sharma", "Kowalski", "Wei", "Rossi"]
TOPICS = [
    ("officials", "the new rail link", "would open to passengers in the spring"),
    ("the central bank", "its key interest rate", "was left unchanged for a third month"),
    ("rescue teams", "the flooded valley", "reached the last stranded villages on Tuesday"),
    ("the health ministry", "a vaccination campaign", "would start in schools next week"),
    ("lawmakers", "the budget bill", "passed its second reading late on Thursday"),
    ("the port authority", "container traffic", "rose by a fifth from a year earlier"),
    ("farmers", "the drought relief plan", "came too late for the winter harvest"),
    ("the football federation", "the new stadium", "would host the final in two years"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]
SHORT = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
OWN_CITIES = ["CHICAGO", "MANCHESTER", "LYON", "OSAKA", "PERTH"]

# Where each wire files from (its house dateline); wires not listed here use their capital.
HOME = {
    "Reuters": ("LONDON", "London"),
    "Associated Press": ("WASHINGTON", "Washington"),
    "AFP": ("PARIS", "Paris"),
    "PA Media": ("LONDON", "London"),
    "UPI": ("WASHINGTON", "Washington"),
    "Bloomberg": ("NEW YORK", "New York"),
    "dpa": ("BERLIN", "Berlin"),
    "Xinhua": ("BEIJING", "Beijing"),
    "ANSA": ("ROME", "Rome"),
    "EFE": ("MADRID", "Madrid"),
    "Kyodo": ("TOKYO", "Tokyo"),
    "PTI": ("NEW DELHI", "New Delhi"),
    "ANI": ("NEW DELHI", "New Delhi"),
    "Anadolu": ("ANKARA", "Ankara"),
    "AAP": ("SYDNEY", "Sydney"),
    "The Canadian Press": ("TORONTO", "Toronto"),
    "Yonhap": ("SEOUL", "Seoul"),
    "TASS": ("MOSCOW", "Moscow"),
    "Interfax": ("MOSCOW", "Moscow"),
    "IANS": ("NEW DELHI", "New Delhi"),
    "Jiji Press": ("TOKYO", "Tokyo"),
    "Bernama": ("KUALA LUMPUR", "Kuala Lumpur"),
    "Antara": ("JAKARTA", "Jakarta"),
    "NTB": ("OSLO", "Oslo"),
    "Belga": ("BRUSSELS", "Brussels"),
    "APA": ("VIENNA", "Vienna"),
    "Keystone-SDA": ("BERN", "Bern"),
    "Ritzau": ("COPENHAGEN", "Copenhagen"),
    "TT": ("STOCKHOLM", "Stockholm"),
    "CTK": ("PRAGUE", "Prague"),
    "PAP": ("WARSAW", "Warsaw"),
    "Lusa": ("LISBON", "Lisbon"),
    "Europa Press": ("MADRID", "Madrid"),
    "Ukrinform": ("KYIV", "Kyiv"),
    "IRNA": ("TEHRAN", "Tehran"),
    "WAFA": ("RAMALLAH", "Ramallah"),
    "KUNA": ("KUWAIT CITY", "Kuwait City"),
    "MENA": ("CAIRO", "Cairo"),
    "SPA": ("RIYADH", "Riyadh"),
    "Agência Brasil": ("BRASÍLIA", "Brasília"),
    "Notimex": ("MEXICO CITY", "Mexico City"),
    "Prensa Latina": ("HAVANA", "Havana"),
    "Dow Jones Newswires": ("NEW YORK", "New York"),
    "SANA": ("DAMASCUS", "Damascus"),
    "APS": ("ALGIERS", "Algiers"),
    "MAP": ("RABAT", "Rabat"),
    "NAN": ("ABUJA", "Abuja"),
    "KNA": ("NAIROBI", "Nairobi"),
    "CNA": ("TAIPEI", "Taipei"),
    "UNI": ("NEW DELHI", "New Delhi"),
    "APP": ("ISLAMABAD", "Islamabad"),
    "BSS": ("DHAKA", "Dhaka"),
    "VNA": ("HANOI", "Hanoi"),
    "PNA": ("MANILA", "Manila"),
    "RIA Novosti": ("MOSCOW", "Moscow"),
    "KCNA": ("PYONGYANG", "Pyongyang"),
    "WAM": ("ABU DHABI", "Abu Dhabi"),
    "QNA": ("DOHA", "Doha"),
    "Petra": ("AMMAN", "Amman"),
    "ANP": ("THE HAGUE", "The Hague"),
    "STT": ("HELSINKI", "Helsinki"),
    "MTI": ("BUDAPEST", "Budapest"),
    "BTA": ("SOFIA", "Sofia"),
    "HINA": ("ZAGREB", "Zagreb"),
    "ANA-MPA": ("ATHENS", "Athens"),
    "Agerpres": ("BUCHAREST", "Bucharest"),
}
SECOND = [("BRUSSELS", "Brussels"), ("GENEVA", "Geneva"), ("SINGAPORE", "Singapore")]
REGIONS = ["West Bank", "Ill.", "Calif.", "Iraq", "N.Y.", "Germany", "India"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _sentences(rng: random.Random, count: int) -> list[str]:
    """Return `count` plain news sentences that name no wire."""
    out = []
    for _ in range(count):
        who, what, how = rng.choice(TOPICS)
        day = rng.choice(["on Monday", "on Tuesday", "this week", "late on Friday"])
        out.append(
            rng.choice(
                [
                    f"{who.capitalize()} said {day} that {what} {how}.",
                    f"According to {who}, {what} {how}, and more details would follow.",
                    f"\u201cWe expect {what} to change little,\u201d {_name(rng)} said {day}.",
                    f"{_name(rng)}, who follows {what} closely, said the figures {how}.",
                ]
            )
        )
    return out


def _story(rng: random.Random, paragraphs: int = 3) -> list[str]:
    return [" ".join(_sentences(rng, 2)) for _ in range(paragraphs)]


def _own_story(rng: random.Random) -> str:
    """The outlet's own story: a dateline of its own city, no wire."""
    first, *rest = _story(rng, 2)
    return "\n\n".join([f"{rng.choice(OWN_CITIES)} \u2014 {first}", *rest])


def _headline(rng: random.Random) -> str:
    who, what, _ = rng.choice(TOPICS)
    return f"{who.capitalize()} weigh the future of {what}"


# --- positive forms ---------------------------------------------------------------------------


def _datelines(wire: Wire, rng: random.Random) -> list[Form]:
    """Datelines of every shape, with the wire's house forms."""
    up, title = HOME.get(wire.name, (wire.name.upper(), wire.name))
    up2, title2 = rng.choice(SECOND)
    token = _short(wire)
    day = rng.randint(1, 28)
    month, short = rng.choice(MONTHS), rng.choice(SHORT)
    region = rng.choice(REGIONS)
    shapes = [
        f"{up}, {short} {day} ({token}) - ",
        f"{up} ({token}) \u2014 ",
        f"{up}/{up2} ({token}) - ",
        f"{title} ({token}) \u2013 ",
        f"{title}/{title2} ({token}) \u2013 ",
        f"{up}, {region} ({token}) -- ",
        f"{up}, {region}, {month} {day} ({token}) \u2014 ",
        f"{title}, {short} {day} ({token}) ",
        f"({token}) - ",
    ]
    house = {
        "UPI": [f"{short}. {day} ({token}) -- "],
        "TASS": [f"{up}, {month} {day}. /{token}/. "],
        "ANI": [f"{title} [India], {month} {day} ({token}): "],
        "EFE": [f"{title}, {short} {day} ({token}).- "],
        "ANSA": [f"({token}) - {up}, {short.upper()} {day} - "],
        "SANA": [f"{title}, {token}- "],
        "Interfax": [f"{up}. {month} {day} ({token}) - "],
        "Bloomberg": [f"({token}) -- "],
    }.get(wire.name, [])
    shapes += [
        f"{title}, {token} \u2013 ",  # IRNA, SANA: the wire after the place, unbracketed
        f"{title}, {month} {day}, 2024, {token} -- ",
    ]
    if token.upper() != token:
        shapes.append(f"{title} ({token.upper()}) - ")  # Antara: "Jakarta (ANTARA) -"
    return [Form("dateline", "open", shape, joint="") for shape in shapes + house]


def _short(wire: Wire) -> str:
    """The wire's credit token as its datelines print it (the shortest)."""
    return min(wire.credits, key=len)


def _long(wire: Wire) -> str:
    return max(wire.credits, key=len)


def _the(token: str) -> str:
    return f"The {token}" if token in ("Associated Press", "Canadian Press") else token


def _bylines(wire: Wire, rng: random.Random) -> list[Form]:
    token, long = _short(wire), _long(wire)
    name = _name(rng)
    return [
        Form("byline", "open", f"By {_the(long)}"),
        Form("byline", "open", f"By {token} Staff"),
        Form("byline", "open", f"By {name}, {long}"),
        Form("byline", "open", f"By {name.upper()} {token} Business Writer"),
        Form("byline", "open", f"By {name} | {long} | Updated: {rng.randint(1, 28)} July 2024"),
        Form("byline", "open", f"BY {long.upper()}"),
        Form("has the story", "open", f"{_the(long)} has the story:"),
        # provider lines, as aggregators print them
        Form("byline", "open", f"{long}\n{rng.choice(MONTHS)} 15, 2024 \u00b7 3 min read"),
        Form("byline", "open", f"{long}\n{rng.randint(2, 9)} hours ago"),
        Form("byline", "open", f"By {name} and {_name(rng)}\n{long}"),
    ]


def _closings(wire: Wire, rng: random.Random) -> list[Form]:
    token, long = _short(wire), _long(wire)
    year = rng.randint(2015, 2025)
    initials = "/".join(rng.choice("abcdefgh") + rng.choice("klmnopxyz") for _ in range(2))
    forms = [
        Form("closing bracket", "close", f"({token})", joint=" "),
        Form("closing bracket", "close", f"{initials} ({token})"),
        Form("sign-off", "close", f"\u2014 {long}"),
        Form("sign-off", "close", f"-- {token}"),
        Form("sign-off", "close", f"=={token}"),
        Form("sign-off", "close", f"-- {long.upper()}"),  # Bernama: "-- BERNAMA"
        Form("sign-off", "close", long, last_only=True),
        Form("copyright", "close", f"Copyright {year} {_the(long)}. All rights reserved."),
        Form("copyright", "close", f"\u00a9 {year} {token}"),
        Form("copyright", "close", f"(c) Copyright {long} {year}."),
        Form("copyright", "close", f"Copyright \u00a9 {year} {_the(long)}"),
        Form("copyright", "close", f"\u00a9 {long}", last_only=True),
        Form("copyright", "close", f"\u00a9 {long.upper()}", last_only=True),
        Form("copyright", "close", f"ALL RIGHTS RESERVED \u00a9 Copyright {token}"),
        Form("closing bracket", "close", f"(FRANCE 24 with {token})"),
        Form("sign-off", "close", f"\u2013 {token}"),
    ]
    house = {
        "Reuters": [
            Form(
                "signature",
                "close",
                f"(Reporting by {_name(rng)} in London; Additional reporting by {_name(rng)};"
                f" Editing by {_name(rng)})",
            ),
            Form("signature", "close", f"Reporting by {_name(rng)}; Editing by {_name(rng)}"),
            Form("copyright", "close", f"(c) Copyright Thomson Reuters {year}."),
        ],
        "Bloomberg": [
            Form(
                "signature",
                "close",
                f"To contact the reporter on this story: {_name(rng)} in London at"
                " jdoe@bloomberg.net",
            ),
            Form("copyright", "close", f"\u00a9{year} Bloomberg L.P."),
        ],
        "AFP": [Form("signature", "close", f"bur-{initials}")],
        "Dow Jones Newswires": [Form("signature", "close", "(END) Dow Jones Newswires")],
        "PTI": [Form("sign-off", "close", "PTI ABC DEF", last_only=True)],
        "IANS": [Form("sign-off", "close", f"--IANS\n{initials}")],
        "PA Media": [
            Form(
                "copyright",
                "close",
                f"Copyright (c) Press Association Ltd. {year}, All Rights Reserved.",
            )
        ],
        "UPI": [
            Form(
                "copyright",
                "close",
                f"Copyright {year} United Press International, Inc. All Rights Reserved.",
            )
        ],
    }.get(wire.name, [])
    return forms + house


def _notes(wire: Wire, rng: random.Random) -> list[Form]:
    """Credits of the whole text that stand as a paragraph anywhere."""
    token, long = _short(wire), _long(wire)
    forms = [
        Form("contributed", "note", f"{_the(long)} contributed to this report."),
        Form(
            "contributed",
            "note",
            f"{long} writer {_name(rng)} in {rng.choice(['Paris', 'Cairo', 'Lima'])} contributed"
            " to this report.",
        ),
        Form("contributed", "note", f"Additional reporting by {token}."),
        Form("contributed", "note", f"{long} writer {_name(rng)} contributed from Lima."),
        Form(
            "contributed",
            "note",
            f"___\n\n{long} writers {_name(rng)} and {_name(rng)} contributed reporting.",
        ),
        Form("provided", "note", f"(With {token} inputs)"),
        Form("provided", "note", f"This content was produced by {long}."),
        Form("provided", "note", f"This story was provided by {_the(long)}."),
        Form("provided", "note", f"This article was originally published by {token}."),
        Form("provided", "note", f"(With inputs from {token})"),
        Form("provided", "note", f"Source: {long}"),
        Form("provided", "note", f"SOURCE: {long.upper()}"),
        Form("contributed", "note", f"\u2014 With files from {_the(long)}"),
        Form("provided", "note", f"Material from {_the(long)} was used in this report."),
    ]
    if wire.name == "Associated Press":
        forms.append(
            Form(
                "provided",
                "note",
                "The Associated Press\u2019 coverage receives support from several private"
                " foundations. AP is solely responsible for all content.",
            )
        )
    if wire.name == "The Canadian Press":
        forms.append(
            Form(
                "provided",
                "note",
                "This report by The Canadian Press was first published July 15, 2024.",
            )
        )
    return forms


def positive_forms(wire: Wire, rng: random.Random) -> list[Form]:
    """Return the credit forms written for `wire`."""
    return _datelines(wire, rng) + _bylines(wire, rng) + _closings(wire, rng) + _notes(wire, rng)


def _place(form: Form, placement: str, rng: random.Random) -> tuple[str, tuple[int, int]]:
    """Return a text carrying `form` placed as `placement`, and the span of the credited
    story in it."""
    body = "\n\n".join(_story(rng))
    own = _own_story(rng)
    if form.role == "open":
        if placement == "own":
            head = f"{_headline(rng)}\n\n{form.text.rstrip()}\n\n"
            text = head + body + "\n\n" + own
            return text, (len(head), len(head) + len(body))
        story = form.text + form.joint + body
        if placement == "start":
            return story + "\n\n" + own, (0, len(story))
        prefix = own + "\n\n"
        return prefix + story, (len(prefix), len(prefix) + len(story))
    if form.role == "close":
        joint = form.joint if placement != "own" else "\n\n"
        if placement == "end":
            prefix = own + "\n\n"
            dateline = f"{rng.choice(['GENEVA', 'LAGOS', 'QUITO'])} \u2014 "
            story = dateline + body
            return prefix + story + joint + form.text, (len(prefix), len(prefix) + len(story))
        if placement == "own":
            head = f"{_headline(rng)}\n\n"
            text = head + body + joint + form.text + "\n\n" + own
            return text, (len(head), len(head) + len(body))
        return body + joint + form.text + "\n\n" + own, (0, len(body))
    # A note: a paragraph of its own, before the story, after it, or at the end.
    if placement == "start":
        head = form.text + "\n\n"
        return head + body + "\n\n" + own, (len(head), len(head) + len(body))
    if placement == "own":
        return body + "\n\n" + form.text + "\n\n" + own, (0, len(body))
    prefix = own + "\n\n"
    return prefix + body + "\n\n" + form.text, (len(prefix), len(prefix) + len(body))


# --- negatives --------------------------------------------------------------------------------

NegativeWriter = Callable[[Wire, random.Random], str]


def _negative_writers() -> list[tuple[str, NegativeWriter]]:
    """Writers of texts that name a wire without crediting it, by kind."""

    def name(r: random.Random) -> str:
        return _name(r)

    source: list[NegativeWriter] = [
        lambda w, r: f"\u201cThe talks will resume,\u201d {name(r)} told {_the(_long(w))}.",
        lambda w, r: f"The strike was called off, according to {_short(w)}.",
        lambda w, r: f"The deal was first reported by {_the(_long(w))} on Sunday.",
        lambda w, r: f"{name(r)} said in an interview with {_short(w)} that costs would rise.",
        lambda w, r: f"Documents seen by {_short(w)} show the plan was dropped in May.",
        lambda w, r: f"{_the(_long(w))} reported earlier that the vote had been delayed.",
        lambda w, r: f"{_long(w)} could not independently verify the claims.",
        lambda w, r: f"A {_short(w)} reporter at the scene saw smoke over the harbour.",
        lambda w, r: f"{_short(w)} first reported on the merger talks last week.",
        lambda w, r: f"By Monday, {_short(w)} had counted more than 300 boats.",
        lambda w, r: f"By the time {_long(w)} reached the village, the road was closed.",
        lambda w, r: (
            f"Officials in Andhra Pradesh ({_short(w)}) said on Sunday that talks would resume."
        ),
        lambda w, r: f"Andhra Pradesh ({_short(w)}) chief minister {name(r)} visited the dam.",
        lambda w, r: f"A {_short(w)}/Ipsos poll showed support falling to 38 percent.",
        lambda w, r: f"Speaking to {_the(_long(w))}, {name(r)} declined to comment.",
        lambda w, r: f"Critics faulted the reporting by {_short(w)} on the case.",
        lambda w, r: f"The report, first published by {_short(w)}, said the mine would close.",
        lambda w, r: f"The figures were provided by {_the(_long(w))} and the ministry.",
        lambda w, r: (
            f"Meanwhile, {_short(w)} — which first reported the deal — said talks went on."
        ),
        lambda w, r: (
            f"Meanwhile, {_short(w)}\u2014which first reported the deal\u2014said talks went on."
        ),
        lambda w, r: f"By {_long(w)} standards, the story was a short one.",
        lambda w, r: (
            f"Andhra Pradesh ({_short(w)}) - the state\u2019s chief minister said the dam "
            "would hold."
        ),
        lambda w, r: f"The {_long(w)} contributed $5 million to the fund.",
        lambda w, r: f"By {_short(w)}’s count, more than 40 people were hurt.",
        lambda w, r: f"A former {_long(w)} correspondent, {name(r)}, contributed to this report.",
        lambda w, r: f"Copyright lawyers told {_short(w)} the case could take years.",
    ]
    photo: list[NegativeWriter] = [
        lambda w, r: f"{_short(w).upper()}/{name(r)}",
        lambda w, r: f"{name(r)}/{_short(w)}",
        lambda w, r: f"A man walks past the damaged port. ({_short(w)} Photo/{name(r)}, File)",
        lambda w, r: f"Crowds gather outside the court. ({name(r)}/{_short(w)} via Getty Images)",
        lambda w, r: f"{_short(w)} via Getty Images",
        lambda w, r: f"Protesters on the bridge (Photo: {name(r)}/{_short(w)})",
        lambda w, r: f"Image copyright {_short(w)} Image caption Rescuers worked through the night",
        lambda w, r: f"Photograph: {name(r)}/{_short(w)}",
        lambda w, r: f"The ferry after it ran aground near the harbour ({_short(w)})",
        lambda w, r: f"(Image: {_short(w)})",
        lambda w, r: f"Video: {_long(w)}",
        lambda w, r: f"{_short(w)}:{_long(w)} Rescuers search the rubble for survivors",
        lambda w, r: (
            f"Enlarge this image toggle caption {name(r)}/{_short(w)} {name(r)}/{_short(w)}"
        ),
        lambda w, r: f"{_short(w)} TV",
        lambda w, r: f"({_short(w)} Video/{name(r)})",
        lambda w, r: f"File photo: {_long(w)}",
        lambda w, r: (
            f"\u00a9 {_short(w).upper()}/ Stringer The rocket takes off from Wenchang on"
            " July 2, 2017."
        ),
        lambda w, r: f"{_short(w)}\nJuly 4, 2024 fireworks lit up the sky over the harbour",
    ]
    headline: list[NegativeWriter] = [
        lambda w, r: f"{_short(w)} Interview: Minister says the budget will hold",
        lambda w, r: f"{_long(w)} wins award for its coverage of the floods",
        lambda w, r: f"{_long(w)} to cut 200 jobs in newsroom overhaul",
        lambda w, r: f"Exclusive: Port operator weighs sale, sources tell {_short(w)}",
    ]
    return (
        [("news source", f) for f in source]
        + [("photo credit", f) for f in photo]
        + [("headline", f) for f in headline]
    )


def _place_negative(line: str, placement: str, rng: random.Random) -> str:
    body = _story(rng)
    own = _own_story(rng)
    if placement == "start":
        return line + "\n\n" + "\n\n".join(body) + "\n\n" + own
    if placement == "own":
        return "\n\n".join([body[0], line, *body[1:]]) + "\n\n" + own
    return own + "\n\n" + "\n\n".join(body) + "\n\n" + line


# --- the corpus and its score -----------------------------------------------------------------


def build(seed: int = DEFAULT_SEED) -> list[Case]:
    """Return the corpus: every wire's credit forms in every placement, then as many
    negatives, cycling through the negative writers and the wires."""
    rng = random.Random(seed)
    wires = load_wires()
    cases: list[Case] = []
    for wire in wires:
        for form in positive_forms(wire, rng):
            for placement in ("end",) if form.last_only else PLACEMENTS:
                text, story = _place(form, placement, rng)
                cases.append(Case(text, wire.name, story, form.family, placement, form.text))
    writers = _negative_writers()
    negatives: list[Case] = []
    index = 0
    while len(negatives) < len(cases):
        family, writer = writers[index % len(writers)]
        wire = wires[(index // len(writers)) % len(wires)]
        line = writer(wire, rng)
        placement = PLACEMENTS[(index // (len(writers) * len(wires))) % 3]
        text = _place_negative(line, placement, rng)
        negatives.append(Case(text, None, (0, 0), family, placement, line))
        index += 1
    return cases + negatives


@dataclass(frozen=True, slots=True)
class Outcome:
    """How `find_credits` read one case: found (a positive credited to its wire over the
    story), and false (credits to a wrong wire over the story, or any credit of a negative)."""

    case: Case
    found: bool
    false: bool
    credits: tuple[tuple[str, int, int, str], ...]


def judge(case: Case) -> Outcome:
    """Return how `find_credits` reads `case`."""
    credits = find_credits(case.text)
    listed = tuple((c.wire, c.start, c.end, c.kind) for c in credits)
    if case.wire is None:
        return Outcome(case, False, bool(credits), listed)
    start, end = case.story
    over = {c.wire for c in credits if c.start <= start and c.end >= end}
    return Outcome(case, case.wire in over, bool(over - {case.wire}), listed)


def evaluate(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Return the precision and recall of credit detection on the corpus of `seed`, with the
    counts behind them, recall by form and placement, and the misses."""
    outcomes = [judge(case) for case in build(seed)]
    positives = [o for o in outcomes if o.case.wire is not None]
    negatives = [o for o in outcomes if o.case.wire is None]
    found = sum(o.found for o in positives)
    false = sum(o.false for o in outcomes)
    by_family: dict[str, list[int]] = {}
    for o in positives:
        tally = by_family.setdefault(f"{o.case.family} / {o.case.placement}", [0, 0])
        tally[0] += o.found
        tally[1] += 1
    false_by_family = Counter(o.case.family for o in negatives if o.false)
    return {
        "seed": seed,
        "wires": len(load_wires()),
        "positives": len(positives),
        "negatives": len(negatives),
        "found": found,
        "false_positives": false,
        "false_on_negatives": sum(o.false for o in negatives),
        "precision": found / (found + false) if found + false else 1.0,
        "recall": found / len(positives) if positives else 1.0,
        "recall_by_form": {k: v[0] / v[1] for k, v in sorted(by_family.items())},
        "false_by_negative_kind": dict(false_by_family),
        "misses": [o for o in positives if not o.found],
        "false": [o for o in outcomes if o.false],
    }


def table(result: dict[str, Any]) -> str:
    """Return the figures of `evaluate` as a text table."""
    rows = [
        ["precision", f"{result['precision']:.4f}"],
        ["recall", f"{result['recall']:.4f}"],
        ["positives / negatives", f"{result['positives']} / {result['negatives']}"],
        ["found / false positives", f"{result['found']} / {result['false_positives']}"],
    ]
    rows += [[f"recall: {k}", f"{v:.3f}"] for k, v in result["recall_by_form"].items() if v < 1]
    rows += [[f"false: {k}", str(v)] for k, v in result["false_by_negative_kind"].items()]
    return str(tabulate(rows, headers=["credit forms", "value"], disable_numparse=True))


def _show(outcomes: Sequence[Outcome], count: int, title: str) -> None:
    for o in outcomes[:count]:
        print(f"--- {title}: {o.case.wire} / {o.case.family} / {o.case.placement}: {o.case.form!r}")
        print(f"    story {o.case.story}, credits {o.credits}")
        print("    " + o.case.text[:300].replace("\n", "\\n"))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the precision and recall of credit detection on the corpus."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    result = evaluate(args.seed)
    print(table(result))
    if args.show_misses:
        _show(result["misses"], args.show_misses, "missed")
        _show(result["false"], args.show_misses, "false")


if __name__ == "__main__":
    main()
