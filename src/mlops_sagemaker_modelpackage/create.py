"""Create: register the package, wait for SageMaker to complete it, then read it back.

Phases (callbackContext["phase"]), each safe to run again:
  (none)     validate, CreateModelPackage with an idempotency token -> "stabilize"
  stabilize  watch the status; Completed -> apply what create could not take, read back;
             Failed -> delete the failed package and fail with every reason SageMaker gave
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import tags
from .errors import service_call
from .models import ResourceHandlerRequest
from .package import failure_text, keep_waiting, read_back, watch
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
    PlainModel,
    after_create_request,
    client_token,
    create_request,
    desired_state,
    generated_name,
    to_model,
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
    if not context.get("arn"):
        # Before CreateModelPackage answers there is no identifier for an IN_PROGRESS event:
        # errors here fail the operation (nothing exists yet, and a retry reuses the token).
        context = _register(client, request, desired, invocation)
    try:
        try:
            return _stabilize(client, request, desired, context, invocation)
        except TRANSIENT_ERRORS as error:
            return retry_later(
                _identified(desired, context), context, error, "Creating the package"
            )
    except exceptions._HandlerError as failure:
        # A FAILED event carries no model, so CloudFormation may never learn this ARN:
        # a package whose create fails is deleted rather than left behind untracked.
        raise _abandoned(client, str(context["arn"]), failure) from failure


def _identified(desired: Plain, context: CallbackContext) -> PlainModel:
    identified = {**desired, "ModelPackageArn": context["arn"]}
    if context.get("name"):
        identified["ModelPackageName"] = context["name"]
    return to_model(identified)


def _register(
    client: SageMakerClient, request: ResourceHandlerRequest, desired: Plain, invocation: Invocation
) -> CallbackContext:
    validate_desired(desired)
    token = client_token(desired.get("ClientToken"), request.clientRequestToken)
    versioned = bool(desired.get("ModelPackageGroupName"))
    name = None
    package_tags: list[dict[str, str]] = []
    if not versioned:
        name = desired.get("ModelPackageName") or generated_name(
            request.stackId, request.logicalResourceIdentifier, request.clientRequestToken
        )
        package_tags = tags.as_tag_list(
            tags.effective_tags(desired.get("Tags"), request.desiredResourceTags)
        )
    elif request.desiredResourceTags:
        LOG.info(
            "Stack-level tags %s not applied: a versioned package takes its group's tags",
            sorted(request.desiredResourceTags),
        )
    parameters = create_request(desired, name=name, token=token, tags=package_tags)
    with service_call("CreateModelPackage", name or desired.get("ModelPackageGroupName")):
        arn = client.create_model_package(**parameters)["ModelPackageArn"]
    LOG.info("CreateModelPackage returned %s", arn)
    context: CallbackContext = {"phase": "stabilize", "arn": arn, "since": invocation.started}
    if name and not desired.get("ModelPackageName"):
        context["name"] = name
    return context


def _stabilize(
    client: SageMakerClient,
    request: ResourceHandlerRequest,
    desired: Plain,
    context: CallbackContext,
    invocation: Invocation,
) -> ProgressEvent:
    arn = str(context["arn"])
    identified = _identified(desired, context).data
    observed = watch(client, arn, invocation, float(context["since"]), just_created=True)
    if observed.stage is Stage.FAILED:
        LOG.info("Model package %s failed: %s", arn, failure_text(observed.described))
        raise exceptions.NotStabilized(
            f"SageMaker failed model package {arn}: {failure_text(observed.described)}."
        )
    if observed.stage is Stage.WAITING:
        return keep_waiting("create", to_model(identified), context, observed, invocation)
    follow_up = after_create_request(arn, desired)
    described = observed.described
    if follow_up is not None:
        with service_call("UpdateModelPackage", arn):
            client.update_model_package(**follow_up)
        described = None  # changed since the last look
    model = read_back(client, arn, identified, request.desiredResourceTags, described)
    return success(to_model(model))


def _abandoned(
    client: SageMakerClient, arn: str, failure: exceptions._HandlerError
) -> exceptions._HandlerError:
    """The same error, once the package it leaves behind is deleted (and saying so)."""
    try:
        with service_call("DeleteModelPackage", arn):
            client.delete_model_package(ModelPackageName=arn)
        cleanup = f"The package {arn} was deleted, so nothing is left behind."
    except exceptions.NotFound:
        cleanup = f"The package {arn} no longer exists."
    except exceptions._HandlerError as error:
        cleanup = f"The package {arn} could not be deleted ({error}); delete it by hand."
    abandoned = type(failure).__new__(type(failure))
    exceptions._HandlerError.__init__(abandoned, f"{failure} {cleanup}")
    return abandoned
