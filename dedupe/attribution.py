"""Attribution: which original source a shared text came from, and by which rule.

Documents that carry the same text form a group (`dedupe.families` builds the groups from
the aligned passages), so attribution is transitive. `decide` settles a group, by the first
rule that decides:

1. ``wire-outlet``: a document of the group is published by a wire service (an outlet name or
   a web address of the wire, ``wires.json``);
2. ``wire-credit``: a document of the group credits a wire for the copy around the passage
   (a dateline, "(Reuters)", "Reuters has the story", a sign-off, a copyright notice, "By
   Reuters", "... contributed to this report": `find_credits`); photo credits ("AFP via Getty
   Images") are not copy credits;
3. ``earliest-publication``: every document of the group has a date, and one outlet published
   first by at least `date_margin`; aggregators (``dedupe.outlets``) never win against other
   outlets.

Each carrier's copy is then decided by `decide_carrier`, in the order of PRECEDENCE (issue
#15): the wire's own article, the carrier's own credit of the passage, its own credit of the
whole article (both ``own-credit``), the group's credit (inherited), earliest publication.
An article's own credit for the text it carries thus wins over a credit inherited from a
third article.

A document's text decided by a document it was not aligned with gets the rule with a
``transitive-`` prefix (never ``own-credit``). When no rule decides, or two wires tie, the
answer is None: dedupe does not guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from typing import Literal, NamedTuple

import regex

from dedupe.documents import parse_date
from dedupe.outlets import host_on, is_aggregator, source_host
from dedupe.parallel import pickled_by_fields
from dedupe.text import paragraph_spans

CreditKind = Literal["story", "article"]


@dataclass(frozen=True, slots=True)
class Signature:
    """A line that closes a wire's copy without naming the wire: a regular expression matched
    at the start of a line, and plain strings one of which such a line always contains."""

    pattern: str
    hints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Wire:
    """A wire service: its canonical name, outlet names, how texts credit it, its web domains
    and the lines that close its copy without naming it."""

    name: str
    outlets: tuple[str, ...]
    credits: tuple[str, ...]
    domains: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = ()


@dataclass(frozen=True, slots=True)
class Credit:
    """A copy credit to `wire` covering the characters [start, end) of a document.

    `kind` is ``"story"`` for a credit of the story it opens or closes (a dateline, "(Reuters)",
    "Reuters has the story", a sign-off, a "Reporting by ...; Editing by ..." line, a copyright
    notice) and ``"article"`` for a credit of the whole text (a byline, "... contributed to
    this report", "This story was provided by ...").
    """

    wire: str
    start: int
    end: int
    kind: CreditKind = "story"


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What attribution needs to know about one document.

    `aggregator`: the source is a news aggregator or portal (``dedupe.outlets``); `weak_date`:
    `published` is a crawl time (when a copy was fetched), not a publication time.
    """

    id: str
    source: str | None
    published: datetime | None
    wire: str | None
    credits: tuple[Credit, ...]
    aggregator: bool = False
    weak_date: bool = False


class Carrier(NamedTuple):
    """One document's copy of a passage: characters [start, end) of document `doc`.

    A named tuple, so that plain (doc, start, end) tuples, far cheaper to make by the
    hundred thousand, serve wherever carriers are read.
    """

    doc: int
    start: int
    end: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Attribution:
    """The original source decided for a passage, the rule that decided it, and by whom."""

    source: str | None
    rule: str | None
    decided_by: tuple[int, ...] = ()


UNDECIDED = Attribution(None, None)

# Facts by document index: a list for every document, or a mapping for those that have any.
Facts = Sequence[DocumentFacts] | Mapping[int, DocumentFacts]


@lru_cache(maxsize=1)
def load_wires() -> tuple[Wire, ...]:
    """Return the wire services of the data table shipped with dedupe."""
    raw = json.loads(resources.files("dedupe").joinpath("data/wires.json").read_text("utf-8"))
    return tuple(
        Wire(
            w["name"],
            tuple(w["outlets"]),
            tuple(w["credits"]),
            tuple(d.casefold() for d in w.get("domains", ())),
            tuple(Signature(s["pattern"], tuple(s["hints"])) for s in w.get("signatures", ())),
        )
        for w in raw["wires"]
    )


@lru_cache(maxsize=1)
def _outlet_index() -> dict[str, str]:
    return {outlet.casefold(): wire.name for wire in load_wires() for outlet in wire.outlets}


# Letters of place names in datelines (Latin script, with the accented capitals of European
# and Turkish names), and the small words inside them ("Rio de Janeiro", "Dar es Salaam").
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LO = "a-zß-öø-ÿāăąćčďđēėęěğīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"
_PARTICLE = (
    r"(?:de|da|do|dos|das|del|della|di|du|des|la|le|les|el|al|es|en|au|aux|sur|am|an|der|den"
    r"|von|van|of|y)"
)
_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day),?[ \t]+)?"
    rf"(?:{_MONTH}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?(?:,?[ \t]+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTH}\.?(?:,?[ \t]+\d{{4}})?)"
)
_UP_WORD = rf"[{_UP}][{_UP}.'’-]*(?![{_LO}])"
_TITLE_WORD = rf"[{_UP}](?:[{_LO}][{_LO}{_UP}'’-]*\.?|\.(?:[{_UP}]\.)*)"
# Atomic: a place name read is not read again shorter, which keeps a sentence from costing
# the regex engine a search of every split of its first words. Title case is tried first, as
# capitals alone would take the "P" of "Paris".
_PLACE = (
    rf"(?>{_TITLE_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_TITLE_WORD}){{0,3}}"
    rf"|{_UP_WORD}(?:[ \t]+{_UP_WORD}){{0,4}})"
)
# One place or several ("TOKYO/SEOUL", "Berlin/Washington"), then a country or state in
# brackets ("New Delhi [India]") or after a comma ("SPRINGFIELD, Ill.", "OFER PRISON, West Bank").
_PLACES = rf"{_PLACE}(?:[ \t]*/[ \t]*{_PLACE}|[ \t]+(?:and|&)[ \t]+{_PLACE}){{0,4}}"
_REGION = (
    rf"(?:[ \t]*\[[^\]\n]{{1,40}}\])?"
    rf"(?:,[ \t]*[{_UP}][{_LO}{_UP}.'’-]*(?:[ \t]+[{_UP}][{_LO}{_UP}.'’-]*){{0,2}})?"
)
# What follows a dateline's credit: a dash of any length, "--", "==", ":" (ANI), ".-" (EFE),
# "." (TASS's "/TASS/."), or nothing at all (PTI, IANS: "New Delhi, Jul 15 (PTI) The ...").
_AFTER = r"(?P<sep>[ \t]*\.?[ \t]*(?:--|==|[-–—―:])|\.(?=[ \t]|$))?"

