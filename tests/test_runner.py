"""The phase runner (runner.py): the callback context, transient errors and handing back;
through the real entry point, the failure counter across invocations, contexts the handler
cannot use or that name another package, and identifiers that are not ARNs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import OperationStatus, ProgressEvent

from mlops_sagemaker_modelpackage import budget, progress, runner
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.runner import CallbackContext, Execution
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, handler_request, invoke, listed_packages
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

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


# ------------------------------------------------------------------ the failure counter


@pytest.mark.usefixtures("instant_botocore_retries")
def test_a_successful_call_resets_the_failure_count(
    backend: BackendControl, group: str, clock: VirtualClock
) -> None:
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    backend.configure(
        faults=[{"operation": "DeleteModelPackage", "count": 4, "code": "ConflictException"}]
    )
    model = {**versioned(group), "ModelPackageArn": arn}
    context = None
    for attempt in range(1, 5):
        event = invoke("DELETE", model, token="delete", context=context)
        assert event["callbackContext"]["failures"] == attempt
        clock.sleep(event["callbackDelaySeconds"])
        context = event["callbackContext"]
    backend.configure(faults=[{"operation": "DescribeModelPackage", "count": 5}])  # throttled
    event = invoke("DELETE", model, token="delete", context=context)
    assert event["status"] == "IN_PROGRESS", event
    assert backend.operations().count("DeleteModelPackage") == 5  # the fifth was accepted
    assert event["callbackContext"]["failures"] == 1
    assert event["callbackDelaySeconds"] == 5
    assert "(attempt 2)" in event["message"]


@pytest.mark.usefixtures("instant_botocore_retries")
def test_a_describe_that_answers_starts_the_update_failure_count_over(
    backend: BackendControl, group: str, clock: VirtualClock
) -> None:
    """Describe throttled past botocore's retries three invocations in a row; then it answers
    and UpdateModelPackage meets a conflict: a new run of failures, waited for 5 s, not 40."""
    before = versioned(group)
    arn = drive("CREATE", before).model["ModelPackageArn"]
    model = {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn}
    previous = {**before, "ModelPackageArn": arn}
    backend.configure(faults=[{"operation": "DescribeModelPackage", "count": 15}])  # 3 x 5 tries
    context = None
    for attempt in range(1, 4):
        event = invoke("UPDATE", model, previous=previous, token="update", context=context)
        assert event["callbackContext"]["failures"] == attempt
        clock.sleep(event["callbackDelaySeconds"])
        context = event["callbackContext"]
    backend.configure(
        faults=[{"operation": "UpdateModelPackage", "count": 2, "code": "ConflictException"}]
    )
    event = invoke("UPDATE", model, previous=previous, token="update", context=context)
    assert event["status"] == "IN_PROGRESS", event
    assert (event["callbackContext"]["failures"], event["callbackDelaySeconds"]) == (1, 5)
    clock.sleep(5)
    again = invoke(
        "UPDATE", model, previous=previous, token="update", context=event["callbackContext"]
    )
    # The same call failing again, though Describe answered before it: a busy package is
    # waited for longer each time.
    assert (again["callbackContext"]["failures"], again["callbackDelaySeconds"]) == (2, 10)


# ------------------------------------------------------------------ contexts the handler cannot use


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    "context",
    [
        {"phase": "wait_for_it"},  # another version's phase
        {"phase": None, "started": None},
        {"started": "yesterday", "failures": "many"},
        {"phase": "stabilize"},  # a create's phase without its ARN
    ],
    ids=["unknown phase", "nulls", "wrong types", "no arn"],
)
def test_a_context_the_handler_cannot_use_starts_over_safely(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, context: Json
) -> None:
    backend.configure(lifecycle={"pending_describes": 10})  # a wait: callbacks read the context
    run = drive("CREATE", versioned(group), token="odd-context", context=context)
    assert run.last["status"] == "SUCCESS", run.last
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)
    assert len(versions["ModelPackageSummaryList"]) == 1


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("context", ["phase=stabilize", ["stabilize"], 42, True])
@pytest.mark.parametrize("action", ["CREATE", "UPDATE", "DELETE"])
def test_a_context_that_is_not_an_object_starts_over(
    sagemaker: SageMakerClient, group: str, action: str, context: Any
) -> None:
    """It used to end in InternalFailure with an empty message."""
    desired: Json = versioned(group)
    previous = None
    if action != "CREATE":
        arn = drive("CREATE", desired).model["ModelPackageArn"]
        previous = {**desired, "ModelPackageArn": arn}
        desired = {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn}
    run = drive(action, desired, previous=previous, context=context)
    assert run.last["status"] == "SUCCESS", run.last
    left = {p["ModelPackageArn"]: p["ModelApprovalStatus"] for p in listed_packages(sagemaker)}
    expected = {
        "CREATE": {run.model.get("ModelPackageArn"): "PendingManualApproval"},
        "UPDATE": {desired.get("ModelPackageArn"): "Approved"},
        "DELETE": {},
    }
    assert left == expected[action]


DAMAGED = [
    {"phase": "stabilize"},
    {"phase": "stabilize", "since": 0},
    {"phase": "stabilize", "failures": 3, "failing": "UpdateModelPackage"},
]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("context", DAMAGED, ids=["phase", "with since", "with failures"])
@pytest.mark.parametrize("kind", ["versioned", "unversioned"])
def test_a_damaged_update_context_never_answers_success_without_the_update(
    sagemaker: SageMakerClient, group: str, kind: str, context: Json
) -> None:
    """A context that skips to the wait: SUCCESS only once SageMaker holds the desired state."""
    if kind == "versioned":
        before, after = versioned(group), versioned(group, ModelApprovalStatus="Approved")
    else:
        before = unversioned(Tags=[{"Key": "team", "Value": "a"}])
        after = unversioned(Tags=[{"Key": "team", "Value": "b"}])
    arn = drive("CREATE", before).model["ModelPackageArn"]
    run = drive(
        "UPDATE",
        {**after, "ModelPackageArn": arn},
        previous={**before, "ModelPackageArn": arn},
        context={**context, "arn": arn},
    )
    assert run.last["status"] == "SUCCESS", run.last
    if kind == "versioned":
        held = sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
        assert held == "Approved"
    else:
        assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "b"}]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    "context",
    [
        {"phase": "stabilize"},
        {"phase": "cleanup", "failure_code": "NotStabilized", "failure_message": "failed"},
        {"phase": "", "owner": "0123456789abcdef"},
    ],
    ids=["stabilize", "cleanup", "forged owner"],
)
def test_a_create_context_naming_another_package_never_touches_it(
    sagemaker: SageMakerClient, group: str, context: Json
) -> None:
    """A create's ARN comes from its context: one that names another package (damaged, or
    another operation's) must neither adopt, approve nor delete that package."""
    other = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    desired = versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="mine")
    run = drive("CREATE", desired, context={**context, "arn": other})
    assert run.last["status"] == "SUCCESS", run.last
    mine = run.model["ModelPackageArn"]
    assert mine != other
    left = {p["ModelPackageArn"]: p["ModelApprovalStatus"] for p in listed_packages(sagemaker)}
    assert left == {other: "PendingManualApproval", mine: "Approved"}


