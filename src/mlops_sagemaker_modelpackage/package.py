"""Describing one model package: read it back as a model, watch its status while waiting."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib import exceptions

from . import tags
from .errors import TYPE_NAME, service_call
from .progress import Invocation, Stage, stage_of
from .translate import Plain, is_versioned_arn, model_from_describe

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)

# Right after CreateModelPackage, Describe can briefly answer "does not exist".
CREATE_VISIBILITY_GRACE_SECONDS = 30.0


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


def read_back(client: SageMakerClient, arn: str, described: Plain | None = None) -> Plain:
    """The model as SageMaker holds it, in its canonical form (reusing a Describe in hand)."""
    if described is None:
        described = describe_existing(client, arn)
    package_tags = None if is_versioned_arn(arn) else tags.read(client, arn)
    return model_from_describe(described, package_tags)


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


@dataclass(frozen=True)
class Observation:
    """The last look at a package while waiting."""

    stage: Stage
    described: Plain | None
    waited: float

    @property
    def status(self) -> str:
        if self.described is None:
            return "gone"
        return str(self.described.get("ModelPackageStatus", "unknown"))


def watch(
    client: SageMakerClient,
    arn: str,
    invocation: Invocation,
    since: float,
    *,
    until_gone: bool = False,
    just_created: bool = False,
) -> Observation:
    """Look at the package now and again, while this invocation's budget allows.

    Returns at the first final observation (Completed or Failed; gone when `until_gone`), or
    with a WAITING observation when the budget is spent. A package that vanishes while we wait
    for completion is NotFound, except briefly after create (eventual consistency).
    """
    clock, policy = invocation.clock, invocation.policy
    while True:
        described = describe(client, arn, deleting_is_gone=not until_gone)
        waited = clock.now() - since
        if described is None:
            if until_gone:
                return Observation(Stage.GONE, None, waited)
            if not (just_created and waited < CREATE_VISIBILITY_GRACE_SECONDS):
                raise exceptions.NotFound(TYPE_NAME, arn)
            stage = Stage.WAITING
        else:
            stage = Stage.WAITING if until_gone else stage_of(described.get("ModelPackageStatus"))
        if stage is not Stage.WAITING:
            return Observation(stage, described, waited)
        if not invocation.may_poll_again(waited):
            return Observation(stage, described, waited)
        clock.sleep(policy.interval(waited))
