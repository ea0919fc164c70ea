"""CloudFormation-style events, one line each, printed as they happen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

STATUS_WIDTH = 44


class Events:
    """`width` is the first column's: the longest name seen so far (at least 28), so that the
    columns stay aligned for long stack names and logical IDs."""

    def __init__(self, stream: TextIO | None = None, width: int = 28) -> None:
        self.stream = stream
        self.width = width
        self.lines: list[tuple[str, str, str]] = []
        self.listeners: list[Callable[[str, str, str], None]] = []

    def fit(self, *names: str) -> None:
        self.width = max(self.width, *(len(n) for n in names))

    def __call__(self, logical_id: str, status: str, reason: str = "") -> None:
        """Print one event; then each listener hears of it (and may `note` under it)."""
        self.lines.append((logical_id, status, reason))
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        line = f"{stamp}  {logical_id:<{self.width}} {status:<{STATUS_WIDTH}} {reason}".rstrip()
        print(line, file=self.stream, flush=True)
        for listener in self.listeners:
            listener(logical_id, status, reason)

    def note(self, text: str) -> None:
        """A line under the last event (a hint, a warning), aligned with its reason."""
        indent = " " * (10 + self.width + 1 + STATUS_WIDTH + 1)
        print(f"{indent}{text}", file=self.stream, flush=True)

    def statuses(self, logical_id: str) -> list[str]:
        return [status for name, status, _ in self.lines if name == logical_id]
