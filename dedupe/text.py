"""Text normalisation and shingling: paragraphs, words with their offsets, quotes, n-gram hashes.

Normalisation is for matching only: every word keeps the character offsets of its original
spelling, so everything reported points back into the text exactly as read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, overload

import numpy as np
import regex

# A word: letters, digits and combining marks, joined across apostrophes, abbreviation dots
# and underscores ("U.S.", "Iraq's", "café" written with a combining accent).
WORD_CHARS = r"[\p{L}\p{N}\p{M}]"
WORD_RE = regex.compile(rf"{WORD_CHARS}+(?:['’._]{WORD_CHARS}+)*")
_JOINERS_RE = re.compile(r"['’._]")
# The signing fast path: typographic punctuation mapped to ASCII separators of the same
# role (the apostrophe stays a joiner, other quotes and dashes stay separators), so that most
# news text becomes ASCII and can be split with plain, fast regular expressions.
_TYPOGRAPHY = {
    "’": "'", "‘": '"', "“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "‹": '"', "›": '"',
    "—": "-", "–": "-", "‐": "-", "‑": "-", "…": " ", "\u00a0": " ", "\u2009": " ",
    "\u200b": " ", "•": " ", "·": " ",
}  # fmt: skip
_TYPOGRAPHY_RE = re.compile("|".join(_TYPOGRAPHY))
_ASCII_LETTER = np.zeros(256, dtype=bool)
_ASCII_LETTER[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)] = True
_ASCII_JOINER = np.zeros(256, dtype=bool)
_ASCII_JOINER[np.frombuffer(b"'._", dtype=np.uint8)] = True
_POLY = np.uint64(0x100000001B3)
_POLY_INVERSE = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_LENGTH_MIX = np.uint64(0x9E3779B97F4A7C15)
_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NEWLINE_RE = re.compile(r"\n\s*")

# Quotation marks. Straight double quotes toggle; the others open or close.
_OPENERS = "“«„‹"
_CLOSERS = "”»›"
_TOGGLES = '"'
_QUOTE_RE = re.compile(r"[“”«»„‹›\"]")

_UINT64 = np.uint64
_MIX1 = _UINT64(0xFF51AFD7ED558CCD)
_MIX2 = _UINT64(0xC4CEB9FE1A85EC53)
_GRAM_MULT = _UINT64(0x9E3779B97F4A7C15)


class Utf8Texts(Sequence[str]):
    """Texts held as their UTF-8 bytes back to back, each decoded only when asked for.

    Text k is `data[offsets[k]:offsets[k + 1]]`, encoded with "surrogatepass" (as a
    `DocumentStore` spools texts and `str.encode` writes lone surrogates). The compiled
    splitters read these bytes themselves, so texts read back from a store are not decoded
    into strings only to be encoded again (a sixth to a fifth of splitting them); Python decodes
    the few texts it reads words of (beyond ASCII, or broken at a line end), once each.
    """

    __slots__ = ("_decoded", "data", "offsets")

    def __init__(self, data: bytes, offsets: np.ndarray) -> None:
        self.data = data
        self.offsets = offsets
        self._decoded: dict[int, str] = {}

    @classmethod
    def of(cls, texts: Sequence[str]) -> Utf8Texts:
        """Return `texts` encoded (the same texts: `Utf8Texts.of(t)[k] == t[k]`)."""
        if isinstance(texts, Utf8Texts):
            return texts
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(data) for data in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        count = len(self)
        if not -count <= index < count:
            raise IndexError(f"text {index} of {count}")
        index %= count
        found = self._decoded.get(index)
        if found is None:
            lo, hi = int(self.offsets[index]), int(self.offsets[index + 1])
            found = self._decoded[index] = self.data[lo:hi].decode("utf-8", "surrogatepass")
        return found

    def __iter__(self) -> Iterator[str]:
        return (self[k] for k in range(len(self)))


@dataclass(frozen=True)
class Tokens:
    """The words of one document: hashes of their normalised forms and where each stands.

    `hashes` are stable 64-bit hashes of the normalised words (see `word_hashes`);
    `starts`/`ends` are character offsets into `text` (end exclusive); `paragraph` is each
    word's paragraph index; `quoted` is True for words inside quotation marks.
    """

    text: str
    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    @cached_property
    def quoted_prefix(self) -> list[int]:
        """Return how many quoted words precede each position (len(self) + 1 entries)."""
        return [0, *np.cumsum(self.quoted, dtype=np.int64).tolist()]

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Return the normalised words (computed on first use)."""
        text = self.text
        return tuple(
            word_form(text[s:e])
            for s, e in zip(self.starts.tolist(), self.ends.tolist(), strict=True)
        )


