"""The scan: read, shingle, sign, index, align, attribute, report, as one call.

Each stage is a function over plain data, so a stage can be batched, streamed or moved to
another engine without touching the others.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from dedupe.align import AlignParams, Passage, align
from dedupe.attribution import (
    UNDECIDED,
    Attribution,
    Carrier,
    DocumentFacts,
    attribute_links,
    document_facts,
)
from dedupe.documents import Document, FieldNames, ReadLog, read_documents
from dedupe.errors import InputError, ParameterError
from dedupe.index import (
    LSHParams,
    band_keys,
    candidate_pairs,
    lsh_params,
    reference_candidate_pairs,
)
from dedupe.report import AlignedPair, Report, build_report
from dedupe.signatures import sign, sign_reference
from dedupe.stats import Stats
from dedupe.text import Tokens, WordHasher, ngram_hashes, paragraph_words, shingle_hash32, tokenize

Input = str | os.PathLike[str] | Document


@dataclass(frozen=True)
class Parameters:
    """The detection parameters of a scan (see the README for how the defaults were chosen)."""

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.3
    seed: int = 1
    min_words: int = 8
    max_gap: int = 8
    window: int = 50
    paragraph_separator: str | None = None

    def validate(self) -> None:
        """Raise ParameterError when a value is out of range."""
        if self.shingle_size < 1:
            raise ParameterError(f"shingle size must be at least 1, got {self.shingle_size}")
        if self.min_words < self.shingle_size:
            raise ParameterError(
                f"min words ({self.min_words}) must be at least"
                f" the shingle size ({self.shingle_size})"
            )
        if self.window < 2 * self.shingle_size:
            raise ParameterError(
                f"window ({self.window}) must be at least twice"
                f" the shingle size ({self.shingle_size})"
            )
        if self.max_gap < 0:
            raise ParameterError(f"max gap must be 0 or more, got {self.max_gap}")
        lsh_params(self.threshold, self.num_perm)

    @property
    def lsh(self) -> LSHParams:
        """Return the LSH banding for this threshold and number of permutations."""
        return lsh_params(self.threshold, self.num_perm)

    @property
    def alignment(self) -> AlignParams:
        """Return the alignment parameters."""
        return AlignParams(
            seed_words=self.shingle_size, max_gap=self.max_gap, min_words=self.min_words
        )


@dataclass(frozen=True)
class Shingles:
    """Paragraph shingles of a corpus: hashes back to back, per-paragraph counts and owners."""

    hashes: np.ndarray
    counts: np.ndarray
    owners: np.ndarray
    word_counts: np.ndarray


def scan(
    inputs: Iterable[Input],
    *,
    fields: FieldNames | None = None,
    duplicate_ids: Literal["error", "suffix"] = "error",
    min_percent: float = 0.0,
    log: ReadLog | None = None,
    stats: Stats | None = None,
    reference: bool = False,
    **parameters: Any,
) -> Report:
    """Return the overlap report of the documents in `inputs` (paths, folders, "-" or Documents).

    Keyword parameters are those of `Parameters` (shingle_size, num_perm, threshold, seed,
    min_words, max_gap, paragraph_separator). Skipped input is recorded in `log`, stage times in
    `stats`. `reference=True` runs the slow datasketch-based signing and LSH instead of the
    vectorised ones (the report must be identical; kept for tests).
    """
    params = Parameters(**parameters)
    params.validate()
    stats = stats if stats is not None else Stats()
    with stats.stage("read", "documents") as timing:
        documents = load_documents(inputs, fields or FieldNames(), duplicate_ids, log)
        timing.items = len(documents)
    return scan_documents(
        documents, params, stats=stats, reference=reference, min_percent=min_percent
    )


def load_documents(
    inputs: Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
) -> list[Document]:
    """Return the documents of `inputs` sorted by id, so results never depend on input order."""
    documents = list(_documents(inputs, fields, duplicate_ids, log))
    documents.sort(key=lambda d: d.id)
    for first, second in itertools.pairwise(documents):
        if first.id == second.id:
            raise InputError(
                f"duplicate id {first.id!r} (also in {first.origin or 'another document'})",
                path=second.origin or None,
            )
    return documents


def _documents(
    inputs: Iterable[Input],
    fields: FieldNames,
    duplicate_ids: Literal["error", "suffix"],
    log: ReadLog | None,
) -> Iterator[Document]:
    paths: list[str | os.PathLike[str]] = []
    for item in inputs:
        if isinstance(item, Document):
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read_documents(paths, fields=fields, duplicate_ids=duplicate_ids, log=log)


def scan_documents(
    documents: Sequence[Document],
    params: Parameters,
    *,
    stats: Stats | None = None,
    reference: bool = False,
    min_percent: float = 0.0,
) -> Report:
    """Return the overlap report of `documents` (already read, sorted by id, unique ids)."""
    stats = stats if stats is not None else Stats()
    hasher = WordHasher()
    with stats.stage("shingle", "paragraphs") as timing:
        shingles = shingle_documents(documents, params, hasher)
        timing.items = len(shingles.counts)
    with stats.stage("sign", "paragraphs") as timing:
        signer = sign_reference if reference else sign
        signatures = signer(shingles.hashes, shingles.counts, params.num_perm, params.seed)
        timing.items = len(signatures)
    with stats.stage("index", "paragraphs") as timing:
        if reference:
            pairs = reference_candidate_pairs(signatures, shingles.owners, params.lsh, params.seed)
        else:
            pairs = candidate_pairs(band_keys(signatures, params.lsh), shingles.owners)
        timing.items = len(signatures)
    stats.count("candidate document pairs", len(pairs))
    with stats.stage("align", "pairs") as timing:
        tokens, aligned = align_pairs(documents, pairs, params, hasher)
        timing.items = len(pairs)
    stats.count("verified document pairs", len(aligned))
    with stats.stage("attribute", "passages") as timing:
        attributed = attribute_pairs(documents, tokens, aligned, params)
        timing.items = sum(len(p.passages) for p in attributed)
    with stats.stage("report", "documents") as timing:
        report = build_report(
            documents,
            tokens,
            shingles.word_counts.tolist(),
            attributed,
            parameters=_parameter_record(params, min_percent),
            min_percent=min_percent,
        )
        timing.items = len(documents)
    return report


def shingle_documents(
    documents: Sequence[Document], params: Parameters, hasher: WordHasher
) -> Shingles:
    """Return the shingle hashes of every paragraph long enough to hold one shingle.

    Paragraphs longer than `params.window` words are cut into windows of that many words,
    overlapping by half, so a passage copied into (or out of) a long paragraph still makes up
    most of some window. Paragraphs shorter than the shingle size are not indexed (they cannot
    hold a passage of `min_words`), but their words are still aligned once their document is a
    candidate.
    """
    hashes: list[np.ndarray] = []
    counts: list[int] = []
    owners: list[int] = []
    word_counts = np.zeros(len(documents), dtype=np.int64)
    n = params.shingle_size
    for index, doc in enumerate(documents):
        for words in paragraph_words(doc.text, params.paragraph_separator):
            word_counts[index] += len(words)
            if len(words) < n:
                continue
            grams = shingle_hash32(ngram_hashes(hasher(words), n))
            for start, end in windows(len(grams), params.window - n + 1):
                hashes.append(grams[start:end])
                counts.append(end - start)
                owners.append(index)
    return Shingles(
        hashes=np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint32),
        counts=np.array(counts, dtype=np.int64),
        owners=np.array(owners, dtype=np.int64),
        word_counts=word_counts,
    )


def windows(length: int, size: int) -> list[tuple[int, int]]:
    """Return [start, end) windows of `size` over `length` items, overlapping by half."""
    if length <= size:
        return [(0, length)]
    step = max(size // 2, 1)
    starts = [*range(0, length - size, step), length - size]
    return [(start, start + size) for start in starts]


def align_pairs(
    documents: Sequence[Document], pairs: np.ndarray, params: Parameters, hasher: WordHasher
) -> tuple[dict[int, Tokens], list[tuple[int, int, list[Passage]]]]:
    """Return the tokens of the documents in `pairs` and the verified pairs with passages."""
    tokens: dict[int, Tokens] = {}
    grams: dict[int, np.ndarray] = {}
    for doc in np.unique(pairs):
        index = int(doc)
        tokens[index] = tokenize(documents[index].text, params.paragraph_separator)
        grams[index] = ngram_hashes(hasher(tokens[index].words), params.shingle_size)
    aligned = []
    for a, b in pairs.tolist():
        passages = align(tokens[a], tokens[b], grams[a], grams[b], params.alignment)
        if passages:
            aligned.append((a, b, passages))
    return tokens, aligned


def attribute_pairs(
    documents: Sequence[Document],
    tokens: Mapping[int, Tokens],
    aligned: Sequence[tuple[int, int, list[Passage]]],
    params: Parameters,
) -> list[AlignedPair]:
    """Return the aligned pairs with the original source of each reused (non-quote) passage."""
    facts: dict[int, DocumentFacts] = {}
    for index in sorted({d for a, b, _ in aligned for d in (a, b)}):
        doc = documents[index]
        facts[index] = document_facts(
            doc.id, doc.text, doc.source, doc.published, params.paragraph_separator
        )
    links: list[tuple[Carrier, Carrier]] = []
    for a, b, passages in aligned:
        for p in passages:
            if not p.quote:
                links.append(
                    (
                        _carrier(tokens, a, p.a_start, p.a_end),
                        _carrier(tokens, b, p.b_start, p.b_end),
                    )
                )
    fact_list = _FactsView(facts)
    decided = iter(attribute_links(links, fact_list))
    result = []
    for a, b, passages in aligned:
        attributions: list[Attribution] = [
            UNDECIDED if p.quote else next(decided) for p in passages
        ]
        result.append(AlignedPair(a, b, tuple(passages), tuple(attributions)))
    return result


class _FactsView(Sequence[DocumentFacts]):
    """Facts indexed by document index, for the documents that have any."""

    def __init__(self, facts: Mapping[int, DocumentFacts]) -> None:
        self._facts = facts

    def __getitem__(self, index: int) -> DocumentFacts:  # type: ignore[override]
        return self._facts[index]

    def __len__(self) -> int:
        return len(self._facts)


def _carrier(tokens: Mapping[int, Tokens], doc: int, start: int, end: int) -> Carrier:
    words = tokens[doc]
    return Carrier(doc, int(words.starts[start]), int(words.ends[end - 1]))


def _parameter_record(params: Parameters, min_percent: float) -> dict[str, Any]:
    record = asdict(params)
    record.update(bands=params.lsh.bands, rows=params.lsh.rows, min_percent=min_percent)
    return record
