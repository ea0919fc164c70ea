"""The EventBridge events SageMaker sends for model packages, as it sends them.

SageMaker sends a "SageMaker Model Package State Change" event (source `aws.sagemaker`) to the
default event bus of the account that owns the package (for a version registered from another
account, the group's account) when the package is created, each time its status changes, and
each time UpdateModelPackage changes it. The `detail` is the package as DescribeModelPackage
shows it at that moment; an update's also names what it changed in `UpdatedModelPackageFields`
(so an update of an approved version says `ModelApprovalStatus: Approved` again, without
ModelApprovalStatus among the fields that changed). SageMaker may send an event more than once:
consumers must be idempotent.

`EventLog` keeps every event the backend sent, in order, for the control API (/_local/events).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import botocore.session

from .plain import Plain

SOURCE = "aws.sagemaker"
DETAIL_TYPE = "SageMaker Model Package State Change"
# What is not a change an update makes, though the description shows it changed.
NOT_CHANGES = frozenset({"LastModifiedTime", "LastModifiedBy"})
_DESCRIBED = (
    botocore.session.get_session()
    .get_service_model("sagemaker")
    .operation_model("DescribeModelPackage")
    .output_shape
)
# The order DescribeModelPackage documents its fields in (the order `UpdatedModelPackageFields`
# lists the changed ones in).
DESCRIBED_FIELDS = tuple(_DESCRIBED.members if _DESCRIBED is not None else ())


def timestamp(value: float | datetime) -> str:
    """EventBridge's form of a time: ISO 8601 in UTC, to the second (`2021-02-24T17:00:14Z`)."""
    when = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_json(value: Any) -> Any:
    """A description as JSON carries it: times as EventBridge writes them."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def changed_fields(before: Plain, after: Plain) -> list[str]:
    """`UpdatedModelPackageFields`: the fields an update changed, in DescribeModelPackage's
    order."""
    changed = {
        k for k in {*before, *after} if k not in NOT_CHANGES and before.get(k) != after.get(k)
    }
    ordered = [k for k in DESCRIBED_FIELDS if k in changed]
    return ordered + sorted(changed - set(ordered))


def state_change(
    account: str,
    region: str,
    described: Plain,
    at: float | datetime,
    updated: list[str] | None = None,
) -> Plain:
    """The event for a package described as `described` at `at`; `updated`: the fields an
    UpdateModelPackage changed (None: a creation or a status change, which carry none)."""
    detail = as_json(described)
    if updated is not None:
        detail["UpdatedModelPackageFields"] = list(updated)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": timestamp(at),
        "region": region,
        "resources": [described["ModelPackageArn"]],
        "detail": detail,
    }


@dataclass
class EventLog:
    """Every event sent, in order (all accounts); `read` pages through it."""

    sent: list[Plain] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def send(self, event: Plain) -> None:
        with self.lock:
            self.sent.append(event)

    def read(self, after: int = 0, account: str | None = None) -> tuple[list[Plain], int]:
        """The events sent after the first `after` (of `account`'s bus only, if given), and
        where the next read starts."""
        with self.lock:
            events = self.sent[max(after, 0) :]
            following = len(self.sent)
        return [e for e in events if account in (None, e["account"])], following

    def clear(self) -> None:
        with self.lock:
            self.sent.clear()
