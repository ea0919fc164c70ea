"""The rehearsal on hostile templates (driver/limits.py): nesting no layer can walk, characters
beyond the Basic Multilingual Plane written as JSON escapes, and CloudFormation's limits on a
template (its size, the number of resources, logical IDs), each refused in CloudFormation's words
as one error of its revision, after which the run goes on to the next revision and the final
delete.

Each test runs the rehearsal's command line (or the Stack API) against the embedded SageMaker and
reads what it printed, its exit status and, where something is deployed, SageMaker's state.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import limits
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import run, unversioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"
ROCKET = "\N{ROCKET}"  # U+1F680, beyond the Basic Multilingual Plane


def group(name: str) -> Json:
    return {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": name}}


def good_revision(folder: Path, name: str = "2.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"Resources": {"Models": group("limits-after")}}))
    return path


def group_text(name: str, value: str) -> str:
    """A template of one group whose property `name` is `value` (JSON text), 4 levels deep."""
    return (
        '{"Resources": {"Models": {"Type": "AWS::SageMaker::ModelPackageGroup", "Properties": '
        f'{{"ModelPackageGroupName": "deep", "{name}": {value}}}}}}}}}'
    )


def nested(depth: int) -> str:
    """A JSON list `depth` levels deep, as text (json.dumps itself would recurse)."""
    return "[" * depth + "]" * depth


# ---------------------------------------------------------------- nesting


@pytest.mark.parametrize("depth", [3000, 500, limits.MAX_DEPTH])
def test_json_nested_deeper_than_any_layer_walks_is_one_error_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """3,000 levels broke Python's JSON decoder; 500 pass it and broke cfn-lint's (which
    recurses more per level). Either was a RecursionError traceback that ended the run before
    the final delete. The whole template is 4 levels deeper than the value."""
    text = group_text("ModelPackageGroupDescription", nested(depth))
    (tmp_path / "1.json").write_text(text)
    good_revision(tmp_path)

    code, out, err = run([str(tmp_path), "--fast"], capsys)

    assert code == 1
    assert "Traceback" not in out + err
    (refused,) = [line for line in out.splitlines() if "VALIDATION_FAILED" in line]
    column = text.index("[") + 1 + limits.MAX_DEPTH - 4  # the value's bracket at level 101
    assert refused.endswith(
        f"1.json: Template format error: JSON not well-formed. (line 1, column {column}): "
        f"{limits.TOO_DEEP}"
    )
    assert "resources created 1" in out  # the next revision ran
    assert "final status DELETE_COMPLETE" in out


def test_json_exactly_as_deep_as_the_limit_is_read(tmp_path: Path) -> None:
    depth = limits.MAX_DEPTH - 4  # with the 4 levels around the value
    path = tmp_path / "t.json"
    path.write_text(group_text("Metadata", nested(depth)))

    template = Template.load(path)

    assert template.declared["Models"]["Properties"]["Metadata"] == json.loads(nested(depth))


@pytest.mark.parametrize("depth", [3000, 150])
def test_yaml_nested_too_deep_is_one_error_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """3,000 flow levels break the YAML reader (it says 'maximum recursion depth exceeded');
    150 are read, and refused before anything else walks them."""
    (tmp_path / "1.yaml").write_text(
        "Resources:\n  Models:\n    Type: AWS::SageMaker::ModelPackageGroup\n    Properties:\n"
        f"      ModelPackageGroupName: deep\n      ModelPackageGroupDescription: {nested(depth)}\n"
    )
    good_revision(tmp_path)

    code, out, err = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    assert "Traceback" not in out + err
    (error,) = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert error.endswith(limits.TOO_DEEP)
    where = (
        "YAML not well-formed:"
        if depth == 3000
        else "[/Resources/Models/Properties/ModelPackageGroupDescription/...]"
    )
    assert where in error
    assert "Models                       create" in out  # the next revision is planned


# ---------------------------------------------------------------- characters beyond the BMP


def test_escaped_astral_characters_in_json_are_accepted_and_reach_sagemaker(
    tmp_path: Path, sagemaker: SageMakerClient, clock: VirtualClock
) -> None:
    """`"\\ud83d\\ude80"` is valid JSON for U+1F680 (a surrogate pair): CloudFormation reads it;
    the rehearsal refused it ('found invalid Unicode character escape code', its YAML reader's
    words)."""
    path = tmp_path / "1.json"
    path.write_text(
        json.dumps(  # ensure_ascii: the rocket is written as its surrogate pair
            {"Resources": {"Model": unversioned(ModelPackageDescription=f"Churn model {ROCKET}")}}
        )
    )
    assert "\\ud83d\\ude80" in path.read_text()
    stack = Stack(
        "astral",
        Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker),
        Events(io.StringIO()),
        wait=clock.sleep,
    )

    assert stack.deploy(Template.load(path))

    arn = stack.resources["Model"].physical_id
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelPackageDescription"] == f"Churn model {ROCKET}"
    assert stack.delete()


def test_half_a_surrogate_pair_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON's decoder takes a lone "\\ud83d"; no UTF-8 text can hold it, so it would fail
    later, in whatever sends it on."""
    (tmp_path / "1.json").write_text(group_text("ModelPackageGroupDescription", '"go \\ud83d now"'))

    code, out, err = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    assert "Traceback" not in out + err
    (error,) = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert error == (
        "  ERROR Template format error: JSON not well-formed. \\ud83d is half of a surrogate "
        "pair, with no other half (in 'go '...)"
    )


