"""Register trained churn models in the SageMaker model registry, as a training pipeline does.

This is the register step at the end of a training pipeline (a SageMaker Pipelines Lambda or
processing step, or the tail of a training script): a model package group for the use case,
then one version per training run, pending manual approval, with its evaluation metrics, the
training job and the commit it came from. Two runs are registered here, October's and
November's, so that there is something to adopt.

In an account: `python register_versions.py` (your credentials and region). Locally the driver
runs it first with `--before`, with AWS_ENDPOINT_URL_SAGEMAKER pointing at its embedded
SageMaker: the script is the same, boto3 does the rest.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
BUCKET = "s3://mlops-demo-models/churn"
RUNS = [
    {"date": "2026-10-01", "auc": "0.91", "commit": "4f2c9e1"},
    {"date": "2026-11-01", "auc": "0.93", "commit": "a81d07b"},
]


def ensure_group(sagemaker: SageMakerClient, group: str) -> None:
    """Create the use case's model package group unless it exists (SageMaker answers a
    missing group with a ValidationException)."""
    try:
        sagemaker.describe_model_package_group(ModelPackageGroupName=group)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        sagemaker.create_model_package_group(
            ModelPackageGroupName=group,
            ModelPackageGroupDescription="Churn classifiers, one version per training run",
            Tags=[{"Key": "team", "Value": "churn-squad"}],
        )


def register(sagemaker: SageMakerClient, group: str, run: dict[str, str]) -> str:
    """One training run's model as a new version, pending manual approval."""
    job = f"churn-xgb-{run['date']}"
    artifacts = f"{BUCKET}/{run['date']}"
    response = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelPackageDescription=f"XGBoost churn classifier trained on the {run['date']} snapshot",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [
                {
                    "Image": IMAGE,
                    "ModelDataUrl": f"{artifacts}/output/model.tar.gz",
                    "Framework": "XGBOOST",
                    "FrameworkVersion": "1.7",
                }
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
            "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
        },
        ModelMetrics={
            "ModelQuality": {
                "Statistics": {
                    "ContentType": "application/json",
                    "S3Uri": f"{artifacts}/evaluation/statistics.json",
                }
            }
        },
        MetadataProperties={
            "CommitId": run["commit"],
            "Repository": "https://git.example.com/ml/churn",
            "GeneratedBy": f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{job}",
        },
        CustomerMetadataProperties={"training-job": job, "auc": run["auc"]},
        Domain="MACHINE_LEARNING",
        Task="CLASSIFICATION",
    )
    arn: str = response["ModelPackageArn"]
    return arn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="churn-models", help="model package group name")
    group = parser.parse_args().group
    sagemaker: SageMakerClient = boto3.client("sagemaker")
    ensure_group(sagemaker, group)
    for run in RUNS:
        print(f"registered {register(sagemaker, group, run)} (PendingManualApproval)")


if __name__ == "__main__":
    main()
