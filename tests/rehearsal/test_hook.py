"""The rehearsal's Guard hook (driver/hook.py, `--guard DIR`): the rules of guard/ run by the real
cfn-guard before each create or update of a targeted type, on the input a Guard hook gets; a
refused operation calls SageMaker not at all and the stack rolls back as usual, a rollback's own
operations are not evaluated, and a guard the command line cannot run is refused before
anything. Through a Stack (or `cli.main`) against the backend; SageMaker's state is read back."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.hook import HOOK_NAME, GuardHook, HookPoint
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment, StackFailure
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from mlops_sagemaker_modelpackage_local.guard import engine
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.guard import EVIDENCE, GOVERNED, GUARD
from tests.support.models import IMAGE
from tests.support.rehearsal import GROUP_TYPE, OURS

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def group(**properties: Any) -> Json:
    return {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "churn", **properties}}


def version(**properties: Any) -> Json:
    return {
        "Type": OURS,
        "Properties": {
            "ModelPackageGroupName": {"Ref": "Models"},
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/churn/model.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            "ModelMetrics": EVIDENCE,
            **properties,
        },
    }


class Revisions:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, **resources: Json) -> Template:
        self.count += 1
        path = self.folder / f"{self.count}.json"
        path.write_text(json.dumps({"Resources": resources}))
        return Template.load(path)


@pytest.fixture
def revision(tmp_path: Path) -> Revisions:
    return Revisions(tmp_path)


def guarded(
    sagemaker: SageMakerClient, clock: VirtualClock, name: str = "churn-registry", *params: Path
) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    hook = GuardHook([GUARD], list(params))
    return Stack(name, environment, Events(io.StringIO()), wait=clock.sleep, hook=hook)


def reasons(stack: Stack, logical_id: str) -> list[tuple[str, str]]:
    return [(s, r) for n, s, r in stack.events.lines if n == logical_id]


def test_a_refused_approval_calls_nothing_and_the_stack_rolls_back(
    backend: BackendControl,
    sagemaker: SageMakerClient,
    clock: VirtualClock,
    revision: Revisions,
) -> None:
    stack = guarded(sagemaker, clock)
    assert stack.deploy(revision(Models=group(), Version=version()))
    arn = stack.resources["Version"].physical_id
    backend.reset_calls()

    assert not stack.deploy(
        revision(Models=group(), Version=version(ModelApprovalStatus="Approved"))
    )

    assert backend.calls() == []  # no handler ran: nothing approved, nothing to roll back
    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    assert reasons(stack, "Version")[-4:] == [
        ("UPDATE_IN_PROGRESS", "in place: ModelApprovalStatus"),
        ("UPDATE_IN_PROGRESS", f"{HOOK_NAME} HOOK_IN_PROGRESS: Invoking hook"),
        (
            "UPDATE_IN_PROGRESS",
            f"{HOOK_NAME} HOOK_COMPLETE_FAILED: Hook failed with message: Template failed "
            "validation, the following rule(s) failed: MODEL_PACKAGE_APPROVAL_DESCRIPTION.",
        ),
        ("UPDATE_FAILED", f"The following hook(s) failed: [{HOOK_NAME}]"),
    ]
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    # the same revision with a description passes the hook and approves in place
    assert stack.deploy(
        revision(
            Models=group(),
            Version=version(ModelApprovalStatus="Approved", ApprovalDescription="Review ML-1"),
        )
    )
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"


def test_a_refused_create_registers_nothing(
    backend: BackendControl, sagemaker: SageMakerClient, clock: VirtualClock, revision: Revisions
) -> None:
    stack = guarded(sagemaker, clock)
    backend.reset_calls()
    approved = version(ModelApprovalStatus="Approved", ModelMetrics={})
    del approved["Properties"]["ModelMetrics"]

    assert not stack.deploy(revision(Models=group(), Version=approved))

    operations = backend.operations()
    assert "CreateModelPackageGroup" in operations  # the group passed the hook
    assert not [o for o in operations if o.endswith("ModelPackage")]  # the version never did
    assert stack.status == "ROLLBACK_COMPLETE"
    assert sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []
    (failed,) = [r for s, r in reasons(stack, "Version") if "HOOK_COMPLETE_FAILED" in r]
    assert failed.endswith(
        "following rule(s) failed: MODEL_PACKAGE_APPROVAL_DESCRIPTION, "
        "MODEL_PACKAGE_APPROVAL_EVIDENCE."
    )


def test_the_hook_gets_a_guard_hooks_resource_input(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Revisions
) -> None:
    stack = guarded(sagemaker, clock)
    assert stack.deploy(revision(Models=group(), Version=version()))
    assert stack.deploy(
        revision(Models=group(), Version=version(CustomerMetadataProperties={"a": "1"}))
    )
    assert stack.hook is not None
    created_group, created, updated = stack.hook.invocations
    assert created_group["Resources"]["Models"]["ResourceType"] == GROUP_TYPE
    assert created["HookContext"] == {
        "AWSAccountID": ACCOUNT,
        "StackId": stack.id,
        "HookTypeName": HOOK_NAME,
        "HookTypeVersion": "00000001",
        "InvocationPoint": "CREATE_PRE_PROVISION",
        "TargetName": OURS,
        "TargetType": "RESOURCE",
        "TargetLogicalId": "Version",
        "ChangeSetId": "",
    }
    proposed = created["Resources"]["Version"]
    assert proposed["ResourceType"] == OURS
    group_arn = stack.resources["Models"].physical_id  # Ref of a group, resolved
    assert proposed["ResourceProperties"]["ModelPackageGroupName"] == group_arn
    assert "Previous" not in created
    assert updated["HookContext"]["InvocationPoint"] == "UPDATE_PRE_PROVISION"
    assert updated["Resources"]["Version"]["ResourceProperties"]["CustomerMetadataProperties"]
    previous = updated["Previous"]["Version"]
    assert previous["ResourceType"] == OURS
    assert "CustomerMetadataProperties" not in previous["ResourceProperties"]


def test_life_cycle_moves_are_checked_against_the_previous_properties(
    backend: BackendControl, sagemaker: SageMakerClient, clock: VirtualClock, revision: Revisions
) -> None:
    stack = guarded(sagemaker, clock)

    def at(stage: str) -> Template:
        cycle = {"Stage": stage, "StageStatus": "InProgress"}
        return revision(Models=group(), Version=version(ModelLifeCycle=cycle))

    assert stack.deploy(at("Development"))
    backend.reset_calls()
    assert not stack.deploy(at("Production"))  # skips Staging
    assert backend.calls() == []
    assert "from Development a version moves only to Staging" in stack.events.stream.getvalue()  # type: ignore[union-attr]
    assert stack.deploy(at("Staging"))
    assert stack.deploy(at("Production"))


def test_only_listed_stacks_approve(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Revisions, tmp_path: Path
) -> None:
    parameters = tmp_path / "governance.yaml"
    parameters.write_text("ModelApprovalStacks: [churn-registry-prod]\n")
    approved = version(ModelApprovalStatus="Approved", ApprovalDescription="Review ML-1")
    dev = guarded(sagemaker, clock, "churn-registry-dev", parameters)
    assert not dev.deploy(revision(Models=group(), Version=approved))
    assert "MODEL_PACKAGE_APPROVAL_STACKS" in dev.events.lines[-6][2] + dev.events.lines[-5][2]
    prod = guarded(sagemaker, clock, "churn-registry-prod", parameters)
    assert prod.deploy(revision(Models=group(), Version=approved))


def test_a_public_group_policy_fails_the_groups_hook(stack_events: Events) -> None:
    """At the hook point itself: the local planner refuses ModelPackageGroupPolicy (the group
    provisioner sets name, description and tags), so no stack here can carry one yet."""
    point = HookPoint(GuardHook([GUARD]), stack_events, "arn:stack/churn/1", ACCOUNT)
    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sagemaker:*"}
    public = {"Statement": [anyone]}
    with pytest.raises(StackFailure, match=re.escape(f"hook(s) failed: [{HOOK_NAME}]")):
        point.before("Models", GROUP_TYPE, "CREATE", {"ModelPackageGroupPolicy": public})
    assert stack_events.lines[-1] == (
        "Models",
        "CREATE_IN_PROGRESS",
        f"{HOOK_NAME} HOOK_COMPLETE_FAILED: Hook failed with message: Template failed "
        "validation, the following rule(s) failed: MODEL_PACKAGE_GROUP_POLICY_NOT_PUBLIC.",
    )
    shared = {"Statement": [{**anyone, "Principal": {"AWS": "111122223333"}}]}
    point.before("Models", GROUP_TYPE, "UPDATE", {"ModelPackageGroupPolicy": shared}, {})
    assert "HOOK_COMPLETE_SUCCEEDED" in stack_events.lines[-1][2]


@pytest.fixture
def stack_events() -> Events:
    return Events(io.StringIO())


def test_a_rollback_is_not_evaluated_by_the_hook(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Revisions
) -> None:
    """An approval that passes, next to a version SageMaker refuses: the approval is rolled back
    without a hook invocation (a hook could otherwise leave the stack half rolled back)."""
    stack = guarded(sagemaker, clock)
    assert stack.deploy(revision(Models=group(), Version=version()))
    failing = version(ModelPackageGroupName="no-such-group")
    approved = version(ModelApprovalStatus="Approved", ApprovalDescription="Review ML-1")
    assert not stack.deploy(
        revision(Models=group(), Version=approved, Challenger={**failing, "DependsOn": "Version"})
    )
    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    assert stack.hook is not None
    points = [i["HookContext"]["TargetLogicalId"] for i in stack.hook.invocations]
    assert points == ["Models", "Version", "Version", "Challenger"]


def test_the_command_line_refuses_a_guard_it_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(GOVERNED)
    assert driver_main([folder, "--guard", str(tmp_path / "none")]) == 2
    assert "--guard: " in capsys.readouterr().err
    assert driver_main([folder, "--guard", str(GUARD), "--validate"]) == 2
    assert "not with --validate" in capsys.readouterr().err
    assert driver_main([folder, "--guard-input-parameters", str(GUARD)]) == 2
    assert "goes with --guard" in capsys.readouterr().err
    monkeypatch.setenv(engine.ENV_BINARY, str(tmp_path / "no-cfn-guard"))
    assert driver_main([folder, "--guard", str(GUARD)]) == 2
    assert "not an executable file" in capsys.readouterr().err
