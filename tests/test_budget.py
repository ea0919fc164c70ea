"""One invocation's time: the budget and the botocore guards that keep every call inside it."""

from __future__ import annotations

from typing import Any

import pytest
from cloudformation_cli_python_lib import exceptions

from mlops_sagemaker_modelpackage import budget
from tests.support.clock import VirtualClock


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
