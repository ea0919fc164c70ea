"""How long one invocation may work, and the guards that keep every SageMaker call inside it.

A handler must answer within 60 seconds, and Lambda stops it at its own timeout. Botocore's
retries (backoff of up to 20 s between attempts) and in-invocation polling could otherwise add up
past both. So every invocation has a deadline; before a call starts, and before botocore sleeps
to retry one, the guards below check that the attempt (at most one connect and one read timeout)
still ends in time. When it would not, the invocation hands back to CloudFormation: the call's
own error surfaces (and the workflow retries it later), or `HandBack` before a call is made.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import HandlerErrorCode

from .errors import THROTTLING_CODES, map_botocore_error, map_client_error, reworded

# Well inside the 60 s the contract allows: the lib's own work and the answer follow.
INVOCATION_BUDGET_SECONDS = 45.0
# Time kept back from Lambda's own timeout, when the function is configured shorter.
LAMBDA_MARGIN_SECONDS = 5.0
# The client's attempts per call, and the longest one attempt can take (connect + read timeout).
MAX_ATTEMPTS = 5
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 8
ATTEMPT_SECONDS = float(CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)
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


@dataclass(frozen=True)
class Budget:
    clock: Clock
    deadline: float

    @classmethod
    def starting(cls, clock: Clock, lambda_deadline: float | None = None) -> Budget:
        deadline = clock.now() + INVOCATION_BUDGET_SECONDS
        if lambda_deadline is not None:
            deadline = min(deadline, lambda_deadline - LAMBDA_MARGIN_SECONDS)
        return cls(clock, deadline)

    def left(self) -> float:
        return self.deadline - self.clock.now()

    def allows(self, seconds: float) -> bool:
        """Whether `seconds` of sleeping plus one call attempt still end before the deadline."""
        return seconds + ATTEMPT_SECONDS <= self.left()


class HandBack(exceptions.ServiceInternalError):
    """No time is left for another call in this invocation: continue in the next one.

    Workflows that can be called again answer IN_PROGRESS; READ and LIST (which cannot) report
    it as a service error, which only a nearly expired Lambda timeout can cause."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self._error_code = HandlerErrorCode.ServiceInternalError


_CURRENT: ContextVar[Budget | None] = ContextVar("mlops_modelpackage_budget", default=None)


@contextmanager
def active(budget: Budget) -> Iterator[Budget]:
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
        name = getattr(model, "name", "the next call")
        raise HandBack(
            f"Handing back to CloudFormation before {name}: this invocation's time is up"
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
