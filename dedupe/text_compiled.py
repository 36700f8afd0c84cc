"""Splitting text into hashed words, and hashing word n-grams, compiled with numba.

The same words, offsets and hashes as `dedupe.text.tokenize`: one pass over the UTF-8 bytes
of a batch of texts, a character at a time. Every character is read as one byte
(`_char_bytes`): ASCII as itself, lowered; typographic punctuation as its ASCII stand-in;
any other letter, digit or combining mark as one byte that stands for "a letter beyond
ASCII". Words of ASCII letters are hashed here; a word holding a letter beyond ASCII ("café",
"Zürich", "Москва") is flagged, and `dedupe.text` hashes its normalised form (NFKC,
case-folded) as `tokenize` does: so news in any language takes this path, only its few
non-ASCII words go through Python. The same for the n-gram hashes (numpy makes two passes
per word of the n-gram). Both the signing and the alignment stages split every text, so
this is a large share of their time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numba
import numpy as np
import regex

from dedupe.numba_cache import CACHE  # decides where numba caches, before compiling
from dedupe.text import (
    _ASCII_JOINER,
    _ASCII_LETTER,
    _BREAK_MARKS,
    _GRAM_MULT,
    _LENGTH_MIX,
    _MIX1,
    _MIX2,
    _POLY,
    _TYPOGRAPHY,
    WORD_CHARS,
    Utf8Texts,
)


def ascii_words(data: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hashes, starts, ends) of the words of lowered ASCII bytes `data` inside the
    sorted [start, end) spans `bounds`, each at least one byte after the one before (as
    paragraphs are): the same as the numpy splitter."""
    hashes, starts, ends, _, _, _ = _words(
        data,
        np.ascontiguousarray(bounds, dtype=np.int64).reshape(-1, 2),
        _LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )
    return hashes, starts, ends


class PlainWords(NamedTuple):
    """The words of many texts back to back, as `plain_words` finds them."""

    hashes: np.ndarray
    document: np.ndarray
    paragraph: np.ndarray
    paragraphs: np.ndarray
    breaks: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    foreign: np.ndarray
    spellings: np.ndarray


class PlainTokens(NamedTuple):
    """The words of many texts back to back, as `plain_tokens` finds them."""

    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray
    counts: np.ndarray
    breaks: np.ndarray
    foreign: np.ndarray
    spellings: np.ndarray


def plain_words(texts: Sequence[str]) -> PlainWords:
    """Return the words of the texts as `dedupe.text.tokenize` splits and places them (no
    paragraph separator given): their hashes, the text of each word, its paragraph numbered
    across all texts, each text's paragraph count, a mask of the texts that may hold a word
    broken at a line end (`breaks`, see `_plain_layout`), each word's start and end in its
    text, which words hold a letter beyond ASCII (`foreign`: their hashes are left to the
    caller), and a hash of each foreign word's exact spelling (`spellings`: equal for equal
    spellings, so that each is normalised once).

    Works on the texts' UTF-8 bytes, a character at a time: no typography substitution, no
    regular expression and no string per paragraph.
    """
    layout = _layout(texts, quotes=False)
    hashes, document, paragraph, starts, ends, _, _, foreign, spellings = _text_words(
        layout.mapped,
        layout.points,
        layout.bounds,
        layout.owners,
        layout.begins,
        layout.quotes,
        False,
        _LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )
    return PlainWords(
        hashes,
        document,
        paragraph,
        layout.paragraphs,
        layout.breaks,
        starts,
        ends,
        foreign,
        spellings,
    )


def plain_tokens(texts: Sequence[str]) -> PlainTokens:
    """Return `dedupe.text.tokenize` of the texts back to back: hashes, starts, ends,
    paragraph, quoted, each text's word count, a mask of the texts that may hold a word
    broken at a line end, the words whose hashes are left to the caller and their spellings
    (see `plain_words`)."""
    layout = _layout(texts, quotes=True)
    hashes, _, paragraph, starts, ends, quoted, counts, foreign, spellings = _text_words(
        layout.mapped,
        layout.points,
        layout.bounds,
        layout.owners,
        layout.begins,
        layout.quotes,
        True,
        _LETTER,
        _ASCII_JOINER,
        _POLY,
        _LENGTH_MIX,
    )
    return PlainTokens(
        hashes, starts, ends, paragraph, quoted, counts, layout.breaks, foreign, spellings
    )


