"""Reading documents: files, folders, JSONL/CSV/TSV and standard input, into `Document` records.

`read_documents` is the entry point. Each input is a file, a folder (walked recursively in
sorted order, hidden entries ignored) or "-" for JSONL on standard input. Items that cannot be
used are skipped and recorded in a `ReadLog`; problems the user must fix (a missing path, an
unsupported file named explicitly, an unreadable file, a CSV without the text column, a
duplicate id) raise `InputError`. JSONL and CSV/TSV are streamed line by line, so their size is
not limited by memory.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Literal

from charset_normalizer import from_bytes

from dedupe.errors import InputError, ParameterError

if TYPE_CHECKING:
    from _csv import Reader as CsvReader


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read: its id, its text exactly as read, and optional metadata.

    `published` is an ISO 8601 date or date-time string (validated when read), or None.
    `origin` says where it came from ("path", "path:line" or "<stdin>:line") for messages.
    """

    id: str
    text: str
    source: str | None = None
    published: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Skip:
    """An input item that was skipped (or kept with a warning), with where and why."""

    path: str
    line: int | None
    reason: str
    message: str
    kept: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class ReadLog:
    """What reading did besides yielding documents: skips, warnings, re-decoded files."""

    read: int = 0
    skips: list[Skip] = field(default_factory=list)
    redecoded: list[tuple[str, str]] = field(default_factory=list)

    def add(self, skip: Skip) -> None:
        """Record one skipped item or warning."""
        self.skips.append(skip)

    def counts(self) -> dict[str, int]:
        """Return the number of skipped items by reason (warnings on kept items excluded)."""
        return dict(sorted(Counter(s.reason for s in self.skips if not s.kept).items()))

    def to_jsonl(self) -> str:
        """Return every skip and warning as one JSON object a line (what `--errors` writes)."""
        return "".join(
            json.dumps(
                {
                    "path": s.path,
                    "line": s.line,
                    "reason": s.reason,
                    "message": s.message,
                    "kept": s.kept,
                },
                ensure_ascii=False,
            )
            + "\n"
            for s in self.skips
        )

    @property
    def skipped(self) -> int:
        """Return how many items were skipped (not counting warnings on kept items)."""
        return sum(1 for s in self.skips if not s.kept)


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which record fields hold the id, the text, the source and the publication date.

    For `source` and `published` the first listed field that is present (and, for the
    source, a non-empty string) wins.
    """

    id: str = "id"
    text: str = "text"
    source: tuple[str, ...] = ("outlet", "source", "publisher")
    published: tuple[str, ...] = ("published", "date")


DEFAULT_FIELDS = FieldNames()
STDIN = "-"
STDIN_LABEL = "<stdin>"
BINARY_PROBE = 8192
"""How many leading bytes are checked for NUL bytes to tell a binary file."""

_UTF8_BOM = codecs.BOM_UTF8
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
_FALLBACK_ENCODING = "cp1252"
_FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)
_SHOW_LIMIT = 60
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def read_documents(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    fields: FieldNames = DEFAULT_FIELDS,
    duplicate_ids: Literal["error", "suffix"] = "error",
    log: ReadLog | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document]:
    """Return an iterator over every readable document of the inputs, in a deterministic order.

    Missing paths and unsupported files named explicitly raise `InputError` at once; other
    problems are found while iterating. Skipped items and warnings are recorded in `log`;
    "-" reads JSONL from `stdin` (default: the process's standard input).
    """
    if duplicate_ids not in ("error", "suffix"):
        raise ParameterError(
            f"duplicate_ids must be 'error' or 'suffix', not {_show(duplicate_ids)}"
        )
    sources = [_check_input(os.fspath(item)) for item in inputs]
    context = _Context(fields, duplicate_ids, log if log is not None else ReadLog())
    return _iter_documents(sources, context, stdin)


def _iter_documents(
    sources: list[str], context: _Context, stdin: IO[bytes] | None
) -> Iterator[Document]:
    """Yield the documents of each checked input in turn, counting them in the log."""
    log = context.log
    for source in sources:
        for document in _documents_of(source, context, stdin):
            log.read += 1
            yield document


def _documents_of(source: str, context: _Context, stdin: IO[bytes] | None) -> Iterator[Document]:
    """Yield the documents of one input: standard input, a folder or a file."""
    if source == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _guard_io(STDIN_LABEL, _jsonl_stream(stream, STDIN_LABEL, STDIN_LABEL, context))
    elif os.path.isdir(source):
        for path in _walk(source, context, frozenset({_dir_key(source)})):
            yield from _read_file(path, context)
    else:
        yield from _read_file(source, context)


def _check_input(path: str) -> str:
    """Return the input unchanged if it can be read; raise InputError if it cannot."""
    if path == STDIN:
        return path
    try:
        os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file or folder", path=path) from None
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if not os.path.isdir(path) and _extension(path) not in _READERS:
        raise InputError(
            f"unsupported file type {_extension(path) or '(no extension)'}; "
            f"supported: {', '.join(SUPPORTED_EXTENSIONS)}, a folder, or - for JSONL on stdin",
            path=path,
        )
    return path


def _walk(folder: str, context: _Context, ancestors: frozenset[tuple[int, int]]) -> Iterator[str]:
    """Yield the supported files under a folder, sorted by path; record skips of the others.

    Hidden entries (names starting with ".") are ignored; a symbolic link back to a folder
    being walked is not followed again.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        raise _unreadable(folder, exc) from exc
    for entry in entries:
        if entry.is_dir():
            key = _dir_key(entry.path)
            if key not in ancestors:
                yield from _walk(entry.path, context, ancestors | {key})
        elif not entry.is_file():
            context.skip(entry.path, None, "unsupported-file", "not a regular file")
        elif _extension(entry.name) in _READERS:
            yield entry.path
        else:
            context.skip(
                entry.path,
                None,
                "unsupported-file",
                f"unsupported file type {_extension(entry.name) or '(no extension)'}",
            )


def _dir_key(path: str) -> tuple[int, int]:
    """Return the (device, inode) pair identifying a folder, to detect symbolic-link loops."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    return info.st_dev, info.st_ino


def _extension(path: str) -> str:
    """Return the lower-cased extension of a path, with its dot ("" if none)."""
    return os.path.splitext(path)[1].lower()


def _read_file(path: str, context: _Context) -> Iterator[Document]:
    """Return the documents of one file, read by the reader its extension selects."""
    return _READERS[_extension(path)](path, context)


# --- text files ---------------------------------------------------------------------------


def _read_text(path: str, context: _Context) -> Iterator[Document]:
    """Yield the single document of a .txt/.md file (id = file name without extension)."""
    data = _read_bytes(path)
    if not data or data == _UTF8_BOM:
        context.skip(path, None, "empty-file", "empty file")
        return
    if _looks_binary(data[:BINARY_PROBE]):
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not text")
        return
    text = _decode_text(data, path, context)
    if text is None:
        return
    name = os.path.splitext(os.path.basename(path))[0]
    document = context.build({context.fields.text: text}, path, None, name)
    if document is not None:
        yield document


def _read_bytes(path: str) -> bytes:
    """Return the whole content of a file; raise InputError if it cannot be read."""
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _decode_text(data: bytes, path: str, context: _Context) -> str | None:
    """Return a whole file's text: UTF-8 (BOM stripped) or the detected encoding, else None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = _detect_encoding(data)
    try:
        text = data.decode(encoding or _FALLBACK_ENCODING)
    except (UnicodeDecodeError, LookupError):
        context.skip(path, None, "undecodable", "not UTF-8 and no other encoding fits")
        return None
    context.log.redecoded.append((path, encoding or _FALLBACK_ENCODING))
    return text


def _detect_encoding(data: bytes) -> str | None:
    """Return the encoding charset-normalizer finds most plausible for the bytes, or None.

    Only encodings that keep ASCII as ASCII are considered unless the data starts with a
    UTF-16/32 byte-order mark. Ties, and guesses without any language evidence, go to
    Windows-1252 when it decodes the data, as most legacy news text is in it.
    """
    wide = data.startswith(_WIDE_BOMS)
    matches = [m for m in from_bytes(data) if wide or _ascii_compatible(m.encoding)]
    if not matches:
        return None
    best = matches[0]
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    if any(_FALLBACK_ENCODING in m.could_be_from_charset for m in tied):
        return _FALLBACK_ENCODING
    if best.coherence == 0 and not wide and _decodes(data, _FALLBACK_ENCODING):
        return _FALLBACK_ENCODING
    return str(best.encoding)


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


def _looks_binary(head: bytes) -> bool:
    """Return whether leading bytes look binary: NUL bytes without a UTF-16/32 byte-order mark."""
    return b"\0" in head and not head.startswith(_WIDE_BOMS)


# --- streamed formats: JSONL, CSV, TSV ---------------------------------------------------


def _read_jsonl(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a .jsonl/.ndjson file, one JSON object a line, streamed."""
    with _open_binary(path) as stream:
        name = os.path.basename(path)
        yield from _guard_io(path, _jsonl_stream(stream, path, name, context))


def _jsonl_stream(stream: IO[bytes], path: str, name: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a JSONL byte stream; blank lines are ignored."""
    if _looks_binary(_peek(stream)):
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not JSON lines")
        return
    build = context.build
    empty = True
    undecodable: list[int] = []
    for line, text in _text_lines(stream, path, context, undecodable):
        if undecodable:
            undecodable.clear()
            context.skip(path, line, "undecodable", "line cannot be decoded")
            empty = False
            continue
        if not text or text.isspace():
            continue
        empty = False
        record = _parse_object(text, path, line, context)
        if record is not None:
            document = build(record, path, line, name)
            if document is not None:
                yield document
    if empty:
        context.skip(path, None, "empty-file", "empty file (no JSON lines)")


def _parse_object(text: str, path: str, line: int, context: _Context) -> dict[str, object] | None:
    """Return the JSON object a line holds, or None after recording why it is unusable."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        context.skip(
            path, line, "malformed-json", f"malformed JSON: {exc.msg} (column {exc.colno})"
        )
        return None
    except (ValueError, RecursionError) as exc:
        context.skip(path, line, "malformed-json", f"malformed JSON: {exc}")
        return None
    if not isinstance(value, dict):
        context.skip(
            path, line, "not-an-object", f"a JSON line must be an object, not {_kind(value)}"
        )
        return None
    return value


def _read_csv(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a comma-separated file with a header row, streamed."""
    return _read_delimited(path, context, "excel")


def _read_tsv(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a tab-separated file with a header row, streamed."""
    return _read_delimited(path, context, "excel-tab")


def _read_delimited(path: str, context: _Context, dialect: str) -> Iterator[Document]:
    """Yield the documents of a CSV-like file in the given csv-module dialect."""
    csv.field_size_limit(_FIELD_SIZE_LIMIT)
    with _open_binary(path) as stream:
        yield from _guard_io(path, _delimited_stream(stream, path, context, dialect))


def _delimited_stream(
    stream: IO[bytes], path: str, context: _Context, dialect: str
) -> Iterator[Document]:
    """Yield one document per data row of a CSV-like byte stream; record the broken rows."""
    if _looks_binary(_peek(stream)):
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not delimited text")
        return
    undecodable: list[int] = []
    lines = (text for _, text in _text_lines(stream, path, context, undecodable))
    reader = csv.reader(lines, dialect)
    header = _header(reader, undecodable, path, context.fields)
    if header is None:
        context.skip(path, None, "empty-file", "empty file (no header row)")
        return
    name = os.path.basename(path)
    for line, row in _rows(reader, undecodable, path, context):
        if len(row) != len(header):
            context.skip(
                path, line, "malformed-row", f"expected {len(header)} fields, found {len(row)}"
            )
            continue
        document = context.build(dict(zip(header, row, strict=True)), path, line, name)
        if document is not None:
            yield document


def _header(
    reader: CsvReader, undecodable: list[int], path: str, fields: FieldNames
) -> list[str] | None:
    """Return the column names of the first non-blank row (None if there is none).

    Raise InputError if that row cannot be read or has no text column.
    """
    row: list[str] = []
    while not row:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise InputError(f"cannot read the header row: {exc}", path=path, line=line) from exc
        if undecodable:
            raise InputError("the header row cannot be decoded", path=path, line=undecodable[0])
    columns = [name.strip() for name in row]
    if fields.text not in columns:
        shown = ", ".join(_show(c) for c in columns[:20]) + (", …" if len(columns) > 20 else "")
        raise InputError(
            f"the header has no {fields.text!r} column (columns: {shown}); "
            "name the text column with --text-field",
            path=path,
            line=line,
        )
    return columns


def _rows(
    reader: CsvReader, undecodable: list[int], path: str, context: _Context
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line, fields) of each non-blank record; record unreadable ones."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            undecodable.clear()
            context.skip(path, start, "malformed-row", f"unreadable record: {exc}")
            continue
        if undecodable:
            _skip_undecodable(start, undecodable, path, context)
        elif row:
            yield start, row


def _skip_undecodable(start: int, undecodable: list[int], path: str, context: _Context) -> None:
    """Record the skip of a record holding undecodable lines, then forget those lines."""
    lines = ", ".join(str(n) for n in undecodable)
    context.skip(path, start, "undecodable", f"record skipped: line {lines} cannot be decoded")
    undecodable.clear()


def _text_lines(
    stream: IO[bytes], path: str, context: _Context, undecodable: list[int]
) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, text with its line end) for each line of a byte stream.

    Lines are UTF-8 (a leading BOM is dropped); a line that is not is decoded with the file's
    fallback encoding, detected once from the first such line and recorded in the log. A line
    that even the fallback cannot decode is yielded with replacement characters after its
    number is appended to `undecodable`, so the caller can drop what it belongs to.
    """
    fallback: str | None = None
    recorded = False
    for line, raw in enumerate(stream, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            fallback = fallback or _line_encoding(raw)
            try:
                text = raw.decode(fallback)
            except UnicodeDecodeError:
                undecodable.append(line)
                text = raw.decode(fallback, "replace")
            if not recorded:
                context.log.redecoded.append((path, fallback))
                recorded = True
        if line == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield line, text


def _line_encoding(raw: bytes) -> str:
    """Return the encoding to decode a stream's non-UTF-8 lines with, guessed from one line."""
    return _detect_encoding(raw) or _FALLBACK_ENCODING


def _open_binary(path: str) -> IO[bytes]:
    """Return the file opened for binary reading; raise InputError if it cannot be opened."""
    try:
        return open(path, "rb", buffering=1 << 16)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _peek(stream: IO[bytes]) -> bytes:
    """Return up to BINARY_PROBE leading bytes of a stream without consuming them (or b"")."""
    peek: Callable[[int], bytes] | None = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(BINARY_PROBE))[:BINARY_PROBE]
    if stream.seekable():
        position = stream.tell()
        head = stream.read(BINARY_PROBE)
        stream.seek(position)
        return head
    return b""


def _guard_io(path: str, documents: Iterator[Document]) -> Iterator[Document]:
    """Yield the documents, turning an OSError met while reading into an InputError."""
    try:
        yield from documents
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: str, exc: OSError) -> InputError:
    """Return the InputError for a file or folder the system refuses to read."""
    return InputError(f"cannot read: {exc.strerror or exc}", path=path)


# --- records to documents -----------------------------------------------------------------


class _Context:
    """The state shared by the readers of one call: field names, the log and the ids seen."""

    def __init__(
        self, fields: FieldNames, duplicate_ids: Literal["error", "suffix"], log: ReadLog
    ) -> None:
        self.fields = fields
        self.duplicate_ids = duplicate_ids
        self.log = log
        self._seen: dict[str, str] = {}
        self._next_suffix: dict[str, int] = {}

    def skip(
        self, path: str, line: int | None, reason: str, message: str, *, kept: bool = False
    ) -> None:
        """Record a skipped item (or, with kept=True, a warning on a kept one)."""
        self.log.add(Skip(path, line, reason, message, kept))

    def build(
        self, record: Mapping[str, object], path: str, line: int | None, name: str
    ) -> Document | None:
        """Return the document of one record, or None after recording why it was skipped.

        `name` makes the id of a record without one: "name:line", or `name` itself when
        `line` is None (a whole-file document).
        """
        fields = self.fields
        text = record.get(fields.text)
        if text is None:
            self.skip(path, line, "missing-text", f"no {fields.text!r} field")
            return None
        if not isinstance(text, str):
            self.skip(
                path, line, "bad-text-type", f"{fields.text!r} is {_kind(text)}, not a string"
            )
            return None
        if not text or text.isspace():
            self.skip(path, line, "empty-text", f"{fields.text!r} is empty")
            return None
        doc_id = self._id(record.get(fields.id), path, line, name)
        if doc_id is None:
            return None
        origin = path if line is None else f"{path}:{line}"
        published = self._published(record, path, line)
        doc_id = self._unique(doc_id, origin, path, line)
        return Document(doc_id, text, self._source(record), published, origin)

    def _id(self, value: object, path: str, line: int | None, name: str) -> str | None:
        """Return the record's id as a string (made up if absent), or None if it is unusable."""
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            return name if line is None else f"{name}:{line}"
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.skip(
            path,
            line,
            "bad-id",
            f"{self.fields.id!r} is {_kind(value)} ({_show(value)}), not a string or integer",
        )
        return None

    def _source(self, record: Mapping[str, object]) -> str | None:
        """Return the first non-empty source field of the record, stripped, or None."""
        for key in self.fields.source:
            value = record.get(key)
            if isinstance(value, str) and value and not value.isspace():
                return value.strip()
        return None

    def _published(self, record: Mapping[str, object], path: str, line: int | None) -> str | None:
        """Return the first present date field if it is ISO 8601, stripped; else None.

        A date that does not parse is dropped with a kept warning ("bad-date").
        """
        for key in self.fields.published:
            value = record.get(key)
            if value is None or (isinstance(value, str) and (not value or value.isspace())):
                continue
            if isinstance(value, str) and parse_date(value) is not None:
                return value.strip()
            self.skip(
                path,
                line,
                "bad-date",
                f"{key!r} is not an ISO 8601 date ({_show(value)}); kept without a date",
                kept=True,
            )
            return None
        return None

    def _unique(self, doc_id: str, origin: str, path: str, line: int | None) -> str:
        """Return the id, or its next free "id~N" form if already taken and suffixing is on.

        Raise InputError on a repeated id when duplicate ids are an error.
        """
        first = self._seen.get(doc_id)
        if first is None:
            self._seen[doc_id] = origin
            return doc_id
        if self.duplicate_ids == "error":
            raise InputError(
                f"duplicate id {_show(doc_id)}: at {first} and at {origin}; "
                "make ids unique or pass --on-duplicate-id suffix",
                path=path,
                line=line,
            )
        number = self._next_suffix.get(doc_id, 2)
        while f"{doc_id}~{number}" in self._seen:
            number += 1
        renamed = f"{doc_id}~{number}"
        self._next_suffix[doc_id] = number + 1
        self._seen[renamed] = origin
        self.skip(
            path,
            line,
            "duplicate-id",
            f"duplicate id {_show(doc_id)} (first at {first}); renamed {_show(renamed)}",
            kept=True,
        )
        return renamed


def parse_date(value: str | None) -> datetime | None:
    """Return an ISO 8601 date or date-time as an aware datetime, or None if it is not one.

    A date alone is midnight; a time without a zone is taken as UTC.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _kind(value: object) -> str:
    """Return the JSON name of a value's type, with an article ("an array", "null", ...)."""
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), f"a {type(value).__name__}")


def _show(value: object) -> str:
    """Return a short one-line representation of a value for messages."""
    text = repr(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


_READERS: dict[str, Callable[[str, _Context], Iterator[Document]]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".csv": _read_csv,
    ".tsv": _read_tsv,
}
SUPPORTED_EXTENSIONS = tuple(sorted(_READERS))
