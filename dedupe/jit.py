"""Compiled twins of plain kernel functions, made with numba on first use.

A kernel module (`dedupe.family_kernels`, `dedupe.coverage_kernels`) holds loops written
once, in the subset of Python and numpy that numba compiles, and imports no numba: its
functions run as they are on small inputs and in tests. `compiled(function)` returns the
same function compiled (cached on disk by numba), for large inputs. Every function of the
kernel's module may be called from it: they are registered with numba as compilable, so one
rule is written, and tested, once.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from functools import cache
from types import TracebackType
from typing import Any, TypeVar

Function = TypeVar("Function", bound=Callable[..., Any])


def compiled(function: Function) -> Function:
    """Return `function` compiled by numba (made, or loaded from numba's cache, once)."""
    return _compiled(function)  # type: ignore[return-value]


@cache
def _compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    # Where numba caches is decided before numba is imported (`dedupe.numba_cache`).
    from dedupe.numba_cache import CACHE  # noqa: I001

    import numba  # half a second to import: only when something is compiled

    _register_module(function.__module__)
    return numba.njit(cache=CACHE, nogil=True)(function)


@cache
def _register_module(name: str) -> None:
    from numba.extending import register_jitable

    for value in vars(sys.modules[name]).values():
        if inspect.isfunction(value) and value.__module__ == name:
            register_jitable(value)


class CompileNotice:
    """Calls `tell()` once when numba starts compiling in this process (not when it loads
    compiled code from its cache: that is quick), between `start()` and the end of the
    `with` block. The first large scan on a machine compiles for 30-45 s: a caller can say
    so instead of sitting silent. numba is imported by `start()` only, and only if `tell`."""

    def __init__(self, tell: Callable[[], None] | None) -> None:
        self._tell = tell
        self._listener: Any = None
        self._pid = os.getpid()

    def start(self) -> None:
        """Start listening (again: no effect)."""
        if self._tell is None or self._listener is not None:
            return
        self._listener = _listen(self._started)

    def _started(self) -> None:
        # Workers forked while compiling would tell too: only this process does.
        if self._tell is not None and os.getpid() == self._pid:
            tell, self._tell = self._tell, None
            tell()

    def __enter__(self) -> CompileNotice:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._listener is not None:
            _unlisten(self._listener)
            self._listener = None


class CompileWatch:
    """Tells whether numba compiled anything in this process inside the `with` block
    (`compiled`), rather than loading every function from its cache."""

    def __init__(self) -> None:
        self.compiled = False
        self._listener: Any = None

    def __enter__(self) -> CompileWatch:
        self._listener = _listen(self._started)
        return self

    def __exit__(self, *exc: object) -> None:
        _unlisten(self._listener)

    def _started(self) -> None:
        self.compiled = True


def _listen(started: Callable[[], None]) -> Any:
    """Return a listener, registered, that calls `started()` whenever numba starts compiling
    a function (in this process, or in one forked from it)."""
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, _: object) -> None:
            started()

        def on_end(self, _: object) -> None:
            pass

    listener = _Listener()
    event.register("numba:compile", listener)  # type: ignore[no-untyped-call]
    return listener


def _unlisten(listener: Any) -> None:
    from numba.core import event

    event.unregister("numba:compile", listener)  # type: ignore[no-untyped-call]
