"""Keeping freed memory in the process while a scan runs, so that its arrays reuse it.

A scan allocates and frees large numpy arrays by the thousand (every chunk's words, n-grams,
band keys and passages). glibc hands freed memory back to the system as soon as the free
space at the top of the heap passes its trim threshold, and serves every allocation above
its mmap threshold with fresh pages. A fresh page costs a page fault and zeroing, and on
virtual machines far more: on the 2-core VM of benchmarks/README.md, touching 400 MB of
fresh pages takes 0.59 s, of pages freed a moment before 0.09 s. (Its balloon device
reports free memory to the host, which takes it back: memory the guest freed a few seconds
ago is fresh again, 2.8 s a GB to touch against 0.15 s for memory it still holds.) At 100k
articles the scan spent 11-12 s of system time so; with freed memory kept for reuse, 6-8 s
(three runs each, alternating: 42.2-45.7 s end to end before, 40.0-42.9 s after).

Allocations above glibc's highest mmap threshold (32 MiB) are still mapped afresh: serving
them from the heap too (`M_MMAP_MAX` 0) made the 100k scan 0.9 s slower on average in six
alternated runs, with peak RSS 10 % higher, and the filter 1.7 s faster in eleven: left so.

Only glibc is tuned (Linux); elsewhere `reused_memory` changes nothing.
"""

from __future__ import annotations

import ctypes
import gc
import platform
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

# mallopt's parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

# Allocations up to 32 MiB (glibc's largest mmap threshold) come from the heap, and up to
# 1 GiB of free heap is kept; afterwards, 64 MiB, where glibc's own adjustment settles
# once a 32 MiB array has been freed.
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD_INSIDE = 1 << 30
TRIM_THRESHOLD_AFTER = 64 << 20

_lock = threading.Lock()
_depth = 0
_taken = False


@cache
def _libc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")  # glibc's soname on every architecture it ships
    except OSError:  # pragma: no cover - glibc without a loadable libc.so
        return None


def _set(libc: ctypes.CDLL, trim_threshold: int) -> bool:
    """Return whether glibc took both thresholds."""
    mmap_set = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(mmap_set and libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold))


@contextmanager
def reused_memory() -> Iterator[bool]:
    """Keep freed memory in the process for the block (and in processes forked inside it);
    yield whether glibc took the setting (False on other C libraries, which are left alone).

    Afterwards the free memory above 64 MiB is handed back (`malloc_trim`), and glibc keeps
    thresholds where its own adjustment would have brought them. Blocks may nest.
    """
    global _depth, _taken
    libc = _libc()
    if libc is None:
        yield False
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            _taken = _set(libc, TRIM_THRESHOLD_INSIDE)
    try:
        yield _taken
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _set(libc, TRIM_THRESHOLD_AFTER)
                libc.malloc_trim(ctypes.c_size_t(TRIM_THRESHOLD_AFTER))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then restore its state.

    A scan makes millions of small objects (documents and records as read, passages,
    attributions, report entries), none of them in a reference cycle, so reference counting
    frees them all. The cyclic collector would walk the growing heap again and again
    (10-25% of the later stages' time; a third of `dedupe filter`'s reading and half of its
    decision at 100k records), and in forked workers write to memory pages they share with
    the parent. (numba's first compile on a machine does leave cycles, tens of MB: collected
    once the collector runs again.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