# A closing credit (a sign-off, a copyright notice, "(AFP)") closes the story above it once
# that story has this many characters; with less above it (nothing, or only a headline) it
# credits the story below instead.
HEADER_TEXT = 150


class _Patterns(NamedTuple):
    """The compiled credit patterns, built from the wire table (see `_credit_patterns`)."""

    tokens: dict[str, str]  # credit token -> canonical wire name, also in capitals ("REUTERS")
    token: re.Pattern[str]  # any token, as a word
    loud_token: re.Pattern[str]  # any token or a token in capitals, as a word
    first_words: frozenset[str]  # the first words of the tokens, and "The"
    dateline: re.Pattern[str]  # "PARIS (AFP) -", "New Delhi, Jul 15 (PTI)", "(Reuters) -"
    bare: re.Pattern[str]  # "Damascus, SANA-": a wire after the place, without brackets
    plain: re.Pattern[str]  # a dateline without a wire ("BAGHDAD —"), "Reuters has the story"
    bracket_end: re.Pattern[str]  # "... said on Monday. (Reuters)", "jm/dm (AFP, dpa)"
    bracket_with: re.Pattern[str]  # "(FRANCE 24 with AFP, REUTERS)"
    signoff: re.Pattern[str]  # "— AFP", "==Kyodo", "PTI ABC XYZ", "AP - AFP" (the last line)
    end_marker: re.Pattern[str]  # "(END) Dow Jones Newswires"
    copyright: re.Pattern[str]  # "Copyright 2024 The Associated Press. All rights reserved."
    signatures: re.Pattern[str] | None  # the wires' own closing lines; group sN = wire N
    signature_wires: dict[str, str]  # group name -> wire
    byline: re.Pattern[str]  # "By Reuters Staff", "By JOHN DOE, AP Business Writer", "BY REUTERS"
    source_line: re.Pattern[str]  # "Source: AFP", "SOURCE: REUTERS", "Xinhua | Updated: ..."
    # Article credits in running text: keywords, how far before a keyword a match may start,
    # and the pattern.
    whole: tuple[tuple[tuple[str, ...], int, re.Pattern[str]], ...]
    contributed: re.Pattern[str]
    sentence_start: re.Pattern[str]  # a wire opening a "... contributed to this report" sentence


