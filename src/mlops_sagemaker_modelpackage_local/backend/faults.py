"""Injected faults: the next N calls of an operation, or a seeded fraction of calls, fail."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """Answer the next `count` calls of `operation` (or a seeded fraction of all) with an error."""

    operation: str | None = None
    count: int = 0
    fraction: float = 0.0
    code: str = "ThrottlingException"
    status: int = 400
    message: str = "Rate exceeded"
    rng: random.Random = field(default_factory=random.Random)

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
