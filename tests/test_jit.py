"""Tests of `dedupe.jit`'s compile notice (the compiled twins are tested with their kernels)."""

from __future__ import annotations

import numba

from dedupe.jit import CompileNotice, CompileWatch


def _plus(x: int, y: int) -> int:
    return x + y


def test_the_notice_tells_once_when_numba_compiles_after_start() -> None:
    told: list[str] = []
    with CompileNotice(lambda: told.append("compiling")) as notice:
        numba.njit(_plus)(1, 2)  # before start(): not told
        assert told == []
        notice.start()
        notice.start()  # no second listener
        numba.njit(_plus)(1, 2)
        numba.njit(_plus)(1.5, 2.5)
        assert told == ["compiling"]
    numba.njit(_plus)(3, 4)  # the listener is gone
    assert told == ["compiling"]


def test_without_anyone_to_tell_nothing_is_imported_or_listened_to() -> None:
    with CompileNotice(None) as notice:
        notice.start()
        assert notice._listener is None


def test_the_watch_tells_whether_numba_compiled_inside_it() -> None:
    compiled = numba.njit(_plus)
    with CompileWatch() as first:
        compiled(1, 2)
    assert first.compiled
    with CompileWatch() as again:
        compiled(3, 4)  # the same types: the compiled function is reused
    assert not again.compiled
    with CompileWatch() as other:
        compiled(1.5, 2.5)
    assert other.compiled