@lru_cache(maxsize=1)
def _credit_patterns() -> _Patterns:
    wires = load_wires()
    tokens = {token: wire.name for wire in wires for token in wire.credits}
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    wire = rf"(?:The[ \t]+)?(?:{alternatives})(?![\w-])"
    listed = rf"{wire}(?:[ \t]*(?:[,/;&+]|and)[ \t]*{wire})*"
    # Bylines, source lines and France 24's "(... with AFP, REUTERS)" also print names in
    # capitals; elsewhere a name in capitals is a photo credit ("REUTERS/Jane Doe").
    loud = {t.upper(): name for t, name in tokens.items() if t.upper() != t and len(t) > 2}
    loud_alternatives = "|".join(
        re.escape(t) for t in sorted([*tokens, *loud], key=len, reverse=True)
    )
    loud_wire = rf"(?:(?i:the)[ \t]+)?(?:{loud_alternatives})(?![\w-])"
    loud_listed = rf"{loud_wire}(?:[ \t]*(?:[,/;&+]|and|AND)[ \t]*{loud_wire})*"
    dateline = re.compile(
        rf"(?:(?P<place>{_PLACES}){_REGION}(?:(?:[ \t]*[,.]|(?<=\.))[ \t]*(?P<date>{_DATE}))?"
        rf"|(?P<date_only>{_DATE}))?"
        rf"[ \t]*[,.]?[ \t]*(?:\((?P<wire>{loud_listed})\)|/(?P<slash>{loud_wire})/){_AFTER}"
    )
    bare = re.compile(
        rf"(?P<place>{_PLACES}){_REGION}(?:(?:[ \t]*[,.]|(?<=\.))[ \t]*(?P<date>{_DATE}))?"
        rf"[ \t]*,[ \t]*"
        rf"(?P<wire>(?:The[ \t]+)?(?:{loud_alternatives}))[ \t]*(?:--|[-–—])"
    )
    date = r"[A-Z][a-z]{2,9}\.?\s+\d{1,2}"
    region = r"[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)?"
    plain = re.compile(
        rf"(?:[A-Z][A-Z.'’ /-]{{1,40}}[A-Z.](?:,\s*(?:{date}|{region}(?:,\s*{date})?))?\s*"
        rf"(?:--|[-–—])(?:\s|\Z)|(?P<story>{wire})\s+has\s+the\s+story)"
    )
    # A credit in brackets closing a line: after the end of a sentence or a time ("Updated:
    # 06:50 (Xinhua)"), after the editors' initials ("jm/dm (AFP, dpa)"), or alone. A bracket
    # after a plain word ends a photo caption ("... the tram derailed (Reuters)").
    bracket_end = re.compile(
        rf"(?:^|(?<=[.!?\"”’\d])[ \t]*|(?<![\w/])[a-z]{{1,5}}(?:/[a-z]{{1,5}})+[ \t]+)"
        rf"\((?P<wire>{listed})\)[ \t]*\.?$"
    )
    bracket_with = re.compile(
        rf"(?:^|(?<=[.!?\"”’\d])[ \t]*)\((?:[^()\n]{{1,40}}[ \t])?(?i:with)[ \t]+"
        rf"(?P<wire>{loud_listed})\)[ \t]*\.?$"
    )
    signoff = re.compile(
        rf"(?P<dash>--|==|[-–—―]{{1,2}})?[ \t]*"
        rf"(?P<wire>{loud_wire}(?:[ \t]*(?:,|&|and|[-–—])[ \t]*{loud_wire})*)"
        rf"(?:[ \t]+(?!(?:FILE|POOL|TV|PIX|PICS)\b)[A-Z]{{2,4}}){{0,5}}[ \t]*\.?$"
    )
    end_marker = re.compile(rf"\(END\)[ \t]*(?P<wire>{wire})")
    copyright = re.compile(
        r"(?:(?i:all rights reserved)[ \t.,]*)?(?:Copyright|COPYRIGHT|©|\([cC]\))"
        r"(?:[ \t]*(?:©|\([cC]\)|Copyright|\d{4}(?:[ \t]*[-–][ \t]*\d{4})?|,))*"
        rf"[ \t]*(?P<wire>{loud_wire})(?![ \t]*/)"  # "© REUTERS/Name" is a photo credit
    )
    signature_wires: dict[str, str] = {}
    parts: list[str] = []
    for w in wires:
        for signature in w.signatures:
            group = f"s{len(parts)}"
            signature_wires[group] = w.name
            parts.append(f"(?P<{group}>{signature.pattern})")
    signatures = re.compile("|".join(parts)) if parts else None
    names = rf"(?:[{_UP}][{_LO}{_UP}.'’-]*|{_PARTICLE}|and|&)"
    staff = (
        rf"(?:[{_UP}][{_LO}{_UP}]+[ \t]+){{0,2}}"
        r"(?i:staff|writers?|reporters?|correspondents?|editors?|producers?|journalists?|desk|team)"
    )
    stamp = rf"(?:Updated|Published|Posted|{_MONTH}\.?[ \t]+\d|\d)"
    byline = re.compile(
        rf"(?:By|BY)[ \t]+(?:{names}(?:[ \t,]+{names}){{0,9}}(?:[ \t]*[,|·•–—-][ \t]*|[ \t]+))?"
        rf"(?P<wire>{loud_wire})(?:[ \t]+{staff})?(?:[ \t]*[|,·•–—-][ \t]*{stamp}.*)?[ \t]*\.?$"
    )
    source_line = re.compile(
        rf"(?i:source):[ \t]*(?P<wire>{loud_listed})[ \t]*\.?$"
        rf"|(?:(?i:source):[ \t]*)?(?P<stamped>{wire})[ \t]*\|[ \t]*{stamp}"
    )
    this = (
        r"[Tt]his\s+(?:[\w-]+\s+){0,2}(?:story|article|report|piece|post|content|copy)\s+"
        r"(?:was\s+|is\s+|has\s+been\s+)?"
    )
    # Article credits in running text; each comes with plain strings one of which it cannot
    # match without, and the regex runs only around them (from at most so many characters
    # before): running over a whole text, such a regex costs more than all the rest.
    whole = (
        (
            ("eporting by",),
            40,
            # At the start of a line or sentence: "the reporting by Reuters" is a mention.
            re.compile(
                r"(?:^|(?<=[\n(;])|(?<=[.;]\s))[ \t]*(?:(?:Additional|Further)\s+)?"
                rf"[Rr]eporting\s+by\s+(?P<wire>{listed})",
                re.MULTILINE,
            ),
        ),
        (
            ("riginally", "first p", "first a"),
            120,
            # Said of this text ("This story was first published by ...", a line "Originally
            # published by ..."): "the report, first published by Reuters," is a mention.
            re.compile(
                rf"(?:{this}|^[ \t]*)(?:[Ff]irst|[Oo]riginally)\s+(?:published|appeared|posted)"
                rf"\s+(?:by|on|in|at|with)\s+(?P<wire>{wire})"
                rf"|{this}by\s+(?P<first>{wire})\s+was\s+first\s+published",
                re.MULTILINE,
            ),
        ),
        (
            ("ed by",),  # provided, supplied, distributed, produced, syndicated
            100,
            re.compile(
                rf"(?:{this}|^[ \t]*(?:Content|Story|Article|Copy)\s+)"
                r"(?:was\s+|is\s+|has\s+been\s+)?"
                r"(?:provided|supplied|distributed|produced|syndicated)\s+"
                rf"by\s+(?P<wire>{listed})",
                re.MULTILINE,
            ),
        ),
        (
            ("files from",),
            40,
            re.compile(rf"[Ww]ith\s+(?:additional\s+)?files\s+from\s+(?P<wire>{listed})"),
        ),
        (
            ("solely responsible",),
            60,
            # The Associated Press' footer: "... AP is solely responsible for all content."
            re.compile(rf"(?P<wire>{wire})\s+is\s+solely\s+responsible\s+for\s+all\s+content"),
        ),
        (
            ("input",),
            80,
            re.compile(
                rf"[Ww]ith\s+(?:additional\s+)?inputs?\s+from\s+(?P<wire>{listed})"
                rf"|[Ww]ith\s+(?P<before>{listed})\s+inputs?\b"
            ),
        ),
        (
            ("used in",),
            100,
            re.compile(
                r"(?:Material|Information|Reporting|Content)\s+from\s+"
                rf"(?P<wire>{listed})\s+(?:was|were)\s+used\s+in\s+(?:this|the)\b"
            ),
        ),
    )
    contributed = re.compile(
        r"contributed(?:\s+(?:(?:to\s+)?(?:this|the)\s+(?:report|story|article)|reporting|from\b)"
        r"|(?=\.))"
    )
    sentence_start = re.compile(rf"[\s_—–(-]*(?:Additional\s+reporting\s+by\s+)?{wire}")
    return _Patterns(
        tokens={**loud, **tokens},
        token=re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"),
        loud_token=re.compile(rf"(?<![\w-])(?:{loud_alternatives})(?![\w-])"),
        first_words=frozenset({t.split()[0] for t in (*tokens, *loud)} | {"The", "THE", "the"}),
        dateline=dateline,
        bare=bare,
        plain=plain,
        bracket_end=bracket_end,
        bracket_with=bracket_with,
        signoff=signoff,
        end_marker=end_marker,
        copyright=copyright,
        signatures=signatures,
        signature_wires=signature_wires,
        byline=byline,
        source_line=source_line,
        whole=whole,
        contributed=contributed,
        sentence_start=sentence_start,
    )


