"""What a change set does to approvals: the events that start and stop deployments.

A team that deploys on approval (an EventBridge rule on "SageMaker Model Package State Change"
with `ModelApprovalStatus: Approved`) needs to know, before it deploys a revision, which versions
it approves, rejects or withdraws, which approved versions it updates or deletes (their events
still say Approved), and what its rollback would undo. `lines` says it for one change set, from
the change set alone (pure, like the planner): each step's kind, its previous and desired
properties and its policies. What a property's removal means comes from the product's table
(fields.py: ModelApprovalStatus returns to its default), not restated here.
"""

from __future__ import annotations

from mlops_sagemaker_modelpackage.fields import FIELDS, PropertyKind, Removal, makes_version
from mlops_sagemaker_modelpackage.json_types import Json

from .changes import ChangeSet, Kind, ResourceChange
from .rollback import ROLLBACK
from .state import Resource
from .supported import OUR_TYPE

APPROVAL = "ModelApprovalStatus"
APPROVED = "Approved"
# what a version holds without the property (never set, or removed: fields.py)
DEFAULT = FIELDS[APPROVAL].default
assert FIELDS[APPROVAL].removal is Removal.RESET
assert DEFAULT is not None
assert APPROVED in FIELDS[APPROVAL].after_validation
# the properties an update sends to UpdateModelPackage (its event names them)
UPDATED_BY_SAGEMAKER = frozenset(
    name
    for name, field in FIELDS.items()
    if field.kind
    in (
        PropertyKind.UPDATABLE,
        PropertyKind.CONDITIONAL,
        PropertyKind.METADATA,
        PropertyKind.APPEND,
    )
)
SAYS_APPROVED = "its event says Approved"
REDEPLOYS = "a deploy-on-approval rule deploys it again"


def approval(properties: Json | None) -> str | None:
    """The approval status a version's properties ask for; None for an unversioned package
    (it has none) or a value not known before the deploy."""
    if not properties or not makes_version(properties):
        return None
    status = properties.get(APPROVAL, DEFAULT)
    return status if isinstance(status, str) else None


def _removal(change: ResourceChange, why: str = ROLLBACK) -> Kind:
    """What a rollback does with what `change` created: its DeletionPolicy decides (rollback.py)."""
    made = Resource(
        change.logical_id, change.type, change.properties, deletion_policy=change.deletion_policy
    )
    return ResourceChange.removal(made, why, undoing_create=True).kind


def _created(change: ResourceChange) -> tuple[list[str], list[str]]:
    status, name = approval(change.properties), change.logical_id
    if status == APPROVED:
        done = [f"{name}: approved once SageMaker has validated it (a new version)"]
        undo = (
            f"leaves {name} approved in the account (DeletionPolicy Retain)"
            if _removal(change) == Kind.RETAIN
            else f"deletes approved {name} ({SAYS_APPROVED} with status Deleting)"
        )
        return done, [undo]
    if status is not None and status != DEFAULT:
        return [f"{name}: registered {status}"], []
    return [], []


def _updated(change: ResourceChange) -> tuple[list[str], list[str]]:
    before, after, name = approval(change.previous), approval(change.properties), change.logical_id
    if before is None or after is None:
        return [], []
    removed = "; ModelApprovalStatus removed" if APPROVAL not in change.properties else ""
    moved = f"({before} → {after}{removed})"
    if before != after:
        if after == APPROVED:
            return [f"{name}: approved {moved}"], [
                f"withdraws {name}'s approval ({after} → {before})"
            ]
        undo = (
            [f"approves {name} again ({after} → {before}): {REDEPLOYS}"]
            if before == APPROVED
            else [f"returns {name} to {before}"]
        )
        if before == APPROVED:
            verb = (
                "rejected, its approval withdrawn" if after == "Rejected" else "approval withdrawn"
            )
            return [f"{name}: {verb} {moved}"], undo
        return [f"{name}: {after.lower() if after == 'Rejected' else after} {moved}"], undo
    sent = sorted(set(change.changed) & UPDATED_BY_SAGEMAKER)
    if after == APPROVED and sent:
        return [
            f"{name}: stays approved; its update ({', '.join(sent)}) sends an event saying "
            "Approved, without ModelApprovalStatus among UpdatedModelPackageFields"
        ], [f"updates approved {name} back ({SAYS_APPROVED} again)"]
    return [], []


def _replaced(change: ResourceChange) -> tuple[list[str], list[str]]:
    old, new, name = approval(change.previous), approval(change.properties), change.logical_id
    done, undo = [], []
    if new == APPROVED:
        done.append(f"{name}: replaced by a new version, approved once SageMaker has validated it")
        undo.append(f"deletes {name}'s new approved version ({SAYS_APPROVED} with status Deleting)")
    if old == APPROVED:
        done.append(
            f"{name}: the approved version it replaces stays approved in the registry "
            "(UpdateReplacePolicy Retain)"
            if change.update_replace_policy == "Retain"
            else f"{name}: the approved version it replaces is deleted once the update "
            f"succeeds ({SAYS_APPROVED} with status Deleting)"
        )
    return done, undo


def _removed(change: ResourceChange) -> list[str]:
    if approval(change.properties) != APPROVED:
        return []
    name = change.logical_id
    if change.kind == Kind.RETAIN:
        return [f"{name}: left in the account, still approved (DeletionPolicy Retain)"]
    return [f"{name}: deleted while approved ({SAYS_APPROVED} with status Deleting)"]


def _imported(change: ResourceChange) -> list[str]:
    if approval(change.properties) != APPROVED:
        return []
    return [
        f"{change.logical_id}: imported approved: no event now (an import changes nothing in "
        "SageMaker); its next update or deletion sends one saying Approved"
    ]


def lines(change_set: ChangeSet) -> list[str]:
    """What `change_set` does to approvals, then what its rollback would undo; empty when it
    touches no version's approval."""
    done: list[str] = []
    # a rollback (rollback.py) updates back in reverse order, then deletes what was created
    updated_back: list[str] = []
    deleted: list[str] = []
    changes = change_set.changes
    for index, change in enumerate(changes):
        if change.type != OUR_TYPE:
            continue
        # a rollback undoes this step when a step after it fails (one that does something)
        undone = any(later.kind != Kind.NO_CHANGE for later in changes[index + 1 :])
        if change.kind == Kind.CREATE:
            did, undo = _created(change)
            deleted[:0] = undo if undone else []
        elif change.kind == Kind.UPDATE:
            did, undo = _updated(change)
            updated_back[:0] = undo if undone else []
        elif change.kind == Kind.REPLACE:
            did, undo = _replaced(change)
            deleted[:0] = undo if undone else []
        elif change.kind in (Kind.DELETE, Kind.RETAIN):
            did = _removed(change)
        elif change.kind == Kind.IMPORT:
            did = _imported(change)
        else:
            continue
        done += did
    done += [line for c in change_set.cleanup if c.type == OUR_TYPE for line in _removed(c)]
    shown = [f"  {line}" for line in done]
    rollback = updated_back + deleted
    if rollback and not change_set.rollback:
        shown.append(f"  if a later step fails, the rollback {'; then '.join(rollback)}")
    return ["approvals:", *shown] if shown else []
