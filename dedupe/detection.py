"""What an input holds, found from its first records: which fields hold an article's id, text,
outlet and date, whether that date is a crawl time, and how paragraphs are separated.

A field the caller names is used as named (and is an error if no record has it); a field not
named is looked for among the usual names, in this order, the first present winning (names
compared without case, spaces, dashes or underscores: `datePublished` is `date_published`):

- id: id, url, guid, link (none: ids are made from the file name and line);
- text: text, body, content, article, maintext;
- source (the outlet): outlet, source, publisher, site, domain, else the host of a url, link,
  canonical_url or article_url field;
- date: published, date, publish_date, pubdate, datePublished, timestamp, then fields named
  as crawl times (scrape_time, scraped_at, crawled, crawl_date, fetched, date_retrieved,
  downloaded, ...). A date from a crawl-time field, named or found, is marked as such: it
  says when a copy was fetched, not when it was published (`Document.crawled`).

Paragraph breaks are sniffed from the first texts of each input (`sniff_paragraphs`): a
marker (``###``, ``¶``, ``<p>``, `` | ``) that most texts repeat more often than they break
lines, else blank lines or newlines. Everything here is deterministic: the same records give
the same choice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ID_NAMES = ("id", "url", "guid", "link")
TEXT_NAMES = ("text", "body", "content", "article", "maintext")
SOURCE_NAMES = ("outlet", "source", "publisher", "site", "domain")
URL_NAMES = ("url", "link", "canonical_url", "article_url")
DATE_NAMES = ("published", "date", "publish_date", "pubdate", "datePublished", "timestamp")
# A crawl time: a verb of fetching, maybe in a past or -ing form, maybe with a date word
# before or after it ("scrape_time", "crawled_at", "date_retrieved", "fetch_ts").
_CRAWL_NAME = re.compile(
    r"(?:date|time)?(?:scrap|crawl|fetch|retriev|download|harvest|collect|ingest|access)"
    r"(?:e|ed|ing)?(?:at|on|time|date|datetime|timestamp|ts)?"
)
MARKERS = ("###", "¶", "<p>", " | ")
"""Paragraph markers looked for, in order of preference when texts hold several."""
BLANK_LINES = "blank lines"
NEWLINES = "newlines"
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
SAMPLE_RECORDS = 100
"""How many leading records (or texts) of an input detection looks at."""
SAMPLE_BYTES = 4 << 20
"""The most bytes of leading records detection holds, whatever their number."""
SAMPLE_CHARACTERS = 20_000
"""The most characters of a sampled text looked at for its paragraph breaks."""


def squashed(name: str) -> str:
    """Return a field name as names are compared: lower case, without spaces, "-" or "_"."""
    return re.sub(r"[\s_-]+", "", name).casefold()


def is_crawl_time(name: str) -> bool:
    """Return whether a field name says its date is a crawl time (scrape_time, fetched, ...)."""
    return _CRAWL_NAME.fullmatch(squashed(name)) is not None


@dataclass(frozen=True, slots=True)
class FieldNames:
    """The record fields the caller names for the id, the text, the outlet and the date;
    None: found from the records (see the module docstring).

    For `source` and `published` the first listed field that is present (and, for the
    source, a non-empty string) wins, record by record.
    """

    id: str | None = None
    text: str | None = None
    source: tuple[str, ...] | None = None
    published: tuple[str, ...] | None = None

    def named(self) -> list[tuple[str, str]]:
        """Return (kind, field name) of every field named, kind as the option says it
        ("id", "text", "source", "date")."""
        found = [("id", self.id), ("text", self.text)]
        found += [("source", name) for name in self.source or ()]
        found += [("date", name) for name in self.published or ()]
        return [(kind, name) for kind, name in found if name is not None]


def field_names(
    id_field: str | None = None,
    text_field: str | None = None,
    source_fields: str | Sequence[str] | None = None,
    date_fields: str | Sequence[str] | None = None,
) -> FieldNames:
    """Return the FieldNames of the fields named as the command names them (a single name
    for a source or date field is one field; an empty list names none: found). Raise
    TypeError for a name that is not a string."""
    return FieldNames(
        id=_name(id_field, "id_field"),
        text=_name(text_field, "text_field"),
        source=_names(source_fields, "source_fields"),
        published=_names(date_fields, "date_fields"),
    )


def _name(value: object, option: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise TypeError(f"{option} must be a field name (str), not {type(value).__name__}")


def _names(value: str | Sequence[str] | None, option: str) -> tuple[str, ...] | None:
    if value is None or isinstance(value, str):
        return (value,) if value else None
    names = tuple(value)
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"{option} must be field names (str), not {name!r}")
    return names or None


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields one input is read with: named by the caller or found.

    `id` None: ids are made from the file name and line. `source_url`: a field whose web
    address gives the outlet (its host) when no `source` field has one. `crawled`: those of
    `published` that are crawl times. `found`: the kinds ("id", "text", "source", "date")
    that were found rather than named.
    """

    id: str | None
    text: str
    source: tuple[str, ...] = ()
    source_url: str | None = None
    published: tuple[str, ...] = ()
    crawled: frozenset[str] = frozenset()
    found: frozenset[str] = frozenset()

    def names(self) -> tuple[str, ...]:
        """Return the names of the fields a record is read from."""
        named = (self.id, self.text, *self.source, self.source_url, *self.published)
        return tuple(name for name in named if name is not None)

    def describe(self) -> str:
        """Return the fields as the one-line note says them: "id=id text=text
        source=publisher date=scrape_time (crawl time)"."""
        source = ",".join(self.source)
        if self.source_url:
            host = f"host of {self.source_url}"
            source = f"{source} (else {host})" if source else host
        dates = ",".join(
            name + (" (crawl time)" if name in self.crawled else "") for name in self.published
        )
        return (
            f"id={self.id or '(file:line)'} text={self.text} source={source or '(none)'}"
            f" date={dates or '(none)'}"
        )


