"""Turning the bytes of an input file into text: encodings, binary data, and physical lines
that never hold more than the size limit of one record.

UTF-8 is read first; UTF-16 and UTF-32 are told from a byte-order mark or, without one, from
where their NUL bytes are; other bytes are decoded with the encoding charset detection finds
(Windows-1252 when in doubt, as most legacy news text is). A NUL byte is never text: a line
holding one is marked "binary", and a file whose first bytes are packed or compressed data
is a binary file.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, NamedTuple

BINARY_PROBE = 8192
"""How many leading bytes are looked at to tell the encoding, and a binary file."""
FALLBACK_ENCODING = "cp1252"
UTF8_BOM = codecs.BOM_UTF8

# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The control bytes binary data is full of and text is not (text has tabs, line and page
# breaks; ESC is left out: terminal escapes are hostile text, not binary data).
_BINARY_BYTES = {*range(9), *range(14, 27), *range(28, 32)}
_TEXT_BYTES = bytes(b for b in range(256) if b not in _BINARY_BYTES)


def wide_encoding(head: bytes) -> str | None:
    """Return the codec of UTF-16 or UTF-32 data from its first bytes, or None if it is not.

    A byte-order mark decides. Without one, the data must hold NUL bytes, read badly as
    UTF-8 (more than a tenth of it NUL or other control characters, or not UTF-8 at all: a
    UTF-8 text with a stray NUL byte stays UTF-8), and decode in the byte order its NUL
    bytes point to into text with hardly any control character; then either a quarter of
    its characters have a zero high byte (Latin letters, digits, spaces, line ends: most
    text) or, on 256 bytes or more, charset detection names the same encoding (text in
    other scripts).
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if b"\0" not in head:
        return None
    as_utf8 = _incremental("utf-8", head)
    if as_utf8 is not None and _control_share(as_utf8) <= 0.1:
        return None
    for width in (4, 2):
        usable = head[: len(head) - len(head) % width]
        # Little-endian text has its zero bytes last in each unit; try that order first.
        low = sum(usable[k::width].count(0) for k in range(width // 2))
        high = sum(usable[k::width].count(0) for k in range(width // 2, width))
        for order in ("le", "be") if high >= low else ("be", "le"):
            codec = f"utf-{8 * width}-{order}"
            text = _incremental(codec, usable)
            # A NUL character (a binary record in a wide file) may be there, but rarely.
            if not text or len(text) < 4 or _control_share(text) > 0.02:
                continue
            if sum(1 for char in text if char < "\u0100") * 4 >= len(text):
                return codec
            if len(usable) >= 256 and _detected(usable) == codec:
                return codec
    return None


def _detected(data: bytes) -> str | None:
    """Return the codec name charset-normalizer finds most plausible ("utf-16-le"), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else codecs.lookup(best.encoding).name


def _incremental(codec: str, data: bytes) -> str | None:
    """Return the bytes decoded in the codec, the last character allowed to be cut, or None."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _control_share(text: str) -> float:
    """Return the share of the characters of a text that are control characters (C0, DEL
    and C1, NUL included) other than tabs, line and page breaks; 0 for an empty text."""
    if not text:
        return 0.0
    return len(_CONTROLS.findall(text)) / len(text)


def detect_encoding(data: bytes) -> str | None:
    """Return the encoding charset-normalizer finds most plausible for the bytes, or None.

    Only encodings that keep ASCII as ASCII are considered (UTF-16 and UTF-32 are told
    apart before, by `wide_encoding`). Ties, and guesses without any language evidence,
    go to Windows-1252 when it decodes the data, as most legacy news text is in it.
    """
    if _only_typographic_punctuation(data) and _decodes(data, FALLBACK_ENCODING):
        return FALLBACK_ENCODING
    # Imported here: half of the command's start-up time, and most input is UTF-8.
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if _ascii_compatible(m.encoding)]
    if not matches:
        return None
    best = matches[0]
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    if any(FALLBACK_ENCODING in m.could_be_from_charset for m in tied):
        return FALLBACK_ENCODING
    if best.coherence == 0 and _decodes(data, FALLBACK_ENCODING):
        return FALLBACK_ENCODING
    return str(best.encoding)


# Windows-1252's curly quotes, dashes, bullet, ellipsis and euro sign: what a word processor
# puts into otherwise ASCII text.
_CP1252_PUNCTUATION = frozenset(b"\x80\x85\x91\x92\x93\x94\x95\x96\x97")
_ASCII = bytes(range(128))


def _only_typographic_punctuation(data: bytes) -> bool:
    """Return whether every byte of the data outside ASCII is one of Windows-1252's
    typographic punctuation marks (and there is one). A detector guessing from so few bytes
    names any code page ("Google\x92s" read as cp775: "GoogleÆs"); in news text they are
    Windows-1252's quotes and dashes."""
    rest = data.translate(None, _ASCII)
    return bool(rest) and set(rest) <= _CP1252_PUNCTUATION


def _ascii_compatible(encoding: str) -> bool:
    """Return whether an encoding writes the ASCII characters of JSON and CSV as ASCII."""
    probe = '\n\r\t {}[]",:;0aZ\\'
    try:
        return probe.encode(encoding) == probe.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _decodes(data: bytes, encoding: str) -> bool:
    """Return whether the bytes decode without error in the encoding."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def binary_file(head: bytes) -> bool:
    """Return whether leading bytes are those of a binary file (a PDF or a spreadsheet
    renamed), not text in any encoding we read: they hold NUL bytes, are not UTF-16/32, and
    more than 1 in 20 of them are control bytes, as in compressed or packed data. A text with
    a few NUL bytes is text: only the records holding them are skipped."""
    if b"\0" not in head or wide_encoding(head) is not None:
        return False
    return len(head.translate(None, _TEXT_BYTES)) * 20 > len(head)


def too_large(size: int, limit: int, *, more: bool = False) -> str:
    """Return the message for a record of `size` bytes (or `more` than the limit) over the
    size limit."""
    amount = f"more than {limit:,}" if more else f"{size:,}"
    return (
        f"record of {amount} bytes is larger than the maximum document size"
        f" ({limit:,} bytes; see --max-document-size)"
    )


class Line(NamedTuple):
    """One physical line of a streamed file.

    `problem` is None, "undecodable", "undecodable-rest" (a UTF-16/32 file stops being valid
    here), "binary" (it holds a NUL) or "too-large" (longer than
    the size limit: its text is not kept; `text` is then '"' if it held an odd number of
    quotation marks, else "", which is all a CSV reader needs to know of it). `size` is its
    length in bytes.
    """

    number: int
    text: str
    problem: str | None
    size: int


#: A line as `Lines.plain` gives it: (number, text, problem, size, data).
PlainLine = tuple[int, str, str | None, int, bytes | None]


class Lines:
    """The physical lines of a byte stream, decoded, with their numbers; never more than the
    size limit of one line held in memory.

    Lines are UTF-8 (a leading BOM is dropped); a line that is not is decoded with the file's
    fallback encoding, detected once from the first such line and told to `redecoded`; a
    line that even the fallback cannot decode is "undecodable". UTF-16/32 files (told from
    the first bytes) are decoded as such.
    """

    def __init__(
        self,
        stream: IO[bytes],
        head: bytes,
        limit: int | None,
        redecoded: Callable[[str], None],
    ) -> None:
        """Read `stream`, whose first bytes are `head`; lines over `limit` bytes are marked
        "too-large" (None: no limit); `redecoded(encoding)` is called once if the stream is
        not UTF-8, with the encoding it is read in."""
        self.stream = stream
        self.limit = limit
        self.redecoded = redecoded
        self.wide = wide_encoding(head)

    def plain(self) -> Iterator[PlainLine]:
        """Return the lines as plain tuples (number, text, problem, size, data): the same
        lines, without the cost of a named tuple each (JSONL reads millions), each with its
        bytes as read when they are its text in UTF-8 (else None), so that a line passed
        through is not encoded again."""
        if self.wide is not None:
            return ((*line, None) for line in self._wide_lines(self.wide))
        return self._byte_lines()

    def __iter__(self) -> Iterator[Line]:
        if self.wide is not None:
            return self._wide_lines(self.wide)
        return (Line(*line[:4]) for line in self._byte_lines())

    def _byte_lines(self) -> Iterator[PlainLine]:
        readline = self.stream.readline
        limit = self.limit
        cap = -1 if limit is None else limit + 2  # room for the content and "\r\n"
        fallback: str | None = None
        number = 0
        while True:
            raw = readline(cap)
            if not raw:
                return
            number += 1
            if limit is not None and len(raw) > limit:
                long = self._long_line(number, raw, limit)
                if long is not None:
                    yield (*long, None)
                    continue
            problem = None
            data: bytes | None = raw
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                data = None
                if fallback is None:
                    fallback = detect_encoding(raw) or FALLBACK_ENCODING
                    self.redecoded(fallback)
                try:
                    text = raw.decode(fallback)
                except UnicodeDecodeError:
                    text = raw.decode(fallback, "replace")
                    problem = "undecodable"
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
                data = None
            # On the bytes, twice as fast: in an encoding that keeps ASCII as ASCII (the only
            # ones read here), a NUL byte is a NUL character and nothing else is.
            if problem is None and b"\0" in raw:
                problem = "binary"
            yield number, text, problem, len(raw), data

    def _long_line(self, number: int, raw: bytes, limit: int) -> Line | None:
        """Return the too-large line starting with `raw` (read to its end and dropped), or
        None if `raw` is the whole line and its content, without the line end, fits."""
        ending = 2 if raw.endswith(b"\r\n") else 1 if raw.endswith(b"\n") else 0
        if ending and len(raw) - ending <= limit:
            return None
        size, quotes = len(raw), raw.count(b'"')
        while not raw.endswith(b"\n"):
            raw = self.stream.readline(1 << 20)
            if not raw:
                break
            size += len(raw)
            quotes += raw.count(b'"')
        return Line(number, '"' * (quotes % 2), "too-large", size)

    def _wide_lines(self, encoding: str) -> Iterator[Line]:
        self.redecoded(encoding)
        reader = io.TextIOWrapper(self.stream, encoding=encoding, newline="\n")
        number = 0
        try:
            for number, line in enumerate(self._wide_texts(reader, encoding), 1):
                yield line._replace(number=number)
        except UnicodeDecodeError:
            yield Line(number + 1, "", "undecodable-rest", 0)
        finally:
            with contextlib.suppress(ValueError):  # already closed by its owner
                reader.detach()  # else leave it open: its owner closes it

    def _wide_texts(self, reader: io.TextIOWrapper, encoding: str) -> Iterator[Line]:
        """Yield the lines of a UTF-16/32 text stream (numbered 0: the caller numbers them);
        raise UnicodeDecodeError where the data stops being valid."""
        unit = 4 if "32" in encoding else 2  # bytes a character, near enough for the limit
        limit = self.limit
        cap = -1 if limit is None else limit // unit + 2
        while text := reader.readline(cap):
            cut = len(text) == cap and not text.endswith("\n")
            content = len(text.removesuffix("\n").removesuffix("\r"))
            if limit is not None and (cut or content * unit > limit):
                size, quotes = len(text) * unit, text.count('"')
                while not text.endswith("\n") and (text := reader.readline(1 << 20)):
                    size += len(text) * unit
                    quotes += text.count('"')
                yield Line(0, '"' * (quotes % 2), "too-large", size)
            else:
                yield Line(0, text, "binary" if "\0" in text else None, len(text) * unit)


def peek(stream: IO[bytes]) -> bytes:
    """Return up to BINARY_PROBE leading bytes of a stream without consuming them (or b"")."""
    look: Callable[[int], bytes] | None = getattr(stream, "peek", None)
    if look is not None:
        return bytes(look(BINARY_PROBE))[:BINARY_PROBE]
    if stream.seekable():
        position = stream.tell()
        head = stream.read(BINARY_PROBE)
        stream.seek(position)
        return head
    return b""
