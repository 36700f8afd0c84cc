"""Records passed through: spooled as read, written back in input order, every field as it was.

`dedupe filter` writes the records themselves, not a report. Each record is spooled to disk
as read (`RecordSpool`), so memory follows the number of records, not their size; then they
are written back in input order, kept or annotated, in the format of the input: a JSON line
as read (annotations appended inside the object, its own text untouched), a CSV or TSV row
with the same values under the same header (annotation columns added). A JSON line read from
a regular file is not copied: the spool notes where it lies and reads it back from there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from dedupe.documents import SourceRecord
from dedupe.errors import InputError, OutputError

_BATCH = 1000  # rows of CSV or TSV written per piece of output
_BUFFER = 1 << 20  # bytes of spooled records held before they are written


class RecordSpool:
    """Records as read, spooled to a temporary file, with their ids in input order."""

    def __init__(self) -> None:
        # Bytes: a record not written back (a dropped near-duplicate) is never decoded again.
        # A large buffer: records of a few kilobytes each would each be a write of their own
        # through the default one (about half the cost of spooling a record).
        self._file = tempfile.TemporaryFile(prefix="dedupe-records-", buffering=_BUFFER)  # noqa: SIM115 (closed by `close`)
        self.ids: list[str] = []
        self.formats: set[str] = set()
        self._headers: list[tuple[str, ...]] = []
        self._header_index: dict[tuple[str, ...], int] = {}
        self._names: dict[str, None] = {}  # field names of records without a header, in order
        # Records left where they lie in their input files: per record, the input it lies in
        # (-1: spooled), with its offset and size there.
        self._inputs = _Inputs()
        self._where = array("q")
        self._offsets = array("q")
        self._sizes = array("q")

    def add(self, id: str, record: SourceRecord) -> None:
        """Spool one record read under `id`."""
        self.ids.append(id)
        self.formats.add(record.format)
        if record.path is not None and record.offset is not None and record.data is not None:
            self._names.update(dict.fromkeys(record.fields))
            self._where.append(self._inputs.number(record.path))
            self._offsets.append(record.offset)
            self._sizes.append(len(record.data))
            return
        self._where.append(-1)
        self._offsets.append(0)
        self._sizes.append(0)
        if record.header is not None and record.values is not None:
            header = self._header_index.setdefault(record.header, len(self._headers))
            if header == len(self._headers):
                self._headers.append(record.header)
            entry: list[Any] = [1, header, list(record.values), record.format]
        else:
            self._names.update(dict.fromkeys(record.fields))
            if record.format == "jsonl" and record.line is not None:
                # A JSON line holds no line break: spooled as it is, behind a mark (its bytes
                # as read when they are UTF-8: not encoded again). Around a JSON text, only
                # ASCII white space can stand, which both strips remove.
                data = record.data if record.data is not None else record.line.encode("utf-8")
                self._file.write(b"=%s\n" % data.strip())
                return
            entry = [2, dict(record.fields)]
        self._file.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")

    def records(
        self, wanted: Callable[[str], bool] | None = None
    ) -> Iterator[tuple[str, SourceRecord | None]]:
        """Return the spooled records, in the order they were read, with their ids; with
        `wanted`, a record whose id it refuses comes as None (it is not read back)."""
        self._file.seek(0)
        self._inputs.check()
        spooled = iter(self._file)
        for index, id in enumerate(self.ids):
            where = self._where[index]
            line = next(spooled) if where < 0 else b""
            if wanted is not None and not wanted(id):
                yield id, None
                continue
            if where >= 0:
                data = self._inputs.read(where, self._offsets[index], self._sizes[index])
                yield id, SourceRecord("jsonl", {}, line=data.strip().decode("utf-8"))
                continue
            if line.startswith(b"="):
                yield id, SourceRecord("jsonl", {}, line=line[1:-1].decode("utf-8"))
                continue
            entry = json.loads(line)
            if entry[0] == 1:
                header = self._headers[entry[1]]
                values = tuple(entry[2])
                fields = dict(zip(header, values, strict=True))
                yield id, SourceRecord(entry[3], fields, header=header, values=values)
            else:
                yield id, SourceRecord("document", entry[1])

    @property
    def headers(self) -> list[tuple[str, ...]]:
        """Return the headers of the CSV and TSV records read, then the field names of the
        other records (in order of appearance): the columns of CSV or TSV output."""
        return [*self._headers, *([tuple(self._names)] if self._names else [])]

    def output_format(self) -> str:
        """Return the format the records are written in: that of the input when all records
        were read from CSV, or all from TSV; JSON lines otherwise."""
        if self.formats == {"csv"}:
            return "csv"
        if self.formats and self.formats <= {"tsv", "tsv-quoted"}:
            return "tsv"
        return "jsonl"

    def quoted_tsv(self) -> bool:
        """Return whether TSV is written with quotation marks as CSV's: when some records
        were read so (plain TSV has none: a quotation mark there is text)."""
        return "tsv-quoted" in self.formats or not self.formats <= {"tsv"}

    def close(self) -> None:
        """Remove the spool (and close the input files it reads records from)."""
        self._file.close()
        self._inputs.close()


class _Inputs:
    """The input files that records are read back from, each opened once and checked
    unchanged before any record is read back."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._paths: list[str] = []
        self._fds: list[int] = []
        self._states: list[tuple[int, int, int, int]] = []

    def number(self, path: str) -> int:
        """Return the number of input `path`, opening it at its first record."""
        number = self._numbers.get(path)
        if number is None:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError as exc:
                raise InputError(f"cannot read again: {exc.strerror or exc}", path=path) from exc
            number = self._numbers[path] = len(self._fds)
            self._paths.append(path)
            self._fds.append(fd)
            self._states.append(_state(fd))
        return number

    def check(self) -> None:
        """Raise InputError when an input file changed since its records were read."""
        for path, fd, state in zip(self._paths, self._fds, self._states, strict=True):
            if _state(fd) != state:
                raise InputError("changed while it was being filtered; run again", path=path)

    def read(self, number: int, offset: int, size: int) -> bytes:
        """Return `size` bytes of input `number` from `offset`."""
        data = os.pread(self._fds[number], size, offset)
        if len(data) != size:
            raise InputError(
                "changed while it was being filtered; run again", path=self._paths[number]
            )
        return data

    def close(self) -> None:
        """Close the input files."""
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()