_EMPTY_TOKENS = Tokens(
    "", *(np.empty(0, dtype=t) for t in (np.uint64, np.int64, np.int64, np.int32, bool))
)


def normalize_word(word: str) -> str:
    """Return the matching form of one word: NFKC, case-folded, without apostrophes or dots."""
    folded = word.lower() if word.isascii() else unicodedata.normalize("NFKC", word).casefold()
    return _JOINERS_RE.sub("", folded) if not folded.isalnum() else folded


# A word broken at a line end: a hyphen right after a letter, then a line break (spaces
# around it allowed), or spaces alone where line breaks were flattened (`of- ficielles`);
# the word goes on with a lower-case letter.
_BREAK_RE = re.compile(r"[-\u00ad\u2010¬](?:[ \t]*\r?\n[ \t]*|[ \t]+)")
_BREAK_MARKS = ("-", "\u00ad", "\u2010", "¬")
# A hyphen and a space before one of these is a suspended compound ("pre- and post-war",
# "two- to three-day", "Ein- und Ausgang"), not a broken word.
_SUSPENDED = frozenset(
    ("and", "or", "nor", "to", "und", "oder", "bis", "et", "ou", "y", "o", "e", "ni", "och",
     "eller", "og", "en")
)  # fmt: skip
_SUSPENDED_RE = regex.compile(r"\p{L}+")


def word_form(word: str) -> str:
    """Return the matching form of a word as read: `normalize_word` of it, any line break
    that hyphenates it taken out (`offi-\\ncielles` -> `officielles`)."""
    return normalize_word(_BREAK_RE.sub("", word) if "-" in word or "¬" in word else word)


def broken_words(text: str) -> list[tuple[int, int]]:
    """Return (hyphen, continuation) character positions of the words of `text` broken at a
    line end by a hyphen (`offi-` / `cielles`): the hyphen follows a letter, a line break
    or spaces follow it, and the word goes on in lower case. A hyphen followed by spaces and
    a conjunction (`pre- and post-war`) is a suspended compound, not a break."""
    # str.isascii is read from the string's header: ASCII text can only hold "-".
    if ("-" not in text) if text.isascii() else not any(mark in text for mark in _BREAK_MARKS):
        return []
    found: list[tuple[int, int]] = []
    for match in _BREAK_RE.finditer(text):
        hyphen, after = match.start(), match.end()
        if hyphen == 0 or after == len(text):
            continue
        if not (text[hyphen - 1].isalpha() and text[after].islower()):
            continue
        if "\n" not in match.group():
            word = _SUSPENDED_RE.match(text, after)
            if word is not None and word.group() in _SUSPENDED:
                continue
        found.append((hyphen, after))
    return found