def test_a_duplicate_key_in_json_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "1.json"
    path.write_text(
        '{"Resources": {\n  "Models": {"Type": "AWS::SageMaker::ModelPackageGroup"},\n'
        '  "Models": {"Type": "AWS::SageMaker::ModelPackageGroup"}\n}}'
    )

    with pytest.raises(ValueError, match=r"\(line 3, column 4\): Duplicate found \"Models\""):
        Template.load(path)


# ---------------------------------------------------------------- CloudFormation's limits


def test_logical_ids_and_the_number_of_resources_are_checked_in_cloudformation_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = {f"Group{n}": group(f"g{n}") for n in range(limits.MAX_RESOURCES - 1)}
    resources["Churn-Model"] = group("dashed")
    resources["A" * 256] = group("long")
    resources["Fine" + "B" * 251] = group("longest")  # 255: accepted
    (tmp_path / "1.json").write_text(json.dumps({"Resources": resources}))
    good_revision(tmp_path)

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert errors == [
        "  ERROR Template format error: Number of resources, 502, is greater than maximum "
        "allowed, 500",
        "  ERROR Template format error: Resource name Churn-Model is non alphanumeric.",
        f"  ERROR Template format error: Resource name {'A' * 60}... is 256 characters long: a "
        "logical ID has at most 255",
    ]
    assert "Models                       create" in out  # the next revision is planned


def test_five_hundred_resources_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "1.json"
    resources = {f"Group{n}": group(f"g{n}") for n in range(limits.MAX_RESOURCES)}
    path.write_text(json.dumps({"Resources": resources}))

    assert len(Template.load(path).declared) == limits.MAX_RESOURCES


def test_a_body_over_one_megabyte_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,000,000 bytes, as CloudFormation counts (its message names the number), not 1 MiB."""

    def body(notes: str) -> str:
        return json.dumps({"Metadata": {"Notes": notes}, "Resources": {"Models": group("big")}})

    (tmp_path / "1.json").write_text(body("x" * (limits.MAX_BODY_BYTES + 1 - len(body("")))))
    assert (tmp_path / "1.json").stat().st_size == limits.MAX_BODY_BYTES + 1
    good_revision(tmp_path)

    code, out, _ = run([str(tmp_path), "--fast"], capsys)

    assert code == 1
    assert "1.json: Template may not exceed 1000000 bytes in size." in out
    assert "final status DELETE_COMPLETE" in out


def test_a_body_over_the_inline_limit_is_deployed_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Above 51,200 bytes CloudFormation takes the template only from S3 (--template-url): a
    deploy script passing --template-body would fail, so the rehearsal says so."""
    body = {"Metadata": {"Notes": "x" * 60_000}, "Resources": {"Models": group("inline")}}
    (tmp_path / "1.json").write_text(json.dumps(body))
    size = (tmp_path / "1.json").stat().st_size
    warning = (
        f"WARNING the template is {size:,} bytes: CloudFormation takes at most 51,200 inline "
        "('templateBody' failed to satisfy constraint: Member must have length less than or "
        "equal to 51200); upload it to S3 and pass --template-url (up to 1,000,000 bytes)"
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 0
    assert f"  {warning}" in out

    code, out, _ = run([str(tmp_path), "--fast"], capsys)
    assert code == 0
    assert warning in out
    assert "final status DELETE_COMPLETE" in out