@pytest.mark.usefixtures("clock")
def test_awaiting_the_end_of_a_delete_never_sent_deletes(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    model = {**versioned(group), "ModelPackageArn": arn}
    run = drive("DELETE", model, context={"phase": "await_gone"}, max_invocations=5)
    assert run.last["status"] == "SUCCESS", run.last
    assert backend.operations().count("DeleteModelPackage") == 1
    assert listed_packages(sagemaker) == []


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("action", ["UPDATE", "DELETE"])
def test_a_context_naming_another_package_acts_on_the_requests_own(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, action: str
) -> None:
    """The request names the resource; a context (damaged, or another operation's) that names
    another ARN must not turn an update or a delete onto that package."""
    mine = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    other = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    desired = {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": mine}
    run = drive(
        action,
        desired,
        previous={**versioned(group), "ModelPackageArn": mine},
        context={"phase": "", "arn": other},
    )
    assert run.last["status"] == "SUCCESS", run.last
    left = {p["ModelPackageArn"]: p.get("ModelApprovalStatus") for p in listed_packages(sagemaker)}
    if action == "DELETE":
        assert left == {other: "PendingManualApproval"}
    else:
        assert run.model["ModelPackageArn"] == mine
        assert left == {mine: "Approved", other: "PendingManualApproval"}


# ------------------------------------------------------------------ identifiers


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("action", ["READ", "UPDATE", "DELETE"])
@pytest.mark.parametrize("identifier", ["churn-model", "churn-models/1"])
def test_an_identifier_that_is_not_an_arn_is_not_found(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, action: str, identifier: str
) -> None:
    drive("CREATE", unversioned())
    drive("CREATE", versioned(group))
    backend.reset_calls()
    event = invoke(
        action,
        {**versioned(group), "ModelPackageArn": identifier},
        previous={**versioned(group), "ModelPackageArn": identifier},
    )
    assert event["status"] == "FAILED", event
    assert event["errorCode"] == "NotFound"
    assert backend.operations() == []
    assert len(listed_packages(sagemaker)) == 2  # nothing deleted
