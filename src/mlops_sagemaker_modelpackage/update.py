"""Update in place: approval, metadata, added specifications and tags; never a create-only field.

Phases (callbackContext["phase"]), each safe to run again:
  (none)     refuse create-only changes; send one UpdateModelPackage with only what changed
             (versioned) or the tag calls (unversioned) -> "stabilize"
  stabilize  wait while SageMaker reprocesses the package, then read it back
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import tags
from .errors import TYPE_NAME, service_call
from .models import ResourceHandlerRequest
from .package import describe_existing, failure_text, keep_waiting, read_back, watch
from .progress import (
    TRANSIENT_ERRORS,
    CallbackContext,
    Clock,
    Invocation,
    Stage,
    WaitPolicy,
    retry_later,
    success,
)
from .translate import (
    Plain,
    create_only_changes,
    desired_state,
    in_place_changes,
    is_versioned_arn,
    new_specs_wanted,
    previous_state,
    to_model,
    update_request,
    validate_desired,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)


def run(
    client: SageMakerClient,
    request: ResourceHandlerRequest,
    context: CallbackContext,
    clock: Clock | None = None,
    policy: WaitPolicy | None = None,
) -> ProgressEvent:
    invocation = Invocation.begin(clock, policy)
    desired = desired_state(request)
    previous = previous_state(request)
    arn = desired.get("ModelPackageArn") or previous.get("ModelPackageArn")
    if not arn:
        raise exceptions.NotFound(TYPE_NAME, "(no ModelPackageArn in the request)")
    identified = {**desired, "ModelPackageArn": arn}
    if context.get("phase") != "stabilize":
        try:
            _apply(client, request, arn, previous, desired)
        except TRANSIENT_ERRORS as error:
            return retry_later(to_model(identified), context, error, "UpdateModelPackage")
        context = {**context, "phase": "stabilize", "since": invocation.started}
    try:
        return _stabilize(
            client, request, arn=arn, identified=identified, context=context, invocation=invocation
        )
    except TRANSIENT_ERRORS as error:
        return retry_later(to_model(identified), context, error, "Waiting for the package")


def _apply(
    client: SageMakerClient,
    request: ResourceHandlerRequest,
    arn: str,
    previous: Plain,
    desired: Plain,
) -> None:
    fixed = create_only_changes(previous, desired)
    if fixed:
        raise exceptions.NotUpdatable(
            f"{', '.join(fixed)} cannot be changed on an existing model package; CloudFormation "
            "replaces the package when a create-only property changes."
        )
    validate_desired(desired)
    if is_versioned_arn(arn):
        current_specs = None
        if new_specs_wanted(previous, desired):
            current_specs = describe_existing(client, arn).get(
                "AdditionalInferenceSpecifications", []
            )
        parameters = update_request(arn, previous, desired, current_specs)
        if parameters is None:
            LOG.info("Nothing to send for %s", arn)
            return
        with service_call("UpdateModelPackage", arn):
            client.update_model_package(**parameters)
        LOG.info(
            "UpdateModelPackage %s: %s",
            arn,
            sorted(k for k in parameters if k != "ModelPackageArn"),
        )
        return
    changed = in_place_changes(previous, desired)
    if changed:
        raise exceptions.NotUpdatable(
            f"{', '.join(changed)} cannot be changed on an unversioned model package: "
            "SageMaker's UpdateModelPackage updates versioned packages only."
        )
    delta = tags.TagDelta.between(
        tags.effective_tags(previous.get("Tags"), request.previousResourceTags),
        tags.effective_tags(desired.get("Tags"), request.desiredResourceTags),
    )
    if delta:
        tags.apply(client, arn, delta)


def _stabilize(
    client: SageMakerClient,
    request: ResourceHandlerRequest,
    *,
    arn: str,
    identified: Plain,
    context: CallbackContext,
    invocation: Invocation,
) -> ProgressEvent:
    observed = watch(client, arn, invocation, float(context["since"]))
    if observed.stage is Stage.FAILED:
        raise exceptions.NotStabilized(
            f"SageMaker failed model package {arn} after the update: "
            f"{failure_text(observed.described)}"
        )
    if observed.stage is Stage.WAITING:
        return keep_waiting("update", to_model(identified), context, observed, invocation)
    model = read_back(client, arn, identified, request.desiredResourceTags, observed.described)
    return success(to_model(model))
