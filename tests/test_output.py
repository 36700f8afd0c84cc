"""Output places: checks made before any work, direct writes into non-regular files, atomic
writes into regular ones, and the temporary files a killed run leaves behind."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.documents import SUPPORTED_EXTENSIONS
from dedupe.errors import OutputError
from dedupe.output import (
    STALE_AFTER,
    OutputPlace,
    check_output_place,
    remove_stale_temporaries,
    write_atomic,
    write_output,
)

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
REPO = Path(__file__).resolve().parents[1]


def check(path: Path | str, *inputs: Path | str) -> OutputPlace:
    return check_output_place(path, inputs, input_extensions=SUPPORTED_EXTENSIONS)


# --- checks --------------------------------------------------------------------------------


def test_new_and_existing_regular_files_are_written_atomically(tmp_path: Path) -> None:
    new = check(tmp_path / "report.json")
    assert (new.target, new.direct, new.note()) == (str(tmp_path / "report.json"), False, None)
    (tmp_path / "old.json").write_text("x")
    assert check(tmp_path / "old.json").direct is False


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        check(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        check(tmp_path / "nowhere" / "out.json")


@pytest.mark.parametrize("path", ["", "a\0b.json"])
def test_what_is_not_a_path_is_refused(path: str) -> None:
    with pytest.raises(OutputError, match="not a path"):
        check(path)


def test_a_trailing_slash_names_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="names a folder"):
        check(f"{tmp_path}/new/")
    assert not (tmp_path / "new").exists()


@pytest.mark.skipif(ROOT, reason="root may write anything")
def test_read_only_file_and_folder_are_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text("keep")
    locked.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        check(locked)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    with pytest.raises(OutputError, match="cannot write in the folder"):
        check(folder / "out.json")


def test_fifo_and_character_devices_are_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    place = check(fifo)
    assert place.direct and "not atomically" in (place.note() or "")
    assert check(os.devnull).direct


def test_descriptor_paths_write_into_the_descriptor_as_the_shell_left_it(
    tmp_path: Path,
) -> None:
    """`-o /dev/stdout >> log` appends to the log: the descriptor is written into, the file
    behind it is neither replaced nor reopened from its start."""
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        for alias in (f"/dev/fd/{descriptor}", f"/proc/self/fd/{descriptor}"):
            place = check(alias)
            assert (place.direct, place.descriptor) == (True, descriptor)
            assert "open file descriptor" in (place.note() or "")
            write_output(place, f"report via {alias}\n")
    finally:
        os.close(descriptor)
    assert log.read_text() == (
        f"earlier line\nreport via /dev/fd/{descriptor}\nreport via /proc/self/fd/{descriptor}\n"
    )
    assert check("/dev/stdout").descriptor == 1
    with pytest.raises(OutputError, match="file descriptor 999 is not open"):
        check("/dev/fd/999")


def test_sockets_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(OutputError, match="not a file dedupe can write to"):
            check(path)
    finally:
        server.close()


def test_an_input_is_never_an_output(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "x"}\n')
    link = tmp_path / "link.jsonl"
    link.symlink_to(feed)
    hard = tmp_path / "hard.jsonl"
    os.link(feed, hard)
    for alias in (feed, link, hard, tmp_path / "." / "feed.jsonl"):
        with pytest.raises(OutputError, match="is one of the inputs"):
            check(alias, feed)
    assert feed.read_text() == '{"text": "x"}\n'


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("report.csv", True),
        ("errors.jsonl", True),
        ("sub/deeper/report.md", True),
        ("report.json", False),  # not a type the walk reads
        (".hidden/report.csv", False),  # the walk skips hidden entries
        (".report.csv", False),
    ],
)
def test_a_file_the_folder_walk_would_read_is_refused(
    tmp_path: Path, name: str, refused: bool
) -> None:
    folder = tmp_path / "articles"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    if refused:
        with pytest.raises(OutputError, match="inside the input folder"):
            check(folder / name, folder)
    else:
        assert check(folder / name, folder).target == str(folder / name)
    assert check(tmp_path / "report.csv", folder).direct is False  # beside it is fine


# --- writing -------------------------------------------------------------------------------


def test_direct_write_into_a_fifo_keeps_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(check(fifo), iter(["one ", "two"]))
    reader.join(10)
    assert received == [b"one two"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_direct_write_into_dev_null_leaves_it_a_device() -> None:
    write_output(check(os.devnull), "report\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_device_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(check("/dev/full"), "x" * 100_000)


def test_atomic_write_through_a_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(check(link), "new")
    assert link.is_symlink() and real.read_text() == "new"


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec=None, exclude_categories=())), max_size=5))
def test_atomic_writes_are_exact(tmp_path: Path, pieces: list[str]) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, iter(pieces))
    expected = "".join(pieces).encode("utf-8", "backslashreplace")
    assert target.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --- temporary files left by killed runs ---------------------------------------------------


def _host() -> str:
    return "".join(c for c in socket.gethostname() if c.isalnum() or c in ".-")[:64]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_of_ours_are_removed_and_nothing_else(tmp_path: Path) -> None:
    host, dead = _host(), _dead_pid()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {
            f".dedupe-{dead}@{host}-abc123_x.tmp": False,  # its process is gone: removed
            f".dedupe-{sleeper.pid}@{host}-abc123_x.tmp": True,  # still running: kept
            f".dedupe-{dead}@another-host-abc123_x.tmp": True,  # cannot tell: kept for now
            ".dedupe-k3j_x9ab.tmp": True,  # an earlier version's name, recent: kept
            f".dedupe-{dead}@{host}-abc.tmp.bak": True,  # not our name
            "report.json": True,
            ".dedupe-notes.txt": True,
        }
        for name in names:
            (tmp_path / name).write_text("partial")
        old = tmp_path / ".dedupe-oldone12.tmp"
        old.write_text("partial")
        aged = time.time() - STALE_AFTER - 60
        os.utime(old, (aged, aged))  # unchanged for over a day: removed
        target = tmp_path / "victim.txt"
        target.write_text("must survive")
        (tmp_path / f".dedupe-{dead}@{host}-link0000.tmp").symlink_to(target)  # never followed
        assert remove_stale_temporaries(tmp_path) == 2
        kept = {p.name for p in tmp_path.iterdir()}
        assert kept == {n for n, keep in names.items() if keep} | {
            "victim.txt",
            f".dedupe-{dead}@{host}-link0000.tmp",
        }
        assert target.read_text() == "must survive"
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.skipif(not ROOT, reason="needs root to make a file owned by another user")
def test_temporary_files_of_other_users_are_left_alone(tmp_path: Path) -> None:
    other = tmp_path / f".dedupe-{_dead_pid()}@{_host()}-abc123_x.tmp"
    other.write_text("theirs")
    os.chown(other, 65534, 65534)
    assert remove_stale_temporaries(tmp_path) == 0 and other.exists()


WRITER = """
import sys, time
from dedupe.output import write_atomic
def pieces():
    yield "start"
    print("writing", flush=True)
    time.sleep(60)
    yield "never"
write_atomic(sys.argv[1], pieces())
"""


def test_the_temporary_file_of_a_killed_run_goes_on_the_next_write(tmp_path: Path) -> None:
    """kill -9 mid-write leaves a named temporary file; the next write there removes it."""
    target = tmp_path / "report.json"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(f".dedupe-{writer.pid}@") and left.name.endswith(".tmp")
    write_atomic(target, "done")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.read_text() == "done"
