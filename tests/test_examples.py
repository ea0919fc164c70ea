"""examples/, deploy/ and test/setup.yml: validated against our schema, and run.

They are linted by `make lint-templates` (cfn-lint with this type's rules); properties are also
validated here against the schema itself, as the rehearsal validates them (driver/schema.py:
CloudFormation's regex dialect, its words). An example is a folder of revisions, or
(central-registry) a folder per account with its own runner.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from mlops_sagemaker_modelpackage_local.driver import arguments, eventbridge, planner
from mlops_sagemaker_modelpackage_local.driver.changes import ChangeSet
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.resolution import Identity
from mlops_sagemaker_modelpackage_local.driver.schema import type_schema
from mlops_sagemaker_modelpackage_local.driver.state import StackState
from tests.support.schema import ROOT

# Examples of several accounts, each run by its own runner (run.py) against one server
MULTI_ACCOUNT = {"central-registry"}
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*") if p.is_dir())
TEMPLATES = sorted([*(ROOT / "examples").glob("*/*.yaml"), *(ROOT / "examples").glob("*/*/*.yaml")])
OTHER_TEMPLATES = [ROOT / "test" / "setup.yml", *sorted((ROOT / "deploy").glob("*.yml"))]
OUR_TYPE = "MLOps::SageMaker::ModelPackage"


def property_errors(properties: dict[str, Any]) -> list[str]:
    """Every way `properties` breaks the resource schema, as the driver reports it."""
    return type_schema(OUR_TYPE).errors(properties)


def test_every_example_has_revisions() -> None:
    assert len(EXAMPLES) >= 4
    for example in EXAMPLES:
        assert list(
            example.glob("*.yaml")
            if example.name not in MULTI_ACCOUNT
            else example.glob("*/*.yaml")
        ), example


def planned(path: Path) -> ChangeSet:
    """A revision's change set as `--validate` plans it: with its parameter file, against the
    stack its folder's earlier revisions leave."""
    state = StackState()
    for revision in arguments.revisions_of([path.parent], [], []):
        change_set = planner.plan_revision(revision, state, Identity.planned("examples"))
        if revision.path == path:
            return change_set
        state = planner.simulate(change_set, state)
    raise AssertionError(f"{path} is not a revision of its folder")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_properties_follow_the_schema(path: Path) -> None:
    change_set = planned(path)
    assert change_set.valid, change_set.lines()
    ours = [change for change in change_set.changes if change.type == OUR_TYPE]
    assert ours or path.parent.name == "central"  # the registry account's stack: a group only
    for change in ours:
        assert property_errors(change.properties) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"Bogus": 1}, "#: extraneous key [Bogus] is not permitted"),
        ({"ModelApprovalStatus": "Maybe"}, "#/ModelApprovalStatus: Maybe is not a valid enum"),
        ({"ModelPackageName": "-bad-"}, "#/ModelPackageName: failed validation constraint"),
        ({"CustomerMetadataProperties": {"": "empty key"}}, "extraneous key [] is not"),
    ],
)
def test_property_validation_catches_what_cfn_lint_lets_through(
    change: dict[str, Any], words: str
) -> None:
    properties = {"ModelPackageName": "ok", **change}
    assert any(words in e for e in property_errors(properties)), property_errors(properties)


FAILING_EXAMPLES = {"failed-update-rolls-back", "governed-approval", "deploy-on-approval"}
ADOPTED = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models"
ADOPTED_GROUP = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models"
# What an example needs besides its folder: adopt-pipeline-versions registers its versions with
# its own script first, as a pipeline would, then imports them; governed-approval runs the
# Guard rules of guard/ as a hook.
DEPLOY_ON_APPROVAL = ROOT / "examples" / "deploy-on-approval" / "rule" / "deploy-on-approval.json"
ARGUMENTS = {
    "governed-approval": ["--guard", str(ROOT / "guard")],
    "deploy-on-approval": ["--event-pattern", str(DEPLOY_ON_APPROVAL)],
    "adopt-pipeline-versions": [
        "--before",
        str(ROOT / "examples" / "adopt-pipeline-versions" / "register_versions.py"),
        "--import",
        f"ChurnModels={ADOPTED_GROUP}",
        "--import",
        f"ChurnModelsVersion1={ADOPTED}/1",
        "--import",
        f"ChurnModelsVersion2={ADOPTED}/2",
    ],
}


