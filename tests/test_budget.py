"""One invocation's time (budget.py): the budget and the botocore guards that keep every call
inside it; through the real entry point, an invocation with little time left still makes
progress, and one that cannot hold a step fails saying what it had and what to configure."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from cloudformation_cli_python_lib import exceptions

from mlops_sagemaker_modelpackage import budget, handlers
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, payload
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status


class _Operation:
    name = "DescribeModelPackage"


def _throttled() -> tuple[Any, dict[str, Any]]:
    return _Http(400), {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}


def test_the_budget_is_the_default_or_the_lambda_deadline_less_a_margin() -> None:
    clock = VirtualClock()
    assert budget.TimeBudget.starting(clock).left() == budget.INVOCATION_BUDGET_SECONDS
    tight = budget.TimeBudget.starting(clock, lambda_deadline=clock.now() + 20)
    assert tight.left() == 20 - budget.LAMBDA_MARGIN_SECONDS
    assert budget.INVOCATION_BUDGET_SECONDS + budget.ATTEMPT_SECONDS < 60  # the contract's limit


def test_no_call_starts_that_could_not_end_in_time() -> None:
    clock = VirtualClock()
    with budget.active(budget.TimeBudget.starting(clock)):
        budget.before_call(model=_Operation())
        clock.sleep(budget.INVOCATION_BUDGET_SECONDS - budget.ATTEMPT_SECONDS + 0.5)
        with pytest.raises(budget.HandBack, match="before DescribeModelPackage") as raised:
            budget.before_call(model=_Operation())
    assert raised.value.to_progress_event().errorCode is not None  # a valid lib error


def test_a_retry_that_fits_is_left_to_botocore() -> None:
    clock = VirtualClock()
    with budget.active(budget.TimeBudget.starting(clock)):
        budget.before_retry(response=_throttled(), attempts=1, operation=_Operation())


def test_a_retry_that_would_not_end_in_time_raises_the_calls_own_error() -> None:
    clock = VirtualClock()
    with budget.active(budget.TimeBudget.starting(clock)):
        clock.sleep(budget.INVOCATION_BUDGET_SECONDS - budget.ATTEMPT_SECONDS - 1)
        with pytest.raises(exceptions.Throttling, match="not retried in this invocation"):
            budget.before_retry(response=_throttled(), attempts=2, operation=_Operation())


@pytest.mark.parametrize(
    "response",
    [
        (_Http(200), {}),  # a success passes through needs-retry too
        (_Http(400), {"Error": {"Code": "ValidationException"}}),  # not retryable
    ],
)
def test_what_botocore_would_not_retry_is_never_touched(response: Any) -> None:
    clock = VirtualClock()
    with budget.active(budget.TimeBudget.starting(clock)):
        clock.sleep(budget.INVOCATION_BUDGET_SECONDS)
        budget.before_retry(response=response, attempts=1, operation=_Operation())
        budget.before_retry(
            response=_throttled(), attempts=budget.MAX_ATTEMPTS, operation=_Operation()
        )


def test_outside_an_invocation_nothing_is_guarded() -> None:
    budget.before_call(model=_Operation())
    budget.before_retry(response=_throttled(), attempts=4, operation=_Operation())


def test_the_system_clock_is_the_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the virtual clock of the other tests stands in for: time.time and time.sleep."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    clock = budget.SystemClock()
    clock.sleep(3.5)
    assert slept == [3.5]
    assert clock.now() == pytest.approx(time.time(), abs=5)


# ------------------------------------------------------------------ through the entry point


class _LambdaContext:
    def __init__(self, remaining_ms: int) -> None:
        self.deadline = time.time() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.time()) * 1000)


@pytest.mark.parametrize("action", ["CREATE", "READ", "UPDATE", "DELETE"])
def test_an_invocation_with_little_time_left_still_makes_progress(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, action: str
) -> None:
    """Twelve seconds left: calls are made, with short timeouts, instead of handing back."""
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    desired = {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn}
    if action == "CREATE":
        desired = versioned(group)
    backend.reset_calls()
    event = payload(action, desired, previous={**versioned(group), "ModelPackageArn": arn})
    response = handlers.resource(event, _LambdaContext(12_000))
    assert response["status"] in ("SUCCESS", "IN_PROGRESS"), response
    assert backend.operations(), "no call was made"
    if action == "UPDATE":
        assert sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == (
            "Approved"
        )


def test_an_invocation_without_room_for_one_call_says_what_to_configure(
    backend: BackendControl, group: str
) -> None:
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    backend.reset_calls()
    event = payload(
        "UPDATE",
        {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn},
        previous={**versioned(group), "ModelPackageArn": arn},
    )
    response = handlers.resource(event, _LambdaContext(7_000))
    assert response["status"] == "FAILED", response  # never IN_PROGRESS without progress
    assert "timeout to 60 s" in response["message"]
    assert backend.operations() == []


SHORT = {
    "approval update": "UPDATE",
    "create with an approval description": "CREATE",
    "unversioned tag update": "UPDATE",
}


def _short_of_time_request(
    kind: str, sagemaker: SageMakerClient, group: str
) -> tuple[Json, Json | None]:
    """(desired, previous) of the operation `kind`; what it updates exists."""
    if kind == "create with an approval description":
        return versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="ok"), None
    if kind == "approval update":
        before = versioned(group)
        after = versioned(group, ModelApprovalStatus="Approved")
    else:
        before = unversioned(Tags=[{"Key": "team", "Value": "a"}])
        after = unversioned(Tags=[{"Key": "team", "Value": "b"}])
    arn = drive("CREATE", before).model["ModelPackageArn"]
    return {**after, "ModelPackageArn": arn}, {**before, "ModelPackageArn": arn}


@pytest.mark.parametrize("kind", SHORT)
def test_a_step_no_invocation_can_hold_fails_saying_what_it_had_and_needed(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, kind: str
) -> None:
    """9.5 s left per invocation and 1 s per SageMaker call (real time): a step of two calls or
    more cannot fit (every call must be able to last its 4 s timeout), so it used to describe
    and hand back, forever. It fails at its second invocation without progress instead."""
    desired, previous = _short_of_time_request(kind, sagemaker, group)
    backend.configure(latency=1.0)
    events: list[Json] = []
    context = None
    while len(events) < 6:
        event = payload(SHORT[kind], desired, previous=previous, context=context, token=kind)
        events.append(handlers.resource(event, _LambdaContext(9_500)))
        if events[-1]["status"] != "IN_PROGRESS":
            break
        context = events[-1]["callbackContext"]
    assert events[-1]["status"] == "FAILED", events
    assert events[-1]["errorCode"] == "InternalFailure"
    message = events[-1]["message"]
    assert re.search(r"had \d+\.\d s of working time and stopped before \w+", message), message
    assert re.search(r"needs at least \d+\.\d s in one invocation", message), message
    assert "Set the function's timeout to 60 s" in message
    backend.configure(latency=0)
    versions = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    if kind == "approval update":
        (held,) = versions
        assert held["ModelApprovalStatus"] == "PendingManualApproval"  # nothing was changed
    if kind == "create with an approval description":
        assert [v["ModelPackageStatus"] for v in versions] in ([], ["Deleting"])  # cleaned up


def test_the_budget_keeps_one_short_attempt_in_reach() -> None:
    """The fixed figures the tests above rely on."""
    assert budget.SHORT_ATTEMPT_SECONDS + budget.LAMBDA_MARGIN_SECONDS < 12
    assert budget.SHORT_ATTEMPT_SECONDS + budget.LAMBDA_MARGIN_SECONDS > 7
