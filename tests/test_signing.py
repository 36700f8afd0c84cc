"""Tests of signing: shingling in batches against document by document, and signing while
the corpus is read (`SigningAsRead`) against signing after it."""

from __future__ import annotations

import importlib
import itertools
import json
import multiprocessing
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.anchors import anchor_pairs
from dedupe.documents import Document, FieldNames
from dedupe.errors import InputError
from dedupe.parameters import Parameters
from dedupe.scan import load_documents
from dedupe.signing import (
    Signed,
    SigningAsRead,
    shingle_documents,
    shingle_documents_reference,
    sign_documents,
)
from dedupe.store import DocumentStore

SCAN = importlib.import_module("dedupe.scan")
SIGNING = importlib.import_module("dedupe.signing")
STORE = importlib.import_module("dedupe.store")


@pytest.fixture(params=[0, 120], ids=["from-the-first-batch", "from-the-third"])
def small_batches(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Sign as read in batches of 50 (a real scan: 2,000), from the first batch or once 120
    documents are read (the batches before then signed with the third)."""
    monkeypatch.setattr(SIGNING, "COMPILED_SIGNING_FROM", request.param)
    monkeypatch.setattr(STORE, "BATCH_DOCUMENTS", 50)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each scan's `SigningAsRead` gave its signing (or left it to be done after)."""
    found: list[bool] = []
    signed = SigningAsRead.signed

    def spy(self: SigningAsRead, *args: Any) -> Signed | None:
        result = signed(self, *args)
        found.append(result is not None)
        return result

    monkeypatch.setattr(SigningAsRead, "signed", spy)
    return found


def _read_signing(
    path: Path, params: Parameters, *, sniff: bool
) -> tuple[SigningAsRead, Sequence[Document]]:
    """Return a `SigningAsRead` of `params` fed the store of `path` as it was read, and the
    store."""
    sink = SigningAsRead(params, 2, sniff=sniff)
    store = load_documents([path], FieldNames(), "error", None, on_batch=sink.on_batch)
    return sink, store


def _windows(signed: Signed) -> list[tuple[int, tuple[int, ...]]]:
    """Each window's document and band keys, sorted (the order windows are signed in
    differs between the two ways)."""
    keys = np.stack([signed.keys.band(b) for b in range(signed.keys.bands)], axis=1)
    return sorted(zip(signed.owners.tolist(), map(tuple, keys.tolist()), strict=True))


def test_signing_as_read_signs_as_signing_after_reading(
    news_clusters_dir: Path, small_batches: None
) -> None:
    sink, store = _read_signing(news_clusters_dir / "articles.jsonl", Parameters(), sniff=True)
    assert isinstance(store, DocumentStore)
    # The file is not in id order: renumbering has work to do.
    assert store.read_order().tolist() != sorted(store.read_order().tolist())
    guessed = Parameters(paragraph_separator=None)
    early = sink.signed(store, guessed)
    assert early is not None
    after = sign_documents(store, guessed, jobs=1, compiled=True)
    assert np.array_equal(early.word_counts, after.word_counts)
    assert np.array_equal(early.text_hashes, after.text_hashes)
    assert _windows(early) == _windows(after)
    ranks = np.random.default_rng(2).permutation(len(store))
    assert isinstance(early.anchors, type(after.anchors))
    pairs = anchor_pairs(early.anchors, ranks)  # type: ignore[arg-type]
    assert len(pairs) > 100
    assert np.array_equal(pairs, anchor_pairs(after.anchors, ranks))  # type: ignore[arg-type]
    sink.close()


def test_another_paragraph_separator_than_the_guess_signs_after_reading(
    news_clusters_dir: Path, small_batches: None
) -> None:
    sink, store = _read_signing(news_clusters_dir / "articles.jsonl", Parameters(), sniff=True)
    assert multiprocessing.active_children()
    assert sink.signed(store, Parameters(paragraph_separator="<p>")) is None
    assert not multiprocessing.active_children()


def test_a_scan_signing_as_read_gives_the_report_of_one_signing_after(
    news_clusters_dir: Path,
    small_batches: None,
    taken: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = news_clusters_dir / "articles.jsonl"
    told: list[tuple[str, int, int]] = []
    early = dedupe.scan([path], jobs=2, pairs=True, progress=lambda *t: told.append(t))
    assert taken == [True]
    signing = [(done, total) for stage, done, total in told if stage == "sign"]
    assert signing[-1] == (len(early.documents), len(early.documents))
    assert len(signing) > 1 and all(a[0] < b[0] for a, b in itertools.pairwise(signing))
    monkeypatch.setattr(SCAN, "_signs_as_read", lambda *args: False)
    after = dedupe.scan([path], jobs=2, pairs=True)
    assert taken == [True]
    assert len(after.pairs) > 100
    assert early == after
    assert dedupe.render(early, "json") == dedupe.render(after, "json")


def test_a_scan_whose_inputs_settle_on_another_separator_signs_after_reading(
    tmp_path: Path, small_batches: None, taken: list[bool]
) -> None:
    # The first input's texts break paragraphs at blank lines, the second's (more of them)
    # at "<p>": the guess from the first is wrong, and the scan still right.
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    sentence = "the minister said on monday that the new rules would apply to every port"
    words = sentence.split(" ")
    body = [" ".join(words[k:] + words[:k]) for k in range(8)]

    def lines(prefix: str, separator: str, count: int) -> str:
        texts = (separator.join(body[(k + j) % 8] for j in range(3)) for k in range(count))
        return "".join(
            json.dumps({"id": f"{prefix}{k}", "text": t}) + "\n" for k, t in enumerate(texts)
        )

    first.write_text(lines("a", "\n\n", 60))
    second.write_text(lines("b", "<p>", 90))
    report = dedupe.scan([first, second], jobs=2)
    assert taken == [False]
    assert report.parameters["paragraph_separator"] == "<p>"
    assert report == dedupe.scan([first, second], jobs=1)


def test_an_input_error_after_signing_began_stops_the_workers(
    tmp_path: Path, news_clusters_dir: Path, small_batches: None
) -> None:
    lines = (news_clusters_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate id"):
        dedupe.scan([path], jobs=2)
    assert not multiprocessing.active_children()


def test_guessed_parameters_are_the_given_ones_when_nothing_is_sniffed(
    news_clusters_dir: Path, small_batches: None
) -> None:
    given = Parameters(paragraph_separator="\n")
    path = news_clusters_dir / "articles.jsonl"
    sink, store = _read_signing(path, given, sniff=False)
    assert sink.signed(store, replace(given, paragraph_separator=None)) is None
    sink, store = _read_signing(path, given, sniff=False)
    assert sink.signed(store, given) is not None
    sink.close()


# --- batched shingling ---------------------------------------------------------------------

_WORDS = ("flood", "river", "U.S.", "mayor's", "said", "“Water”", "café", "Ωmega", "—", "42", "x")


@st.composite
def _texts(draw: st.DrawFn) -> list[str]:
    texts = []
    for _ in range(draw(st.integers(0, 6))):
        lengths = draw(st.lists(st.integers(0, 45), max_size=8))
        paragraphs = [" ".join(draw(st.sampled_from(_WORDS)) for _ in range(n)) for n in lengths]
        texts.append(draw(st.sampled_from(["\n\n", "\n", "\n \n"])).join(paragraphs))
    return texts


@settings(max_examples=150, deadline=None)
@given(
    texts=_texts(),
    shingle_size=st.integers(1, 5),
    extra_words=st.integers(0, 8),
    extra_window=st.integers(0, 25),
)
def test_batched_shingling_equals_document_by_document(
    texts: list[str], shingle_size: int, extra_words: int, extra_window: int
) -> None:
    params = dedupe.Parameters(
        shingle_size=shingle_size,
        min_words=shingle_size + extra_words,
        window=2 * shingle_size + extra_window,
    )
    documents = [Document(str(i), text) for i, text in enumerate(texts)]
    fast = shingle_documents(documents, params)
    slow = shingle_documents_reference(documents, params)
    for name in ("hashes", "counts", "owners", "word_counts"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
