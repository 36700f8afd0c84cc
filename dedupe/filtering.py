"""The pre-filtering step: records back, near-duplicates dropped or annotated.

`dedupe filter` reads records as `dedupe scan` does, scans them, and decides for each one
whether to keep it. A record is a near-duplicate when at least `min_percent` of its words
(quotations included, boilerplate left out) are found in one record kept before it, in the
order `keep` sets: the originals of story families first, the earliest, the longest, or the
first read. Records are decided in that order, so of the near-identical records of a story
exactly one is kept, and a record that carries half a story beside its own text never is
dropped.

Words found in a record are those the scan aligned. Its candidates are stars from three
records up (`dedupe.index.STARS_ONLY`: each carrier with the likeliest original of a bucket
only, where the scan pairs all records of buckets up to 24): a record is weighed against the
one kept, not against every copy. A carrier whose partner was itself dropped is aligned
again with the record that partner was dropped for, and the records are decided again
(`MAX_ROUNDS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedupe.coverage_kernels import covered_words
from dedupe.documents import Document, Input, SourceRecord
from dedupe.errors import ParameterError
from dedupe.families import date_keys, outlet_keys
from dedupe.index import STARS_ONLY, in_sorted, lexsort, unique_values
from dedupe.kinds import EDITED_GAP_WORDS
from dedupe.memory import collector_paused, reused_memory
from dedupe.parallel import from_fields
from dedupe.passages import A_END, A_START, B_END, B_START
from dedupe.records import (
    RecordSpool,
    check_annotation_fields,
    delimited_pieces,
    jsonl_line,
    record_fields,
)
from dedupe.report import DocumentReport, FamilyReport, Report, Shares, natural_key
from dedupe.scan import COMPILED_ALIGNMENT_FROM, Scanned, align_candidates, scan_inputs
from dedupe.signing import Progress
from dedupe.store import document_ids

KEEP_RULES = ("original", "earliest", "longest", "first")
"""Which record of a set of near-duplicates is kept (`dedupe filter --keep`)."""

DEFAULT_MIN_PERCENT = 80.0
"""A record is a near-duplicate from this share of its words found in one kept record."""

DEFAULT_PREFIX = "dedupe_"
"""The prefix of the fields `--annotate` adds."""

ANNOTATIONS = (
    "kept",
    "duplicate_of",
    "family",
    "shared_percent",
    "copied_percent",
    "quoted_percent",
    "original_source",
    "credited",
)
"""The fields `--annotate` adds to each record (after the prefix)."""

MAX_ROUNDS = 4
"""Rounds of deciding, then aligning carriers with the records their partners were dropped
for; one or two suffice in practice (a star's carriers, once)."""


PROGRESS_EVERY = 10_000
"""Records written between two calls of `progress("write", done, total)`."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the filter decided for one record, with the figures `--annotate` adds.

    `duplicate_of` is the id of the kept record holding at least `min_percent` of its words
    (None when it is kept); `family` its largest story family.
    """

    id: str
    kept: bool
    duplicate_of: str | None
    family: str | None
    shared_percent: float
    copied_percent: float
    quoted_percent: float
    original_source: str | None
    credited: bool | None

    def annotations(self, prefix: str) -> dict[str, Any]:
        """Return the fields `--annotate` adds, named with `prefix`."""
        return {prefix + name: getattr(self, name) for name in ANNOTATIONS}


class Filtered:
    """The records of a filtered corpus, each with its verdict, read back in input order.

    Made by `filter_records`; `close` removes the spooled records (or use it as a context
    manager).
    """

    def __init__(
        self,
        spool: RecordSpool,
        verdicts: Mapping[str, Verdict],
        report: Report,
        progress: Progress | None = None,
    ):
        self._spool = spool
        self.verdicts = verdicts
        self.report = report
        self.format = spool.output_format()
        self._progress = progress

    def __enter__(self) -> Filtered:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def kept(self) -> int:
        """Return how many records are kept."""
        return sum(1 for verdict in self.verdicts.values() if verdict.kept)

    def records(
        self, *, annotate: bool = False, prefix: str = DEFAULT_PREFIX
    ) -> Iterator[dict[str, Any]]:
        """Return the kept records (every record with `annotate`) as dicts of their fields,
        in input order; annotated records carry the `ANNOTATIONS` fields, named with
        `prefix`."""
        for record, added in self._chosen(annotate, prefix):
            fields = record_fields(record)
            if added:
                fields.update(added)
            yield fields

    def pieces(
        self, *, annotate: bool = False, prefix: str = DEFAULT_PREFIX, format: str | None = None
    ) -> Iterator[str]:
        """Return the kept records (every record with `annotate`) as text in pieces, in input
        order, in `format` ("jsonl", "csv", "tsv"; None: that of the input)."""
        format = format or self.format
        chosen = self._chosen(annotate, prefix)
        if format == "jsonl":
            return (jsonl_line(record, added) for record, added in chosen)
        names = [prefix + name for name in ANNOTATIONS] if annotate else []
        return delimited_pieces(
            chosen, self._spool.headers, names, format, quoted=self._spool.quoted_tsv()
        )

    def cluster_lines(self) -> Iterator[str]:
        """Return one JSON line per story family: its id, original and original source, its
        members in natural id order, and those of them kept."""
        for family in self.report.families:
            members = sorted((m.id for m in family.members), key=natural_key)
            line = {
                "family": family.id,
                "original": family.original,
                "original_source": family.original_source,
                "members": members,
                "kept": [id for id in members if self.verdicts[id].kept],
            }
            yield json.dumps(line, ensure_ascii=False) + "\n"

    def close(self) -> None:
        """Remove the spooled records."""
        self._spool.close()

    def _chosen(
        self, annotate: bool, prefix: str
    ) -> Iterator[tuple[SourceRecord, dict[str, Any] | None]]:
        total = len(self._spool.ids)
        verdicts = self.verdicts
        wanted = None if annotate else (lambda id: verdicts[id].kept)
        for done, (id, record) in enumerate(self._spool.records(wanted)):
            if self._progress is not None and done % PROGRESS_EVERY == 0:
                self._progress("write", done, total)
            if record is None:
                continue
            yield record, verdicts[id].annotations(prefix) if annotate else None
        if self._progress is not None:
            self._progress("write", total, total)


def filter_records(
    inputs: Input | Iterable[Input],
    *,
    keep: str = "original",
    min_percent: float = DEFAULT_MIN_PERCENT,
    annotate: bool = False,
    prefix: str = DEFAULT_PREFIX,
    **options: Any,
) -> Filtered:
    """Return the records of `inputs` with a verdict each (`Filtered`).

    `keep` is one of `KEEP_RULES`; a record is dropped when `min_percent` of its words are
    found in one record kept before it. `options` are those of `dedupe.scan` (field names,
    jobs, log, progress, detection parameters, ...). With `annotate`, a record already having
    a field the annotations would add (named with `prefix`) is an error.
    """
    if keep not in KEEP_RULES:
        raise ParameterError(f"keep must be one of {', '.join(KEEP_RULES)}, not {keep!r}")
    if not 0 < min_percent <= 100:
        raise ParameterError(f"min percent must be above 0 and at most 100, got {min_percent}")
    for name in ("pairs", "texts"):
        if name in options:
            raise ParameterError(f"{name} is not an option of the filter")
    spool = RecordSpool()
    names = [prefix + name for name in ANNOTATIONS]

    def spooled(document: Document, record: SourceRecord) -> None:
        if annotate:
            check_annotation_fields(record, names, document.origin)
        spool.add(document.id, record)

    try:
        with reused_memory(), collector_paused():
            scanned = scan_inputs(
                inputs, on_record=spooled, shares=True, pairwise_max=STARS_ONLY, **options
            )
            positions = {id: position for position, id in enumerate(spool.ids)}
            progress = options.get("progress")
            verdicts = decide(
                scanned, positions, keep, min_percent, jobs=options.get("jobs"), progress=progress
            )
    except BaseException:
        spool.close()
        raise
    return Filtered(spool, verdicts, scanned.report, progress)


def filter(
    inputs: Input | Iterable[Input],
    *,
    keep: str = "original",
    min_percent: float = DEFAULT_MIN_PERCENT,
    annotate: bool = False,
    prefix: str = DEFAULT_PREFIX,
    **options: Any,
) -> Iterator[dict[str, Any]]:
    """Return the kept records of `inputs` (every record, annotated, with `annotate`) as
    dicts of their fields, in input order: near-duplicates dropped (see `filter_records`
    for the arguments)."""
    with filter_records(
        inputs, keep=keep, min_percent=min_percent, annotate=annotate, prefix=prefix, **options
    ) as filtered:
        yield from filtered.records(annotate=annotate, prefix=prefix)


# --- deciding -----------------------------------------------------------------------------


def decide(
    scanned: Scanned,
    positions: Mapping[str, int],
    keep: str,
    min_percent: float,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Verdict]:
    """Return each document's verdict, by id: kept, or a near-duplicate of a kept one.

    `positions` gives each id's place in the input (for `keep="first"`);
    `progress("decide", round, MAX_ROUNDS)` is called as each round starts, and with
    MAX_ROUNDS when done.
    """
    report, documents = scanned.report, scanned.documents
    shares = scanned.shares
    assert shares is not None, "the scan must be made with shares=True"
    ids = document_ids(documents)
    # The report lists documents in id order, as the documents are numbered.
    docs = list(report.documents)
    assert [doc.id for doc in docs] == ids, "the report lists the documents in id order"
    largest = report.largest_families()
    order = priority_order(docs, positions, keep, largest)
    rows = shares.rows
    # Pairs aligned, each way, as codes a * span + b.
    span = max(len(ids), 1)
    aligned = unique_values(rows[:, 0] * span + rows[:, 1])
    words = np.array([doc.words for doc in docs], dtype=np.int64)
    duplicate_of = np.empty(0, np.int64)
    for round in range(MAX_ROUNDS):
        if progress is not None:
            progress("decide", round, MAX_ROUNDS)
        duplicate_of = keep_greedily(rows, shares.bases, order, min_percent)
        if round == MAX_ROUNDS - 1:
            break
        more = realign_candidates(rows, shares.bases, duplicate_of, min_percent, aligned, span)
        if not len(more):
            break
        both_ways = (more[:, 0] * span + more[:, 1], more[:, 1] * span + more[:, 0])
        aligned = unique_values(np.concatenate((aligned, *both_ways)))
        found = pair_shares(documents, more, scanned, words, shares, jobs)
        rows = np.concatenate((rows, found))
    if progress is not None:
        progress("decide", MAX_ROUNDS, MAX_ROUNDS)
    return {
        doc.id: _verdict(doc, family, ids, duplicate)
        for doc, family, duplicate in zip(docs, largest, duplicate_of.tolist(), strict=True)
    }


def priority_order(
    docs: Sequence[DocumentReport],
    positions: Mapping[str, int],
    keep: str,
    largest: Sequence[FamilyReport | None],
) -> np.ndarray:
    """Return the documents (positions in `docs`, which are in id order) in the order they
    are decided: best first, ties by id, so the order of the input decides only
    `keep="first"`. `largest` gives each document's largest family."""
    if keep == "first":
        order = np.array([positions[doc.id] for doc in docs], dtype=np.int64)
        return np.argsort(order, kind="stable")
    index = np.arange(len(docs), dtype=np.int64)
    if keep == "longest":
        own = np.array([doc.words - doc.boilerplate_words for doc in docs], dtype=np.int64)
        return np.lexsort((index, -own))
    undated, seconds = date_keys([doc.published for doc in docs])
    if keep == "earliest":
        return np.lexsort((index, seconds, undated))
    pairs = zip(docs, largest, strict=True)
    not_original = np.array(
        [family is None or family.original != doc.id for doc, family in pairs], dtype=bool
    )
    # As for a family's original: an aggregator is never earlier than the papers it
    # republishes.
    _, aggregator = outlet_keys([doc.source for doc in docs])
    return np.lexsort((index, seconds, undated, aggregator, not_original))


def keep_greedily(
    rows: np.ndarray, bases: np.ndarray, order: np.ndarray, min_percent: float
) -> np.ndarray:
    """Return, for each document, the document it is a near-duplicate of (-1: kept).

    Documents are decided in `order`: one is a near-duplicate when `min_percent` of its
    words (`bases`) are found in a document already kept, the one holding most of them
    (ties: the earlier decided).
    """
    covering = rows[_covers(rows, bases, min_percent)]
    covering = covering[lexsort((covering[:, 1], covering[:, 0]))]
    bounds = np.searchsorted(covering[:, 0], np.arange(len(bases) + 1))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    duplicate_of = [-1] * len(bases)
    kept = [False] * len(bases)
    partners, found, ranks = covering[:, 1].tolist(), covering[:, 2].tolist(), rank.tolist()
    starts = bounds.tolist()
    for doc in order.tolist():
        best, best_key = -1, (0, 0)
        for k in range(starts[doc], starts[doc + 1]):
            partner = partners[k]
            if kept[partner]:
                candidate = (found[k], -ranks[partner])
                if best < 0 or candidate > best_key:
                    best, best_key = partner, candidate
        if best < 0:
            kept[doc] = True
        else:
            duplicate_of[doc] = best
    return np.array(duplicate_of, dtype=np.int64)


def realign_candidates(
    rows: np.ndarray,
    bases: np.ndarray,
    duplicate_of: np.ndarray,
    min_percent: float,
    aligned: np.ndarray,
    span: int,
) -> np.ndarray:
    """Return the pairs (a < b: a kept document, and the record a partner holding it was
    dropped for) not aligned yet, sorted: a carrier of a star, aligned with a centre that
    was dropped, is weighed against the record kept instead. `aligned` holds the codes
    a * span + b of the pairs aligned, each way."""
    covering = rows[_covers(rows, bases, min_percent)]
    doc, partner = covering[:, 0], covering[:, 1]
    kept = duplicate_of[partner]
    wanted = (duplicate_of[doc] < 0) & (kept >= 0) & (kept != doc)
    doc, kept = doc[wanted], kept[wanted]
    new = ~in_sorted(doc * span + kept, aligned)
    low, high = np.minimum(doc, kept)[new], np.maximum(doc, kept)[new]
    found = unique_values(low * span + high)
    return np.stack((found // span, found % span), axis=1).reshape(-1, 2)


def _covers(rows: np.ndarray, bases: np.ndarray, min_percent: float) -> np.ndarray:
    """Return which share rows hold `min_percent` of their document's words."""
    base = bases[rows[:, 0]]
    covers: np.ndarray = (base > 0) & (rows[:, 2] * 100 >= min_percent * base)
    return covers


def pair_shares(
    documents: Sequence[Document],
    pairs: np.ndarray,
    scanned: Scanned,
    words: np.ndarray,
    shares: Shares,
    jobs: int | None,
) -> np.ndarray:
    """Return share rows (doc, partner, words) of newly aligned pairs, both ways: the words
    of each side covered by the pair's passages (quotations counted) or in the edited
    stretches between them, boilerplate left out (as `dedupe.coverage_kernels` counts them)."""
    aligned = align_candidates(
        documents,
        pairs,
        scanned.params,
        jobs=jobs or 1,
        compiled=len(pairs) >= COMPILED_ALIGNMENT_FROM,
        rewrites=False,
    ).passages
    spans = shares.boilerplate
    bounds = np.searchsorted(spans[:, 0], np.arange(len(documents) + 1))
    out: list[tuple[int, int, int]] = []
    for position, (a, b) in enumerate(aligned.pairs.tolist()):
        passages = aligned.rows[aligned.bounds[position] : aligned.bounds[position + 1]]
        for doc, partner, start, end in ((a, b, A_START, A_END), (b, a, B_START, B_END)):
            n = int(words[doc])
            starts = np.minimum(passages[:, start], n)
            ends = np.minimum(passages[:, end], n)
            order = np.argsort(starts, kind="stable")
            boilerplate = _running_count(spans[bounds[doc] : bounds[doc + 1], 1:], n)
            found = covered_words(starts[order], ends[order], EDITED_GAP_WORDS, boilerplate)
            out.append((doc, partner, int(found)))
    return np.array(out, dtype=np.int64).reshape(-1, 3)


def _running_count(spans: np.ndarray, n: int) -> np.ndarray:
    """Return, for w in 0..n, how many of the first w words lie in the (start, end) `spans`
    (each word counted once)."""
    inside = np.zeros(n, np.int64)
    for lo, hi in spans.tolist():
        inside[lo:hi] = 1
    return np.concatenate(([0], np.cumsum(inside)))


# One a record: without Verdict's __init__.
_made_verdict = from_fields(Verdict)


def _verdict(
    doc: DocumentReport, family: FamilyReport | None, ids: Sequence[str], duplicate: int
) -> Verdict:
    return _made_verdict(
        id=doc.id,
        kept=duplicate < 0,
        duplicate_of=None if duplicate < 0 else ids[duplicate],
        family=family.id if family is not None else None,
        shared_percent=doc.shared_percent,
        copied_percent=doc.copied_percent,
        quoted_percent=doc.quoted_percent,
        original_source=doc.original_source,
        credited=doc.credited,
    )
