"""Faults, lost responses and conflicts: every lifecycle converges, loses nothing, leaves nothing.

Throttling is injected by the backend (first N calls of an operation, or a seeded 30 % of all
calls). botocore's standard retries absorb short bursts; longer ones reach the handler, which
asks CloudFormation to call again later once the package exists. Before CreateModelPackage has
answered there is no identifier to report progress with, so a create whose first call stays
throttled fails with Throttling and nothing created, and CloudFormation's retry of the operation
(same request token) then registers exactly one package.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from botocore.retries import standard

from mlops_sagemaker_modelpackage import budget, progress
from mlops_sagemaker_modelpackage import client as client_module
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import Run, drive, invoke
from tests.support.clock import VirtualClock
from tests.support.figures import FIGURES
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

pytestmark = pytest.mark.usefixtures("clock", "instant_botocore_retries")
MAX_INVOCATIONS = 40


def _operation(action: str, desired: dict[str, Any], **kwargs: Any) -> Run:
    """Drive an operation as CloudFormation would, retrying it once if it failed Throttling."""
    run = drive(action, desired, max_invocations=MAX_INVOCATIONS, **kwargs)
    FIGURES["operations under faults"] += 1
    if run.last.get("errorCode") == "Throttling":
        run = drive(action, desired, max_invocations=MAX_INVOCATIONS, **kwargs)
    assert run.last["status"] == "SUCCESS", run.last
    assert len(run.events) <= MAX_INVOCATIONS
    return run


def _lifecycle(sagemaker: SageMakerClient, kind: str, group: str) -> None:
    """create -> update -> delete, asserting SageMaker's state after each step."""
    if kind == "versioned":
        before = versioned(
            group,
            ModelApprovalStatus="PendingManualApproval",
            CustomerMetadataProperties={"a": "1", "b": "2"},
        )
        after = {
            **before,
            "ModelApprovalStatus": "Approved",
            "CustomerMetadataProperties": {"a": "1", "c": "3"},
        }
    else:
        before = unversioned(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        after = {**before, "Tags": [{"Key": "a", "Value": "9"}, {"Key": "c", "Value": "3"}]}
    token = "lifecycle-create-token"
    arn = _operation("CREATE", before, token=token).model["ModelPackageArn"]
    packages = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    assert [p["ModelPackageArn"] for p in packages] == [arn]  # no duplicate
    _operation(
        "UPDATE", {**after, "ModelPackageArn": arn}, previous={**before, "ModelPackageArn": arn}
    )
    if kind == "versioned":
        described = sagemaker.describe_model_package(ModelPackageName=arn)
        assert described["ModelApprovalStatus"] == "Approved"
        assert described["CustomerMetadataProperties"] == {"a": "1", "c": "3"}
    else:
        tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
        assert tags == {"a": "9", "c": "3"}
    _operation("DELETE", {"ModelPackageArn": arn})
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


OPERATIONS = {
    "versioned": [
        "CreateModelPackage",
        "DescribeModelPackage",
        "UpdateModelPackage",
        "DeleteModelPackage",
    ],
    "unversioned": [
        "CreateModelPackage",
        "DescribeModelPackage",
        "DeleteModelPackage",
        "ListTags",
        "AddTags",
        "DeleteTags",
    ],
}
CASES = [(kind, op) for kind, ops in OPERATIONS.items() for op in ops]


@pytest.mark.parametrize("burst", [3, 9], ids=["absorbed-by-botocore", "beyond-botocore"])
@pytest.mark.parametrize(("kind", "operation"), CASES)
def test_throttling_bursts_on_each_operation(  # noqa: PLR0917 - fixtures and parameters
    backend: BackendControl,
    sagemaker: SageMakerClient,
    group: str,
    kind: str,
    operation: str,
    burst: int,
) -> None:
    backend.configure(faults=[{"operation": operation, "count": burst}])
    _lifecycle(sagemaker, kind, group)
    injected = backend.injected()
    assert injected == burst
    FIGURES["faults injected"] += injected


@pytest.mark.parametrize("seed", range(int(os.environ.get("RELIABILITY_SEEDS", "6"))))
@pytest.mark.parametrize("kind", ["versioned", "unversioned"])
def test_thirty_percent_of_all_calls_throttled(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, kind: str, seed: int
) -> None:
    backend.configure(faults=[{"fraction": 0.3, "seed": seed}])
    _lifecycle(sagemaker, kind, group)
    FIGURES["faults injected"] += backend.injected()


def test_server_errors_are_retried_too(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(
        faults=[
            {
                "operation": "DescribeModelPackage",
                "count": 8,
                "code": "InternalFailure",
                "status": 500,
            }
        ]
    )
    _lifecycle(sagemaker, "versioned", group)
    FIGURES["faults injected"] += backend.injected()


# ------------------------------------------------------------------ lost responses, replays


@pytest.fixture
def slow_packages(backend: BackendControl) -> None:
    """Packages that need callbacks, so there are earlier contexts to replay."""
    backend.configure(lifecycle={"pending_describes": 25, "in_progress_describes": 5})


@pytest.mark.usefixtures("slow_packages")
def test_create_invoked_twice_with_the_same_request(sagemaker: SageMakerClient, group: str) -> None:
    first = drive("CREATE", versioned(group), token="one-request")
    second = drive("CREATE", versioned(group), token="one-request")
    FIGURES["replays"] += 1
    assert first.model["ModelPackageArn"] == second.model["ModelPackageArn"]
    assert (
        len(sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"])
        == 1
    )


@pytest.mark.usefixtures("slow_packages")
def test_create_reinvoked_from_every_earlier_context(
    sagemaker: SageMakerClient, group: str
) -> None:
    run = drive("CREATE", versioned(group), token="one-request")
    assert len(run.events) > 2
    arn = run.model["ModelPackageArn"]
    for event in run.events[:-1]:
        replay = drive(
            "CREATE", event["resourceModel"], token="one-request", context=event["callbackContext"]
        )
        FIGURES["replays"] += 1
        assert replay.last["status"] == "SUCCESS"
        assert replay.model["ModelPackageArn"] == arn
    assert (
        len(sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"])
        == 1
    )


def test_update_replayed(sagemaker: SageMakerClient, group: str) -> None:
    before = versioned(group, CustomerMetadataProperties={"a": "1", "b": "2"})
    arn = drive("CREATE", before).model["ModelPackageArn"]
    after = {
        **before,
        "ModelApprovalStatus": "Approved",
        "CustomerMetadataProperties": {"a": "2"},
        "ModelPackageArn": arn,
    }
    for _ in range(2):  # the same request twice: the second changes nothing
        run = drive("UPDATE", after, previous={**before, "ModelPackageArn": arn}, token="update-1")
        FIGURES["replays"] += 1
        assert run.last["status"] == "SUCCESS"
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["CustomerMetadataProperties"] == {"a": "2"}
    assert described["ModelApprovalStatus"] == "Approved"


def test_delete_replayed(sagemaker: SageMakerClient, group: str) -> None:
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    assert drive("DELETE", {"ModelPackageArn": arn}).last["status"] == "SUCCESS"
    again = invoke("DELETE", {"ModelPackageArn": arn})
    FIGURES["replays"] += 1
    assert again["errorCode"] == "NotFound"  # CloudFormation takes this as deleted
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


# ------------------------------------------------------------------ conflicts


def _conflicted(backend: BackendControl, group: str, operation: str, conflicts: int) -> Run:
    """Update or delete a fresh version while `operation` answers ConflictException."""
    before = versioned(group)
    arn = drive("CREATE", before).model["ModelPackageArn"]
    fault = {
        "operation": operation,
        "count": conflicts,
        "code": "ConflictException",
        "message": "Another update is in progress",
    }
    backend.configure(faults=[fault])
    if operation == "DeleteModelPackage":
        return drive("DELETE", {"ModelPackageArn": arn})
    approved = {**before, "ModelApprovalStatus": "Approved", "ModelPackageArn": arn}
    return drive("UPDATE", approved, previous={**before, "ModelPackageArn": arn})


@pytest.mark.parametrize("operation", ["UpdateModelPackage", "DeleteModelPackage"])
@pytest.mark.usefixtures("sagemaker")
def test_short_conflicts_are_waited_out(
    backend: BackendControl, group: str, operation: str
) -> None:
    run = _conflicted(backend, group, operation, conflicts=3)
    assert run.last["status"] == "SUCCESS"
    assert [e["callbackContext"]["failures"] for e in run.events[:-1]] == [1, 2, 3]
    assert [e["callbackDelaySeconds"] for e in run.events[:-1]] == [5, 10, 20]


@pytest.mark.parametrize("operation", ["UpdateModelPackage", "DeleteModelPackage"])
def test_ten_minutes_of_conflicts_end_in_success(
    backend: BackendControl,
    sagemaker: SageMakerClient,
    clock: VirtualClock,
    group: str,
    operation: str,
) -> None:
    started = clock.current
    run = _conflicted(backend, group, operation, conflicts=14)
    assert run.last["status"] == "SUCCESS", run.last
    assert clock.current - started >= 10 * 60
    arns = [
        p["ModelPackageArn"]
        for p in sagemaker.list_model_packages(ModelPackageGroupName=group)[
            "ModelPackageSummaryList"
        ]
    ]
    if operation == "DeleteModelPackage":
        assert arns == []
    else:
        assert (
            sagemaker.describe_model_package(ModelPackageName=arns[0])["ModelApprovalStatus"]
            == "Approved"
        )


@pytest.mark.parametrize("operation", ["UpdateModelPackage", "DeleteModelPackage"])
@pytest.mark.usefixtures("sagemaker", "clock")
def test_conflicts_past_the_timeout_end_in_resource_conflict(
    backend: BackendControl, group: str, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(progress.TIMEOUT_MINUTES, "update", 15)
    monkeypatch.setitem(progress.TIMEOUT_MINUTES, "delete", 15)
    run = _conflicted(backend, group, operation, conflicts=1000)
    assert run.last["errorCode"] == "ResourceConflict"
    assert "Another update is in progress" in run.last["message"]
    assert "timeout is reached" in run.last["message"]
    assert len(run.events) < 30


# ------------------------------------------------------------------ long waits, invocation budget


@pytest.fixture
def virtual_backoff(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """botocore's retry sleeps pass on the virtual clock too (and cost no real time), each as
    long as botocore's backoff can be (no jitter)."""
    monkeypatch.setattr(
        standard.ExponentialBackoff,
        "delay_amount",
        lambda self, context: min(self._max_backoff, 2 ** (context.attempt_number - 1)),
    )
    monkeypatch.setattr("botocore.endpoint.time.sleep", clock.sleep)
    # A new client, so botocore's retry quota is full, as in a fresh Lambda container (earlier
    # tests' faults drain the quota of the client they share).
    client_module._client_for.cache_clear()
    return clock


def test_an_hour_of_validation_with_sporadic_throttling_completes(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, virtual_backoff: VirtualClock
) -> None:
    """Describe throttled past botocore's retries about once every ten looks: each blip is
    retried, and the count starts again after every look that succeeds."""
    backend.configure(lifecycle={"pending_describes": 250, "in_progress_describes": 30})
    started = virtual_backoff.current
    event = invoke("CREATE", versioned(group), token="hour")
    events, blips = [event], 0
    while event["status"] == "IN_PROGRESS":
        assert len(events) < 800
        if len(events) % 10 == 0:
            backend.configure(faults=[{"operation": "DescribeModelPackage", "count": 5}])
            blips += 1
        virtual_backoff.sleep(event["callbackDelaySeconds"])
        event = invoke(
            "CREATE", event["resourceModel"], token="hour", context=event["callbackContext"]
        )
        events.append(event)
    assert event["status"] == "SUCCESS", event
    assert blips >= 6  # more than the five the old per-operation counter allowed
    assert max(e.get("callbackContext", {}).get("failures", 0) for e in events) == 1
    assert virtual_backoff.current - started >= 3600
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert len(versions) == 1
    FIGURES["faults injected"] += backend.injected()


def test_conflicts_on_create_are_retried_with_the_same_token(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, clock: VirtualClock
) -> None:
    """Inside the first invocation: without an ARN yet, an IN_PROGRESS event is not allowed."""
    backend.configure(
        faults=[{"operation": "CreateModelPackage", "count": 3, "code": "ConflictException"}]
    )
    run = drive("CREATE", versioned(group))
    assert run.last["status"] == "SUCCESS", run.last
    assert clock.slept[:3] == [2.0, 4.0, 8.0]
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert len(versions) == 1


def test_lasting_conflicts_on_create_fail_with_nothing_created(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, clock: VirtualClock
) -> None:
    backend.configure(
        faults=[{"operation": "CreateModelPackage", "count": 100, "code": "ConflictException"}]
    )
    event = invoke("CREATE", versioned(group))
    assert event["status"] == "FAILED"  # the one event allowed without an identifier
    assert event["errorCode"] == "ResourceConflict"
    assert sum(clock.slept) + budget.ATTEMPT_SECONDS <= budget.INVOCATION_BUDGET_SECONDS
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []


def test_every_invocation_ends_within_its_budget_under_throttling(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, virtual_backoff: VirtualClock
) -> None:
    """Every call throttled for a while: botocore's backoff is cut where another attempt could
    not end in time, and the invocation hands back IN_PROGRESS."""
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    backend.configure(faults=[{"operation": None, "count": 60}])
    before = versioned(group)
    after = {**before, "ModelApprovalStatus": "Approved"}
    durations: list[float] = []
    event: dict[str, Any] = {"callbackContext": None}
    for _ in range(40):
        started = virtual_backoff.current
        event = invoke(
            "UPDATE",
            {**after, "ModelPackageArn": arn},
            previous={**before, "ModelPackageArn": arn},
            context=event.get("callbackContext"),
        )
        durations.append(virtual_backoff.current - started)
        if event["status"] != "IN_PROGRESS":
            break
        virtual_backoff.sleep(event["callbackDelaySeconds"])
    assert event["status"] == "SUCCESS", event
    assert max(durations) + budget.ATTEMPT_SECONDS <= budget.INVOCATION_BUDGET_SECONDS
    assert (
        sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"
    )
    FIGURES["faults injected"] += backend.injected()
