"""Progress events, package status classification and the waiting policy.

The policy keeps the time between SageMaker finishing and the handler reporting it within
max(10% of the wait so far, 1 s): poll inside the invocation while the package may finish soon,
then hand back to CloudFormation with callback delays that grow with the time already waited.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import BaseModel, OperationStatus, ProgressEvent

CallbackContext = dict[str, Any]


class Clock(Protocol):
    """Wall-clock time; tests and benchmarks substitute a virtual one."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Stage(Enum):
    """What a package status means for whoever waits on it."""

    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"
    GONE = "gone"


PACKAGE_STAGES = {
    "Pending": Stage.WAITING,
    "InProgress": Stage.WAITING,
    "Deleting": Stage.WAITING,
    "Completed": Stage.DONE,
    "Failed": Stage.FAILED,
}


def stage_of(status: str | None) -> Stage:
    # An unknown, newer status is waited on rather than mistaken for success or failure.
    return PACKAGE_STAGES.get(status or "", Stage.WAITING)


@dataclass(frozen=True)
class WaitPolicy:
    """How long to poll inside one invocation and how long to ask CloudFormation to wait."""

    in_invocation_budget: float = 20.0
    min_interval: float = 1.0
    overhead_ratio: float = 0.1
    # Past 10 minutes of waiting, look every minute: never later than AWS's fixed 60 s callbacks.
    max_callback_delay: int = 60

    def interval(self, waited: float) -> float:
        """Seconds until the next look, given how long the operation has waited already."""
        return max(self.min_interval, self.overhead_ratio * waited)

    def callback_delay(self, waited: float) -> int:
        # Whole seconds (the protocol's unit), rounded down so the overhead bound holds.
        return max(1, min(self.max_callback_delay, math.floor(self.interval(waited))))


DEFAULT_POLICY = WaitPolicy()
# Operators may shorten in-invocation polling (local contract runs use it to exercise callbacks).
BUDGET_VARIABLE = "MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS"


def policy_from_environment() -> WaitPolicy:
    value = os.environ.get(BUDGET_VARIABLE)
    if not value:
        return DEFAULT_POLICY
    try:
        budget = float(value)
    except ValueError:
        return DEFAULT_POLICY
    return WaitPolicy(
        in_invocation_budget=min(max(budget, 0.0), DEFAULT_POLICY.in_invocation_budget)
    )


@dataclass
class Invocation:
    """Timing of the current invocation: when it started and the operation's first start."""

    clock: Clock
    policy: WaitPolicy
    started: float

    @classmethod
    def begin(cls, clock: Clock | None = None, policy: WaitPolicy | None = None) -> Invocation:
        clock = clock or SystemClock()
        return cls(clock=clock, policy=policy or policy_from_environment(), started=clock.now())

    def may_poll_again(self, waited: float) -> bool:
        """Whether to sleep and look again inside this invocation.

        Only during the operation's first `in_invocation_budget` seconds (fast packages finish
        there); after that every invocation looks once and hands back to CloudFormation, so a
        long wait costs Lambda time per look, not per second.
        """
        interval = self.policy.interval(waited)
        used = self.clock.now() - self.started
        budget = self.policy.in_invocation_budget
        return waited + interval <= budget and used + interval <= budget


def in_progress(
    model: BaseModel, context: CallbackContext, delay_seconds: int, message: str = ""
) -> ProgressEvent:
    """IN_PROGRESS: carries the model with its identifier and never an error code."""
    return ProgressEvent(
        status=OperationStatus.IN_PROGRESS,
        resourceModel=model,
        callbackContext=context,
        callbackDelaySeconds=delay_seconds,
        message=message,
    )


def success(model: BaseModel | None) -> ProgressEvent:
    return ProgressEvent(status=OperationStatus.SUCCESS, resourceModel=model)


# The schema's handler timeouts (tests/test_handlers_contract.py keeps them equal): past them
# CloudFormation stops waiting anyway, so the handler says why first.
TIMEOUT_MINUTES = {"create": 720, "update": 720, "delete": 120}
MAX_TRANSIENT_RETRIES = 5
RETRY_DELAY_SECONDS = 10


def out_of_time(action: str, since: float, now: float) -> bool:
    return now - since >= TIMEOUT_MINUTES[action] * 60


# Errors that say "not now" rather than "no": after botocore's own retries (throttling) or
# when another writer holds the package, a mutating handler asks to be invoked again later.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    exceptions.ResourceConflict,
    exceptions.Throttling,
    exceptions.ServiceInternalError,
    exceptions.NetworkFailure,
)
RETRY_COUNTERS = {
    exceptions.ResourceConflict: "conflicts",
    exceptions.Throttling: "throttled",
    exceptions.ServiceInternalError: "service_errors",
    exceptions.NetworkFailure: "network_errors",
}


def retry_later(
    model: BaseModel, context: CallbackContext, error: Exception, operation: str
) -> ProgressEvent:
    """IN_PROGRESS to try `operation` again after a delay, at most MAX_TRANSIENT_RETRIES times
    per kind of error; then the error itself, saying how often it was retried."""
    counter = next((name for kind, name in RETRY_COUNTERS.items() if isinstance(error, kind)), None)
    if counter is None:
        raise error
    attempts = int(context.get(counter, 0)) + 1
    if attempts > MAX_TRANSIENT_RETRIES:
        raise type(error)(
            f"{error} (still failing after {MAX_TRANSIENT_RETRIES} retries over several minutes; "
            "retry the stack operation when SageMaker is available or the other change is done)"
        ) from error
    return in_progress(
        model,
        {**context, counter: attempts},
        RETRY_DELAY_SECONDS * attempts,
        f"{operation}: {error}; retry {attempts} of {MAX_TRANSIENT_RETRIES}",
    )
