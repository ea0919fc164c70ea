"""One runner for create, update and delete: phases over a typed callback context.

A workflow is a table of phases. Each phase is safe to run again (a replay after a lost
response runs it again from the context CloudFormation still has); it either answers, or moves
the context to the next phase and lets the runner go on in the same invocation. The runner owns
what every workflow shares: the missing-identifier check, the invocation's time budget, retries
of transient errors with growing delays for as long as the operation's timeout allows (counting
consecutive failures of the failing call only), the IN_PROGRESS events that carry the context,
and the end of a phase that no invocation can hold (it fails, saying how much time it had and
needed, instead of handing back without progress until the timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from . import budget, calls
from .arns import is_package_arn
from .budget import LAMBDA_MARGIN_SECONDS, Clock, SystemClock
from .errors import TYPE_NAME, HandlerError, reworded
from .progress import (
    CLEANUP_RESERVE_MINUTES,
    TIMEOUT_MINUTES,
    TRANSIENT_ERRORS,
    Invocation,
    WaitPolicy,
    in_progress,
    out_of_time,
    retry_delay,
)
from .request import Request
from .translate import PlainModel, to_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

    from .waiting import Observation

LOG = logging.getLogger(__name__)


@dataclass
class CallbackContext:
    """The callback context: JSON primitives only, as CloudFormation hands it back."""

    phase: str = ""
    arn: str | None = None
    started: float = 0.0  # the operation's first invocation
    since: float | None = None  # when the current wait began
    failures: int = 0  # consecutive invocations that ended in a transient error of one call
    failing: str | None = None  # that call (its operation name)
    stalls: int = 0  # consecutive invocations that ran out of time in this phase, changing nothing
    applied: int = 0  # changes sent by this operation (an update's; update.MAX_APPLIES)
    name: str | None = None  # a generated unversioned name
    owner: str | None = None  # binds `arn` to the operation that made the package (Workflow.owns)
    failure_code: str | None = None  # a failed create, kept while its package is deleted
    failure_message: str | None = None

    @classmethod
    def load(cls, raw: Mapping[str, Any] | None, now: float) -> CallbackContext:
        """The context CloudFormation hands back; what this version cannot use is dropped.

        A context written by another version, or damaged, may name keys this version does not
        know or values of the wrong type: those are left out (and logged), so the operation
        goes on from what is sound, and every phase is safe to run again."""
        given: dict[str, Any] = {}
        for name, value in (raw if isinstance(raw, Mapping) else {}).items():
            expected = _CONTEXT_TYPES.get(name)
            if expected is None:
                continue  # another version's key
            if value is None or isinstance(value, bool) or not isinstance(value, expected):
                LOG.warning("Callback context: %s=%r is not usable; left out", name, value)
                continue
            given[name] = value
        return cls(**{"started": now, **given})  # a clock may well read 0.0: never a sentinel

    def to_json(self) -> dict[str, Any]:
        kept = {k: v for k, v in asdict(self).items() if v is not None and v != ""}
        for counter in ("failures", "stalls", "applied"):
            if not kept[counter]:
                del kept[counter]
        return kept


# What each key of the context may hold (floats may arrive as JSON integers).
_CONTEXT_TYPES: dict[str, type | tuple[type, ...]] = {
    "phase": str,
    "arn": str,
    "started": (int, float),
    "since": (int, float),
    "failures": int,
    "failing": str,
    "stalls": int,
    "applied": int,
    "name": str,
    "owner": str,
    "failure_code": str,
    "failure_message": str,
}


@dataclass
class Execution:
    """One invocation of a workflow: everything a phase works with."""

    action: str
    client: SageMakerClient
    request: Request
    context: CallbackContext
    invocation: Invocation
    calls: calls.Record = field(default_factory=calls.Record)
    moved: bool = False  # whether a phase ended in this invocation

    @property
    def arn(self) -> str:
        """The package's ARN (checked when the run began); NotFound when there is none yet."""
        return self.context.arn or required_identifier(None)

    def identified(self) -> PlainModel:
        """The desired model with its identifier: what every IN_PROGRESS event carries."""
        model = {**self.request.desired}
        if self.context.arn:
            model["ModelPackageArn"] = self.context.arn
        if self.context.name:
            model["ModelPackageName"] = self.context.name
        return to_model(model)

    def move_to(self, phase: str) -> None:
        """Go on with `phase` (the call that ended the last one succeeded); a wait starts now."""
        self.context.phase = phase
        self.context.since = self.invocation.clock.now()
        self.moved = True
        self._made_progress()

    def _made_progress(self) -> None:
        self.context.failures, self.context.failing = 0, None  # a success ends a run of failures
        self.context.stalls = 0

    @property
    def since(self) -> float:
        """When the current wait began."""
        return self.context.started if self.context.since is None else self.context.since

    def reserve_minutes(self) -> float:
        # A create keeps time to delete a package it could not complete.
        return (
            CLEANUP_RESERVE_MINUTES
            if self.action == "create" and self.context.phase != "cleanup"
            else 0
        )

    def out_of_time(self) -> bool:
        return out_of_time(
            self.action, self.context.started, self.invocation.clock.now(), self.reserve_minutes()
        )

    def keep_waiting(self, observed: Observation) -> ProgressEvent:
        """IN_PROGRESS with a delay that grows with the wait, or NotStabilized past the timeout."""
        if self.out_of_time():
            minutes = (self.invocation.clock.now() - self.context.started) / 60
            raise exceptions.NotStabilized(
                f"Model package is still {observed.status} after {minutes:.0f} minutes; "
                f"CloudFormation's {self.action} timeout is reached."
            )
        self._made_progress()  # a look that answered is a wait's progress
        return in_progress(
            self.identified(),
            self.context.to_json(),
            self.invocation.policy.callback_delay(observed.waited),
            f"Model package is {observed.status}",
        )

    def retry_later(self, error: Exception) -> ProgressEvent:
        """IN_PROGRESS to try again after a growing delay, until the operation's timeout.

        Only with an identifier: the contract lets an event without one be FAILED only (and
        nothing exists yet then), so before a create has its ARN the error is final."""
        if not self.context.arn:
            raise error
        if isinstance(error, budget.HandBack):
            return self.hand_back(error)
        self._count_failure()
        if self.out_of_time() and isinstance(error, HandlerError):
            minutes = (self.invocation.clock.now() - self.context.started) / 60
            raise reworded(
                error,
                f"{error} (still failing after {self.context.failures} tries over {minutes:.0f} "
                f"minutes, and CloudFormation's {self.action} timeout is reached)",
            ) from error
        delay = retry_delay(self.context.failures)
        LOG.info("Transient error, retry %d in %d s: %s", self.context.failures, delay, error)
        return in_progress(
            self.identified(),
            self.context.to_json(),
            delay,
            f"{error}; trying again in {delay} s (attempt {self.context.failures + 1})",
        )

    def _count_failure(self) -> None:
        """One more consecutive failure of the call that failed, or the first of a new run: when
        another call fails now, or the one that failed before has answered since (a failure
        no call record explains continues the run)."""
        failing, context = self.calls.last_failed, self.context
        if failing is not None and (failing != context.failing or failing in self.calls.answered):
            context.failures = 0
        context.failures += 1
        context.failing = failing or context.failing

    def hand_back(self, error: budget.HandBack) -> ProgressEvent:
        """IN_PROGRESS, to go on in the next invocation: unless this phase has now run out of
        time in invocations in a row without changing anything, which more of the same
        invocations would not change."""
        context = self.context
        if not (self.moved or self.calls.changed_something()):
            context.stalls += 1
            if context.stalls >= STALLS_BEFORE_FAILING:
                raise self._cannot_hold(error)
        return in_progress(self.identified(), context.to_json(), 1, str(error))

    def _cannot_hold(self, error: budget.HandBack) -> HandlerError:
        time_budget = self.invocation.budget
        spent, attempt = time_budget.used(), time_budget.attempt
        step = f"the {self.context.phase} step" if self.context.phase else "its first step"
        if time_budget.seconds < budget.INVOCATION_BUDGET_SECONDS:
            remedy = (
                "Set the function's timeout to 60 s (what CloudFormation allows one handler "
                f"invocation; {LAMBDA_MARGIN_SECONDS:.0f} s of it are kept for the answer)."
            )
        else:
            remedy = "SageMaker answered too slowly for any invocation: deploy again later."
        return exceptions.InternalFailure(
            f"The {self.action} cannot go on: {step} needs more time than one invocation has. "
            f"Each of the last {self.context.stalls} invocations had {time_budget.seconds:.1f} s "
            f"of working time and stopped before {error.operation or 'its next call'}: its "
            f"calls took {spent:.1f} s, and the next may take up to {attempt:.0f} s, so the step "
            f"needs at least {spent + attempt:.1f} s in one invocation. Nothing was changed in "
            f"these invocations. {remedy}"
        )


