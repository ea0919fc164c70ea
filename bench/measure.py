"""Timings that hold on a noisy machine: sides interleaved, rounds repeated, spread reported.

Every round runs each side once, in an order that alternates between rounds, so drift (another
process, CPU frequency, a growing backend) falls on all sides alike; a side returns one or more
named timings. Ratios are taken per round (one timing over another of the same round) and
summarised by their median with the interquartile range beside it. Rounds are added until the
median is known to within `precision` (its standard error, estimated from the interquartile
range) or `max_rounds` is reached.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Spread:
    """A median with its interquartile range, over `rounds` rounds."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        if len(values) < 4:
            return cls(statistics.median(values), min(values), max(values), len(values))
        low, _, high = statistics.quantiles(values, n=4)
        return cls(statistics.median(values), low, high, len(values))

    @property
    def uncertainty(self) -> float:
        """About the standard error of the median."""
        return 1.57 * (self.high - self.low) / 1.35 / math.sqrt(self.rounds)

    def ratio_text(self) -> str:
        return f"x{self.median:.2f} (IQR {self.low:.2f}-{self.high:.2f}, {self.rounds} rounds)"

    def ms_text(self) -> str:
        return (
            f"{self.median * 1000:.0f} ms (IQR {self.low * 1000:.0f}-{self.high * 1000:.0f}, "
            f"{self.rounds} rounds)"
        )


def interleaved(
    sides: list[Callable[[], dict[str, float]]],
    *,
    min_rounds: int = 9,
    max_rounds: int = 45,
    settled: Callable[[dict[str, list[float]]], bool] = lambda samples: False,
) -> dict[str, list[float]]:
    """Every named timing the sides return, interleaved round by round, from `min_rounds`
    until `settled(samples)` says the figure is known, at most `max_rounds`."""
    samples: dict[str, list[float]] = {}
    for index in range(max_rounds):
        order = sides if index % 2 == 0 else sides[::-1]
        for side in order:
            for name, value in side().items():
                samples.setdefault(name, []).append(value)
        if index + 1 >= min_rounds and settled(samples):
            break
    return samples


def per_round(
    samples: dict[str, list[float]], combine: Callable[[dict[str, float]], float]
) -> list[float]:
    """One value per round from that round's timings of every side."""
    rounds = len(next(iter(samples.values())))
    return [combine({name: values[i] for name, values in samples.items()}) for i in range(rounds)]


def known_within(
    combine: Callable[[dict[str, float]], float], precision: float
) -> Callable[[dict[str, list[float]]], bool]:
    """A `settled` test: the per-round figure's median is known to within `precision`."""

    def settled(samples: dict[str, list[float]]) -> bool:
        return Spread.of(per_round(samples, combine)).uncertainty <= precision

    return settled