def resolve_fields(names: FieldNames, keys: Sequence[str]) -> Fields:
    """Return the fields to read records with, given the field `keys` records have (a CSV
    header, or the keys of the first JSON objects in order of appearance): those named in
    `names`, the others found among `keys` (see the module docstring)."""
    found: set[str] = set()
    text = names.text
    if text is None:
        # None present: records are read for "text" all the same, and reported missing it.
        text = _first(TEXT_NAMES, keys) or TEXT_NAMES[0]
        found.add("text")
    doc_id = names.id
    if doc_id is None:
        doc_id = _first(ID_NAMES, keys)
        found.add("id")
    source_url = None
    if names.source is None:
        source = _present(SOURCE_NAMES, keys)
        if not source:
            source_url = _first(URL_NAMES, keys)
        found.add("source")
    else:
        source = names.source
    if names.published is None:
        published = _present(DATE_NAMES, keys) + tuple(
            key for key in keys if is_crawl_time(key) and key not in (text, doc_id)
        )
        found.add("date")
    else:
        published = names.published
    return Fields(
        id=doc_id,
        text=text,
        source=source,
        source_url=source_url,
        published=published,
        crawled=frozenset(name for name in published if is_crawl_time(name)),
        found=frozenset(found),
    )


def _first(candidates: Sequence[str], keys: Sequence[str]) -> str | None:
    present = _present(candidates, keys)
    return present[0] if present else None


def _present(candidates: Sequence[str], keys: Sequence[str]) -> tuple[str, ...]:
    """Return the keys that are candidates, in the candidates' order: an exact match before
    one that differs in case or separators, the first in `keys` among equals."""
    by_squashed: dict[str, list[str]] = {}
    for key in keys:
        by_squashed.setdefault(squashed(key), []).append(key)
    chosen: list[str] = []
    for candidate in candidates:
        matches = by_squashed.get(squashed(candidate), [])
        exact = [key for key in matches if key == candidate]
        pick = (exact or matches)[:1]
        chosen += [key for key in pick if key not in chosen]
    return tuple(chosen)


