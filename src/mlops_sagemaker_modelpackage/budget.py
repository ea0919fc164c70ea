"""How long one invocation may work, and the guards that keep every SageMaker call inside it.

A handler must answer within 60 seconds, and Lambda stops it at its own timeout. Botocore's
retries (backoff of up to 20 s between attempts) and in-invocation polling could otherwise add up
past both. So every invocation has a deadline; before a call starts, and before botocore sleeps
to retry one, the guards below check that the attempt (at most one connect and one read timeout)
still ends in time. When it would not, the invocation hands back to CloudFormation: the call's
own error surfaces (and the workflow retries it later), or `HandBack` before a call is made.

An invocation that begins with little of the function's time left (under two ordinary attempts)
makes its calls with short timeouts instead; one that has not even room for a short attempt
fails with a message that says what to configure, rather than handing back without progress.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Protocol

from botocore.exceptions import ClientError
from cloudformation_cli_python_lib import exceptions

from .errors import (
    THROTTLING_CODES,
    init_handler_error,
    map_botocore_error,
    map_client_error,
    reworded,
)

# Well inside the 60 s the contract allows: the lib's own work and the answer follow.
INVOCATION_BUDGET_SECONDS = 45.0
# Time kept back from Lambda's own timeout, when the function is configured shorter.
LAMBDA_MARGIN_SECONDS = 5.0
# The client's attempts per call, and the longest one attempt can take (connect + read timeout).
MAX_ATTEMPTS = 5
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 8
ATTEMPT_SECONDS = float(CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)
# Short attempts, when an invocation begins with little time: SageMaker's model-package calls
# answer in well under a second, so these still complete in the normal case.
SHORT_CONNECT_TIMEOUT_SECONDS = 1
SHORT_READ_TIMEOUT_SECONDS = 3
SHORT_ATTEMPT_SECONDS = float(SHORT_CONNECT_TIMEOUT_SECONDS + SHORT_READ_TIMEOUT_SECONDS)
SHORT_ATTEMPTS_BELOW_SECONDS = 2 * ATTEMPT_SECONDS
MAX_BACKOFF_SECONDS = 20.0


class Clock(Protocol):
    """Wall-clock time; tests and benchmarks substitute a virtual one."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _seconds(now: float, lambda_deadline: float | None) -> float:
    """The working time of an invocation that begins at `now`."""
    if lambda_deadline is None:
        return INVOCATION_BUDGET_SECONDS
    return min(INVOCATION_BUDGET_SECONDS, lambda_deadline - LAMBDA_MARGIN_SECONDS - now)


def attempt_timeouts(lambda_deadline: float | None, now: float) -> tuple[int, int]:
    """(connect, read) timeouts for the SageMaker client of an invocation beginning at `now`.

    Chosen short a second earlier than TimeBudget.starting does, so that the client's attempts
    are never longer than the budget counts them."""
    if _seconds(now, lambda_deadline) < SHORT_ATTEMPTS_BELOW_SECONDS + 1:
        return SHORT_CONNECT_TIMEOUT_SECONDS, SHORT_READ_TIMEOUT_SECONDS
    return CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS


@dataclass(frozen=True)
class TimeBudget:
    """The time one invocation may work, and the longest one call attempt can take."""

    clock: Clock
    deadline: float
    attempt: float = ATTEMPT_SECONDS
    began: float = 0.0

    @classmethod
    def starting(cls, clock: Clock, lambda_deadline: float | None = None) -> TimeBudget:
        now = clock.now()
        seconds = _seconds(now, lambda_deadline)
        attempt = (
            ATTEMPT_SECONDS if seconds >= SHORT_ATTEMPTS_BELOW_SECONDS else SHORT_ATTEMPT_SECONDS
        )
        return cls(clock, now + seconds, attempt, now)

    @property
    def seconds(self) -> float:
        """The whole working time of the invocation."""
        return self.deadline - self.began

    def used(self) -> float:
        return self.clock.now() - self.began

    def left(self) -> float:
        return self.deadline - self.clock.now()

    def keeping(self, seconds: float) -> TimeBudget:
        """This budget with `seconds` kept back at its end (for calls that must follow)."""
        return replace(self, deadline=self.deadline - seconds)

    def allows(self, seconds: float) -> bool:
        """Whether `seconds` of sleeping plus one call attempt still end before the deadline."""
        return seconds + self.attempt <= self.left()

    def require_a_call(self) -> None:
        """Fail, saying what to configure, when not even one call fits: handing back would
        only begin the next invocation as short of time, again and again."""
        if self.allows(0.0):
            return
        raise exceptions.InternalFailure(
            f"The handler began with too little of its Lambda function's time left: "
            f"{max(self.left(), 0.0):.1f} s once {LAMBDA_MARGIN_SECONDS:.0f} s are kept back for "
            f"the answer, and one SageMaker call needs up to {self.attempt:.0f} s. Set the "
            "function's timeout to 60 s (what CloudFormation allows one handler invocation); "
            "this invocation changed nothing."
        )


class HandBack(exceptions.ServiceInternalError):
    """No time is left for another call in this invocation: continue in the next one.

    Workflows that can be called again answer IN_PROGRESS; READ and LIST (which cannot) report
    it as a service error, which only a nearly expired Lambda timeout can cause."""

    def __init__(self, message: str, operation: str = "") -> None:
        init_handler_error(self, message)  # ServiceInternalError's code, not looked up by name
        self.operation = operation  # the call that could not start


_CURRENT: ContextVar[TimeBudget | None] = ContextVar("mlops_modelpackage_budget", default=None)


@contextmanager
def active(budget: TimeBudget) -> Iterator[TimeBudget]:
    """Make `budget` the one the SageMaker client's guards check, for the block."""
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def before_call(model: Any = None, **_: Any) -> None:
    """botocore `before-call` hook: refuse to start a call that could not end in time."""
    budget = _CURRENT.get()
    if budget is not None and not budget.allows(0.0):
        name = str(getattr(model, "name", "the next call"))
        raise HandBack(
            f"Handing back to CloudFormation before {name}: this invocation's time is up", name
        )


def _retryable(response: Any, caught: Exception | None) -> bool:
    if caught is not None:
        return True
    if not response:
        return False
    http, parsed = response
    code = str((parsed or {}).get("Error", {}).get("Code", ""))
    return code in THROTTLING_CODES or int(getattr(http, "status_code", 0) or 0) in (
        429,
        500,
        502,
        503,
        504,
    )


def before_retry(
    response: Any = None,
    attempts: int = 1,
    caught_exception: Exception | None = None,
    operation: Any = None,
    **_: Any,
) -> None:
    """botocore `needs-retry` hook, run before the retry handler: when the backoff and one more
    attempt would not end in time, the error is raised now instead of being retried."""
    budget = _CURRENT.get()
    if budget is None or attempts >= MAX_ATTEMPTS or not _retryable(response, caught_exception):
        return  # botocore's own decision stands
    backoff = min(MAX_BACKOFF_SECONDS, 2.0**attempts)
    if budget.allows(backoff):
        return
    name = getattr(operation, "name", "SageMaker call")
    if caught_exception is not None:
        error = map_botocore_error(caught_exception, name)  # type: ignore[arg-type]
    else:
        error = map_client_error(ClientError(response[1], name), name, None)
    raise reworded(error, f"{error} (not retried in this invocation: its time is nearly up)")
