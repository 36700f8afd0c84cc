"""A document store that keeps texts on disk, so memory follows the corpus size in documents.

Reading a corpus spools every text to an unlinked temporary file and keeps only metadata and
offsets in memory; a document's text is read back (one `pread`) when a stage asks for it. The
store is a `Sequence[Document]` ordered by id, so every stage works on it as on a list, and
forked workers share the file instead of copies of the texts.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

import numpy as np

from dedupe.documents import Document
from dedupe.text import Utf8Texts

# on_batch(store, lo, hi): documents lo..hi-1, in the order read, are on disk.
BatchSink = Callable[["DocumentStore", int, int], None]
# Documents a batch holds (`dedupe.signing` signs as many a task).
BATCH_DOCUMENTS = 2000


class DocumentStore(Sequence[Document]):
    """Documents sorted by id, texts on disk, metadata in memory.

    With `on_batch`, the store calls `on_batch(store, lo, hi)` each time `batch` more
    documents (BATCH_DOCUMENTS by default) are on disk, and once for the last few:
    documents lo..hi-1 in the order read, whose texts `spans` locates, so work on them can
    start before the last is read.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        on_batch: BatchSink | None = None,
        batch: int | None = None,
    ) -> None:
        batch = batch or BATCH_DOCUMENTS
        # Lives as long as the store; unlinked already, so nothing is left behind on a crash.
        self._file = tempfile.TemporaryFile(prefix="dedupe-texts-")  # noqa: SIM115
        self._offsets = array("q")
        self._lengths = array("q")
        self._ids: list[str] = []
        self._sources: list[str | None] = []
        self._published: list[str | None] = []
        self._origins: list[str] = []
        self._crawled = bytearray()
        shared: dict[str, str] = {}
        size = 0
        with open(self._file.fileno(), "wb", closefd=False, buffering=1 << 20) as spool:
            for doc in documents:
                data = doc.text.encode("utf-8", "surrogatepass")
                spool.write(data)
                self._offsets.append(size)
                self._lengths.append(len(data))
                size += len(data)
                self._ids.append(doc.id)
                # Outlet names and dates repeat across millions of documents: keep one copy.
                self._sources.append(
                    shared.setdefault(doc.source, doc.source) if doc.source else None
                )
                self._published.append(doc.published)
                self._origins.append(doc.origin)
                self._crawled.append(doc.crawled)
                if on_batch is not None and len(self._ids) % batch == 0:
                    spool.flush()
                    on_batch(self, len(self._ids) - batch, len(self._ids))
        if on_batch is not None and len(self._ids) % batch:
            on_batch(self, len(self._ids) - len(self._ids) % batch, len(self._ids))
        self._order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        self._ids_in_order: list[str] | None = None
        self._metadata: tuple[list[str | None], list[str | None]] | None = None

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        if isinstance(index, slice):
            return [self._document(i) for i in self._order[index]]
        return self._document(self._order[index])

    def __iter__(self) -> Iterator[Document]:
        for i in self._order:
            yield self._document(i)

    def ids(self) -> list[str]:
        """Return the ids in store order (without reading any text): one list, made at the
        first call and shared by every caller after (not to be changed)."""
        if self._ids_in_order is None:
            self._ids_in_order = [self._ids[i] for i in self._order]
        return self._ids_in_order

    def sources(self) -> set[str]:
        """Return the distinct outlet names (without reading any text)."""
        return {s for s in self._sources if s}

    def metadata(self) -> tuple[list[str | None], list[str | None]]:
        """Return the outlets and publication dates in store order (without reading texts):
        made at the first call and shared after, as `ids`. (0.1 s at 100k documents, read in
        an order of their own, and asked for by four stages.)"""
        if self._metadata is None:
            order = self._order
            self._metadata = [self._sources[i] for i in order], [self._published[i] for i in order]
        return self._metadata

    def crawled(self) -> list[bool]:
        """Return, in store order, whether each document's date is a crawl time."""
        return [bool(self._crawled[i]) for i in self._order]

    def read_order(self) -> np.ndarray:
        """Return, in store order, each document's place in the order read."""
        return np.array(self._order, dtype=np.int64)

    def spans(self, lo: int, hi: int) -> tuple[int, list[int], list[int]]:
        """Return (file descriptor, offsets, lengths) of the texts of documents lo..hi-1 in
        the order read (`read_texts` reads them, in forked workers too)."""
        return self._file.fileno(), self._offsets[lo:hi].tolist(), self._lengths[lo:hi].tolist()

    def text_bytes(self) -> int:
        """Return the size of all texts on disk, in bytes (UTF-8)."""
        return sum(self._lengths)

    def texts(self, indices: Iterable[int]) -> list[str]:
        """Return the texts of the documents at `indices` (store order), without making
        `Document` objects: half the cost of reading whole documents back."""
        chosen = [self._order[index] for index in indices]
        offsets, lengths = self._offsets, self._lengths
        return read_texts(
            self._file.fileno(), [offsets[i] for i in chosen], [lengths[i] for i in chosen]
        )

    def utf8_texts(self, indices: Iterable[int]) -> Utf8Texts:
        """Return the texts of the documents at `indices` (store order) as they lie on disk,
        their UTF-8 bytes (`read_utf8`), none decoded."""
        chosen = [self._order[index] for index in indices]
        offsets, lengths = self._offsets, self._lengths
        return read_utf8(
            self._file.fileno(), [offsets[i] for i in chosen], [lengths[i] for i in chosen]
        )

    def close(self) -> None:
        """Release the spool file (also done when the store is garbage-collected)."""
        self._file.close()

    def _document(self, i: int) -> Document:
        data = os.pread(self._file.fileno(), self._lengths[i], self._offsets[i])
        return Document(
            id=self._ids[i],
            text=data.decode("utf-8", "surrogatepass"),
            source=self._sources[i],
            published=self._published[i],
            origin=self._origins[i],
            crawled=bool(self._crawled[i]),
        )