class _Layout(NamedTuple):
    """Texts mapped to one byte per character, with their paragraphs and quotes.

    `mapped[begins[t]:]` is text t, character for character; `bounds` the paragraphs of all
    texts (as `paragraph_spans` finds them), `owners` the text of each and `paragraphs` how
    many each text has; `quotes` the spans inside quotation marks (as `quoted_spans` finds
    them), in mapped positions; `breaks` marks the texts that may hold a word broken at a
    line end; `points` each character's code point, where `mapped` holds one byte for many.
    """

    mapped: np.ndarray
    points: np.ndarray
    begins: np.ndarray
    bounds: np.ndarray
    owners: np.ndarray
    paragraphs: np.ndarray
    quotes: np.ndarray
    breaks: np.ndarray


def _layout(texts: Sequence[str], quotes: bool) -> _Layout:
    # Texts read back from a store come as their UTF-8 bytes already (`Utf8Texts`).
    utf8 = Utf8Texts.of(texts)
    data = np.frombuffer(utf8.data, dtype=np.uint8)
    return _Layout(
        *_plain_layout(data, utf8.offsets, _char_bytes(), _CODES, _MARKS, _SPACE, _BREAKS, quotes)
    )


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """Return `dedupe.text.ngram_hashes(word_hashes, n)`, in one pass instead of 2n."""
    if n < 1:
        raise ValueError(f"n-grams need n >= 1, got {n}")
    return _ngrams(np.ascontiguousarray(word_hashes, dtype=np.uint64), n, _GRAM_MULT)  # type: ignore[no-any-return]


def prepare() -> None:
    """Compile the splitters and the n-gram hashing, or load them from numba's cache, unless
    done already."""
    data = np.frombuffer(b"it's u.s. news", dtype=np.uint8)
    hashes, _, _ = ascii_words(data, np.array([[0, len(data)]]))
    ngram_hashes(hashes, 2)
    plain_words(["It’s “U.S.” news.\n\nSecond paragraph", "café \U0001d400"])
    plain_tokens(["It’s “U.S.” news.\n\nSecond paragraph", "café \U0001d400"])


def _space_byte(char: str) -> int:
    return 0x80 if char.isspace() else 0x81


# Characters read from their UTF-8 bytes, by code point: the typographic punctuation of
# `dedupe.text._TYPOGRAPHY`, each mapped to its ASCII stand-in, except the spaces. Those map
# to bytes no ASCII text holds: 0x80 for the ones Python counts as whitespace (no-break and
# thin space), 0x81 for the others; neither passes for an ASCII blank of a blank line
# (" \t\r\f\v"), and neither is a letter.
_CODES = np.array(sorted(ord(char) for char in _TYPOGRAPHY), dtype=np.int64)
_BYTES = np.array(
    [
        ord(_TYPOGRAPHY[chr(code)]) if _TYPOGRAPHY[chr(code)] != " " else _space_byte(chr(code))
        for code in _CODES
    ],
    dtype=np.uint8,
)
# The marks that may end a line inside a word (`offi-` / `cielles`), as code points: the
# one ASCII mark first (the splitter tests ASCII bytes against it alone).
_BREAKS = np.array(sorted(ord(mark) for mark in _BREAK_MARKS), dtype=np.int64)
assert _BREAKS[0] < 128 <= _BREAKS[1], "one ASCII line-break mark"
# Whitespace to Python (str.isspace, the regex \s) among mapped bytes.
_SPACE = np.zeros(256, dtype=np.bool_)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x80]] = True
# How characters beyond ASCII are read: whitespace as 0x80 (as the typographic spaces are),
# letters, digits and combining marks (`dedupe.text.WORD_CHARS`) as 0x82, anything else
# (a separator) as 0x81.
_BLANK, _SEPARATOR, _FOREIGN = 0x80, 0x81, 0x82
# Letters among mapped bytes: ASCII letters and digits, and 0x82.
_LETTER = _ASCII_LETTER.copy()
_LETTER[_FOREIGN] = True
_CODE_POINTS = 0x110000


