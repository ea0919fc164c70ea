"""guard/: the model registry's Guard rules, run by the real cfn-guard (the pinned 3.1.1 binary).

Each rule has a passing and a failing case on both input shapes (a template in CI, a Guard hook's
resource input) in guard/tests/, run with `cfn-guard test`; `make guard` (modelpackage-guard)
reports each finding with its rule, resource and file and fails on a violation or on a governed
value that is still an intrinsic. (The rehearsal's --guard, which runs them as a Guard hook:
tests/rehearsal/test_hook.py.)
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from contextlib import redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cfn_flip import load_yaml

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.guard import check, engine
from tests.support.guard import EVIDENCE, GOVERNED, GUARD
from tests.support.rehearsal import OURS
from tests.support.schema import ROOT

if TYPE_CHECKING:
    pass

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
