"""Create (create.py): step by step with botocore's Stubber (the calls, their shapes and the
status sequence), then through the real entry point against the backend for what CloudFormation
and SageMaker do to it: a replay that meets a conflict, a name taken or still being deleted, a
failed create cleaned up through conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import create
from mlops_sagemaker_modelpackage.translate import client_token
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, handler_request, invoke, listed_packages
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned
from tests.support.stubs import VERSION_ARN, described, looks_within_budget, model_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


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
            described(desired, VERSION_ARN, status),
            {"ModelPackageName": VERSION_ARN},
        )
    clock = VirtualClock()
    event = create.run(client, handler_request(desired), {}, clock=clock)
    assert event.status is OperationStatus.SUCCESS
    assert clock.slept == [1.0, 1.0]
    assert event.resourceModel is not None
    assert model_of(event).get("ModelPackageArn") == VERSION_ARN


def test_create_hands_back_to_cloudformation_after_the_budget(
    client: SageMakerClient, stub: Stubber
) -> None:
    desired = versioned()
    stub.add_response("create_model_package", {"ModelPackageArn": VERSION_ARN}, None)
    for _ in range(looks_within_budget()):
        stub.add_response("describe_model_package", described(desired, VERSION_ARN, "Pending"))
    clock = VirtualClock()
    event = create.run(client, handler_request(desired), {}, clock=clock)
    assert event.status is OperationStatus.IN_PROGRESS
    assert event.errorCode is None
    assert event.callbackContext is not None
    assert event.callbackContext == {
        "phase": "stabilize",
        "arn": VERSION_ARN,
        "started": 1_800_000_000.0,
        "since": 1_800_000_000.0,
        "owner": event.callbackContext["owner"],  # binds the ARN to the create's ClientToken
    }
    assert event.callbackDelaySeconds == 1
    assert model_of(event).get("ModelPackageArn") == VERSION_ARN
    assert sum(clock.slept) <= 20


@pytest.mark.defect(6)
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
        described(desired, VERSION_ARN, "Failed", ModelPackageStatusDetails=details),
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
    stub.add_client_error(
        "describe_model_package",
        "ValidationException",
        f"ModelPackage {VERSION_ARN} does not exist.",
        expected_params={"ModelPackageName": VERSION_ARN},
    )
    event = create.run(client, request, first.callbackContext, clock=VirtualClock())
    assert event.status is OperationStatus.FAILED
    assert event.errorCode is not None
    assert event.errorCode.name == "NotStabilized"
    assert "validation 'profile-1': transform job failed" in event.message
    assert "image scan 'image-1': critical CVE found" in event.message
    assert "was deleted" in event.message


# ------------------------------------------------------------------ through the entry point


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("name", ["churn-model", None], ids=["explicit name", "generated name"])
def test_a_replayed_create_that_meets_a_conflict_finds_its_own_package(
    backend: BackendControl, sagemaker: SageMakerClient, name: str | None
) -> None:
    """CloudFormation re-sends a CREATE whose response was lost (same request token, no
    context); SageMaker answers the replay's CreateModelPackage with a conflict first."""
    desired = unversioned(name=name)
    first = invoke("CREATE", desired, token="lost-response")
    arn = first["resourceModel"]["ModelPackageArn"]
    backend.configure(
        faults=[{"operation": "CreateModelPackage", "count": 2, "code": "ConflictException"}]
    )
    replay = drive("CREATE", desired, token="lost-response")
    assert replay.last["status"] == "SUCCESS", replay.last
    assert replay.model["ModelPackageArn"] == arn
    assert [p["ModelPackageArn"] for p in listed_packages(sagemaker)] == [arn]


@pytest.mark.usefixtures("clock")
def test_a_name_held_by_another_package_is_already_exists(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    sagemaker.create_model_package(**unversioned())  # not this stack's
    event = invoke("CREATE", unversioned())
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "AlreadyExists"
    assert len(listed_packages(sagemaker)) == 1


@pytest.mark.usefixtures("clock")
def test_a_name_still_being_deleted_is_waited_for(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    backend.configure(lifecycle={"deleting_describes": 3})
    arn = drive("CREATE", unversioned()).model["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=arn)  # Deleting for three looks
    run = drive("CREATE", unversioned())
    assert run.last["status"] == "SUCCESS", run.last
    assert [p["ModelPackageStatus"] for p in listed_packages(sagemaker)] == ["Completed"]


@pytest.mark.usefixtures("clock")
def test_a_name_deleted_for_longer_than_the_invocation_says_so(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    backend.configure(lifecycle={"deleting_describes": 1000})
    arn = drive("CREATE", unversioned()).model["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=arn)
    event = invoke("CREATE", unversioned())
    assert event["status"] == "FAILED", event
    assert "still being deleted (status Deleting)" in event["message"]


@pytest.mark.usefixtures("clock")
def test_the_cleanup_of_a_failed_create_says_what_sagemaker_still_holds(
    backend: BackendControl, group: str
) -> None:
    backend.configure(lifecycle={"fail_next": 1, "deleting_describes": 1000})
    run = drive("CREATE", versioned(group))
    assert run.last["status"] == "FAILED", run.last
    assert "was deleted" not in run.last["message"]
    assert "still reports it Deleting" in run.last["message"]


@pytest.mark.usefixtures("clock")
def test_a_failed_create_is_cleaned_up_through_conflicts(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(
        lifecycle={"fail_next": 1, "failure_reason": "Container exited 137"},
        faults=[
            {
                "operation": "DeleteModelPackage",
                "count": 4,
                "code": "ConflictException",
                "message": "The package is busy",
            }
        ],
    )
    run = drive("CREATE", versioned(group))
    assert run.last["errorCode"] == "NotStabilized"
    assert "Container exited 137" in run.last["message"]
    assert "was deleted" in run.last["message"]
    assert backend.operations().count("DeleteModelPackage") == 5
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


@pytest.mark.usefixtures("clock")
def test_a_replayed_failing_create_keeps_its_reason(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"fail_next": 1, "failure_reason": "Container exited 137"})
    run = drive("CREATE", versioned(group), token="create-1")
    cleanup = run.events[-2]
    assert cleanup["status"] == "IN_PROGRESS"
    assert "Container exited 137" in cleanup["message"]
    for _ in range(2):  # the cleanup invocation again, after its response was lost
        again = invoke(
            "CREATE", versioned(group), token="create-1", context=cleanup["callbackContext"]
        )
        assert again["errorCode"] == "NotStabilized"
        assert "Container exited 137" in again["message"]
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


@pytest.mark.usefixtures("clock")
def test_a_taken_name_is_already_exists_and_the_package_is_untouched(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    theirs = drive("CREATE", unversioned(Tags=[{"Key": "owner", "Value": "other-stack"}]))
    arn = theirs.model["ModelPackageArn"]
    ours = invoke("CREATE", unversioned(Tags=[{"Key": "owner", "Value": "us"}]))
    assert ours["status"] == "FAILED"
    assert ours["errorCode"] == "AlreadyExists"
    assert "churn-model" in ours["message"]
    tags = sagemaker.list_tags(ResourceArn=arn)["Tags"]
    assert tags == [{"Key": "owner", "Value": "other-stack"}]
    assert len(sagemaker.list_model_packages()["ModelPackageSummaryList"]) == 1
