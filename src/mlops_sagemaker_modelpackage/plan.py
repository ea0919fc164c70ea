"""What an update does, decided from three states: desired, previous and current.

`desired` is the template now, `previous` the template before (used only to learn what the user
removed) and `current` what SageMaker holds (the canonical model read back). Deciding from
`current` makes an update, its rollback (desired and previous swapped), a replay after a lost
response and the repair of drift one and the same code path: content already there is nothing
to do. A property the previous template set and the desired one leaves out does what its row
of fields.py says: back to SageMaker's default (an approval exists only while a template grants
it), its keys removed, or kept as SageMaker holds it. A property the stack never managed is
never touched. No I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from cloudformation_cli_python_lib import exceptions

from . import tags
from .arns import is_versioned
from .fields import CREATE_ONLY, FIELDS, IN_PLACE, Removal, applies
from .json_types import Json
from .specifications import specs_to_add
from .validation import validate_desired

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpdatePlan:
    """The calls one update makes: at most one UpdateModelPackage, and tag changes."""

    update: Json | None = None
    tags: tags.TagDelta = field(default_factory=lambda: tags.TagDelta({}, []))
    # Properties the template no longer names that SageMaker keeps (it cannot clear them).
    kept: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.update is not None or bool(self.tags)


def create_only_changes(previous: Json, desired: Json) -> list[str]:
    """Create-only properties the template sets to another value than before (a replacement's
    business: CloudFormation replaces the package, so an UPDATE carrying one was not meant for
    this package).

    Only properties the desired template sets count: the previous state may be a read of the
    package (Cloud Control, `cfn test`), which carries defaults SageMaker filled in, and a
    create-only value cannot be cleared anyway."""
    if not previous:
        return []
    return [k for k in CREATE_ONLY if k in desired and previous.get(k) != desired[k]]


def refuse_impossible(desired: Json, previous: Json) -> None:
    """What no state of the package could make possible: refused before any call (once per
    update, by update.py; plan_update assumes it passed)."""
    fixed = create_only_changes(previous, desired)
    if fixed:
        raise exceptions.NotUpdatable(
            f"{', '.join(fixed)} cannot be changed on an existing model package; CloudFormation "
            "replaces the package when a create-only property changes."
        )
    validate_desired(desired)


def plan_update(
    arn: str,
    desired: Json,
    previous: Json,
    current: Json,
    *,
    stack_tags: Mapping[str, str] | None = None,
    previous_stack_tags: Mapping[str, str] | None = None,
) -> UpdatePlan:
    """The update that brings `current` to `desired` on the package `arn`; raises when it cannot
    be done.

    `current` is the canonical model of the package (package_state.read_back), tags included
    for unversioned packages. `refuse_impossible` has passed.
    """
    versioned = is_versioned(arn)
    request, kept = _in_place_changes(desired, previous, current, versioned=versioned)
    if "ApprovalDescription" in request and "ModelApprovalStatus" in desired:
        # SageMaker records a description with the status it describes.
        request.setdefault("ModelApprovalStatus", desired["ModelApprovalStatus"])
    request.update(_metadata_changes(desired, previous, current))
    new_specs = specs_to_add(
        current.get("AdditionalInferenceSpecifications", []),
        desired.get("AdditionalInferenceSpecificationsToAdd", []),
    )
    if new_specs:
        request["AdditionalInferenceSpecificationsToAdd"] = new_specs
    kept += _specs_kept(desired, previous, current)
    delta = tags.TagDelta({}, [])
    if versioned:
        if request:
            request["ModelPackageArn"] = arn
    else:
        if request:
            # Named as the template names them (metadata keys dropped: CustomerMetadataProperties).
            edited = sorted({key.removesuffix("ToRemove") for key in request})
            raise exceptions.NotUpdatable(
                f"{', '.join(edited)} cannot be changed on an unversioned model "
                "package: SageMaker's UpdateModelPackage updates versioned packages only."
            )
        delta = _tag_changes(desired, previous, current, stack_tags, previous_stack_tags)
    if kept:
        LOG.info("Left as SageMaker holds them (no call clears them): %s", kept)
    return UpdatePlan(update=request or None, tags=delta, kept=tuple(kept))


def _in_place_changes(
    desired: Json, previous: Json, current: Json, *, versioned: bool
) -> tuple[Json, list[str]]:
    """The in-place properties to send, and those removed from the template that stay."""
    request: Json = {}
    kept: list[str] = []
    for key in IN_PLACE:
        field = FIELDS[key]
        if key in desired:
            # A package without the value holds its default (an empty description is none).
            if desired[key] != current.get(key, field.default):
                request[key] = desired[key]
            continue
        if key not in previous or not applies(key, versioned=versioned):
            continue  # never the stack's to manage: what SageMaker holds stays
        if field.removal is Removal.RESET:
            if current.get(key, field.default) != field.default:
                request[key] = field.default
        elif key in current:
            kept.append(key)
    return request, kept


def _metadata_changes(desired: Json, previous: Json, current: Json) -> Json:
    """Keys to set, and keys the previous template set that the desired one drops (keys others
    added, like tags others added, are not the stack's to remove)."""
    if "CustomerMetadataProperties" not in desired and "CustomerMetadataProperties" not in previous:
        return {}  # never the template's: what SageMaker holds stays
    want: dict[str, str] = desired.get("CustomerMetadataProperties") or {}
    have: dict[str, str] = current.get("CustomerMetadataProperties") or {}
    managed: dict[str, str] = previous.get("CustomerMetadataProperties") or {}
    changes: Json = {}
    changed = {k: v for k, v in want.items() if have.get(k) != v}
    removed = sorted((managed.keys() & have.keys()) - want.keys())
    if changed:
        changes["CustomerMetadataProperties"] = changed
    if removed:
        changes["CustomerMetadataPropertiesToRemove"] = removed
    return changes


def _specs_kept(desired: Json, previous: Json, current: Json) -> list[str]:
    held = {s.get("Name") for s in current.get("AdditionalInferenceSpecifications", [])}
    wanted = {s.get("Name") for s in desired.get("AdditionalInferenceSpecificationsToAdd", [])}
    dropped = {s.get("Name") for s in previous.get("AdditionalInferenceSpecificationsToAdd", [])}
    return [
        f"AdditionalInferenceSpecificationsToAdd '{name}'"
        for name in sorted(n for n in (dropped - wanted) & held if n)
    ]


def _tag_changes(
    desired: Json,
    previous: Json,
    current: Json,
    stack_tags: Mapping[str, str] | None,
    previous_stack_tags: Mapping[str, str] | None,
) -> tags.TagDelta:
    """Set what the template and stack want; remove only tags they set before and dropped
    (tags added by others, such as tag policies, are not the stack's to remove)."""
    want = tags.effective_tags(desired.get("Tags"), stack_tags)
    have = {t["Key"]: t["Value"] for t in current.get("Tags", [])}
    managed = tags.effective_tags(previous.get("Tags"), previous_stack_tags)
    to_set = {k: v for k, v in want.items() if have.get(k) != v}
    to_remove = sorted((managed.keys() & have.keys()) - want.keys())
    return tags.TagDelta(to_set=to_set, to_remove=to_remove)