def _wires_in(patterns: _Patterns, named: str | None, loud: bool = False) -> list[str]:
    """Return the wires named in `named` (one credit token or a list of them), in order;
    `loud`: names in capitals count too."""
    if not named:
        return []
    found = (patterns.loud_token if loud else patterns.token).finditer(named)
    return [patterns.tokens[m.group()] for m in found]


@lru_cache(maxsize=1)
def _name_at_end() -> re.Pattern[str]:
    tokens = sorted((t for w in load_wires() for t in w.credits), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?P<wire>{'|'.join(map(re.escape, tokens))})\s+\Z")


def _name_before(text: str) -> str | None:
    match = _name_at_end().search(text)
    return match["wire"] if match else None


def wire_named(name: str) -> Wire | None:
    """Return the wire service whose canonical name is `name`, or None."""
    return next((wire for wire in load_wires() if wire.name == name), None)


def wire_of_outlet(source: str | None) -> str | None:
    """Return the canonical wire name when `source` is a wire service's outlet name, or a web
    address or host on one of its domains (``www.reuters.com``), else None."""
    if not source:
        return None
    named = _outlet_index().get(source.strip().casefold())
    if named:
        return named
    host = source_host(source)
    if host is None:
        return None
    return next((w.name for w in load_wires() if host_on(host, w.domains)), None)


class _Section:
    """A story of a text while credits are read: where it starts, where it ends (None while
    open), the wires credited for it, and how many characters of its own text it has."""

    __slots__ = ("body", "end", "start", "wires")

    def __init__(self, start: int, wires: list[str], body: int = 0) -> None:
        self.start = start
        self.end: int | None = None
        self.wires = wires
        self.body = body


def find_credits(text: str, separator: str | None = None) -> tuple[Credit, ...]:
    """Return the copy credits in `text`, each with the span of text it covers and its kind.

    A story credit covers its story. An opening credit (a dateline, "(Reuters) -", "Reuters
    has the story") runs to the next dateline; text before the first dateline takes the first
    story's credit. A closing credit ("... on Monday. (Reuters)", "— AFP", "(Reporting by ...;
    Editing by ...)", "Copyright 2024 The Associated Press") covers the story above it, from
    its dateline (or the end of the story before) to the credit's line; standing above a story
    (with less than HEADER_TEXT characters over it) it covers the story below instead. Article
    credits (bylines, "... contributed to this report", "This story was provided by ...")
    cover the whole text.
    """
    patterns = _credit_patterns()
    article = _running_text_credits(text, patterns)
    lines = [(s, e) for s, e in _line_spans(text, separator) if s < e and not text[s:e].isspace()]
    sections: list[_Section] = []
    loose = 0  # characters of text outside any story since the last story closed
    last = len(lines) - 1
    signatures = patterns.signatures
    for index, (start, end) in enumerate(lines):
        line = text[start:end].strip()
        # Cheap tests first: most lines can hold no credit at all.
        head = line[:100]
        opened, wires = (
            _opening(line, patterns)
            if "(" in head
            or "/" in head
            or "-" in head
            or "\u2013" in head
            or "\u2014" in head
            or "has the story" in head
            else (False, _NOTHING)
        )
        signed = signatures is not None and signatures.match(line) is not None
        closing, body = (
            _closing(line, index == last, signed, patterns)
            if ")" in line[-3:]
            or (len(line) < 80 and (index == last or line[0] in _DASHES))
            or line.startswith(_CLOSING_STARTS)
            or signed
            else (_NOTHING, 0)
        )
        if opened:
            if sections and sections[-1].end is None:
                sections[-1].end = start
            sections.append(_Section(start, wires + closing, len(line)))
            continue
        if closing:
            current = sections[-1] if sections and sections[-1].end is None else None
            if current is None:
                before = sections[-1] if sections else None
                if before is not None and loose == 0:
                    # Right below the lines that closed the story before: its credits too.
                    before.wires += closing
                    before.end = end
                    continue
                begin = before.end if before is not None and before.end is not None else 0
                current = _Section(begin, [], loose)
                sections.append(current)
            current.wires += closing
            current.body += body
            if current.body >= HEADER_TEXT:
                current.end, loose = end, 0
            continue
        credited = (
            _line_credits(line, patterns)
            if line.startswith(_LINE_CREDIT_STARTS) or "|" in head
            else _NOTHING
        )
        if (
            not credited
            and len(line) < 60
            and index < last
            and line.split(None, 1)[0] in patterns.first_words
        ):
            above = text[slice(*lines[index - 1])].strip() if index else ""
            below = text[slice(*lines[index + 1])].strip()
            credited = _provider(line, above, below, patterns)
        if credited:
            article += credited
        elif sections and sections[-1].end is None:
            sections[-1].body += len(line)
        else:
            loose += len(line)
    scoped: list[Credit] = []
    for index, section in enumerate(sections):
        # Text before the first story (a summary, a headline) belongs to the first credit;
        # a story with a dateline of its own never does.
        begin = 0 if index == 0 else section.start
        finish = len(text) if section.end is None else section.end
        scoped.extend(Credit(w, begin, finish) for w in dict.fromkeys(section.wires))
    whole = [Credit(w, 0, len(text), "article") for w in dict.fromkeys(article)]
    return tuple(dict.fromkeys(whole + scoped))


