"""Progress events and the timing policy: how long to poll and to wait between callbacks,
retry delays, and the operations' timeouts. What a package status means is status.py.

The policy keeps the time between SageMaker finishing and the handler reporting it within
max(10% of the wait so far, 1 s): poll inside the invocation while the package may finish soon,
then hand back to CloudFormation with callback delays that grow with the time already waited.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import BaseModel, OperationStatus, ProgressEvent

from .budget import Clock, SystemClock, TimeBudget
from .errors import HandlerError


@dataclass(frozen=True)
class WaitPolicy:
    """How long to poll inside one invocation and how long to ask CloudFormation to wait.

    Chosen with `make bench` (docs/performance.md): completion is seen within max(10 % of the
    wait, 1 s). Polling inside the invocation only in the operation's first 5 s (a package
    without validation completes there) keeps a long wait's Lambda time at ~5 s; callbacks
    capped at 20 s put the mean overhead of a long wait at ~10 s, against ~16 s for AWS's 5 s
    polls and 60 s callbacks, with ~220 Describe calls per hour against ~390.
    """

    in_invocation_budget: float = 5.0
    min_interval: float = 1.0
    overhead_ratio: float = 0.1
    # The trade between latency and calls: mean overhead ~cap / 2, 3600 / cap Describes an hour.
    max_callback_delay: int = 20

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
    """Timing of the current invocation: its clock, waiting policy and time budget."""

    clock: Clock
    policy: WaitPolicy
    started: float
    budget: TimeBudget

    @classmethod
    def begin(
        cls,
        clock: Clock | None = None,
        policy: WaitPolicy | None = None,
        lambda_deadline: float | None = None,
    ) -> Invocation:
        clock = clock or SystemClock()
        return cls(
            clock=clock,
            policy=policy or policy_from_environment(),
            started=clock.now(),
            budget=TimeBudget.starting(clock, lambda_deadline),
        )

    def may_poll_again(self, waited: float) -> bool:
        """Whether to sleep and look again inside this invocation.

        Only during the operation's first `in_invocation_budget` seconds (fast packages finish
        there), and only while the look after the sleep still ends within the invocation's
        time; after that every invocation looks once and hands back to CloudFormation, so a
        long wait costs Lambda time per look, not per second.
        """
        interval = self.policy.interval(waited)
        used = self.clock.now() - self.started
        budget = self.policy.in_invocation_budget
        return (
            waited + interval <= budget
            and used + interval <= budget
            and self.budget.allows(interval)
        )


def in_progress(
    model: BaseModel, context: dict[str, Any], delay_seconds: int, message: str = ""
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


def failed(kind: HandlerError, message: str, model: BaseModel) -> ProgressEvent:
    """FAILED with `kind`'s error code and the model of a resource that exists: CloudFormation
    then knows its identifier (and a rollback deletes it)."""
    event = kind.to_progress_event()
    event.message, event.resourceModel = message, model
    return event


# The schema's handler timeouts (tests/test_fields.py keeps them equal): past them CloudFormation
# stops waiting anyway, so the handler says why first. A create keeps the last minutes to delete
# a package it could not complete.
TIMEOUT_MINUTES = {"create": 720, "update": 720, "delete": 120}
CLEANUP_RESERVE_MINUTES = 10


def out_of_time(action: str, since: float, now: float, reserve_minutes: float = 0) -> bool:
    return now - since >= (TIMEOUT_MINUTES[action] - reserve_minutes) * 60


# Errors that say "not now" rather than "no": after botocore's own retries (throttling), when
# another writer holds the package, or when the invocation's time is up, a mutating handler asks
# to be invoked again later, with growing delays, for as long as the operation's timeout allows.
TRANSIENT_ERRORS: tuple[type[HandlerError], ...] = (
    exceptions.ResourceConflict,
    exceptions.Throttling,
    exceptions.ServiceInternalError,
    exceptions.NetworkFailure,
)
FIRST_RETRY_DELAY_SECONDS = 5
MAX_RETRY_DELAY_SECONDS = 60


def retry_delay(consecutive_failures: int) -> int:
    """5, 10, 20, 40, then 60 s: a busy package is waited for without hammering SageMaker."""
    exponent = max(0, consecutive_failures - 1)
    return int(min(MAX_RETRY_DELAY_SECONDS, FIRST_RETRY_DELAY_SECONDS * 2 ** min(exponent, 8)))
