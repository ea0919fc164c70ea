"""Stabilization overhead and Lambda busy time, on a virtual clock.

A simulated SageMaker completes the package T seconds after CreateModelPackage. CloudFormation
is simulated too: after IN_PROGRESS it waits `callbackDelaySeconds` (virtual) and invokes again.
Overhead is the time from completion to the handler's SUCCESS; busy time is the virtual time
spent inside invocations (in-invocation polling) plus the real time the handler code ran.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from cloudformation_cli_python_lib.interface import OperationStatus
from cloudformation_cli_python_lib.utils import UnmodelledRequest

from mlops_sagemaker_modelpackage import create
from mlops_sagemaker_modelpackage.models import ResourceHandlerRequest, ResourceModel

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/bench/1"
AWS_POLL_SECONDS = 5.0
AWS_INVOCATION_SECONDS = 60.0
AWS_CALLBACK_SECONDS = 60.0


class VirtualClock:
    def __init__(self) -> None:
        self.current = 0.0

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.current += seconds


class SimulatedSageMaker:
    """Just enough of the client for a versioned create: Completed T s after the create."""

    def __init__(self, clock: VirtualClock, completes_after: float) -> None:
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
    overhead: float
    busy: float
    invocations: int
    describes: int


def ours(completes_after: float) -> Outcome:
    clock = VirtualClock()
    client = SimulatedSageMaker(clock, completes_after)
    request = UnmodelledRequest(
        clientRequestToken="bench-token",
        desiredResourceState={"ModelPackageGroupName": "bench"},
        logicalResourceIdentifier="Bench",
        region="us-east-1",
    ).to_modelled(ResourceModel, None)
    context: dict[str, Any] = {}
    busy = 0.0
    invocations = 0
    while True:
        invocations += 1
        virtual_start, real_start = clock.now(), time.perf_counter()
        event = create.run(client, request, context, clock=clock)  # type: ignore[arg-type]
        busy += (clock.now() - virtual_start) + (time.perf_counter() - real_start)
        if event.status is OperationStatus.SUCCESS:
            return Outcome(clock.now() - client.completed_at, busy, invocations, client.describes)
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
                return Outcome(now - completes_after, busy + now - started, invocations, describes)
            if now + AWS_POLL_SECONDS - started > AWS_INVOCATION_SECONDS:
                break
            now += AWS_POLL_SECONDS
        busy += now - started
        now += AWS_CALLBACK_SECONDS


def request_type() -> type[ResourceHandlerRequest]:
    return ResourceHandlerRequest
