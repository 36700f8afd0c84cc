"""End-to-end behaviour of `dedupe.scan` on real and example text."""

from __future__ import annotations

import dataclasses
import gc
import importlib
import random
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.documents import Document
from dedupe.report import DocumentReport, Report
from dedupe.scan import ngrams_of_each
from dedupe.similarity import REWRITE_SIMILARITY, containment
from dedupe.text import ngram_hashes, tokenize


def by_prefix(report: Report) -> dict[str, DocumentReport]:
    return {doc.id[:3]: doc for doc in report.documents}


@pytest.fixture(scope="module")
def seeds_report(seeds_dir: Path) -> Report:
    return dedupe.scan([seeds_dir], pairs=True)


@pytest.fixture(scope="module")
def example_report() -> Report:
    return dedupe.scan([dedupe.example_path()], pairs=True)


# --- the five real seed articles -------------------------------------------------------------


def test_uncredited_copy_is_matched_to_the_republisher(seeds_report: Report) -> None:
    docs = by_prefix(seeds_report)
    top = docs["003"].matches[0]
    assert top.id.startswith("001")
    # A careful reader counts roughly 40-50% of 003's words as Reuters copy (quotes apart);
    # the reordered and paraphrased sentences are not exact reuse.
    assert 30.0 <= docs["003"].copied_percent <= 55.0
    assert 30.0 <= top.percent <= 55.0


def test_both_copies_are_attributed_to_reuters(seeds_report: Report) -> None:
    docs = by_prefix(seeds_report)
    assert docs["003"].original_source == "Reuters"
    assert docs["001"].original_source == "Reuters"
    assert docs["003"].credited is False
    assert docs["001"].credited is True


def test_shared_official_statement_counts_as_quote(seeds_report: Report) -> None:
    docs = by_prefix(seeds_report)
    for prefix in ("000", "001", "002", "003"):
        assert docs[prefix].quoted_percent > 3.0, prefix
    statement = "We stress our firm position in ending the existence of the international coalition"
    carriers = [p for p in seeds_report.pairs for x in p.passages if statement in x.text]
    assert len(carriers) >= 4
    assert all(x.quote for p in carriers for x in p.passages if statement in x.text)


def test_mostly_original_articles_stay_low(seeds_report: Report) -> None:
    docs = by_prefix(seeds_report)
    for prefix in ("000", "002", "004"):
        assert docs[prefix].copied_percent < 5.0, prefix


def test_passage_offsets_point_into_both_texts(seeds_dir: Path, seeds_report: Report) -> None:
    texts = {p.stem: p.read_text("utf-8") for p in seeds_dir.glob("*.txt")}
    for pair in seeds_report.pairs:
        for passage in pair.passages:
            a_text = texts[pair.a][passage.a_start : passage.a_end]
            b_text = texts[pair.b][passage.b_start : passage.b_end]
            assert a_text == passage.text
            a_words, b_words = tokenize(a_text).words, tokenize(b_text).words
            # Passages start and end on exactly matched words.
            assert (a_words[0], a_words[-1]) == (b_words[0], b_words[-1])


# --- the built-in example corpus ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "low", "high", "original", "credited"),
    [
        ("harbour-gazette", 80.0, 92.0, "Reuters", True),  # 87% incl. quotes
        ("valley-post", 45.0, 66.0, "Reuters", False),  # 62% by paragraph, light edits
        ("daily-ledger", 62.0, 76.0, "Reuters", False),  # copied from the gazette's copy
        ("river-weekly", 24.0, 32.0, "Associated Press", False),
    ],
)
def test_example_reuse_and_attribution(
    example_report: Report, doc_id: str, low: float, high: float, original: str, credited: bool
) -> None:
    doc = {d.id: d for d in example_report.documents}[doc_id]
    assert low <= doc.copied_percent + doc.quoted_percent <= high
    assert doc.original_source == original
    assert doc.credited is credited


