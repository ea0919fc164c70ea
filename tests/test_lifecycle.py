"""Create, read, update, delete and list through the real entry point against the backend.

Every test asserts on SageMaker's state read back, not only on the handler's events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage import progress
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke
from tests.support.clock import VirtualClock
from tests.support.models import additional_spec, unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

    pass

pytestmark = pytest.mark.usefixtures("clock")


def _roll_back(arn: str, failed: Json, old: Json) -> Json:
    """The rollback CloudFormation sends when a later resource fails: desired and previous
    swapped. It must succeed; returns its model."""
    run = drive(
        "UPDATE", {**old, "ModelPackageArn": arn}, previous={**failed, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    return run.model


def _count_packages(sagemaker: SageMakerClient) -> int:
    return len(sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"])


# ------------------------------------------------------------------ create


def test_create_versioned_waits_through_pending_and_in_progress(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 2, "in_progress_describes": 3})
    run = drive("CREATE", versioned(group, ModelApprovalStatus="PendingManualApproval"))
    assert run.last["status"] == "SUCCESS", run.last
    model = run.model
    assert model["ModelPackageArn"].endswith("/churn-models/1")
    assert model["ModelPackageVersion"] == 1
    assert model["ModelPackageStatus"] == "Completed"
    assert model["ModelPackageGroupName"] == group
    assert "ModelPackageName" not in model  # Describe reports the group name there
    assert "ClientToken" not in model
    # 2 Pending + 3 InProgress + 1 Completed, polled inside the invocation
    assert backend.operations().count("DescribeModelPackage") == 6
    described = sagemaker.describe_model_package(ModelPackageName=model["ModelPackageArn"])
    assert described["ModelApprovalStatus"] == "PendingManualApproval"


@pytest.mark.defect(5)
def test_create_unversioned_with_tags_and_stack_tags(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    desired = unversioned(
        Tags=[{"Key": "team", "Value": "ml"}],
        CustomerMetadataProperties={"owner": "ml-platform"},
        Domain="MACHINE_LEARNING",
        Task="CLASSIFICATION",
    )
    run = drive("CREATE", desired, stack_tags={"cost-center": "42", "aws:cloudformation:x": "y"})
    assert run.last["status"] == "SUCCESS", run.last
    arn = run.model["ModelPackageArn"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
    assert tags == {"team": "ml", "cost-center": "42"}
    # Tags read back are every tag the package holds, stack-level ones included: CloudFormation's
    # drift detection expects them there, and the same read with only the identifier agrees.
    assert run.model["Tags"] == [
        {"Key": "cost-center", "Value": "42"},
        {"Key": "team", "Value": "ml"},
    ]
    read = invoke("READ", {"ModelPackageArn": arn})
    assert read["resourceModel"] == run.model
    for key, value in desired.items():
        if key != "Tags":
            assert run.model[key] == value, key


def test_create_generates_a_valid_unique_name_when_none_is_given(
    sagemaker: SageMakerClient,
) -> None:
    first = drive("CREATE", unversioned(name=None), logical_id="ChurnModel")
    second = drive("CREATE", unversioned(name=None), logical_id="ChurnModel")
    names = [first.model["ModelPackageName"], second.model["ModelPackageName"]]
    assert names[0] != names[1]
    for name in names:
        assert name.startswith("registry-stack-ChurnModel-")
        assert len(name) <= 63
    assert _count_packages(sagemaker) == 2


def test_create_with_both_names_fails_before_any_call(backend: BackendControl) -> None:
    event = invoke("CREATE", versioned(ModelPackageName="x"))
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "InvalidRequest"
    assert "not both" in event["message"]
    assert backend.operations() == []


@pytest.mark.defect(5)
def test_tags_with_a_group_fail_before_any_call(backend: BackendControl, group: str) -> None:
    backend.reset_calls()
    event = invoke("CREATE", versioned(group, Tags=[{"Key": "a", "Value": "b"}]))
    assert event["errorCode"] == "InvalidRequest"
    assert "tags from its model package group" in event["message"]
    assert backend.operations() == []


def test_stack_tags_are_skipped_for_versions(sagemaker: SageMakerClient, group: str) -> None:
    run = drive("CREATE", versioned(group), stack_tags={"cost-center": "42"})
    assert run.last["status"] == "SUCCESS", run.last


@pytest.mark.defect(8)
def test_create_invoked_again_after_a_lost_response_makes_one_version(
    sagemaker: SageMakerClient, group: str
) -> None:
    first = invoke("CREATE", versioned(group), token="same-request")
    again = drive("CREATE", versioned(group), token="same-request")  # empty context, same token
    assert again.last["status"] == "SUCCESS"
    assert again.model["ModelPackageArn"] == first["resourceModel"]["ModelPackageArn"]
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert len(versions) == 1


@pytest.mark.defect(6)
def test_failed_validation_reports_reasons_and_leaves_nothing(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(
        lifecycle={"pending_describes": 1, "fail_next": 1, "failure_reason": "Container exited 137"}
    )
    run = drive("CREATE", versioned(group))
    assert run.last["status"] == "FAILED"
    assert run.last["errorCode"] == "NotStabilized"
    assert "Container exited 137" in run.last["message"]
    assert "deleted" in run.last["message"]
    assert _count_packages(sagemaker) == 0


def test_approval_description_is_applied_after_create(
    sagemaker: SageMakerClient, group: str
) -> None:
    run = drive(
        "CREATE",
        versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="passed review"),
    )
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=run.model["ModelPackageArn"])
    assert described["ApprovalDescription"] == "passed review"
    assert described["ModelApprovalStatus"] == "Approved"


@pytest.mark.defect(1)
def test_specs_to_add_at_create_are_merged_without_duplicates(
    sagemaker: SageMakerClient, group: str
) -> None:
    desired = versioned(
        group,
        AdditionalInferenceSpecifications=[additional_spec("inf2")],
        AdditionalInferenceSpecificationsToAdd=[
            additional_spec("inf2"),
            additional_spec("graviton"),
        ],
    )
    run = drive("CREATE", desired)
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=run.model["ModelPackageArn"])
    names = [s["Name"] for s in described["AdditionalInferenceSpecifications"]]
    assert names == ["inf2", "graviton"]
    assert "AdditionalInferenceSpecificationsToAdd" not in run.model


def test_create_times_out_with_not_stabilized(
    backend: BackendControl, clock: VirtualClock, group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(progress.TIMEOUT_MINUTES, "create", 30)  # the schema's 720 takes ~720 calls
    backend.configure(lifecycle={"pending_describes": 10_000})
    run = drive("CREATE", versioned(group), max_invocations=200)
    assert run.last["errorCode"] == "NotStabilized"
    assert "timeout" in run.last["message"]
    # the last minutes are kept to delete the package
    reserve = progress.CLEANUP_RESERVE_MINUTES
    assert (30 - reserve) * 60 <= clock.current - 1_800_000_000.0 < 30 * 60
    delays = [e.get("callbackDelaySeconds", 0) for e in run.events]
    assert max(delays) == progress.DEFAULT_POLICY.max_callback_delay


# ------------------------------------------------------------------ read


@pytest.mark.defect(11)
def test_read_equals_create_input_without_server_filled_drift(
    sagemaker: SageMakerClient, group: str
) -> None:
    desired = versioned(group, CustomerMetadataProperties={"a": "1"})
    created = drive("CREATE", desired)
    arn = created.model["ModelPackageArn"]
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert "ImageDigest" in described["InferenceSpecification"]["Containers"][0]  # server filled
    read = invoke("READ", {**desired, "ModelPackageArn": arn})
    assert read["status"] == "SUCCESS"
    for key, value in desired.items():
        assert read["resourceModel"][key] == value, key


def test_read_with_only_the_identifier(sagemaker: SageMakerClient) -> None:
    created = drive("CREATE", unversioned(Tags=[{"Key": "team", "Value": "ml"}]))
    read = invoke("READ", {"ModelPackageArn": created.model["ModelPackageArn"]})
    assert read["resourceModel"]["ModelPackageName"] == "churn-model"
    assert read["resourceModel"]["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert read["resourceModel"]["CertifyForMarketplace"] is False  # as SageMaker holds it


def test_read_missing_package_is_not_found(backend: BackendControl) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/nothing"
    event = invoke("READ", {"ModelPackageArn": arn})
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "NotFound"


# ------------------------------------------------------------------ update


def test_approve_in_place_with_metadata_changes(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    previous = versioned(
        group,
        ModelApprovalStatus="PendingManualApproval",
        CustomerMetadataProperties={"stage": "candidate", "ticket": "ML-1", "keep": "yes"},
    )
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = {
        **previous,
        "ModelApprovalStatus": "Approved",
        "ApprovalDescription": "reviewed",
        "CustomerMetadataProperties": {"stage": "production", "keep": "yes"},
    }
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    assert run.model["ModelPackageArn"] == arn  # same ARN: in place
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "reviewed"
    assert described["CustomerMetadataProperties"] == {"stage": "production", "keep": "yes"}
    _roll_back(arn, desired, previous)
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert described["CustomerMetadataProperties"] == previous["CustomerMetadataProperties"]
    assert not described.get("ApprovalDescription")  # an approval's words go with it


@pytest.mark.defect(2)
def test_removing_every_metadata_key(sagemaker: SageMakerClient, group: str) -> None:
    previous = versioned(group, CustomerMetadataProperties={"a": "1", "b": "2"})
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = versioned(group)
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert "CustomerMetadataProperties" not in described
    assert "CustomerMetadataProperties" not in run.model
    _roll_back(arn, desired, previous)
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["CustomerMetadataProperties"] == {"a": "1", "b": "2"}


def test_metadata_keys_set_outside_the_stack_stay(sagemaker: SageMakerClient, group: str) -> None:
    """Removing keys (or the whole property) removes the keys the stack set, not a key a
    reviewer added in Studio (the removal table, as for tags)."""
    previous = versioned(group, CustomerMetadataProperties={"a": "1", "b": "2"})
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    sagemaker.update_model_package(
        ModelPackageArn=arn, CustomerMetadataProperties={"reviewer": "studio"}
    )
    desired = versioned(group, CustomerMetadataProperties={"a": "1"})
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["CustomerMetadataProperties"] == {"a": "1", "reviewer": "studio"}
    run = drive(
        "UPDATE",
        {**versioned(group), "ModelPackageArn": arn},
        previous={**desired, "ModelPackageArn": arn},
    )
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["CustomerMetadataProperties"] == {"reviewer": "studio"}


@pytest.mark.defect(1)
def test_specs_to_add_on_update_send_only_new_names(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    previous = versioned(group, AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2")])
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = versioned(
        group,
        AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2"), additional_spec("gpu")],
    )
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["inf2", "gpu"]
    # the same template again changes nothing and sends no update
    again = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**desired, "ModelPackageArn": arn}
    )
    assert again.last["status"] == "SUCCESS"
    assert backend.operations().count("UpdateModelPackage") == 1
    _roll_back(arn, desired, previous)  # SageMaker cannot remove 'gpu': kept, no error
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["inf2", "gpu"]


def test_create_only_change_is_not_updatable(backend: BackendControl, group: str) -> None:
    previous = versioned(group)
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = versioned(group, ModelPackageDescription="another")
    event = invoke(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert event["errorCode"] == "NotUpdatable"
    assert "ModelPackageDescription" in event["message"]


def test_unversioned_tag_update_by_difference(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    previous = unversioned(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = unversioned(Tags=[{"Key": "a", "Value": "changed"}, {"Key": "c", "Value": "3"}])
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
    assert tags == {"a": "changed", "c": "3"}
    assert sorted(run.model["Tags"], key=lambda t: t["Key"]) == desired["Tags"]
    assert _roll_back(arn, desired, previous)["Tags"] == previous["Tags"]
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
    assert tags == {"a": "1", "b": "2"}


def test_unversioned_approval_change_is_not_silently_ignored(backend: BackendControl) -> None:
    previous = unversioned(CustomerMetadataProperties={"a": "1"})
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    desired = unversioned(CustomerMetadataProperties={"a": "2"})
    event = invoke(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert event["errorCode"] == "NotUpdatable"
    assert "CustomerMetadataProperties" in event["message"]
    assert "versioned packages only" in event["message"]
    assert _roll_back(arn, desired, previous)["CustomerMetadataProperties"] == {"a": "1"}


# ------------------------------------------------------------------ delete


def test_delete_waits_until_gone(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    backend.configure(lifecycle={"deleting_describes": 3})
    # deleting_describes applies to packages created after it: create another
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    run = drive("DELETE", {"ModelPackageArn": arn})
    assert run.last["status"] == "SUCCESS"
    assert "resourceModel" not in run.last
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert [v["ModelPackageArn"] for v in versions] == [arn.replace("/2", "/1")]


def test_delete_missing_is_not_found(backend: BackendControl) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/7"
    event = invoke("DELETE", {"ModelPackageArn": arn})
    assert event["errorCode"] == "NotFound"


@pytest.mark.defect(3)
def test_delete_addresses_versions_by_arn(sagemaker: SageMakerClient, group: str) -> None:
    """AWS's handler deletes by name: for a version that name is the group's, and fails."""
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    run = drive("DELETE", {"ModelPackageArn": arn, "ModelPackageGroupName": group})
    assert run.last["status"] == "SUCCESS"
    assert _count_packages(sagemaker) == 0


# ------------------------------------------------------------------ list


@pytest.mark.defect(9)
def test_list_without_filter_returns_both_kinds(sagemaker: SageMakerClient, group: str) -> None:
    versioned_arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    unversioned_arn = drive("CREATE", unversioned()).model["ModelPackageArn"]
    event = invoke("LIST", None)
    arns = {m["ModelPackageArn"] for m in event["resourceModels"]}
    assert arns == {versioned_arn, unversioned_arn}


def test_list_pages_through_250_packages_with_next_token(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    for _ in range(250):
        sagemaker.create_model_package(ModelPackageGroupName=group)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        event = invoke("LIST", {"ModelPackageGroupName": group}, next_token=token)
        assert event["status"] == "SUCCESS"
        seen += [m["ModelPackageArn"] for m in event["resourceModels"]]
        pages += 1
        token = event.get("nextToken")
        if not token:
            break
        assert pages < 10, "paging does not advance"
    assert pages == 3
    assert len(seen) == len(set(seen)) == 250


def test_a_create_that_fails_after_registering_deletes_the_package(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    """A FAILED event carries no model: the package must not stay behind, untracked."""
    backend.configure(
        faults=[
            {
                "operation": "UpdateModelPackage",
                "count": 1,
                "code": "ValidationException",
                "message": "ApprovalDescription is not allowed here",
            }
        ]
    )
    run = drive(
        "CREATE", versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="ok")
    )
    assert run.last["errorCode"] == "InvalidRequest"
    assert "ApprovalDescription is not allowed here" in run.last["message"]
    assert "was deleted" in run.last["message"]
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


def test_a_create_that_times_out_deletes_the_package(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(progress.TIMEOUT_MINUTES, "create", progress.CLEANUP_RESERVE_MINUTES + 5)
    backend.configure(lifecycle={"pending_describes": 10_000})
    run = drive("CREATE", versioned(group), max_invocations=200)
    assert run.last["errorCode"] == "NotStabilized"
    assert "was deleted" in run.last["message"]
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


@pytest.mark.parametrize("kind", ["versioned", "unversioned"])
def test_a_changed_spec_to_add_under_an_applied_name_is_refused(
    backend: BackendControl, group: str, kind: str
) -> None:
    build = (lambda **kw: versioned(group, **kw)) if kind == "versioned" else unversioned
    previous = build(AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2")])
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    changed = build(
        AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2", image="other:2")]
    )
    event = invoke(
        "UPDATE", {**changed, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "InvalidRequest"  # SageMaker cannot change a specification
    assert "'inf2'" in event["message"]
    assert "different content" in event["message"]
    _roll_back(arn, changed, previous)  # back to what the package holds: nothing to do


def test_a_paging_token_sagemaker_refuses_is_invalid_request(backend: BackendControl) -> None:
    event = invoke("LIST", {}, next_token="garbage")
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "InvalidRequest"
