"""The disk-spooled document store behaves like a sorted list of documents."""

from __future__ import annotations

import dataclasses

import pytest

import dedupe
from dedupe.documents import Document
from dedupe.store import (
    DocumentStore,
    as_sequence,
    document_crawled,
    document_texts,
    document_utf8,
    read_texts,
    read_utf8,
)

DOCS = [
    Document("b", "Second text with “quotes” and café.", "Metro Herald", "2024-01-05", "f:2"),
    Document("a", "First text.", None, None, "f:1"),
    Document("c", "Lone surrogate \ud800 survives.", "Metro Herald", None, "f:3"),
]


@pytest.fixture
def store() -> DocumentStore:
    return DocumentStore(DOCS)


def test_store_is_sorted_by_id_and_round_trips_every_field(store: DocumentStore) -> None:
    assert list(store) == sorted(DOCS, key=lambda d: d.id)
    assert store[0] == DOCS[1] and store[-1] == DOCS[2]
    assert store[1:] == [DOCS[0], DOCS[2]]
    assert len(store) == 3 and store.ids() == ["a", "b", "c"]
    assert store.metadata() == ([None, "Metro Herald", "Metro Herald"], [None, "2024-01-05", None])
    # Made once, shared by the stages that ask.
    assert store.ids() is store.ids() and store.metadata() is store.metadata()


def test_store_keeps_texts_on_disk(store: DocumentStore) -> None:
    assert store.text_bytes() == sum(len(d.text.encode("utf-8", "surrogatepass")) for d in DOCS)


@pytest.mark.parametrize("batch", [1, 2, 3, 5])
def test_batches_cover_the_documents_in_the_order_read_as_they_reach_the_disk(batch: int) -> None:
    seen: list[tuple[int, int, list[str]]] = []

    def on_batch(store: DocumentStore, lo: int, hi: int) -> None:
        seen.append((lo, hi, read_texts(*store.spans(lo, hi))))

    store = DocumentStore(DOCS, on_batch, batch=batch)
    assert [(lo, hi) for lo, hi, _ in seen] == [
        (lo, min(lo + batch, len(DOCS))) for lo in range(0, len(DOCS), batch)
    ]
    assert [text for _, _, texts in seen for text in texts] == [d.text for d in DOCS]
    # Store order is id order; read_order gives each document's place as read.
    assert [DOCS[place].id for place in store.read_order()] == store.ids()


@pytest.mark.parametrize("spool", [True, False])
def test_as_sequence_sorts_either_way(spool: bool) -> None:
    assert list(as_sequence(DOCS, spool)) == sorted(DOCS, key=lambda d: d.id)


def test_scanning_files_and_documents_gives_the_same_report() -> None:
    documents = list(dedupe.read_documents([dedupe.example_path()]))
    from_file = dedupe.scan([dedupe.example_path()], jobs=1)
    given = dedupe.scan(documents, jobs=1)
    # The same figures; only how the input was read (a file, or Documents) differs.
    assert dataclasses.replace(from_file, parameters=given.parameters) == given
    assert {**from_file.parameters, "inputs": []} == {**given.parameters, "inputs": []}


def test_the_store_keeps_crawl_times() -> None:
    """Issue #15: whether a date is a crawl time survives spooling to disk."""
    documents = [Document("b", "x", None, "2024-01-01", "o", crawled=True), Document("a", "y")]
    store = as_sequence(documents, True)
    assert [d.crawled for d in store] == [False, True]
    assert document_crawled(store) == document_crawled(list(store)) == [False, True]


def test_store_is_readable_from_forked_workers() -> None:
    report_two_jobs = dedupe.scan([dedupe.example_path()], jobs=2)
    assert report_two_jobs == dedupe.scan([dedupe.example_path()], jobs=1)


@pytest.mark.parametrize("spool", [True, False])
def test_texts_are_those_of_the_documents_at_the_indices(spool: bool) -> None:
    documents = as_sequence(DOCS, spool)
    for indices in ([2, 0, 1], [1], [], [2, 2]):
        assert document_texts(documents, indices) == [documents[i].text for i in indices]


@pytest.mark.parametrize("spool", [True, False])
def test_utf8_texts_are_those_of_the_documents_at_the_indices(spool: bool) -> None:
    documents = as_sequence(DOCS, spool)
    for indices in ([2, 0, 1], [1], [], [2, 2], [0, 1, 2]):
        utf8 = document_utf8(documents, indices)
        assert list(utf8) == document_texts(documents, indices)
        assert utf8.data == b"".join(
            documents[i].text.encode("utf-8", "surrogatepass") for i in indices
        )


def test_read_utf8_reads_spans_back_to_back_or_apart(store: DocumentStore) -> None:
    fileno, offsets, lengths = store.spans(0, 3)
    assert list(read_utf8(fileno, offsets, lengths)) == read_texts(fileno, offsets, lengths)
    apart = ([offsets[2], offsets[0]], [lengths[2], lengths[0]])
    assert list(read_utf8(fileno, *apart)) == read_texts(fileno, *apart)
    assert list(read_utf8(fileno, [], [])) == []
