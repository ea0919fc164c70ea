"""What CloudFormation does when a stack operation fails, from the journal of what it did.

A new stack: ROLLBACK_IN_PROGRESS, every resource created so far deleted in reverse order,
ROLLBACK_COMPLETE (ROLLBACK_FAILED if a delete fails). An update: UPDATE_ROLLBACK_IN_PROGRESS,
resources updated in place updated back (desired = the previous template's properties, previous
= the ones that failed), replaced resources pointed back at their old physical resource; then
UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS deletes what this update created (new resources and
replacements) and UPDATE_ROLLBACK_COMPLETE. A handler failure while updating back gives
UPDATE_ROLLBACK_FAILED, after which CloudFormation takes no update. With rollback disabled the
stack stays CREATE_FAILED / UPDATE_FAILED with everything done so far kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .provision import Resource, StackFailure
from .schema import changed_properties

if TYPE_CHECKING:
    from .engine import Change, Stack


def after_failure(
    stack: Stack,
    action: str,
    journal: list[Change],
    *,
    failed: str,
    reason: str,
    roll_back: bool,
) -> str:
    """Run CloudFormation's response to a failed `action`; returns the stack's final status."""
    created_here = failed not in stack.resources or any(
        c.kind == "create" and c.after.logical_id == failed for c in journal
    )
    cause = (
        f"The following resource(s) failed to {'create' if created_here else 'update'}: [{failed}]."
    )
    if not roll_back:
        stack.leftovers += [c.before for c in journal if c.kind == "replace" and c.before]
        stack.events(stack.name, f"{action}_FAILED", f"{cause} Rollback disabled: {reason}")
        stack.history["failed, kept (rollback disabled)"] += 1
        return f"{action}_FAILED"
    if action == "CREATE":
        return _roll_back_create(stack, journal, cause)
    return _roll_back_update(stack, journal, cause)


def _roll_back_create(stack: Stack, journal: list[Change], cause: str) -> str:
    stack.events(stack.name, "ROLLBACK_IN_PROGRESS", f"{cause} Rollback requested by user.")
    undeleted = []
    for change in reversed(journal):
        resource = change.after
        if stack.remove(resource, resource.deletion_policy):
            stack.resources.pop(resource.logical_id, None)
        else:  # stays the stack's, in its place: a later delete goes in dependency order
            undeleted.append(resource.logical_id)
            if stack.resources.get(resource.logical_id) is not resource:
                stack.leftovers.append(resource)  # left by a failed create
    stack.history["rolled back"] += 1
    if undeleted:
        stack.events(
            stack.name,
            "ROLLBACK_FAILED",
            f"The following resource(s) failed to delete: [{', '.join(undeleted)}].",
        )
        return "ROLLBACK_FAILED"
    stack.events(stack.name, "ROLLBACK_COMPLETE")
    return "ROLLBACK_COMPLETE"


def _roll_back_update(stack: Stack, journal: list[Change], cause: str) -> str:
    stack.events(stack.name, "UPDATE_ROLLBACK_IN_PROGRESS", cause)
    failures: list[str] = []
    for change in reversed(journal):
        if change.kind == "update" and change.before is not None:
            failure = _update_back(stack, change.after, change.before)
            if failure:
                failures.append(failure)
    created = [c.after for c in reversed(journal) if c.kind == "create"]
    replacements = []
    for change in reversed(journal):
        if change.kind == "replace" and change.before is not None:
            stack.resources[change.before.logical_id] = change.before
            replacement = change.after.copy()
            replacement.update_replace_policy = "Delete"  # a rollback deletes what it created
            replacements.append(replacement)
    stack.history["rolled back"] += 1
    if failures:  # what this update created stays until the stack is deleted
        stack.leftovers += replacements
        stack.leftovers += [r for r in created if stack.resources.get(r.logical_id) is not r]
        stack.events(stack.name, "UPDATE_ROLLBACK_FAILED", " ".join(failures))
        return "UPDATE_ROLLBACK_FAILED"
    stack.events(stack.name, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    for resource in created:
        stack.resources.pop(resource.logical_id, None)  # absent if its create failed
    removals = [(r, r.update_replace_policy) for r in replacements]
    removals += [(r, r.deletion_policy) for r in created]
    for resource, policy in removals:
        if not stack.remove(resource, policy):
            stack.leftovers.append(resource)  # a failed cleanup leaves it; the stack completes
    stack.events(stack.name, "UPDATE_ROLLBACK_COMPLETE")
    return "UPDATE_ROLLBACK_COMPLETE"


def _update_back(stack: Stack, current: Resource, before: Resource) -> str | None:
    """UPDATE with desired = the old properties, previous = the failed ones; a failure reason."""
    logical_id = current.logical_id
    changed = changed_properties(before.properties, current.properties)
    stack.events(logical_id, "UPDATE_IN_PROGRESS", f"rollback in place: {', '.join(changed)}")
    try:
        stack.provisioner.update(current, before.properties, current.properties)
    except StackFailure as failure:
        return f"The following resource(s) failed to update: [{logical_id}]. {failure}"
    current.properties = before.properties
    current.deletion_policy = before.deletion_policy
    current.update_replace_policy = before.update_replace_policy
    stack.events(logical_id, "UPDATE_COMPLETE", f"rolled back, same ARN {current.physical_id}")
    return None
