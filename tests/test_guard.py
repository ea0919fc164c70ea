"""guard/: the model registry's Guard rules, run by the real cfn-guard (the pinned 3.1.1 binary).

Each rule has a passing and a failing case on both input shapes (a template in CI, a Guard hook's
resource input) in guard/tests/, run with `cfn-guard test`; `make guard` (modelpackage-guard)
reports each finding with its rule, resource and file and fails on a violation or on a governed
value that is still an intrinsic; the rehearsal's --guard runs the rules as a Guard hook before
each resource operation, and a refused operation calls SageMaker not at all.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from contextlib import redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cfn_flip import load_yaml

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.hook import HOOK_NAME, GuardHook, HookPoint
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment, StackFailure
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from mlops_sagemaker_modelpackage_local.guard import check, engine
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.guard import EVIDENCE, GOVERNED, GUARD
from tests.support.models import IMAGE
from tests.support.rehearsal import GROUP_TYPE, OURS
from tests.support.schema import ROOT

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

RULE_FILES = sorted(GUARD.glob("*.guard"))


def rule_names(path: Path) -> list[str]:
    """The named rules of a file (parameterized helpers are lower case)."""
    return re.findall(r"^rule ([A-Z][A-Z0-9_]+)", path.read_text(), flags=re.MULTILINE)


def cases(path: Path) -> list[Json]:
    fixtures = GUARD / "tests" / f"{path.stem}_tests.yaml"
    loaded: list[Json] = json.loads(json.dumps(load_yaml(fixtures.read_text())))
    return loaded


def shape(case: Json) -> str:
    """'hook' for a Guard hook's resource input, 'template' for a template."""
    data = case["input"]
    resources = data.get("Resources", {}).values()
    if "HookContext" in data:
        assert all({"ResourceType", "ResourceProperties"} <= set(r) for r in resources), case
        return "hook"
    assert all("Type" in r for r in resources), case
    return "template"


# ---------------------------------------------------------------- the rules, with cfn-guard test


