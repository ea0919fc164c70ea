"""Create: register the package, wait for SageMaker to complete it, then read it back.

Phases (runner.CallbackContext.phase), each safe to run again:
  (none)     validate, CreateModelPackage with an idempotency token -> "stabilize". When none of
             its answers arrives, the package it may have made is looked for (locate.py): found,
             the create goes on asking with the same token (across invocations, its ARN in the
             events) until SageMaker answers; not found, or not to be found, it fails saying
             so, with the token and how to find the package
  stabilize  watch the status; Completed -> apply what create could not take or must not say
             before validation (an approval), read back; Failed (or any error once the package
             exists) -> "cleanup", with the reason kept in the context before anything is
             deleted, so a replay still reports it
  cleanup    delete the package that could not be completed, then fail with the reason; a
             package that cannot be deleted is named in the FAILED event's model, so
             CloudFormation's rollback deletes it, and in its message
"""

from __future__ import annotations

import hashlib
import logging

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import budget, locate, runner, tags
from .budget import HandBack
from .errors import TYPE_NAME, HandlerError, failure, service_call
from .fields import makes_version
from .json_types import Json
from .package_state import describe, failure_text, read_back
from .plan import plan_update
from .progress import TRANSIENT_ERRORS, failed, in_progress, success
from .request import Request
from .runner import CallbackContext, Execution
from .status import Stage
from .translate import after_completion, client_token, create_request, generated_name, to_model
from .validation import validate_desired
from .waiting import watch

LOG = logging.getLogger(__name__)
FIRST_CREATE_RETRY_SECONDS = 2.0
FIRST_ATTEMPT_SLACK_SECONDS = 1.0
# Errors after which SageMaker may have made the package: no answer, or a server error.
UNANSWERED = (exceptions.NetworkFailure, exceptions.ServiceInternalError)


def _register(execution: Execution) -> None:
    """CreateModelPackage; the same request token sends the same ClientToken, so a create
    invoked again after a lost response gets the package the first call made."""
    request, desired = execution.request, execution.request.desired
    validate_desired(desired)
    token = _token(request)
    name = None
    package_tags: list[dict[str, str]] = []
    if not makes_version(desired):
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
    if name and not desired.get("ModelPackageName"):
        execution.context.name = name
    arn = _create(execution, parameters, name)
    LOG.info("CreateModelPackage returned %s", arn)
    if execution.context.arn not in (None, arn):
        LOG.warning(
            "%s was found for this create, but its ClientToken made %s", execution.context.arn, arn
        )
    _track(execution, arn)
    execution.move_to("stabilize")


def _token(request: Request) -> str:
    return client_token(request.desired.get("ClientToken"), request.token)


def _ownership(arn: str, token: str) -> str:
    return hashlib.sha256(f"{arn} {token}".encode()).hexdigest()[:16]


def _track(execution: Execution, arn: str) -> None:
    """The package is this create's: its ARN goes into every event, bound to the token."""
    execution.context.arn = arn
    execution.context.owner = _ownership(arn, _token(execution.request))


def _owns(request: Request, context: CallbackContext) -> bool:
    """Whether the context's ARN is a package this create's token made (or found): a damaged
    context, or one naming another package, starts the create over instead."""
    return context.arn is not None and context.owner == _ownership(context.arn, _token(request))


def _create(execution: Execution, parameters: Json, name: str | None) -> str:
    """CreateModelPackage, retried inside this invocation while SageMaker is busy or throttles.

    Until it answers there is no identifier, and the contract lets a create answer without one
    only with FAILED: so the retries (safe, with the same ClientToken) happen here, with
    growing sleeps, for as long as the invocation's budget allows. A conflict is retried too:
    a replayed create (its first response lost) may meet the package its first call made, and
    the same ClientToken then returns that package; only a refusal of the name itself means
    another package holds it. When an attempt got no answer, SageMaker may have made the
    package: it is looked for (locate.py) and, found, tracked, so that the runner can ask again
    in later invocations, in its name.
    """
    try:
        return _ask(execution, parameters, name)
    except TRANSIENT_ERRORS as error:
        if execution.context.arn:
            raise  # found before: the runner asks again later, in the package's name
        if not _unanswered(execution, error):
            raise  # SageMaker refused every attempt: it made nothing
        found, said = locate.after_no_answer(
            execution.client, parameters, execution.context.started, error
        )
        if found is not None:
            _track(execution, found)  # the runner asks again later, in its name
        raise said from error


def _unanswered(execution: Execution, error: Exception | None = None) -> bool:
    """Whether an attempt of this create got no answer, or a server error: SageMaker may then
    have made the package (an answered refusal, a conflict or throttling, made nothing)."""
    return isinstance(error, UNANSWERED) or "CreateModelPackage" in execution.calls.unanswered


def _ask(execution: Execution, parameters: Json, name: str | None) -> str:
    client, delay = execution.client, FIRST_CREATE_RETRY_SECONDS
    target = name or parameters.get("ModelPackageGroupName")
    deleting_seen = False
    # A call's time is kept to look for the package if an attempt gets no answer (the first
    # attempt cannot know, but never loses its own time: the create begins its invocation).
    whole = execution.invocation.budget
    room = whole.left() - whole.attempt - FIRST_ATTEMPT_SLACK_SECONDS
    kept = whole.keeping(max(0.0, min(whole.attempt, room)))
    time_budget = kept
    while True:
        try:
            with budget.active(time_budget), service_call("CreateModelPackage", target):
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
            time_budget = kept if _unanswered(execution) else whole
            if not time_budget.allows(delay):
                raise exceptions.ResourceConflict(
                    f"A model package named '{name}' is still being deleted (status Deleting), "
                    "and SageMaker frees the name only when the deletion ends. Nothing was "
                    "created: deploy again in a few minutes, or choose another name."
                ) from error
            LOG.info("%s is being deleted; creating it again in %.0f s", name, delay)
        except HandlerError as error:
            retryable = isinstance(error, TRANSIENT_ERRORS) and not isinstance(error, HandBack)
            time_budget = kept if _unanswered(execution, error) else whole
            if not (retryable and time_budget.allows(delay)):
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
    account = execution.request.account
    current = read_back(client, arn, account, observed.described)
    later = after_completion(execution.request.desired)
    if later:
        # Validation has passed: what waited for it (an approval, its description), with only
        # what the package does not hold yet, as an update would send it.
        follow_up = plan_update(arn, later, {}, current).update
        if follow_up is not None:
            with service_call("UpdateModelPackage", arn):
                client.update_model_package(**follow_up)
            current = read_back(client, arn, account)
    return success(to_model(current))


def _clean_up_later(execution: Execution, error: HandlerError) -> ProgressEvent:
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
        return _left_behind(execution, reason, error)
    except HandlerError as error:
        return _left_behind(execution, reason, error)
    # Returned, not raised: the runner would retry a reason that is itself transient.
    return failure(type(reason).__name__, f"{reason} {outcome}").to_progress_event()


def _left_behind(execution: Execution, reason: HandlerError, error: HandlerError) -> ProgressEvent:
    """FAILED with the package's model: CloudFormation then knows the ARN, and its rollback
    deletes the package (a FAILED event without a model would leave it untracked)."""
    arn = execution.arn
    return failed(
        reason,
        f"{reason} The package {arn} could not be deleted ({error}): it is left behind, named "
        "in this event so that CloudFormation's rollback deletes it; if it does not, delete it "
        f"with `aws sagemaker delete-model-package --model-package-name {arn}`.",
        execution.identified(),
    )


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
    except HandlerError as error:
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
    owns=_owns,
)
