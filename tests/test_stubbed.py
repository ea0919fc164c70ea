"""Exact request shapes and status sequences, with botocore's Stubber in place of SageMaker."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import create, delete, read, update
from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY
from mlops_sagemaker_modelpackage.translate import client_token
from tests.conftest import VirtualClock
from tests.support.cfn import handler_request
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def client() -> SageMakerClient:
    sagemaker: SageMakerClient = boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    return sagemaker


@pytest.fixture
def stub(client: SageMakerClient) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _described(model: dict[str, Any], arn: str, status: str, **extra: Any) -> dict[str, Any]:
    body = {
        **{k: v for k, v in model.items() if k not in ("Tags", "ClientToken")},
        "ModelPackageArn": arn,
        "ModelPackageName": model.get("ModelPackageName") or model.get("ModelPackageGroupName"),
        "CreationTime": NOW,
        "ModelPackageStatus": status,
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
    }
    body.update(extra)
    return body


def _model(event: Any) -> dict[str, Any]:
    assert event.resourceModel is not None
    model: dict[str, Any] = event.resourceModel._serialize()
    return model


def _looks_within_budget() -> int:
    """How many Describes the policy makes in one invocation when nothing changes."""
    waited, looks = 0.0, 1
    while waited + DEFAULT_POLICY.interval(waited) <= DEFAULT_POLICY.in_invocation_budget:
        waited += DEFAULT_POLICY.interval(waited)
        looks += 1
    return looks


def _not_found(stub: Stubber, arn: str) -> None:
    stub.add_client_error(
        "describe_model_package",
        service_error_code="ValidationException",
        service_message=f"ModelPackage {arn} does not exist.",
        expected_params={"ModelPackageName": arn},
    )


def test_create_polls_pending_in_progress_completed(client: SageMakerClient, stub: Stubber) -> None:
    desired = versioned()
    stub.add_response(
        "create_model_package",
        {"ModelPackageArn": VERSION_ARN},
        {**desired, "ClientToken": client_token(None, "cfn-request-token")},
    )
    for status in ("Pending", "InProgress", "Completed"):
        stub.add_response(
            "describe_model_package",
            _described(desired, VERSION_ARN, status),
            {"ModelPackageName": VERSION_ARN},
        )
    clock = VirtualClock()
    event = create.run(client, handler_request(desired), {}, clock=clock)
    assert event.status is OperationStatus.SUCCESS
    assert clock.slept == [1.0, 1.0]
    assert event.resourceModel is not None
    assert _model(event).get("ModelPackageArn") == VERSION_ARN


def test_create_hands_back_to_cloudformation_after_the_budget(
    client: SageMakerClient, stub: Stubber
) -> None:
    desired = versioned()
    stub.add_response("create_model_package", {"ModelPackageArn": VERSION_ARN}, None)
    for _ in range(_looks_within_budget()):
        stub.add_response("describe_model_package", _described(desired, VERSION_ARN, "Pending"))
    clock = VirtualClock()
    event = create.run(client, handler_request(desired), {}, clock=clock)
    assert event.status is OperationStatus.IN_PROGRESS
    assert event.errorCode is None
    assert event.callbackContext == {
        "phase": "stabilize",
        "arn": VERSION_ARN,
        "started": 1_800_000_000.0,
        "since": 1_800_000_000.0,
    }
    assert event.callbackDelaySeconds == 1
    assert _model(event).get("ModelPackageArn") == VERSION_ARN
    assert sum(clock.slept) <= 20


def test_failed_package_is_deleted_and_every_reason_reported(
    client: SageMakerClient, stub: Stubber
) -> None:
    desired = versioned()
    stub.add_response("create_model_package", {"ModelPackageArn": VERSION_ARN}, None)
    details = {
        "ValidationStatuses": [
            {"Name": "profile-1", "Status": "Failed", "FailureReason": "transform job failed"}
        ],
        "ImageScanStatuses": [
            {"Name": "image-1", "Status": "Failed", "FailureReason": "critical CVE found"}
        ],
    }
    stub.add_response(
        "describe_model_package",
        _described(desired, VERSION_ARN, "Failed", ModelPackageStatusDetails=details),
    )
    request = handler_request(desired)
    first = create.run(client, request, {}, clock=VirtualClock())
    # The reason is kept in the context before anything is deleted...
    assert first.status is OperationStatus.IN_PROGRESS
    assert first.callbackContext is not None
    assert first.callbackContext["phase"] == "cleanup"
    assert first.callbackContext["failure_code"] == "NotStabilized"
    stub.assert_no_pending_responses()
    # ...then the next invocation deletes the package and fails with it.
    stub.add_response("delete_model_package", {}, {"ModelPackageName": VERSION_ARN})
    event = create.run(client, request, first.callbackContext, clock=VirtualClock())
    assert event.status is OperationStatus.FAILED
    assert event.errorCode is not None
    assert event.errorCode.name == "NotStabilized"
    assert "validation 'profile-1': transform job failed" in event.message
    assert "image scan 'image-1': critical CVE found" in event.message
    assert "was deleted" in event.message


def test_delete_waits_through_deleting_until_gone(client: SageMakerClient, stub: Stubber) -> None:
    stub.add_response("delete_model_package", {}, {"ModelPackageName": VERSION_ARN})
    stub.add_response("describe_model_package", _described(versioned(), VERSION_ARN, "Deleting"))
    stub.add_response("describe_model_package", _described(versioned(), VERSION_ARN, "Completed"))
    _not_found(stub, VERSION_ARN)
    event = delete.run(
        client, handler_request({"ModelPackageArn": VERSION_ARN}), {}, clock=VirtualClock()
    )
    assert event.status is OperationStatus.SUCCESS
    assert event.resourceModel is None


def test_delete_of_a_missing_package_is_not_found(client: SageMakerClient, stub: Stubber) -> None:
    stub.add_client_error(
        "delete_model_package",
        service_error_code="ValidationException",
        service_message=f"ModelPackage {VERSION_ARN} does not exist.",
    )
    with pytest.raises(exceptions.NotFound):
        delete.run(
            client, handler_request({"ModelPackageArn": VERSION_ARN}), {}, clock=VirtualClock()
        )


def test_approval_update_is_describe_update_describe(
    client: SageMakerClient, stub: Stubber
) -> None:
    previous = {
        **versioned(ModelApprovalStatus="PendingManualApproval"),
        "ModelPackageArn": VERSION_ARN,
    }
    desired = {**previous, "ModelApprovalStatus": "Approved"}
    stub.add_response(
        "describe_model_package",
        _described(previous, VERSION_ARN, "Completed"),
        {"ModelPackageName": VERSION_ARN},
    )
    stub.add_response(
        "update_model_package",
        {"ModelPackageArn": VERSION_ARN},
        {"ModelPackageArn": VERSION_ARN, "ModelApprovalStatus": "Approved"},
    )
    stub.add_response("describe_model_package", _described(desired, VERSION_ARN, "Completed"))
    event = update.run(
        client, handler_request(desired, previous=previous), {}, clock=VirtualClock()
    )
    assert event.status is OperationStatus.SUCCESS
    assert _model(event).get("ModelApprovalStatus") == "Approved"


def test_tag_only_update_sends_only_the_tag_calls_needed(
    client: SageMakerClient, stub: Stubber
) -> None:
    previous = {
        **unversioned(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]),
        "ModelPackageArn": PACKAGE_ARN,
    }
    desired = {**unversioned(Tags=[{"Key": "a", "Value": "9"}]), "ModelPackageArn": PACKAGE_ARN}
    stub.add_response("describe_model_package", _described(desired, PACKAGE_ARN, "Completed"))
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100},
    )
    stub.add_response("delete_tags", {}, {"ResourceArn": PACKAGE_ARN, "TagKeys": ["b"]})
    stub.add_response(
        "add_tags", {"Tags": []}, {"ResourceArn": PACKAGE_ARN, "Tags": [{"Key": "a", "Value": "9"}]}
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "a", "Value": "9"}]},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100},
    )
    event = update.run(
        client, handler_request(desired, previous=previous), {}, clock=VirtualClock()
    )
    assert event.status is OperationStatus.SUCCESS


def test_stack_tag_change_is_applied_to_unversioned_packages(
    client: SageMakerClient, stub: Stubber
) -> None:
    model = {**unversioned(), "ModelPackageArn": PACKAGE_ARN}
    stub.add_response("describe_model_package", _described(model, PACKAGE_ARN, "Completed"))
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "env", "Value": "dev"}]},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100},
    )
    stub.add_response(
        "add_tags",
        {"Tags": []},
        {"ResourceArn": PACKAGE_ARN, "Tags": [{"Key": "env", "Value": "prod"}]},
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "env", "Value": "prod"}]},
        {"ResourceArn": ANY, "MaxResults": 100},
    )
    request = handler_request(
        model, previous=model, stack_tags={"env": "prod"}, previous_stack_tags={"env": "dev"}
    )
    event = update.run(client, request, {}, clock=VirtualClock())
    assert event.status is OperationStatus.SUCCESS
    # Read returns every tag the package holds; drift detection expects stack-level ones there.
    assert _model(event).get("Tags") == [{"Key": "env", "Value": "prod"}]


def test_conflicts_are_retried_with_growing_delays_until_the_timeout(
    client: SageMakerClient, stub: Stubber
) -> None:
    previous = {
        **versioned(ModelApprovalStatus="PendingManualApproval"),
        "ModelPackageArn": VERSION_ARN,
    }
    desired = {**previous, "ModelApprovalStatus": "Approved"}
    request = handler_request(desired, previous=previous)
    clock = VirtualClock()
    context: MutableMapping[str, Any] = {}
    delays = []
    for attempt in range(1, 8):
        stub.add_response("describe_model_package", _described(previous, VERSION_ARN, "Completed"))
        stub.add_client_error("update_model_package", "ConflictException", "in progress")
        event = update.run(client, request, dict(context), clock=clock)
        assert event.status is OperationStatus.IN_PROGRESS
        assert event.errorCode is None
        assert event.callbackContext is not None
        assert event.callbackContext["failures"] == attempt
        delays.append(event.callbackDelaySeconds)
        clock.sleep(event.callbackDelaySeconds)
        context = event.callbackContext
    assert delays == [5, 10, 20, 40, 60, 60, 60]
    clock.sleep(720 * 60)  # CloudFormation's update timeout
    stub.add_response("describe_model_package", _described(previous, VERSION_ARN, "Completed"))
    stub.add_client_error("update_model_package", "ConflictException", "in progress")
    with pytest.raises(exceptions.ResourceConflict, match="timeout is reached"):
        update.run(client, request, dict(context), clock=clock)


def test_read_of_an_unversioned_package_is_describe_and_list_tags(
    client: SageMakerClient, stub: Stubber
) -> None:
    model = unversioned(Tags=[{"Key": "a", "Value": "1"}])
    stub.add_response(
        "describe_model_package",
        _described(model, PACKAGE_ARN, "Completed", CertifyForMarketplace=False),
        {"ModelPackageName": PACKAGE_ARN},
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "a", "Value": "1"}], "NextToken": "page-2"},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100},
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "aws:cloudformation:stack-name", "Value": "s"}]},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100, "NextToken": "page-2"},
    )
    event = read.run(client, handler_request({"ModelPackageArn": PACKAGE_ARN}))
    assert event.status is OperationStatus.SUCCESS
    serialized = _model(event)
    assert serialized["Tags"] == [{"Key": "a", "Value": "1"}]
    assert serialized["CertifyForMarketplace"] is False  # as SageMaker holds it