def _opening(line: str, patterns: _Patterns) -> tuple[bool, list[str]]:
    """Return whether `line` opens a story (a dateline, "Reuters has the story") and the wires
    it credits."""
    if not line:
        return False, []
    # A credit in a dateline stands in its first hundred characters, in brackets or slashes.
    head = line[:100]
    match = patterns.dateline.match(line) if "(" in head or "/" in head else None
    if match:
        place, dated, sep = match["place"], match["date"] or match["date_only"], match["sep"]
        # Without a date, a place in title case is a dateline only when a separator follows
        # the credit and the story starts after it: "Andhra Pradesh (AP) chief minister ..."
        # and "Andhra Pradesh (AP) - the state's ..." are sentences. Without a separator, only
        # a dateline with a date ("New Delhi, Jul 15 (PTI) The ...") or a place in capitals
        # opens a story; a bracket with nothing before it needs a separator.
        if (
            sep and (not place or dated or place.isupper() or _story_starts(line, match.end()))
        ) or (place and (match["date"] or place.isupper())):
            return True, _wires_in(patterns, match["wire"] or match["slash"], True)
        if not place and not dated:
            return False, []
    match = patterns.bare.match(line) if "," in head and _has_dash(head) else None
    # "Damascus, SANA- President ...", "Tehran, IRNA – Iran's ...", but "Meanwhile, Reuters
    # — which first reported the deal — said ..." is a sentence.
    if match and (match["place"].isupper() or match["date"] or _story_starts(line, match.end())):
        return True, _wires_in(patterns, match["wire"], True)
    match = patterns.plain.match(line)
    if match:
        return True, _wires_in(patterns, match["story"])
    return False, []


_NOTHING: list[str] = []
_DASHES = "-–—―="
_LINE_CREDIT_STARTS = ("By ", "BY ", "Source", "SOURCE", "source")
_CLOSING_STARTS = (
    "(END)",
    "Copyright",
    "COPYRIGHT",
    "©",
    "(c)",
    "(C)",
    "ALL RIGHTS RESERVED",
    "All rights reserved",
    "All Rights Reserved",
)
_YEAR = re.compile(r"\d{4}")
# A line that is only a time stamp: "Updated: ...", "July 15, 2024 · 3 min read", "2024-07-15
# 10:22", "3 hours ago".
_STAMP_LINE = re.compile(
    r"(?:(?:Last[ \t]+)?(?:Updated|Published|Posted)\b.*"
    rf"|(?:(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day),?[ \t]+)?"
    rf"(?:{_MONTH}\.?[ \t]+\d{{1,2}},?[ \t]+\d{{4}}|\d{{1,2}}[ \t]+{_MONTH}\.?,?[ \t]+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})(?:[ \tT,]+(?:at[ \t]+)?\d{1,2}[:.]\d{2}.*|[ \t]*[·•|–—-].*)?"
    r"|\d+[ \t]+(?:min|mins|minutes?|hours?|hrs?|days?)[ \t]+(?:ago|read)\b.*)$"
)


def _story_starts(line: str, end: int) -> bool:
    """True when what follows a dateline ending at `end` starts like a story (not in lower case)."""
    rest = line[end:].lstrip()
    return not rest or not rest[0].islower()


def _has_dash(text: str) -> bool:
    return "-" in text or "–" in text or "—" in text


def _closing(line: str, last: bool, signed: bool, patterns: _Patterns) -> tuple[list[str], int]:
    """Return the wires credited by `line` as a credit closing its story, with how many
    characters of story text the line holds besides (0 for a credit alone on its line).
    `last`: the line is the text's last; `signed`: it matches a wire's signature."""
    if ")" in line[-3:]:
        match = patterns.bracket_end.search(line)
        if match:
            return _wires_in(patterns, match["wire"]), len(line[: match.start()].strip())
        match = patterns.bracket_with.search(line) if "ith" in line else None
        if match:
            return _wires_in(patterns, match["wire"], True), len(line[: match.start()].strip())
    # A wire's name alone on a line is a photo credit too; as the text's last line it signs
    # the story off (as papers print agency copy: "... the ministry said.\nReuters").
    if len(line) < 80 and (last or line[0] in _DASHES):
        match = patterns.signoff.match(line)
        if match and match["dash"]:
            return _wires_in(patterns, match["wire"], True), 0
        if match and last:
            return _lone_names(patterns, match["wire"]), 0
    if line.startswith("(END)"):
        match = patterns.end_marker.match(line)
        if match:
            return _wires_in(patterns, match["wire"]), 0
    if line.startswith(_CLOSING_STARTS) and len(line) < 400:
        match = patterns.copyright.match(line)
        # "© AFP" alone is a photo credit too, but not with a year, "All rights reserved" or
        # as the text's last line.
        if match and (last or _YEAR.search(line) or "rights reserved" in line.casefold()):
            return _wires_in(patterns, match["wire"], True), 0
    if signed and patterns.signatures is not None:
        match = patterns.signatures.match(line)
        if match and match.lastgroup:
            return [patterns.signature_wires[match.lastgroup]], 0
    return [], 0


