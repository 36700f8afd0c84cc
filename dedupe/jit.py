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
import sys
from collections.abc import Callable
from functools import cache
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
