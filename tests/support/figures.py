"""Counters the reliability tests fill in, printed at the end of the pytest run."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def summary() -> str:
    keys = (
        "operations under faults",
        "faults injected",
        "replays",
        "fuzzed valid cases",
        "fuzzed invalid cases",
        "log lines checked for secrets",
        "secrets leaked",
    )
    return ", ".join(f"{FIGURES[k]} {k}" for k in keys)
