"""Running a stage's chunks on several cores, results in input order.

Workers are forked, so they inherit the stage's inputs (the documents, the parameters)
instead of receiving them pickled; only chunk descriptions go out and results come back.
With one job, or one chunk, everything runs in this process.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import multiprocessing
import operator
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

_STATE: Any = None

Class = TypeVar("Class", bound=type)
Instance = TypeVar("Instance")


def pickled_by_fields(cls: Class) -> Class:
    """Return the frozen, slotted dataclass `cls`, pickled as its field values and made back
    from them by `from_fields`.

    Results come back from workers pickled, by the million on large corpora. A slotted
    dataclass otherwise pickles through Python-level __getstate__/__setstate__ functions,
    several times slower both ways.
    """
    names = [field.name for field in dataclasses.fields(cls)]
    values = operator.attrgetter(*names)
    arguments = (lambda item: (values(item),)) if len(names) == 1 else values
    make: Callable[..., Any] = from_fields(cls)
    # Pickled by reference, as an attribute of the class.
    make.__qualname__ = f"{cls.__qualname__}._from_fields"
    make.__module__ = cls.__module__
    cls._from_fields = staticmethod(make)  # type: ignore[attr-defined]
    setattr(cls, "__reduce__", lambda self: (make, arguments(self)))  # noqa: B010
    return cls


def from_fields(cls: type[Instance]) -> Callable[..., Instance]:
    """Return a function making an instance of the frozen, slotted dataclass `cls` from all
    its field values (by position or by name, no defaults), without its __init__: twice as
    fast for the report's objects, which are made by the hundred thousand.

    A frozen dataclass's __init__ sets each field through `object.__setattr__`; this sets
    the slots directly. `cls` may have no __post_init__ and no field left out of __init__.
    One function a class, made once (`pickled_by_fields` unpickles with it too).
    """
    return _made_from_fields(cls)  # type: ignore[arg-type]


@functools.cache
def _made_from_fields(cls: type) -> Callable[..., Any]:
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or not all(field.init for field in fields):
        raise TypeError(f"{cls.__name__} needs its __init__")
    # Written out field by field, as dataclasses writes __init__ (a loop would cost more than
    # it saves), with parameters named for the fields; the function's own names start with
    # "_set_" or "_made_", which no field's may.
    if any(f.name.startswith(("_set_", "_made_")) for f in fields):
        raise TypeError(f"{cls.__name__} has a field named like from_fields's own names")
    scope: dict[str, Any] = {"_made_new": object.__new__, "_made_class": cls}
    scope.update({f"_set_{f.name}": getattr(cls, f.name).__set__ for f in fields})
    parameters = ", ".join(f.name for f in fields)
    lines = [f"def make({parameters}):", "    _made_ = _made_new(_made_class)"]
    lines += [f"    _set_{f.name}(_made_, {f.name})" for f in fields]
    exec("\n".join([*lines, "    return _made_"]), scope)
    make: Callable[..., Any] = scope["make"]
    return make


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def map_ordered(
    function: Callable[[Any, Chunk], Result],
    state: Any,
    chunks: Sequence[Chunk],
    jobs: int,
) -> Iterator[Result]:
    """Yield `function(state, chunk)` for each chunk, in order, on up to `jobs` processes."""
    if jobs <= 1 or len(chunks) <= 1 or not can_fork():
        for chunk in chunks:
            yield function(state, chunk)
        return
    global _STATE
    _STATE = state
    try:
        context = multiprocessing.get_context("fork")
        # Objects the workers inherit are moved out of the collector's reach: a collection in
        # a worker would otherwise write to every one of them and copy all their pages.
        gc.freeze()
        pool = context.Pool(min(jobs, len(chunks)), initializer=reset_signals)
        try:
            yield from pool.imap(_call, [(function, chunk) for chunk in chunks])
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
    finally:
        gc.unfreeze()
        _STATE = None


class OrderedPool:
    """Forked workers given chunks one at a time while the caller goes on working (reading
    the rest of the input), their results taken back in order (`results`).

    As with `map_ordered`, workers inherit `state` (forked when the pool is made) and run
    `function(state, chunk)`. Use it as a context manager: leaving it early (an error, an
    interrupt) stops the workers.
    """

    def __init__(self, function: Callable[[Any, Any], Any], state: Any, jobs: int) -> None:
        global _STATE
        self._function = function
        self._pending: deque[AsyncResult[Any]] = deque()
        _STATE = state
        try:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(jobs, initializer=reset_signals)
        finally:
            _STATE = None

    def submit(self, chunk: Any) -> None:
        """Give a chunk to the workers."""
        self._pending.append(self._pool.apply_async(_call, ((self._function, chunk),)))

    def results(self) -> Iterator[Any]:
        """Yield the result of every chunk submitted, in order (waiting for each)."""
        while self._pending:
            yield self._pending.popleft().get()

    def close(self) -> None:
        """Stop the workers (at once, when results are still due)."""
        if self._pending:
            self._pool.terminate()
            self._pending.clear()
        else:
            self._pool.close()
        self._pool.join()

    def __enter__(self) -> OrderedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_thread(function: Callable[..., Result], *args: Any) -> Callable[[], Result]:
    """Start `function(*args)` in a thread; return a function that waits for it and returns
    its result (or raises its exception).

    For numpy sorts and compiled kernels, which release the GIL: they run on a second core
    beside the caller's own work. Call the returned function before forking, so that no
    thread is left running in a forked worker.
    """
    found: list[Result] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(function(*args))
        except BaseException as error:  # handed to the caller, in its own thread
            failed.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> Result:
        thread.join()
        if failed:
            raise failed[0]
        return found[0]

    return result


def can_fork() -> bool:
    """Return whether workers can be forked here (`map_ordered` runs in this process when
    they cannot)."""
    return "fork" in multiprocessing.get_all_start_methods()


def reset_signals() -> None:
    """Make this (forked) process end on SIGTERM and ignore Ctrl-C (SIGINT)."""
    # Workers must die on the pool's SIGTERM whatever handler the parent had installed (the
    # CLI turns SIGTERM into KeyboardInterrupt), and leave Ctrl-C to the parent, which
    # stops the pool; otherwise terminating a pool can hang on a worker that caught it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(task: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    function, chunk = task
    return function(_STATE, chunk)
