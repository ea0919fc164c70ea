"""Rollback: the change set that undoes a journal, run by the same executor as any other.

A new stack (ROLLBACK_IN_PROGRESS): every resource created so far deleted in reverse order (a
Retain policy keeps it). An update (UPDATE_ROLLBACK_IN_PROGRESS): resources updated in place are
updated back (desired = the previous template's properties, previous = the ones that failed),
replaced ones point back at their old physical resource; then, in the cleanup phase
(UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS), what the update created (new resources and
replacements) is deleted.
"""

from __future__ import annotations

from .changes import ChangeSet, Kind, ResourceChange
from .journal import Done, Journal
from .schema import changed_properties

ROLLBACK = "rollback"


def undo_create(journal: Journal) -> ChangeSet:
    created = [e.after for e in reversed(journal.entries)]
    return ChangeSet(
        ROLLBACK,
        changes=[ResourceChange.removal(r, ROLLBACK, undoing_create=True) for r in created],
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
                    changed=tuple(changed_properties(before.properties, entry.after.properties)),
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
    return ChangeSet(ROLLBACK, changes=changes, cleanup=cleanup)
