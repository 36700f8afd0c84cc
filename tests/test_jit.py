"""Tests of `dedupe.jit`'s compile notice (the compiled twins are tested with their kernels)."""

from __future__ import annotations

import numba

from dedupe.jit import CompileNotice


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