def sample_keys(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return the keys of `records` in order of first appearance."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return list(keys)


# --- paragraph breaks ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """How texts separate paragraphs: `marker` (None: blank lines, else newlines, the default
    split), `kind` saying how ("'###'", "blank lines", "newlines"), and, when sniffed, how many
    sampled texts break that way of how many (`given`: named by the caller, not sniffed)."""

    marker: str | None
    kind: str
    texts: int = 0
    sampled: int = 0
    given: bool = False

    def describe(self) -> str:
        """Return "paragraphs split at '###'" and the like."""
        return f"paragraphs split at {self.kind}"


def given_paragraphs(separator: str | None) -> Paragraphs:
    """Return the paragraph breaks of a separator the caller gave (None or "": the default
    split)."""
    if separator:
        return Paragraphs(separator, repr(separator), given=True)
    return Paragraphs(None, f"{BLANK_LINES}, else {NEWLINES}", given=True)


def text_breaks(text: str) -> str | None:
    """Return how one text breaks paragraphs: a marker of MARKERS it repeats (twice or more,
    and at least as often as it breaks lines, or on lines of its own), BLANK_LINES, NEWLINES,
    or None (one line)."""
    text = text[:SAMPLE_CHARACTERS]
    lines = text.count("\n")
    best: tuple[int, str] | None = None
    for marker in MARKERS:
        count = text.count(marker)
        if count < 2 or (best is not None and count <= best[0]):
            continue
        # A marker on lines of its own separates paragraphs of several lines.
        alone = sum(1 for line in text.splitlines() if line.strip() == marker.strip())
        if count >= lines or alone >= 2:
            best = (count, marker)
    if best is not None:
        return best[1]
    if _BLANK_LINE.search(text):
        return BLANK_LINES
    return NEWLINES if lines else None


def sniff_paragraphs(texts: Iterable[str]) -> Paragraphs:
    """Return how most of `texts` separate paragraphs (texts of one line do not vote); ties
    go to a marker over line breaks, then to the earlier in MARKERS."""
    kinds = [text_breaks(text) for text in texts]
    votes = Counter(kind for kind in kinds if kind is not None)
    if not votes:
        return Paragraphs(None, BLANK_LINES, 0, len(kinds))
    order = [*MARKERS, BLANK_LINES, NEWLINES]
    kind, count = max(votes.items(), key=lambda item: (item[1], -order.index(item[0])))
    if kind in MARKERS:
        return Paragraphs(kind, repr(kind), count, len(kinds))
    return Paragraphs(None, kind, count, len(kinds))


# --- what was read, input by input ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detection:
    """How one input was read: its path, format ("jsonl", "csv", "tsv", "text": text files,
    all those of one input together; "documents": Document objects), fields (None for text
    files and Documents), paragraph breaks, and counts of its documents, of those with an
    outlet, with a date, and with a crawl time for date."""

    path: str
    format: str
    fields: Fields | None
    paragraphs: Paragraphs
    documents: int = 0
    with_source: int = 0
    with_date: int = 0
    with_crawl_time: int = 0

    def describe(self) -> str:
        """Return what the input was read with, as the one-line note says it (without its
        path and the paragraph breaks)."""
        if self.fields is not None:
            return self.fields.describe()
        if self.format == "text":
            return "id=(file name) text=(whole file) source=(none) date=(none)"
        return "fields of the Document objects"

    def attribution_gap(self) -> str | None:
        """Return what this input's documents lack for attribution and what it means ("no
        date on any document: ..."), or None when they lack nothing."""
        if not self.documents or (self.with_source and self.with_date):
            return None
        if not self.with_source and not self.with_date:
            missing = "no outlet and no date"
            rests = "original sources rest on wire credits in the texts alone"
        elif not self.with_date:
            missing = "no date"
            rests = "original sources rest on wires alone, never on who published first"
        else:
            missing = "no outlet"
            rests = "wire articles are known by their credits alone"
        return f"{missing} on any document: {rests}"

    def to_dict(self) -> dict[str, Any]:
        """Return the detection as JSON-ready data (the report's `parameters.inputs`)."""
        fields = self.fields
        return {
            "path": self.path,
            "format": self.format,
            "id_field": fields.id if fields else None,
            "text_field": fields.text if fields else None,
            "source_fields": list(fields.source) if fields else [],
            "source_url_field": fields.source_url if fields else None,
            "date_fields": list(fields.published) if fields else [],
            "crawl_time_fields": sorted(fields.crawled) if fields else [],
            "found": sorted(fields.found) if fields else [],
            "paragraphs": self.paragraphs.kind,
            "documents": self.documents,
            "with_source": self.with_source,
            "with_date": self.with_date,
            "with_crawl_time": self.with_crawl_time,
        }