@cache
def _char_bytes() -> np.ndarray:
    """Return the byte every code point is read as (made once a process: 1.1 MB, 0.05 s).

    Letters are those of `dedupe.text.WORD_CHARS` as the `regex` module reads them, and
    whitespace is Python's, so words and paragraphs end where `tokenize`'s do.
    """
    chars = np.arange(_CODE_POINTS, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.full(_CODE_POINTS, _SEPARATOR, dtype=np.uint8)
    for match in regex.finditer(f"{WORD_CHARS}+", chars):
        table[match.start() : match.end()] = _FOREIGN
    for match in re.finditer(r"\s+", chars):
        table[match.start() : match.end()] = _BLANK
    table[_CODES] = _BYTES
    ascii_bytes = np.arange(128, dtype=np.uint8)
    table[:128] = np.where((ascii_bytes >= 65) & (ascii_bytes <= 90), ascii_bytes + 32, ascii_bytes)
    return table


# Quotation marks (`dedupe.text.quoted_spans`): 1 for “, which opens and closes, 2 for the
# other openers, 3 for the closers, 4 for the straight double quote, which toggles.
_MARK_OF = {"“": 1, "«": 2, "„": 2, "‹": 2, "”": 3, "»": 3, "›": 3, '"': 4}
_MARKS = np.array([_MARK_OF.get(chr(code), 0) for code in _CODES], dtype=np.uint8)


_jit = numba.njit(cache=CACHE, nogil=True)


@_jit
def fmix64(value):  # type: ignore[no-untyped-def]
    """Return `dedupe.text.fmix64` of one uint64 value (for compiled code)."""
    value ^= value >> np.uint64(33)
    value *= np.uint64(_MIX1)
    value ^= value >> np.uint64(33)
    value *= np.uint64(_MIX2)
    value ^= value >> np.uint64(33)
    return value


@_jit
def _ngrams(hashes, n, mult):  # type: ignore[no-untyped-def]
    count = max(len(hashes) - n + 1, 0)
    out = np.empty(count, np.uint64)
    for start in range(count):
        value = hashes[start]
        for offset in range(1, n):
            value = (value * mult) ^ hashes[start + offset]
        out[start] = fmix64(value)
    return out


@_jit
def _words(data, bounds, letter, joiner, poly, length_mix):  # type: ignore[no-untyped-def]
    capacity = _word_capacity(bounds)
    sums = np.empty(capacity, np.uint64)
    starts = np.empty(capacity, np.int64)
    ends = np.empty(capacity, np.int64)
    spans = np.empty(capacity, np.int64)
    foreign = np.empty(capacity, np.bool_)
    spellings = np.empty(capacity, np.uint64)
    count = 0
    for span in range(len(bounds)):
        first = count
        count = _span_words(
            data, data, bounds[span, 0], bounds[span, 1], letter, joiner, poly, length_mix,
            sums, starts, ends, foreign, spellings, count,
        )  # fmt: skip
        spans[first:count] = span
    return (
        sums[:count], starts[:count], ends[:count], spans[:count], foreign[:count],
        spellings[:count],
    )  # fmt: skip


@_jit
def _text_words(  # type: ignore[no-untyped-def]
    data, points, bounds, owners, begins, quotes, local, letter, joiner, poly, length_mix
):
    """Return the words of the paragraphs `bounds` of mapped texts (`_Layout`): hashes, the
    text of each, its paragraph (numbered within its text when `local`, else across all),
    start and end within its text, whether it starts inside one of the sorted `quotes`,
    each text's word count, whether it holds a letter beyond ASCII and (if so) the hash of its
    spelling."""
    capacity = _word_capacity(bounds)
    sums = np.empty(capacity, np.uint64)
    starts = np.empty(capacity, np.int64)
    ends = np.empty(capacity, np.int64)
    foreign = np.empty(capacity, np.bool_)
    spellings = np.empty(capacity, np.uint64)
    owner = np.empty(capacity, np.int64)
    paragraph = np.empty(capacity, np.int64)
    quoted = np.zeros(capacity, np.bool_)
    counts = np.zeros(len(begins), np.int64)
    count = 0
    quote = 0
    text = -1
    first_span = 0
    for span in range(len(bounds)):
        if owners[span] != text:
            text, first_span = owners[span], span
        first = count
        count = _span_words(
            data, points, bounds[span, 0], bounds[span, 1], letter, joiner, poly, length_mix,
            sums, starts, ends, foreign, spellings, count,
        )  # fmt: skip
        begin = begins[text]
        for word in range(first, count):
            # Quotes and words both in mapped order: a word is quoted when it starts inside
            # the first quote that ends after its start.
            while quote < len(quotes) and quotes[quote, 1] <= starts[word]:
                quote += 1
            quoted[word] = quote < len(quotes) and quotes[quote, 0] <= starts[word]
            starts[word] -= begin
            ends[word] -= begin
            owner[word] = text
            paragraph[word] = span - first_span if local else span
        counts[text] += count - first
    return (
        sums[:count],
        owner[:count],
        paragraph[:count],
        starts[:count],
        ends[:count],
        quoted[:count],
        counts,
        foreign[:count],
        spellings[:count],
    )


@_jit
def _word_capacity(bounds):  # type: ignore[no-untyped-def]
    """Return the most words the spans can hold: two words of a span need a letter each and
    a byte between them, so (length + 1) // 2 a span."""
    capacity = 1
    for span in range(len(bounds)):
        capacity += (bounds[span, 1] - bounds[span, 0] + 1) // 2
    return capacity


@_jit
def _span_words(  # type: ignore[no-untyped-def]
    data,
    points,
    position,
    stop,
    letter,
    joiner,
    poly,
    length_mix,
    sums,
    starts,
    ends,
    foreign,
    spellings,
    count,
):
    """Add the words of data[position:stop] to (sums, starts, ends, foreign, spellings) from
    `count` on; return the count so far. A word holding a letter beyond ASCII (0x82) is only
    flagged, with a hash of its characters as written (`points`): its hash here is not its
    own."""
    while position < stop:
        if not letter[data[position]]:
            position += 1
            continue
        start = position
        value = np.uint64(0)
        power = np.uint64(1)
        counted = np.uint64(0)
        beyond = False
        while position < stop:
            byte = data[position]
            if letter[byte]:
                value += np.uint64(byte) * power
                power *= poly
                counted += np.uint64(1)
                beyond |= byte == _FOREIGN
            elif not (joiner[byte] and position + 1 < stop and letter[data[position + 1]]):
                break
            # A joiner ("U.S", "it's") belongs to the word only between two letters.
            position += 1
        sums[count] = fmix64(value + counted * length_mix)
        starts[count] = start
        ends[count] = position
        foreign[count] = beyond
        if beyond:
            spelling = np.uint64(position - start) * length_mix
            for at in range(start, position):
                spelling = spelling * poly + np.uint64(points[at])
            spellings[count] = fmix64(spelling)
        count += 1
    return count


@_jit
def _plain_layout(data, offsets, char_bytes, codes, marks, space, breaks_after, want_quotes):  # type: ignore[no-untyped-def]
    """Return the `_Layout` fields of the texts at data[offsets[t]:offsets[t + 1]].

    A text is marked in `breaks` where a character of `breaks_after` (the marks that may
    end a line inside a word, the ASCII one first) stands after a letter (`_after_letter`)
    and before a space, a tab or a line end: only there can `dedupe.text.broken_words` find
    a word broken at a line end. (Not after a space: news writes "(Reuters) - " and " - "
    for dashes, in one text in nine of the synthetic newsroom.)
    """
    texts = len(offsets) - 1
    # One byte per character, and one between texts.
    mapped = np.empty(len(data) + texts, np.uint8)
    points = np.empty(len(data) + texts, np.uint32)
    kinds = np.zeros(len(data) + texts, np.uint8)
    begins = np.zeros(texts, np.int64)
    bounds = np.empty((len(data) + texts, 2), np.int64)
    owners = np.empty(len(data) + texts, np.int64)
    paragraphs = np.zeros(texts, np.int64)
    quotes = np.empty((len(data) + texts, 2), np.int64)
    breaks = np.zeros(texts, np.bool_)
    size = 0
    spans = 0
    quoted = 0
    for text in range(texts):
        begin = size
        begins[text] = begin
        position, stop = offsets[text], offsets[text + 1]
        while position < stop:
            byte = data[position]
            if byte < 128:
                mapped[size] = byte + 32 if 65 <= byte <= 90 else byte
                points[size] = byte
                kinds[size] = 4 if byte == 34 else 0
                position += 1
                if (
                    byte == breaks_after[0]
                    and _after_letter(points, begin, size)
                    and _line_space_at(data, position, stop)
                ):
                    breaks[text] = True
            else:
                code, length = _code_point(data, position, stop)
                for mark in breaks_after[1:]:
                    if (
                        code == mark
                        and _after_letter(points, begin, size)
                        and _line_space_at(data, position + length, stop)
                    ):
                        breaks[text] = True
                mapped[size] = char_bytes[code]
                points[size] = code
                kinds[size] = 0
                if mapped[size] == 34:
                    # A typographic quotation mark (`codes` holds every one).
                    kinds[size] = marks[np.searchsorted(codes, code)]
                position += length
            size += 1
        first = spans
        spans = _paragraphs_of(mapped, begin, size, space, bounds, owners, spans, text)
        paragraphs[text] = spans - first
        if want_quotes:
            for span in range(first, spans):
                quoted = _quotes_of(kinds, bounds[span, 0], bounds[span, 1], quotes, quoted)
        mapped[size] = 10
        size += 1
    return (
        mapped[:size],
        points[:size],
        begins,
        bounds[:spans],
        owners[:spans],
        paragraphs,
        quotes[:quoted],
        breaks,
    )


@_jit
def _paragraphs_of(mapped, begin, end, space, bounds, owners, spans, text):  # type: ignore[no-untyped-def]
    """Add the paragraphs of the text at mapped[begin:end] to `bounds`; return the count so
    far. As `dedupe.text.paragraph_spans` with no separator: paragraphs are separated by a
    blank line and the whitespace after it or, in a text without a blank line, by a newline
    and the whitespace after it; paragraphs of whitespace only are left out."""
    blank = False
    for position in range(begin, end):
        if mapped[position] == 10 and _blank_line_end(mapped, position, end) >= 0:
            blank = True
            break
    start = begin
    position = begin
    while position < end:
        close = position
        if mapped[position] == 10 and blank:
            close = _blank_line_end(mapped, position, end)
        if mapped[position] != 10 or close < 0:
            position += 1
            continue
        spans = _add_paragraph(mapped, start, position, space, bounds, owners, spans, text)
        # The separator runs on over whitespace.
        position = close + 1
        while position < end and space[mapped[position]]:
            position += 1
        start = position
    return _add_paragraph(mapped, start, end, space, bounds, owners, spans, text)


@_jit
def _add_paragraph(mapped, start, end, space, bounds, owners, spans, text):  # type: ignore[no-untyped-def]
    for position in range(start, end):
        if not space[mapped[position]]:
            bounds[spans, 0], bounds[spans, 1] = start, end
            owners[spans] = text
            return spans + 1
    return spans


@_jit
def _quotes_of(kinds, start, end, quotes, count):  # type: ignore[no-untyped-def]
    """Add the quotes of the paragraph [start, end) to `quotes`, as `quoted_spans` finds
    them; return the count so far."""
    opened = -1
    for position in range(start, end):
        kind = kinds[position]
        if kind == 0:
            continue
        if opened < 0 and (kind == 1 or kind == 2 or kind == 4):
            opened = position + 1
        elif opened >= 0 and (kind == 1 or kind == 3 or kind == 4):
            quotes[count, 0], quotes[count, 1] = opened, position
            count += 1
            opened = -1
    if opened >= 0:
        quotes[count, 0], quotes[count, 1] = opened, end
        count += 1
    return count


@_jit
def _code_point(data, position, stop):  # type: ignore[no-untyped-def]
    """Return (code point, length) of the UTF-8 character at `position` (well formed, as
    `str.encode` writes it, lone surrogates included: the only bytes read here). A lead
    byte it does not know, or a character cut short by `stop`, reads as U+FFFD, a
    separator, one byte long."""
    lead = data[position]
    if 0xC0 <= lead < 0xE0 and position + 1 < stop:
        return ((lead & 0x1F) << 6) | (data[position + 1] & 0x3F), 2
    if 0xE0 <= lead < 0xF0 and position + 2 < stop:
        code = ((lead & 0x0F) << 12) | ((data[position + 1] & 0x3F) << 6)
        return code | (data[position + 2] & 0x3F), 3
    if 0xF0 <= lead < 0xF5 and position + 3 < stop:
        code = ((lead & 0x07) << 18) | ((data[position + 1] & 0x3F) << 12)
        code |= (data[position + 2] & 0x3F) << 6
        return code | (data[position + 3] & 0x3F), 4
    return 0xFFFD, 1


@_jit
def _after_letter(points, begin, size):  # type: ignore[no-untyped-def]
    """Return whether the character before position `size` of the text mapped from `begin`
    on may be a letter to `str.isalpha`: an ASCII letter, or any character beyond ASCII (a
    superset: a break is searched for there, and found only after a letter)."""
    if size == begin:
        return False
    point = points[size - 1]
    return point >= 128 or 97 <= point <= 122 or 65 <= point <= 90


@_jit
def _line_space_at(data, position, stop):  # type: ignore[no-untyped-def]
    """Return whether data[position] (before `stop`) is a space, a tab or a line end: what
    follows a line-break hyphen."""
    if position >= stop:
        return False
    byte = data[position]
    return byte == 32 or byte == 9 or byte == 10 or byte == 13


# " \t\r\f\v": what may stand between the two newlines of a blank line.
_BLANKS = (32, 9, 13, 12, 11)


@_jit
def _blank_line_end(mapped, position, stop):  # type: ignore[no-untyped-def]
    """Return the position of the newline closing a blank line opened by the newline at
    `position` ("\n", then only " \t\r\f\v", then "\n"), or -1."""
    ahead = position + 1
    while ahead < stop and (
        mapped[ahead] == 32 or (9 <= mapped[ahead] <= 13 and mapped[ahead] != 10)
    ):
        ahead += 1
    return ahead if ahead < stop and mapped[ahead] == 10 else -1