@pytest.mark.parametrize("doc_id", ["city-courier", "metro-herald"])
def test_example_quote_only_articles(example_report: Report, doc_id: str) -> None:
    doc = {d.id: d for d in example_report.documents}[doc_id]
    assert doc.copied_percent == 0.0
    assert doc.quoted_percent == doc.shared_percent > 8.0
    assert doc.original_source is None


def test_example_unrelated_article_is_untouched(example_report: Report) -> None:
    doc = {d.id: d for d in example_report.documents}["football-derby"]
    assert (doc.shared_percent, doc.quoted_percent, doc.matches) == (0.0, 0.0, ())


def test_example_families_name_the_wire_articles_as_originals(example_report: Report) -> None:
    families = {f.original: f for f in example_report.families}
    assert set(families) == {"wire-flood", "ap-bridge"}
    flood = families["wire-flood"]
    assert (flood.original_source, flood.rule) == ("Reuters", "wire-outlet")
    assert {m.id for m in flood.members} == {
        "wire-flood",
        "harbour-gazette",
        "daily-ledger",
        "valley-post",
    }
    # The originals copy nothing; the rest of their text is shared with their carriers.
    wire = example_report.document("wire-flood")
    assert (wire.copied_percent, wire.original_source) == (0.0, None)
    assert wire.shared_percent > 80.0


def test_overlap_is_directional(example_report: Report) -> None:
    pair = next(p for p in example_report.pairs if (p.a, p.b) == ("ap-bridge", "river-weekly"))
    docs = {d.id: d for d in example_report.documents}
    assert pair.percent_a == docs["ap-bridge"].matches[0].percent
    assert pair.percent_b == docs["river-weekly"].matches[0].percent


# --- contract properties -----------------------------------------------------------------------


def test_reference_path_gives_identical_report(seeds_dir: Path, seeds_report: Report) -> None:
    assert dedupe.scan([seeds_dir], reference=True, pairs=True) == seeds_report


def test_compiled_signing_and_alignment_give_identical_report(
    seeds_dir: Path, seeds_report: Report
) -> None:
    # Five articles are signed and aligned by numpy and Python; force the compiled code.
    module = importlib.import_module("dedupe.scan")
    with (
        mock.patch.object(module, "COMPILED_ALIGNMENT_FROM", 0),
        mock.patch.object(module, "COMPILED_SIGNING_FROM", 0),
    ):
        assert dedupe.scan([seeds_dir], jobs=2, pairs=True) == seeds_report


@pytest.mark.parametrize("enabled", [True, False])
def test_scan_pauses_the_cyclic_collector_and_restores_it(
    enabled: bool, seeds_dir: Path, seeds_report: Report
) -> None:
    module = importlib.import_module("dedupe.scan")
    seen: list[tuple[str, bool]] = []
    run_stages, load_documents = module._run_stages, module.load_documents

    def spy(*args: object, **kwargs: object) -> Report:
        seen.append(("stages", gc.isenabled()))
        return run_stages(*args, **kwargs)  # type: ignore[no-any-return]

    def reading(*args: object, **kwargs: object) -> object:
        seen.append(("read", gc.isenabled()))
        return load_documents(*args, **kwargs)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with (
            mock.patch.object(module, "_run_stages", spy),
            mock.patch.object(module, "load_documents", reading),
        ):
            assert dedupe.scan([seeds_dir], pairs=True) == seeds_report
        assert seen == [("read", False), ("stages", False)]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_input_order_does_not_matter(example_report: Report) -> None:
    documents = list(dedupe.read_documents([dedupe.example_path()]))
    random.Random(7).shuffle(documents)
    report = dedupe.scan(documents, pairs=True)
    # The same figures; only how the input was read (a file, or Documents) differs.
    assert dataclasses.replace(report, parameters=example_report.parameters) == example_report
    assert {**report.parameters, "inputs": []} == {**example_report.parameters, "inputs": []}
    assert [i["format"] for i in report.parameters["inputs"]] == ["documents"]


