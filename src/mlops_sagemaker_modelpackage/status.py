"""What a model package status means for whoever waits on it."""

from __future__ import annotations

from enum import Enum


class Stage(Enum):
    """What a package status means for whoever waits on it."""

    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"
    GONE = "gone"


PACKAGE_STAGES = {
    "Pending": Stage.WAITING,
    "InProgress": Stage.WAITING,
    "Deleting": Stage.WAITING,
    "Completed": Stage.DONE,
    "Failed": Stage.FAILED,
}


def stage_of(status: str | None) -> Stage:
    # An unknown, newer status is waited on rather than mistaken for success or failure.
    return PACKAGE_STAGES.get(status or "", Stage.WAITING)