def _lone_names(patterns: _Patterns, named: str) -> list[str]:
    """Return the wires of a line of wire names alone, when none is in capitals ("REUTERS"
    alone is a photo credit)."""
    strict = _wires_in(patterns, named)
    return strict if len(strict) == len(_wires_in(patterns, named, True)) else []


def _provider(line: str, above: str, below: str, patterns: _Patterns) -> list[str]:
    """Return the wires of `line` when it names only wires and is a provider line: under a
    byline ("By Jane Doe" / "Reuters") or over a time stamp ("Reuters" / "July 15, 2024 · 3
    min read"), as aggregators print them."""
    if not (above.startswith(("By ", "BY ")) and len(above) < 100) and not (
        len(below) < 80 and _STAMP_LINE.match(below)
    ):
        return []
    match = patterns.signoff.match(line)
    return _lone_names(patterns, match["wire"]) if match and not match["dash"] else []


def _line_credits(line: str, patterns: _Patterns) -> list[str]:
    """Return the wires that `line`, a byline or a source line, credits for the whole text."""
    if line.startswith(("By ", "BY ")) and len(line) < 200:
        match = patterns.byline.match(line)
        if match:
            # The last name up to the credit, read whole: "By Jane Doe, Australian
            # Associated Press" credits AAP, not the Associated Press its name ends with.
            return _wires_in(patterns, line[: match.end("wire")], True)[-1:]
    if (line[:6].casefold() == "source" or "|" in line) and len(line) < 200:
        match = patterns.source_line.match(line)
        if match:
            return _wires_in(patterns, match["wire"] or match["stamped"], True)
    return []


def _running_text_credits(text: str, patterns: _Patterns) -> list[str]:
    """Return the wires credited for the whole text in its running text ("Reuters contributed
    to this report", "This story was provided by AFP", "With inputs from PTI")."""
    found: dict[int, list[str]] = {}  # by where the credit starts, in text order
    for keywords, back, pattern in patterns.whole:
        for keyword in keywords:
            at = text.find(keyword)
            while at >= 0:
                window_end = min(len(text), at + len(keyword) + 200)
                for m in pattern.finditer(text, max(0, at - back), window_end):
                    if m.start() <= at + len(keyword):
                        wires = _wires_in(patterns, next(filter(None, m.groups()), None))
                        found.setdefault(m.start(), wires)
                at = text.find(keyword, at + 1)
    credited = [w for _, wires in sorted(found.items()) for w in wires]
    if "contributed" in text:
        for m in patterns.contributed.finditer(text):
            # The sentence that ends in "contributed to this report": credited wires open it
            # ("Associated Press writer Jane Doe and Reuters contributed ...") or stand right
            # before the verb ("..., and Reuters contributed ...").
            sentence = _sentence_before(text, m.start())
            if patterns.sentence_start.match(sentence):
                credited += _wires_in(patterns, sentence)
            else:
                before = _name_before(sentence)
                if before:
                    credited.append(patterns.tokens[before])
    return credited


def _sentence_before(text: str, end: int) -> str:
    """Return the sentence of `text` that runs up to `end` (at most 300 characters)."""
    window = text[max(0, end - 300) : end]
    cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("? "), window.rfind("! "))
    return window[cut + 1 :]


def _line_spans(text: str, separator: str | None) -> list[tuple[int, int]]:
    """Return the spans of the lines of each paragraph (credits and datelines stand on lines)."""
    spans = []
    for start, end in paragraph_spans(text, separator):
        position = start
        for line in text[start:end].split("\n"):
            spans.append((position, position + len(line)))
            position += len(line) + 1
    return spans


def names_source(text: str, name: str) -> bool:
    """Return True when `text` mentions `name` (a wire by any of its names, or an outlet)."""
    for token, pattern in _name_patterns(name):
        # A plain search for the name first: the pattern (word boundaries) runs only on a
        # hit, and from it on (its look-behind still sees the character before). `regex`
        # finds a literal, in any case, several times faster than `re` does.
        if isinstance(token, str):
            start = text.find(token)
        else:
            hit = token.search(text)
            start = hit.start() if hit else -1
        if start >= 0 and pattern.search(text, start):
            return True
    return False


@lru_cache(maxsize=256)
def _name_patterns(name: str) -> tuple[tuple[str | regex.Pattern[str], re.Pattern[str]], ...]:
    """Return (name test, pattern) pairs for the names of a wire, or for an outlet name: the
    test is a substring or a case-blind search, true wherever the pattern matches except
    where the pattern takes a Turkish dotted or dotless I for an i (as the casefolded
    substring test before it did)."""
    wire = wire_named(name)
    tokens = dict.fromkeys((*wire.credits, *wire.outlets) if wire else (name,))
    tests: list[tuple[str, bool, str | regex.Pattern[str], re.Pattern[str]]] = []
    for token in tokens:
        # Short all-caps names ("AP", "PA") only count in capitals: "ap" is in "map".
        exact = wire is not None and token.isupper() and len(token) <= 5
        pattern = re.compile(rf"(?<!\w){re.escape(token)}(?!\w)", 0 if exact else re.IGNORECASE)
        found = token if exact else regex.compile(regex.escape(token), regex.IGNORECASE)
        tests.append((token, exact, found, pattern))
    # A name holding a shorter one as a word ("Thomson Reuters", "Reuters") is found only
    # where that one is (as exactly): its own tests would only search the text again.
    kept: list[tuple[str, bool, str | regex.Pattern[str], re.Pattern[str]]] = []
    for token, exact, found, pattern in sorted(tests, key=lambda test: len(test[0])):
        if not any((exact or not inner) and within.search(token) for _, inner, _, within in kept):
            kept.append((token, exact, found, pattern))
    return tuple((found, pattern) for _, _, found, pattern in kept)


