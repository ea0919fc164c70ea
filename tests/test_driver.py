"""The local driver plays CloudFormation: rollback paths, request shapes, checks, policies.

Every test deploys templates through `local.driver` against the backend and asserts on
SageMaker's state read back (and on what the handlers were sent), not only on printed events.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local.backend.control import BackendControl
from local.driver import drift
from local.driver.__main__ import main as driver_main
from local.driver.events import Events
from local.driver.logs import HandlerLogs
from local.driver.provisioners import Environment
from local.driver.schema import TypeSchema, type_schema
from local.driver.stack import Stack
from local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.models import IMAGE

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

Json = dict[str, Any]
GROUP = "driver-churn"
OURS = "MLOps::SageMaker::ModelPackage"


# ---------------------------------------------------------------- templates and state


def group_resource(**policies: str) -> Json:
    return {
        "Type": "AWS::SageMaker::ModelPackageGroup",
        "Properties": {"ModelPackageGroupName": GROUP},
        **policies,
    }


def version(data: str = "s3://models/churn/1/model.tar.gz", **properties: Any) -> Json:
    """A version in the group, pending approval unless `properties` say otherwise."""
    return {
        "Type": OURS,
        "Properties": {
            "ModelPackageGroupName": {"Ref": "Models"},
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": data}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            **properties,
        },
    }


def failing(**extra: Any) -> Json:
    """A version that passes the schema and that SageMaker refuses (InvalidRequest: the group
    it names does not exist)."""
    resource = version("s3://models/challenger/model.tar.gz", ModelPackageGroupName="no-such-group")
    return {**resource, "DependsOn": "Version", **extra}


APPROVED: Json = {"ModelApprovalStatus": "Approved", "CustomerMetadataProperties": {"auc": "0.93"}}


class Writer:
    """Writes numbered template revisions into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, resources: Json, **sections: Any) -> Template:
        self.count += 1
        path = self.folder / f"{self.count}.json"
        path.write_text(json.dumps({"Resources": resources, **sections}))
        return Template.load(path)


@pytest.fixture
def revision(tmp_path: Path) -> Writer:
    return Writer(tmp_path)


@pytest.fixture
def stack(sagemaker: SageMakerClient, clock: VirtualClock) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    return Stack("driver", environment, Events(io.StringIO()), wait=clock.sleep)


def packages(sagemaker: SageMakerClient) -> dict[str, Json]:
    """Every model package SageMaker has, described, by ARN."""
    listed = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    return {
        p["ModelPackageArn"]: dict(
            sagemaker.describe_model_package(ModelPackageName=p["ModelPackageArn"])
        )
        for p in listed
    }


def groups(sagemaker: SageMakerClient) -> list[str]:
    listed = sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"]
    return [g["ModelPackageGroupName"] for g in listed]


def stack_statuses(stack: Stack) -> list[str]:
    return stack.events.statuses(stack.name)


# ---------------------------------------------------------------- rollback paths


