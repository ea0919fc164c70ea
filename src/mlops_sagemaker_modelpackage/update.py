"""Update in place: approval, metadata, added specifications and tags; never a create-only field.

Every update is decided from what SageMaker holds now (plan.py), so the same code serves a
stack update, its rollback (desired and previous swapped), a replay and the repair of drift.

Phases (runner.CallbackContext.phase), each safe to run again:
  (none)     describe the package, plan, send one UpdateModelPackage (versioned) or the tag
             calls (unversioned) with only what differs -> "stabilize" (or done, when nothing
             was sent and the package is complete)
  stabilize  wait while SageMaker reprocesses the package, then read it back; a package that
             does not hold the desired state (a damaged context skipped the update, or another
             writer changed it meanwhile) goes back to the first phase, at most
             MAX_APPLIES times in one operation: SUCCESS only when SageMaker holds it
"""

from __future__ import annotations

import logging

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import runner
from .errors import service_call
from .json_types import Json
from .package_state import apply_tags, describe_existing, failure_text, read_back
from .plan import UpdatePlan, plan_update, refuse_impossible
from .progress import success
from .runner import Execution
from .status import Stage, stage_of
from .translate import to_model
from .waiting import watch

LOG = logging.getLogger(__name__)
# Updates one operation sends before a package that still does not hold them is a failure.
MAX_APPLIES = 2


def _plan(execution: Execution, current: Json) -> UpdatePlan:
    request = execution.request
    return plan_update(
        execution.arn,
        request.desired,
        request.previous,
        current,
        stack_tags=request.stack_tags,
        previous_stack_tags=request.previous_stack_tags,
    )


def _apply(execution: Execution) -> ProgressEvent | None:
    client, arn, request = execution.client, execution.arn, execution.request
    refuse_impossible(request.desired, request.previous)
    described = describe_existing(client, arn)
    current = read_back(client, arn, request.account, described)
    plan = _plan(execution, current)
    if plan:
        execution.context.applied += 1
    if plan.update is not None:
        with service_call("UpdateModelPackage", arn):
            client.update_model_package(**plan.update)
        LOG.info(
            "UpdateModelPackage %s: %s",
            arn,
            sorted(k for k in plan.update if k != "ModelPackageArn"),
        )
        execution.move_to("stabilize")
        return None
    if plan.tags:
        apply_tags(client, arn, plan.tags)
    if stage_of(described.get("ModelPackageStatus")) is not Stage.DONE:
        execution.move_to("stabilize")  # still processing an earlier change
        return None
    if not plan.tags:
        LOG.info("Nothing to change on %s: it already is as desired", arn)
        return success(to_model(current))
    return success(to_model(read_back(client, arn, request.account, described)))


def _stabilize(execution: Execution) -> ProgressEvent | None:
    arn = execution.arn
    observed = watch(execution.client, arn, execution.invocation, execution.since)
    if observed.stage is Stage.FAILED:
        raise exceptions.NotStabilized(
            f"SageMaker failed model package {arn} after the update: "
            f"{failure_text(observed.described)}"
        )
    if observed.stage is Stage.WAITING:
        return execution.keep_waiting(observed)
    current = read_back(execution.client, arn, execution.request.account, observed.described)
    missing = _plan(execution, current)
    if not missing:
        return success(to_model(current))
    what = sorted(
        {*(missing.update or {}), *(["Tags"] if missing.tags else [])} - {"ModelPackageArn"}
    )
    if execution.context.applied >= MAX_APPLIES:
        raise exceptions.NotStabilized(
            f"SageMaker does not hold what the update sent to {arn} ({', '.join(what)}), "
            f"after {execution.context.applied} tries."
        )
    LOG.warning("%s does not hold the desired %s: updating it", arn, ", ".join(what))
    execution.move_to("")
    return None


run = runner.Workflow("update", {"": _apply, "stabilize": _stabilize})
