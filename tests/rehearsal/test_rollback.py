"""Rollback as CloudFormation does it (driver/rollback.py, the executor's failure path): a failed
create of a new stack deletes what it made, a failed update changes in-place updates back and
deletes replacements, a failure while rolling back leaves the stack *ROLLBACK_FAILED,
`--disable-rollback` keeps what was done, and RetainExceptOnCreate deletes what the failed
operation itself created.

A package a failed create left behind is tracked, never orphaned: when SageMaker refuses the
handler's cleanup delete (AccessDenied, Conflict), its FAILED event carries the model with the
package's ARN, as AWS's own providers do, and the rehearsal treats the package as created by the
operation: the rollback deletes it, and if that is refused too the summary names it, with its
ARN, as left in the account.

Through the stack or the command line against the backend (the Lambda entry point, the backend's
lifecycle and fault injection); SageMaker's state is read back."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.models import IMAGE
from tests.support.rehearsal import (
    APPROVED,
    GROUP,
    Writer,
    failing,
    group_resource,
    groups,
    packages,
    version,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LEFT_BEHIND = "left-behind"
VERSION_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{LEFT_BEHIND}/1"
REFUSED = "User is not authorized to perform: sagemaker:DeleteModelPackage"


def refused_deletes(count: int) -> Json:
    return {
        "operation": "DeleteModelPackage",
        "count": count,
        "code": "AccessDeniedException",
        "message": REFUSED,
    }


TEMPLATE: Json = {
    "Resources": {
        "Models": {
            "Type": "AWS::SageMaker::ModelPackageGroup",
            "Properties": {"ModelPackageGroupName": LEFT_BEHIND},
        },
        "Version": {
            "Type": "MLOps::SageMaker::ModelPackage",
            "Properties": {
                "ModelPackageGroupName": {"Ref": "Models"},
                "ModelApprovalStatus": "Approved",
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/m.tar.gz"}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
            },
        },
    }
}


# ---------------------------------------------------------------- a package a failed create left


def test_a_package_left_by_a_failed_create_is_listed_with_its_arn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sagemaker: SageMakerClient
) -> None:
    """SageMaker fails the package's validation and refuses every delete: the handler's cleanup,
    the rollback's and the final delete's. The package stays (Failed, and never approved: the
    approval waits for validation), and the rehearsal says where."""
    folder = tmp_path / "stack"
    folder.mkdir()
    (folder / "1.json").write_text(json.dumps(TEMPLATE))
    # the embedded backend starts with the run: its settings come from a --before script
    faults = tmp_path / "faults.py"
    settings = {"lifecycle": {"fail_next": 1}, "faults": [refused_deletes(100)]}
    faults.write_text(
        "import json, os, urllib.request\n"
        "urllib.request.urlopen(urllib.request.Request(\n"
        "    os.environ['AWS_ENDPOINT_URL'] + '/_local/configure',\n"
        f"    data=json.dumps({settings!r}).encode(), method='POST'))\n"
    )

    code = driver_main(
        [str(folder), "--before", str(faults), "--fast", "--log-file", str(tmp_path / "log")]
    )

    out = capsys.readouterr().out
    assert code == 1
    events = [line.split(None, 3)[1:] for line in out.splitlines() if line[:2].isdigit()]
    version = [e for e in events if e[0] == "Version"]
    assert [e[1] for e in version] == [
        *(["CREATE_IN_PROGRESS"] * (len(version) - 5)),
        "CREATE_FAILED",
        "DELETE_IN_PROGRESS",  # the rollback deletes what the failed create left
        "DELETE_FAILED",
        "DELETE_IN_PROGRESS",  # and the stack's delete tries again
        "DELETE_FAILED",
    ]
    assert version[-4][2] == VERSION_ARN
    assert f"could not be deleted (DeleteModelPackage failed: {REFUSED}" in version[-5][2]
    assert ["demo-stack", "ROLLBACK_FAILED"] in [e[:2] for e in events]
    assert f"  left in the account (a delete failed): Version {VERSION_ARN}" in out
    described = sagemaker.describe_model_package(ModelPackageName=VERSION_ARN)
    assert (described["ModelPackageStatus"], described["ModelApprovalStatus"]) == (
        "Failed",
        "PendingManualApproval",
    )


def test_the_rollback_deletes_a_package_the_handler_could_not(
    tmp_path: Path, sagemaker: SageMakerClient, backend: BackendControl, clock: VirtualClock
) -> None:
    """Only the handler's own cleanup is refused: the rollback deletes the package, then its
    group, and nothing is left."""
    backend.configure(lifecycle={"fail_next": 1}, faults=[refused_deletes(1)])
    path = tmp_path / "1.json"
    path.write_text(json.dumps(TEMPLATE))
    stack = Stack(
        "left",
        Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker),
        Events(io.StringIO()),
        wait=clock.sleep,
    )

    assert stack.deploy(Template.load(path)) is False

    assert stack.status == "ROLLBACK_COMPLETE"
    assert stack.events.statuses("Version")[-3:] == [
        "CREATE_FAILED",
        "DELETE_IN_PROGRESS",
        "DELETE_COMPLETE",
    ]
    assert stack.state.leftovers == []
    listed = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    assert listed == []
    assert sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def stack_statuses(stack: Stack) -> list[str]:
    return stack.events.statuses(stack.name)


# ---------------------------------------------------------------- a stack's rollback


def test_failed_create_of_a_new_stack_deletes_what_it_created(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    template = revision({"Models": group_resource(), "Version": version(), "Bad": failing()})

    assert stack.deploy(template) is False

    assert stack_statuses(stack)[-2:] == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert stack.status == "ROLLBACK_COMPLETE"
    assert stack.events.statuses("Bad") == ["CREATE_IN_PROGRESS", "CREATE_FAILED"], "\n".join(
        map(str, stack.events.lines)
    )
    assert stack.events.statuses("Version")[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []
    assert stack.resources == {}


def test_failed_update_updates_in_place_changes_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    arn = stack.resources["Version"].physical_id
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack_statuses(stack)[-3:] == [
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE",
    ]
    assert stack.events.statuses("Version")[-4:] == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE",
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE",
    ]
    (described,) = packages(sagemaker).values()
    assert described["ModelPackageArn"] == arn
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert (
        "CustomerMetadataProperties" not in described or not described["CustomerMetadataProperties"]
    )
    # the rollback UPDATE: desired = the old template, previous = the failed one
    rollback = stack.requests[-1]["requestData"]
    assert rollback["resourceProperties"]["ModelApprovalStatus"] == "PendingManualApproval"
    assert rollback["previousResourceProperties"]["ModelApprovalStatus"] == "Approved"
    assert rollback["resourceProperties"]["ModelPackageArn"] == arn
    # the stack goes on from the rolled-back state
    assert stack.deploy(revision({"Models": group_resource(), "Version": version(**APPROVED)}))
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"
    assert stack.delete()
    assert packages(sagemaker) == {}


def test_rolled_back_approval_is_pending_again(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """Rolling back an approval removes its ApprovalDescription (the example's case)."""
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    approval = {"ModelApprovalStatus": "Approved", "ApprovalDescription": "reviewed"}
    updated = {"Models": group_resource(), "Version": version(**approval), "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_COMPLETE", stack.events.lines[-3:]
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "PendingManualApproval"


def test_failed_update_deletes_the_replacement_and_keeps_the_old_package(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    old = stack.resources["Version"].physical_id
    retrained = version("s3://models/churn/2/model.tar.gz")
    updated = {"Models": group_resource(), "Version": retrained, "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    new = next(
        reason
        for name, status, reason in stack.events.lines
        if name == "Version" and status == "UPDATE_COMPLETE"
    )
    assert new.endswith("/2")
    assert list(packages(sagemaker)) == [old]
    assert stack.resources["Version"].physical_id == old
    assert stack.events.statuses("Version")[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_a_handler_failure_during_rollback_leaves_update_rollback_failed(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}
    denied = {"operation": "UpdateModelPackage", "count": 100, "code": "AccessDeniedException"}

    def deny_while_rolling_back(logical_id: str, status: str, reason: str) -> None:
        if status == "UPDATE_ROLLBACK_IN_PROGRESS":
            backend.configure(faults=[denied])

    stack.events.listeners.append(deny_while_rolling_back)

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_FAILED"
    final = [r for _, status, r in stack.events.lines if status == "UPDATE_ROLLBACK_FAILED"]
    reasons = [
        r for n, status, r in stack.events.lines if (n, status) == ("Version", "UPDATE_FAILED")
    ]
    assert "AccessDenied" in reasons[-1]  # the resource's event says why; the stack's names it
    assert "[Version]" in final[0]
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"  # the update back never happened
    # CloudFormation takes no update in UPDATE_ROLLBACK_FAILED; a delete still removes it all
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()})) is False
    backend.configure(clear_faults=True)
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_a_delete_failure_while_rolling_back_a_create_leaves_rollback_failed(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    denied = {"operation": "DeleteModelPackage", "count": 100, "code": "AccessDeniedException"}

    def deny_while_rolling_back(logical_id: str, status: str, reason: str) -> None:
        if status == "ROLLBACK_IN_PROGRESS":
            backend.configure(faults=[denied])

    stack.events.listeners.append(deny_while_rolling_back)

    assert (
        stack.deploy(revision({"Models": group_resource(), "Version": version(), "Bad": failing()}))
        is False
    )

    assert stack.status == "ROLLBACK_FAILED"
    assert (
        stack.events.lines[-1][2]
        == "The following resource(s) failed to delete: [Version, Models]."
    )
    assert stack.events.statuses("Version")[-1] == "DELETE_FAILED"
    assert len(packages(sagemaker)) == 1  # the version could not be deleted, nor its group
    assert groups(sagemaker) == [GROUP]
    backend.configure(clear_faults=True)
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_disable_rollback_keeps_what_was_done(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}

    assert stack.deploy(revision(updated), roll_back=False) is False

    assert stack.status == "UPDATE_FAILED"
    assert "UPDATE_ROLLBACK_IN_PROGRESS" not in stack_statuses(stack)
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["CustomerMetadataProperties"] == {"auc": "0.93"}
    # the next revision applies to what is there
    fixed = {"Models": group_resource(), "Version": version(**APPROVED), "Good": version("s3://x")}
    assert stack.deploy(revision(fixed))
    assert len(packages(sagemaker)) == 2
    assert stack.delete()
    assert packages(sagemaker) == {}


def test_disable_rollback_on_a_replacement_cleans_the_old_package_up_later(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    old = stack.resources["Version"].physical_id
    retrained = {"Models": group_resource(), "Version": version("s3://models/churn/2/m.tar.gz")}

    assert stack.deploy(revision({**retrained, "Bad": failing()}), roll_back=False) is False

    assert set(packages(sagemaker)) == {old, stack.resources["Version"].physical_id}
    assert stack.deploy(revision(retrained))
    assert set(packages(sagemaker)) == {stack.resources["Version"].physical_id}


def test_retain_except_on_create_deletes_an_approved_version_when_its_create_rolls_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """CloudFormation's RetainExceptOnCreate: the rollback of the operation that created the
    resource deletes it (an approval never outlives the template that granted it), any later
    removal retains it. With plain Retain the approved version would stay behind."""
    guarded = {"DeletionPolicy": "RetainExceptOnCreate"}
    approved = version(**APPROVED) | guarded
    assert (
        stack.deploy(revision({"Models": group_resource(**guarded), "Version": approved})) is True
    )
    kept = stack.resources["Version"].physical_id
    # an update that adds a second guarded version and fails: the new one is deleted
    second = version("s3://models/churn/2/model.tar.gz", **APPROVED) | guarded
    failed = {
        "Models": group_resource(**guarded),
        "Version": approved,
        "Next": second,
        "Bad": failing(),
    }
    failed["Next"]["DependsOn"] = "Version"
    failed["Bad"]["DependsOn"] = "Next"

    assert stack.deploy(revision(failed)) is False

    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    assert list(packages(sagemaker)) == [kept]
    assert stack.events.statuses("Next")[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    # a stack delete is not a create's rollback: the version and its group are retained
    assert stack.delete()
    assert list(packages(sagemaker)) == [kept]
    assert groups(sagemaker) == [GROUP]
    assert stack.events.statuses("Version")[-1] == "DELETE_SKIPPED"


def test_retain_except_on_create_deletes_what_a_failed_new_stack_created(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    guarded = {"DeletionPolicy": "RetainExceptOnCreate"}
    template = {
        "Models": group_resource(**guarded),
        "Version": version(**APPROVED) | guarded,
        "Bad": failing(),
    }

    assert stack.deploy(revision(template)) is False

    assert stack.status == "ROLLBACK_COMPLETE"
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []
