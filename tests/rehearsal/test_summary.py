"""The summary after a run (driver/summary.py, report.py): outputs with their exports, the
reason a revision failed, and no empty tags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.rehearsal import Writer, failing, group_resource, run, version

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_outputs_and_the_reason_of_a_failed_revision_are_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    outputs = {
        "Arn": {
            "Value": {"Ref": "Version"},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-arn"}},
        },
        "Number": {"Value": {"Fn::GetAtt": ["Version", "ModelPackageVersion"]}},
    }
    writer({"Models": group_resource(), "Version": version()}, Outputs=outputs)
    writer({"Models": group_resource(), "Version": version(), "Bad": failing()}, Outputs=outputs)

    code, out, _ = run(
        [str(tmp_path), "--fast", "--stack-name", "out", "--log-file", str(tmp_path / "l")],
        capsys,
    )

    assert code == 1
    summary = out.split("Summary of stack out")[1]
    assert re.search(
        r"after 1\.json: output Arn = arn:aws:sagemaker:us-east-1:123456789012:"
        r"model-package/driver-churn/1 \(export out-arn\)",
        summary,
    ), summary
    assert "after 1.json: output Number = 1" in summary
    assert (
        "2.json: UPDATE_ROLLBACK_COMPLETE, because Bad failed to create: Resource handler "
        'returned message: "CreateModelPackage failed: Model Package Group no-such-group'
    ) in summary


def test_the_summary_prints_no_empty_tags(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version(Tags=[])}))

    assert "tags" not in stack.story[-1]
    assert "(Completed; PendingManualApproval)" in stack.story[-1]
    assert stack.delete()
