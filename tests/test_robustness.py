"""Robustness end to end: very large and very many documents, empty and broken input, errors,
interrupted output, and fuzzed text through the tokenizer.

The command is driven through click's CliRunner (standard error kept apart from the report);
the API through `dedupe.scan`.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import re
import string
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.cli import main
from dedupe.text import WORD_RE, paragraph_spans, tokenize, word_hashes

SUMMARY_RE = re.compile(r"^dedupe: read (\d+) documents, skipped (\d+)(?: \(([^)]*)\))?", re.M)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def scan_cli(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(main, ["scan", *map(str, args)])


def summary(result: Result) -> tuple[int, int, dict[str, int]]:
    """Return (read, skipped, skips by reason) from the summary line on standard error."""
    (found,) = SUMMARY_RE.findall(result.stderr)
    read, skipped, reasons = found
    counts = {}
    for item in filter(None, reasons.split(", ")):
        reason, number = item.split(": ")
        counts[reason] = int(number)
    return int(read), int(skipped), counts


def random_words(seed: int, count: int) -> list[str]:
    """Return `count` pseudo-words from a 20,000-word vocabulary (word 5-grams never repeat)."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype="S1")
    vocabulary = np.array(
        [b"".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(20_000)]
    )
    return [w.decode() for w in vocabulary[rng.integers(0, len(vocabulary), size=count)]]


# --- size ------------------------------------------------------------------------------------


