"""Update, step by step with botocore's Stubber: the calls a reconciled update makes, in order."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import ANY, Stubber
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import update
from tests.support.cfn import handler_request
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned
from tests.support.stubs import PACKAGE_ARN, VERSION_ARN, described, model_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


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
        described(previous, VERSION_ARN, "Completed"),
        {"ModelPackageName": VERSION_ARN},
    )
    stub.add_response(
        "update_model_package",
        {"ModelPackageArn": VERSION_ARN},
        {"ModelPackageArn": VERSION_ARN, "ModelApprovalStatus": "Approved"},
    )
    stub.add_response("describe_model_package", described(desired, VERSION_ARN, "Completed"))
    event = update.run(
        client, handler_request(desired, previous=previous), {}, clock=VirtualClock()
    )
    assert event.status is OperationStatus.SUCCESS
    assert model_of(event).get("ModelApprovalStatus") == "Approved"


def test_tag_only_update_sends_only_the_tag_calls_needed(
    client: SageMakerClient, stub: Stubber
) -> None:
    previous = {
        **unversioned(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]),
        "ModelPackageArn": PACKAGE_ARN,
    }
    desired = {**unversioned(Tags=[{"Key": "a", "Value": "9"}]), "ModelPackageArn": PACKAGE_ARN}
    stub.add_response("describe_model_package", described(desired, PACKAGE_ARN, "Completed"))
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


@pytest.mark.defect(5)
def test_stack_tag_change_is_applied_to_unversioned_packages(
    client: SageMakerClient, stub: Stubber
) -> None:
    model = {**unversioned(), "ModelPackageArn": PACKAGE_ARN}
    stub.add_response("describe_model_package", described(model, PACKAGE_ARN, "Completed"))
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
    assert model_of(event).get("Tags") == [{"Key": "env", "Value": "prod"}]


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
        stub.add_response("describe_model_package", described(previous, VERSION_ARN, "Completed"))
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
    stub.add_response("describe_model_package", described(previous, VERSION_ARN, "Completed"))
    stub.add_client_error("update_model_package", "ConflictException", "in progress")
    with pytest.raises(exceptions.ResourceConflict, match="timeout is reached"):
        update.run(client, request, dict(context), clock=clock)


def test_an_update_sagemaker_does_not_hold_is_sent_again_then_fails(
    client: SageMakerClient, stub: Stubber
) -> None:
    """SUCCESS only once SageMaker holds the desired state: an update it accepted but does not
    show (another writer undid it) is sent once more, then the update fails, never looping."""
    previous = {**versioned(), "ModelPackageArn": VERSION_ARN}
    desired = {**previous, "ModelApprovalStatus": "Approved"}
    pending = described(previous, VERSION_ARN, "Completed")
    approve = {"ModelPackageArn": VERSION_ARN, "ModelApprovalStatus": "Approved"}
    for _ in range(update.MAX_APPLIES):
        stub.add_response("describe_model_package", pending)
        stub.add_response("update_model_package", {"ModelPackageArn": VERSION_ARN}, approve)
        stub.add_response("describe_model_package", pending)  # the wait's look: not approved
    request = handler_request(desired, previous=previous)
    with pytest.raises(exceptions.NotStabilized, match=r"does not hold .*ModelApprovalStatus"):
        update.run(client, request, {}, clock=VirtualClock())