def read_texts(fileno: int, offsets: Sequence[int], lengths: Sequence[int]) -> list[str]:
    """Return the texts at `offsets` (`lengths` bytes each) of a store's file."""
    return [
        os.pread(fileno, length, offset).decode("utf-8", "surrogatepass")
        for offset, length in zip(offsets, lengths, strict=True)
    ]


def read_utf8(fileno: int, offsets: Sequence[int], lengths: Sequence[int]) -> Utf8Texts:
    """Return the texts at `offsets` (`lengths` bytes each) of a store's file undecoded, as
    `Utf8Texts`: in one read when they lie back to back (a batch in the order read)."""
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    total = int(bounds[-1])
    if total and all(offsets[k + 1] == offsets[k] + lengths[k] for k in range(len(offsets) - 1)):
        data = os.pread(fileno, total, offsets[0])
    else:
        data = b"".join(
            os.pread(fileno, length, offset)
            for offset, length in zip(offsets, lengths, strict=True)
        )
    if len(data) != total:
        raise OSError(f"read {len(data)} of {total} bytes of texts back from the spool")
    return Utf8Texts(data, bounds)


def document_utf8(documents: Sequence[Document], indices: Iterable[int]) -> Utf8Texts:
    """Return `document_texts` as `Utf8Texts`: read undecoded from a store's file when
    `documents` is one, else encoded."""
    if isinstance(documents, DocumentStore):
        return documents.utf8_texts(indices)
    return Utf8Texts.of([documents[index].text for index in indices])


def document_texts(documents: Sequence[Document], indices: Iterable[int]) -> list[str]:
    """Return the texts of the documents at `indices`, read straight from a store's file
    (no `Document` made) when `documents` is one."""
    if isinstance(documents, DocumentStore):
        return documents.texts(indices)
    return [documents[index].text for index in indices]


def document_ids(documents: Sequence[Document]) -> list[str]:
    """Return the ids of `documents` in order, without reading texts back from a store."""
    if isinstance(documents, DocumentStore):
        return documents.ids()
    return [d.id for d in documents]


def document_outlets(documents: Sequence[Document]) -> set[str]:
    """Return the distinct outlet names of `documents`, without reading texts from a store."""
    if isinstance(documents, DocumentStore):
        return documents.sources()
    return {d.source for d in documents if d.source}


def document_metadata(documents: Sequence[Document]) -> tuple[list[str | None], list[str | None]]:
    """Return the outlet and the publication date of each document, without reading texts
    back from a store."""
    if isinstance(documents, DocumentStore):
        return documents.metadata()
    return [d.source for d in documents], [d.published for d in documents]


def document_crawled(documents: Sequence[Document]) -> list[bool]:
    """Return whether each document's date is a crawl time (`Document.crawled`), without
    reading texts back from a store."""
    if isinstance(documents, DocumentStore):
        return documents.crawled()
    return [d.crawled for d in documents]


def as_sequence(
    documents: Iterable[Document], spool: bool, on_batch: BatchSink | None = None
) -> Sequence[Document]:
    """Return the documents sorted by id: spooled to disk when `spool` (telling `on_batch`,
    see `DocumentStore`), else in a list."""
    if spool:
        return DocumentStore(documents, on_batch)
    return sorted(documents, key=lambda d: d.id)
