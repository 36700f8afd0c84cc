"""Reading documents: files, folders, JSONL/CSV/TSV and standard input, into `Document` records.

`read_documents` is the entry point. Each input is a file, a folder (walked recursively in
sorted order, hidden entries ignored, each real file and folder once however many links lead
to it) or "-" for standard input (JSONL, CSV or TSV: named, or told from its first line).
The fields of each JSONL/CSV/TSV input, and its paragraph breaks, are named by the caller or
found from its first records (`dedupe.detection`); what each input was read with is recorded
in the `ReadLog`. Items that cannot be used are skipped and recorded
in a `ReadLog`; problems the user must fix (a missing path, an unsupported file named
explicitly, an unreadable file, a CSV without the text column, records without the text
field, an input with records but no document, a duplicate id) raise `InputError`.

JSONL and CSV/TSV are streamed record by record, so their size is not limited by memory, and
no record larger than `max_document_size` bytes is ever held: it is skipped ("too-large").
A NUL byte is never read as text: a text file holding one is skipped as binary, and so is the
record of a JSONL/CSV/TSV file that holds one. UTF-16 and UTF-32 are read with or without a
byte-order mark. CSV quoting is checked strictly: a quotation mark that is opened and never
properly closed does not swallow the rows after it (see `dedupe.delimited`). TSV has no
quoting unless asked (`tsv_quotes=True`): a text that starts with a quotation mark keeps it.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Literal

import orjson

from dedupe import decoding
from dedupe.dates import iso_date
from dedupe.dates import parse_date as parse_date  # re-exported: it lived here
from dedupe.decoding import (
    BINARY_PROBE,
    FALLBACK_ENCODING,
    UTF8_BOM,
    Line,
    Lines,
    PlainLine,
    binary_file,
    peek,
    too_large,
    wide_encoding,
)
from dedupe.delimited import (
    QuotedRecords,
    Record,
    Skipper,
    StrictCsv,
    StrictQuotedTsv,
    span,
    tab_records,
)
from dedupe.detection import (
    SAMPLE_BYTES,
    SAMPLE_CHARACTERS,
    SAMPLE_RECORDS,
    TEXT_NAMES,
    Detection,
    Fields,
    Paragraphs,
    resolve_fields,
    sample_keys,
    sniff_paragraphs,
)
from dedupe.detection import FieldNames as FieldNames  # re-exported: it lived here
from dedupe.errors import InputError, ParameterError
from dedupe.outlets import source_host


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read: its id, its text exactly as read, and optional metadata.

    `published` is an ISO 8601 date or date-time string (other forms are rewritten so when
    read), or None. `origin` says where it came from ("path", "path:line" or "<stdin>:line")
    for messages. `crawled`: `published` is a crawl time (from a field such as scrape_time:
    when a copy was fetched), not a publication time.
    """

    id: str
    text: str
    source: str | None = None
    published: str | None = None
    origin: str = ""
    crawled: bool = False


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A record exactly as read, for passing it through (`dedupe filter`).

    `format` is "jsonl" (`line`: the JSON object's text as read; `data`: its bytes as read,
    when they are that text in UTF-8; `path` and `offset`: where in a regular file `data`
    lies, when it was read from one), "csv", "tsv" or "tsv-quoted" (TSV read with quotation
    marks as CSV's: `header` and the record's `values`), "text" (a whole text file) or
    "document" (a Document given directly). `fields` are the record's fields as parsed.
    """

    format: str
    fields: Mapping[str, object]
    line: str | None = None
    header: tuple[str, ...] | None = None
    values: tuple[str, ...] | None = None
    data: bytes | None = None
    path: str | None = None
    offset: int | None = None


def document_record(document: Document) -> SourceRecord:
    """Return the record of a Document given directly: its id, text, and source and date
    when it has them."""
    fields: dict[str, object] = {"id": document.id, "text": document.text}
    if document.source is not None:
        fields["source"] = document.source
    if document.published is not None:
        fields["published"] = document.published
    return SourceRecord("document", fields)


RecordSink = Callable[[Document, SourceRecord], None]
"""Called with each document read and the record it was read from, in input order."""


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
    """What reading did besides yielding documents: skips, warnings, re-decoded files, and
    how each input was read (`inputs`, complete once reading is done). `paragraphs` is set
    by `dedupe.scan` to the paragraph breaks every text was split at."""

    read: int = 0
    skips: list[Skip] = field(default_factory=list)
    redecoded: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[Detection] = field(default_factory=list)
    paragraphs: Paragraphs | None = None

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


DEFAULT_FIELDS = FieldNames()
INPUT_FORMATS = ("jsonl", "csv", "tsv")
"""The formats standard input can be read in."""
STDIN = "-"
STDIN_LABEL = "<stdin>"
DEFAULT_MAX_DOCUMENT_SIZE = 16 * 1024 * 1024
"""Records (a text file, a JSON line, a CSV/TSV record) larger than this many bytes are
skipped: the later stages need about 50 bytes of memory per byte of text."""

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

Input = str | os.PathLike[str] | Document


def input_list(inputs: Input | Iterable[Input], *, documents: bool = True) -> list[Input]:
    """Return the inputs as a list: a single path or Document is a list of one.

    Raise TypeError for what cannot be an input: bytes, None, a path that is not text, a
    Document whose id or text is not a string (or, with `documents=False`, any Document).
    """
    if isinstance(inputs, str | os.PathLike | Document):
        items: list[object] = [inputs]
    elif inputs is None or isinstance(inputs, bytes | bytearray | memoryview):
        raise TypeError(
            f"inputs must be a path (str or os.PathLike), a Document or an iterable of them,"
            f" not {type(inputs).__name__}"
        )
    else:
        try:
            items = list(inputs)
        except TypeError:
            raise TypeError(
                "inputs must be a path (str or os.PathLike), a Document or an iterable of"
                f" them, not {type(inputs).__name__}"
            ) from None
    for position, item in enumerate(items):
        _check_item(item, position, documents)
    return items  # type: ignore[return-value]


def _check_item(item: object, position: int, documents: bool) -> None:
    """Raise TypeError if one input is neither a text path nor (if allowed) a sound Document."""
    if isinstance(item, Document) and documents:
        for name in ("id", "text"):
            value = getattr(item, name)
            if not isinstance(value, str):
                raise TypeError(
                    f"input {position}: Document {name} must be a str, not {type(value).__name__}"
                )
        for name in ("source", "published", "origin"):
            value = getattr(item, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(
                    f"input {position}: Document {name} must be a str or None,"
                    f" not {type(value).__name__}"
                )
        if not isinstance(item.crawled, bool):
            raise TypeError(
                f"input {position}: Document crawled must be a bool,"
                f" not {type(item.crawled).__name__}"
            )
        return
    path = os.fspath(item) if isinstance(item, str | os.PathLike) else None
    if not isinstance(path, str):
        wanted = "a path (str or os.PathLike)" + (" or a Document" if documents else "")
        raise TypeError(f"input {position} must be {wanted}, not {type(item).__name__}")


def read_documents(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    fields: FieldNames = DEFAULT_FIELDS,
    duplicate_ids: Literal["error", "suffix"] = "error",
    log: ReadLog | None = None,
    stdin: IO[bytes] | None = None,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
    input_format: str | None = None,
    on_record: RecordSink | None = None,
) -> Iterator[Document]:
    """Return an iterator over every readable document of the inputs, in a deterministic order.

    `inputs` is one path or several. Missing paths and unsupported files named explicitly
    raise `InputError` at once; other problems are found while iterating. Fields `fields`
    leaves None are found from each input's first records. Skipped items, warnings and how
    each input was read are recorded in `log`; "-" reads `stdin` (default: the process's
    standard input) in `input_format` ("jsonl", "csv", "tsv"; None: told from its first
    line). Records over `max_document_size` bytes are skipped (None: no limit);
    `tsv_quotes` reads TSV fields in quotation marks as CSV does. `on_record` is called with
    each document and the record it was read from (`SourceRecord`), as it is read.
    """
    if duplicate_ids not in ("error", "suffix"):
        raise ParameterError(
            f"duplicate_ids must be 'error' or 'suffix', not {_show(duplicate_ids)}"
        )
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise ParameterError(
            f"the input format must be one of {', '.join(INPUT_FORMATS)}, not {_show(input_format)}"
        )
    if max_document_size is not None and max_document_size < 1:
        raise ParameterError(
            f"the maximum document size must be at least 1 byte, not {max_document_size}"
        )
    items = input_list(inputs, documents=False)
    sources = [_check_input(os.fspath(item)) for item in items]  # type: ignore[arg-type]
    log = log if log is not None else ReadLog()
    context = _Context(fields, duplicate_ids, log, max_document_size, tsv_quotes)
    context.input_format = input_format
    context.on_record = on_record
    return _iter_documents(sources, context, stdin)


def _iter_documents(
    sources: list[str], context: _Context, stdin: IO[bytes] | None
) -> Iterator[Document]:
    """Yield the documents of each checked input in turn, counting them in the log.

    Raise InputError when an input had records but gave no document.
    """
    log = context.log
    for source in sources:
        context.source = STDIN_LABEL if source == STDIN else source
        records, first_skip = context.records, len(log.skips)
        context.fields_seen.clear()
        found = 0
        for document in _documents_of(source, context, stdin):
            log.read += 1
            found += 1
            yield document
        if not found and context.records > records:
            raise _no_document(source, context.records - records, log.skips[first_skip:], context)
        log.inputs.extend(context.finished_units())


def _no_document(source: str, records: int, skips: list[Skip], context: _Context) -> InputError:
    """Return the error for an input whose records all were skipped."""
    reasons = Counter(s.reason for s in skips if not s.kept)
    shown = ", ".join(f"{reason}: {n:,}" for reason, n in sorted(reasons.items()))
    message = f"no document could be read from its {records:,} record(s) ({shown})"
    if context.fields_seen:
        message += f"; fields found: {_field_list(context.fields_seen)}"
    if reasons.get("missing-text"):
        message += "; name the text field with --text-field"
    return InputError(message, path=STDIN_LABEL if source == STDIN else source)


def _field_list(seen: Counter[str]) -> str:
    """Return the field names most often seen first (then by name), at most 20, quoted."""
    names = sorted(seen, key=lambda name: (-seen[name], name))
    return ", ".join(_show(n) for n in names[:20]) + (", …" if len(names) > 20 else "")


def _documents_of(source: str, context: _Context, stdin: IO[bytes] | None) -> Iterator[Document]:
    """Yield the documents of one input: standard input, a folder or a file."""
    if source == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _guard_io(STDIN_LABEL, _stdin_documents(stream, context))
    elif os.path.isdir(source):
        if context.visit(source):
            for path in _walk(source, context):
                yield from _read_file(path, context)
    elif context.visit(source):
        yield from _read_file(source, context)


def _check_input(path: str) -> str:
    """Return the input unchanged if it can be read; raise InputError if it cannot."""
    if path == STDIN:
        return path
    if "\0" in path:
        raise InputError("a path cannot hold a NUL character", path=repr(path))
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


def _walk(folder: str, context: _Context) -> Iterator[str]:
    """Yield the supported files under a folder, sorted by path; record skips of the others.

    Hidden entries (names starting with ".") are ignored. A file or folder reached again
    through a symbolic link (a loop, or two links to one place) is not read again: that is
    recorded as a "duplicate-path" skip. Links that loop or lead nowhere are "broken-link".
    Folders are walked with a stack, not recursion, so any depth can be walked.
    """
    stack = [_listing(folder)]
    while stack:
        entry, device = next(stack[-1], (None, 0))
        if entry is None:
            stack.pop()
            continue
        kind = _kind_of(entry, device, context)
        if kind is None:
            continue
        mode, key = kind
        if stat.S_ISDIR(mode):
            if context.visit(entry.path, key):
                stack.append(_listing(entry.path))
        elif not stat.S_ISREG(mode):
            context.skip(entry.path, None, "unsupported-file", "not a regular file")
        elif _extension(entry.name) not in _READERS:
            context.skip(
                entry.path,
                None,
                "unsupported-file",
                f"unsupported file type {_extension(entry.name) or '(no extension)'}",
            )
        elif context.visit(entry.path, key):
            yield entry.path


def _listing(folder: str) -> Iterator[tuple[os.DirEntry[str], int]]:
    """Return the visible entries of a folder sorted by name, each with the folder's device;
    raise InputError if the folder cannot be listed."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
        device = os.stat(folder).st_dev
    except OSError as exc:
        raise _unreadable(folder, exc) from exc
    return ((entry, device) for entry in entries)


