"""The `dedupe` command, end to end through click's CliRunner."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import shlex
import signal
import stat
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner, Result

from dedupe import cli
from dedupe.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_and_option_has_help_and_is_in_the_readme() -> None:
    for name, command in main.commands.items():
        assert command.help, name
        assert f"dedupe {name}" in README
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, param.opts
                assert any(opt in README for opt in param.opts), param.opts


@pytest.mark.parametrize(
    "fmt", ["table", "json", "csv", "markdown", "pairs-csv", "passages-csv", "html"]
)
def test_example_renders_in_every_format(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(main, ["scan", "--example", "--format", fmt, "--quiet"])
    assert result.exit_code == 0, result.output
    # The HTML report holds its data compressed: the summary line is what it shows as text.
    assert ("9 articles from 9 outlets" if fmt == "html" else "valley-post") in result.stdout


def test_long_form_formats_list_pairs_without_being_asked(runner: CliRunner) -> None:
    """Issue 14.4: passages and pairs CSV need the pairs; the table lists them only with
    --pairs."""
    passages = runner.invoke(main, ["scan", "--example", "--format", "passages-csv", "-q"])
    assert passages.exit_code == 0, passages.output
    rows = list(csv.DictReader(io.StringIO(passages.stdout)))
    assert len(rows) == 46 and rows[0]["a"] == "ap-bridge"
    table = runner.invoke(main, ["scan", "--example", "-q"])
    assert "Pairs" not in table.stdout


def test_top_limits_every_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--top", "1", "--pairs", "-q"])
    assert result.exit_code == 0, result.output
    assert "... and 8 more documents (--top 1)" in result.stdout
    assert "... and 6 more pairs (--top 1)" in result.stdout
    assert runner.invoke(main, ["scan", "--example", "--top", "0"]).exit_code == 2


def test_json_output_file_follows_the_contract(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(
        main, ["scan", "--example", "--format", "json", "--pairs", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert list(data) == [
        "version", "documents", "families", "boilerplate", "rewrites", "pairs", "parameters"
    ]  # fmt: skip
    assert data["version"] == 2
    assert data["rewrites"] == []  # the example's articles share text or nothing
    doc = next(d for d in data["documents"] if d["id"] == "valley-post")
    assert set(doc) == {
        "id", "source", "published", "words", "boilerplate_words", "copied_percent",
        "shared_percent", "quoted_percent", "matches", "more_matches", "families",
        "original_source", "attribution_rule", "credited",
    }  # fmt: skip
    assert doc["original_source"] == "Reuters" and doc["credited"] is False
    family = data["families"][0]
    assert set(family) == {"id", "original", "original_source", "rule", "words", "members", "text"}
    assert set(family["members"][0]) == {"id", "percent", "credited"}
    copied = next(p for pair in data["pairs"] for p in pair["passages"] if not p["quote"])
    assert set(copied) == {
        "a_start", "a_end", "b_start", "b_end", "quote", "original_source", "family",
    }  # fmt: skip
    quoted = next(p for pair in data["pairs"] for p in pair["passages"] if p["quote"])
    assert set(quoted) == set(copied) | {"text"}
    assert "read 9 documents" in result.stderr
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_json_without_pairs_lists_none(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--format", "json", "-q"])
    data = json.loads(result.stdout)
    assert "pairs" not in data and data["parameters"]["pairs"] is False
    assert "text" not in data["families"][0]


def test_output_is_byte_identical_between_runs(runner: CliRunner, tmp_path: Path) -> None:
    outputs = []
    for name in ("one.json", "two.json"):
        runner.invoke(main, ["scan", "--example", "--format", "json", "-o", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_stdin_jsonl(runner: CliRunner) -> None:
    lines = Path(__import__("dedupe").example_path()).read_text("utf-8")
    result = runner.invoke(main, ["scan", "-", "--format", "csv", "-q"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("id,source,published")


def test_min_percent_hides_weaker_pairs(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["scan", "--example", "--format", "json", "--min-percent", "30", "--pairs", "-q"]
    )
    pairs = json.loads(result.stdout)["pairs"]
    assert pairs and all(max(p["percent_a"], p["percent_b"]) >= 30 for p in pairs)


def test_missing_path_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["scan", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "nope.jsonl" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_line_is_skipped_and_strict_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "some text"}\n{"id": "b", "text": "cut in ha\n', "utf-8")
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(main, ["scan", str(feed), "--errors", str(errors), "--strict"])
    assert result.exit_code == 1
    assert "feed.jsonl:2" in result.stderr
    skip = json.loads(errors.read_text("utf-8"))
    assert (skip["line"], skip["reason"]) == (2, "malformed-json")
    assert runner.invoke(main, ["scan", str(feed), "-q"]).exit_code == 0


def test_bad_option_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--threshold", "2"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["scan", "--example", "--shingle-size", "11"])
    assert result.exit_code == 2 and "min words" in result.stderr


def test_no_paths_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(main, ["scan"]).exit_code == 2


def test_stats_prints_every_stage(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--stats", "-q"])
    for stage in ("read", "sign", "index", "align", "families", "report"):
        assert stage in result.stderr


def test_output_file_gets_ordinary_permissions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    runner.invoke(main, ["scan", "--example", "--format", "csv", "-o", str(out), "-q"])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


# --- hostile output places, exit codes, escaping (issue #12) ---------------------------------

FEED = [
    {"id": "wire-1", "text": "The council voted on Tuesday to approve a new budget for the"
     " city's roads, officials said after a long debate that lasted into the night."},
    {"id": "copy-1", "text": "The council voted on Tuesday to approve a new budget for the"
     " city's roads, officials said after a long debate that lasted into the night."},
]  # fmt: skip


def write_feed(path: Path, records: list[dict[str, object]] = FEED) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def one_error_line(result: Result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("dedupe: error: "), line
    for needle in needles:
        assert needle in line, line
    return line


@pytest.fixture
def no_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the scan starts: output places must be refused before any reading."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan started before the output places were checked")

    monkeypatch.setattr(cli, "scan", refuse)


@pytest.mark.usefixtures("no_scan")
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-o", "{tmp}/missing/report.json"], "does not exist"),
        (["--errors", "{tmp}/missing/errors.jsonl"], "does not exist"),
        (["-o", "{tmp}/out/"], "/out/"),
        (["-o", "{feed}"], "is one of the inputs"),
        (["--errors", "{tmp}/inbox/errors.jsonl", "{tmp}/inbox"], "inside the input folder"),
        (["-o", "{tmp}/same.json", "--errors", "{tmp}/same.json"], "same file"),
    ],
    ids=["missing-folder", "errors-missing-folder", "folder", "input", "in-input-folder", "same"],
)
def test_output_places_are_refused_before_anything_is_read(
    runner: CliRunner, tmp_path: Path, args: list[str], needle: str
) -> None:
    """Issue #12.7-8: refused at once, exit 2, one line; the input is untouched."""
    feed = write_feed(tmp_path / "feed.jsonl")
    (tmp_path / "out").mkdir()
    (tmp_path / "inbox").mkdir()
    before = feed.read_bytes()
    filled = [a.format(tmp=tmp_path, feed=feed) for a in args]
    result = runner.invoke(main, ["scan", str(feed), *filled])
    one_error_line(result, needle)
    assert feed.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl", "inbox", "out"]


