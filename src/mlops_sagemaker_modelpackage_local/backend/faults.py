"""Injected faults: the next N calls of an operation, or a seeded fraction of calls, fail.

A fault answers with an error, or (`drop`) loses the exchange on the network: `"answer"` serves
the call and closes the connection before the answer (SageMaker did the work, the client never
hears of it, as after a read timeout); `"request"` closes it before SageMaker sees the call."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

DROPS = (None, "answer", "request")


@dataclass
class Fault:
    """Answer the next `count` calls of `operation` (or a seeded fraction of all) with an error."""

    operation: str | None = None
    count: int = 0
    fraction: float = 0.0
    code: str = "ThrottlingException"
    status: int = 400
    message: str = "Rate exceeded"
    drop: str | None = None  # "answer" or "request": no answer at all, instead of an error
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.drop not in DROPS:
            raise ValueError(f"unknown drop {self.drop!r}: one of {sorted(d for d in DROPS if d)}")

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Fault:
        """A fault from its control-API form, whose `seed` makes a fraction repeatable."""
        settings = dict(spec)
        seed = settings.pop("seed", 0)
        return cls(**settings, rng=random.Random(seed))  # noqa: S311 - not security

    def fires(self, operation: str) -> bool:
        if self.operation not in (None, operation):
            return False
        if self.count > 0:
            self.count -= 1
            return True
        return self.fraction > 0 and self.rng.random() < self.fraction
