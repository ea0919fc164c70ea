"""Create: register the package, wait for SageMaker to complete it, then read it back.

Phases (runner.Context.phase), each safe to run again:
  (none)     validate, CreateModelPackage with an idempotency token -> "stabilize"
  stabilize  watch the status; Completed -> apply what create could not take, read back;
             Failed (or any error once the package exists) -> "cleanup", with the reason kept
             in the context before anything is deleted, so a replay still reports it
  cleanup    delete the package that could not be completed, then fail with the reason
"""

from __future__ import annotations

import logging

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import runner, tags
from .budget import HandBack
from .describe import describe, failure_text, read_back
from .errors import TYPE_NAME, failure, service_call
from .progress import TRANSIENT_ERRORS, in_progress, success
from .runner import Execution
from .status import Stage
from .translate import (
    Plain,
    after_create_request,
    client_token,
    create_request,
    generated_name,
    to_model,
)
from .validation import validate_desired
from .waiting import watch

LOG = logging.getLogger(__name__)
FIRST_CREATE_RETRY_SECONDS = 2.0


def _register(execution: Execution) -> None:
    """CreateModelPackage; the same request token sends the same ClientToken, so a create
    invoked again after a lost response gets the package the first call made."""
    request, desired = execution.request, execution.request.desired
    validate_desired(desired)
    token = client_token(desired.get("ClientToken"), request.token)
    name = None
    package_tags: list[dict[str, str]] = []
    if not desired.get("ModelPackageGroupName"):
        name = desired.get("ModelPackageName") or generated_name(
            request.stack_id, request.logical_id, request.token
        )
        package_tags = tags.as_tag_list(
            tags.effective_tags(desired.get("Tags"), request.stack_tags)
        )
    elif request.stack_tags:
        LOG.info(
            "Stack-level tags %s not applied: a versioned package takes its group's tags",
            sorted(request.stack_tags),
        )
    parameters = create_request(desired, name=name, token=token, tags=package_tags)
    arn = _create(execution, parameters, name)
    LOG.info("CreateModelPackage returned %s", arn)
    execution.context.arn = arn
    if name and not desired.get("ModelPackageName"):
        execution.context.name = name
    execution.move_to("stabilize")


def _create(execution: Execution, parameters: Plain, name: str | None) -> str:
    """CreateModelPackage, retried inside this invocation while SageMaker is busy or throttles.

    Until it answers there is no identifier, and the contract lets a create answer without one
    only with FAILED: so the retries (safe, with the same ClientToken) happen here, with
    growing sleeps, for as long as the invocation's budget allows. A conflict is retried too:
    a replayed create (its first response lost) may meet the package its first call made, and
    the same ClientToken then returns that package; only a refusal of the name itself means
    another package holds it.
    """
    client, delay = execution.client, FIRST_CREATE_RETRY_SECONDS
    target = name or parameters.get("ModelPackageGroupName")
    deleting_seen = False
    while True:
        try:
            with service_call("CreateModelPackage", target):
                return str(client.create_model_package(**parameters)["ModelPackageArn"])
        except exceptions.InvalidRequest as error:
            if name is None:
                raise
            holder = describe(client, name, deleting_is_gone=False)
            if holder is None and not deleting_seen:
                raise  # refused for another reason than the name
            if holder is not None and holder.get("ModelPackageStatus") != "Deleting":
                raise exceptions.AlreadyExists(TYPE_NAME, name) from error
            deleting_seen = True  # (or the deletion just ended: the name is free now)
            if not execution.invocation.budget.allows(delay):
                raise exceptions.ResourceConflict(
                    f"A model package named '{name}' is still being deleted (status Deleting), "
                    "and SageMaker frees the name only when the deletion ends. Nothing was "
                    "created: deploy again in a few minutes, or choose another name."
                ) from error
            LOG.info("%s is being deleted; creating it again in %.0f s", name, delay)
        except exceptions._HandlerError as error:
            retryable = isinstance(error, TRANSIENT_ERRORS) and not isinstance(error, HandBack)
            if not (retryable and execution.invocation.budget.allows(delay)):
                raise
            LOG.info("CreateModelPackage: %s; trying again in %.0f s", error, delay)
        execution.invocation.clock.sleep(delay)
        delay *= 2


def _stabilize(execution: Execution) -> ProgressEvent:
    client, arn = execution.client, execution.arn
    observed = watch(
        client,
        arn,
        execution.invocation,
        execution.since,
        just_created=True,
    )
    if observed.stage is Stage.FAILED:
        raise exceptions.NotStabilized(
            f"SageMaker failed model package {arn}: {failure_text(observed.described)}."
        )
    if observed.stage is Stage.WAITING:
        return execution.keep_waiting(observed)
    follow_up = after_create_request(arn, execution.request.desired)
    described = observed.described
    if follow_up is not None:
        with service_call("UpdateModelPackage", arn):
            client.update_model_package(**follow_up)
        described = None  # changed since the last look
    return success(to_model(read_back(client, arn, described)))


def _clean_up_later(execution: Execution, error: exceptions._HandlerError) -> ProgressEvent:
    """A create that fails once its package exists deletes the package: a FAILED event
    carries no model, so CloudFormation may never learn the ARN. The reason goes into the
    context first; the deletion happens in the next invocation."""
    context = execution.context
    if not context.arn or context.phase == "cleanup":
        raise error
    LOG.info("Create of %s failed (%s); deleting the package", context.arn, error)
    context.phase = "cleanup"
    context.failure_code = type(error).__name__
    context.failure_message = str(error)
    context.failures = 0
    return in_progress(
        execution.identified(),
        context.to_json(),
        1,
        f"{error} Deleting the package so that nothing is left behind.",
    )


def _cleanup(execution: Execution) -> ProgressEvent:
    client, arn, context = execution.client, execution.arn, execution.context
    reason = failure(
        context.failure_code or "GeneralServiceException", context.failure_message or ""
    )
    try:
        with service_call("DeleteModelPackage", arn):
            client.delete_model_package(ModelPackageName=arn)
        outcome = _after_delete(execution)
    except exceptions.NotFound:
        outcome = f"The package {arn} no longer exists."
    except TRANSIENT_ERRORS as error:
        if not execution.out_of_time():
            raise
        outcome = f"The package {arn} could not be deleted ({error}); delete it by hand."
    except exceptions._HandlerError as error:
        outcome = f"The package {arn} could not be deleted ({error}); delete it by hand."
    # Returned, not raised: the runner would retry a reason that is itself transient.
    return failure(type(reason).__name__, f"{reason} {outcome}").to_progress_event()


def _after_delete(execution: Execution) -> str:
    """What became of the deleted package, once this invocation's polling budget is spent."""
    arn = execution.arn
    try:
        observed = watch(
            execution.client,
            arn,
            execution.invocation,
            execution.invocation.started,
            until_gone=True,
        )
    except exceptions._HandlerError as error:
        return f"Deleting the package {arn} was accepted ({error} when looking again)."
    if observed.stage is Stage.GONE:
        return f"The package {arn} was deleted, so nothing is left behind."
    return (
        f"Deleting the package {arn} was accepted; SageMaker still reports it {observed.status}, "
        "and removes it by itself: nothing else is left behind."
    )


run = runner.Workflow(
    "create",
    {"": _register, "stabilize": _stabilize, "cleanup": _cleanup},
    needs_identifier=False,
    on_failure=_clean_up_later,
)