def _kind_of(
    entry: os.DirEntry[str], device: int, context: _Context
) -> tuple[int, tuple[int, int]] | None:
    """Return (file mode, (device, inode)) of what a folder entry is, following links, or
    None after recording a skip for a link that loops or leads nowhere (or an entry that
    cannot be looked at)."""
    try:
        if entry.is_symlink() or entry.is_dir(follow_symlinks=False):
            info = entry.stat()  # where a link leads; fails if it loops or leads nowhere
            return info.st_mode, (info.st_dev, info.st_ino)
        # No system call: the folder listing has the kind and the inode.
        mode = stat.S_IFREG if entry.is_file(follow_symlinks=False) else 0
        return mode, (device, entry.inode())
    except OSError as exc:
        if entry.is_symlink():
            context.skip(entry.path, None, "broken-link", f"broken link: {exc.strerror or exc}")
        else:
            context.skip(entry.path, None, "unreadable", f"cannot read: {exc.strerror or exc}")
        return None


def _extension(path: str) -> str:
    """Return the lower-cased extension of a path, with its dot ("" if none)."""
    return os.path.splitext(path)[1].lower()


def _read_file(path: str, context: _Context) -> Iterator[Document]:
    """Return the documents of one file, read by the reader its extension selects."""
    return _READERS[_extension(path)](path, context)


