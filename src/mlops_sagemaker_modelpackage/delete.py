"""Delete: DeleteModelPackage by ARN, then wait until SageMaker no longer knows the package.

Phases (callbackContext["phase"]), each safe to run again:
  (none)      DeleteModelPackage (missing -> NotFound) -> "await_gone"
  await_gone  Describe until "does not exist", whatever status it passes through
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from .errors import TYPE_NAME, service_call
from .models import ResourceHandlerRequest
from .package import keep_waiting, watch
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
from .translate import desired_state, to_model

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
    arn = desired_state(request).get("ModelPackageArn")
    if not arn:
        raise exceptions.NotFound(TYPE_NAME, "(no ModelPackageArn in the request)")
    identified = to_model({"ModelPackageArn": arn})
    if context.get("phase") != "await_gone":
        try:
            with service_call("DeleteModelPackage", arn):
                client.delete_model_package(ModelPackageName=arn)
        except TRANSIENT_ERRORS as error:
            return retry_later(identified, context, error, "DeleteModelPackage")
        LOG.info("DeleteModelPackage %s accepted", arn)
        context = {**context, "phase": "await_gone", "since": invocation.started}
    try:
        observed = watch(client, arn, invocation, float(context["since"]), until_gone=True)
    except TRANSIENT_ERRORS as error:
        return retry_later(identified, context, error, "Waiting for the deletion")
    if observed.stage is Stage.GONE:
        return success(None)  # delete's SUCCESS carries no model
    return keep_waiting("delete", identified, context, observed, invocation)
