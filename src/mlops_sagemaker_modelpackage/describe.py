"""Describing one model package: DescribeModelPackage by ARN, the model read back from it, and
the failure reasons it reports."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib import exceptions

from . import tags
from .errors import TYPE_NAME, service_call
from .translate import Plain, is_versioned_arn, model_from_describe

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)


def describe(client: SageMakerClient, arn: str, *, deleting_is_gone: bool = True) -> Plain | None:
    """DescribeModelPackage by ARN; None when the package does not exist.

    A package SageMaker is deleting is gone for every purpose but waiting for the deletion:
    it can be neither read nor updated, and it will not be there a moment later.
    """
    try:
        with service_call("DescribeModelPackage", arn):
            response: Any = client.describe_model_package(ModelPackageName=arn)
    except exceptions.NotFound:
        return None
    described: Plain = dict(response)
    described.pop("ResponseMetadata", None)
    if deleting_is_gone and described.get("ModelPackageStatus") == "Deleting":
        LOG.info("Model package %s is being deleted", arn)
        return None
    return described


def describe_existing(client: SageMakerClient, arn: str) -> Plain:
    described = describe(client, arn)
    if described is None:
        raise exceptions.NotFound(TYPE_NAME, arn)
    return described


def read_back(
    client: SageMakerClient,
    arn: str,
    described: Plain | None = None,
    caller_account: str | None = None,
) -> Plain:
    """The model as SageMaker holds it, in its canonical form (reusing a Describe in hand), as
    seen from `caller_account` (a group in another account is named by its ARN)."""
    if described is None:
        described = describe_existing(client, arn)
    package_tags = None if is_versioned_arn(arn) else tags.read(client, arn)
    return model_from_describe(described, package_tags, caller_account)


def failure_text(described: Plain | None) -> str:
    """Every failure reason in one sentence, or a plain statement that there was none."""
    reasons = failure_reasons(described or {})
    return "; ".join(reasons) if reasons else "SageMaker gave no failure reason"


def failure_reasons(described: Plain) -> list[str]:
    """Every FailureReason SageMaker reports, naming the step it belongs to."""
    details = described.get("ModelPackageStatusDetails") or {}
    reasons = []
    for kind, label in (("ValidationStatuses", "validation"), ("ImageScanStatuses", "image scan")):
        for item in details.get(kind) or []:
            if item.get("Status") == "Failed" or item.get("FailureReason"):
                reason = item.get("FailureReason") or "no reason given"
                reasons.append(f"{label} '{item.get('Name', '?')}': {reason}")
    return reasons
