"""How a model package's status moves: Pending, InProgress, then Completed or Failed; Deleting.

`Lifecycle` is the setting (by Describe count or by elapsed seconds, which packages fail and
why, how many Describes a deletion lasts); each package takes a copy when it is created, with
a `Progress` that tracks where it is and every status it has entered, with when (what SageMaker
sends an EventBridge event for: events.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# What a validation step reports, by the package's status.
ITEM_STATUS = {
    "Pending": "NotStarted",
    "InProgress": "InProgress",
    "Completed": "Completed",
    "Failed": "Failed",
    "Deleting": "Completed",
}


@dataclass
class Lifecycle:
    """How a new package moves to its final status: by Describe count or by elapsed seconds."""

    pending_describes: int = 0
    in_progress_describes: int = 0
    pending_seconds: float = 0.0
    in_progress_seconds: float = 0.0
    deleting_describes: int = 0
    fail_next: int = 0
    failure_reason: str = "Validation transform job failed: the container exited with code 1."


@dataclass
class Progress:
    """Where one package is: the Describes it has seen, and whether it is being deleted."""

    lifecycle: Lifecycle
    fails: bool
    created: float = field(default_factory=time.time)
    describes: int = 0
    deleting_since: float | None = None
    deleting_describes: int = 0
    # every status entered so far, in order, with when (time.time()); `status` adds to it
    entered: list[tuple[str, float]] = field(default_factory=list)

    @property
    def _by_seconds(self) -> bool:
        return bool(self.lifecycle.pending_seconds or self.lifecycle.in_progress_seconds)

    def _phases(self) -> tuple[float, float]:
        """How long Pending and InProgress last (seconds, or Describes)."""
        life = self.lifecycle
        if self._by_seconds:
            return life.pending_seconds, life.in_progress_seconds
        return life.pending_describes, life.in_progress_describes

    def _current(self) -> str:
        if self.deleting_since is not None:
            return "Deleting"
        # by seconds: since creation; by Describes: the looks before this one
        progress = time.time() - self.created if self._by_seconds else max(self.describes - 1, 0)
        pending, in_progress = self._phases()
        if progress < pending:
            return "Pending"
        if progress < pending + in_progress:
            return "InProgress"
        return "Failed" if self.fails else "Completed"

    def status(self) -> str:
        """The status now, by elapsed seconds or by the Describes seen (this one included);
        recorded in `entered` with the statuses passed through since the last look."""
        current = self._current()
        if current == "Deleting":
            if not self.entered or self.entered[-1][0] != "Deleting":
                self.entered.append(("Deleting", self.deleting_since or time.time()))
            return current
        pending, in_progress = self._phases()
        course = [
            (name, start)
            for name, start, length in (
                ("Pending", 0.0, pending),
                ("InProgress", pending, in_progress),
                ("Failed" if self.fails else "Completed", pending + in_progress, 1.0),
            )
            if length > 0
        ]
        names = [name for name, _ in course]
        since = names.index(self.entered[-1][0]) + 1 if self.entered else 0
        for name, start in course[since : names.index(current) + 1]:
            # by seconds, when each status began; by Describes, the look that saw it
            at = self.created + start if self._by_seconds or not self.entered else time.time()
            self.entered.append((name, at))
        return current

    def describe(self) -> bool:
        """Count a Describe; False once a deletion has lasted its Describes: it is gone."""
        if self.deleting_since is not None:
            self.deleting_describes += 1
            if self.deleting_describes > self.lifecycle.deleting_describes:
                return False
        self.describes += 1
        return True

    def delete(self) -> bool:
        """Start deleting; True when the package is gone at once."""
        if self.deleting_since is None:
            self.deleting_since = time.time()
        return self.lifecycle.deleting_describes == 0

    def status_details(self, profile_names: list[str], status: str) -> dict[str, Any]:
        """ModelPackageStatusDetails in `status`: one validation item per profile, with the
        failure reason."""
        names = profile_names or (["model"] if self.fails else [])
        items: list[dict[str, str]] = []
        for name in names:
            item = {"Name": name, "Status": ITEM_STATUS[status]}
            if status == "Failed":
                item["FailureReason"] = self.lifecycle.failure_reason
            items.append(item)
        return {"ValidationStatuses": items, "ImageScanStatuses": []}
