"""Rollback: the change set that undoes a journal, run by the same executor as any other, and the
statuses CloudFormation gives the stack while it runs.

A new stack (ROLLBACK_IN_PROGRESS): every resource created so far deleted in reverse order (a
Retain policy keeps it). An update (UPDATE_ROLLBACK_IN_PROGRESS): resources updated in place are
updated back (desired = the previous template's properties, previous = the ones that failed),
replaced ones point back at their old physical resource; then, in the cleanup phase
(UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS), what the update created (new resources and
replacements) is deleted. An import (IMPORT_ROLLBACK_IN_PROGRESS): every resource imported so far
out of the stack again, left in the account as it was (an import changed nothing in it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .changes import ChangeSet, Kind, ResourceChange
from .journal import Done, Journal
from .schema import changed_properties, type_schema
from .state import Resource, StackState

ROLLBACK = "rollback"


@dataclass(frozen=True)
class Statuses:
    """The stack's statuses while the rollback of one action runs."""

    in_progress: str
    complete: str
    failed: str
    cleanup: str = ""  # the cleanup phase, when the rollback has one
    requested: str = ""  # what CloudFormation adds to the cause


def undo_create(journal: Journal) -> ChangeSet:
    created = [e.after for e in reversed(journal.entries)]
    return ChangeSet(
        ROLLBACK,
        changes=[ResourceChange.removal(r, ROLLBACK, undoing_create=True) for r in created],
        rollback=True,
    )


def undo_update(journal: Journal) -> ChangeSet:
    changes = []
    for entry in reversed(journal.entries):
        before = entry.before
        if before is None:
            continue
        if entry.done == Done.UPDATED:
            changes.append(
                ResourceChange(
                    before.logical_id,
                    Kind.UPDATE,
                    before.type,
                    properties=before.properties,
                    previous=entry.after.properties,
                    current=entry.after,
                    changed=tuple(
                        changed_properties(
                            before.properties,
                            entry.after.properties,
                            type_schema(before.type).documents,
                        )
                    ),
                    deletion_policy=before.deletion_policy,
                    update_replace_policy=before.update_replace_policy,
                    why=ROLLBACK,
                )
            )
        elif entry.done == Done.REPLACED:
            changes.append(
                ResourceChange(before.logical_id, Kind.RESTORE, before.type, current=before)
            )
    # a rollback deletes what the update created, whatever the replacement's policy
    cleanup = [
        ResourceChange.removal(e.after, ROLLBACK, "Delete")
        for e in reversed(journal.of(Done.REPLACED))
    ]
    cleanup += [
        ResourceChange.removal(e.after, ROLLBACK, undoing_create=True)
        for e in reversed(journal.of(Done.CREATED))
    ]
    return ChangeSet(ROLLBACK, changes=changes, cleanup=cleanup, rollback=True)


def undo_import(journal: Journal) -> ChangeSet:
    """Every resource imported so far out of the stack again, in reverse order."""
    changes = [
        ResourceChange(
            entry.after.logical_id,
            Kind.UNDO_IMPORT,
            entry.after.type,
            properties=entry.after.properties,
            current=entry.after,
            why=f"import {ROLLBACK}",
        )
        for entry in reversed(journal.of(Done.IMPORTED))
    ]
    return ChangeSet(f"import {ROLLBACK}", changes=changes, rollback=True)


# action → its undo and the stack's statuses while it runs (a stack has no IMPORT_FAILED)
UNDO: dict[str, tuple[Callable[[Journal], ChangeSet], Statuses]] = {
    "CREATE": (
        undo_create,
        Statuses(
            "ROLLBACK_IN_PROGRESS",
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
            requested=" Rollback requested by user.",
        ),
    ),
    "UPDATE": (
        undo_update,
        Statuses(
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE",
            "UPDATE_ROLLBACK_FAILED",
            cleanup="UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        ),
    ),
    "IMPORT": (
        undo_import,
        Statuses(
            "IMPORT_ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_FAILED"
        ),
    ),
}
VERBS = {Kind.CREATE: "create", Kind.IMPORT: "import", Kind.DELETE: "delete"}


def failed_to(changes: Iterable[ResourceChange]) -> str:
    """CloudFormation's stack-level reason: `The following resource(s) failed to update: [A].`,
    one sentence per kind of operation, in order of first failure."""
    by_verb: dict[str, list[str]] = {}
    for change in changes:
        by_verb.setdefault(VERBS.get(change.kind, "update"), []).append(change.logical_id)
    return " ".join(
        f"The following resource(s) failed to {verb}: [{', '.join(names)}]."
        for verb, names in by_verb.items()
    )


def leave_behind(state: StackState, resources: Iterable[Resource | None]) -> None:
    """Resources that still exist but are no longer the stack's resource of their logical id:
    kept as leftovers, which a later cleanup or the stack's delete tries again."""
    for resource in resources:
        if (
            resource is not None
            and state.resources.get(resource.logical_id) is not resource
            and resource not in state.leftovers
        ):
            state.leftovers.append(resource)


def left_by(journal: Journal) -> list[Resource]:
    """What a failed operation made that the stack will not keep when it is not rolled back:
    the physical resources replacements superseded, and what was created."""
    return [e.before for e in journal.of(Done.REPLACED) if e.before is not None] + [
        e.after for e in journal.of(Done.CREATED)
    ]
