"""What this invocation's SageMaker calls did: which answered and which failed.

botocore's `after-call` and `after-call-error` hooks (client.py registers them) note each call's
outcome while a workflow runs (`recording`). The runner reads the record to count consecutive
failures of one call (a call that answers ends the run of them) and to tell an invocation that
made progress (a change SageMaker accepted) from one that only looked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# Calls that change nothing: answering them is no progress.
LOOKING = ("Describe", "List")


class Record:
    """The outcome of every SageMaker call of one invocation, in order, by operation name.

    (A plain class: a dataclass costs every cold start its generated code.)"""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.failed: list[str] = []
        # Calls with an attempt (botocore retries inside one call) that got no answer or a
        # server error: SageMaker may have done what it asked, or not.
        self.unanswered: set[str] = set()

    @property
    def last_failed(self) -> str | None:
        return self.failed[-1] if self.failed else None

    def changed_something(self) -> bool:
        """Whether SageMaker accepted a change in this invocation."""
        return any(not name.startswith(LOOKING) for name in self.answered)


_CURRENT: ContextVar[Record | None] = ContextVar("mlops_modelpackage_calls", default=None)


@contextmanager
def recording() -> Iterator[Record]:
    """Record the outcome of every SageMaker call made in the block."""
    record = Record()
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


def after_call(http_response: Any = None, model: Any = None, **_: Any) -> None:
    """botocore `after-call`: the service answered, with a success or an error."""
    record = _CURRENT.get()
    if record is None or model is None:
        return
    status = int(getattr(http_response, "status_code", 0) or 0)
    (record.answered if 200 <= status < 300 else record.failed).append(str(model.name))


def on_attempt(
    response: Any = None, caught_exception: Exception | None = None, operation: Any = None, **_: Any
) -> None:
    """botocore `needs-retry`, after every attempt: note one without an answer or with a
    server error (botocore's retries hide it from the call's own outcome)."""
    record = _CURRENT.get()
    if record is None or operation is None:
        return
    status = int(getattr(response[0], "status_code", 0) or 0) if response else 0
    if caught_exception is not None or status >= 500:
        record.unanswered.add(str(operation.name))


def after_call_error(event_name: str = "", **_: Any) -> None:
    """botocore `after-call-error`: no answer (a timeout, a lost connection, a retry cut short)."""
    record = _CURRENT.get()
    if record is not None:
        record.failed.append(event_name.rsplit(".", 1)[-1])
