"""Attribution: which original source a shared text came from, and by which rule.

Documents that carry the same text form a group (`dedupe.families` builds the groups from
the aligned passages), so attribution is transitive. In each group the first rule that
decides wins:

1. ``wire-outlet``: a document of the group is published by a wire service;
2. ``wire-credit``: a document of the group credits a wire for the copy around the passage
   (a wire dateline, "(Reuters)", "Reuters has the story", "By Reuters", "... contributed to
   this report"); photo credits ("AFP via Getty Images") are not copy credits;
3. ``earliest-publication``: every document of the group has a date, and one outlet published
   first.

A document's text decided by a document it was not aligned with gets the rule with a
``transitive-`` prefix. When no rule decides, or two wires tie, the answer is None: dedupe
does not guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import regex

from dedupe.documents import parse_date
from dedupe.parallel import pickled_by_fields
from dedupe.text import paragraph_spans


@dataclass(frozen=True, slots=True)
class Wire:
    """A wire service: its canonical name, outlet names, and how texts credit it."""

    name: str
    outlets: tuple[str, ...]
    credits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Credit:
    """A copy credit to `wire` covering the characters [start, end) of a document."""

    wire: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What attribution needs to know about one document."""

    id: str
    source: str | None
    published: datetime | None
    wire: str | None
    credits: tuple[Credit, ...]


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
    return tuple(Wire(w["name"], tuple(w["outlets"]), tuple(w["credits"])) for w in raw["wires"])


@lru_cache(maxsize=1)
def _outlet_index() -> dict[str, str]:
    return {outlet.casefold(): wire.name for wire in load_wires() for outlet in wire.outlets}


@lru_cache(maxsize=1)
def _credit_patterns() -> tuple[
    re.Pattern[str],
    re.Pattern[str],
    re.Pattern[str],
    tuple[tuple[str, re.Pattern[str]], ...],
    re.Pattern[str],
    dict[str, str],
]:
    tokens = {token: wire.name for wire in load_wires() for token in wire.credits}
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))

    def name(group: str) -> str:
        return rf"(?:The\s+)?(?P<{group}>{alternatives})"

    # A paragraph that opens a new story: a dateline ("BAGHDAD, Jan 5 (Reuters) -",
    # "PARIS (AFP) -", "BAGHDAD -") or a "Reuters has the story" line.
    date = r"[A-Z][a-z]{2,9}\.?\s+\d{1,2}"
    region = r"[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)?"
    section = re.compile(
        rf"\s*(?:[A-Z][A-Z.'’ -]{{1,40}}[A-Z.](?:,\s*(?:{date}|{region}(?:,\s*{date})?))?\s*"
        rf"(?:\((?P<dateline>{alternatives})\))?\s*[-–—](?:\s|\Z)"
        rf"|{name('story')}\s+has\s+the\s+story)"
    )
    # "(Reuters) - ..." opening a line; a bracket after a place name ("Harrisburg (PA)",
    # "Andhra Pradesh (AP)") is an abbreviation, not a credit.
    inline = re.compile(rf"\s*\((?P<inline>{alternatives})\)\s*(?:[-–—:]|\Z)")
    # "... More details followed. (Reuters)": a credit closing its story.
    closing = re.compile(rf"\((?P<closing>{alternatives})\)\s*\Z")
    # Credits for the whole text. Each pattern starts with its keyword, not with the long
    # alternation of wire names, so the regex engine can skip ahead to the keyword; each
    # comes with a plain string it cannot match without, so most texts skip the regex.
    whole = (
        ("By", re.compile(rf"(?m)^[ \t]*By[ \t]+{name('wire')}\b")),
        ("eporting", re.compile(rf"[Rr]eporting\s+by\s+{name('wire')}\b")),
        (
            "originally",
            re.compile(rf"originally\s+(?:published|appeared)\s+(?:by|on|in)\s+{name('wire')}\b"),
        ),
        ("first", re.compile(rf"first\s+(?:published|appeared)\s+(?:by|on|in)\s+{name('wire')}\b")),
        ("Source:", re.compile(rf"(?m)^[ \t]*Source:[ \t]*{name('wire')}[ \t]*$")),
    )
    # "Reuters contributed to this report": the keyword is found first, the name before it.
    contributed = re.compile(r"contributed\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article)")
    return section, inline, closing, whole, contributed, tokens


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
    """Return the canonical wire name when `source` is a wire service's outlet name, else None."""
    if not source:
        return None
    return _outlet_index().get(source.strip().casefold())


