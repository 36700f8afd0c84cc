"""CSV and TSV records from the physical lines of a file, with broken quoting contained.

TSV has no quoting (unless asked): one record a line, fields split at tabs, a quotation mark
is text. CSV is read by the csv module, strictly: a closing quotation mark must end its
field, and a file must not end inside a quoted field. A quotation mark that opens a field and
is never properly closed would otherwise swallow the rows after it into one field; here it
makes a broken record (the file ends inside it, or it closes with text right after it, or
where the record gets the wrong number of fields, or the record grows past the size limit).
When the lines it swallowed look like rows of their own (no blank line among them, and most
of them the right number of fields when read alone), the quote is a stray one: only its
first line is skipped and reading goes on from the next line. Otherwise (a text with
paragraphs, cut short) the whole record is skipped.

One case syntax cannot tell: a stray quote closed by the opening mark of a later text that
starts with a comma or a line break reads like a text with line breaks.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from dedupe.decoding import Line

Record = tuple[list[Line], list[str] | None]
"""The physical lines of one record and its fields; None for a record already skipped."""
Skipper = Callable[[int, str, str], None]
"""Records the skip of a record: (its first line, reason, message)."""


class StrictCsv(csv.excel):
    """CSV as written by spreadsheets, read strictly: a closing quotation mark must end its
    field, and a file must not end inside a quoted field."""

    strict = True


class StrictQuotedTsv(csv.excel_tab):
    """Tab-separated values with CSV quoting (`tsv_quotes=True`), read strictly."""

    strict = True


def span(taken: list[Line]) -> str:
    """Return " (lines N-M)" for a record of several lines, else ""."""
    if len(taken) < 2:
        return ""
    return f" (lines {taken[0].number}-{taken[-1].number})"


def tab_records(lines: Iterable[Line]) -> Iterator[Record]:
    """Yield ([line], fields) for each non-blank line of a TSV file: no quoting, so one
    record a line; a line with a problem comes with no fields (its problem says why)."""
    for line in lines:
        if line.problem is None:
            content = line.text.removesuffix("\n").removesuffix("\r")
            if content and not content.isspace():
                yield [line], content.split("\t")
        else:
            yield [line], []


class _Oversize(Exception):
    """Raised into the csv reader when the record it reads grows over the size limit."""


class _Feed:
    """The lines given to the csv module, one record at a time, remembered per record.

    Lines can be put back (`replay`) to be read again, and a record growing larger than the
    size limit is stopped with `_Oversize` before it is held in memory.
    """

    def __init__(self, lines: Iterator[Line], limit: int | None) -> None:
        self._lines = lines
        self._again: deque[Line] = deque()
        self._limit = limit
        self.taken: list[Line] = []
        self._size = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._lines)
        self.taken.append(line)
        self._size += line.size
        if line.problem == "too-large" or (self._limit is not None and self._size > self._limit):
            raise _Oversize
        return line.text

    def start(self) -> None:
        """Begin a new record."""
        self.taken = []
        self._size = 0

    def replay(self, lines: list[Line]) -> None:
        """Put lines back to be read again, before any other."""
        self._again.extendleft(reversed(lines))

    def next_line(self) -> Line | None:
        """Return the next line without giving it to the csv module (None at the end)."""
        if self._again:
            return self._again.popleft()
        return next(self._lines, None)


class QuotedRecords:
    """The records of a CSV-like file with quoting, as an iterator of `Record`.

    Broken records are skipped through `skip` (see the module docstring) and yielded with
    no fields. `columns` is the header's number of fields: the reader sets it once it has
    read the header (the first record), and runaway quotes are judged by it.
    """

    def __init__(
        self, lines: Iterator[Line], dialect: type[csv.Dialect], skip: Skipper, limit: int | None
    ) -> None:
        """Read records from `lines`; records over `limit` bytes (None: no limit) are
        skipped as too large."""
        self.columns = 0
        self._dialect = dialect
        self._skip = skip
        self._limit = limit or 0
        self._feed = _Feed(lines, limit)
        self._records = self._read()

    def __iter__(self) -> QuotedRecords:
        return self

    def __next__(self) -> Record:
        return next(self._records)

    def _read(self) -> Iterator[Record]:
        feed = self._feed
        reader = csv.reader(feed, self._dialect)
        while True:
            feed.start()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._refused(feed.taken, exc)
                yield feed.taken[:1], None
                continue
            except _Oversize:
                self._oversized(list(feed.taken))
                yield feed.taken[:1], None
                continue
            taken = feed.taken
            runaway = self._runaway(taken, row)
            if runaway is not None:
                self._broken(taken, self._judged(taken, closed=True), runaway)
                yield taken[:1], None
            elif row or any(line.problem for line in taken):
                yield taken, row

    def _refused(self, taken: list[Line], exc: csv.Error) -> None:
        """Handle a record the csv module refused: the file ends inside its quotes, or a
        closing quotation mark has text right after it."""
        closed = "end of data" not in str(exc)
        # The opening mark of a later row's field, right after a delimiter, closed it.
        stray = closed and _closed_after_delimiter(taken[-1].text, self._dialect.delimiter)
        self._broken(taken, self._judged(taken, closed), f"malformed CSV ({exc})", stray=stray)

    def _runaway(self, taken: list[Line], row: list[str]) -> str | None:
        """Return why a record the csv module read looks like a stray quote that a later
        quote closed, or None: it spans lines, and has the wrong number of fields or was
        closed by a quotation mark right after a delimiter (the opening mark of a later row's
        field), and its later lines are rows of their own."""
        columns = self.columns
        if len(taken) < 2 or not columns or any(line.problem for line in taken):
            return None
        judged = self._judged(taken, closed=True)
        if len(row) != columns:
            why = f"expected {columns} fields, found {len(row)}"
            return why if self._rows_of_their_own(judged) else None
        if _closed_after_delimiter(taken[-1].text, self._dialect.delimiter):
            # A text may end with a delimiter too: only rows in between tell a stray quote.
            why = "a quotation mark closes a field right after a delimiter"
            return why if self._rows_of_their_own(judged, none=False) else None
        return None

    def _broken(
        self, taken: list[Line], judged: list[Line], why: str, *, stray: bool = False
    ) -> None:
        """Skip a broken record of lines `taken`; put back the lines after its first when
        the `judged` ones look like rows of their own, or when the quote is known to be a
        `stray` one and no blank line (a paragraph break) says otherwise."""
        first = taken[0].number
        blank = any(line.problem is None and not line.text.strip() for line in judged)
        if len(taken) > 1 and ((stray and not blank) or self._rows_of_their_own(judged)):
            self._skip(
                first,
                "malformed-row",
                f"{why}; a quotation mark opened on this line is not closed properly,"
                f" so this line is skipped and reading goes on from line {first + 1}",
            )
            self._feed.replay(taken[1:])
        else:
            self._skip(first, "malformed-row", f"{why}{span(taken)}")

    def _oversized(self, taken: list[Line]) -> None:
        """Skip a record over the size limit and drop the rest of it, up to where its
        quotation marks close; a runaway quote is handled as by `_broken`."""
        feed = self._feed
        quotes = sum(line.text.count('"') for line in taken)
        held = sum(line.size for line in taken[1:])
        # Read on while the quote is open, holding at most the size limit of lines after
        # the first, to judge whether the lines it swallows are rows of their own.
        while quotes % 2 and held <= self._limit and (line := feed.next_line()) is not None:
            taken.append(line)
            quotes += line.text.count('"')
            held += line.size
        if len(taken) > 1 and taken[0].text.count('"') % 2:
            judged = taken[1:-1] if quotes % 2 == 0 else taken[1:]
            if self._rows_of_their_own(judged, none=False):
                self._broken(taken, judged, "a quoted field runs on")
                return
        last = taken[-1].number
        while quotes % 2 and (line := feed.next_line()) is not None:
            quotes += line.text.count('"')  # a long quoted field: drop it up to its end
            last = line.number
        first = taken[0].number
        lines = f"lines {first}-{last}" if last > first else f"line {first}"
        self._skip(
            first,
            "too-large",
            f"record ({lines}) is larger than the maximum document size"
            f" ({self._limit:,} bytes; see --max-document-size)",
        )

    def _judged(self, taken: list[Line], closed: bool) -> list[Line]:
        """Return the lines of a broken record to judge as rows: those after its first, the
        last one (where a later quote `closed` the runaway one) only if it is a row when read
        alone, since it may be a broken row of its own."""
        if not closed or len(taken) < 2:
            return taken[1:]
        return taken[1:] if self._row_alone(taken[-1]) else taken[1:-1]

    def _row_alone(self, line: Line) -> bool:
        """Return whether a line read alone is a row of `columns` fields."""
        if line.problem is not None:
            return False
        try:
            fields = next(csv.reader([line.text], self._dialect), [])
        except csv.Error:
            return False
        return len(fields) == self.columns

    def _rows_of_their_own(self, lines: list[Line], *, none: bool = True) -> bool:
        """Return whether lines swallowed by a runaway quote look like rows: none blank, and
        most of them `columns` fields when read alone (`none` when there is none to judge)."""
        if any(line.problem is None and not line.text.strip() for line in lines):
            return False  # paragraphs of a text, not rows
        candidates = [line for line in lines if line.problem is None]
        if not candidates or self.columns == 0:
            return none
        rows = sum(1 for line in candidates if self._row_alone(line))
        return rows * 2 > len(candidates)


def _closed_after_delimiter(text: str, delimiter: str) -> bool:
    """Return whether the first quotation mark of a line that is not a doubled one (the mark
    that closes a field opened on an earlier line) comes right after a delimiter."""
    at = 0
    while (at := text.find('"', at)) >= 0:
        if text.startswith('""', at):
            at += 2
            continue
        return at > 0 and text[at - 1] == delimiter
    return False
