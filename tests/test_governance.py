"""An approval exists only while a template grants it.

A status the previous template set and the desired one leaves out goes back to SageMaker's
default, PendingManualApproval (an approval usually triggers a deployment): for an ordinary update
that deletes the line and for the rollback of the update that granted it. A status the stack
never managed (approved in Studio) is never touched. Through the real entry point against the
local backend, and through the driver's command line on the rollback example.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from tests.support.cfn import drive
from tests.support.models import versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

pytestmark = pytest.mark.usefixtures("clock")
ROOT = Path(__file__).resolve().parents[1]
STATUSES = ["Approved", "Rejected"]


def _update(arn: str, desired: Json, previous: Json) -> Json:
    run = drive(
        "UPDATE", {**desired, "ModelPackageArn": arn}, previous={**previous, "ModelPackageArn": arn}
    )
    assert run.last["status"] == "SUCCESS", run.last
    return run.model


def _granting(status: str) -> Json:
    return versioned(ModelApprovalStatus=status, ApprovalDescription=f"{status} by the review")


@pytest.mark.parametrize("status", STATUSES)
def test_an_update_that_deletes_the_status_line_resets_it(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, status: str
) -> None:
    granted = _granting(status)
    arn = drive("CREATE", granted).model["ModelPackageArn"]
    assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == status
    model = _update(arn, versioned(), granted)
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert not described.get("ApprovalDescription")
    assert model["ModelApprovalStatus"] == "PendingManualApproval"
    assert "ApprovalDescription" not in model


@pytest.mark.parametrize("status", STATUSES)
def test_the_rollback_of_a_granted_status_resets_it_in_one_call(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, status: str
) -> None:
    """The old template names no status; the update grants one; a later resource fails and
    CloudFormation rolls back (desired = old, previous = new)."""
    old = versioned()
    arn = drive("CREATE", old).model["ModelPackageArn"]
    new = _granting(status)
    _update(arn, new, old)
    assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == status
    before = backend.operations().count("UpdateModelPackage")
    _update(arn, old, new)
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert not described.get("ApprovalDescription")
    # the reset is part of the one UpdateModelPackage, not a second call
    assert backend.operations().count("UpdateModelPackage") == before + 1
    # and the rollback replayed (a lost response) has nothing left to do
    _update(arn, old, new)
    assert backend.operations().count("UpdateModelPackage") == before + 1


def test_a_status_the_stack_never_managed_is_never_touched(
    sagemaker: SageMakerClient, group: str
) -> None:
    """Approved in Studio while no template names a status: the stack's updates leave it."""
    old = versioned()
    arn = drive("CREATE", old).model["ModelPackageArn"]
    sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    new = versioned(CustomerMetadataProperties={"ticket": "ML-7"})
    _update(arn, new, old)
    _update(arn, old, new)  # and its rollback
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"


@pytest.mark.usefixtures("rehearsal_clock")
def test_the_rollback_example_without_a_status_ends_pending(tmp_path: Path) -> None:
    """The driver, as a user runs it: the first revision names no status, the second approves
    and fails, the rollback leaves the version PendingManualApproval."""
    example = tmp_path / "failed-update-rolls-back"
    shutil.copytree(ROOT / "examples" / "failed-update-rolls-back", example)
    first = example / "1-register.yaml"
    lines = first.read_text().splitlines(keepends=True)
    first.write_text("".join(line for line in lines if "ModelApprovalStatus" not in line))
    assert "ModelApprovalStatus" not in first.read_text()
    output = io.StringIO()
    with redirect_stdout(output):
        code = driver_main([str(example), "--fast", "--log-file", str(tmp_path / "log")])
    text = output.getvalue()
    assert code == 1, text  # the second revision fails, by design
    assert "UPDATE_ROLLBACK_COMPLETE" in text, text
    after_rollback = text.split("after 2-approve-and-fail.yaml", 1)[1].splitlines()[0]
    assert "PendingManualApproval" in after_rollback, after_rollback
    assert "Approved" not in after_rollback.replace("PendingManualApproval", ""), after_rollback