def find_credits(text: str, separator: str | None = None) -> tuple[Credit, ...]:
    """Return the copy credits in `text`, each with the span of text it covers.

    A dateline or "has the story" credit covers its story: up to the next dateline; text
    before the first dateline takes the first story's credit. Bylines and "contributed to this
    report" lines cover the whole text.
    """
    section_re, inline_re, closing_re, whole_res, contributed_re, tokens = _credit_patterns()
    whole = [
        Credit(tokens[m["wire"]], 0, len(text))
        for keyword, pattern in whole_res
        if keyword in text
        for m in pattern.finditer(text)
    ]
    for m in contributed_re.finditer(text):
        before = _name_before(text[max(0, m.start() - 60) : m.start()])
        if before:
            whole.append(Credit(tokens[before], 0, len(text)))
    sections: list[tuple[int, list[str]]] = []
    for start, end in _line_spans(text, separator):
        opening = section_re.match(text, start, end)
        # Inline and closing credits are in brackets: most lines have none.
        bracket = text.find("(", start, end) >= 0
        inline = inline_re.match(text, start, end) if bracket else None
        named = [
            *(opening.group("dateline", "story") if opening else ()),
            inline["inline"] if inline else None,
        ]
        wires = [tokens[name] for name in named if name]
        if opening or wires:
            sections.append((start, wires))
        closing = closing_re.search(text, start, end) if bracket else None
        if closing and not inline:
            if not sections:
                sections.append((0, []))
            sections[-1][1].append(tokens[closing["closing"]])
    scoped: list[Credit] = []
    bounds = [s for s, _ in sections] + [len(text)]
    for index, (start, wires) in enumerate(sections):
        # Text before the first story (a summary, a headline) belongs to the first credit;
        # a story with a dateline of its own never does.
        begin = 0 if index == 0 else start
        scoped.extend(Credit(w, begin, bounds[index + 1]) for w in dict.fromkeys(wires))
    return tuple(dict.fromkeys(whole + scoped))


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
        # hit. `regex` finds a literal, in any case, several times faster than `re` does.
        found = token in text if isinstance(token, str) else token.search(text)
        if found and pattern.search(text):
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
    tests: list[tuple[str | regex.Pattern[str], re.Pattern[str]]] = []
    for token in tokens:
        # Short all-caps names ("AP", "PA") only count in capitals: "ap" is in "map".
        exact = wire is not None and token.isupper() and len(token) <= 5
        pattern = re.compile(rf"(?<!\w){re.escape(token)}(?!\w)", 0 if exact else re.IGNORECASE)
        found = token if exact else regex.compile(regex.escape(token), regex.IGNORECASE)
        tests.append((found, pattern))
    return tuple(tests)


def document_facts(
    id: str, text: str, source: str | None, published: str | None, separator: str | None = None
) -> DocumentFacts:
    """Return the attribution facts of one document."""
    return DocumentFacts(
        id=id,
        source=source,
        published=parse_date(published),
        wire=wire_of_outlet(source),
        credits=find_credits(text, separator),
    )


def decide(carriers: Sequence[tuple[int, int, int]], facts: Facts) -> Attribution:
    """Return the original source of the text carried by `carriers` (Carriers, or plain
    (doc, start, end) tuples), by the first deciding rule."""
    docs = sorted({doc for doc, _, _ in carriers})
    by_wire_outlet = {d: [wire] for d in docs if (wire := facts[d].wire)}
    if by_wire_outlet:
        return _one_wire(by_wire_outlet, facts, "wire-outlet")
    by_credit: dict[int, list[str]] = {}
    for doc, start, end in carriers:
        for credit in facts[doc].credits:
            middle = (start + end) // 2
            if credit.start <= middle < credit.end:
                by_credit.setdefault(doc, []).append(credit.wire)
    if by_credit:
        return _one_wire(by_credit, facts, "wire-credit")
    return _earliest(docs, facts)


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
    deciders = tuple(sorted(d for moment, d in dated if moment == first))
    return Attribution(firsts.pop(), rule, deciders)


def _earliest(docs: Sequence[int], facts: Facts) -> Attribution:
    moments = [facts[d].published for d in docs]
    if not docs or any(moment is None for moment in moments):
        return UNDECIDED
    first = min(m for m in moments if m is not None)
    firsts = [d for d in docs if facts[d].published == first]
    names = {facts[d].source or facts[d].id for d in firsts}
    if len(names) != 1:
        return UNDECIDED
    return Attribution(names.pop(), "earliest-publication", tuple(firsts))
