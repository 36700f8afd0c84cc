"""Where a scan's cores wait: each stage's wall time against the work its processes did.

Runs `dedupe.scan` in this process on the speed benchmark's corpus (or any input), with every
task of the stage workers (`dedupe.parallel`) timed as it runs, and prints per stage:

- `before` and `after`: seconds of the stage before its first task starts and after its last
  one ends, which the parent spends alone (the other cores idle);
- `parent CPU`: the parent's user and system seconds in the stage;
- `worker busy`: the seconds the stage's tasks ran, summed over the workers;
- `idle`: jobs x wall, less both, in core-seconds: what more parallel work could take.

The timing wraps `dedupe.parallel._call` (the function a worker runs each task through);
forked workers append one line a task to a file, so nothing is sent back to the parent.

    python -m benchmarks.timeline 100000 --jobs 2
    python -m benchmarks.timeline --input articles.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tabulate import tabulate

import dedupe
from benchmarks.speed import OUT, corpus
from dedupe import parallel
from dedupe.stats import Stats


class _StageWindows(Stats):
    """Stats that also keep each stage's start and end (epoch seconds) and parent CPU."""

    def __init__(self) -> None:
        super().__init__()
        self.windows: list[tuple[str, float, float, float]] = []

    @contextlib.contextmanager
    def stage(self, name: str, unit: str = "") -> Iterator[Any]:
        started, cpu = time.time(), _cpu()
        with super().stage(name, unit) as timing:
            yield timing
        self.windows.append((name, started, time.time(), _cpu() - cpu))


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


# The task log of `timed_tasks`, and the function it wraps; module globals so that the pool
# pickles the wrapper by name (forked workers find them as set when the pool forked).
_LOG: Path | None = None
_ORIGINAL = parallel._call


def _timed_call(task: Any) -> Any:
    started = time.time()
    result = _ORIGINAL(task)
    if _LOG is not None:
        line = json.dumps([task[0].__name__, os.getpid(), started, time.time()]) + "\n"
        with open(_LOG, "a", encoding="utf-8") as out:
            out.write(line)
    return result


@contextlib.contextmanager
def timed_tasks(log: Path) -> Iterator[None]:
    """Time every task the stage workers run, a line (function, pid, start, end) each in
    `log`, for the block."""
    global _LOG
    _LOG = log
    parallel._call = _timed_call
    try:
        yield
    finally:
        parallel._call = _ORIGINAL
        _LOG = None


def stage_rows(
    windows: Sequence[tuple[str, float, float, float]],
    tasks: Sequence[tuple[str, int, float, float]],
    jobs: int,
) -> list[dict[str, Any]]:
    """Return a row a stage: its wall time, tasks, time before the first task and after the
    last, the parent's CPU, the workers' busy time and the idle core-seconds."""
    rows = []
    for name, start, end, parent_cpu in windows:
        mine = [t for t in tasks if start <= t[2] <= end]
        wall = end - start
        busy = sum(t[3] - t[2] for t in mine)
        rows.append(
            {
                "stage": name,
                "wall": round(wall, 2),
                "tasks": len(mine),
                "before": round(min(t[2] for t in mine) - start, 2) if mine else round(wall, 2),
                "after": round(end - max(t[3] for t in mine), 2) if mine else 0.0,
                "parent CPU": round(parent_cpu, 2),
                "worker busy": round(busy, 2),
                "idle": round(max(jobs * wall - busy - parent_cpu, 0.0), 2),
            }
        )
    return rows


def timeline(inputs: Sequence[Path], jobs: int) -> list[dict[str, Any]]:
    """Return the stage rows (`stage_rows`) of one scan of `inputs` on `jobs` processes."""
    stats = _StageWindows()
    with tempfile.TemporaryDirectory(prefix="dedupe-timeline-") as folder:
        log = Path(folder) / "tasks.jsonl"
        log.touch()
        with timed_tasks(log):
            dedupe.scan(list(inputs), stats=stats, jobs=jobs)
        lines = log.read_text(encoding="utf-8").splitlines()
    tasks = [(str(f), int(p), float(a), float(b)) for f, p, a, b in map(json.loads, lines)]
    return stage_rows(stats.windows, tasks, jobs)


def main(argv: Sequence[str] | None = None) -> None:
    """Run one scan and print where its cores wait."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, nargs="?", default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the corpus")
    parser.add_argument("--input", type=Path, default=None, help="scan this instead")
    args = parser.parse_args(argv)
    path = args.input if args.input is not None else corpus(args.articles, args.seed, args.out)
    started = time.perf_counter()
    rows = timeline([path], args.jobs)
    print(tabulate(rows, headers="keys", floatfmt=".2f"))
    print(f"\ninput: {path}\njobs: {args.jobs}\nseconds: {time.perf_counter() - started:.2f}")
    print(f"idle core-seconds: {sum(r['idle'] for r in rows):.2f}")


if __name__ == "__main__":
    main()
