"""A failed create whose cleanup delete is refused: the package is tracked, never orphaned.

The handler deletes a package that failed validation; when SageMaker refuses that delete
(AccessDenied, Conflict) its FAILED event carries the model with the package's ARN, as AWS's own
providers do so that CloudFormation's rollback deletes what the create made. The rehearsal then
treats the package as created by the operation: the rollback deletes it, and if that is refused
too the summary names it, with its ARN, as left in the account.

Everything is real: the Lambda entry point, the embedded backend's lifecycle (a package that
fails validation) and fault injection (the refused DeleteModelPackage).
"""

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
