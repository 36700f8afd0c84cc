"""Output places: checking where a report may go before any work, and writing it there.

A report (or the `--errors` file) replaces a regular file atomically: it is written to a
temporary file beside it, then renamed over it, so readers see the old file or the whole new
one. An existing file that is not regular (a FIFO, a terminal, `/dev/null`) is written into
directly instead, never replaced. Nothing else is touched, except the temporary files an
earlier run killed mid-write left behind (see `remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dedupe.errors import OutputError
from dedupe.escape import terminal_safe

# Temporary files are named `.dedupe-<pid>@<host>-<random>.tmp`, so a later run (or a user)
# can tell whose they are; `.dedupe-<random>.tmp` is the name earlier versions used.
_TEMPORARY = re.compile(r"\.dedupe-(?:(\d+)@([A-Za-z0-9.-]*)-)?[a-z0-9_]+\.tmp")
STALE_AFTER = 24 * 3600
"""Seconds after its last change when a temporary file of ours counts as left behind even if
its process cannot be checked (another host, or the name of an earlier version)."""


@dataclass(frozen=True, slots=True)
class OutputPlace:
    """Where one output goes: the path as given, the file written, and how.

    `direct` is True for an existing file that is not regular (FIFO, character device): it
    is written into directly, not atomically. `descriptor` is set for a path that names an
    open file descriptor of this process (`/dev/stdout`, `/dev/fd/3`): that descriptor is
    written into, as a shell redirection left it (appending, say).
    """

    path: str
    target: str
    direct: bool = False
    descriptor: int | None = None

    def note(self) -> str | None:
        """Return the one-line note to show for a direct (non-atomic) write, or None."""
        if not self.direct:
            return None
        what = "an open file descriptor" if self.descriptor is not None else "not a regular file"
        return f"{terminal_safe(self.path)} is {what}: writing into it directly, not atomically"


def check_output_place(
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    input_extensions: Sequence[str] = (),
) -> OutputPlace:
    """Return the checked place for writing to `path`; raise OutputError if it cannot be used.

    Refused: a folder, a socket or block device, a read-only file, a missing or unwritable
    folder, and any file the scan reads: one of `inputs`, or a file inside an input folder
    with one of `input_extensions` that the folder walk would read.
    """
    given = os.fspath(path)
    if not given or "\0" in given:
        raise OutputError(f"{given!r}: not a path (empty, or holding a NUL character)")
    shown = terminal_safe(given)
    if given.endswith(("/", os.sep)):
        raise OutputError(f"{shown}: names a folder; name a file to write to")
    descriptor = _descriptor(given)
    if descriptor is not None:
        return _descriptor_place(given, descriptor)
    try:
        info = os.stat(given)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot use as output: {exc.strerror or exc}") from exc
    target = os.path.realpath(given)
    if info is not None and not stat.S_ISREG(info.st_mode):
        return _special_place(given, given, info.st_mode)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"{shown}: the folder {terminal_safe(folder)} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{shown}: cannot write in the folder {terminal_safe(folder)}")
    if info is not None and not os.access(target, os.W_OK):
        raise OutputError(f"{shown}: the file is read-only")
    _refuse_inputs(given, target, info, inputs, input_extensions)
    return OutputPlace(given, target)


_DESCRIPTOR_PATH = re.compile(r"/dev/(stdout|stderr|fd/(\d+))|/proc/self/fd/(\d+)")
_STANDARD = {"stdout": 1, "stderr": 2}


def _descriptor(given: str) -> int | None:
    """Return the file descriptor of this process a path names (/dev/stdout is 1), or None."""
    match = _DESCRIPTOR_PATH.fullmatch(os.path.normpath(os.path.abspath(given)))
    if match is None:
        return None
    name, fd, proc_fd = match.groups()
    return _STANDARD[name] if name in _STANDARD else int(fd or proc_fd)


def _descriptor_place(given: str, descriptor: int) -> OutputPlace:
    """Return the place of an open descriptor of this process, or refuse a closed one."""
    try:
        mode = os.fstat(descriptor).st_mode
    except OSError:
        raise OutputError(
            f"{terminal_safe(given)}: file descriptor {descriptor} is not open"
        ) from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"{terminal_safe(given)}: is a folder; name a file to write to")
    return OutputPlace(given, given, direct=True, descriptor=descriptor)


def _special_place(given: str, target: str, mode: int) -> OutputPlace:
    """Return the direct-write place of an existing non-regular file, or refuse it."""
    shown = terminal_safe(given)
    if stat.S_ISDIR(mode):
        raise OutputError(f"{shown}: is a folder; name a file to write to")
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return OutputPlace(given, target, direct=True)
    kind = "a block device" if stat.S_ISBLK(mode) else "not a file dedupe can write to"
    raise OutputError(f"{shown}: is {kind}; name a regular file")


def _refuse_inputs(
    given: str,
    target: str,
    info: os.stat_result | None,
    inputs: Iterable[str | os.PathLike[str]],
    extensions: Sequence[str],
) -> None:
    """Raise OutputError if the target is a file the scan reads (an input, or in an input
    folder with a readable extension and no hidden part)."""
    for item in inputs:
        source = os.fspath(item)
        if source == "-":
            continue
        try:
            source_info = os.stat(source)
        except OSError:
            continue
        if info is not None and os.path.samestat(info, source_info):
            raise OutputError(
                f"{terminal_safe(given)}: is one of the inputs; writing there would destroy it"
            )
        if stat.S_ISDIR(source_info.st_mode) and _read_by_walk(target, source, extensions):
            raise OutputError(
                f"{terminal_safe(given)}: is inside the input folder {terminal_safe(source)}"
                " and would be read as input by the next scan; write it elsewhere"
            )


def _read_by_walk(target: str, folder: str, extensions: Sequence[str]) -> bool:
    """Return whether walking `folder` would read a file at `target`."""
    root = os.path.realpath(folder)
    relative = os.path.relpath(target, root)
    if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
        return False
    parts = relative.split(os.sep)
    if any(part.startswith(".") for part in parts):
        return False
    return os.path.splitext(target)[1].lower() in extensions


def write_output(place: OutputPlace, content: str | Iterable[str]) -> None:
    """Write `content` (a text, or its pieces) to a checked place: atomically into a regular
    file, directly into a non-regular one; raise OutputError when the system refuses."""
    if place.direct:
        _write_direct(place, content)
    else:
        write_atomic(place.target, content)


def _write_direct(place: OutputPlace, content: str | Iterable[str]) -> None:
    """Write into an existing non-regular file (FIFO, device) or an open descriptor without
    creating or replacing anything; a regular file found at a path by now is written
    atomically after all."""
    shown = terminal_safe(place.path)
    try:
        if place.descriptor is not None:
            descriptor = os.dup(place.descriptor)
        else:
            descriptor = os.open(place.target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        write_atomic(place.target, content)
        return
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    if place.descriptor is None and stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        write_atomic(place.target, content)
        return
    try:
        with open(
            descriptor, "w", encoding="utf-8", errors="backslashreplace", newline=""
        ) as stream:
            for piece in (content,) if isinstance(content, str) else content:
                stream.write(piece)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc


def _file_mode(target: str) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _host() -> str:
    """Return this machine's name as it may appear in a temporary file's name."""
    return re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())[:64]


def write_atomic(path: str | os.PathLike[str], content: str | Iterable[str]) -> None:
    """Write `content` (a text, or its pieces) to `path`: readers see the old file or the
    whole new one, never a part.

    The text goes to `.dedupe-<pid>@<host>-<random>.tmp` in the same folder first; temporary
    files of earlier runs that were killed mid-write are removed from that folder first.
    """
    # Through a symbolic link, replace the file it points to, not the link.
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(os.path.abspath(target))
    shown = terminal_safe(target)
    remove_stale_temporaries(folder)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".dedupe-{os.getpid()}@{_host()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write here: {exc.strerror}") from exc
    try:
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        os.chmod(temporary, _file_mode(target))
        # Lone surrogates (possible in JSON input) cannot be UTF-8: write them escaped.
        with os.fdopen(
            handle, "w", encoding="utf-8", errors="backslashreplace", newline=""
        ) as stream:
            for piece in (content,) if isinstance(content, str) else content:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputError(f"{shown}: cannot write: {exc.strerror}") from exc
        raise


def remove_stale_temporaries(folder: str | os.PathLike[str], *, now: float | None = None) -> int:
    """Remove the temporary files that runs of dedupe killed mid-write left in `folder`, and
    return how many were removed.

    Only regular files named as dedupe names them and owned by this user are considered; one
    is stale when the process that made it on this host is gone, or when it has not changed
    for STALE_AFTER seconds. Nothing is raised: a folder that cannot be listed is left alone.
    """
    moment = time.time() if now is None else now
    host = _host()
    user = os.geteuid() if hasattr(os, "geteuid") else None
    removed = 0
    try:
        with os.scandir(folder) as entries:
            candidates = [e for e in entries if _TEMPORARY.fullmatch(e.name)]
    except OSError:
        return 0
    for entry in candidates:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (user is not None and info.st_uid != user):
            continue
        match = _TEMPORARY.fullmatch(entry.name)
        assert match is not None
        pid, made_on = match.groups()
        gone = pid is not None and made_on == host and not _alive(int(pid))
        if gone or moment - info.st_mtime > STALE_AFTER:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    """Return whether a process with this id exists on this host."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True
