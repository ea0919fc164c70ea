"""Running the rehearsal's command line in a test, the templates tests write (resources of
either type, numbered revisions) and what SageMaker holds afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.models import IMAGE

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

OURS = "MLOps::SageMaker::ModelPackage"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`modelpackage-rehearse ARGV` in this process: the exit status, stdout and stderr."""
    code = driver_main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def unversioned(**properties: Any) -> Json:
    """A template resource of our type: an unversioned package with `properties` added."""
    return {
        "Type": OURS,
        "Properties": {
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/m.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            **properties,
        },
    }


GROUP = "driver-churn"


def group_resource(**policies: str) -> Json:
    return {
        "Type": "AWS::SageMaker::ModelPackageGroup",
        "Properties": {"ModelPackageGroupName": GROUP},
        **policies,
    }


def version(data: str = "s3://models/churn/1/model.tar.gz", **properties: Any) -> Json:
    """A version in the group, pending approval unless `properties` say otherwise."""
    return {
        "Type": OURS,
        "Properties": {
            "ModelPackageGroupName": {"Ref": "Models"},
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": data}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            **properties,
        },
    }


def failing(**extra: Any) -> Json:
    """A version that passes the schema and that SageMaker refuses (InvalidRequest: the group
    it names does not exist)."""
    resource = version("s3://models/challenger/model.tar.gz", ModelPackageGroupName="no-such-group")
    return {**resource, "DependsOn": "Version", **extra}


APPROVED: Json = {"ModelApprovalStatus": "Approved", "CustomerMetadataProperties": {"auc": "0.93"}}


class Writer:
    """Writes numbered template revisions into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, resources: Json, **sections: Any) -> Template:
        self.count += 1
        path = self.folder / f"{self.count}.json"
        path.write_text(json.dumps({"Resources": resources, **sections}))
        return Template.load(path)


def packages(sagemaker: SageMakerClient) -> dict[str, Json]:
    """Every model package SageMaker has, described, by ARN."""
    listed = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    return {
        p["ModelPackageArn"]: dict(
            sagemaker.describe_model_package(ModelPackageName=p["ModelPackageArn"])
        )
        for p in listed
    }


def groups(sagemaker: SageMakerClient) -> list[str]:
    listed = sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"]
    return [g["ModelPackageGroupName"] for g in listed]


MAPPED: Json = {
    "Transform": "AWS::LanguageExtensions",
    "Parameters": {
        "Environment": {
            "Type": "String",
            "Default": "dev",
            "AllowedValues": ["dev", "staging", "prod"],
        }
    },
    "Mappings": {
        "Stages": {
            "prod": {"Approval": "Approved", "Description": "serving"},
            "dev": {"Approval": "PendingManualApproval"},
        }
    },
}


def mapped_version() -> Json:
    return version(
        ModelApprovalStatus={"Fn::FindInMap": ["Stages", {"Ref": "Environment"}, "Approval"]},
        ModelPackageDescription={
            "Fn::FindInMap": [
                "Stages",
                {"Ref": "Environment"},
                "Description",
                {"DefaultValue": {"Fn::Sub": "rehearsal in ${Environment}"}},
            ]
        },
    )


GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"


def write(folder: Path, name: str, resources: Json, **sections: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"Resources": resources, **sections}))
    return path
