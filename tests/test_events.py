"""The events SageMaker sends for model packages (backend/events.py), as the embedded SageMaker
sends them: "SageMaker Model Package State Change" on the owner's bus at each creation, status
change and update, the detail as DescribeModelPackage shows the package then, an update's with
`UpdatedModelPackageFields`. Driven through the Lambda entry point; read back through the
control API (/_local/events) and DescribeModelPackage."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import ACCOUNT, REGION, drive, in_account, share_group
from tests.support.models import versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def outline(events: list[Json]) -> list[tuple[str, str, str, list[str] | None]]:
    """Each event's version, status, approval and updated fields."""
    return [
        (
            e["resources"][0].rsplit("/", 1)[-1],
            e["detail"]["ModelPackageStatus"],
            e["detail"].get("ModelApprovalStatus", ""),
            e["detail"].get("UpdatedModelPackageFields"),
        )
        for e in events
    ]


def sent(backend: BackendControl, account: str | None = None) -> list[Json]:
    events, _ = backend.events(account=account)
    return events


def jsonable(described: Mapping[str, Any]) -> Json:
    """A DescribeModelPackage answer as an event's detail writes it (times to the second)."""
    written: Json = json.loads(
        json.dumps(
            {k: v for k, v in described.items() if k != "ResponseMetadata"},
            default=lambda t: t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    )
    return written


@pytest.mark.usefixtures("clock")
def test_an_approved_create_announces_the_version_then_its_approval(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 1, "in_progress_describes": 2})
    desired = versioned(group, ModelApprovalStatus="Approved", ApprovalDescription="reviewed")
    run = drive("CREATE", desired)
    assert run.last["status"] == "SUCCESS", run.last
    arn = run.model["ModelPackageArn"]
    events = sent(backend)
    # created pending; each status once, when a look saw it; then the approval alone says
    # Approved, naming what it changed
    assert outline(events) == [
        ("1", "Pending", "PendingManualApproval", None),
        ("1", "InProgress", "PendingManualApproval", None),
        ("1", "Completed", "PendingManualApproval", None),
        ("1", "Completed", "Approved", ["ModelApprovalStatus", "ApprovalDescription"]),
    ]
    for event in events:
        assert {k: v for k, v in event.items() if k not in ("id", "time", "detail")} == {
            "version": "0",
            "detail-type": "SageMaker Model Package State Change",
            "source": "aws.sagemaker",
            "account": ACCOUNT,
            "region": REGION,
            "resources": [arn],
        }
        assert TIME.fullmatch(event["time"]), event["time"]
    assert len({e["id"] for e in events}) == len(events)
    # the detail is the package as DescribeModelPackage shows it
    held = jsonable(sagemaker.describe_model_package(ModelPackageName=arn))
    last = dict(events[-1]["detail"])
    assert last.pop("UpdatedModelPackageFields") == ["ModelApprovalStatus", "ApprovalDescription"]
    assert last == held
    first = events[0]["detail"]
    assert (first["ModelPackageGroupName"], first["ModelPackageVersion"]) == (group, 1)
    assert first["CreationTime"] == held["CreationTime"]
    assert first["ModelPackageStatusDetails"] == {"ValidationStatuses": [], "ImageScanStatuses": []}


@pytest.mark.usefixtures("clock")
def test_an_update_of_an_approved_version_says_approved_again_with_what_changed(
    backend: BackendControl, group: str
) -> None:
    """What a rule on `ModelApprovalStatus: Approved` alone would redeploy on: a metadata or
    life cycle change says Approved too; only UpdatedModelPackageFields tells them apart."""
    approved = versioned(group, ModelApprovalStatus="Approved")
    arn = drive("CREATE", approved).model["ModelPackageArn"]
    _, after_create = backend.events()
    stamped = {**approved, "ModelPackageArn": arn, "CustomerMetadataProperties": {"deployed": "1"}}
    assert drive("UPDATE", stamped, previous=approved).last["status"] == "SUCCESS"
    staged = {**stamped, "ModelLifeCycle": {"Stage": "Staging", "StageStatus": "Approved"}}
    assert drive("UPDATE", staged, previous=stamped).last["status"] == "SUCCESS"
    withdrawn = {k: v for k, v in staged.items() if k != "ModelApprovalStatus"}
    assert drive("UPDATE", withdrawn, previous=staged).last["status"] == "SUCCESS"
    events, _ = backend.events(after=after_create)
    assert outline(events) == [
        ("1", "Completed", "Approved", ["CustomerMetadataProperties"]),
        ("1", "Completed", "Approved", ["ModelLifeCycle"]),
        # the property removed: back to SageMaker's default, a withdrawal
        ("1", "Completed", "PendingManualApproval", ["ModelApprovalStatus"]),
    ]
    assert events[0]["detail"]["CustomerMetadataProperties"] == {"deployed": "1"}


@pytest.mark.usefixtures("clock")
def test_a_deletion_is_announced_with_the_approval_the_version_had(
    backend: BackendControl, group: str
) -> None:
    backend.configure(lifecycle={"deleting_describes": 2})
    approved = versioned(group, ModelApprovalStatus="Approved")
    arn = drive("CREATE", approved).model["ModelPackageArn"]
    _, after_create = backend.events()
    assert drive("DELETE", {**approved, "ModelPackageArn": arn}).last["status"] == "SUCCESS"
    events, _ = backend.events(after=after_create)
    # once, however many looks the deletion lasts
    assert outline(events) == [("1", "Deleting", "Approved", None)]


def test_statuses_reached_by_elapsed_time_are_announced_without_a_look(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    """Each when it began: a lifecycle by seconds moves whether or not anyone describes it."""
    backend.configure(lifecycle={"pending_seconds": 0.3, "in_progress_seconds": 0.3})
    sagemaker.create_model_package(ModelPackageGroupName=group)
    time.sleep(0.8)
    events = sent(backend)
    assert outline(events) == [
        ("1", "Pending", "PendingManualApproval", None),
        ("1", "InProgress", "PendingManualApproval", None),
        ("1", "Completed", "PendingManualApproval", None),
    ]
    assert "DescribeModelPackage" not in backend.operations()
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)


@pytest.mark.usefixtures("clock")
def test_a_version_registered_from_another_account_is_announced_on_the_groups_bus(
    backend: BackendControl,
) -> None:
    central, training = "111111111111", "222222222222"
    registry = backend.sagemaker(in_account(central), REGION)
    group_arn = share_group(registry, "churn-models", training)
    run = drive(
        "CREATE",
        versioned(group_arn, ModelApprovalStatus="Approved"),
        account=training,
        credentials=in_account(training),
    )
    assert run.last["status"] == "SUCCESS", run.last
    on_central = sent(backend, central)
    assert [e["account"] for e in on_central] == [central, central]
    assert outline(on_central)[-1] == ("1", "Completed", "Approved", ["ModelApprovalStatus"])
    assert sent(backend, training) == []


def test_the_control_api_reads_on_from_where_it_stopped_and_reset_forgets(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="other-models")
    sagemaker.create_model_package(ModelPackageGroupName=group)
    first, following = backend.events()
    assert (len(first), following) == (1, 1)
    sagemaker.create_model_package(ModelPackageGroupName="other-models")
    later, following = backend.events(after=following)
    assert [e["detail"]["ModelPackageGroupName"] for e in later] == ["other-models"]
    assert backend.events(after=following) == ([], 2)
    backend.reset()
    assert backend.events() == ([], 0)
