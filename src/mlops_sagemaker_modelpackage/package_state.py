"""One model package as SageMaker holds it: DescribeModelPackage by ARN, its tags (read and
written: tags.py keeps the pure tag sets and their diff), the model read back from both, and the
failure reasons it reports."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib import exceptions

from .arns import is_versioned
from .errors import TYPE_NAME, service_call
from .json_types import Json
from .tags import TagDelta, as_tag_list
from .translate import model_from_describe

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)


def describe(client: SageMakerClient, arn: str, *, deleting_is_gone: bool = True) -> Json | None:
    """DescribeModelPackage by ARN; None when the package does not exist.

    A package SageMaker is deleting is gone for every purpose but waiting for the deletion:
    it can be neither read nor updated, and it will not be there a moment later.
    """
    try:
        with service_call("DescribeModelPackage", arn):
            response: Any = client.describe_model_package(ModelPackageName=arn)
    except exceptions.NotFound:
        return None
    described: Json = dict(response)
    described.pop("ResponseMetadata", None)
    if deleting_is_gone and described.get("ModelPackageStatus") == "Deleting":
        LOG.info("Model package %s is being deleted", arn)
        return None
    return described


def describe_existing(client: SageMakerClient, arn: str) -> Json:
    described = describe(client, arn)
    if described is None:
        raise exceptions.NotFound(TYPE_NAME, arn)
    return described


def read_back(
    client: SageMakerClient,
    arn: str,
    caller_account: str | None,
    described: Json | None = None,
) -> Json:
    """The model as SageMaker holds it, in its canonical form (reusing a Describe in hand), as
    seen from `caller_account`, the account of the stack (a group in another account is named
    by its ARN): what CREATE, UPDATE and READ all return, so that each says the same."""
    if described is None:
        described = describe_existing(client, arn)
    package_tags = None if is_versioned(arn) else read_tags(client, arn)
    return model_from_describe(described, package_tags, caller_account)


def read_tags(client: SageMakerClient, arn: str) -> list[dict[str, str]]:
    """Every tag of the package, following NextToken."""
    tags: list[dict[str, str]] = []
    kwargs: dict[str, Any] = {"ResourceArn": arn, "MaxResults": 100}
    while True:
        with service_call("ListTags", arn):
            page = client.list_tags(**kwargs)
        tags.extend({"Key": t["Key"], "Value": t.get("Value", "")} for t in page.get("Tags", []))
        token = page.get("NextToken")
        if not token:
            return tags
        kwargs["NextToken"] = token


def apply_tags(client: SageMakerClient, arn: str, delta: TagDelta) -> None:
    """Send only the tag calls the delta needs."""
    if delta.to_remove:
        with service_call("DeleteTags", arn):
            client.delete_tags(ResourceArn=arn, TagKeys=delta.to_remove)
    if delta.to_set:
        with service_call("AddTags", arn):
            client.add_tags(ResourceArn=arn, Tags=as_tag_list(delta.to_set))  # type: ignore[arg-type]
    LOG.info("Tags of %s: set %s, removed %s", arn, sorted(delta.to_set), delta.to_remove)


def failure_text(described: Json | None) -> str:
    """Every failure reason in one sentence, or a plain statement that there was none."""
    reasons = failure_reasons(described or {})
    return "; ".join(reasons) if reasons else "SageMaker gave no failure reason"


def failure_reasons(described: Json) -> list[str]:
    """Every FailureReason SageMaker reports, naming the step it belongs to."""
    details = described.get("ModelPackageStatusDetails") or {}
    reasons = []
    for kind, label in (("ValidationStatuses", "validation"), ("ImageScanStatuses", "image scan")):
        for item in details.get(kind) or []:
            if item.get("Status") == "Failed" or item.get("FailureReason"):
                reason = item.get("FailureReason") or "no reason given"
                reasons.append(f"{label} '{item.get('Name', '?')}': {reason}")
    return reasons
