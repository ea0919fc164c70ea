"""The stabilization model: our create handler and AWS's scheme waiting on a virtual clock.

A simulated SageMaker completes the package T seconds after CreateModelPackage. CloudFormation
is simulated too: after IN_PROGRESS it waits `callbackDelaySeconds` (virtual) and invokes again.
Overhead is the time from completion to the handler's SUCCESS; busy time is the virtual time
spent inside invocations (in-invocation polling) plus the real time the handler code ran, as
`timer` measures it (`no_time` leaves it out: the bounds tests count virtual time only).

Sampling: for each T the completion times spread evenly over [T, T + 120 s), a full cycle of
AWS's scheme (60 s of 5 s polls inside the invocation, then a 60 s callback), so neither scheme
is flattered by where a completion falls in the other's cycle.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import create
from mlops_sagemaker_modelpackage.progress import WaitPolicy
from mlops_sagemaker_modelpackage.request import Request

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/bench/1"
AWS_POLL_SECONDS = 5.0
AWS_INVOCATION_SECONDS = 60.0
AWS_CALLBACK_SECONDS = 60.0
CYCLE_SECONDS = AWS_INVOCATION_SECONDS + AWS_CALLBACK_SECONDS
SAMPLES = 240  # completion times per T: one every half second of the cycle

Timer = Callable[[], float]


def no_time() -> float:
    return 0.0


class SimulatedClock:
    def __init__(self) -> None:
        self.current = 1_800_000_000.0  # an epoch time, as the handlers see: never 0.0

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.current += seconds


class SimulatedSageMaker:
    """Just enough of the client for a versioned create: Completed T s after the create."""

    def __init__(self, clock: SimulatedClock, completes_after: float) -> None:
        self.clock = clock
        self.completes_after = completes_after
        self.created_at: float | None = None
        self.describes = 0

    @property
    def completed_at(self) -> float:
        assert self.created_at is not None
        return self.created_at + self.completes_after

    def create_model_package(self, **_: Any) -> dict[str, str]:
        self.created_at = self.clock.now()
        return {"ModelPackageArn": ARN}

    def describe_model_package(self, ModelPackageName: str) -> dict[str, Any]:
        self.describes += 1
        done = self.clock.now() >= self.completed_at
        return {
            "ModelPackageArn": ARN,
            "ModelPackageName": "bench",
            "ModelPackageGroupName": "bench",
            "ModelPackageVersion": 1,
            "ModelPackageStatus": "Completed" if done else "InProgress",
            "ModelPackageStatusDetails": {"ValidationStatuses": []},
            "CreationTime": "2026-11-22T00:00:00+00:00",
        }


@dataclass
class Outcome:
    completes_after: float
    overhead: float
    busy: float
    invocations: int
    describes: int


def ours(completes_after: float, policy: WaitPolicy, timer: Timer = time.perf_counter) -> Outcome:
    """The real create handler, driven as CloudFormation drives it, on the virtual clock."""
    clock = SimulatedClock()
    client = SimulatedSageMaker(clock, completes_after)
    request = Request(
        desired={"ModelPackageGroupName": "bench"},
        token="bench-token",
        logical_id="Bench",
        region="us-east-1",
    )
    context: dict[str, Any] = {}
    busy = 0.0
    invocations = 0
    while True:
        invocations += 1
        virtual_start, real_start = clock.now(), timer()
        event = create.run(client, request, context, clock=clock, policy=policy)  # type: ignore[arg-type]
        busy += (clock.now() - virtual_start) + (timer() - real_start)
        if event.status is OperationStatus.SUCCESS:
            overhead = clock.now() - client.completed_at
            return Outcome(completes_after, overhead, busy, invocations, client.describes)
        assert event.status is OperationStatus.IN_PROGRESS, event
        context = dict(event.callbackContext or {})
        clock.sleep(event.callbackDelaySeconds)


def aws_scheme(completes_after: float) -> Outcome:
    """AWS's handler as the notes describe it: 5 s polls inside the Lambda, 60 s callbacks."""
    now = busy = 0.0
    invocations = describes = 0
    while True:
        invocations += 1
        started = now
        while True:
            describes += 1
            if now >= completes_after:
                overhead = now - completes_after
                return Outcome(
                    completes_after, overhead, busy + now - started, invocations, describes
                )
            if now + AWS_POLL_SECONDS - started > AWS_INVOCATION_SECONDS:
                break
            now += AWS_POLL_SECONDS
        busy += now - started
        now += AWS_CALLBACK_SECONDS


def completion_times(wait: float, samples: int = SAMPLES) -> list[float]:
    """Evenly over [T, T + one cycle): the midpoints of `samples` equal slices."""
    return [wait + CYCLE_SECONDS * (k + 0.5) / samples for k in range(samples)]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Side:
    """One scheme's figures over the samples of one T."""

    mean: float
    p95: float
    busy: float
    invocations: float
    describes_per_hour: float

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> Side:
        overheads = [o.overhead for o in outcomes]
        waited = sum(o.completes_after + o.overhead for o in outcomes)
        return cls(
            statistics.mean(overheads),
            p95(overheads),
            statistics.mean(o.busy for o in outcomes),
            statistics.mean(o.invocations for o in outcomes),
            3600 * sum(o.describes for o in outcomes) / waited,
        )


@dataclass
class Comparison:
    wait: float
    ours: Side
    aws: Side
    # The largest overhead minus the policy's own bound for that sample (<= 0: all within).
    worst_excess: float

    @property
    def overhead_ratio(self) -> float:
        return self.ours.mean / self.aws.mean

    @property
    def busy_ratio(self) -> float:
        return self.ours.busy / self.aws.busy


def compare(
    wait: float, policy: WaitPolicy, samples: int = SAMPLES, timer: Timer = time.perf_counter
) -> Comparison:
    times = completion_times(wait, samples)
    mine = [ours(t, policy, timer) for t in times]
    theirs = [aws_scheme(t) for t in times]
    # The policy's promise: reported within max(10 % of the wait, 1 s) of completion.
    excess = max(o.overhead - policy.interval(o.completes_after) for o in mine)
    return Comparison(wait, Side.of(mine), Side.of(theirs), excess)
