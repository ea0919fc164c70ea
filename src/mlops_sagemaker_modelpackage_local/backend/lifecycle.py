"""How a model package's status moves: Pending, InProgress, then Completed or Failed; Deleting.

`Lifecycle` is the setting (by Describe count or by elapsed seconds, which packages fail and
why, how many Describes a deletion lasts); each package takes a copy when it is created, with
a `Progress` that tracks where it is.
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

    def status(self) -> str:
        """The status now, by elapsed seconds or by the Describes seen (this one included)."""
        if self.deleting_since is not None:
            return "Deleting"
        life = self.lifecycle
        if life.pending_seconds or life.in_progress_seconds:
            progress, pending, in_progress = (
                time.time() - self.created,
                life.pending_seconds,
                life.in_progress_seconds,
            )
        else:
            progress, pending, in_progress = (
                max(self.describes - 1, 0),
                life.pending_describes,
                life.in_progress_describes,
            )
        if progress < pending:
            return "Pending"
        if progress < pending + in_progress:
            return "InProgress"
        return "Failed" if self.fails else "Completed"

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

    def status_details(self, profile_names: list[str]) -> dict[str, Any]:
        """ModelPackageStatusDetails: one validation item per profile, with the failure reason."""
        status = self.status()
        names = profile_names or (["model"] if self.fails else [])
        items: list[dict[str, str]] = []
        for name in names:
            item = {"Name": name, "Status": ITEM_STATUS[status]}
            if status == "Failed":
                item["FailureReason"] = self.lifecycle.failure_reason
            items.append(item)
        return {"ValidationStatuses": items, "ImageScanStatuses": []}
