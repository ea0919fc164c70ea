"""A clock for the handlers' waits that costs no real time."""

from __future__ import annotations


class VirtualClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.current = start
        self.slept: list[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.current += seconds