def document_facts(
    id: str,
    text: str,
    source: str | None,
    published: str | None,
    separator: str | None = None,
    weak_date: bool = False,
) -> DocumentFacts:
    """Return the attribution facts of one document (`weak_date`: `published` is a crawl
    time)."""
    return DocumentFacts(
        id=id,
        source=source,
        published=parse_date(published),
        wire=wire_of_outlet(source),
        credits=find_credits(text, separator),
        aggregator=is_aggregator(source),
        weak_date=weak_date,
    )


def decide(carriers: Sequence[tuple[int, int, int]], facts: Facts) -> Attribution:
    """Return the original source of the text carried by `carriers` (Carriers, or plain
    (doc, start, end) tuples), by the first deciding rule."""
    docs = sorted({doc for doc, _, _ in carriers})
    by_outlet = wire_outlet(docs, facts)
    if by_outlet is not None:
        return by_outlet
    by_credit: dict[int, list[str]] = {}
    for doc, start, end in carriers:
        for credit in facts[doc].credits:
            middle = (start + end) // 2
            if credit.start <= middle < credit.end:
                by_credit.setdefault(doc, []).append(credit.wire)
    if by_credit:
        return _one_wire(by_credit, facts, "wire-credit")
    return _earliest(docs, facts)


def wire_outlet(docs: Sequence[int], facts: Facts) -> Attribution | None:
    """Return the attribution of a text carried by `docs` (in order) by its wires' own
    articles among them (rule ``wire-outlet``; undecided when several wires tie), or None
    when no wire's own article carries it. Only the documents whose outlet is a wire count,
    so `docs` may hold those alone."""
    by_wire_outlet = {d: [wire] for d in docs if (wire := facts[d].wire)}
    if not by_wire_outlet:
        return None
    return _one_wire(by_wire_outlet, facts, "wire-outlet")


# --- precedence: what decides one carrier's copy of a group's text (issue #15) -------------------

OWN_CREDIT = "own-credit"


def passage_credits(carrier: tuple[int, int, int], facts: Facts) -> list[str]:
    """Return the wires credited by the story credits of the carrier's own document that cover
    the carried text (its middle): the passage's own dateline, sign-off or copyright line."""
    doc, start, end = carrier
    middle = (start + end) // 2
    return [c.wire for c in facts[doc].credits if c.kind == "story" and c.start <= middle < c.end]


def article_credits(carrier: tuple[int, int, int], facts: Facts) -> list[str]:
    """Return the wires credited for the whole of the carrier's own document (a byline,
    "... contributed to this report", "This story was provided by ...").

    A story credit of another story of the same text (a roundup's other dateline, a sign-off
    closing the story above the carried text) is no credit of the carried text: it says that
    other story is the wire's, and `find_credits` scopes it so.
    """
    return [c.wire for c in facts[carrier[0]].credits if c.kind == "article"]


def _own(
    read: Callable[[tuple[int, int, int], Facts], list[str]],
) -> Callable[[tuple[int, int, int], Attribution, Facts], Attribution | None]:
    """Return a precedence level deciding by the carrier's own credits that `read` returns: one
    wire decides; several tie, and the group's answer settles the tie when it is one of them
    (else the carrier's copy is undecided: dedupe does not pick among wires it names)."""

    def level(
        carrier: tuple[int, int, int], group: Attribution, facts: Facts
    ) -> Attribution | None:
        wires = sorted(set(read(carrier, facts)))
        if not wires:
            return None
        if len(wires) == 1 or group.source in wires:
            winner = wires[0] if len(wires) == 1 else group.source
            return Attribution(winner, OWN_CREDIT, (carrier[0],))
        return UNDECIDED

    return level


def _group(rule: str) -> Callable[[tuple[int, int, int], Attribution, Facts], Attribution | None]:
    """Return a precedence level that gives the group's attribution when `rule` decided it."""

    def level(
        carrier: tuple[int, int, int], group: Attribution, facts: Facts
    ) -> Attribution | None:
        return group if group.rule == rule else None

    return level


class Level(NamedTuple):
    """A level of PRECEDENCE: its name, the rule it gives, and how it decides a carrier."""

    name: str
    rule: str
    decides: Callable[[tuple[int, int, int], Attribution, Facts], Attribution | None]


#: The precedence of the rules for one carrier's copy of a text (issue #15), first that decides
#: wins. `decide` settles a group (every document carrying the text) first; a level returns
#: the carrier's attribution, or None to pass on.
#:
#: 1. ``wire-outlet``: a wire's own article in the corpus carries the text. It comes first,
#:    even before the carrier's own credit of another wire: the words are verbatim in that
#:    wire's own copy, which is evidence about these very words, while a credit speaks for a
#:    whole story, and papers compile stories from several wires under one dateline ("(AP) --"
#:    with a Reuters paragraph folded in); credits are also read from text, with known misreads
#:    (a photo caption ending "(Reuters)."), while a wire's outlet is a name. A carrier that
#:    credits the same wire agrees with it.
#: 2. ``own-credit`` of the passage: a story credit of the carrier's own text covering the
#:    carried words (its dateline, "(Reuters) -", its sign-off, its copyright line).
#: 3. ``own-credit`` of the article: a credit of the carrier's whole text (a byline, "...
#:    contributed to this report").
#: 4. ``wire-credit``: inherited from the other carriers of the group, transitively (one of
#:    them credits a wire for it); "transitive-" when the carrier was not aligned with it.
#: 5. ``earliest-publication``: one outlet of the group published first by a clear margin.
#:
#: An article's own credit for the text it carries thus wins over a credit inherited from a
#: third article: an article with its own Reuters dateline stays Reuters' even when another
#: carrier credits AP.
PRECEDENCE: tuple[Level, ...] = (
    Level("wire's own article", "wire-outlet", _group("wire-outlet")),
    Level("the passage's own credit", OWN_CREDIT, _own(passage_credits)),
    Level("the article's own credit", OWN_CREDIT, _own(article_credits)),
    Level("a credit inherited from the group", "wire-credit", _group("wire-credit")),
    Level("earliest publication", "earliest-publication", _group("earliest-publication")),
)