# --- text files ---------------------------------------------------------------------------


def _decode_text(data: bytes, path: str, context: _Context) -> str | None:
    """Return a whole file's text: UTF-8 (BOM stripped) or the detected encoding, else None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = decoding.detect_encoding(data)
    try:
        text = data.decode(encoding or FALLBACK_ENCODING)
    except (UnicodeDecodeError, LookupError):
        context.skip(path, None, "undecodable", "not UTF-8 and no other encoding fits")
        return None
    context.log.redecoded.append((path, encoding or FALLBACK_ENCODING))
    return text


def _read_text(path: str, context: _Context) -> Iterator[Document]:
    """Yield the single document of a .txt/.md file (id = file name without extension)."""
    data = _read_bytes(path, context)
    if data is None:
        return
    if not data or data == UTF8_BOM:
        context.skip(path, None, "empty-file", "empty file")
        return
    encoding = wide_encoding(data[:BINARY_PROBE])
    if encoding is not None:
        text = _decode_wide(data, encoding, path, context)
    elif b"\0" in data:
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not text")
        return
    else:
        text = _decode_text(data, path, context)
    if text is None:
        return
    name = os.path.splitext(os.path.basename(path))[0]
    context.begin_text_file()
    record = {_TEXT_FILE_FIELDS.text: text}
    document = context.build(record, path, None, name)
    if document is not None:
        if context.on_record is not None:
            context.on_record(document, SourceRecord("text", record))
        yield document


def _decode_wide(data: bytes, encoding: str, path: str, context: _Context) -> str | None:
    """Return a whole UTF-16/32 file's text, or None after recording that it is not."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        context.skip(path, None, "undecodable", f"not valid {encoding.upper()}")
        return None
    if "\0" in text:
        context.skip(path, None, "binary-file", "binary file (NUL characters), not text")
        return None
    context.log.redecoded.append((path, encoding))
    return text


