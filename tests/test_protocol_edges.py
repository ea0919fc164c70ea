"""Protocol edges a new user meets, through the real entry point against the local backend:
a replayed create that meets a conflict, an invocation short of time, the failure counter after
a success, callback contexts the handler cannot use, identifiers that are not ARNs, a paging
token SageMaker refuses, and a name whose package is still being deleted."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage import budget, handlers
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke, listed_packages, payload
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


# ------------------------------------------------------------------ 2: a replayed create


# ------------------------------------------------------------------ 3: short of time


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


# ------------------------------------------------------------------ 4: the failure counter


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


# ------------------------------------------------------------------ 5: unusable contexts


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


# ------------------------------------------------------------------ 6: identifiers


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


def test_a_paging_token_sagemaker_refuses_is_invalid_request(backend: BackendControl) -> None:
    event = invoke("LIST", {}, next_token="garbage")
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "InvalidRequest"


# ------------------------------------------------------------------ 7: a name being deleted


def test_the_budget_keeps_one_short_attempt_in_reach() -> None:
    """The fixed figures the tests above rely on."""
    assert budget.SHORT_ATTEMPT_SECONDS + budget.LAMBDA_MARGIN_SECONDS < 12
    assert budget.SHORT_ATTEMPT_SECONDS + budget.LAMBDA_MARGIN_SECONDS > 7