@pytest.mark.usefixtures("rehearsal_clock")
@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.name not in MULTI_ACCOUNT], ids=lambda p: p.name
)
def test_example_runs_through_the_driver(example: Path, tmp_path: Path) -> None:
    output = io.StringIO()
    with redirect_stdout(output):
        arguments = ["--fast", "--drift", "--log-file", str(tmp_path / "log")]
        code = driver_main([str(example), *arguments, *ARGUMENTS.get(example.name, [])])
    text = output.getvalue()
    assert code == (1 if example.name in FAILING_EXAMPLES else 0), text
    assert "final status DELETE_COMPLETE" in text
    # drift detection right after every deploy: each package as the template says
    assert "DRIFT IN_SYNC" in text
    assert "DRIFT MODIFIED" not in text
    assert "DRIFT DELETED" not in text
    if example.name not in FAILING_EXAMPLES:
        assert "FAILED" not in text
    expected = {
        "registry-flow": [
            "updated in place 1",
            "replaced 1",
            "Approved",
            "retained 2",
            "left in the account (Retain): ChurnModelVersion arn:aws:sagemaker:us-east-1:"
            "123456789012:model-package/demo-registry-flow-churn/1",
        ],
        "unversioned-tags": ["updated in place 1", "environment=production"],
        "additional-inference": ["updated in place 1", "additional specifications inferentia2"],
        "replacement": ["replaced 1"],
        "cdk-registry-flow": ["updated in place 1", "(Completed; Approved)", "retained 1"],
        "per-environment": [
            "updated in place 2",  # the group too: 2-prod.parameters.json tags the stack
            "after 1-staging.yaml (CREATE_COMPLETE): ForecastModel arn:aws:sagemaker:us-east-1:"
            "123456789012:model-package/demand-forecasts/1 (Completed; PendingManualApproval)",
            "after 2-prod.yaml (UPDATE_COMPLETE): ForecastModel arn:aws:sagemaker:us-east-1:"
            "123456789012:model-package/demand-forecasts/1 (Completed; Approved)",
            "after 2-prod.yaml: output ModelPackageArn = arn:aws:sagemaker:us-east-1:"
            "123456789012:model-package/demand-forecasts/1 "
            "(export demo-per-environment-model-package)",
            "after 2-prod.yaml: output Version = 1",
        ],
        "approve-by-parameter": [
            "updated in place 2, replaced 0",  # the same template: only the parameters change
            "after 2-approve.yaml (UPDATE_COMPLETE): ChurnModelVersion arn:aws:sagemaker:"
            "us-east-1:123456789012:model-package/demo-approve-by-parameter-churn/1 "
            "(Completed; Approved)",
            "after 3-withdraw.yaml (UPDATE_COMPLETE): ChurnModelVersion arn:aws:sagemaker:"
            "us-east-1:123456789012:model-package/demo-approve-by-parameter-churn/1 "
            "(Completed; Rejected)",
        ],
        "adopt-pipeline-versions": [
            "ChurnModelsVersion2 IMPORT_COMPLETE",
            "demo-adopt-pipeline-versions IMPORT_COMPLETE",
            "after 2-approve.yaml (UPDATE_COMPLETE): ChurnModelsVersion2 "
            f"{ADOPTED}/2 (Completed; Approved)",
            "updated in place 1, replaced 0, deleted 0, imported 3, retained 3",
            f"left in the account (Retain): ChurnModelsVersion1 {ADOPTED}/1",
            f"left in the account (Retain): ChurnModels {ADOPTED_GROUP}",
        ],
        "governed-approval": [
            "HOOK_COMPLETE_FAILED: Hook failed with message: Template failed validation, the "
            "following rule(s) failed: MODEL_PACKAGE_APPROVAL_DESCRIPTION.",
            "ChurnModelVersion UPDATE_FAILED The following hook(s) failed: "
            "[Private::Guard::ModelRegistry]",
            "after 2-approve-without-description.yaml (UPDATE_ROLLBACK_COMPLETE): "
            "ChurnModelVersion arn:aws:sagemaker:us-east-1:123456789012:model-package/"
            "demo-governed-approval-churn/1 (Completed; PendingManualApproval)",
            "after 3-approve.yaml (UPDATE_COMPLETE): ChurnModelVersion arn:aws:sagemaker:"
            "us-east-1:123456789012:model-package/demo-governed-approval-churn/1 "
            "(Completed; Approved)",
        ],
        "deploy-on-approval": [
            "ChallengerModelVersion CREATE_FAILED",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            "SageMaker event: demo-deploy-on-approval-churn/2 Completed, Approved; updated "
            "ModelApprovalStatus, ApprovalDescription << matches deploy-on-approval.json",
            "3 event(s) matched deploy-on-approval.json, for:",
        ],
        "failed-update-rolls-back": [
            "ChallengerModelVersion       CREATE_FAILED",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            "after 2-approve-and-fail.yaml (UPDATE_ROLLBACK_COMPLETE): ChurnModelVersion "
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/"
            "demo-failed-update-rolls-back-churn/1 (Completed; PendingManualApproval)",
            "after 3-approve.yaml (UPDATE_COMPLETE): ChurnModelVersion "
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/"
            "demo-failed-update-rolls-back-churn/1 (Completed; Approved)",
        ],
    }[example.name]
    squeezed = re.sub(" +", " ", text)  # the event table's columns fit the longest name
    for words in expected:
        assert re.sub(" +", " ", words) in squeezed, text