def _state(fd: int) -> tuple[int, int, int, int]:
    """Return what tells whether a file changed: its device, inode, size and change time."""
    info = os.fstat(fd)
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def check_annotation_fields(record: SourceRecord, names: Sequence[str], where: str) -> None:
    """Raise InputError when a record already has a field the annotations would add."""
    clash = next((name for name in names if name in record.fields), None)
    if clash is not None:
        raise InputError(
            f"the record already has a field {clash!r}, which the annotations would replace;"
            " choose another --prefix",
            path=where or None,
        )


def record_fields(record: SourceRecord) -> dict[str, Any]:
    """Return a record's fields as a dict, in their order (a JSON line parsed again)."""
    if record.format == "jsonl" and record.line is not None:
        parsed: dict[str, Any] = json.loads(record.line)
        return parsed
    return dict(record.fields)


def jsonl_line(record: SourceRecord, annotations: Mapping[str, Any] | None) -> str:
    """Return the record as one JSON line: a JSON line as read, with the annotations added
    at the end of its object; any other record as a JSON object of its fields."""
    if record.format == "jsonl" and record.line is not None:
        text = record.line.strip()
        if annotations:
            inner = text[:-1].rstrip()
            added = json.dumps(dict(annotations), ensure_ascii=False)[1:-1]
            text = inner + (", " if inner != "{" else "") + added + "}"
        return text + "\n"
    fields = record_fields(record)
    if annotations:
        fields.update(annotations)
    return json.dumps(fields, ensure_ascii=False) + "\n"


def delimited_pieces(
    records: Iterator[tuple[SourceRecord, Mapping[str, Any] | None]],
    headers: Sequence[Sequence[str]],
    annotation_names: Sequence[str],
    format: str,
    *,
    quoted: bool = True,
) -> Iterator[str]:
    """Return CSV or TSV text in pieces: one header (the fields of every input header, in
    order of appearance, then the annotation columns), then a row per record. Values that
    are not text are written as JSON (null as an empty cell). Plain TSV (`quoted` False) is
    written as read: fields joined by tabs, a quotation mark being text."""
    columns: list[str] = []
    for header in headers:
        columns.extend(name for name in header if name not in columns)
    columns.extend(annotation_names)
    buffer = io.StringIO()
    if format == "tsv" and not quoted:
        write = _plain_tsv_writer(buffer)
    else:
        dialect = csv.excel if format == "csv" else csv.excel_tab
        write = csv.writer(buffer, dialect, lineterminator="\n").writerow
    write(columns)
    for count, (record, added) in enumerate(records, 1):
        fields = record_fields(record)
        if added:
            fields.update(added)
        write([_cell(fields.get(name)) for name in columns])
        if count % _BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _plain_tsv_writer(buffer: io.StringIO) -> Callable[[Sequence[str]], None]:
    """Return a function writing one plain TSV row to `buffer`."""

    def write(values: Sequence[str]) -> None:
        for value in values:
            if "\t" in value or "\n" in value or "\r" in value:
                raise OutputError(
                    f"a value holds a tab or a line break, which plain TSV cannot: {value[:40]!r};"
                    " write CSV or JSONL (--output-format), or read with --tsv-quotes"
                )
        buffer.write("\t".join(values) + "\n")

    return write


def _cell(value: Any) -> str:
    """Return a value as a CSV cell: text as it is, null as empty, anything else as JSON
    (booleans `true`/`false`, numbers, nested values)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