def join_broken_words(
    texts: Sequence[str],
    owner: np.ndarray,
    hashes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    candidates: Iterable[int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Return (keep, hashes, ends) of words with those broken at a line end joined, or None
    when no text has any: the first part of a broken word takes the hash of the whole word
    (`offi-` / `cielles` hashes as `officielles`) and the end of its last part; the other
    parts are dropped (`keep` False). Offsets stay offsets into the text as read.

    `owner` is each word's text (sorted), `starts`/`ends` offsets into that text;
    `candidates`, when given, the only texts that may hold a broken word (the others are not
    searched). Every splitter applies this rule, so every path gives the same words.
    """
    indices = range(len(texts)) if candidates is None else candidates
    broken = [(index, found) for index in indices if (found := broken_words(texts[index]))]
    if not broken:
        return None
    keep = np.ones(len(hashes), dtype=bool)
    joined_hashes, joined_ends = hashes.copy(), ends.copy()
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
    heads: list[int] = []
    for index, found in broken:
        lo, hi = int(bounds[index]), int(bounds[index + 1])
        text = texts[index]
        for hyphen, after in found:
            word = lo + int(np.searchsorted(ends[lo:hi], hyphen))
            if word + 1 >= hi or ends[word] != hyphen or starts[word + 1] != after:
                continue
            head = word
            while not keep[head]:
                head -= 1
            keep[word + 1] = False
            joined_ends[head] = ends[word + 1]
            heads.append(head)
        for head in sorted(set(heads)):
            whole = word_form(text[starts[head] : joined_ends[head]])
            joined_hashes[head] = word_hashes([whole])[0]
        heads.clear()
    return keep, joined_hashes, joined_ends


def hash_foreign_words(
    texts: Sequence[str],
    owner: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    foreign: np.ndarray,
    spellings: np.ndarray,
    hashes: np.ndarray,
) -> None:
    """Set, in `hashes`, the hash of every word marked `foreign` (a word holding a letter
    beyond ASCII, which the compiled splitter does not normalise): that of its normalised
    form, as `tokenize` hashes it. `owner` is each word's text, `starts`/`ends` offsets
    into it, `spellings` a hash of each word as written.

    Words recur ("Zürich", "José", every word of a text in Cyrillic): each spelling is
    normalised once, found by its hash (64 bits, as words themselves are told apart).
    """
    marked = np.flatnonzero(foreign)
    if not len(marked):
        return
    spelt = spellings[marked]
    order = np.argsort(spelt, kind="stable")
    ordered = spelt[order]
    first = np.ones(len(order), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    once = marked[order[first]]
    words = [
        normalize_word(texts[text][start:end])
        for text, start, end in zip(
            owner[once].tolist(), starts[once].tolist(), ends[once].tolist(), strict=True
        )
    ]
    found = np.empty(len(marked), dtype=np.uint64)
    found[order] = word_hashes(words)[np.cumsum(first) - 1]
    hashes[marked] = found


def paragraph_spans(text: str, separator: str | None = None) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the paragraphs of `text`.

    Paragraphs are separated by `separator` when given, else by blank lines, else (for a text
    with no blank line) by single newlines. Empty paragraphs are dropped.
    """
    if separator:
        splitter: re.Pattern[str] = re.compile(re.escape(separator))
    elif _BLANK_LINE_RE.search(text):
        splitter = _BLANK_LINE_RE
    else:
        splitter = _NEWLINE_RE
    spans: list[tuple[int, int]] = []
    position = 0
    for match in splitter.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def paragraph_texts(text: str, separator: str | None = None) -> list[str]:
    """Return the paragraphs of `text` as strings (see `paragraph_spans`)."""
    return [text[s:e] for s, e in paragraph_spans(text, separator)]


def quoted_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the character spans of `text` that lie inside quotation marks.

    Quotes do not run across paragraphs: a quote left open runs to the end of its paragraph
    (the newspaper convention for quotes continued in the next paragraph).
    """
    spans: list[tuple[int, int]] = []
    for start, end in paragraphs:
        opened: int | None = None
        for match in _QUOTE_RE.finditer(text, start, end):
            mark = match.group()
            if opened is None and (mark in _OPENERS or mark in _TOGGLES):
                opened = match.end()
            elif opened is not None and (mark in _CLOSERS or mark in _TOGGLES or mark == "“"):
                spans.append((opened, match.start()))
                opened = None
        if opened is not None:
            spans.append((opened, end))
    return spans


def tokenize(text: str, separator: str | None = None) -> Tokens:
    """Return the words of `text`: hashes, offsets, paragraph indices and quote flags.

    Text that is ASCII but for typographic punctuation (most news) is split with numpy over
    its bytes; other text word by word. Both give the same hashes for the same words.
    """
    return tokenize_many([text], separator)[0]


def tokenize_many(
    texts: Sequence[str], separator: str | None = None, *, compiled: bool = False
) -> list[Tokens]:
    """Return `tokenize(text, separator)` of every text; ASCII texts are split a batch at a
    time, which costs far less than one text at a time (with `compiled`, by
    `dedupe.text_compiled`: the same words)."""
    tokens: list[Tokens] = []
    pending: list[tuple[int, str, list[tuple[int, int]]]] = []
    batch = _AsciiBatch()
    for text in texts:
        paragraphs = paragraph_spans(text, separator)
        plain = text if text.isascii() else _TYPOGRAPHY_RE.sub(_typography, text)
        if plain.isascii():
            pending.append((len(tokens), text, paragraphs))
            batch.add(len(tokens), plain, paragraphs, range(len(paragraphs)))
            tokens.append(_EMPTY_TOKENS)  # filled in when the batch is split
            if len(batch.texts) == _BATCH_TEXTS:
                _fill_from_batch(tokens, batch, pending, compiled)
                batch, pending = _AsciiBatch(), []
        else:
            hashes, starts, ends = _unicode_words(text, paragraphs)
            tokens.append(_with_flags(text, paragraphs, hashes, starts, ends))
    _fill_from_batch(tokens, batch, pending, compiled)
    return tokens


@dataclass(frozen=True)
class TokenTable:
    """The words of many texts back to back (the `Tokens` fields of each, joined).

    Text k's words are `offsets[k]` to `offsets[k + 1]`; their `paragraph` numbers count
    from 0 in each text, and `starts`/`ends` are offsets into the text itself.
    """

    texts: Sequence[str]
    offsets: np.ndarray
    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)

    def tokens(self, k: int) -> Tokens:
        """Return the words of text k as `Tokens` (views into the table)."""
        lo, hi = self.offsets[k], self.offsets[k + 1]
        return Tokens(
            self.texts[k],
            self.hashes[lo:hi],
            self.starts[lo:hi],
            self.ends[lo:hi],
            self.paragraph[lo:hi].astype(np.int32),
            self.quoted[lo:hi],
        )


def joined_tokens(tokens: Sequence[Tokens]) -> TokenTable:
    """Return the words of many `Tokens` as one table."""
    return _table_of_segments(
        [t.text for t in tokens],
        [
            _Segment(t.hashes, t.starts, t.ends, t.paragraph, t.quoted, np.array([len(t)]))
            for t in tokens
        ],
    )


def token_table(
    texts: Sequence[str], separator: str | None = None, *, compiled: bool = False
) -> TokenTable:
    """Return `joined_tokens(tokenize_many(texts, separator))`, without making a `Tokens`
    for each text: ASCII texts are split, numbered and flagged a batch at a time (with
    `compiled`, by `dedupe.text_compiled`; from their UTF-8 bytes, by `plain_tokens`, when
    no separator is given)."""
    if compiled and separator is None:
        return _compiled_token_table(texts)
    segments: list[_Segment] = []
    batch, members = _AsciiBatch(), []
    for index, text in enumerate(texts):
        paragraphs = paragraph_spans(text, separator)
        plain = text if text.isascii() else _TYPOGRAPHY_RE.sub(_typography, text)
        if plain.isascii():
            batch.add(index, plain, paragraphs, range(len(paragraphs)))
            members.append((text, paragraphs))
            if len(members) == _BATCH_TEXTS:
                segments.append(_batch_segment(batch, members, compiled))
                batch, members = _AsciiBatch(), []
        else:
            # Segments stay in text order: the pending batch goes first.
            if members:
                segments.append(_batch_segment(batch, members, compiled))
                batch, members = _AsciiBatch(), []
            hashes, starts, ends = _unicode_words(text, paragraphs)
            t = _with_flags(text, paragraphs, hashes, starts, ends)
            segments.append(
                _Segment(t.hashes, t.starts, t.ends, t.paragraph, t.quoted, np.array([len(t)]))
            )
    if members:
        segments.append(_batch_segment(batch, members, compiled))
    return _table_of_segments(texts, segments)


def _compiled_token_table(texts: Sequence[str]) -> TokenTable:
    """Return `token_table(texts, compiled=True)`: texts split from their UTF-8 bytes by
    `dedupe.text_compiled.plain_tokens`."""
    from dedupe.text_compiled import plain_tokens

    hashes, starts, ends, paragraph, quoted, counts, breaks, foreign, spellings = plain_tokens(
        texts
    )
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    hash_foreign_words(texts, owner, starts, ends, foreign, spellings, hashes)
    broken = join_broken_words(texts, owner, hashes, starts, ends, np.flatnonzero(breaks).tolist())
    if broken is not None:
        keep, hashes, ends = broken
        hashes, starts, ends, paragraph, quoted = (
            column[keep] for column in (hashes, starts, ends, paragraph, quoted)
        )
        counts = np.bincount(owner[keep], minlength=len(texts))
    return _table_of_segments(texts, [_Segment(hashes, starts, ends, paragraph, quoted, counts)])


class _Segment(NamedTuple):
    """The words of one or more consecutive texts, and how many words each text has."""

    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray
    counts: np.ndarray


def _batch_segment(
    batch: _AsciiBatch, members: list[tuple[str, list[tuple[int, int]]]], compiled: bool
) -> _Segment:
    """Return the words of a batch's texts: `_with_flags` of each, for all at once."""
    hashes, starts, ends = batch.words(compiled)
    bounds = np.array(batch.spans, dtype=np.int64).reshape(-1, 2)
    span = np.searchsorted(bounds[:, 0], starts, side="right") - 1
    paragraphs_per_text = [len(paragraphs) for _, paragraphs in members]
    member = np.repeat(np.arange(len(members), dtype=np.int64), paragraphs_per_text)[span]
    offset = np.array(batch.offsets, dtype=np.int64)[member]
    joined = join_broken_words(
        [text for text, _ in members], member, hashes, starts - offset, ends - offset
    )
    if joined is not None:
        keep, hashes, relative_ends = joined
        ends = relative_ends + offset
        hashes, starts, ends, span, member, offset = (
            column[keep] for column in (hashes, starts, ends, span, member, offset)
        )
    quotes = np.array(
        [
            (batch.offsets[k] + start, batch.offsets[k] + end)
            for k, (text, paragraphs) in enumerate(members)
            for start, end in quoted_spans(text, paragraphs)
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    return _Segment(
        hashes,
        starts - offset,
        ends - offset,
        np.array(batch.numbers, dtype=np.int64)[span],
        words_in_quotes(starts, quotes),
        np.bincount(member, minlength=len(members)),
    )


def words_in_quotes(starts: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """Return which words (by their sorted `starts`) start inside one of the sorted, disjoint
    [start, end) spans `quotes`, as `_with_flags` marks them one quote at a time."""
    if not len(quotes):
        return np.zeros(len(starts), dtype=bool)
    # The words of each quote are a run of positions: found by a search per quote (there
    # are far fewer quotes than words), then marked by a running count.
    first = np.searchsorted(starts, quotes[:, 0], side="left")
    last = np.searchsorted(starts, quotes[:, 1], side="left")
    size = len(starts) + 1
    runs = np.bincount(first, minlength=size) - np.bincount(last, minlength=size)
    flags: np.ndarray = np.cumsum(runs[:-1]) > 0
    return flags


def _table_of_segments(texts: Sequence[str], segments: Sequence[_Segment]) -> TokenTable:
    dtypes = (np.uint64, np.int64, np.int64, np.int64, np.bool_, np.int64)
    columns: list[np.ndarray] = [
        np.concatenate([segment[column] for segment in segments]).astype(dtype, copy=False)
        if segments
        else np.empty(0, dtype=dtype)
        for column, dtype in enumerate(dtypes)
    ]
    hashes, starts, ends, paragraph, quoted, counts = columns
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return TokenTable(texts, offsets, hashes, starts, ends, paragraph, quoted)


def _fill_from_batch(
    tokens: list[Tokens],
    batch: _AsciiBatch,
    pending: list[tuple[int, str, list[tuple[int, int]]]],
    compiled: bool,
) -> None:
    """Split `batch` into words and put each text's Tokens at its place in `tokens`."""
    if not pending:
        return
    hashes, starts, ends = batch.words(compiled)
    # Word index where each text begins (texts are joined with one separator byte).
    cuts = np.searchsorted(starts, [*batch.offsets, batch.offset]).tolist()
    for k, (index, text, paragraphs) in enumerate(pending):
        lo, hi, offset = cuts[k], cuts[k + 1], batch.offsets[k]
        tokens[index] = _with_flags(
            text, paragraphs, hashes[lo:hi], starts[lo:hi] - offset, ends[lo:hi] - offset
        )


def _with_flags(
    text: str,
    paragraphs: list[tuple[int, int]],
    hashes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> Tokens:
    """Return Tokens of words found in `text`, adding their paragraph indices and quote flags
    (words broken at a line end joined)."""
    joined = join_broken_words([text], np.zeros(len(starts), dtype=np.int64), hashes, starts, ends)
    if joined is not None:
        keep, hashes, ends = joined
        hashes, starts, ends = hashes[keep], starts[keep], ends[keep]
    paragraph = _paragraph_of(paragraphs, starts).astype(np.int32)
    quoted = np.zeros(len(starts), dtype=bool)
    for q_start, q_end in quoted_spans(text, paragraphs):
        lo, hi = np.searchsorted(starts, [q_start, q_end])
        quoted[lo:hi] = True
    return Tokens(text, hashes, starts, ends, paragraph, quoted)


def _paragraph_of(paragraphs: list[tuple[int, int]], starts: np.ndarray) -> np.ndarray:
    """Return the index in `paragraphs` of the paragraph each word (by its start) is in."""
    para_starts = np.array([s for s, _ in paragraphs], dtype=np.int64)
    found: np.ndarray = np.searchsorted(para_starts, starts, side="right") - 1
    return found


@dataclass(frozen=True)
class WordTable:
    """The words of many documents back to back: hashes, each word's document (its index in
    the batch) and paragraph (numbered across the batch, so paragraphs of different documents
    never share a number). Document by document, the same words as `tokenize`."""

    hashes: np.ndarray
    document: np.ndarray
    paragraph: np.ndarray


def word_table(
    texts: Sequence[str], separator: str | None = None, *, compiled: bool = False
) -> WordTable:
    """Return the words of all `texts` (see `WordTable`), split with numpy a batch at a time.

    The signing path: it needs neither offsets nor quotes, and one pass over a batch of
    texts costs far less than a pass per text. Texts that are not ASCII once typographic
    punctuation is mapped are split word by word, one by one. With `compiled`, texts are
    split by `dedupe.text_compiled` (from their UTF-8 bytes when no separator is given): the
    same words and paragraphs.
    """
    if compiled and separator is None:
        return _compiled_word_table(texts)
    tables: list[WordTable] = []
    batch = _AsciiBatch()
    numbered = 0
    mixed = False
    for index, text in enumerate(texts):
        paragraphs = paragraph_spans(text, separator)
        numbers = range(numbered, numbered + len(paragraphs))
        numbered += len(paragraphs)
        plain = text if text.isascii() else _TYPOGRAPHY_RE.sub(_typography, text)
        if plain.isascii():
            batch.add(index, plain, paragraphs, numbers, text)
            if len(batch.texts) == _BATCH_TEXTS:
                tables.append(batch.table(compiled))
                batch = _AsciiBatch()
        else:
            # Signing needs no quote flags: only words and their paragraphs.
            hashes, starts, _ = _joined_words(text, paragraphs)
            paragraph = np.array(numbers, dtype=np.int64)[_paragraph_of(paragraphs, starts)]
            document = np.full(len(hashes), index, dtype=np.int64)
            tables.append(WordTable(hashes, document, paragraph))
            mixed = True
    tables.append(batch.table(compiled))
    hashes = np.concatenate([t.hashes for t in tables])
    document = np.concatenate([t.document for t in tables])
    paragraph = np.concatenate([t.paragraph for t in tables])
    if not mixed:
        return WordTable(hashes, document, paragraph)
    order = np.argsort(document, kind="stable")
    return WordTable(hashes[order], document[order], paragraph[order])


def _compiled_word_table(texts: Sequence[str]) -> WordTable:
    """Return `word_table(texts, compiled=True)`: texts split from their UTF-8 bytes by
    `dedupe.text_compiled.plain_words`."""
    from dedupe.text_compiled import plain_words

    hashes, document, paragraph, _, breaks, starts, ends, foreign, spellings = plain_words(texts)
    hash_foreign_words(texts, document, starts, ends, foreign, spellings, hashes)
    joined = join_broken_words(
        texts, document, hashes, starts, ends, np.flatnonzero(breaks).tolist()
    )
    if joined is not None:
        keep, hashes, _ = joined
        hashes, document, paragraph = hashes[keep], document[keep], paragraph[keep]
    return WordTable(hashes, document, paragraph)


# Texts split together: enough to amortise numpy's per-call cost, few enough that the
# working arrays stay in the CPU caches (a batch of 2,000 news articles is slower).
_BATCH_TEXTS = 64


class _AsciiBatch:
    """ASCII texts gathered to be split into words together."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.originals: list[str] = []
        self.offsets: list[int] = []
        self.spans: list[tuple[int, int]] = []
        self.documents: list[int] = []
        self.numbers: list[int] = []
        self.offset = 0

    def add(
        self,
        index: int,
        text: str,
        paragraphs: list[tuple[int, int]],
        numbers: range,
        original: str | None = None,
    ) -> None:
        """Add `text` (ASCII; `original` the text it was mapped from, when it was)."""
        offset = self.offset
        self.texts.append(text)
        self.originals.append(text if original is None else original)
        self.offsets.append(offset)
        self.spans.extend((offset + s, offset + e) for s, e in paragraphs)
        self.documents.extend([index] * len(paragraphs))
        self.numbers.extend(numbers)
        self.offset += len(text) + 1

    def words(self, compiled: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (hashes, starts, ends) of the words of all texts, offsets into their join."""
        data = np.frombuffer("\n".join(self.texts).lower().encode("ascii"), dtype=np.uint8)
        bounds = np.array(self.spans, dtype=np.int64).reshape(-1, 2)
        if compiled:
            from dedupe.text_compiled import ascii_words

            return ascii_words(data, bounds)
        return _words_inside(data, _inside_mask(len(data), bounds))

    def table(self, compiled: bool = False) -> WordTable:
        hashes, starts, ends = self.words(compiled)
        bounds = np.array(self.spans, dtype=np.int64).reshape(-1, 2)
        span = np.searchsorted(bounds[:, 0], starts, side="right") - 1
        member = np.searchsorted(np.array(self.offsets, dtype=np.int64), starts, side="right") - 1
        offset = np.array(self.offsets, dtype=np.int64)[member]
        joined = join_broken_words(self.originals, member, hashes, starts - offset, ends - offset)
        if joined is not None:
            keep, hashes, _ = joined
            hashes, span = hashes[keep], span[keep]
        return WordTable(
            hashes,
            np.array(self.documents, dtype=np.int64)[span],
            np.array(self.numbers, dtype=np.int64)[span],
        )


def _typography(match: re.Match[str]) -> str:
    return _TYPOGRAPHY[match.group()]


def _inside_mask(length: int, bounds: np.ndarray) -> np.ndarray:
    """Return a mask of `length` + 2 (one pad each side): True inside the [start, end) spans.

    `bounds` holds sorted, non-overlapping spans.
    """
    edges = np.concatenate(([0], bounds.ravel() + 1, [length + 2]))
    inside = np.zeros(len(edges) - 1, dtype=bool)
    inside[1::2] = True
    mask: np.ndarray = np.repeat(inside, np.diff(edges))
    return mask


def _words_inside(
    data: np.ndarray, inside: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of lowered ASCII bytes where `inside`."""
    letter = np.zeros(len(data) + 2, dtype=bool)
    letter[1:-1] = _ASCII_LETTER[data]
    letter &= inside
    # A joiner ("U.S", "it's") belongs to a word only between two letters or digits.
    joiner = np.zeros(len(data) + 2, dtype=bool)
    joiner[1:-1] = _ASCII_JOINER[data] & letter[:-2] & letter[2:]
    in_word = letter | joiner
    starts = np.flatnonzero(in_word[1:-1] & ~in_word[:-2])
    ends = np.flatnonzero(in_word[1:-1] & ~in_word[2:]) + 1
    return _hash_spans(data, letter[1:-1], starts, ends), starts, ends


def _joined_words(
    text: str, paragraphs: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return `_unicode_words`, words broken at a line end joined."""
    hashes, starts, ends = _unicode_words(text, paragraphs)
    joined = join_broken_words([text], np.zeros(len(starts), dtype=np.int64), hashes, starts, ends)
    if joined is None:
        return hashes, starts, ends
    keep, hashes, ends = joined
    return hashes[keep], starts[keep], ends[keep]


def _unicode_words(
    text: str, paragraphs: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of any text, one regex match at a time."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    for start, end in paragraphs:
        for match in WORD_RE.finditer(text, start, end):
            starts.append(match.start())
            ends.append(match.end())
            words.append(normalize_word(match.group()))
    return (
        word_hashes(words),
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
    )


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """Return a stable 64-bit hash of each normalised word (of its UTF-8 bytes)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    ends = np.cumsum(lengths)
    return _hash_spans(data, np.ones(len(data), dtype=bool), ends - lengths, ends)


def _hash_spans(
    data: np.ndarray, counted: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Return a polynomial hash (mod 2**64, then mixed) of the counted bytes of each span.

    Every span must hold at least one counted byte. Bytes not counted (joiners) are skipped,
    so "U.S" and "us" hash alike.
    """
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64)
    values = data[counted].astype(np.uint64)
    powers, inverse = _powers(len(values))
    # first/last: how many counted bytes precede each span's start and end.
    rank = np.cumsum(counted, dtype=np.int64)
    first = rank[starts] - 1
    last = rank[ends - 1]
    sums = np.add.reduceat(values * powers, first)
    # Dividing by the first byte's power makes the hash independent of the word's position.
    hashes = sums * inverse[first] + (last - first).astype(np.uint64) * _LENGTH_MIX
    return fmix64(hashes)


_POWERS: tuple[np.ndarray, np.ndarray] = (np.empty(0, np.uint64), np.empty(0, np.uint64))
_MAX_CACHED_POWERS = 1 << 20


def _powers(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Return _POLY**k and its inverse for k = 1..count (kept for the usual sizes)."""
    global _POWERS
    if count > len(_POWERS[0]):
        size = (
            count if count > _MAX_CACHED_POWERS else min(max(count, 4096) * 2, _MAX_CACHED_POWERS)
        )
        computed = (
            np.cumprod(np.full(size, _POLY, dtype=np.uint64)),
            np.cumprod(np.full(size, _POLY_INVERSE, dtype=np.uint64)),
        )
        if size > _MAX_CACHED_POWERS:
            return computed[0][:count], computed[1][:count]
        _POWERS = computed
    return _POWERS[0][:count], _POWERS[1][:count]


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Return the uint64 hash of every run of `n` consecutive words (len(words) - n + 1 of them)."""
    count = len(word_hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = word_hashes[:count].copy()
    for offset in range(1, n):
        acc *= _GRAM_MULT
        acc ^= word_hashes[offset : offset + count]
    return fmix64(acc)


_SEQUENCE_MULT = np.uint64(0x9E3779B97F4A7C15)


def sequence_hashes(hashes: np.ndarray, owners: np.ndarray, count: int) -> np.ndarray:
    """Return, for each of `count` owners, one 64-bit hash of its word hashes in order (0 for
    an owner without words): equal texts (as words) hash equal. `owners` is sorted."""
    result = np.zeros(count, dtype=np.uint64)
    if not len(hashes):
        return result
    owners = np.asarray(owners, dtype=np.int64)
    starts = np.flatnonzero(np.diff(owners, prepend=-1))
    position = np.arange(len(owners), dtype=np.int64) - np.repeat(
        starts, np.diff(np.append(starts, len(owners)))
    )
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(int(position.max()) + 1, _SEQUENCE_MULT, dtype=np.uint64))
        terms = (
            fmix64(np.asarray(hashes, dtype=np.uint64) ^ np.uint64(0x5851F42D4C957F2D))
            * (powers[position])
        )
        result[owners[starts]] = fmix64(np.add.reduceat(terms, starts))
    return result


def fmix64(values: np.ndarray) -> np.ndarray:
    """Return the MurmurHash3 64-bit finaliser of each value: every output bit depends on all
    input bits."""
    values = values ^ (values >> _UINT64(33))
    values *= _MIX1
    values ^= values >> _UINT64(33)
    values *= _MIX2
    values ^= values >> _UINT64(33)
    return values


def shingle_hash32(hashes64: np.ndarray) -> np.ndarray:
    """Return 32-bit shingle hashes (the form MinHash signs) from 64-bit n-gram hashes."""
    folded: np.ndarray = ((hashes64 >> _UINT64(32)) ^ hashes64).astype(np.uint32)
    return folded
