"""Executing a change set (driver/executor.py): deletion and replacement policies on the way,
and replacements cleaned up after the update, a version before its group. Through the stack
against the backend; SageMaker's state is read back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.rehearsal import GROUP, Writer, group_resource, groups, packages, version

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_retain_policies_leave_packages_in_sagemaker(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    kept = {"UpdateReplacePolicy": "Retain"}
    assert stack.deploy(
        revision({"Models": group_resource(DeletionPolicy="Retain"), "Version": version() | kept})
    )
    first = stack.resources["Version"].physical_id
    retrained = version("s3://models/churn/2/model.tar.gz") | kept
    assert stack.deploy(
        revision({"Models": group_resource(DeletionPolicy="Retain"), "Version": retrained})
    )
    second = stack.resources["Version"].physical_id

    assert stack.delete()

    assert set(packages(sagemaker)) == {first}  # superseded, retained; the current one deleted
    assert second not in packages(sagemaker)
    assert groups(sagemaker) == [GROUP]
    assert [r.physical_id for r in stack.retained] == [first, stack.retained[1].physical_id]
    assert stack.events.statuses("Models")[-1] == "DELETE_SKIPPED"


def test_a_renamed_group_and_its_version_are_replaced_and_cleaned_up_version_first(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    renamed = group_resource()
    renamed["Properties"]["ModelPackageGroupName"] = "renamed"

    assert stack.deploy(revision({"Models": renamed, "Version": version()}))

    assert stack.status == "UPDATE_COMPLETE"
    assert groups(sagemaker) == ["renamed"]  # the old group, emptied first, is gone
    (described,) = packages(sagemaker).values()
    assert described["ModelPackageGroupName"] == "renamed"
    assert "DELETE_FAILED" not in [status for _, status, _ in stack.events.lines]
    assert stack.delete()
