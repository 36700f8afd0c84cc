"""Named, timed pipeline stages: what `--stats` prints."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTiming:
    """How long one stage took and how many items it handled."""

    name: str
    seconds: float = 0.0
    items: int = 0
    unit: str = ""


@dataclass
class Stats:
    """Per-stage wall-clock times and counts, in the order the stages ran."""

    stages: dict[str, StageTiming] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, unit: str = "") -> Iterator[StageTiming]:
        """Time the block as stage `name` (times add up if a stage runs more than once)."""
        timing = self.stages.setdefault(name, StageTiming(name, unit=unit))
        started = time.perf_counter()
        try:
            yield timing
        finally:
            timing.seconds += time.perf_counter() - started

    def count(self, name: str, value: int) -> None:
        """Record a named count (documents read, candidate pairs, ...)."""
        self.counts[name] = self.counts.get(name, 0) + value

    @property
    def total_seconds(self) -> float:
        """Return the summed time of all stages."""
        return sum(s.seconds for s in self.stages.values())

    def rows(self) -> list[tuple[str, float, int, str, float]]:
        """Return (stage, seconds, items, unit, items per second) rows for display."""
        return [
            (s.name, s.seconds, s.items, s.unit, s.items / s.seconds if s.seconds else 0.0)
            for s in self.stages.values()
        ]
