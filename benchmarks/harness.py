"""What a workload returns, and how the runner prints and judges it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchResult:
    """One workload's timing against a baseline measured in the same run.

    The verdict is a ratio, never an absolute time, so it holds on a laptop and on a CI runner alike.
    """

    name: str
    seconds: float
    baseline_seconds: float
    baseline_label: str  # what the ratio is "x" of, e.g. "raw inserts"
    limit_ratio: float
    # Extra figures printed after the verdict (percentiles, counts), e.g. "p50 1.2ms vs 0.8ms".
    detail: str = ""
    # Printed instead of the timing when the workload measures something else (e.g. "12 vs 10 queries").
    measured: str = ""
    # The verdict printed when the ratio exceeds the limit.
    over_limit: str = "TOO SLOW"

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds if self.baseline_seconds > 0 else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio <= self.limit_ratio

    def line(self, backend: str) -> str:
        verdict = "OK" if self.ok else self.over_limit
        measured = self.measured or f"{self.seconds:.3f}s vs {self.baseline_seconds:.3f}s"
        line = (
            f"{self.name} [{backend}]: {self.ratio:.2f}x {self.baseline_label} "
            f"(limit {self.limit_ratio:.1f}x; {measured}) {verdict}"
        )
        return f"{line}; {self.detail}" if self.detail else line


@dataclass(frozen=True)
class BenchSkipped:
    """A workload that cannot run on this database; the runner prints the reason and moves on."""

    name: str
    reason: str
    ok: bool = True

    def line(self, backend: str) -> str:
        return f"{self.name} [{backend}]: skipped ({self.reason})"


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile of ``samples`` by the nearest-rank method."""
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def best_of(repeats: int, prepare: Callable[[], object], measure: Callable[[], object]) -> float:
    """The fastest of ``repeats`` timed runs of ``measure``, each after an untimed ``prepare``.

    The minimum is the run least disturbed by the rest of the machine, for workload and baseline alike.
    """
    timings = []
    for _ in range(repeats):
        prepare()
        started = time.perf_counter()
        measure()
        timings.append(time.perf_counter() - started)
    return min(timings)