def chosen_paragraphs(inputs: Sequence[Detection]) -> Paragraphs:
    """Return the paragraph breaks to split every text at (a scan splits all its texts one
    way): the marker most sampled texts of all inputs show, or the default split (blank lines,
    else newlines, text by text) when most show line breaks. Ties go as in `sniff_paragraphs`."""
    votes: Counter[str | None] = Counter()
    kinds: set[str] = set()
    sampled = 0
    for item in inputs:
        votes[item.paragraphs.marker] += item.paragraphs.texts
        sampled += item.paragraphs.sampled
        if item.paragraphs.marker is None and item.paragraphs.texts:
            kinds.add(item.paragraphs.kind)
    order: list[str | None] = [*MARKERS, None]
    marker, count = max(votes.items(), key=lambda i: (i[1], -order.index(i[0])), default=(None, 0))
    if marker is not None:
        return Paragraphs(marker, repr(marker), count, sampled)
    kind = kinds.pop() if len(kinds) == 1 else f"{BLANK_LINES}, else {NEWLINES}"
    return Paragraphs(None, kind, count, sampled)


_SHOWN_PATHS = 3
_SHOWN_GROUPS = 5


def detection_lines(inputs: Sequence[Detection], paragraphs: Paragraphs) -> list[str]:
    """Return the lines that tell how `inputs` were read, `paragraphs` being the breaks
    every text was split at: one line per group of inputs read alike, and one more when
    the inputs' sniffed markers differ."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in inputs:
        # The default split goes text by text: each input says how its own texts broke.
        breaks = paragraphs if paragraphs.marker else item.paragraphs
        described = f"{item.describe()}, {breaks.describe()}"
        groups.setdefault((item.format, described), []).append(item.path)
    sniffed = [item for item in inputs if item.paragraphs.texts]
    differ = not paragraphs.given and len({item.paragraphs.marker for item in sniffed}) > 1
    lines = [
        f"read {_paths(paths)} ({form}): {described}"
        for (form, described), paths in list(groups.items())[:_SHOWN_GROUPS]
    ]
    if len(groups) > _SHOWN_GROUPS:
        lines.append(f"... and {len(groups) - _SHOWN_GROUPS} more kinds of input")
    if differ:
        found = ", ".join(f"{item.paragraphs.kind} in {item.path}" for item in sniffed)
        lines.append(
            f"inputs differ in paragraph breaks ({found}): all {paragraphs.describe()};"
            " --paragraph-separator chooses"
        )
    return lines


def warning_lines(inputs: Sequence[Detection]) -> list[str]:
    """Return the warnings about attribution of `inputs` (`Detection.attribution_gap`): one
    line per kind of gap, naming the inputs it holds for (a folder of 500 text files is
    warned about once, not 500 times)."""
    groups: dict[str, list[str]] = {}
    for item in inputs:
        gap = item.attribution_gap()
        if gap:
            groups.setdefault(gap, []).append(item.path)
    return [f"{_paths(paths)}: {gap}" for gap, paths in groups.items()]


def redecoded_lines(redecoded: Sequence[tuple[str, str]]) -> list[str]:
    """Return the notes on inputs that were not UTF-8 ((path, encoding read as) pairs): one
    line per encoding, naming the inputs."""
    groups: dict[str, list[str]] = {}
    for path, encoding in redecoded:
        groups.setdefault(encoding, []).append(path)
    return [f"{_paths(paths)}: not UTF-8, read as {encoding}" for encoding, paths in groups.items()]


def _paths(paths: Sequence[str]) -> str:
    if len(paths) <= _SHOWN_PATHS:
        return ", ".join(paths)
    return f"{len(paths):,} inputs ({', '.join(paths[:2])}, ...)"