def test_failed_create_of_a_new_stack_deletes_what_it_created(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    template = revision({"Models": group_resource(), "Version": version(), "Bad": failing()})

    assert stack.deploy(template) is False

    assert stack_statuses(stack)[-2:] == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert stack.status == "ROLLBACK_COMPLETE"
    assert stack.events.statuses("Bad") == ["CREATE_IN_PROGRESS", "CREATE_FAILED"], "\n".join(
        map(str, stack.events.lines)
    )
    assert stack.events.statuses("Version")[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []
    assert stack.resources == {}


def test_failed_update_updates_in_place_changes_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    arn = stack.resources["Version"].physical_id
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack_statuses(stack)[-3:] == [
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE",
    ]
    assert stack.events.statuses("Version")[-4:] == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE",
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE",
    ]
    (described,) = packages(sagemaker).values()
    assert described["ModelPackageArn"] == arn
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert (
        "CustomerMetadataProperties" not in described or not described["CustomerMetadataProperties"]
    )
    # the rollback UPDATE: desired = the old template, previous = the failed one
    rollback = stack.requests[-1]["requestData"]
    assert rollback["resourceProperties"]["ModelApprovalStatus"] == "PendingManualApproval"
    assert rollback["previousResourceProperties"]["ModelApprovalStatus"] == "Approved"
    assert rollback["resourceProperties"]["ModelPackageArn"] == arn
    # the stack goes on from the rolled-back state
    assert stack.deploy(revision({"Models": group_resource(), "Version": version(**APPROVED)}))
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"
    assert stack.delete()
    assert packages(sagemaker) == {}


def test_rolled_back_approval_is_pending_again(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """Rolling back an approval removes its ApprovalDescription (the example's case)."""
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    approval = {"ModelApprovalStatus": "Approved", "ApprovalDescription": "reviewed"}
    updated = {"Models": group_resource(), "Version": version(**approval), "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_COMPLETE", stack.events.lines[-3:]
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "PendingManualApproval"


def test_failed_update_deletes_the_replacement_and_keeps_the_old_package(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    old = stack.resources["Version"].physical_id
    retrained = version("s3://models/churn/2/model.tar.gz")
    updated = {"Models": group_resource(), "Version": retrained, "Bad": failing()}

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    new = next(
        reason
        for name, status, reason in stack.events.lines
        if name == "Version" and status == "UPDATE_COMPLETE"
    )
    assert new.endswith("/2")
    assert list(packages(sagemaker)) == [old]
    assert stack.resources["Version"].physical_id == old
    assert stack.events.statuses("Version")[-2:] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_a_handler_failure_during_rollback_leaves_update_rollback_failed(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}
    denied = {"operation": "UpdateModelPackage", "count": 100, "code": "AccessDeniedException"}

    def deny_while_rolling_back(logical_id: str, status: str, reason: str) -> None:
        if status == "UPDATE_ROLLBACK_IN_PROGRESS":
            backend.configure(faults=[denied])

    stack.events.listeners.append(deny_while_rolling_back)

    assert stack.deploy(revision(updated)) is False

    assert stack.status == "UPDATE_ROLLBACK_FAILED"
    final = [r for _, status, r in stack.events.lines if status == "UPDATE_ROLLBACK_FAILED"]
    assert "AccessDenied" in final[0]
    assert "[Version]" in final[0]
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"  # the update back never happened
    # CloudFormation takes no update in UPDATE_ROLLBACK_FAILED; a delete still removes it all
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()})) is False
    backend.configure(clear_faults=True)
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_a_delete_failure_while_rolling_back_a_create_leaves_rollback_failed(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    denied = {"operation": "DeleteModelPackage", "count": 100, "code": "AccessDeniedException"}

    def deny_while_rolling_back(logical_id: str, status: str, reason: str) -> None:
        if status == "ROLLBACK_IN_PROGRESS":
            backend.configure(faults=[denied])

    stack.events.listeners.append(deny_while_rolling_back)

    assert (
        stack.deploy(revision({"Models": group_resource(), "Version": version(), "Bad": failing()}))
        is False
    )

    assert stack.status == "ROLLBACK_FAILED"
    assert (
        stack.events.lines[-1][2]
        == "The following resource(s) failed to delete: [Version, Models]."
    )
    assert stack.events.statuses("Version")[-1] == "DELETE_FAILED"
    assert len(packages(sagemaker)) == 1  # the version could not be deleted, nor its group
    assert groups(sagemaker) == [GROUP]
    backend.configure(clear_faults=True)
    assert stack.delete()
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_disable_rollback_keeps_what_was_done(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    updated = {"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()}

    assert stack.deploy(revision(updated), roll_back=False) is False

    assert stack.status == "UPDATE_FAILED"
    assert "UPDATE_ROLLBACK_IN_PROGRESS" not in stack_statuses(stack)
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["CustomerMetadataProperties"] == {"auc": "0.93"}
    # the next revision applies to what is there
    fixed = {"Models": group_resource(), "Version": version(**APPROVED), "Good": version("s3://x")}
    assert stack.deploy(revision(fixed))
    assert len(packages(sagemaker)) == 2
    assert stack.delete()
    assert packages(sagemaker) == {}


def test_disable_rollback_on_a_replacement_cleans_the_old_package_up_later(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version()}))
    old = stack.resources["Version"].physical_id
    retrained = {"Models": group_resource(), "Version": version("s3://models/churn/2/m.tar.gz")}

    assert stack.deploy(revision({**retrained, "Bad": failing()}), roll_back=False) is False

    assert set(packages(sagemaker)) == {old, stack.resources["Version"].physical_id}
    assert stack.deploy(revision(retrained))
    assert set(packages(sagemaker)) == {stack.resources["Version"].physical_id}


# ---------------------------------------------------------------- request shapes


def test_requests_are_shaped_as_cloudformation_shapes_them(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Writer, backend: BackendControl
) -> None:
    backend.configure(lifecycle={"pending_describes": 1, "in_progress_describes": 30})
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    stack = Stack(
        "shapes", environment, Events(io.StringIO()), wait=clock.sleep, tags={"team": "ml"}
    )
    metadata = {"auc": 0.91, "epochs": 12, "calibrated": True}
    unversioned: Json = {
        "Type": OURS,
        "Properties": {
            "ModelPackageName": "shapes",
            "InferenceSpecification": version()["Properties"]["InferenceSpecification"],
            "CertifyForMarketplace": False,
            "CustomerMetadataProperties": metadata,
            "Tags": [{"Key": "epochs", "Value": 12}],
        },
    }
    assert stack.deploy(revision({"Package": unversioned}))
    retagged = json.loads(json.dumps(unversioned))
    retagged["Properties"]["Tags"] = [{"Key": "epochs", "Value": 13}]
    assert stack.deploy(revision({"Package": retagged}))

    creates = [e for e in stack.requests if e["action"] == "CREATE"]
    assert len(creates) > 1  # the create went through callbacks
    assert len({e["bearerToken"] for e in creates}) == 1  # one token across them
    (update,) = [e for e in stack.requests if e["action"] == "UPDATE"]
    assert update["bearerToken"] != creates[0]["bearerToken"]
    first = creates[0]["requestData"]
    assert first["resourceProperties"]["CustomerMetadataProperties"] == {
        "auc": "0.91",
        "epochs": "12",
        "calibrated": "true",
    }
    assert first["resourceProperties"]["CertifyForMarketplace"] == "false"
    assert first["stackTags"] == {"team": "ml"}
    assert first["systemTags"] == {
        "aws:cloudformation:stack-name": "shapes",
        "aws:cloudformation:stack-id": stack.id,
        "aws:cloudformation:logical-id": "Package",
    }
    desired = update["requestData"]["resourceProperties"]
    read_only = {"ModelPackageStatus", "ModelPackageVersion", "CreationTime", "LastModifiedTime"}
    assert read_only.isdisjoint(desired)
    assert desired["ModelPackageArn"] == stack.resources["Package"].physical_id
    assert (
        update["requestData"]["previousResourceProperties"]["CustomerMetadataProperties"]["epochs"]
        == "12"
    )
    assert update["requestData"]["previousStackTags"] == {"team": "ml"}
    # what SageMaker holds: the values, as strings, and the stack tag beside the template's
    (described,) = packages(sagemaker).values()
    assert described["CustomerMetadataProperties"] == {
        "auc": "0.91",
        "epochs": "12",
        "calibrated": "true",
    }
    tags = sagemaker.list_tags(ResourceArn=described["ModelPackageArn"])["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("epochs", "13"), ("team", "ml")]
    assert stack.delete()


# ---------------------------------------------------------------- checks before handlers


def test_schema_violations_fail_the_resource_in_cloudformation_words(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    bad = version(ModelApprovalStatus="Maybe", Bogus="x")
    template = revision({"Models": group_resource(), "Version": bad})

    assert stack.deploy(template) is False

    reason = next(r for name, s, r in stack.events.lines if s == "CREATE_FAILED")
    assert reason == (
        "Properties validation failed for resource Version with message: "
        "[#/ModelApprovalStatus: Maybe is not a valid enum value, "
        "#: extraneous key [Bogus] is not permitted]"
    )
    assert stack.invocations == 0  # no handler ran
    assert stack.status == "ROLLBACK_COMPLETE"
    assert packages(sagemaker) == {}
    assert groups(sagemaker) == []


def test_rules_across_properties_fail_before_any_handler_runs(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """The schema's root rules (a version takes its group's tags) are checked too."""
    tagged = version(Tags=[{"Key": "team", "Value": "ml"}])
    assert stack.deploy(revision({"Models": group_resource(), "Version": tagged})) is False
    reason = next(r for name, s, r in stack.events.lines if s == "CREATE_FAILED")
    assert reason.startswith("Properties validation failed for resource Version with message: ")
    assert "#/Tags" in reason
    assert stack.invocations == 0
    assert packages(sagemaker) == {}


def test_get_att_of_an_attribute_the_type_lacks_is_refused_before_anything(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    named = version(ModelPackageGroupName={"Fn::GetAtt": ["Models", "ModelPackageGroupName"]})
    template = revision({"Models": group_resource(), "Version": named})

    assert stack.deploy(template) is False

    ((status, reason),) = [(s, r) for n, s, r in stack.events.lines]
    assert status == "VALIDATION_FAILED"
    assert "does not support attribute type ModelPackageGroupName in Fn::GetAtt" in reason
    assert "CreationTime, ModelPackageGroupArn, ModelPackageGroupStatus" in reason
    assert groups(sagemaker) == []


def test_get_att_of_a_read_only_attribute_resolves(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    described_by = version(
        "s3://models/churn/2/model.tar.gz",
        ModelPackageDescription={"Fn::Sub": "after version ${Version.ModelPackageVersion}"},
    )
    template = revision({"Models": group_resource(), "Version": version(), "Next": described_by})

    assert stack.deploy(template)

    arn = stack.resources["Next"].physical_id
    assert packages(sagemaker)[arn]["ModelPackageDescription"] == "after version 1"
    assert stack.delete()


# ---------------------------------------------------------------- policies and conditions


def test_retain_policies_leave_packages_in_sagemaker(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    kept = {"UpdateReplacePolicy": "Retain"}
    assert stack.deploy(
        revision({"Models": group_resource(DeletionPolicy="Retain"), "Version": version() | kept})
    )
    first = stack.resources["Version"].physical_id
    retrained = version("s3://models/churn/2/model.tar.gz") | kept
    assert stack.deploy(
        revision({"Models": group_resource(DeletionPolicy="Retain"), "Version": retrained})
    )
    second = stack.resources["Version"].physical_id

    assert stack.delete()

    assert set(packages(sagemaker)) == {first}  # superseded, retained; the current one deleted
    assert second not in packages(sagemaker)
    assert groups(sagemaker) == [GROUP]
    assert [r.physical_id for r in stack.retained] == [first, stack.retained[1].physical_id]
    assert stack.events.statuses("Models")[-1] == "DELETE_SKIPPED"


def test_an_unknown_policy_is_refused_by_name(revision: Writer) -> None:
    with pytest.raises(ValueError, match="DeletionPolicy Snapshot is not supported"):
        revision({"Models": group_resource(DeletionPolicy="Snapshot")})


def test_conditions_select_resources_and_values(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    resources = {
        "Models": group_resource(),
        "Version": version(
            ModelApprovalStatus={"Fn::If": ["Production", "Approved", "PendingManualApproval"]},
            ApprovalDescription={"Fn::If": ["Production", "auto", {"Ref": "AWS::NoValue"}]},
            ModelPackageDescription={
                "Fn::Select": [1, {"Fn::Split": [",", {"Ref": "Descriptions"}]}]
            },
        ),
        "Challenger": {**version("s3://models/challenger/m.tar.gz"), "Condition": "Challenge"},
    }
    conditions = {
        "Production": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "Challenge": {
            "Fn::And": [
                {"Fn::Not": [{"Condition": "Production"}]},
                {"Fn::Or": [{"Fn::Equals": ["a", "b"]}, {"Fn::Equals": [{"Ref": "Stage"}, "dev"]}]},
            ]
        },
    }
    parameters = {
        "Stage": {"Type": "String", "Default": "dev"},
        "Descriptions": {"Type": "String", "Default": "first,second"},
    }
    assert stack.deploy(revision(resources, Conditions=conditions, Parameters=parameters))
    described = list(packages(sagemaker).values())
    assert len(described) == 2  # the challenger exists in dev
    assert {d["ModelApprovalStatus"] for d in described} == {"PendingManualApproval"}
    main = packages(sagemaker)[stack.resources["Version"].physical_id]
    assert main["ModelPackageDescription"] == "second"
    assert "ApprovalDescription" not in main

    parameters["Stage"]["Default"] = "prod"
    assert stack.deploy(revision(resources, Conditions=conditions, Parameters=parameters))
    (main,) = packages(sagemaker).values()  # the challenger's condition is false: deleted
    assert main["ModelApprovalStatus"] == "Approved"
    assert main["ApprovalDescription"] == "auto"
    assert stack.delete()


# ---------------------------------------------------------------- the command


def test_exit_status_is_non_zero_when_a_revision_failed_even_if_rolled_back(
    tmp_path: Path, backend_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    writer({"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()})
    log = tmp_path / "handlers.log"

    code = driver_main([str(tmp_path), "--fast", "--log-file", str(log)])

    out = capsys.readouterr().out
    assert code == 1
    assert "UPDATE_ROLLBACK_COMPLETE" in out
    assert "after 2.json (UPDATE_ROLLBACK_COMPLETE): Version" in out
    assert "PendingManualApproval" in out.split("after 2.json")[1]
    assert f"Handler logs: {log}" in out
    # the handler's traceback went to the log file, the events stayed one line each
    assert "Traceback" not in out
    assert "Traceback" in log.read_text()
    assert "InvalidRequest" in log.read_text()


def test_verbose_shows_handler_logs_inline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Writer(tmp_path)({"Models": group_resource(), "Bad": {**failing(), "DependsOn": "Models"}})

    code = driver_main([str(tmp_path), "--fast", "--verbose"])

    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" in out
    assert "Handler logs:" not in out
    assert "ROLLBACK_COMPLETE" in out


def test_handler_logs_default_to_one_file_per_run(tmp_path: Path) -> None:
    first = HandlerLogs(path=tmp_path / "a" / "run.log")
    with first.captured("CREATE X"):
        print("from the handler")
    assert first.path is not None
    assert "from the handler" in first.path.read_text()


# ---------------------------------------------------------------- --validate


def test_validate_prints_the_plan_without_running_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = driver_main([str(Path("examples/registry-flow")), "--validate"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "ChurnModelVersion            update in place: ApprovalDescription, " in out
    assert (
        "ChurnModelVersion            replace (InferenceSpecification, ModelPackageDescription "
        "changed): the old one is retained"
    ) in out
    assert "ChurnModels                  retain (DeletionPolicy Retain" in out
    assert "CREATE_IN_PROGRESS" not in out


def test_validate_follows_a_replacement_to_what_refers_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    renamed = group_resource()
    renamed["Properties"]["ModelPackageGroupName"] = "renamed"
    writer({"Models": renamed, "Version": version()})

    assert driver_main([str(tmp_path), "--validate"]) == 0

    out = capsys.readouterr().out.split("2.json")[1]
    assert "Models                       replace (ModelPackageGroupName changed)" in out
    assert "Version                      replace (ModelPackageGroupName changed)" in out


def test_validate_fails_on_schema_and_get_att_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version(ModelApprovalStatus="Maybe")})
    attribute = {"Fn::GetAtt": ["Models", "ModelPackageGroupName"]}
    writer({"Models": group_resource(), "Version": version(ModelPackageGroupName=attribute)})

    assert driver_main([str(tmp_path), "--validate"]) == 1

    out = capsys.readouterr().out
    assert (
        "ERROR Properties validation failed for resource Version with message: "
        "#/ModelApprovalStatus: Maybe is not a valid enum value"
    ) in out
    assert "does not support attribute type ModelPackageGroupName in Fn::GetAtt" in out
    assert "2 error(s) in 2 template revision(s)" in out


# ---------------------------------------------------------------- --drift


def test_drift_in_sync_after_deploy_then_modified_behind_the_stacks_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    unversioned: Json = {
        "Type": OURS,
        "Properties": {
            "ModelPackageName": "drifty",
            "InferenceSpecification": version()["Properties"]["InferenceSpecification"],
            "Tags": [{"Key": "team", "Value": "ml"}],
        },
    }
    named = version(ModelPackageGroupName=GROUP)  # by name: no name-vs-ARN transform needed
    template = revision(
        {"Models": group_resource(), "Version": {**named, "DependsOn": "Models"}, "U": unversioned}
    )
    assert stack.deploy(template)
    assert drift.detect(stack), stack.events.lines[-2:]
    assert stack.events.statuses("Version")[-1] == "DRIFT IN_SYNC"

    version_arn = stack.resources["Version"].physical_id
    sagemaker.update_model_package(ModelPackageArn=version_arn, ModelApprovalStatus="Approved")
    package_arn = stack.resources["U"].physical_id
    sagemaker.add_tags(ResourceArn=package_arn, Tags=[{"Key": "added", "Value": "by hand"}])

    assert drift.detect(stack) is False

    reasons = {name: reason for name, status, reason in stack.events.lines[-2:]}
    assert reasons["Version"] == (
        '/ModelApprovalStatus: NOT_EQUAL expected "PendingManualApproval" actual "Approved"'
    )
    # Tags are unordered (insertionOrder: false): the path is the tag's index in what READ returned
    assert re.fullmatch(
        r'/Tags/[01]: ADD expected null actual \{"Key": "added", "Value": "by hand"\}', reasons["U"]
    ), reasons["U"]
    assert stack.events.statuses("U")[-1] == "DRIFT MODIFIED"
    assert stack.delete()


def test_drift_applies_the_schemas_property_transform() -> None:
    ours = type_schema(OURS)
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{GROUP}"
    expected = {"ModelPackageGroupName": arn, "CustomerMetadataProperties": {"auc": 0.9}}
    actual: Json = {"ModelPackageGroupName": GROUP, "CustomerMetadataProperties": {"auc": "0.9"}}
    without = TypeSchema({**ours.document, "propertyTransform": {}})
    assert [d.path for d in drift.compare(without, expected, actual)] == ["/ModelPackageGroupName"]
    transforms = {
        "/properties/ModelPackageGroupName": (
            'ModelPackageGroupName $OR $split(ModelPackageGroupName, "/")[-1]'
        )
    }
    transformed = TypeSchema({**ours.document, "propertyTransform": transforms})
    assert drift.compare(transformed, expected, actual) == []
    actual["CustomerMetadataProperties"]["extra"] = "x"
    (difference,) = drift.compare(transformed, expected, actual)
    assert (difference.path, difference.kind) == ("/CustomerMetadataProperties/extra", "ADD")
