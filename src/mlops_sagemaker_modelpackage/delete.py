"""Delete: DeleteModelPackage by ARN, then wait until SageMaker no longer knows the package.

Phases (runner.Context.phase), each safe to run again:
  (none)      DeleteModelPackage (missing -> NotFound) -> "await_gone"
  await_gone  Describe until "does not exist", whatever status it passes through
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib.interface import ProgressEvent

from . import runner
from .budget import Clock
from .errors import service_call
from .progress import Stage, WaitPolicy, success
from .request import Request
from .runner import Operation
from .waiting import watch

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)


def run(
    client: SageMakerClient,
    request: Request,
    context: Mapping[str, Any] | None,
    clock: Clock | None = None,
    policy: WaitPolicy | None = None,
) -> ProgressEvent:
    return runner.run(
        "delete",
        {"": _delete, "await_gone": _await_gone},
        client,
        request,
        context,
        clock=clock,
        policy=policy,
    )


def _delete(operation: Operation) -> None:
    client, arn = operation.client, operation.arn
    with service_call("DeleteModelPackage", arn):
        client.delete_model_package(ModelPackageName=arn)
    LOG.info("DeleteModelPackage %s accepted", arn)
    operation.move_to("await_gone")


def _await_gone(operation: Operation) -> ProgressEvent:
    observed = watch(
        operation.client,
        operation.arn,
        operation.invocation,
        operation.since,
        until_gone=True,
    )
    if observed.stage is Stage.GONE:
        return success(None)  # delete's SUCCESS carries no model
    return operation.keep_waiting(observed)
