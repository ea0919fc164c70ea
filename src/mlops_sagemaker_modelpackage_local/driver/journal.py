"""What an executor did, step by step: what a rollback undoes, and what a cleanup removes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .state import Resource


class Done(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REPLACED = "replaced"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Entry:
    """`after` is the physical resource as the step left it; `before` a copy from before the
    update, or the resource a replacement superseded."""

    done: Done
    after: Resource
    before: Resource | None = None


@dataclass
class Journal:
    entries: list[Entry] = field(default_factory=list)

    def record(self, done: Done, after: Resource, before: Resource | None = None) -> None:
        self.entries.append(Entry(done, after, before))

    def of(self, done: Done) -> list[Entry]:
        return [e for e in self.entries if e.done == done]

    def created(self, logical_id: str) -> bool:
        return any(e.after.logical_id == logical_id for e in self.of(Done.CREATED))
