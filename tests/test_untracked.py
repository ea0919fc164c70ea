"""Nothing a create made is left untracked (create.py, locate.py).

A create whose answers are lost on the network (SageMaker did the work; the client timed out)
finds the package by what it sent, carries its ARN from then on and asks again with the same
ClientToken until SageMaker answers. A create that cannot find out says so, with the token and
how to find the package. A failed create whose cleanup is refused answers FAILED with the
package's model (its ARN), so CloudFormation's rollback deletes it: the contract the rehearsal
relies on to list it as left behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.endpoint import Endpoint
from botocore.exceptions import ConnectionClosedError
from botocore.retries import standard

from mlops_sagemaker_modelpackage import budget, progress
from mlops_sagemaker_modelpackage import client as client_module
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.translate import client_token
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

TOKEN = "lost-answers"


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """A virtual clock that starts at the real time (SageMaker's CreationTime is compared with
    it); botocore's backoff passes on it, and an attempt whose answer never comes takes its
    whole timeout there, as a read timeout would."""
    virtual = VirtualClock(start=time.time())
    monkeypatch.setattr(budget.SystemClock, "now", lambda self: virtual.now())
    monkeypatch.setattr(budget.SystemClock, "sleep", lambda self, s: virtual.sleep(s))
    monkeypatch.setattr(
        standard.ExponentialBackoff,
        "delay_amount",
        lambda self, context: min(self._max_backoff, 2 ** (context.attempt_number - 1)),
    )
    monkeypatch.setattr("botocore.endpoint.time.sleep", virtual.sleep)
    send: Callable[..., Any] = Endpoint._send  # type: ignore[attr-defined]

    def timed_out(self: Endpoint, request: Any) -> Any:
        try:
            return send(self, request)
        except ConnectionClosedError:
            virtual.sleep(budget.ATTEMPT_SECONDS)
            raise

    monkeypatch.setattr(Endpoint, "_send", timed_out)
    client_module._client_for.cache_clear()  # a fresh retry quota, as in a new container
    return virtual


def _lose(backend: BackendControl, operation: str, count: int, drop: str = "answer") -> None:
    backend.configure(faults=[{"operation": operation, "count": count, "drop": drop}])


def _packages(sagemaker: SageMakerClient) -> list[str]:
    found = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    return [str(p["ModelPackageArn"]) for p in found]


KINDS: dict[str, Callable[[], Json]] = {
    "version": versioned,
    "named package": unversioned,
    "generated name": lambda: unversioned(name=None),
}


@pytest.mark.usefixtures("group", "wall_clock")
@pytest.mark.parametrize("kind", KINDS)
def test_a_create_whose_answers_are_lost_tracks_the_package_it_made(
    backend: BackendControl, sagemaker: SageMakerClient, kind: str
) -> None:
    """Four answers in a row lost: SageMaker made the package at the first. The create finds it
    in its first invocation, carries its ARN from then on, and asks again with the same token
    until SageMaker answers with that same package."""
    _lose(backend, "CreateModelPackage", 4)
    run = drive("CREATE", KINDS[kind](), token=TOKEN)
    assert run.last["status"] == "SUCCESS", run.last
    arn = run.model["ModelPackageArn"]
    assert _packages(sagemaker) == [arn]
    assert len(run.events) > 1  # it went on across invocations, in the package's name
    assert {e["resourceModel"]["ModelPackageArn"] for e in run.events} == {arn}
    assert "made by this create" in run.events[0]["message"]
    assert backend.operations().count("CreateModelPackage") == 5  # four lost, one answered


@pytest.mark.usefixtures("wall_clock")
def test_a_create_that_cannot_look_for_its_package_says_how_to_find_it(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(
        faults=[
            {"operation": "CreateModelPackage", "count": 100, "drop": "answer"},
            {"operation": "ListModelPackages", "count": 100, "drop": "request"},
        ]
    )
    run = drive("CREATE", versioned(group), token=TOKEN)
    assert run.last["status"] == "FAILED", run.last
    assert run.last["errorCode"] == "NetworkFailure"  # retriable: the same request, same token
    message = run.last["message"]
    assert f"ClientToken {client_token(None, TOKEN)}" in message
    assert f"aws sagemaker list-model-packages --model-package-group-name {group}" in message
    assert "aws sagemaker delete-model-package --model-package-name" in message
    backend.configure(clear_faults=True)
    assert len(_packages(sagemaker)) == 1  # what the message tells to look for


@pytest.mark.usefixtures("wall_clock")
def test_a_create_sagemaker_never_received_leaves_nothing_and_says_so(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    _lose(backend, "CreateModelPackage", 100, drop="request")
    run = drive("CREATE", versioned(group), token=TOKEN)
    assert run.last["status"] == "FAILED", run.last
    assert "SageMaker holds no package made by this create" in run.last["message"]
    assert "nothing is left behind" in run.last["message"]
    assert "resourceModel" not in run.last
    assert _packages(sagemaker) == []


@pytest.mark.usefixtures("wall_clock")
def test_a_version_that_cannot_be_told_apart_is_never_taken(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    """Another writer registered the same content a moment before: no describe names the
    token, so neither version is claimed (the one that is not this create's stays another's)."""
    desired = versioned(group)
    sagemaker.create_model_package(**desired, ModelApprovalStatus="PendingManualApproval")
    _lose(backend, "CreateModelPackage", 100)
    run = drive("CREATE", desired, token=TOKEN)
    assert run.last["status"] == "FAILED", run.last
    assert "cannot be told" in run.last["message"]
    assert all(arn in run.last["message"] for arn in _packages(sagemaker))
    assert "resourceModel" not in run.last


# ------------------------------------------------------------------ a cleanup refused


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("code", "timeout"),
    [("AccessDeniedException", None), ("ConflictException", progress.CLEANUP_RESERVE_MINUTES + 2)],
    ids=["access denied", "conflicts past the timeout"],
)
def test_a_failed_create_whose_cleanup_is_refused_names_its_package(  # noqa: PLR0917 - fixtures and parameters
    backend: BackendControl,
    sagemaker: SageMakerClient,
    group: str,
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    timeout: int | None,
) -> None:
    """The FAILED event carries the model with the package's ARN, so CloudFormation's rollback
    deletes it; the message says it is left behind and how to delete it."""
    if timeout is not None:
        monkeypatch.setitem(progress.TIMEOUT_MINUTES, "create", timeout)
    backend.configure(
        lifecycle={"fail_next": 1, "failure_reason": "model.tar.gz not found"},
        faults=[{"operation": "DeleteModelPackage", "count": 10_000, "code": code}],
    )
    run = drive("CREATE", versioned(group, ModelApprovalStatus="Approved"), max_invocations=200)
    assert run.last["status"] == "FAILED", run.last
    assert run.last["errorCode"] == "NotStabilized"
    (arn,) = _packages(sagemaker)
    assert run.last["resourceModel"]["ModelPackageArn"] == arn
    assert run.last["resourceModel"]["ModelPackageGroupName"] == group
    message = run.last["message"]
    assert "model.tar.gz not found" in message
    assert f"The package {arn} could not be deleted" in message
    assert f"aws sagemaker delete-model-package --model-package-name {arn}" in message
    held = sagemaker.describe_model_package(ModelPackageName=arn)
    # Left behind, Failed, and never approved (approval waits for validation: test_approval.py).
    assert (held["ModelPackageStatus"], held["ModelApprovalStatus"]) == (
        "Failed",
        "PendingManualApproval",
    )
