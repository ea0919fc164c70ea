"""A clock for the handlers' waits that costs no real time."""

from __future__ import annotations

import time
from typing import Any


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


class TimeOnClock:
    """The `time` module with its `sleep` on a virtual clock, for a module that calls
    `time.sleep` (everything else is the real module's)."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock

    def sleep(self, seconds: float) -> None:
        self.clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)
