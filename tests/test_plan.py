"""plan.plan_update as a table: (desired, previous, current) -> the one update, tag changes,
refusals. Every update row is also run as its rollback (desired and previous swapped, current
as the update left it): it must succeed and bring SageMaker back to the old template."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cloudformation_cli_python_lib import exceptions

from mlops_sagemaker_modelpackage.fields import FIELDS, IN_PLACE, Removal
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.plan import UpdatePlan, plan_update, refuse_impossible
from tests.support.models import additional_spec, unversioned, versioned
from tests.support.schema import example_value, our_schema, resolve

VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"


def _plan(desired: Json, previous: Json, current: Json, **tags: Any) -> UpdatePlan:
    """The plan for the package `current` is the model of: a version when it names a group."""
    arn = VERSION_ARN if "ModelPackageGroupName" in current else PACKAGE_ARN
    refuse_impossible(desired, previous)
    return plan_update(arn, desired, previous, current, **tags)


def _applied(current: Json, plan: UpdatePlan) -> Json:
    """What SageMaker holds after the plan's calls (UpdateModelPackage semantics)."""
    after = copy.deepcopy(current)
    update = dict(plan.update or {})
    update.pop("ModelPackageArn", None)
    metadata = {**after.get("CustomerMetadataProperties", {})}
    metadata.update(update.pop("CustomerMetadataProperties", {}))
    for key in update.pop("CustomerMetadataPropertiesToRemove", []):
        metadata.pop(key, None)
    if metadata:
        after["CustomerMetadataProperties"] = metadata
    else:
        after.pop("CustomerMetadataProperties", None)
    added = update.pop("AdditionalInferenceSpecificationsToAdd", [])
    if added:
        after["AdditionalInferenceSpecifications"] = [
            *after.get("AdditionalInferenceSpecifications", []),
            *added,
        ]
    after.update(update)
    if after.get("ApprovalDescription") == "":
        del after["ApprovalDescription"]  # read back as no description
    if "Tags" in after:
        tags = {t["Key"]: t["Value"] for t in after["Tags"]}
        for key in plan.tags.to_remove:
            tags.pop(key)
        tags.update(plan.tags.to_set)
        after["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return after


PENDING = versioned(ModelApprovalStatus="PendingManualApproval")
APPROVED = versioned(ModelApprovalStatus="Approved", ApprovalDescription="reviewed")
CARDED = {**PENDING, "ModelCard": {"ModelCardStatus": "Draft"}}
STAGED = {**PENDING, "ModelLifeCycle": {"Stage": "Dev", "StageStatus": "Approved"}}
META = {**PENDING, "CustomerMetadataProperties": {"a": "1", "b": "2"}}
META_CHANGED = {**PENDING, "CustomerMetadataProperties": {"a": "1", "b": "20", "c": "3"}}
SPEC = {**PENDING, "AdditionalInferenceSpecificationsToAdd": [additional_spec("inf2")]}
TAGGED = unversioned(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
RETAGGED = unversioned(Tags=[{"Key": "a", "Value": "9"}, {"Key": "c", "Value": "3"}])


def _held(template: Json) -> Json:
    """What SageMaker holds right after a template was applied (its canonical read)."""
    held = {k: v for k, v in template.items() if k != "AdditionalInferenceSpecificationsToAdd"}
    if template.get("AdditionalInferenceSpecificationsToAdd"):
        held["AdditionalInferenceSpecifications"] = template[
            "AdditionalInferenceSpecificationsToAdd"
        ]
    if "ModelPackageGroupName" not in template:
        held["Tags"] = sorted(template.get("Tags", []), key=lambda t: t["Key"])
    return held


UPDATES = {
    "approve with a description": (PENDING, APPROVED),
    "add a model card": (PENDING, CARDED),
    "add a life cycle": (PENDING, STAGED),
    "change metadata": (META, META_CHANGED),
    "add metadata": (PENDING, META),
    "add a specification": (PENDING, SPEC),
    "change tags": (TAGGED, RETAGGED),
}


@pytest.mark.parametrize(("before", "after"), UPDATES.values(), ids=UPDATES.keys())
def test_update_then_its_rollback(before: Json, after: Json) -> None:
    current = _held(before)
    plan = _plan(after, before, current)
    assert plan, "the update must change something"
    updated = _applied(current, plan)
    # the same update again (a replay) has nothing left to do
    assert not _plan(after, before, updated)
    # the rollback: desired = the old template, previous = the new one
    rollback = _plan(before, after, updated)
    restored = _applied(updated, rollback)
    kept = {k for k in IN_PLACE if FIELDS[k].removal is Removal.KEPT}
    for key, value in _held(before).items():
        if key in kept:
            continue  # checked below: what SageMaker cannot clear stays
        assert restored.get(key) == value, key
    for key in kept:
        if key in after and key not in before:
            assert key in rollback.kept
            assert restored[key] == after[key]
    assert restored.get("ApprovalDescription") == before.get("ApprovalDescription")
    assert restored.get("ModelApprovalStatus") == before.get("ModelApprovalStatus")


def test_the_approval_rollback_sends_the_old_status_and_clears_the_description() -> None:
    rollback = _plan(PENDING, APPROVED, _held(APPROVED))
    assert rollback.update == {
        "ModelPackageArn": VERSION_ARN,
        "ModelApprovalStatus": "PendingManualApproval",
        "ApprovalDescription": "",
    }
    assert rollback.kept == ()


SILENT = versioned()  # names no status: SageMaker's default, PendingManualApproval
SILENT_HELD = {**_held(SILENT), "ModelApprovalStatus": "PendingManualApproval"}


@pytest.mark.parametrize("status", ["Approved", "Rejected"])
def test_an_approval_exists_only_while_a_template_grants_it(status: str) -> None:
    """The governance rule: a status the previous template set and the desired one leaves out
    goes back to PendingManualApproval, for an update and for its rollback alike."""
    granted = versioned(ModelApprovalStatus=status, ApprovalDescription="reviewed")
    held = {**SILENT_HELD, "ModelApprovalStatus": status, "ApprovalDescription": "reviewed"}
    reset = {
        "ModelPackageArn": VERSION_ARN,
        "ModelApprovalStatus": "PendingManualApproval",
        "ApprovalDescription": "",
    }
    # an ordinary update that deletes the ModelApprovalStatus line
    assert _plan(SILENT, granted, held).update == reset
    # the rollback of the update that granted it (desired = old, previous = new)
    update = _plan(granted, SILENT, SILENT_HELD)
    assert update.update == {
        **reset,
        "ModelApprovalStatus": status,
        "ApprovalDescription": "reviewed",
    }
    rollback = _plan(SILENT, granted, _applied(SILENT_HELD, update))
    assert rollback.update == reset
    assert _applied(_applied(SILENT_HELD, update), rollback) == SILENT_HELD


def test_a_status_the_stack_never_managed_is_never_touched() -> None:
    """Approved in Studio, while neither template names a status: left as it is."""
    approved_elsewhere = {**SILENT_HELD, "ModelApprovalStatus": "Approved"}
    assert not _plan(SILENT, SILENT, approved_elsewhere)
    metadata = versioned(CustomerMetadataProperties={"a": "1"})
    plan = _plan(metadata, SILENT, approved_elsewhere)
    assert plan.update is not None
    assert "ModelApprovalStatus" not in plan.update


def test_removed_properties_do_what_the_field_table_says() -> None:
    """Every in-place property, set before and removed now, against fields.py's row."""
    schema = our_schema()
    values: Json = {}
    for key in IN_PLACE:  # a value of each, other than the default a reset returns to
        node = resolve(schema, schema["properties"][key])
        candidates = node.get("enum") or [example_value(schema, node)]
        values[key] = next(v for v in candidates if v != FIELDS[key].default)
    for key, value in values.items():
        before = versioned(**{key: value})
        plan = _plan(SILENT, before, {**SILENT_HELD, key: value})
        field = FIELDS[key]
        if field.removal is Removal.RESET:
            assert plan.update == {"ModelPackageArn": VERSION_ARN, key: field.default}, key
        else:
            assert field.removal is Removal.KEPT, key
            assert plan.kept == (key,), key
            assert plan.update is None, key


def test_an_empty_description_is_the_description_sagemaker_holds_when_it_holds_none() -> None:
    """`ApprovalDescription: ""` and a package read back without one are the same state (READ
    leaves an empty description out): nothing to send, so an update or its replay is a no-op."""
    empty = {**APPROVED, "ApprovalDescription": ""}
    held = {k: v for k, v in _held(APPROVED).items() if k != "ApprovalDescription"}
    assert not _plan(empty, empty, held)
    assert not _plan(empty, APPROVED, held)


def test_content_already_there_is_nothing_to_do() -> None:
    assert not _plan(APPROVED, PENDING, _held(APPROVED))


def test_drift_is_repaired_from_what_sagemaker_holds() -> None:
    """Approved behind the stack's back: the same template again sets it back."""
    drifted = {**_held(PENDING), "ModelApprovalStatus": "Approved"}
    plan = _plan(PENDING, PENDING, drifted)
    assert plan.update == {
        "ModelPackageArn": VERSION_ARN,
        "ModelApprovalStatus": "PendingManualApproval",
    }


def test_metadata_the_template_never_managed_is_left_alone() -> None:
    current = {**_held(PENDING), "CustomerMetadataProperties": {"set-by": "another-tool"}}
    assert not _plan(PENDING, PENDING, current)


def test_metadata_keys_others_added_are_not_removed() -> None:
    """The removal table: the keys the stack set are removed, keys others added stay (as tags)."""
    studio = {"reviewer": "studio"}
    current = {**_held(META), "CustomerMetadataProperties": {"a": "1", "b": "2", **studio}}
    # the template drops one key, then the whole property: only the stack's keys go
    dropped = _plan({**PENDING, "CustomerMetadataProperties": {"a": "1"}}, META, current)
    assert dropped.update == {
        "ModelPackageArn": VERSION_ARN,
        "CustomerMetadataPropertiesToRemove": ["b"],
    }
    removed = _plan(PENDING, META, current)
    assert removed.update == {
        "ModelPackageArn": VERSION_ARN,
        "CustomerMetadataPropertiesToRemove": ["a", "b"],
    }
    # a change to the stack's keys leaves the other key as it is
    assert not _plan(META, META, current)
    changed = _plan(META_CHANGED, META, current)
    assert changed.update == {
        "ModelPackageArn": VERSION_ARN,
        "CustomerMetadataProperties": {"b": "20", "c": "3"},
    }


@pytest.mark.defect(2)
def test_removing_all_metadata() -> None:
    plan = _plan(PENDING, META, _held(META))
    assert plan.update == {
        "ModelPackageArn": VERSION_ARN,
        "CustomerMetadataPropertiesToRemove": ["a", "b"],
    }


def test_a_specification_is_compared_with_the_package_not_the_template() -> None:
    """The rollback of a refused content change: the package holds the old content."""
    changed = {
        **PENDING,
        "AdditionalInferenceSpecificationsToAdd": [additional_spec("inf2", image="x:2")],
    }
    with pytest.raises(exceptions.InvalidRequest, match="different content"):
        _plan(changed, SPEC, _held(SPEC))
    assert not _plan(SPEC, changed, _held(SPEC))


def test_tags_others_added_are_not_removed() -> None:
    current = {**_held(TAGGED), "Tags": [*_held(TAGGED)["Tags"], {"Key": "policy", "Value": "x"}]}
    plan = _plan(RETAGGED, TAGGED, current)
    assert plan.tags.to_remove == ["b"]
    assert plan.tags.to_set == {"a": "9", "c": "3"}


def test_stack_tags_are_reconciled_too() -> None:
    current = {**_held(TAGGED), "Tags": [*_held(TAGGED)["Tags"], {"Key": "env", "Value": "dev"}]}
    plan = _plan(
        TAGGED, TAGGED, current, stack_tags={"env": "prod"}, previous_stack_tags={"env": "dev"}
    )
    assert plan.tags.to_set == {"env": "prod"}
    assert plan.tags.to_remove == []


@pytest.mark.parametrize(
    ("desired", "error", "words"),
    [
        (
            {**PENDING, "ModelPackageDescription": "other"},
            exceptions.NotUpdatable,
            "ModelPackageDescription",
        ),
        (
            {**PENDING, "Tags": [{"Key": "a", "Value": "b"}]},
            exceptions.InvalidRequest,
            "tags from its",
        ),
    ],
)
def test_refusals(desired: Json, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        _plan(desired, PENDING, _held(PENDING))


def test_an_unversioned_package_refuses_what_only_versions_can_change() -> None:
    before = unversioned(CustomerMetadataProperties={"a": "1"})
    after = unversioned(CustomerMetadataProperties={"a": "2"})
    with pytest.raises(exceptions.NotUpdatable, match="versioned packages only"):
        _plan(after, before, _held(before))
    assert not _plan(before, after, _held(before))  # its rollback: nothing changed


def test_an_unversioned_refusal_names_the_template_property() -> None:
    """Keys dropped from CustomerMetadataProperties: the message names the property the user
    edited, not the API parameter (CustomerMetadataPropertiesToRemove) they never wrote."""
    before = unversioned(CustomerMetadataProperties={"a": "1", "b": "2"})
    after = unversioned(CustomerMetadataProperties={"a": "1"})
    with pytest.raises(exceptions.NotUpdatable) as refused:
        _plan(after, before, _held(before))
    assert str(refused.value).startswith("CustomerMetadataProperties cannot be changed"), refused


def test_a_previous_state_read_back_carries_defaults_the_template_leaves_out() -> None:
    """Cloud Control and cfn test send the read model as the previous state."""
    read = {**_held(TAGGED), "CertifyForMarketplace": False, "SkipModelValidation": "None"}
    assert _plan(RETAGGED, read, _held(TAGGED)).tags
