"""Drift detection (driver/drift.py): in sync after a deploy, changes made behind the stack's
back, the schema's property transform, and the write-only list whose appended specifications
READ returns under another property. SageMaker is changed and read through the backend."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import drift
from mlops_sagemaker_modelpackage_local.driver.schema import TypeSchema, type_schema
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.cfn import ACCOUNT, REGION
from tests.support.rehearsal import GROUP, OURS, Writer, group_resource, packages, version

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_drift_in_sync_after_deploy_then_modified_behind_the_stacks_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    unversioned: Json = {
        "Type": OURS,
        "Properties": {
            "ModelPackageName": "drifty",
            "InferenceSpecification": version()["Properties"]["InferenceSpecification"],
            "Tags": [{"Key": "team", "Value": "ml"}],
        },
    }
    named = version(ModelPackageGroupName=GROUP)  # by name: no name-vs-ARN transform needed
    template = revision(
        {"Models": group_resource(), "Version": {**named, "DependsOn": "Models"}, "U": unversioned}
    )
    assert stack.deploy(template)
    assert drift.detect(stack), stack.events.lines[-2:]
    assert stack.events.statuses("Version")[-1] == "DRIFT IN_SYNC"

    version_arn = stack.resources["Version"].physical_id
    sagemaker.update_model_package(ModelPackageArn=version_arn, ModelApprovalStatus="Approved")
    package_arn = stack.resources["U"].physical_id
    sagemaker.add_tags(ResourceArn=package_arn, Tags=[{"Key": "added", "Value": "by hand"}])

    assert drift.detect(stack) is False

    reasons = {name: reason for name, status, reason in stack.events.lines[-2:]}
    assert reasons["Version"] == (
        '/ModelApprovalStatus: NOT_EQUAL expected "PendingManualApproval" actual "Approved"'
    )
    # Tags are unordered (insertionOrder: false): the path is the tag's index in what READ returned
    assert re.fullmatch(
        r'/Tags/[01]: ADD expected null actual \{"Key": "added", "Value": "by hand"\}', reasons["U"]
    ), reasons["U"]
    assert stack.events.statuses("U")[-1] == "DRIFT MODIFIED"
    assert stack.delete()


def test_drift_applies_the_schemas_property_transform() -> None:
    ours = type_schema(OURS)
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{GROUP}"
    expected = {"ModelPackageGroupName": arn, "CustomerMetadataProperties": {"auc": 0.9}}
    actual: Json = {"ModelPackageGroupName": GROUP, "CustomerMetadataProperties": {"auc": "0.9"}}
    without = TypeSchema({**ours.document, "propertyTransform": {}})
    assert [d.path for d in drift.compare(without, expected, actual)] == ["/ModelPackageGroupName"]
    transforms = {
        "/properties/ModelPackageGroupName": (
            'ModelPackageGroupName $OR $split(ModelPackageGroupName, "/")[-1]'
        )
    }
    transformed = TypeSchema({**ours.document, "propertyTransform": transforms})
    assert drift.compare(transformed, expected, actual) == []
    actual["CustomerMetadataProperties"]["extra"] = "x"
    (difference,) = drift.compare(transformed, expected, actual)
    assert (difference.path, difference.kind) == ("/CustomerMetadataProperties/extra", "ADD")


def test_drift_explains_specifications_appended_by_the_write_only_list(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    spec = version()["Properties"]["InferenceSpecification"]
    at_create = {"Name": "cpu", **spec}
    appended = {"Name": "inferentia2", **spec}
    both = version(
        AdditionalInferenceSpecifications=[at_create],
        AdditionalInferenceSpecificationsToAdd=[appended],
    )
    output = io.StringIO()
    stack.events.stream = output
    assert stack.deploy(revision({"Models": group_resource(), "Version": both}))

    assert drift.detect(stack) is False  # what CloudFormation reports too

    (described,) = packages(sagemaker).values()
    names = [s["Name"] for s in described["AdditionalInferenceSpecifications"]]
    assert names == ["cpu", "inferentia2"]
    text = output.getvalue()
    assert "DRIFT MODIFIED" in text
    assert re.search(
        r"note: /AdditionalInferenceSpecifications/1 was appended by "
        r"AdditionalInferenceSpecificationsToAdd \(write-only\), and READ returns it under "
        r"AdditionalInferenceSpecifications",
        text,
    ), text
    assert any("note: /AdditionalInferenceSpecifications/1" in line for line in stack.story)
    assert stack.delete()
