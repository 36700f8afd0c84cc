"""`dedupe.filter`: near-duplicates dropped (or annotated) on real text, records passed through."""

from __future__ import annotations

import gc
import importlib
import json
import os
import random
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.errors import InputError, ParameterError
from dedupe.filtering import ANNOTATIONS, KEEP_RULES, filter_records
from dedupe.index import PAIRWISE_MAX
from dedupe.stats import Stats


@pytest.fixture(scope="module")
def articles(news_clusters_dir: Path) -> list[dict[str, Any]]:
    """Real scraped articles (news-clusters), the longest first, each of its own event."""
    path = news_clusters_dir / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    by_event: dict[str, dict[str, Any]] = {}
    for record in sorted(records, key=lambda r: (-len(r["text"]), r["id"])):
        by_event.setdefault(record["event"], record)
    return list(by_event.values())


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def kept_ids(path: Path, **options: Any) -> list[str]:
    return [record["id"] for record in dedupe.filter([path], jobs=1, **options)]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def test_the_examples_light_copy_is_dropped_for_the_wire(tmp_path: Path) -> None:
    """The built-in example: harbour-gazette carries 87% of Reuters' wire-flood (quotations
    included), so it goes; valley-post and daily-ledger add their own text and stay."""
    kept = kept_ids(dedupe.example_path())
    assert "harbour-gazette" not in kept
    assert {"wire-flood", "valley-post", "daily-ledger", "ap-bridge", "river-weekly"} <= set(kept)
    assert len(kept) == 8


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_and_deciding_run_with_the_cyclic_collector_paused(enabled: bool) -> None:
    """Records spooled as read and verdicts are objects by the million: the collector would
    walk them again and again. Paused while they are made, restored afterwards."""
    module = importlib.import_module("dedupe.filtering")
    seen: list[tuple[str, bool]] = []
    decide, spool_add = module.decide, module.RecordSpool.add

    def deciding(*args: Any, **kwargs: Any) -> Any:
        seen.append(("decide", gc.isenabled()))
        return decide(*args, **kwargs)

    def spooling(self: Any, *args: Any) -> None:
        seen.append(("read", gc.isenabled()))
        spool_add(self, *args)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with (
            mock.patch.object(module, "decide", deciding),
            mock.patch.object(module.RecordSpool, "add", spooling),
        ):
            assert len(kept_ids(dedupe.example_path())) == 8
        assert set(seen) == {("read", False), ("decide", False)}
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_unique_records_are_all_kept(clough_dir: Path, tmp_path: Path) -> None:
    """The five Wikipedia originals of the Clough-Stevenson corpus share no text."""
    records = [
        {"id": path.stem, "text": path.read_text("latin-1")}
        for path in sorted(clough_dir.glob("orig_task*.txt"))
    ]
    feed = write_jsonl(tmp_path / "unique.jsonl", records)
    assert kept_ids(feed) == [r["id"] for r in records]


