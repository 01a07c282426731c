"""Timing helpers: ours and the baseline are run interleaved in the same process, so that
a noisy shared machine slows both alike; results are compared as ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Samples:
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000


@dataclass(frozen=True)
class Measure:
    name: str
    ours: Samples
    baseline: Samples
    baseline_name: str
    target: str
    passed: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours.median_ms / self.baseline.median_ms


def interleave(ours: Callable[[int], object], baseline: Callable[[int], object], rounds: int,
               warmup: int = 20) -> tuple[Samples, Samples]:
    """Call each function `rounds` times, alternating which goes first in each round."""
    for index in range(warmup):
        ours(index)
        baseline(index)
    mine: list[float] = []
    base: list[float] = []
    for index in range(rounds):
        pair = [(ours, mine), (baseline, base)]
        if index % 2:
            pair.reverse()
        for function, sink in pair:
            start = time.perf_counter()
            function(warmup + index)
            sink.append(time.perf_counter() - start)
    return Samples(mine), Samples(base)