def _read_bytes(path: str, context: _Context) -> bytes | None:
    """Return the whole content of a file, or None after recording that it is too large;
    raise InputError if it cannot be read."""
    limit = context.max_size
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if limit is not None and info.st_size > limit:
                context.skip(path, None, "too-large", too_large(info.st_size, limit))
                return None
            data = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if limit is not None and len(data) > limit:  # not a regular file: its size was unknown
        context.skip(path, None, "too-large", too_large(len(data), limit, more=True))
        return None
    return data


# --- lines of streamed formats ------------------------------------------------------------


def _record_skip(line: Line, path: str, context: _Context, what: str) -> None:
    """Record the skip of a record whose (first) line has a problem."""
    if line.problem == "too-large":
        context.skip(path, line.number, "too-large", too_large(line.size, context.limit))
    elif line.problem == "binary":
        context.skip(path, line.number, "binary-record", "holds a NUL byte: binary data, not text")
    elif line.problem == "undecodable-rest":
        context.skip(
            path, line.number, "undecodable", "cannot be decoded; the rest of the file is skipped"
        )
    else:
        context.skip(path, line.number, "undecodable", f"{what} cannot be decoded")


# --- JSONL --------------------------------------------------------------------------------


def _read_jsonl(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a .jsonl/.ndjson file, one JSON object a line, streamed."""
    with _open_binary(path) as stream:
        name = os.path.basename(path)
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
        yield from _guard_io(path, _jsonl_stream(stream, path, name, context, regular))


def _stdin_documents(stream: IO[bytes], context: _Context) -> Iterator[Document]:
    """Yield the documents of standard input, read in the format asked for, else in the
    format its first line shows."""
    kind = context.input_format or stdin_format(peek(stream))
    if kind == "jsonl":
        return _jsonl_stream(stream, STDIN_LABEL, STDIN_LABEL, context)
    if kind == "tsv" and context.tsv_quotes:
        kind = "tsv-quoted"
    return _delimited_stream(stream, STDIN_LABEL, context, kind)


def stdin_format(head: bytes) -> str:
    """Return the format ("jsonl", "csv" or "tsv") the leading bytes of a stream show: JSON
    lines start with "{"; otherwise a first line with more tabs than commas is a TSV header,
    else a CSV one. Nothing to look at is JSONL."""
    wide = wide_encoding(head)
    text = head.decode(wide or "utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text or text.startswith("{"):
        return "jsonl"
    first = text.split("\n", 1)[0]
    return "tsv" if first.count("\t") > first.count(",") else "csv"


def _jsonl_stream(
    stream: IO[bytes], path: str, name: str, context: _Context, regular: bool = False
) -> Iterator[Document]:
    """Yield the documents of a JSONL byte stream; blank lines are ignored.

    The fields are those named, the others found from the keys of the first objects. Raise
    InputError when the stream has JSON objects and none has the text field, or a named field
    is in none of them. With `regular` (the stream is the regular file `path`, read from its
    start), each record tells where its bytes lie in the file.
    """
    head = peek(stream)
    if binary_file(head):
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not JSON lines")
        return
    lines = Lines(stream, head, context.max_size, context.redecoded(path))
    rest = lines.plain()
    first = _leading_lines(rest)
    keys = sample_keys(_objects(first))
    context.begin(path, "jsonl", resolve_fields(context.named, keys))
    build = context.build
    text_field = context.fields.text
    read = context.fields.names()
    unseen = {name: kind for kind, name in context.named.named() if kind != "text"}
    empty = True
    objects = with_text = 0
    fields: Counter[str] = Counter()
    # Where the next line starts in the file: the lines' sizes are their bytes as read.
    offset = 0
    for number, text, problem, size, data in itertools.chain(first, rest):
        start, offset = offset, offset + size
        if problem is None and (not text or text.isspace()):
            continue
        empty = False
        context.records += 1
        if problem is not None:
            _record_skip(Line(number, text, problem, size), path, context, "line")
            continue
        record = _parse_object(text, path, number, context, data, read)
        if record is None:
            continue
        objects += 1
        if unseen:
            for key in [key for key in unseen if key in record]:
                del unseen[key]
        if text_field in record:
            with_text += 1
        elif objects - with_text <= 1000:  # enough to name the fields
            fields.update(record.keys())
        document = build(record, path, number, name)
        if document is not None:
            if context.on_record is not None:
                at = regular and data is not None
                raw = SourceRecord(
                    "jsonl",
                    record,
                    line=text,
                    data=data,
                    path=path if at else None,
                    offset=start if at else None,
                )
                context.on_record(document, raw)
            yield document
    if empty:
        context.skip(path, None, "empty-file", "empty file (no JSON lines)")
    elif objects and not with_text:
        looked = (
            f"a text field ({', '.join(TEXT_NAMES)})"
            if "text" in context.fields.found
            else f"a {text_field!r} field"
        )
        raise InputError(
            f"none of its {objects:,} JSON object(s) has {looked} (fields found:"
            f" {_field_list(fields)}); name the text field with --text-field",
            path=path,
        )
    elif objects and unseen:
        name, kind = next(iter(unseen.items()))
        raise InputError(
            f"no record has the {kind} field {name!r}"
            f" (fields found: {', '.join(map(_show, keys))}); fix --{kind}-field",
            path=path,
        )


def _leading_lines(lines: Iterator[PlainLine]) -> list[PlainLine]:
    """Return the first lines of a JSONL stream, enough to find its fields from: up to
    SAMPLE_RECORDS non-blank lines, or SAMPLE_BYTES."""
    taken: list[PlainLine] = []
    records = size = 0
    for line in lines:
        taken.append(line)
        if line[1] and not line[1].isspace():
            records += 1
        size += line[3]
        if records >= SAMPLE_RECORDS or size >= SAMPLE_BYTES:
            break
    return taken


def _objects(lines: Iterable[PlainLine]) -> Iterator[dict[str, object]]:
    """Yield the JSON objects among readable lines; other lines are left for the reading
    proper to record."""
    for _, text, problem, _, _ in lines:
        if problem is not None or not text or text.isspace():
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            yield value


def _parse_object(
    text: str,
    path: str,
    line: int,
    context: _Context,
    data: bytes | None = None,
    read: Sequence[str] = (),
) -> dict[str, object] | None:
    """Return the JSON object a line holds, or None after recording why it is unusable.

    `data`, the line's bytes when they are its text in UTF-8, is parsed by orjson (in half
    the time of json) when it gives what json would for the fields `read` (`_fast_object`).
    """
    fast = _fast_object(data, read) if data is not None else None
    if fast is not None:
        return fast
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


def _fast_object(data: bytes, read: Sequence[str]) -> dict[str, object] | None:
    """Return the JSON object orjson parses from `data`, or None when json is to parse it:
    orjson refuses it (json then says why, or reads what orjson does not: NaN, a lone
    surrogate, a number beyond a double), it is not an object, or a field `read` holds
    anything but a string, an integer, a boolean or null (orjson reads an integer beyond 64
    bits as a float, where json keeps the integer: a date or a list may hold one)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict:
        return None
    for name in read:
        if type(value.get(name)) not in _EXACT:
            return None
    return value