def test_unrelated_document_changes_no_other_figure(example_report: Report) -> None:
    extra = Document("zz-unrelated", "The orchestra rehearsed a new symphony. " * 30, "Arts Daily")
    documents = [*dedupe.read_documents([dedupe.example_path()]), extra]
    report = dedupe.scan(documents, pairs=True)
    assert report.pairs == example_report.pairs
    assert report.documents[:-1] == example_report.documents
    assert report.families == example_report.families


def test_document_compared_with_itself_is_fully_reused() -> None:
    text = "\n\n".join(
        f"Paragraph {i} tells how the river rose past the old harbour wall again this spring."
        for i in range(6)
    )
    report = dedupe.scan([Document("a", text), Document("b", text)])
    assert [d.shared_percent for d in report.documents] == [100.0, 100.0]
    # Undated and uncredited: neither is known to be the original, both copied.
    assert [d.copied_percent for d in report.documents] == [100.0, 100.0]


def test_percentages_stay_in_range(example_report: Report) -> None:
    for doc in example_report.documents:
        # Each figure is rounded to 2 decimals on its own.
        assert 0.0 <= doc.copied_percent + doc.quoted_percent <= doc.shared_percent + 0.02
        assert doc.shared_percent <= 100.0
        assert all(0.0 < m.percent <= 100.0 for m in doc.matches)


def test_empty_corpus_gives_empty_report() -> None:
    report = dedupe.scan([])
    assert report.documents == () and report.pairs == ()


def test_bad_parameters_raise_parameter_error() -> None:
    with pytest.raises(dedupe.ParameterError):
        dedupe.scan([], threshold=1.5)
    with pytest.raises(dedupe.ParameterError):
        dedupe.scan([], shingle_size=6, min_words=4)


def test_duplicate_document_ids_are_an_input_error() -> None:
    with pytest.raises(dedupe.InputError, match="duplicate id"):
        dedupe.scan([Document("x", "one text here"), Document("x", "another text")])