def test_dev_null_and_fifos_are_written_into_not_replaced(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue #12.7: a FIFO or device node stays what it is (as root, -o /dev/null used to
    replace the system's /dev/null with a regular file)."""
    result = runner.invoke(main, ["scan", "--example", "-o", os.devnull])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert "not atomically" in result.stderr
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(main, ["scan", "--example", "--format", "json", "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["documents"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_errors_file_is_written_when_the_run_fails(runner: CliRunner, tmp_path: Path) -> None:
    """Issue #12.8: exit 2 still writes what was collected, and the error that stopped it."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "a", "text": "one"}\n{"id": "b", "text": "cut\n{"id": "a", "text": "x"}\n'
    )
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(main, ["scan", str(feed), "--errors", str(errors)])
    one_error_line(result, "duplicate id")
    lines = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert [(s["line"], s["reason"]) for s in lines] == [(2, "malformed-json"), (3, "fatal")]


def test_internal_errors_exit_3_with_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #12.9: an internal error has its own code and one line; --debug adds the
    traceback."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "scan", broken)
    result = runner.invoke(main, ["scan", "--example"])
    assert result.exit_code == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith("dedupe: internal error: ZeroDivisionError") and "--debug" in line
    debug = runner.invoke(main, ["scan", "--example", "--debug"])
    assert debug.exit_code == 3
    assert "Traceback" in debug.stderr and "in broken" in debug.stderr


def test_running_out_of_memory_says_so(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def hungry(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(cli, "scan", hungry)
    result = runner.invoke(main, ["scan", "--example"])
    assert result.exit_code == 3 and "out of memory" in result.stderr
    assert "--max-document-size" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["scan", "--example", "--threshold", "2"], ["scan", "--nope"], ["scan"], ["bogus"]],
)
def test_usage_errors_are_one_line_with_exit_2(runner: CliRunner, args: list[str]) -> None:
    one_error_line(runner.invoke(main, args))


@pytest.mark.parametrize(
    ("value", "limit"), [("500k", 500 << 10), ("16M", 16 << 20), ("2g", 2 << 30), ("0", None)]
)
def test_max_document_size_values(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, value: str, limit: int | None
) -> None:
    seen: dict[str, object] = {}

    def record(*args: object, **kwargs: object) -> None:
        seen.update(kwargs)
        raise cli.InputError("stop here")

    monkeypatch.setattr(cli, "scan", record)
    runner.invoke(main, ["scan", "--example", "--max-document-size", value])
    assert seen["max_document_size"] == limit
    one_error_line(runner.invoke(main, ["scan", "--example", "--max-document-size", "lots"]))


def test_unclosed_quote_is_a_counted_skip_and_strict_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue #12.1 end to end: the rows after the broken one are read, the skip is counted,
    named in --errors, and --strict exits 1."""
    rows = [f"{i},Row number {i} of the feed is a short text,Outlet" for i in range(3, 40)]
    feed = tmp_path / "feed.csv"
    feed.write_text('id,text,outlet\n1,fine,O\n2,"unclosed,O\n' + "\n".join(rows) + "\n")
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(
        main, ["scan", str(feed), "--strict", "--errors", str(errors), "--format", "csv"]
    )
    assert result.exit_code == 1, result.output
    assert "read 38 documents, skipped 1 (malformed-row: 1)" in result.stderr
    (skip,) = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert (skip["line"], skip["reason"]) == (3, "malformed-row")


def test_text_under_another_key_is_an_error_naming_the_fields(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue #12.2 end to end."""
    feed = write_feed(tmp_path / "feed.jsonl", [{"id": "x", "story": "text", "headline": "h"}])
    one_error_line(runner.invoke(main, ["scan", str(feed)]), "'story'", "--text-field")


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\u202e\x9b1m"


def test_terminal_escapes_never_reach_the_terminal(runner: CliRunner, tmp_path: Path) -> None:
    """Issue #12.10: in the table and in every message naming something from the input."""
    folder = tmp_path / "in"
    folder.mkdir()
    records = [{**FEED[0], "id": "wire" + ESCAPES, "outlet": "Wire" + ESCAPES}, FEED[1]]
    write_feed(folder / "feed.jsonl", records)
    (folder / ("name" + ESCAPES.replace("/", "") + ".pdf")).write_bytes(b"%PDF")
    (folder / "bad.jsonl").write_text('{"id": "x' + ESCAPES.replace("\\", "") + '", "text": 5}\n')
    result = runner.invoke(main, ["scan", str(folder)])
    assert result.exit_code == 0, result.output
    for stream in (result.stdout, result.stderr):
        assert not any(char in stream for char in "\x1b\x07\x9b\u202e"), stream
    assert "wire\\x1b[2J" in result.stdout and "\\x1b]0;pwned\\x07" in result.stderr
    missing = runner.invoke(main, ["scan", str(tmp_path / ("nope" + ESCAPES + ".txt"))])
    assert "\x1b" not in missing.stderr and "\\x1b" in one_error_line(missing)


def test_csv_output_neutralises_formulas_and_markdown_escapes(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue #12.11-12 end to end: JSON stays exact."""
    records = [
        {**FEED[0], "id": '=HYPERLINK("http://evil")', "outlet": "@SUM(A1)"},
        {**FEED[1], "id": "a|b<img src=x onerror=alert(1)>\nc", "outlet": "-3"},
    ]
    feed = write_feed(tmp_path / "feed.jsonl", records)
    rows = list(csv.DictReader(io.StringIO(scan_to(runner, feed, "csv"))))
    assert {(r["id"], r["source"]) for r in rows} == {
        ('\'=HYPERLINK("http://evil")', "'@SUM(A1)"),
        ("a|b<img src=x onerror=alert(1)>\nc", "-3"),
    }
    markdown = scan_to(runner, feed, "markdown")
    assert "a\\|b\\<img src=x onerror=alert(1)\\><br>c" in markdown
    assert "<img" not in markdown.replace("\\<", "")
    ids = {d["id"] for d in json.loads(scan_to(runner, feed, "json"))["documents"]}
    assert ids == {r["id"] for r in records}


def scan_to(runner: CliRunner, feed: Path, fmt: str) -> str:
    result = runner.invoke(main, ["scan", str(feed), "--format", fmt, "-q"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_numba_cache_note_is_shown(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #12.14: when the compiled code was loaded with a cache fallback, one line says
    so (the fallback itself: tests/test_numba_cache.py)."""
    note = "numba cannot write its cache ...: compiled code is cached in /tmp/x"
    monkeypatch.setitem(sys.modules, "dedupe.numba_cache", SimpleNamespace(NOTE=note))
    result = runner.invoke(main, ["scan", "--example"])
    assert f"dedupe: note: {note}\n" in result.stderr


# --- real processes: pipes and full disks ------------------------------------------------------

# The console script's own entry point (`python -m dedupe` runs it too).
COMMAND = [sys.executable, "-c", "from dedupe.cli import run; run()", "scan", "--example"]
REPO = Path(__file__).resolve().parents[1]


def test_a_closed_pipe_ends_quietly_as_unix_tools_do() -> None:
    """Issue #12.9: `dedupe scan ... | head` ends by SIGPIPE, no message, not exit 1."""
    for fmt in ("json", "table"):
        done = subprocess.run(
            f"{shlex.join([*COMMAND, '--format', fmt])} | true",
            shell=True,
            cwd=REPO,
            capture_output=True,
            text=True,
            executable="/bin/bash",
        )
        # bash reports the status of the last command; ask it for the first one.
        status = subprocess.run(
            f"{shlex.join([*COMMAND, '--format', fmt])} 2>/dev/null | true;"
            " echo ${PIPESTATUS[0]}",
            shell=True,
            cwd=REPO,
            capture_output=True,
            text=True,
            executable="/bin/bash",
        )
        # Nothing but the line on how the input was read, said before the report.
        (line,) = done.stderr.splitlines()
        assert line.startswith("dedupe: read ") and "newsroom.jsonl (jsonl): id=id" in line
        assert status.stdout.strip() == str(128 + signal.SIGPIPE)


def test_the_command_ends_at_once_with_everything_written(tmp_path: Path) -> None:
    """`run` ends the process without Python's shutdown: the report on standard output and
    in a file arrives whole, and the exit codes are main's."""
    done = subprocess.run(
        [sys.executable, "-m", "dedupe", "scan", "--example", "--format", "json"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["documents"]) == 9
    out = tmp_path / "report.csv"
    subprocess.run([*COMMAND, "--format", "csv", "-q", "-o", str(out)], cwd=REPO, check=True)
    assert len(out.read_text("utf-8").splitlines()) == 10
    missing = subprocess.run(
        [*COMMAND[:3], "scan", str(tmp_path / "absent.jsonl")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


class _Ended(Exception):
    pass


@pytest.fixture
def ended(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The codes `os._exit` was called with (raising `_Ended` instead of ending the tests)."""
    codes: list[int] = []

    def end(code: int) -> None:
        codes.append(code)
        raise _Ended

    monkeypatch.setattr(os, "_exit", end)
    return codes


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (2, 2), (130, 130)])
def test_end_process_ends_at_once_with_the_code(
    ended: list[int], code: int | None, status: int
) -> None:
    with pytest.raises(_Ended):
        cli._end_process(code)
    assert ended == [status]


def test_run_keeps_the_collector_off_and_ends_with_mains_code(
    monkeypatch: pytest.MonkeyPatch, ended: list[int]
) -> None:
    """`run` turns the cyclic collector off for the whole command (the process then ends
    without it ever walking the scan's objects) and ends with `main`'s exit code."""
    import gc

    seen: list[bool] = []

    def fake_main() -> None:
        seen.append(gc.isenabled())
        sys.exit(2)

    monkeypatch.setattr(cli, "main", fake_main)
    try:
        with pytest.raises(_Ended):
            cli.run()
    finally:
        gc.enable()
    assert seen == [False] and ended == [2]


def test_end_process_exits_as_usual_with_a_message_or_a_thread_still_running(
    ended: list[int],
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli._end_process("error: a message")
    assert raised.value.code == "error: a message"
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        with pytest.raises(SystemExit) as raised:
            cli._end_process(None)
        assert raised.value.code == 0
    finally:
        release.set()
        waiting.join()
    assert ended == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_on_standard_output_is_one_line_exit_2() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(COMMAND, cwd=REPO, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "dedupe: error: cannot write the report to standard output: No space left on device"
    )
    assert "Traceback" not in done.stderr


def test_dash_o_dev_stdout_appends_where_the_shell_points(tmp_path: Path) -> None:
    """`-o /dev/stdout` (a pipe, or `>> log`) is standard output itself: it worked only by
    accident before (replacing a redirected file, failing on a pipe)."""
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    command = shlex.join([*COMMAND, "--format", "csv", "-q", "-o", "/dev/stdout"])
    done = subprocess.run(
        f"{command} >> {shlex.quote(str(log))}; {command} | head -1",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.stdout.startswith("id,source,published")
    assert log.read_text().startswith("earlier\nid,source,published")


def test_the_table_on_a_terminal_fits_it_and_shows_no_raw_escape(tmp_path: Path) -> None:
    """Issue 14.2: the table as a person sees it, in a pseudo-terminal 90 columns wide: every
    line fits, every section is there, and input text reaches the screen escaped."""
    feed = write_feed(tmp_path / "feed.jsonl", [{**FEED[0], "id": "wire" + ESCAPES}, FEED[1]])
    screen = _run_in_terminal([*COMMAND, str(feed)], columns=90)
    lines = screen.splitlines()
    assert max(len(line) for line in lines) <= 90
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", screen)
    assert lines[0].startswith("11 articles from 9 outlets")
    for title in ("Families (largest first)", "Outlets (copying most first)", "Documents"):
        assert title in lines
    documents = screen.split("\nDocuments\n")[1].splitlines()
    assert documents[1].split()[:4] == ["id", "outlet", "words", "copied"]
    assert ["harbour-gazette", "Harbour", "Gazette", "516", "71.7"] in [
        line.split()[:5] for line in documents
    ]
    # The id shown escaped, then cut to fit with an ellipsis.
    assert any(line.startswith("wire\\x1b[2J\\x1b…") for line in documents)


def _run_in_terminal(command: list[str], columns: int) -> str:
    """Return what `command` shows on a pseudo-terminal `columns` wide (standard error
    apart), with the terminal's line endings made plain."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# --- detection, progress and start-up (issue #14) ----------------------------------------------

ISSUE_CSV = "id,publisher,scrape_time,text\n" + "".join(
    f'a{i},Outlet {i},"Jul 15, 2018 0{i}:54","The council voted on Tuesday to approve a new'
    f" budget for the city's roads. ### Officials said after a long debate that lasted into"
    f' the night that work would start in spring. ### Story {i} ends here."\n'
    for i in range(3)
)


def test_no_flags_read_the_issue_csv_and_say_how(runner: CliRunner, tmp_path: Path) -> None:
    """Issue #14: the fields and the separator are found, and one line says which."""
    path = tmp_path / "articles.csv"
    path.write_text(ISSUE_CSV, "utf-8")
    result = runner.invoke(main, ["scan", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"dedupe: read {path} (csv): id=id text=text source=publisher date=scrape_time" in (
        result.stderr
    )
    assert "(crawl time), paragraphs split at '###'\n" in result.stderr
    assert "warning" not in result.stderr
    piped = runner.invoke(main, ["scan", "-", "--format", "csv"], input=ISSUE_CSV)
    assert piped.stdout == result.stdout
    assert "dedupe: read <stdin> (csv): id=id" in piped.stderr


def test_a_date_field_no_record_has_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    """Issue #14: `--date-field nosuch` exited 0 silently."""
    feed = write_feed(tmp_path / "feed.jsonl")
    one_error_line(runner.invoke(main, ["scan", str(feed), "--date-field", "nosuch"]), "nosuch")


def test_standard_input_format_can_be_named(runner: CliRunner) -> None:
    tsv = "id\ttext\n" + "".join(f"{r['id']}\t{r['text']}\n" for r in FEED)
    args = ["scan", "-", "--input-format", "tsv", "--format", "csv"]
    result = runner.invoke(main, args, input=tsv)
    assert result.exit_code == 0 and "(tsv)" in result.stderr
    assert result.stdout.count("\n") == 3  # a header and two documents


def test_no_dates_are_warned_about_and_quiet_says_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    feed = write_feed(tmp_path / "feed.jsonl")
    result = runner.invoke(main, ["scan", str(feed)])
    assert "dedupe: warning: " in result.stderr and "no outlet and no date" in result.stderr
    assert runner.invoke(main, ["scan", str(feed), "-q"]).stderr == ""


def test_compiling_is_told(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #14.5: the first large scan compiles for 30-45 s: a line says so."""
    real = cli.scan

    def compiling(*args: object, **options: object) -> object:
        options["progress"]("compile", 0, 0)  # type: ignore[operator]
        return real(*args, **options)

    monkeypatch.setattr(cli, "scan", compiling)
    result = runner.invoke(main, ["scan", "--example"])
    assert "dedupe: compiling the fast code for this machine, once per install" in result.stderr


def run_on_a_terminal(args: list[str]) -> str:
    """Return what the command writes to standard error when that is a terminal."""
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen(
        [*COMMAND[:3], *args], cwd=REPO, stdout=subprocess.DEVNULL, stderr=follower
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bars_on_a_terminal_only() -> None:
    """Issue #14.5: a bar per stage on a terminal (click's), nothing of it when piped."""
    shown = run_on_a_terminal(["scan", "--example"])
    assert "dedupe: signing" in shown and "[" in shown and "9/9" in shown
    assert "dedupe: read " in shown
    piped = subprocess.run(COMMAND, cwd=REPO, capture_output=True, text=True, check=True)
    assert "signing" not in piped.stderr and "\r" not in piped.stderr


def test_version_and_help_import_nothing_heavy() -> None:
    """Issue #14.7: `dedupe --version` and `--help` start without numpy, numba, datasketch
    (scipy) or the scan."""
    heavy = ("numpy", "numba", "datasketch", "scipy", "dedupe.scan", "charset_normalizer")
    code = (
        "import sys\nfrom dedupe.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    for args in (["--version"], ["--help"], ["scan", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True
        )
        assert done.stdout.splitlines()[-1] == "[]", (args, done.stdout, done.stderr)


# --- dedupe filter (issue #13) ----------------------------------------------------------------


def test_filter_writes_the_kept_records_and_the_clusters(runner: CliRunner, tmp_path: Path) -> None:
    from dedupe.examples import example_path

    out, clusters = tmp_path / "kept.jsonl", tmp_path / "families.jsonl"
    args = ["filter", str(example_path()), "-o", str(out), "--clusters", str(clusters)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    source = example_path().read_text("utf-8").splitlines(keepends=True)
    kept = out.read_text("utf-8").splitlines(keepends=True)
    assert kept == [line for line in source if '"id": "harbour-gazette"' not in line]
    assert json.loads(clusters.read_text("utf-8").splitlines()[0])["family"] == "f1"
    assert result.stderr.splitlines()[-1] == (
        "dedupe: read 9 records, skipped 0; kept 8, dropped 1 near-duplicates"
        " (--min-percent 80, --keep original)"
    )


def test_filter_annotates_csv_from_standard_input(runner: CliRunner) -> None:
    from dedupe.examples import example_path

    records = [json.loads(line) for line in example_path().read_text("utf-8").splitlines()]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["id", "outlet", "published", "text"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    result = runner.invoke(main, ["filter", "-", "--annotate", "-q"], input=buffer.getvalue())
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    gazette = next(r for r in rows if r["id"] == "harbour-gazette")
    assert gazette["dedupe_kept"] == "false" and gazette["dedupe_duplicate_of"] == "wire-flood"
    assert all(r["text"] == s["text"] for r, s in zip(rows, records, strict=True))
    assert result.stderr == ""


def test_filter_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    one_error_line(runner.invoke(main, ["filter", str(tmp_path / "missing.jsonl")]), "missing")
    one_error_line(runner.invoke(main, ["filter", "--keep", "best", "x"]), "best")


def test_filter_shows_its_stages_on_a_terminal(tmp_path: Path) -> None:
    from dedupe.examples import example_path

    shown = run_on_a_terminal(["filter", str(example_path()), "-o", str(tmp_path / "k.jsonl")])
    for stage in ("signing", "deciding", "writing"):
        assert f"dedupe: {stage}" in shown, shown
    assert "kept 8, dropped 1" in shown