# Invocations in a row that may run out of time in one phase, changing nothing, before the
# operation fails: one can be a moment of slow answers, the next shows it is the function's time.
STALLS_BEFORE_FAILING = 2

Phase = Callable[[Execution], ProgressEvent | None]
FailureHandler = Callable[[Execution, HandlerError], ProgressEvent]
# Whether the context's ARN is the package this operation made (a damaged or foreign context's
# is not: the operation starts over rather than act on another package).
Ownership = Callable[[Request, CallbackContext], bool]


def required_identifier(arn: str | None) -> str:
    """The request's primary identifier, refused before any call (NotFound, as the contract
    has it) when it is missing or is not a model package ARN: a name is not the identifier."""
    if not arn:
        raise exceptions.NotFound(TYPE_NAME, "(no ModelPackageArn in the request)")
    if not is_package_arn(arn):
        raise exceptions.NotFound(TYPE_NAME, f"{arn} (not a model package ARN)")
    return arn


def run(
    action: str,
    phases: Mapping[str, Phase],
    client: SageMakerClient,
    request: Request,
    raw_context: Mapping[str, Any] | None,
    *,
    clock: Clock | None = None,
    policy: WaitPolicy | None = None,
    needs_identifier: bool = True,
    on_failure: FailureHandler | None = None,
    owns: Ownership | None = None,
) -> ProgressEvent:
    """Run the operation's phases from where the context says, within this invocation's time."""
    assert action in TIMEOUT_MINUTES, action
    invocation = Invocation.begin(clock, policy, request.deadline)
    invocation.budget.require_a_call()
    context = CallbackContext.load(raw_context, invocation.started)
    if needs_identifier and request.arn:
        # The request names the resource: a context naming another package cannot move it.
        context.arn = request.arn
    context.arn = context.arn or request.arn
    if context.arn and owns is not None and not owns(request, context):
        LOG.warning("Callback context names %s, not this operation's package", context.arn)
        context.arn, context.phase, context.since = None, "", None
    if needs_identifier or context.arn:
        required_identifier(context.arn)
    if context.phase not in phases or (context.phase and not context.arn):
        # Another version's phase, or a phase that needs the package without its ARN: start
        # over (every phase is safe to run again; a create's ClientToken finds its package).
        LOG.warning("Callback context phase %r cannot go on here; starting over", context.phase)
        context.phase, context.since = "", None
    execution = Execution(action, client, request, context, invocation)
    with budget.active(invocation.budget), calls.recording() as execution.calls:
        try:
            try:
                while True:
                    event = phases[context.phase](execution)
                    if event is not None:
                        return event
            except TRANSIENT_ERRORS as error:
                return execution.retry_later(error)
        except HandlerError as failure:
            if on_failure is None:
                raise
            return on_failure(execution, failure)


@dataclass(frozen=True)
class Workflow:
    """A mutating action as a table of phases; calling it runs one invocation of it."""

    action: str
    phases: Mapping[str, Phase]
    needs_identifier: bool = True
    on_failure: FailureHandler | None = None
    owns: Ownership | None = None

    def __call__(
        self,
        client: SageMakerClient,
        request: Request,
        context: Mapping[str, Any] | None,
        clock: Clock | None = None,
        policy: WaitPolicy | None = None,
    ) -> ProgressEvent:
        return run(
            self.action,
            self.phases,
            client,
            request,
            context,
            clock=clock,
            policy=policy,
            needs_identifier=self.needs_identifier,
            on_failure=self.on_failure,
            owns=self.owns,
        )


@contextmanager
def synchronous(request: Request) -> Iterator[None]:
    """The time budget for READ and LIST, which answer in one invocation."""
    time_budget = budget.TimeBudget.starting(SystemClock(), request.deadline)
    time_budget.require_a_call()
    with budget.active(time_budget):
        yield
