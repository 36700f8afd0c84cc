"""Tests for dedupe.memory: freed memory kept in the process during a scan, handed back after."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import textwrap

import pytest

from dedupe import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Run in a fresh interpreter: glibc's thresholds are process-wide, and a test process has
# already moved them.
_PROBE = textwrap.dedent(
    """
    import ctypes, json
    import numpy as np
    from dedupe.memory import reused_memory

    FIELDS = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"

    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in FIELDS.split()]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = Info
    MB = 1 << 20

    def info():
        now = libc.mallinfo2()
        return {"heap": now.arena // MB, "mapped": now.hblkhd // MB, "free": now.fordblks // MB}

    seen = {}
    block = np.ones(20 * MB // 8)
    seen["before"] = info()
    del block
    with reused_memory() as taken:
        seen["taken"] = taken
        with reused_memory():
            blocks = [np.ones(10 * MB // 8) for _ in range(20)]
            seen["allocated"] = info()
        del blocks
        seen["freed"] = info()
    seen["after"] = info()
    print(json.dumps(seen))
    """
)


@pytest.fixture(scope="module")
def probe() -> dict:
    """What glibc reports around a `reused_memory` block, in MiB, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not GLIBC, reason="tunes glibc's malloc only")
def test_glibc_takes_the_setting(probe: dict) -> None:
    assert probe["taken"] is True


@pytest.mark.skipif(not GLIBC, reason="tunes glibc's malloc only")
def test_large_arrays_come_from_the_heap_inside_and_fresh_pages_outside(probe: dict) -> None:
    # Before: a 20 MiB array is mapped afresh (glibc's starting threshold is 128 KiB).
    assert probe["before"]["mapped"] >= 20
    # Inside: twenty 10 MiB arrays come from the heap, nothing mapped.
    assert probe["allocated"]["mapped"] == 0
    assert probe["allocated"]["heap"] >= 200


@pytest.mark.skipif(not GLIBC, reason="tunes glibc's malloc only")
def test_freed_memory_is_kept_until_the_outermost_block_ends(probe: dict) -> None:
    # The inner block ended before the arrays were freed: they stay in the heap, free.
    assert probe["freed"]["free"] >= 200
    assert probe["freed"]["heap"] >= 200
    # After the outer block, all but the 64 MiB glibc would keep itself is handed back.
    assert probe["after"]["heap"] <= memory.TRIM_THRESHOLD_AFTER // (1 << 20) + 16
    assert probe["after"]["free"] <= memory.TRIM_THRESHOLD_AFTER // (1 << 20) + 16


def test_other_c_libraries_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_libc", lambda: None)
    with memory.reused_memory() as taken:
        assert taken is False