@pytest.mark.parametrize("keep", KEEP_RULES)
@pytest.mark.parametrize("copies", [3, PAIRWISE_MAX + 16])
def test_identical_records_keep_one(
    articles: list[dict[str, Any]], tmp_path: Path, keep: str, copies: int
) -> None:
    """Copies of one real article under other ids and outlets, with an unrelated article
    among them: one copy is kept (whichever the rule picks), and the unrelated article."""
    story, other = articles[0], articles[1]
    records = [
        {"id": f"copy{k}", "text": story["text"], "source": f"site{k}.example",
         "published": f"2018-02-{1 + k % 27:02d}T10:00:00"}
        for k in range(copies)
    ]  # fmt: skip
    records.insert(copies // 2, {"id": "other", "text": other["text"], "source": "x.example"})
    kept = kept_ids(write_jsonl(tmp_path / "same.jsonl", records), keep=keep)
    assert len(kept) == 2 and "other" in kept


@pytest.mark.parametrize(
    ("keep", "expected"),
    [("first", "zz-first"), ("earliest", "agg"), ("longest", "late-long"), ("original", "early")],
)
def test_each_keep_rule_picks_its_record(
    articles: list[dict[str, Any]], tmp_path: Path, keep: str, expected: str
) -> None:
    """Four carriers of one real story, each the pick of one rule: the first read, the
    earliest (an aggregator), the longest (a paragraph added), and the story's original (the
    earliest that is not an aggregator)."""
    story, extra = articles[0]["text"], paragraphs(articles[1]["text"])[0]
    records = [
        {"id": "zz-first", "text": story, "source": "c.example", "published": "2018-02-03"},
        {"id": "late-long", "text": story + "\n" + extra, "source": "d.example",
         "published": "2018-02-05"},
        {"id": "early", "text": story, "source": "b.example", "published": "2018-02-01T09:00"},
        {"id": "agg", "text": story, "source": "Yahoo News", "published": "2018-01-31"},
    ]  # fmt: skip
    assert kept_ids(write_jsonl(tmp_path / "rules.jsonl", records), keep=keep) == [expected]


@pytest.mark.parametrize("carriers", [5, PAIRWISE_MAX + 16])
def test_a_star_keeps_one_when_the_kept_record_is_not_its_centre(
    articles: list[dict[str, Any]], tmp_path: Path, carriers: int
) -> None:
    """Outlets carry a Reuters story, each adding a paragraph of its own. The filter aligns
    each carrier with the wire's article (stars from three records up, where the scan pairs
    all records of up to PAIRWISE_MAX), and carriers with each other only where a window
    leaves the wire out (the story's last words with a carrier's own paragraph). With --keep
    longest the longest carrier is kept, and every other carrier is weighed against it, not
    the wire."""
    story = articles[0]
    extras = [paragraphs(a["text"])[0] for a in articles[2 : 2 + carriers]]
    records = [{"id": "reuters", "text": story["text"], "source": "Reuters"}]
    for k, extra in enumerate(extras):
        records.append(
            {"id": f"carrier{k}", "text": story["text"] + "\n" + extra, "source": f"s{k}.example"}
        )
    feed = write_jsonl(tmp_path / "star.jsonl", records)
    longest = max(records, key=lambda r: len(r["text"].split()))["id"]
    assert kept_ids(feed, keep="longest") == [longest]
    assert kept_ids(feed) == ["reuters"]  # the wire's own article, by default
    stats = Stats()
    with filter_records([feed], jobs=1, stats=stats):
        pass
    found = stats.counts["candidate document pairs"]
    assert carriers <= found < 3 * carriers
    if carriers < PAIRWISE_MAX:
        scanned = Stats()
        dedupe.scan([feed], jobs=1, stats=scanned)
        assert scanned.counts["candidate document pairs"] == carriers * (carriers + 1) // 2 > found


def test_partial_reuse_is_annotated_never_dropped(
    articles: list[dict[str, Any]], tmp_path: Path
) -> None:
    """An outlet that takes half a story and adds as much of its own text is kept, and
    says it shares half its words."""
    story, own = paragraphs(articles[0]["text"]), paragraphs(articles[1]["text"])
    half = story[: len(story) // 2]
    words = sum(len(p.split()) for p in half)
    mine: list[str] = []
    for paragraph in own:
        if sum(len(p.split()) for p in mine) >= words:
            break
        mine.append(paragraph)
    records = [
        {"id": "wire", "text": "\n".join(story), "source": "Reuters"},
        {"id": "partial", "text": "\n".join(half + mine), "source": "paper.example"},
    ]
    feed = write_jsonl(tmp_path / "partial.jsonl", records)
    for keep in KEEP_RULES:
        assert kept_ids(feed, keep=keep) == ["wire", "partial"]
    annotated = {r["id"]: r for r in dedupe.filter([feed], annotate=True, jobs=1)}
    assert annotated["partial"]["dedupe_duplicate_of"] is None
    assert 35 <= annotated["partial"]["dedupe_shared_percent"] <= 65
    assert annotated["partial"]["dedupe_family"] == annotated["wire"]["dedupe_family"]


def test_the_same_records_are_kept_in_any_order_and_on_any_jobs(
    articles: list[dict[str, Any]], tmp_path: Path
) -> None:
    story = articles[3]["text"]
    records = [{"id": f"a{k}", "text": story, "source": f"s{k}"} for k in range(30)]
    records += [{"id": f"u{k}", "text": a["text"]} for k, a in enumerate(articles[4:14])]
    first = kept_ids(write_jsonl(tmp_path / "one.jsonl", records))
    random.Random(5).shuffle(records)
    feed = write_jsonl(tmp_path / "two.jsonl", records)
    again = [r["id"] for r in dedupe.filter([feed], jobs=2)]
    assert sorted(first) == sorted(again) and len(first) == 11
    assert again == [r["id"] for r in records if r["id"] in set(first)]  # input order


def test_jsonl_records_pass_through_byte_for_byte(tmp_path: Path) -> None:
    """Kept lines are written as read (spacing, escapes, key order, nested values); the
    annotations are appended inside each object."""
    lines = [
        '{"text": "The council voted on Tuesday to approve a budget for the roads, a debate'
        ' that lasted into the night.",  "id":"a", "meta": {"n": [1, 2.50]}, "t": "\\u00e9"}',
        '{"id": "b",\t"text": "Caf\u00e9 owners said the \u201cnew rules\u201d would close'
        " half the terraces on the river by the summer, the mayor's office said.\"}",
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", "utf-8")
    with filter_records([feed], jobs=1) as filtered:
        assert "".join(filtered.pieces()) == "\n".join(lines) + "\n"
        annotated = "".join(filtered.pieces(annotate=True, prefix="x_")).splitlines()
    assert annotated[0].startswith(lines[0][:-1] + ', "x_kept": true, "x_duplicate_of": null')
    parsed = json.loads(annotated[0])
    assert parsed["meta"] == {"n": [1, 2.5]} and parsed["t"] == "é"
    assert [k for k in parsed if k.startswith("x_")] == ["x_" + name for name in ANNOTATIONS]


def _unique_texts(articles: list[dict[str, Any]], count: int) -> list[str]:
    return [paragraphs(a["text"])[0] for a in articles[:count]]


def test_jsonl_lines_of_every_shape_come_back_from_the_input_file(
    articles: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A JSON line read from a regular file is read back from it, not copied to the spool:
    lines with CRLF ends, surrounding spaces, blank and unreadable lines between them come
    back as they were, around a line in another encoding (spooled as text)."""
    texts = _unique_texts(articles, 6)
    lines = [
        json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)
    ]
    latin = json.dumps({"id": "r9", "text": "Zürich café: " + texts[5]}, ensure_ascii=False)
    data = (
        lines[0].encode() + b"\r\n"
        + b"\n   \n"
        + b"  " + lines[1].encode() + b"\t \n"
        + b"{not json\n"
        + lines[2].encode() + b"\n"
        + latin.encode("cp1252") + b"\n"
        + lines[3].encode() + b"\n"
        + lines[4].encode()  # no line end
    )  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(data)
    with filter_records([feed], jobs=1) as filtered:
        written = "".join(filtered.pieces())
        spooled = os.fstat(filtered._spool._file.fileno()).st_size
    back = written.splitlines()
    # The line in another encoding comes back as decoded (by the encoding detected for it).
    assert json.loads(back[3])["id"] == "r9"
    assert back[:3] + back[4:] == lines[:5]
    assert 0 < spooled < len(latin.encode()) + 10  # only the re-encoded line was copied


def test_an_input_changed_before_the_records_are_written_is_an_error(
    articles: list[dict[str, Any]], tmp_path: Path
) -> None:
    texts = _unique_texts(articles, 2)
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": texts[0]}])
    with filter_records([feed], jobs=1) as filtered:
        write_jsonl(feed, [{"id": "b", "text": texts[1]}])
        with pytest.raises(InputError, match=r"feed\.jsonl: changed while it was being filtered"):
            list(filtered.pieces())


def test_an_annotation_clashing_with_a_field_is_an_error(tmp_path: Path) -> None:
    feed = write_jsonl(
        tmp_path / "feed.jsonl", [{"id": "a", "text": "some words here", "dedupe_kept": 1}]
    )
    with pytest.raises(InputError, match=r"dedupe_kept.*--prefix"):
        list(dedupe.filter([feed], annotate=True, jobs=1))
    assert len(list(dedupe.filter([feed], annotate=True, prefix="dd_", jobs=1))) == 1


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_and_tsv_round_trip(
    articles: list[dict[str, Any]], tmp_path: Path, delimiter: str
) -> None:
    """Rows come back under the same header with the same values (quotes, commas, line
    breaks, non-ASCII); the copy is dropped; --annotate adds columns."""
    import csv
    import io

    story = articles[5]["text"].replace("\t", " ")
    rows = [
        ["id", "publisher", "text", "note"],
        ["w1", "Reuters", story, 'said "yes", then\nno'],
        ["c1", "Copier", story, "ünïcödé, “curly”"],
        ["u1", "Other", articles[6]["text"].replace("\t", " "), ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    suffix = ".csv" if delimiter == "," else ".tsv"
    path = tmp_path / ("feed" + suffix)
    path.write_text(buffer.getvalue(), "utf-8")
    options: dict[str, Any] = {"tsv_quotes": True} if delimiter == "\t" else {}
    with filter_records([path], jobs=1, **options) as filtered:
        assert filtered.format == suffix[1:]
        written = list(csv.reader(io.StringIO("".join(filtered.pieces())), delimiter=delimiter))
        annotated = list(
            csv.DictReader(
                io.StringIO("".join(filtered.pieces(annotate=True))), delimiter=delimiter
            )
        )
    assert written == [rows[0], rows[1], rows[3]]
    assert [r["dedupe_kept"] for r in annotated] == ["true", "false", "true"]
    assert annotated[1]["dedupe_duplicate_of"] == "w1" and annotated[0]["dedupe_duplicate_of"] == ""
    assert annotated[1]["note"] == rows[2][3]


def test_clusters_name_each_family_and_its_kept_records() -> None:
    with filter_records([dedupe.example_path()], jobs=1) as filtered:
        lines = [json.loads(line) for line in filtered.cluster_lines()]
    first = lines[0]
    assert first["family"] == "f1" and first["original"] == "wire-flood"
    assert first["members"] == ["daily-ledger", "harbour-gazette", "valley-post", "wire-flood"]
    assert first["kept"] == ["daily-ledger", "valley-post", "wire-flood"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"keep": "best"}, "keep must be one of"), ({"min_percent": 0}, "min percent")],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        filter_records([dedupe.example_path()], **options)


def test_the_readmes_filter_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("## Filtering") :]
    start = section.index("```python\n") + 10
    code = section[start : section.index("```\n", start)]
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == "wire-flood" and "harbour-gazette" not in printed[:-1]
    assert len(printed) == 9


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    choices=st.lists(st.integers(0, 5), min_size=2, max_size=14),
    days=st.lists(st.integers(1, 28), min_size=14, max_size=14),
    seed=st.integers(0, 1000),
)
def test_one_record_of_each_text_is_kept_in_any_order(
    articles: list[dict[str, Any]], tmp_path: Path, choices: list[int], days: list[int], seed: int
) -> None:
    """Records made of six real articles, repeated at random under other ids and dates:
    exactly one record of each text is kept, the same one whatever the input order."""
    records = [
        {"id": f"r{k}", "text": articles[choice]["text"], "published": f"2018-02-{days[k]:02d}"}
        for k, choice in enumerate(choices)
    ]
    kept = kept_ids(write_jsonl(tmp_path / "a.jsonl", records))
    assert sorted(records[int(id[1:])]["text"] for id in kept) == sorted(
        {articles[choice]["text"] for choice in choices}
    )
    random.Random(seed).shuffle(records)
    assert sorted(kept_ids(write_jsonl(tmp_path / "b.jsonl", records))) == sorted(kept)


def test_plain_tsv_comes_back_plain(articles: list[dict[str, Any]], tmp_path: Path) -> None:
    """TSV read without --tsv-quotes holds quotation marks as text: written back the same,
    never quoted; JSON values of other inputs written as TSV are JSON in their cells."""
    story = " ".join(articles[7]["text"].split())
    lines = ["id\ttext\tnote", f'a\t{story}\t"quoted" note', f"b\t{story}\t", "u\tother words\t1"]
    path = tmp_path / "feed.tsv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with filter_records([path], jobs=1) as filtered:
        assert "".join(filtered.pieces()) == "\n".join([lines[0], lines[1], lines[3]]) + "\n"
        annotated = "".join(filtered.pieces(annotate=True)).splitlines()
    assert annotated[2].split("\t")[3:6] == ["false", "a", "f1"]
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": story, "n": [1, None]}])
    with filter_records([feed], jobs=1) as filtered:
        assert "".join(filtered.pieces(format="tsv")).splitlines()[1].endswith("\t[1, null]")


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_records_in_other_encodings_come_back_as_the_same_text(
    articles: list[dict[str, Any]], tmp_path: Path, encoding: str
) -> None:
    """Input in UTF-16, Windows-1252 or UTF-8 with a BOM is written as UTF-8 text with the
    same values."""
    import csv
    import io

    story = articles[8]["text"].encode("cp1252", "replace").decode("cp1252")
    rows = [["id", "text", "place"], ["a", story, "Zürich – café"], ["b", story, "Málaga"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path / "feed.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    with filter_records([path], jobs=1) as filtered:
        written = list(csv.reader(io.StringIO("".join(filtered.pieces()))))
    assert written == rows[:2]


def edited(text: str, rate: float, seed: int) -> str:
    """Return `text` with about `rate` of its words replaced by made-up words."""
    chance = random.Random(seed)
    return "\n".join(
        " ".join(
            f"x{chance.randrange(10**6)}" if chance.random() < rate else word
            for word in paragraph.split(" ")
        )
        for paragraph in paragraphs(text)
    )


def test_two_copies_each_edited_are_one_story(
    articles: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Two outlets carry one wire story (absent from the corpus), each with 10 % of its words
    edited: a fifth of their words differ, in short stretches between aligned passages,
    which count as carried. One is kept."""
    story = articles[0]["text"]
    records = [
        {"id": "a", "text": edited(story, 0.10, 1), "published": "2018-02-01"},
        {"id": "b", "text": edited(story, 0.10, 2), "published": "2018-02-02"},
    ]
    assert kept_ids(write_jsonl(tmp_path / "edited.jsonl", records)) == ["a"]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 12)), max_size=30),
    bases=st.lists(st.integers(0, 12), min_size=8, max_size=8),
    duplicate_of=st.lists(st.integers(-1, 7), min_size=8, max_size=8),
)
def test_realign_candidates_are_the_unaligned_pairs_of_a_kept_record_and_a_keeper(
    rows: list[tuple[int, int, int]], bases: list[int], duplicate_of: list[int]
) -> None:
    """A kept document holding most of a dropped partner's words is paired with the record
    that partner was dropped for, unless the two were aligned already (either way)."""
    from dedupe.filtering import realign_candidates
    from dedupe.index import unique_values

    shares = np.array([r for r in rows if r[0] != r[1]], dtype=np.int64).reshape(-1, 3)
    base, dropped_for = np.array(bases), np.array(duplicate_of)
    span = 8
    aligned = unique_values(shares[:, 0] * span + shares[:, 1])
    found = realign_candidates(shares, base, dropped_for, 80.0, aligned, span)
    pairs = {(a, b) for a, b, _ in shares.tolist()}
    expected = set()
    for doc, partner, words in shares.tolist():
        kept = int(dropped_for[partner])
        covers = base[doc] > 0 and words * 100 >= 80.0 * base[doc]
        fresh = (doc, kept) not in pairs
        if covers and dropped_for[doc] < 0 and kept >= 0 and kept != doc and fresh:
            expected.add((min(doc, kept), max(doc, kept)))
    assert found.tolist() == [list(pair) for pair in sorted(expected)]
