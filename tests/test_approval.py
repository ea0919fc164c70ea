"""Approve only a valid version (create.py): a create with `Approved` registers the version
pending and approves it once SageMaker reports it Completed, so no approval (and no approval
event, which starts deployments) is ever said of a version that fails validation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import create
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.translate import client_token
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, handler_request
from tests.support.clock import VirtualClock
from tests.support.models import versioned
from tests.support.stubs import VERSION_ARN, described, model_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def _approvals(backend: BackendControl) -> list[Json]:
    """Every call of the log that asked SageMaker for an approval status."""
    return [c for c in backend.calls() if "ModelApprovalStatus" in c]


@pytest.mark.usefixtures("clock")
def test_an_approved_version_is_approved_once_sagemaker_completes_it(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 2, "in_progress_describes": 2})
    desired = versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="reviewed")
    backend.reset_calls()
    run = drive("CREATE", desired)
    assert run.last["status"] == "SUCCESS", run.last
    arn = run.model["ModelPackageArn"]
    # Pending, Pending, InProgress, InProgress, Completed: only then the approval, in the one
    # UpdateModelPackage that also carries its description, then the read back.
    assert [(c["operation"], c.get("ModelApprovalStatus")) for c in backend.calls()] == [
        ("CreateModelPackage", "PendingManualApproval"),
        *[("DescribeModelPackage", None)] * 5,
        ("UpdateModelPackage", "Approved"),
        ("DescribeModelPackage", None),
    ]
    held = sagemaker.describe_model_package(ModelPackageName=arn)
    assert (held["ModelApprovalStatus"], held["ApprovalDescription"]) == ("Approved", "reviewed")
    assert (run.model["ModelApprovalStatus"], run.model["ApprovalDescription"]) == (
        "Approved",
        "reviewed",
    )


@pytest.mark.usefixtures("clock")
def test_a_version_that_fails_validation_is_never_approved(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    """Its deletion lasts, so SageMaker still shows it: pending, never approved."""
    backend.configure(
        lifecycle={"pending_describes": 1, "fail_next": 1, "deleting_describes": 1000}
    )
    run = drive("CREATE", versioned(group, ModelApprovalStatus="Approved"))
    assert run.last["status"] == "FAILED", run.last
    assert run.last["errorCode"] == "NotStabilized"
    assert _approvals(backend) == [
        {
            "operation": "CreateModelPackage",
            "account": "123456789012",  # the caller's
            "ModelPackageGroupName": group,
            "ModelApprovalStatus": "PendingManualApproval",
        }
    ]
    assert "UpdateModelPackage" not in backend.operations()
    (left,) = sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    held = sagemaker.describe_model_package(ModelPackageName=left["ModelPackageArn"])
    assert (held["ModelPackageStatus"], held["ModelApprovalStatus"]) == (
        "Deleting",
        "PendingManualApproval",
    )
    # and no event ever said Approved: a deploy-on-approval rule never saw it
    events, _ = backend.events()
    assert [
        (e["detail"]["ModelPackageStatus"], e["detail"]["ModelApprovalStatus"]) for e in events
    ] == [
        ("Pending", "PendingManualApproval"),
        ("Failed", "PendingManualApproval"),
        ("Deleting", "PendingManualApproval"),
    ]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("description", [None, "does not generalise"])
def test_a_rejection_stays_in_the_create(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, description: str | None
) -> None:
    """A pending version would invite a reviewer to approve what the template rejects."""
    extra = {"ApprovalDescription": description} if description else {}
    run = drive("CREATE", versioned(group, ModelApprovalStatus="Rejected", **extra))
    assert run.last["status"] == "SUCCESS", run.last
    statuses = [c["ModelApprovalStatus"] for c in _approvals(backend)]
    # A description is not a CreateModelPackage parameter: it follows with the status it
    # describes, which SageMaker already holds.
    assert statuses == (["Rejected", "Rejected"] if description else ["Rejected"])
    held = sagemaker.describe_model_package(ModelPackageName=run.model["ModelPackageArn"])
    assert held["ModelApprovalStatus"] == "Rejected"


def test_the_create_and_the_approval_as_sent(client: SageMakerClient, stub: Stubber) -> None:
    """The exact requests: the create asks for a pending version; the approval follows the
    first look that says Completed."""
    desired = versioned(ModelApprovalStatus="Approved", ApprovalDescription="reviewed")
    pending = versioned(ModelApprovalStatus="PendingManualApproval")
    stub.add_response(
        "create_model_package",
        {"ModelPackageArn": VERSION_ARN},
        {**pending, "ClientToken": client_token(None, "cfn-request-token")},
    )
    for status in ("InProgress", "Completed"):
        stub.add_response("describe_model_package", described(pending, VERSION_ARN, status))
    stub.add_response(
        "update_model_package",
        {"ModelPackageArn": VERSION_ARN},
        {
            "ModelPackageArn": VERSION_ARN,
            "ModelApprovalStatus": "Approved",
            "ApprovalDescription": "reviewed",
        },
    )
    stub.add_response("describe_model_package", described(desired, VERSION_ARN, "Completed"))
    event = create.run(client, handler_request(desired), {}, clock=VirtualClock())
    assert event.status is OperationStatus.SUCCESS
    assert model_of(event)["ModelApprovalStatus"] == "Approved"