#: The rules in order of precedence (lower wins where attributions meet on the same words).
RULE_ORDER: tuple[str, ...] = tuple(dict.fromkeys(level.rule for level in PRECEDENCE))


def decide_carrier(carrier: tuple[int, int, int], group: Attribution, facts: Facts) -> Attribution:
    """Return the attribution of one carrier's copy (doc, start, end) of a text whose group
    `decide` attributed as `group`: the first level of PRECEDENCE that decides, or undecided.
    """
    for level in PRECEDENCE:
        found = level.decides(carrier, group, facts)
        if found is not None:
            return found
    return UNDECIDED


def carriers_on_their_own(
    carriers: Sequence[tuple[int, int, int]], group: Attribution, facts: Facts
) -> list[tuple[int, Attribution]]:
    """Return (position, attribution) of the carriers whose own copy `decide_carrier`
    attributes otherwise than their group (`group`, from `decide`).

    Only a carrier's own credits can set it apart: the other levels give the group's answer.
    A carrier whose document credits no wire is not asked (a third of the carriers of a
    newsroom corpus).
    """
    key = (group.source, group.rule)
    found = []
    for position, carrier in enumerate(carriers):
        if facts[carrier[0]].credits:
            mine = decide_carrier(carrier, group, facts)
            if (mine.source, mine.rule) != key:
                found.append((position, mine))
    return found


def _one_wire(wires_by_doc: dict[int, list[str]], facts: Facts, rule: str) -> Attribution:
    names = sorted({w for wires in wires_by_doc.values() for w in wires})
    if len(names) == 1:
        return Attribution(names[0], rule, tuple(sorted(wires_by_doc)))
    # Several wires carry the text: the one that published it first, when that is known.
    dated = [(facts[d].published, d) for d in wires_by_doc]
    if any(moment is None for moment, _ in dated):
        return UNDECIDED
    first = min(moment for moment, _ in dated if moment is not None)
    firsts = {w for moment, d in dated if moment == first for w in wires_by_doc[d]}
    if len(firsts) != 1:
        return UNDECIDED
    winner = firsts.pop()
    deciders = tuple(sorted(d for moment, d in dated if moment == first))
    rivals = [d for _, d in dated if winner not in wires_by_doc[d]]
    if not _clear_lead(deciders, rivals, facts):
        return UNDECIDED
    return Attribution(winner, rule, deciders)


# How much earlier than every other outlet the first must be for "earliest publication" to
# decide, measured on news-clusters (benchmarks/README.md): copies of one wire story on sites
# that print local times without an offset land up to 5 hours before the wire's own original.
EARLIEST_MARGIN = timedelta(hours=6)
# Added when a date has no time of day (it reads as midnight): it is a day, not a moment.
DAY_MARGIN = timedelta(hours=24)
# Added when a date is a crawl time (`DocumentFacts.weak_date`): a copy may be fetched hours or
# days after it was published.
WEAK_DATE_MARGIN = timedelta(hours=48)


def date_margin(a: DocumentFacts, b: DocumentFacts) -> timedelta:
    """Return how far apart the dates of `a` and `b` must be for the earlier to count as
    published first: EARLIEST_MARGIN, plus DAY_MARGIN when either date has no time of day,
    plus WEAK_DATE_MARGIN when either is a crawl time."""
    return _margin(_is_day(a.published) or _is_day(b.published), a.weak_date or b.weak_date)


def _margin(day: bool, weak: bool) -> timedelta:
    return (
        EARLIEST_MARGIN
        + (DAY_MARGIN if day else timedelta())
        + (WEAK_DATE_MARGIN if weak else timedelta())
    )


def _is_day(moment: datetime | None) -> bool:
    """True for a date without a time of day: it reads as midnight."""
    return moment is not None and moment.time() == time()


def _clear_lead(leaders: Sequence[int], rivals: Sequence[int], facts: Facts) -> bool:
    """Return True when every rival is dated at least the margin after the leaders (who share
    the earliest date)."""
    first = facts[leaders[0]].published
    if first is None:
        return False
    weak = any(facts[d].weak_date for d in leaders)
    for rival in rivals:
        later = facts[rival].published
        if later is None:
            return False
        margin = _margin(_is_day(first) or _is_day(later), weak or facts[rival].weak_date)
        if later - first < margin:
            return False
    return True


def _earliest(docs: Sequence[int], facts: Facts) -> Attribution:
    # Aggregators republish other outlets' articles: they never win against one that is not.
    pool = [d for d in docs if not facts[d].aggregator] or list(docs)
    moments = [facts[d].published for d in pool]
    if not pool or any(moment is None for moment in moments):
        return UNDECIDED
    first = min(m for m in moments if m is not None)
    firsts = [d for d in pool if facts[d].published == first]
    names = {facts[d].source or facts[d].id for d in firsts}
    if len(names) != 1:
        return UNDECIDED
    name = names.pop()
    rivals = [d for d in pool if (facts[d].source or facts[d].id) != name]
    if not _clear_lead(firsts, rivals, facts):
        return UNDECIDED
    return Attribution(name, "earliest-publication", tuple(firsts))