def test_the_rule_set_is_one_file_per_concern() -> None:
    assert [p.stem for p in RULE_FILES] == [
        "approval_description",
        "approval_evidence",
        "approval_stacks",
        "group_policy",
        "lifecycle_path",
    ]
    assert all(len(rule_names(p)) == 1 for p in RULE_FILES)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_rule_has_a_passing_and_a_failing_case_on_both_shapes(path: Path) -> None:
    (rule,) = rule_names(path)
    seen = {(shape(c), c["expectations"]["rules"][rule]) for c in cases(path)}
    for input_shape in ("template", "hook"):
        assert (input_shape, "PASS") in seen, (rule, input_shape)
        assert (input_shape, "FAIL") in seen, (rule, input_shape)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_cfn_guard_test_meets_every_expectation(path: Path) -> None:
    fixtures = GUARD / "tests" / f"{path.stem}_tests.yaml"
    run = subprocess.run(
        [str(engine.binary()), "test", "--rules-file", str(path), "--test-data", str(fixtures)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("PASS Rules") == len(cases(path)), run.stdout


def test_cfn_guard_test_fails_on_a_wrong_expectation(tmp_path: Path) -> None:
    """The harness above can fail: one expectation flipped is reported, non-zero."""
    path = GUARD / "approval_description.guard"
    flipped = cases(path)
    flipped[0]["expectations"]["rules"]["MODEL_PACKAGE_APPROVAL_DESCRIPTION"] = "FAIL"
    fixtures = tmp_path / "flipped_tests.json"
    fixtures.write_text(json.dumps(flipped))
    run = subprocess.run(
        [str(engine.binary()), "test", "-r", str(path), "-t", str(fixtures)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "FAIL Rules" in run.stdout


def test_the_pinned_binary_runs_current_guard() -> None:
    assert engine.version().startswith("cfn-guard 3.")
    assert engine.binary().is_relative_to(engine.cache_folder())  # from the pinned wheel


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_message_says_why_and_how_to_fix(path: Path) -> None:
    blocks = re.findall(r"<<(.*?)>>", path.read_text(), flags=re.DOTALL)
    assert blocks
    for block in blocks:
        assert "Violation:" in block or "Not checkable here:" in block, block
        assert "Fix:" in block, block


# ---------------------------------------------------------------- CI: make guard


def ci(*args: str | Path) -> tuple[int, str]:
    output = io.StringIO()
    with redirect_stdout(output):
        code = check.main([str(a) for a in args])
    return code, output.getvalue()


def template(tmp_path: Path, name: str, properties: Json) -> Path:
    path = tmp_path / name
    body = {
        "Resources": {
            "Version": {
                "Type": OURS,
                "Properties": {"ModelPackageGroupName": "churn", **properties},
            }
        }
    }
    path.write_text(json.dumps(body))
    return path


def test_an_approval_without_description_fails_and_names_rule_resource_and_file() -> None:
    refused = GOVERNED / "2-approve-without-description.yaml"
    code, output = ci("--rules", GUARD, refused)
    assert code == 1, output
    assert (
        f"{refused}:16:6: ChurnModelVersion MODEL_PACKAGE_APPROVAL_DESCRIPTION (violation)"
        in output
    )
    assert "Fix: add ApprovalDescription" in output
    assert "1 violation(s), 0 not checkable" in output


def test_the_same_template_with_a_description_and_metrics_passes() -> None:
    code, output = ci("--rules", GUARD, GOVERNED / "3-approve.yaml")
    assert code == 0, output
    assert output.endswith(f"checked against {GUARD} (cfn-guard 3.1.1): compliant\n")


def test_an_intrinsic_in_a_governed_property_is_not_checkable_never_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "approval.yaml"
    path.write_text(
        "Parameters:\n  Approval: {Type: String}\n"
        "Resources:\n  Version:\n    Type: MLOps::SageMaker::ModelPackage\n"
        "    Properties:\n      ModelPackageGroupName: churn\n"
        "      ModelApprovalStatus: !Ref Approval\n"
    )
    code, output = ci("--rules", GUARD, path)
    assert code == 1, output
    # where the missing description and metrics would go: the properties
    assert f"{path}:6:6: Version MODEL_PACKAGE_APPROVAL_DESCRIPTION (not checkable)" in output
    assert f"{path}:6:6: Version MODEL_PACKAGE_APPROVAL_EVIDENCE (not checkable)" in output
    assert "Not checkable here: ModelApprovalStatus is an intrinsic function" in output
    assert "0 violation(s), 2 not checkable" in output


def test_approving_stacks_come_from_input_parameters(tmp_path: Path) -> None:
    approving = template(
        tmp_path,
        "approve.json",
        {"ModelApprovalStatus": "Approved", "ApprovalDescription": "ok", "ModelMetrics": EVIDENCE},
    )
    parameters = tmp_path / "governance.yaml"
    parameters.write_text("ModelApprovalStacks: [churn-registry-prod]\n")
    rule = "Version MODEL_PACKAGE_APPROVAL_STACKS"
    # without the list the rule does not apply
    assert ci("--rules", GUARD, approving)[0] == 0
    code, output = ci("--rules", GUARD, "--input-parameters", parameters, approving)
    assert (code, f"{rule} (not checkable)") == (1, output.splitlines()[0].split(": ", 1)[1])
    code, output = ci(
        "--rules", GUARD, "--input-parameters", parameters, "--stack-name", "churn-dev", approving
    )
    assert code == 1
    assert f"{rule} (violation)" in output
    assert "Violation: this stack may not approve or reject model versions" in output
    code, output = ci(
        "--rules",
        GUARD,
        "--input-parameters",
        parameters,
        "--stack-name",
        "churn-registry-prod",
        approving,
    )
    assert code == 0, output


def test_a_rule_file_that_does_not_parse_stops_the_check(tmp_path: Path) -> None:
    """cfn-guard reports a parse error with exit status 5 and a report of SKIPs: never read as a
    pass."""
    broken = tmp_path / "broken.guard"
    broken.write_text("rule BROKEN {\n  Resources exists <<\n")
    output = io.StringIO()
    with redirect_stdout(output):
        code = check.main(["--rules", str(broken), str(GOVERNED / "3-approve.yaml")])
    assert code == 2
    assert "compliant" not in output.getvalue()


def test_a_missing_template_or_rules_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check.main(["--rules", str(GUARD), str(tmp_path / "none.yaml")]) == 2
    assert "none.yaml: no such file or folder" in capsys.readouterr().err
    assert check.main(["--rules", str(tmp_path / "rules"), str(GOVERNED)]) == 2
    assert "rules: no such file or folder" in capsys.readouterr().err


def test_make_guard_runs_the_readme_ci_command() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Governance with Guard rules", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"^(modelpackage-guard .*)$", section, flags=re.MULTILINE)
    recipe = (ROOT / "Makefile").read_text().split("\nguard:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/modelpackage-guard --rules guard" in recipe
    assert command.startswith("modelpackage-guard --rules guard ")
    run = subprocess.run(
        ["make", "-s", "guard", f"TEMPLATES={GOVERNED / '2-approve-without-description.yaml'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "ChurnModelVersion MODEL_PACKAGE_APPROVAL_DESCRIPTION (violation)" in run.stdout


# ---------------------------------------------------------------- the rehearsal's Guard hook


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
