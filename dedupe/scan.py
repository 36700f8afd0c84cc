"""The scan: read, shingle, sign, index, align, attribute, report, as one call.

Each stage is a function over plain data, so a stage can be batched, streamed or moved to
another engine without touching the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from functools import partial
from typing import Any, Literal

import numpy as np

from dedupe import ahead, family_kernels
from dedupe.align import GramIndex, align
from dedupe.anchors import (
    SpilledPostings,
    anchor_pairs,
    reference_anchor_pairs,
)
from dedupe.detection import (
    SAMPLE_RECORDS,
    Detection,
    chosen_paragraphs,
    field_names,
    given_paragraphs,
    sniff_paragraphs,
)
from dedupe.documents import (
    DEFAULT_MAX_DOCUMENT_SIZE,
    Document,
    FieldNames,
    Input,
    ReadLog,
    RecordSink,
    document_record,
    input_list,
    read_documents,
)
from dedupe.errors import InputError, ParameterError
from dedupe.families import centre_order, find_families
from dedupe.index import (
    PAIRWISE_MAX,
    SpilledBandKeys,
    candidate_pairs,
    lexsort,
    reference_candidate_pairs,
    unique_values,
)
from dedupe.jit import CompileNotice
from dedupe.jit import compiled as jitted
from dedupe.memory import collector_paused, reused_memory
from dedupe.parallel import can_fork, default_jobs, map_ordered
from dedupe.parameters import Parameters as Parameters  # re-exported: it lived here
from dedupe.passages import AlignedPassages, joined, passage_columns
from dedupe.report import Report, Shares, build_report_and_shares
from dedupe.signing import (
    COMPILED_SIGNING_FROM,
    Progress,
    Signed,
    SigningAsRead,
    sign_documents,
)
from dedupe.similarity import R_A, R_B, REWRITE_COLUMNS, rewrite_rows
from dedupe.stats import Stats
from dedupe.store import (
    BatchSink,
    as_sequence,
    document_crawled,
    document_ids,
    document_metadata,
    document_texts,
    document_utf8,
)
from dedupe.text import (
    joined_tokens,
    ngram_hashes,
    token_table,
    tokenize_many,
)


def scan(
    inputs: Input | Iterable[Input],
    *,
    id_field: str | None = None,
    text_field: str | None = None,
    source_fields: str | Sequence[str] | None = None,
    date_fields: str | Sequence[str] | None = None,
    input_format: str | None = None,
    fields: FieldNames | None = None,
    duplicate_ids: Literal["error", "suffix"] = "error",
    min_percent: float = 0.0,
    pairs: bool = False,
    texts: bool = False,
    keep_boilerplate: bool = False,
    log: ReadLog | None = None,
    stats: Stats | None = None,
    reference: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
    **parameters: Any,
) -> Report:
    """Return the report of the documents in `inputs`: a path, a folder, "-" or a Document,
    or several of them (TypeError for anything else, such as bytes or None): story families,
    each document's copied, shared and quoted figures, and boilerplate.

    `id_field`, `text_field`, `source_fields` and `date_fields` name the JSONL/CSV/TSV fields
    to read (the command's --id-field, ...); those not named are found from each input's
    first records (`dedupe.detection`; or pass them all as `fields`). `input_format` is that
    of standard input ("jsonl", "csv", "tsv"; None: told from its first line). Keyword
    parameters are those of `Parameters` (shingle_size, num_perm, threshold, seed,
    min_words, max_gap, window, paragraph_separator, ocr); without `paragraph_separator`, the
    paragraph breaks are sniffed from the first texts (None or "": blank lines, else
    newlines). `pairs=True` also lists every aligned pair of documents that shares text,
    with its passages; `texts=True` keeps the texts of the documents that share text
    (`Report.texts`, what the HTML report shows side by side); `keep_boilerplate=True` counts
    outlet boilerplate as any other text.
    Skipped input, and how each input was read, are recorded in `log`, stage times in
    `stats`. `jobs` is the number of processes (default: all cores); the report does not
    depend on it. `progress(stage, done, total)` is called as work completes: "read" (total
    0 until reading is done), "compile" (0, 0: numba starts compiling, once per install),
    "sign", "align". Records read from files that are larger than `max_document_size` bytes
    are skipped (None: no limit); `tsv_quotes` reads TSV fields in quotation marks as CSV
    does. `reference=True` runs the slow datasketch-based signing and LSH and the Python
    aligner instead of the vectorised and compiled ones (the report must be identical; kept
    for tests).
    """
    return scan_inputs(
        inputs,
        id_field=id_field,
        text_field=text_field,
        source_fields=source_fields,
        date_fields=date_fields,
        input_format=input_format,
        fields=fields,
        duplicate_ids=duplicate_ids,
        min_percent=min_percent,
        pairs=pairs,
        texts=texts,
        keep_boilerplate=keep_boilerplate,
        log=log,
        stats=stats,
        reference=reference,
        jobs=jobs,
        progress=progress,
        max_document_size=max_document_size,
        tsv_quotes=tsv_quotes,
        **parameters,
    ).report


def scan_inputs(
    inputs: Input | Iterable[Input],
    *,
    id_field: str | None = None,
    text_field: str | None = None,
    source_fields: str | Sequence[str] | None = None,
    date_fields: str | Sequence[str] | None = None,
    input_format: str | None = None,
    fields: FieldNames | None = None,
    duplicate_ids: Literal["error", "suffix"] = "error",
    min_percent: float = 0.0,
    pairs: bool = False,
    texts: bool = False,
    keep_boilerplate: bool = False,
    log: ReadLog | None = None,
    stats: Stats | None = None,
    reference: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
    on_record: RecordSink | None = None,
    shares: bool = False,
    pairwise_max: int = PAIRWISE_MAX,
    **parameters: Any,
) -> Scanned:
    """Return the scan of `inputs` as `scan` makes it (its arguments are those of `scan`),
    with the documents read; `on_record` is called with each document and the record it was
    read from, in input order; with `shares`, what each document shares with each partner
    (`Scanned.shares`, for `dedupe filter`). An index bucket of up to `pairwise_max`
    documents gives all their pairs, a larger one a star around its likeliest original
    (`dedupe.index.STARS_ONLY`: stars from three documents up)."""
    items = input_list(inputs)
    named = field_names(id_field, text_field, source_fields, date_fields)
    if fields is not None and named != FieldNames():
        raise ParameterError("give the fields either as `fields` or by name, not both")
    sniff = "paragraph_separator" not in parameters
    params = Parameters(**parameters)
    params.validate()
    if jobs is not None and jobs < 1:
        raise ParameterError(f"jobs must be at least 1, got {jobs}")
    stats = stats if stats is not None else Stats()
    log = log if log is not None else ReadLog()
    jobs = jobs or default_jobs()
    tell = partial(progress, "compile", 0, 0) if progress else None
    # Freed memory is kept for reuse while the documents are read and scanned, and the
    # cyclic collector paused (see `dedupe.memory`): a sixth of the scan's time went on
    # fresh pages without the first.
    with reused_memory(), collector_paused(), CompileNotice(tell) as notice:
        early = (
            SigningAsRead(params, jobs, sniff=sniff, notice=notice)
            if _signs_as_read(items, jobs, reference)
            else None
        )
        try:
            with stats.stage("read", "documents") as timing:
                documents = load_documents(
                    items,
                    fields or named,
                    duplicate_ids,
                    log,
                    max_document_size=max_document_size,
                    tsv_quotes=tsv_quotes,
                    input_format=input_format,
                    progress=progress,
                    on_record=on_record,
                    on_batch=early.on_batch if early is not None else None,
                )
                timing.items = len(documents)
            log.paragraphs = (
                chosen_paragraphs(log.inputs)
                if sniff
                else given_paragraphs(params.paragraph_separator)
            )
            params = replace(params, paragraph_separator=log.paragraphs.marker)
            if progress:
                progress("read", len(documents), len(documents))
            report, found = _run_stages(
                documents,
                params,
                stats=stats,
                reference=reference,
                options=_Options(min_percent, pairs, keep_boilerplate, texts, shares, pairwise_max),
                jobs=jobs,
                progress=progress,
                notice=notice,
                early=early,
            )
        finally:
            if early is not None:
                early.close()
            ahead.stop()
    record = {
        **report.parameters,
        "inputs": [item.to_dict() for item in log.inputs],
        "dates": date_kinds(documents),
    }
    return Scanned(replace(report, parameters=record), documents, params, found)


@dataclass(frozen=True, slots=True)
class Scanned:
    """A scan's report with what it was made from: the documents read (sorted by id), the
    parameters used (the paragraph separator as found), and with `shares`, what each
    document shares with each partner (else None)."""

    report: Report
    documents: Sequence[Document]
    params: Parameters
    shares: Shares | None


def load_documents(
    inputs: Input | Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
    *,
    max_document_size: int | None = DEFAULT_MAX_DOCUMENT_SIZE,
    tsv_quotes: bool = False,
    input_format: str | None = None,
    progress: Progress | None = None,
    on_record: RecordSink | None = None,
    on_batch: BatchSink | None = None,
) -> Sequence[Document]:
    """Return the documents of `inputs` sorted by id, so results never depend on input order.

    Documents read from files are spooled to disk (`DocumentStore`): memory then follows the
    number of documents, not the size of their texts. Document objects given directly stay in
    memory as given; how they read (`Detection` "<documents>") joins `log.inputs` first.
    `progress("read", documents so far, 0)` is called every READ_PROGRESS documents;
    `on_record` with each document and its record, in input order; `on_batch` as the
    documents spooled to disk come in (see `DocumentStore`).
    """
    items = input_list(inputs)
    log = log if log is not None else ReadLog()
    given = sorted((item for item in items if isinstance(item, Document)), key=lambda d: d.id)
    if given:
        log.inputs.append(documents_detection(given))
    read = partial(
        read_documents,
        max_document_size=max_document_size,
        tsv_quotes=tsv_quotes,
        input_format=input_format,
        on_record=on_record,
    )
    if on_record is not None:
        for document in given:
            on_record(document, document_record(document))
    found = _counted(_documents(items, fields, duplicate_ids, log, read), progress)
    documents = as_sequence(found, spool=len(given) < len(items), on_batch=on_batch)
    ids = document_ids(documents)
    for position in range(1, len(ids)):
        if ids[position] == ids[position - 1]:
            first, second = documents[position - 1], documents[position]
            raise InputError(
                f"duplicate id {first.id!r} (also in {first.origin or 'another document'})",
                path=second.origin or None,
            )
    return documents


READ_PROGRESS = 10_000


def _counted(documents: Iterator[Document], progress: Progress | None) -> Iterator[Document]:
    """Yield the documents, telling `progress` every READ_PROGRESS of them."""
    if progress is None:
        yield from documents
        return
    for count, document in enumerate(documents, 1):
        if count % READ_PROGRESS == 0:
            progress("read", count, 0)
        yield document


def documents_detection(documents: Sequence[Document]) -> Detection:
    """Return how Document objects given directly read (their paragraph breaks sniffed from
    the first SAMPLE_RECORDS by id)."""
    return Detection(
        path="<documents>",
        format="documents",
        fields=None,
        paragraphs=sniff_paragraphs(d.text for d in documents[:SAMPLE_RECORDS]),
        documents=len(documents),
        with_source=sum(1 for d in documents if d.source),
        with_date=sum(1 for d in documents if d.published),
        with_crawl_time=sum(1 for d in documents if d.published and d.crawled),
    )


def date_kinds(documents: Sequence[Document]) -> dict[str, int]:
    """Return how many documents are dated by a publication time, by a crawl time, or not
    at all (the report's `parameters.dates`)."""
    _, published = document_metadata(documents)
    crawled = document_crawled(documents)
    counts = {"publication": 0, "crawl time": 0, "none": 0}
    for date, crawl in zip(published, crawled, strict=True):
        counts["none" if date is None else "crawl time" if crawl else "publication"] += 1
    return counts


def _signs_as_read(items: Sequence[Input], jobs: int, reference: bool) -> bool:
    """Return whether the scan signs documents while it reads them (`SigningAsRead`): with
    workers to spare, from files (documents given as objects are all there already)."""
    return (
        jobs > 1
        and not reference
        and can_fork()
        and not all(isinstance(item, Document) for item in items)
    )


def _documents(
    inputs: Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
    read: Callable[..., Iterator[Document]] = read_documents,
) -> Iterator[Document]:
    paths: list[str | os.PathLike[str]] = []
    for item in inputs:
        if isinstance(item, Document):
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read(paths, fields=fields, duplicate_ids=duplicate_ids, log=log)


_ALIGN_CHUNK = 2000
# Fewer candidate pairs are aligned, attributed and reported in Python: loading the compiled
# code takes about a second (and compiling it, the first time on a machine, 35-45 s).
COMPILED_ALIGNMENT_FROM = 2000


def scan_documents(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats | None = None,
    reference: bool = False,
    min_percent: float = 0.0,
    pairs: bool = False,
    texts: bool = False,
    keep_boilerplate: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Report:
    """Return the report of `documents` (already read, sorted by id, unique ids)."""
    report, _ = _scan_documents(
        documents,
        params,
        stats=stats if stats is not None else Stats(),
        reference=reference,
        options=_Options(min_percent, pairs, keep_boilerplate, texts),
        jobs=jobs,
        progress=progress,
    )
    return report


def _scan_documents(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats,
    reference: bool,
    options: _Options,
    jobs: int,
    progress: Progress | None,
) -> tuple[Report, Shares | None]:
    tell = partial(progress, "compile", 0, 0) if progress else None
    with collector_paused(), CompileNotice(tell) as notice:
        try:
            return _run_stages(
                documents,
                params,
                stats=stats,
                reference=reference,
                options=options,
                jobs=jobs,
                progress=progress,
                notice=notice,
            )
        finally:
            ahead.stop()


@dataclass(frozen=True, slots=True)
class _Options:
    """What the report shows: pairs and matches from `min_percent` up, the pairs themselves,
    boilerplate counted as text, the texts of documents that share text, and what each
    document shares with each partner (`Shares`); and the largest bucket of the index whose
    documents are all paired with each other (larger ones are stars)."""

    min_percent: float = 0.0
    pairs: bool = False
    keep_boilerplate: bool = False
    texts: bool = False
    shares: bool = False
    pairwise_max: int = PAIRWISE_MAX


def _run_stages(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats,
    reference: bool,
    options: _Options,
    jobs: int,
    progress: Progress | None,
    notice: CompileNotice,
    early: SigningAsRead | None = None,
) -> tuple[Report, Shares | None]:
    # The compiled code runs from COMPILED_SIGNING_FROM documents and COMPILED_ALIGNMENT_FROM
    # candidate pairs up; the reference path never runs it.
    compiled_for_documents = not reference and len(documents) >= COMPILED_SIGNING_FROM
    sources, published = document_metadata(documents)
    if compiled_for_documents:
        notice.start()
    with stats.stage("sign", "paragraphs") as timing:
        # Ranked while the workers sign the last batches (the index needs the ranks).
        ranks = centre_order(sources, published)
        signed = early.signed(documents, params, progress) if early is not None else None
        if signed is None:
            signed = sign_documents(
                documents,
                params,
                jobs=jobs,
                reference=reference,
                progress=progress,
                compiled=compiled_for_documents,
            )
        timing.items = len(signed.owners)
    with stats.stage("index", "paragraphs") as timing:
        pairs = star_candidates(
            signed, params, ranks, jobs, compiled_for_documents, options.pairwise_max
        )
        timing.items = len(signed.owners)
    stats.count("candidate document pairs", len(pairs))
    compiled_for_pairs = not reference and len(pairs) >= COMPILED_ALIGNMENT_FROM
    if compiled_for_pairs:
        notice.start()
    with stats.stage("align", "pairs") as timing:
        alignment = align_candidates(
            documents,
            pairs,
            params,
            text_hashes=signed.text_hashes,
            jobs=jobs,
            progress=progress,
            compiled=compiled_for_pairs,
        )
        aligned = alignment.passages
        timing.items = len(pairs)
    stats.count("verified document pairs", len(aligned))
    stats.count("rewritten document pairs", len(alignment.rewrites))
    with stats.stage("families", "passages") as timing:
        if compiled_for_pairs:
            ahead.wait("families")  # compiling on a fresh install, since the signing's compiling
        families = find_families(
            documents,
            aligned,
            signed.word_counts,
            separator=params.paragraph_separator,
            keep_boilerplate=options.keep_boilerplate,
            jobs=jobs,
            compiled=compiled_for_pairs,
            ranks=ranks,
        )
        timing.items = len(aligned.rows)
    stats.count("families", len(families.family_original))
    stats.count("boilerplate texts", int(families.boilerplate.sum()))
    with stats.stage("report", "documents") as timing:
        report, shares = build_report_and_shares(
            documents,
            signed.word_counts,
            aligned,
            families,
            rewrites=alignment.rewrites,
            parameters=_parameter_record(params, options.min_percent),
            min_percent=options.min_percent,
            pairs=options.pairs,
            texts=options.texts,
            jobs=jobs,
            compiled=compiled_for_pairs,
            pairwise_max=options.pairwise_max,
        )
        timing.items = len(documents)
    return report, shares if options.shares else None


def star_candidates(
    signed: Signed,
    params: Parameters,
    centre_ranks: np.ndarray,
    jobs: int,
    compiled: bool = False,
    pairwise_max: int = PAIRWISE_MAX,
) -> np.ndarray:
    """Return the candidate document pairs (a < b, sorted) of the signed paragraphs and of
    the anchors (`dedupe.anchors`): in each bucket, every member with the bucket's centre
    (its document of lowest rank), or all pairs of a bucket of up to `pairwise_max`."""
    owners = centre_ranks[signed.owners] if len(signed.owners) else signed.owners
    if signed.signatures is not None:
        ranked = reference_candidate_pairs(
            signed.signatures, owners, params.lsh, params.seed, pairwise_max
        )
    else:
        ranked = candidate_pairs(signed.keys, owners, jobs, pairwise_max, compiled=compiled)
    if isinstance(signed.keys, SpilledBandKeys):
        signed.keys.close()
    if isinstance(signed.anchors, SpilledPostings):
        anchored = anchor_pairs(
            signed.anchors, centre_ranks, jobs, compiled=compiled, pairwise_max=pairwise_max
        )
        signed.anchors.close()
    else:
        anchored = reference_anchor_pairs(signed.anchors, centre_ranks, pairwise_max)
    document_of = np.argsort(centre_ranks)
    found = np.concatenate(
        (
            document_of[ranked].reshape(-1, 2),
            document_of[anchored].reshape(-1, 2),
            exact_duplicate_pairs(signed.text_hashes, signed.word_counts, centre_ranks, params),
        )
    )
    if not len(found):
        return np.empty((0, 2), dtype=np.int64)
    found = np.sort(found, axis=1)
    span = int(found.max()) + 1
    codes = unique_values(found[:, 0] * span + found[:, 1])
    return np.stack((codes // span, codes % span), axis=1)


def exact_duplicate_pairs(
    text_hashes: np.ndarray, word_counts: np.ndarray, centre_ranks: np.ndarray, params: Parameters
) -> np.ndarray:
    """Return (centre, copy) pairs of documents whose texts are the same words: each copy
    with the first of its kind by `centre_ranks`. Identical texts are then aligned with
    each other, and so shown 100% shared, whatever they repeat inside."""
    eligible = np.flatnonzero(word_counts >= params.min_words)
    if not len(eligible):
        return np.empty((0, 2), dtype=np.int64)
    keys = text_hashes[eligible]
    order = np.lexsort((centre_ranks[eligible], word_counts[eligible], keys))
    ordered = eligible[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (keys[order][1:] == keys[order][:-1]) & (
        word_counts[ordered][1:] == word_counts[ordered][:-1]
    )
    head = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
    copies = np.flatnonzero(same)
    return np.stack((ordered[head[copies]], ordered[copies]), axis=1)


@dataclass(frozen=True, slots=True)
class Alignment:
    """What alignment made of the candidate pairs: those that share text, with their
    passages, and the rewrites among those that share none (`dedupe.similarity.rewrite_rows`,
    a and b documents), both sorted by (a, b)."""

    passages: AlignedPassages
    rewrites: np.ndarray


def align_candidates(
    documents: Sequence[Document],
    pairs: np.ndarray,
    params: Parameters,
    *,
    text_hashes: np.ndarray | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    compiled: bool = False,
    rewrites: bool = True,
) -> Alignment:
    """Return the candidate pairs that share text, with their passages, and, with
    `rewrites`, the pairs in which alignment found no passage but whose 3-gram similarity
    makes them rewrites (measured on the words each chunk has split for its alignment, so it
    costs no second reading of the texts); both sorted by (a, b).

    With `compiled`, pairs are aligned by `dedupe.align_compiled`, else one by one by
    `dedupe.align.align`: the same passages. With `text_hashes` (`sequence_hashes` of each
    document's words), a pair whose two texts are character for character those of a pair
    already aligned takes its passages (and rewrite figures) instead of being aligned again:
    2,000 verbatim copies of a story cost one alignment.
    """
    if compiled:
        # Compiled (or loaded from numba's cache) once, here, before workers are forked;
        # numba takes about half a second to load, so only when used.
        from dedupe import align_compiled, text_compiled

        ahead.wait("align")  # compiling on a fresh install, since the signing's compiling
        align_compiled.prepare()
        text_compiled.prepare()
    representative = (
        same_texts(documents, pairs, text_hashes)
        if text_hashes is not None
        else np.arange(len(pairs), dtype=np.int64)
    )
    distinct = pairs[np.flatnonzero(representative == np.arange(len(pairs)))]
    # Pairs of one cluster of documents (the copies of one story) go to the same chunk, so a
    # worker tokenises each document once instead of once per chunk it appears in.
    ordered = (
        distinct[lexsort((distinct[:, 1], distinct[:, 0], clusters(distinct, compiled)))]
        if len(distinct)
        else distinct
    )
    chunks = [ordered[lo : lo + _ALIGN_CHUNK] for lo in range(0, len(ordered), _ALIGN_CHUNK)]
    parts: list[AlignedPassages] = []
    similar: list[np.ndarray] = [np.empty((0, REWRITE_COLUMNS), dtype=np.int64)]
    done = 0
    state = (documents, params, compiled, rewrites)
    for part, rows in map_ordered(_align_chunk, state, chunks, jobs):
        parts.append(part)
        similar.append(rows)
        done += _ALIGN_CHUNK
        if progress:
            progress("align", min(done, len(distinct)), len(distinct))
    aligned = joined(parts)
    found = np.concatenate(similar)
    if len(distinct) == len(pairs):
        return Alignment(aligned.sorted_by_pair(), found[lexsort((found[:, 1], found[:, 0]))])
    return Alignment(
        _with_copies(aligned, pairs, representative),
        _rewrites_with_copies(found, pairs, representative),
    )


def same_texts(
    documents: Sequence[Document], pairs: np.ndarray, text_hashes: np.ndarray
) -> np.ndarray:
    """Return, for each pair, the first pair whose two texts are the same as its own (itself
    when none is): same word hashes, then compared character for character."""
    representative = np.arange(len(pairs), dtype=np.int64)
    if not len(pairs):
        return representative
    keys = np.stack((text_hashes[pairs[:, 0]], text_hashes[pairs[:, 1]]), axis=1)
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    same = np.zeros(len(order), dtype=bool)
    same[1:] = np.all(keys[order][1:] == keys[order][:-1], axis=1)
    texts: dict[int, str] = {}

    def text(index: int) -> str:
        found = texts.get(index)
        if found is None:
            found = texts[index] = document_texts(documents, (index,))[0]
        return found

    head = 0
    for position in range(len(order)):
        if not same[position]:
            head = position
            texts.clear()
            continue
        first, pair = int(order[head]), int(order[position])
        (a0, b0), (a, b) = pairs[first].tolist(), pairs[pair].tolist()
        if text(a) == text(a0) and text(b) == text(b0):
            representative[pair] = representative[first]
    return representative


def _with_copies(
    aligned: AlignedPassages, pairs: np.ndarray, representative: np.ndarray
) -> AlignedPassages:
    """Return every pair with the passages found for its representative, sorted by pair."""
    hit, at = _representatives_found(aligned.pairs, pairs, representative)
    taken = aligned.select(at)
    return AlignedPassages(pairs[hit], taken.bounds, taken.rows, taken.quoted).sorted_by_pair()


def _rewrites_with_copies(
    rows: np.ndarray, pairs: np.ndarray, representative: np.ndarray
) -> np.ndarray:
    """Return the rewrite rows of every pair whose representative has one (the same figures:
    the same texts), sorted by pair."""
    hit, at = _representatives_found(rows[:, [R_A, R_B]], pairs, representative)
    taken: np.ndarray = rows[at]
    taken[:, [R_A, R_B]] = pairs[hit]
    return taken


def _representatives_found(
    found: np.ndarray, pairs: np.ndarray, representative: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions in `pairs` whose representative pair is among the `found` pairs,
    and where in `found` it is (in the order of `pairs`)."""
    if not len(found):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    span = int(pairs.max()) + 1
    codes = found[:, 0] * span + found[:, 1]
    order = np.argsort(codes)
    wanted = pairs[representative, 0] * span + pairs[representative, 1]
    at = np.minimum(np.searchsorted(codes[order], wanted), len(codes) - 1)
    hit = np.flatnonzero(codes[order][at] == wanted)
    return hit, order[at[hit]]


def clusters(pairs: np.ndarray, compiled: bool = False) -> np.ndarray:
    """Return, for each pair, a label shared by all pairs of its connected group of documents
    (the group's lowest document)."""
    if not len(pairs):
        return np.empty(0, dtype=np.int64)
    # Documents numbered densely (sorted, so the lowest stays lowest): the kernel's loops
    # then run over the paired documents only, not over the whole corpus.
    nodes = unique_values(pairs)
    local = np.searchsorted(nodes, pairs).astype(np.int64)
    join = jitted(family_kernels.components) if compiled else family_kernels.components
    labels = join(np.ascontiguousarray(local), len(nodes))
    found: np.ndarray = nodes[labels[local[:, 0]]]
    return found


def _align_chunk(
    state: tuple[Sequence[Document], Parameters, bool, bool], pairs: np.ndarray
) -> tuple[AlignedPassages, np.ndarray]:
    """Return the pairs of the chunk that share text, with their passages, and (when asked)
    the rewrite rows of those that share none."""
    documents, params, compiled, rewrites = state
    # Every document of the chunk is split into words in one go (a chunk holds at most
    # 2 x _ALIGN_CHUNK documents), then the pairs aligned.
    needed = unique_values(pairs)
    local = np.searchsorted(needed, pairs)
    if compiled:
        from dedupe.align_compiled import align_columns

        texts = document_utf8(documents, needed.tolist())
        table = token_table(texts, params.paragraph_separator, compiled=True)
        found = align_columns(local, table, params.alignment)
    else:
        tokens = tokenize_many(
            document_texts(documents, needed.tolist()), params.paragraph_separator
        )
        grams = ngrams_of_each([t.hashes for t in tokens], params.gram_words)
        indexed = [GramIndex.of(g) for g in grams]
        found = passage_columns(
            (a, b, align(tokens[a], tokens[b], grams[a], indexed[b], params.alignment))
            for a, b in local.tolist()
        )
    # Back to the corpus's document numbers.
    found = AlignedPassages(pairs, found.bounds, found.rows, found.quoted)
    verified = found.counts() > 0
    similar = np.empty((0, REWRITE_COLUMNS), dtype=np.int64)
    if rewrites and not verified.all():
        words = table if compiled else joined_tokens(tokens)
        similar = rewrite_rows(words, local[~verified], params.min_words)
        similar[:, [R_A, R_B]] = needed[similar[:, [R_A, R_B]]]
    return found.select(np.flatnonzero(verified)), similar


def ngrams_of_each(hashes: Sequence[np.ndarray], n: int) -> list[np.ndarray]:
    """Return `ngram_hashes(h, n)` of each word hash array, computed in one pass over all."""
    if not hashes:
        return []
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    starts = (np.cumsum(lengths) - lengths).tolist()
    # n-grams that straddle two arrays are computed, then left out.
    joined = ngram_hashes(np.concatenate(hashes), n)
    return [
        joined[start : start + max(length - n + 1, 0)]
        for start, length in zip(starts, lengths.tolist(), strict=True)
    ]


def _parameter_record(params: Parameters, min_percent: float) -> dict[str, Any]:
    record = asdict(params)
    record.update(bands=params.lsh.bands, rows=params.lsh.rows, min_percent=min_percent)
    return record