@settings(max_examples=100, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 12), max_size=8),
    n=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_ngrams_of_each_equal_ngram_hashes_one_by_one(
    lengths: list[int], n: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    hashes = [rng.integers(0, 2**63, k, dtype=np.int64).astype(np.uint64) for k in lengths]
    found = ngrams_of_each(hashes, n)
    assert len(found) == len(hashes)
    for grams, words in zip(found, hashes, strict=True):
        expected = ngram_hashes(words, n)
        assert grams.dtype == expected.dtype
        assert grams.tolist() == expected.tolist()


# --- what `scan` takes as inputs (issue #12.6) ------------------------------------------------


def test_a_single_path_or_document_is_one_input(example_report: Report) -> None:
    path = dedupe.example_path()
    for single in (str(path), Path(path)):
        assert dedupe.scan(single, jobs=1, pairs=True) == example_report
    document = Document("only", "One short text of a few words.")
    assert [d.id for d in dedupe.scan(document, jobs=1).documents] == ["only"]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (b"articles.jsonl", "not bytes"),
        (None, "not NoneType"),
        (3.5, "not float"),
        ([Path("a.txt"), b"b.txt"], "input 1 must be a path"),
        ([Document(7, "text")], "Document id must be a str, not int"),  # type: ignore[arg-type]
        ([Document("a", b"text")], "Document text must be a str, not bytes"),  # type: ignore[arg-type]
        ([Document("a", None)], "Document text must be a str, not NoneType"),  # type: ignore[arg-type]
        ([Document("a", "t", source=5)], "Document source must be a str or None"),  # type: ignore[arg-type]
    ],
)
def test_what_cannot_be_an_input_is_a_clear_type_error(inputs: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        dedupe.scan(inputs, jobs=1)  # type: ignore[arg-type]


# --- the API's field names, detection and crawl times (issues #14, #15) ----------------------


def crawl_corpus(tmp_path: Path, date_column: str) -> Path:
    """Return a CSV of one story and a copy of it ten hours later, dated by `date_column`."""
    story = " ".join(f"word{i} of the story" for i in range(40))
    path = tmp_path / "articles.csv"
    path.write_text(
        f"id,publisher,{date_column},text\n"
        f'a,Daily Planet,"Jul 15, 2018 07:54","{story}"\n'
        f'b,Bugle,"Jul 15, 2018 17:54","{story}"\n',
        encoding="utf-8",
    )
    return path


def test_a_crawl_time_is_a_weak_date(tmp_path: Path) -> None:
    """Issue #15: ten hours between two publication times name the first the original; ten
    hours between two crawl times do not (either could have been published first)."""
    published = dedupe.scan([crawl_corpus(tmp_path, "published")], jobs=1)
    assert published.document("b").original_source == "Daily Planet"
    assert published.parameters["dates"] == {"publication": 2, "crawl time": 0, "none": 0}
    crawled = dedupe.scan([crawl_corpus(tmp_path, "scrape_time")], jobs=1)
    assert crawled.document("b").original_source is None
    assert crawled.parameters["dates"] == {"publication": 0, "crawl time": 2, "none": 0}
    (read,) = crawled.parameters["inputs"]
    assert (read["date_fields"], read["crawl_time_fields"]) == (["scrape_time"], ["scrape_time"])


def test_the_api_takes_the_commands_field_names(tmp_path: Path) -> None:
    """Issue #14.6: `dedupe.scan(inputs, id_field=..., date_fields=[...])`."""
    path = tmp_path / "f.jsonl"
    path.write_text(
        '{"uid": "a", "story": "x y z", "paper": "P", "when": "2024-01-02", "text": "no"}\n',
        encoding="utf-8",
    )
    log = dedupe.ReadLog()
    report = dedupe.scan(
        [path], id_field="uid", text_field="story", source_fields="paper",
        date_fields=["when"], log=log,
    )  # fmt: skip
    (doc,) = report.documents
    assert (doc.id, doc.source, doc.published, doc.words) == ("a", "P", "2024-01-02", 3)
    assert log.inputs[0].fields is not None and log.inputs[0].fields.found == frozenset()
    with pytest.raises(dedupe.ParameterError, match="not both"):
        dedupe.scan([path], fields=dedupe.FieldNames(text="story"), id_field="uid")


def test_paragraph_breaks_are_sniffed_unless_given(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"id": "a", "text": "One. ### Two. ### Three."}\n', encoding="utf-8")
    log = dedupe.ReadLog()
    assert dedupe.scan([path], log=log).parameters["paragraph_separator"] == "###"
    assert log.paragraphs is not None and log.paragraphs.describe() == "paragraphs split at '###'"
    for separator in (None, ""):
        report = dedupe.scan([path], paragraph_separator=separator)
        assert report.parameters["paragraph_separator"] is None


def test_progress_says_when_reading_is_done(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    dedupe.scan([dedupe.example_path()], progress=lambda *call: calls.append(call), jobs=1)
    assert calls[0] == ("read", 9, 9)


def test_the_readmes_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #14.6: the README's API example is runnable, and says what its comments say."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("### Python API") :]
    code = section[section.index("```python\n") + 10 : section.index("```\n", 10)]
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "id=id text=text source=outlet date=published"
    assert "wire-flood" in printed and "f1 wire-flood Reuters 4" in printed


# --- rewrites: similar wording without a shared passage (Clough & Stevenson, news-clusters) ----


def test_a_heavy_rewrite_is_reported_as_a_rewrite_never_as_copied(clough_report: Report) -> None:
    answer = clough_report.document("g3pA_taskb")  # rewritten heavily from orig_taskb
    (rewrite,) = clough_report.rewrites_of("g3pA_taskb")
    assert (rewrite.a, rewrite.b) == ("g3pA_taskb", "orig_taskb")
    assert rewrite.similarity >= REWRITE_SIMILARITY
    assert rewrite.percent_a > rewrite.similarity > rewrite.percent_b  # the answer is shorter
    assert (answer.copied_percent, answer.shared_percent, answer.matches) == (0.0, 0.0, ())
    assert answer.families == ()
    assert not clough_report.pairs_of("g3pA_taskb")
    assert rewrite in clough_report.rewrites_of("orig_taskb")


def test_answers_written_without_their_source_are_in_no_rewrite(
    clough_report: Report, clough_labels: dict[str, tuple[str, str]]
) -> None:
    rewritten = {id for r in clough_report.rewrites for id in (r.a, r.b)}
    independent = {id for id, (_, category) in clough_labels.items() if category == "non"}
    assert len(independent) == 38 and not rewritten & independent
    # Each rewrite is two texts of one task: an answer derived from the source, or the source.
    for r in clough_report.rewrites:
        assert r.a[-1] == r.b[-1] and {r.a, r.b} <= {*clough_labels, f"orig_task{r.a[-1]}"}


def test_rewrites_are_sorted_and_the_same_whatever_the_code_path(
    clough_dir: Path, clough_report: Report
) -> None:
    assert len(clough_report.rewrites) >= 5
    assert [(r.a, r.b) for r in clough_report.rewrites] == sorted(
        (r.a, r.b) for r in clough_report.rewrites
    )
    paths = sorted(clough_dir.glob("*.txt"))
    module = importlib.import_module("dedupe.scan")
    with (
        mock.patch.object(module, "COMPILED_ALIGNMENT_FROM", 0),
        mock.patch.object(module, "COMPILED_SIGNING_FROM", 0),
    ):
        compiled = dedupe.scan(reversed(paths), jobs=2, pairs=True, texts=True)
    assert compiled.rewrites == clough_report.rewrites
    assert dedupe.scan(paths, reference=True).rewrites == clough_report.rewrites


def test_copies_of_a_rewritten_pair_are_rewrites_too(clough_dir: Path) -> None:
    # Verbatim copies are aligned once per distinct pair of texts: their rewrite figures too.
    answer, source = (
        dedupe.read_documents([clough_dir / f"{name}.txt"]) for name in ("g3pA_taskb", "orig_taskb")
    )
    (a,), (b,) = answer, source
    copies = [dataclasses.replace(a, id="answer-copy"), dataclasses.replace(b, id="source-copy")]
    report = dedupe.scan([a, b, *copies], jobs=1)
    figures = {(r.a, r.b): (r.similarity, r.percent_a, r.percent_b) for r in report.rewrites}
    (figure,) = set(figures.values())
    assert figures == {
        ("answer-copy", "orig_taskb"): figure,
        ("answer-copy", "source-copy"): figure,
        ("g3pA_taskb", "orig_taskb"): figure,
        ("g3pA_taskb", "source-copy"): figure,
    }


def test_articles_on_one_event_are_no_rewrites(news_clusters_dir: Path) -> None:
    # Same-event articles by different outlets share names and phrases: the Telegraph's short
    # Cubs story has 29 % of its 3-grams in the Daily Mail's 4,000-word page on the same game
    # (the two are a candidate pair), but the page holds 0.7 % of its in the story.
    documents = list(dedupe.read_documents([news_clusters_dir / "articles.jsonl"]))
    assert dedupe.scan(documents).rewrites == ()
    texts = {d.id: d.text for d in documents}
    short, page = (tokenize(texts[id]) for id in ("9fb2f7a041c350a0", "dcf7e591116a13b9"))
    assert containment(short, page) > 0.25 and containment(page, short) < 0.02


# --- clusters of candidate pairs (alignment chunks) -------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 10**9)).map(sorted), min_size=1, max_size=25
    ),
    compiled=st.booleans(),
)
def test_pairs_are_labelled_by_the_lowest_document_of_their_connected_group(
    edges: list[list[int]], compiled: bool
) -> None:
    from dedupe.scan import clusters

    pairs = np.array(edges, dtype=np.int64)
    groups: list[set[int]] = []
    for a, b in edges:
        joined = {a, b}.union(*(g for g in groups if a in g or b in g))
        groups = [g for g in groups if not (a in g or b in g)] + [joined]
    lowest = {node: min(group) for group in groups for node in group}
    assert clusters(pairs, compiled).tolist() == [lowest[a] for a, _ in edges]
