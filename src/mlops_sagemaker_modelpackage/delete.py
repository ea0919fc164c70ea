"""Delete: DeleteModelPackage by ARN, then wait until SageMaker no longer knows the package.

Phases (runner.CallbackContext.phase), each safe to run again:
  (none)      DeleteModelPackage (missing -> NotFound) -> "await_gone"
  await_gone  Describe until "does not exist"; a package that is not Deleting past a short
              grace (the delete did not take, or the context came from elsewhere) is
              deleted again, instead of waited on for the whole timeout
"""

from __future__ import annotations

import logging

from cloudformation_cli_python_lib.interface import ProgressEvent

from . import runner
from .errors import service_call
from .progress import success
from .runner import Execution
from .status import Stage
from .waiting import watch

LOG = logging.getLogger(__name__)
# Right after DeleteModelPackage, Describe can briefly report the status before the deletion.
DELETE_VISIBILITY_GRACE_SECONDS = 30.0


def _delete(execution: Execution) -> None:
    client, arn = execution.client, execution.arn
    with service_call("DeleteModelPackage", arn):
        client.delete_model_package(ModelPackageName=arn)
    LOG.info("DeleteModelPackage %s accepted", arn)
    execution.move_to("await_gone")


def _await_gone(execution: Execution) -> ProgressEvent | None:
    observed = watch(
        execution.client,
        execution.arn,
        execution.invocation,
        execution.since,
        until_gone=True,
    )
    if observed.stage is Stage.GONE:
        return success(None)  # delete's SUCCESS carries no model
    not_deleting = observed.status != "Deleting"
    if not_deleting and (
        execution.context.since is None or observed.waited >= DELETE_VISIBILITY_GRACE_SECONDS
    ):
        LOG.info("%s is %s, not being deleted: deleting it again", execution.arn, observed.status)
        execution.move_to("")
        return None
    return execution.keep_waiting(observed)


run = runner.Workflow("delete", {"": _delete, "await_gone": _await_gone})