def test_twenty_megabyte_document_and_a_copied_paragraph(runner: CliRunner, tmp_path: Path) -> None:
    """A 20 MB article (about 3 million words) scans, and a paragraph copied out of it is found.

    Measured: 10-12 s on an idle 2-core machine (sign 5 s, align 3 s), up to 18 s while other
    work ran, so not marked slow.
    """
    words = random_words(20, 3_200_000)
    paragraphs = [" ".join(words[i : i + 80]) + "." for i in range(0, len(words), 80)]
    big = "\n\n".join(paragraphs)
    assert len(big.encode()) >= 20 * 1024 * 1024
    copied = paragraphs[len(paragraphs) // 2]
    intro = "An editor wrote this opening line for the reprint of a long story."
    small = f"{intro}\n\n{copied}\n\nThe reprint ends with a sentence of its own as well."
    (tmp_path / "big.txt").write_text(big, "utf-8")
    (tmp_path / "reprint.txt").write_text(small, "utf-8")
    out = tmp_path / "report.json"

    started = time.perf_counter()
    inputs = [tmp_path / "big.txt", tmp_path / "reprint.txt"]
    result = scan_cli(
        runner, *inputs, "--format", "json", "--pairs", "-o", out, "--max-document-size", "32M"
    )
    elapsed = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    report = json.loads(out.read_text("utf-8"))
    (pair,) = report["pairs"]
    assert (pair["a"], pair["b"]) == ("big", "reprint")
    (passage,) = pair["passages"]
    start = big.index(copied)
    end = start + len(copied) - 1  # the passage ends at the last word, before the full stop
    assert (passage["a_start"], passage["a_end"]) == (start, end)
    assert (passage["b_start"], passage["b_end"]) == (len(intro) + 2, len(intro) + 2 + end - start)
    reprint = next(d for d in report["documents"] if d["id"] == "reprint")
    assert reprint["matches"][0]["id"] == "big"
    assert elapsed < 60, f"scan took {elapsed:.1f} s"


@pytest.mark.slow
def test_hundred_thousand_one_word_documents(runner: CliRunner, tmp_path: Path) -> None:
    """100,000 one-word documents in one JSONL file: read, counted, no pairs.

    Measured: 12-13 s on an idle 2-core machine, 20-24 s while other work ran (about 0.1 ms
    of fixed numpy overhead per document in the tokenizer, in the sign stage; --jobs 2 is no
    faster than --jobs 1), so marked slow.
    """
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as stream:
        for i in range(100_000):
            stream.write(json.dumps({"id": f"d{i:06d}", "text": f"word{i % 997}"}) + "\n")
    out = tmp_path / "report.json"

    started = time.perf_counter()
    result = scan_cli(runner, feed, "--format", "json", "-o", out)
    elapsed = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    assert summary(result) == (100_000, 0, {})
    report = json.loads(out.read_text("utf-8"))
    assert len(report["documents"]) == 100_000 and report["families"] == []
    assert all(d["words"] == 1 and d["shared_percent"] == 0.0 for d in report["documents"])
    assert elapsed < 120, f"scan took {elapsed:.1f} s"


# --- empty and broken input ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
def test_empty_corpus_gives_an_empty_report(runner: CliRunner, tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        path = tmp_path / "articles"
        path.mkdir()
        skips: dict[str, int] = {}
    else:
        path = tmp_path / "feed.jsonl"
        path.write_bytes(b"")
        skips = {"empty-file": 1}
    result = scan_cli(runner, path, "--format", "json", "--pairs")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == [] and report["pairs"] == [] and report["families"] == []
    assert summary(result) == (0, sum(skips.values()), skips)

    table = scan_cli(runner, path)
    assert table.exit_code == 0 and "No text is shared by several articles." in table.stdout
    api = dedupe.scan([path])
    assert api.documents == () and api.pairs == ()


ARTICLE = (
    "The city council voted on Tuesday to approve a $40 million budget for road repairs,"
    " officials said, after a debate that lasted well into the night."
    "\n\nThe new bridge over the river will open to traffic by the end of next spring,"
    " the mayor’s office said in a statement."
)
CP1252_TEXT = (
    "Café owners in the old town said the “new rules” would cost them dearly – some expect"
    " to lose a fifth of their trade. The naïve hope of a quick recovery is gone, they said."
)


def broken_folder(root: Path) -> Path:
    """Write a folder with good articles and one item of every kind that must be skipped."""
    folder = root / "inbox"
    (folder / "wire").mkdir(parents=True)
    (folder / "wire" / "original.txt").write_text(ARTICLE, "utf-8")
    (folder / "reprint.md").write_text("Reprinted story.\n\n" + ARTICLE, "utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01\xff" * 50)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    lines = [
        json.dumps({"id": "feed-1", "text": ARTICLE.replace("Tuesday", "Monday")}),
        '{"id": "feed-2", "text": "cut off in the mid',
        json.dumps({"id": "feed-3", "body": "the text is in the wrong field"}),
        json.dumps({"id": "feed-4", "text": "A short note that is fine."}),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


EXPECTED_SKIPS = {"empty-file": 1, "malformed-json": 1, "missing-text": 1, "unsupported-file": 1}


def test_broken_items_are_skipped_and_counted_by_reason(runner: CliRunner, tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    result = scan_cli(runner, folder, "--format", "json", "--pairs")
    assert result.exit_code == 0, result.output
    assert summary(result) == (5, 4, EXPECTED_SKIPS)
    assert "legacy.txt: not UTF-8, read as cp1252" in result.stderr
    report = json.loads(result.stdout)
    assert [d["id"] for d in report["documents"]] == [
        "feed-1", "feed-4", "legacy", "original", "reprint",
    ]  # fmt: skip
    assert {(p["a"], p["b"]) for p in report["pairs"]} == {
        ("feed-1", "original"), ("feed-1", "reprint"), ("original", "reprint"),
    }  # fmt: skip
    (legacy,) = dedupe.read_documents([folder / "legacy.txt"])
    assert legacy.text == CP1252_TEXT


def test_strict_exits_1_after_writing_the_report(runner: CliRunner, tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    out = tmp_path / "report.json"
    result = scan_cli(runner, folder, "--strict", "--format", "json", "-o", out)
    assert result.exit_code == 1, result.output
    assert summary(result)[2] == EXPECTED_SKIPS
    assert len(json.loads(out.read_text("utf-8"))["documents"]) == 5
    assert scan_cli(runner, tmp_path / "inbox" / "wire", "--strict", "-q").exit_code == 0


def test_errors_file_has_one_json_line_per_skip(runner: CliRunner, tmp_path: Path) -> None:
    folder = broken_folder(tmp_path)
    errors = tmp_path / "skipped.jsonl"
    result = scan_cli(runner, folder, "--errors", errors, "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # --quiet: no summary, no warnings
    skips = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    found = sorted((Path(s["path"]).name, s["line"], s["reason"]) for s in skips)
    assert found == [
        ("empty.txt", None, "empty-file"),
        ("feed.jsonl", 2, "malformed-json"),
        ("feed.jsonl", 3, "missing-text"),
        ("scan.pdf", None, "unsupported-file"),
    ]
    for skip in skips:
        assert Path(skip["path"]).is_relative_to(folder)
        assert skip["message"] and skip["kept"] is False


# --- input errors: exit code 2 and one line naming the file ---------------------------------


def _missing(tmp_path: Path) -> tuple[list[Path], str]:
    return [tmp_path / "nowhere" / "feed.jsonl"], "feed.jsonl"


def _docx(tmp_path: Path) -> tuple[list[Path], str]:
    path = tmp_path / "story.docx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64)
    return [path], "story.docx"


def _csv_without_text(tmp_path: Path) -> tuple[list[Path], str]:
    path = tmp_path / "feed.csv"
    path.write_text("id,headline,story\n1,Council votes,The council voted.\n", "utf-8")
    return [path], "feed.csv"


def _duplicate_ids_in_jsonl(tmp_path: Path) -> tuple[list[Path], str]:
    path = tmp_path / "feed.jsonl"
    row = {"id": "story-1", "text": "Some text of the first story."}
    path.write_text(json.dumps(row) + "\n" + json.dumps(row) + "\n", "utf-8")
    return [path], "feed.jsonl"


def _duplicate_ids_across_folders(tmp_path: Path) -> tuple[list[Path], str]:
    for outlet in ("herald", "post"):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "story.txt").write_text(ARTICLE, "utf-8")
    return [tmp_path / "herald", tmp_path / "post"], "story.txt"


@pytest.mark.parametrize(
    "make",
    [_missing, _docx, _csv_without_text, _duplicate_ids_in_jsonl, _duplicate_ids_across_folders],
    ids=["missing-path", "docx", "csv-without-text", "duplicate-ids", "duplicate-ids-folders"],
)
def test_bad_input_exits_2_with_one_line_naming_the_file(
    runner: CliRunner, tmp_path: Path, make: Callable[[Path], tuple[list[Path], str]]
) -> None:
    paths, name = make(tmp_path)
    result = scan_cli(runner, *paths, "--format", "json")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dedupe: error: ") and name in lines[0]
    with pytest.raises(dedupe.InputError) as caught:
        dedupe.scan(paths)
    assert name in str(caught.value)


# --- interrupted output ----------------------------------------------------------------------


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["render", "fsync"])
def test_interrupted_output_leaves_the_old_file_and_no_temporary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Interrupted while rendering (JSON streams into the temporary file, so this is mid-write
    too), or while syncing the temporary file: exit 130, old file kept, no temporary left."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"
    out.write_text("previous report\n", "utf-8")
    before = out.stat()
    if where == "render":
        # The module, not the function `dedupe.render` that shadows its name in the package.
        monkeypatch.setattr(importlib.import_module("dedupe.render"), "document_dict", _interrupt)
    else:  # interrupted inside write_atomic, after the temporary file was created
        monkeypatch.setattr(os, "fsync", _interrupt)
    result = scan_cli(runner, "--example", "--format", "json", "-o", out)
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert "no output file was written" in result.stderr
    assert out.read_text("utf-8") == "previous report\n"
    assert out.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.json"]


def _interrupted_in_a_callback(*args: object, **kwargs: object) -> None:
    # As when Ctrl-C lands while numba compiles: raised inside a ctypes callback (llvmlite's),
    # the interrupt is only "ignored", and numba then fails with an error of its own.
    ctypes.CFUNCTYPE(None)(_interrupt)()
    raise RuntimeError("no compiled object yet")


def test_an_interrupt_swallowed_by_compiled_code_is_an_interrupt(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.json"
    monkeypatch.setattr(
        importlib.import_module("dedupe.render"), "document_dict", _interrupted_in_a_callback
    )
    result = scan_cli(runner, "--example", "--format", "json", "-o", out)
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output and "Exception ignored" not in result.stderr
    assert "internal error" not in result.stderr
    assert "no output file was written" in result.stderr
    assert not out.exists()


# --- fuzzed text through the tokenizer -------------------------------------------------------

TEXT_CHARACTERS = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(list("\n\n\r\t  '’._\"“”«»„‹›-—…\u00a0\u200b\u0301aZ9")),
)
# Mostly ASCII with typographic punctuation: the tokenizer's numpy fast path.
NEWS_CHARACTERS = st.sampled_from([*string.printable, *"’‘“”«»—–…\u00a0\u2009\u200b•·"])
SEPARATORS = st.one_of(st.none(), st.sampled_from(["###", "\n", "--"]), st.text(min_size=1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(TEXT_CHARACTERS, max_size=400) | st.text(NEWS_CHARACTERS, max_size=400), SEPARATORS)
def test_tokenizer_survives_any_text(text: str, separator: str | None) -> None:
    paragraphs = paragraph_spans(text, separator)
    for k, (start, end) in enumerate(paragraphs):
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip()
        if k:
            assert paragraphs[k - 1][1] <= start

    tokens = tokenize(text, separator)
    count = len(tokens)
    for array in (tokens.hashes, tokens.ends, tokens.paragraph, tokens.quoted):
        assert len(array) == count
    starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        assert 0 <= start < end <= len(text)
        if i:
            assert ends[i - 1] <= start  # sorted and non-overlapping
        p_start, p_end = paragraphs[tokens.paragraph[i]]
        assert p_start <= start and end <= p_end  # inside its own paragraph
    words = tokens.words
    assert all(words)  # every normalised word is non-empty
    # The ASCII fast path and the regular expression find the same words with the same hashes.
    expected = [(m.start(), m.end()) for s, e in paragraphs for m in WORD_RE.finditer(text, s, e)]
    assert list(zip(starts, ends, strict=True)) == expected
    assert tokens.hashes.tolist() == word_hashes(words).tolist()


MEMORY_PROBE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(done.returncode, peak)
sys.stderr.write(done.stderr)
"""


def test_a_fifty_megabyte_record_finishes_under_one_gigabyte(tmp_path: Path) -> None:
    """Issue #12.3: a 50 MB record (a JSON line, a CSV record, a text file) is skipped as
    larger than --max-document-size without being held; the run stays under 1 GB (it needed
    2.2 GB before)."""
    folder = tmp_path / "in"
    folder.mkdir()
    big = "word " * (10 * 1024 * 1024)  # 50 MiB
    with (folder / "feed.jsonl").open("w") as stream:
        stream.write(json.dumps({"id": "small", "text": ARTICLE}) + "\n")
        stream.write('{"id": "huge", "text": "' + big + '"}\n')
    paragraphs = big.replace("word " * 99 + "word ", "word " * 99 + "word\n\n")
    (folder / "table.csv").write_text('id,text\nhuge-csv,"' + paragraphs + '"\n')
    (folder / "huge.txt").write_text(big)
    command = [sys.executable, "-c", "from dedupe.cli import main; main()", "scan", str(folder)]
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, *command, "-j", "1", "--format", "json"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    code, peak = map(int, done.stdout.split())
    assert code == 0, done.stderr
    assert peak < 1024**3, f"peak {peak / 1024**2:.0f} MiB"
    assert "read 1 documents, skipped 3 (too-large: 3)" in done.stderr
