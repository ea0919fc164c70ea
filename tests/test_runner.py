"""The phase runner: the callback context, transient errors and handing back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import OperationStatus, ProgressEvent

from mlops_sagemaker_modelpackage import budget, progress, runner
from mlops_sagemaker_modelpackage.runner import CallbackContext, Execution
from tests.support.cfn import handler_request
from tests.support.clock import VirtualClock
from tests.support.models import versioned

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"
NO_CLIENT: Any = None  # the phases below make no SageMaker call


def test_the_context_round_trips_through_json() -> None:
    context = CallbackContext(phase="cleanup", arn=ARN, started=10.0, since=20.0, failures=2)
    context.failure_code, context.failure_message = "NotStabilized", "reason"
    loaded = CallbackContext.load(json.loads(json.dumps(context.to_json())), now=99.0)
    assert loaded == context
    assert CallbackContext.load(None, now=5.0) == CallbackContext(started=5.0)
    # older versions' keys
    assert CallbackContext.load({"unknown": 1}, now=5.0) == CallbackContext(started=5.0)


def test_retry_delays_grow_to_a_minute() -> None:
    assert [progress.retry_delay(n) for n in range(1, 8)] == [5, 10, 20, 40, 60, 60, 60]


def _run(
    phases: dict[str, runner.Phase], context: dict[str, object] | None = None
) -> ProgressEvent:
    request = handler_request({**versioned(), "ModelPackageArn": ARN}, action="UPDATE")
    return runner.run(
        "update",
        phases,
        client=NO_CLIENT,
        request=request,
        raw_context=context,
        clock=VirtualClock(),
    )


def test_a_transient_error_is_retried_with_the_context_kept() -> None:
    def apply(execution: Execution) -> None:
        execution.move_to("stabilize")

    def stabilize(execution: Execution) -> None:
        raise exceptions.ResourceConflict("busy")

    event = _run({"": apply, "stabilize": stabilize})
    assert event.status is OperationStatus.IN_PROGRESS
    assert event.callbackContext is not None
    assert event.callbackContext["phase"] == "stabilize"
    assert event.callbackContext["failures"] == 1
    assert event.callbackDelaySeconds == 5


def test_handing_back_counts_no_failure() -> None:
    def apply(execution: Execution) -> None:
        raise budget.HandBack("time is up")

    event = _run({"": apply}, {"failures": 3, "started": 1_800_000_000.0})
    assert event.status is OperationStatus.IN_PROGRESS
    assert event.callbackContext is not None
    assert event.callbackContext["failures"] == 3
    assert event.callbackDelaySeconds == 1


def test_an_update_without_an_identifier_is_not_found() -> None:
    request = handler_request(versioned(), action="UPDATE")
    with pytest.raises(exceptions.NotFound):
        runner.run("update", {}, client=NO_CLIENT, request=request, raw_context=None)


def test_a_clock_reading_zero_is_a_time_like_any_other() -> None:
    written = CallbackContext(phase="stabilize", started=0.0, since=0.0).to_json()
    loaded = CallbackContext.load(written, now=50.0)
    assert (loaded.started, loaded.since) == (0.0, 0.0)
