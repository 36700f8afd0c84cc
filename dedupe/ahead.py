"""The later stages' numba code compiled in other processes while the scan goes on.

On a fresh install the first large scan compiles all of dedupe's numba code, each stage's
when the stage begins, one function after another: about 36 s of one core (15-19 s of them
for the alignment, 10 for the families and the report), while the other core waits. When
compiling the signer shows that numba's cache is cold, the signing starts
(`compile_later_stages`) two forked processes, one compiling the alignment's code, one the
families' and the report's, beside the reading and signing; each stage waits for its
process (`wait`), then loads its code from numba's cache. With a warm cache nothing is
started.

The processes are this process's own: `wait` and `stop` do nothing in a forked worker.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from multiprocessing.process import BaseProcess

from dedupe.parallel import can_fork, reset_signals

# name -> (the process that started it, the compiling process)
_RUNNING: dict[str, tuple[int, BaseProcess]] = {}


def compile_later_stages() -> None:
    """Start compiling the alignment's code in one process ("align"), the families' and the
    report's in another ("families"): the scan waits for each before the stage begins."""
    from dedupe import align_compiled

    start("align", align_compiled.prepare)
    start("families", _families_and_report)


def _families_and_report() -> None:
    from dedupe import families, report

    families.prepare()
    report.prepare()


def start(name: str, prepare: Callable[[], None]) -> bool:
    """Start running `prepare` (a function that compiles numba code into numba's cache) in a
    forked process, under `name`; return whether it was started (not when one of that name
    runs already, or processes cannot be forked here)."""
    if name in _RUNNING or not can_fork():
        return False
    process = multiprocessing.get_context("fork").Process(
        target=_compile, args=(prepare,), name=f"dedupe-compile-{name}", daemon=True
    )
    process.start()
    _RUNNING[name] = (os.getpid(), process)
    return True


def wait(name: str) -> None:
    """Wait until the process started under `name` has ended (nothing if none was)."""
    started = _RUNNING.get(name)
    if started is None or started[0] != os.getpid():
        return
    started[1].join()
    del _RUNNING[name]


def stop() -> None:
    """End the processes still compiling (the scan no longer needs their code)."""
    for name, (owner, process) in list(_RUNNING.items()):
        if owner != os.getpid():
            continue
        if process.is_alive():
            process.terminate()
        process.join()
        del _RUNNING[name]


def _compile(prepare: Callable[[], None]) -> None:
    # Nothing of the compiling reaches the user's terminal, and a failure leaves the stage
    # to compile its code itself, as without this process.
    reset_signals()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = open(devnull, "w", closefd=False)  # noqa: SIM115
    try:
        prepare()
    except BaseException:
        os._exit(1)
    os._exit(0)