@pytest.mark.usefixtures("rehearsal_clock")
def test_central_registry_runs_three_accounts_against_one_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/central-registry/run.py as a user runs it: it starts `modelpackage-sagemaker`
    and runs each account's commands against it; every step must end as it says."""
    spec = importlib.util.spec_from_file_location(
        "central_registry_run", ROOT / "examples" / "central-registry" / "run.py"
    )
    assert spec is not None
    assert spec.loader is not None
    runner = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, runner)  # its dataclasses look themselves up
    spec.loader.exec_module(runner)
    output = io.StringIO()
    with redirect_stdout(output):
        code = runner.main(["--log-folder", str(tmp_path)])
    text = output.getvalue()
    assert code == 0, text
    outcomes = re.findall(r"^==> (\w+) account (\d{12}): .*: ok$", text, flags=re.MULTILINE)
    assert [account for account, _ in outcomes] == [step.account for step in runner.STEPS]
    assert {name for name, _ in outcomes} == {"registry", "training", "deployment", "outsider"}
    assert "  version 1: Approved\n  version 2: PendingManualApproval" in text
    assert "PutModelPackageGroupPolicy calls: 1" in text


@pytest.mark.usefixtures("rehearsal_clock")
def test_deploy_on_approval_writes_the_events_sagemaker_sends_and_counts_the_rules(
    tmp_path: Path,
) -> None:
    """Approve, then a revision that approves a new version and fails, rolled back: the events
    file holds exactly what SageMaker sends, in order; the shipped rule matches the three
    approvals (the rollback's re-approval of October's version among them) and nothing else,
    where a rule on `ModelApprovalStatus: Approved` alone also fires on both deletions."""
    written = tmp_path / "events.jsonl"
    output = io.StringIO()
    with redirect_stdout(output):
        code = driver_main(
            [
                str(ROOT / "examples" / "deploy-on-approval"),
                "--fast",
                "--events",
                str(written),
                "--event-pattern",
                str(DEPLOY_ON_APPROVAL),
                "--log-file",
                str(tmp_path / "log"),
            ]
        )
    text = output.getvalue()
    assert code == 1, text  # the second revision fails and rolls back
    events = [json.loads(line) for line in written.read_text().splitlines()]
    october, november = (
        f"arn:aws:sagemaker:us-east-1:123456789012:model-package/demo-deploy-on-approval-churn/{n}"
        for n in (1, 2)
    )
    approved = ["ModelApprovalStatus", "ApprovalDescription"]
    registered = [
        ("Pending", "PendingManualApproval", None),
        ("InProgress", "PendingManualApproval", None),
        ("Completed", "PendingManualApproval", None),
        ("Completed", "Approved", approved),
    ]
    assert [
        (
            e["resources"],
            e["detail"]["ModelPackageStatus"],
            e["detail"]["ModelApprovalStatus"],
            e["detail"].get("UpdatedModelPackageFields"),
        )
        for e in events
    ] == [
        # 1-approve.yaml: registered pending, approved once validated
        *[([october], *step) for step in registered],
        # 2-retrain-and-fail.yaml: October withdrawn, November registered and approved ...
        ([october], "Completed", "PendingManualApproval", approved),
        *[([november], *step) for step in registered],
        # ... the challenger refused (no event); the rollback approves October again and
        # deletes November
        ([october], "Completed", "Approved", approved),
        ([november], "Deleting", "Approved", None),
        # the stack's delete
        ([october], "Deleting", "Approved", None),
    ]
    assert {(e["source"], e["detail-type"], e["account"]) for e in events} == {
        ("aws.sagemaker", "SageMaker Model Package State Change", "123456789012")
    }
    rule = eventbridge.Pattern.load(DEPLOY_ON_APPROVAL)
    assert [e["resources"][0] for e in events if rule.matches(e)] == [october, november, october]
    squeezed = re.sub(" +", " ", text)
    assert (
        f"3 event(s) matched deploy-on-approval.json, for:\n {october} (2 events)\n "
        f"{november} (1 event)" in squeezed
    ), text
    assert f"SageMaker events: 12, written to {written}" in squeezed
    naive = tmp_path / "approved-only.json"
    naive.write_text(json.dumps({"detail": {"ModelApprovalStatus": ["Approved"]}}))
    redeploys = [e for e in events if eventbridge.Pattern.load(naive).matches(e)]
    assert [e["detail"]["ModelPackageStatus"] for e in redeploys] == [
        "Completed",
        "Completed",
        "Completed",
        "Deleting",  # a deleted version, deployed again
        "Deleting",
    ]