# Values orjson and json read alike.
_EXACT = frozenset({str, int, bool, type(None)})


# --- CSV and TSV --------------------------------------------------------------------------


def _read_csv(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a comma-separated file with a header row, streamed."""
    return _read_delimited(path, context, "csv")


def _read_tsv(path: str, context: _Context) -> Iterator[Document]:
    """Yield the documents of a tab-separated file with a header row, streamed: one record a
    line, fields split at tabs, quotation marks kept as text (unless `tsv_quotes`)."""
    return _read_delimited(path, context, "tsv-quoted" if context.tsv_quotes else "tsv")


def _read_delimited(path: str, context: _Context, kind: str) -> Iterator[Document]:
    """Yield the documents of a CSV-like file of the given kind ("csv", "tsv", "tsv-quoted")."""
    csv.field_size_limit(_FIELD_SIZE_LIMIT)
    with _open_binary(path) as stream:
        yield from _guard_io(path, _delimited_stream(stream, path, context, kind))


def _delimited_stream(
    stream: IO[bytes], path: str, context: _Context, kind: str
) -> Iterator[Document]:
    """Yield one document per data row of a CSV-like byte stream; record the broken rows."""
    head = peek(stream)
    if binary_file(head):
        context.skip(path, None, "binary-file", "binary file (NUL bytes), not delimited text")
        return
    lines = Lines(stream, head, context.max_size, context.redecoded(path))
    quoted: QuotedRecords | None = None
    if kind == "tsv":
        records: Iterator[Record] = tab_records(lines)
    else:
        dialect = StrictCsv if kind == "csv" else StrictQuotedTsv
        records = quoted = QuotedRecords(
            iter(lines), dialect, context.skipper(path), context.max_size
        )
    header = _header(records, path, context, "csv" if kind == "csv" else "tsv")
    if header is None:
        context.skip(path, None, "empty-file", "empty file (no header row)")
        return
    if quoted is not None:
        quoted.columns = len(header)
    name = os.path.basename(path)
    for taken, row in records:
        first = taken[0]
        context.records += 1
        if row is None:
            continue  # already recorded by QuotedRecords
        broken = next((line for line in taken if line.problem is not None), None)
        if broken is not None:
            if broken.problem == "undecodable" and len(taken) > 1:
                where = ", ".join(str(line.number) for line in taken if line.problem)
                context.skip(
                    path,
                    first.number,
                    "undecodable",
                    f"record skipped: line {where} cannot be decoded",
                )
            else:
                _record_skip(broken, path, context, "record")
            continue
        if len(row) != len(header):
            context.skip(
                path,
                first.number,
                "malformed-row",
                f"expected {len(header)} fields, found {len(row)}{span(taken)}",
            )
            continue
        record = dict(zip(header, row, strict=True))
        document = context.build(record, path, first.number, name)
        if document is not None:
            if context.on_record is not None:
                raw = SourceRecord(kind, record, header=tuple(header), values=tuple(row))
                context.on_record(document, raw)
            yield document


def _header(records: Iterator[Record], path: str, context: _Context, kind: str) -> list[str] | None:
    """Return the column names of the first non-blank record (None if there is none), and
    begin reading with the fields they name or show.

    Raise InputError if that record cannot be read, or has no text column or no column named
    by the caller.
    """
    for taken, row in records:
        line = taken[0].number
        broken = next((item for item in taken if item.problem is not None), None)
        if row is None or broken is not None:
            problem = broken.problem if broken is not None else "quoting"
            what = {
                "too-large": "is too large",
                "binary": "holds a NUL byte",
                "quoting": "has a quotation mark that is not closed properly",
            }.get(problem or "", "cannot be decoded")
            raise InputError(f"the header row {what}", path=path, line=line)
        columns = [name.strip() for name in row]
        fields = resolve_fields(context.named, columns)
        shown = ", ".join(_show(c) for c in columns[:20]) + (", …" if len(columns) > 20 else "")
        if fields.text not in columns:
            looked = (
                f"text column (looked for {', '.join(TEXT_NAMES)})"
                if "text" in fields.found
                else f"{fields.text!r} column"
            )
            raise InputError(
                f"the header has no {looked} (columns: {shown}); "
                "name the text column with --text-field",
                path=path,
                line=line,
            )
        for option, name in context.named.named():
            if name not in columns:
                raise InputError(
                    f"the header has no {option} column {name!r} (columns: {shown});"
                    f" fix --{option}-field",
                    path=path,
                    line=line,
                )
        context.begin(path, kind, fields)
        return columns
    return None


def _open_binary(path: str) -> IO[bytes]:
    """Return the file opened for binary reading; raise InputError if it cannot be opened."""
    try:
        return open(path, "rb", buffering=1 << 16)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


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


_TEXT_FILE_FIELDS = Fields(id=None, text="text")


class _Unit:
    """One input being read (a JSONL/CSV/TSV file or stream, or the text files of one input):
    the fields it is read with, and what its documents show so far."""

    __slots__ = (
        "documents",
        "fields",
        "format",
        "path",
        "texts",
        "with_crawl",
        "with_date",
        "with_source",
    )

    def __init__(self, path: str, format: str, fields: Fields) -> None:
        self.path = path
        self.format = format
        self.fields = fields
        self.texts: list[str] = []  # the first texts, to sniff paragraph breaks from
        self.documents = self.with_source = self.with_date = self.with_crawl = 0

    def add(self, document: Document) -> None:
        """Count one document read from the input."""
        self.documents += 1
        self.with_source += document.source is not None
        if document.published is not None:
            self.with_date += 1
            self.with_crawl += document.crawled
        if len(self.texts) < SAMPLE_RECORDS:
            self.texts.append(document.text[:SAMPLE_CHARACTERS])

    def detection(self) -> Detection:
        """Return how the input was read."""
        return Detection(
            path=self.path,
            format=self.format,
            fields=None if self.format == "text" else self.fields,
            paragraphs=sniff_paragraphs(self.texts),
            documents=self.documents,
            with_source=self.with_source,
            with_date=self.with_date,
            with_crawl_time=self.with_crawl,
        )


class _Context:
    """The state shared by the readers of one call: field names, the log and the ids seen."""

    def __init__(
        self,
        fields: FieldNames,
        duplicate_ids: Literal["error", "suffix"],
        log: ReadLog,
        max_size: int | None,
        tsv_quotes: bool,
    ) -> None:
        self.named = fields
        self.fields = _TEXT_FILE_FIELDS  # those of the input being read (`begin`)
        self.input_format: str | None = None  # of standard input (None: told from it)
        self.on_record: RecordSink | None = None
        self.source = ""  # the input (as given) being read
        self._units: list[_Unit] = []
        self._unit: _Unit | None = None
        self._text_unit: _Unit | None = None
        self.duplicate_ids = duplicate_ids
        self.log = log
        self.max_size = max_size
        self.limit = max_size or 0  # for messages about records over it
        self.tsv_quotes = tsv_quotes
        self.records = 0  # JSONL/CSV/TSV records met (read or skipped, not whole text files)
        self.fields_seen: Counter[str] = Counter()  # field names of the current input's skips
        self._seen: dict[str, str] = {}
        self._next_suffix: dict[str, int] = {}
        self._visited: dict[tuple[int, int], str] = {}

    def begin(self, path: str, format: str, fields: Fields) -> None:
        """Start reading the records of one JSONL/CSV/TSV file or stream with `fields`."""
        self.fields = fields
        self._unit = _Unit(path, format, fields)
        self._units.append(self._unit)

    def begin_text_file(self) -> None:
        """Start reading one text file, counted with the other text files of the input."""
        self.fields = _TEXT_FILE_FIELDS
        if self._text_unit is None:
            self._text_unit = _Unit(self.source, "text", _TEXT_FILE_FIELDS)
            self._units.append(self._text_unit)
        self._unit = self._text_unit

    def finished_units(self) -> list[Detection]:
        """Return how each part of the input just read was read, and start afresh."""
        done = [unit.detection() for unit in self._units]
        self._units, self._unit, self._text_unit = [], None, None
        return done

    def visit(self, path: str, key: tuple[int, int] | None = None) -> bool:
        """Return True the first time a real file or folder (device and inode `key`, else
        found by `os.stat`) is reached; after that, record a "duplicate-path" skip."""
        if key is None:
            try:
                info = os.stat(path)
            except OSError as exc:
                raise _unreadable(path, exc) from exc
            key = (info.st_dev, info.st_ino)
        first = self._visited.setdefault(key, path)
        if first == path and first is path:
            return True
        self.skip(path, None, "duplicate-path", f"the same file or folder as {first}; read once")
        return False

    def skip(
        self, path: str, line: int | None, reason: str, message: str, *, kept: bool = False
    ) -> None:
        """Record a skipped item (or, with kept=True, a warning on a kept one)."""
        self.log.add(Skip(path, line, reason, message, kept))

    def skipper(self, path: str) -> Skipper:
        """Return a function that records the skip of a record of `path` at a line."""
        return lambda line, reason, message: self.skip(path, line, reason, message)

    def redecoded(self, path: str) -> Callable[[str], None]:
        """Return a function that notes `path` as read in another encoding than UTF-8."""
        return lambda encoding: self.log.redecoded.append((path, encoding))

    def build(
        self, record: Mapping[str, object], path: str, line: int | None, name: str
    ) -> Document | None:
        """Return the document of one record, or None after recording why it was skipped.

        `name` makes the id of a record without one: "name:line", or `name` itself when
        `line` is None (a whole-file document).
        """
        document = self._build(record, path, line, name)
        if document is not None:
            if self._unit is not None:
                self._unit.add(document)
        elif line is not None and len(self.fields_seen) < 1000:
            self.fields_seen.update(record.keys())  # to name them if the input gives nothing
        return document

    def _build(
        self, record: Mapping[str, object], path: str, line: int | None, name: str
    ) -> Document | None:
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
        doc_id = self._id(record.get(fields.id) if fields.id else None, path, line, name)
        if doc_id is None:
            return None
        origin = path if line is None else f"{path}:{line}"
        published, crawled = self._published(record, path, line)
        doc_id = self._unique(doc_id, origin, path, line)
        return Document(doc_id, text, self._source(record), published, origin, crawled)

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
        """Return the first non-empty source field of the record, stripped, else the host of
        its web address when the outlet is read from one, else None."""
        for key in self.fields.source:
            value = record.get(key)
            if isinstance(value, str) and value and not value.isspace():
                return value.strip()
        if self.fields.source_url:
            address = record.get(self.fields.source_url)
            return source_host(address) if isinstance(address, str) else None
        return None

    def _published(
        self, record: Mapping[str, object], path: str, line: int | None
    ) -> tuple[str | None, bool]:
        """Return the first present date field as ISO 8601 (None if there is none), and
        whether it is a crawl time.

        A date that cannot be read is dropped with a kept warning ("bad-date").
        """
        fields = self.fields
        for key in fields.published:
            value = record.get(key)
            if value is None or (isinstance(value, str) and (not value or value.isspace())):
                continue
            date = iso_date(value)
            if date is not None:
                return date, key in fields.crawled
            self.skip(
                path,
                line,
                "bad-date",
                f"{key!r} is not a date ({_show(value)}); kept without a date",
                kept=True,
            )
            return None, False
        return None, False

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
