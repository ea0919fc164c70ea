"""Parameter values and stack tags per revision (driver/parameters.py): `NAME.parameters.json`
beside a revision, in the AWS CLI's list format or CodePipeline's template configuration file,
`--parameter` for every revision that declares the key, previous values kept as
`aws cloudformation deploy` keeps them, and stack tags that change between revisions; each
parameter's declaration and value checked in CloudFormation's words (constraints, numbers,
lists) before any change.

Deploys go through the driver's stack against the backend and read SageMaker back; the command
line (`cli.main`) is checked for what it refuses before anything runs and what it prints.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import arguments, parameters
from mlops_sagemaker_modelpackage_local.driver.cli import parser
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.models import IMAGE
from tests.support.rehearsal import (
    GROUP_TYPE,
    MAPPED,
    Writer,
    group_resource,
    mapped_version,
    packages,
    run,
    version,
    write,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

OURS = "MLOps::SageMaker::ModelPackage"
GROUP = "params-churn"
SPECIFICATION: Json = {
    "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/churn/model.tar.gz"}],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}
# One template for every revision: what changes is only what the parameter files give.
APPROVAL_TEMPLATE: Json = {
    "Parameters": {
        "Approval": {
            "Type": "String",
            "Default": "PendingManualApproval",
            "AllowedValues": ["PendingManualApproval", "Approved", "Rejected"],
        },
        "Reviewer": {"Type": "String", "Default": "nobody"},
    },
    "Resources": {
        "Models": {
            "Type": "AWS::SageMaker::ModelPackageGroup",
            "Properties": {"ModelPackageGroupName": GROUP},
        },
        "Version": {
            "Type": OURS,
            "Properties": {
                "ModelPackageGroupName": {"Ref": "Models"},
                "ModelApprovalStatus": {"Ref": "Approval"},
                "CustomerMetadataProperties": {"reviewer": {"Ref": "Reviewer"}},
                "InferenceSpecification": SPECIFICATION,
            },
        },
    },
}


def write_file(folder: Path, name: str, content: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1))
    return path


@pytest.fixture
def stack(sagemaker: SageMakerClient, clock: VirtualClock) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    return Stack("params", environment, Events(io.StringIO()), wait=clock.sleep)


def described(sagemaker: SageMakerClient, arn: str) -> Json:
    return dict(sagemaker.describe_model_package(ModelPackageName=arn))


def tags_of(sagemaker: SageMakerClient, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}


# ---------------------------------------------------------------- values across revisions


def test_an_approval_is_given_and_withdrawn_by_parameter_files_alone(
    tmp_path: Path, stack: Stack, sagemaker: SageMakerClient
) -> None:
    for name in ("1-register.yaml", "2-approve.yaml", "3-withdraw.yaml"):
        write_file(tmp_path, name, APPROVAL_TEMPLATE)  # JSON is YAML: the same template each time
    write_file(tmp_path, "1-register.parameters.json", [])
    write_file(
        tmp_path,
        "2-approve.parameters.json",
        [
            {"ParameterKey": "Approval", "ParameterValue": "Approved"},
            {"ParameterKey": "Reviewer", "ParameterValue": "churn-squad"},
        ],
    )
    # Reviewer left out: it keeps churn-squad (UsePreviousValue), not its Default
    write_file(tmp_path, "3-withdraw.parameters.json", {"Parameters": {"Approval": "Rejected"}})
    revisions = arguments.revisions_of([tmp_path], [], [])
    seen = []

    for revision in revisions:
        assert stack.deploy_revision(revision), stack.events.lines
        package = described(sagemaker, stack.resources["Version"].physical_id)
        seen.append(
            (package["ModelApprovalStatus"], package["CustomerMetadataProperties"]["reviewer"])
        )

    assert seen == [
        ("PendingManualApproval", "nobody"),
        ("Approved", "churn-squad"),
        ("Rejected", "churn-squad"),
    ]
    assert [r.given.name for r in revisions] == [
        "1-register.parameters.json",
        "2-approve.parameters.json",
        "3-withdraw.parameters.json",
    ]
    assert stack.delete()


def test_a_key_new_to_a_revision_takes_its_default_and_a_changed_default_is_warned(
    tmp_path: Path, stack: Stack, sagemaker: SageMakerClient
) -> None:
    """`aws cloudformation deploy` sends UsePreviousValue for every key it is not given and the
    stack has: a revision's new Default for such a key is not used (the plan warns); a key the
    stack never had takes its Default."""
    first = json.loads(json.dumps(APPROVAL_TEMPLATE))
    del first["Parameters"]["Reviewer"]
    first["Resources"]["Version"]["Properties"]["CustomerMetadataProperties"] = {"r": "none"}
    second = json.loads(json.dumps(APPROVAL_TEMPLATE))
    second["Parameters"]["Approval"]["Default"] = "Approved"  # not used: the stack has a value
    write_file(tmp_path, "1.json", first)
    write_file(tmp_path, "2.json", second)

    one, two = arguments.revisions_of([tmp_path], [], [])
    assert stack.deploy_revision(one)
    stack.events.lines.clear()
    assert stack.deploy_revision(two)

    package = described(sagemaker, stack.resources["Version"].physical_id)
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["CustomerMetadataProperties"] == {"reviewer": "nobody"}
    assert stack.state.parameters == {"Approval": "PendingManualApproval", "Reviewer": "nobody"}
    assert stack.delete()


def test_validate_shows_each_value_and_where_it_comes_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = json.loads(json.dumps(APPROVAL_TEMPLATE))
    template["Parameters"]["Token"] = {"Type": "String", "NoEcho": True, "Default": "s3cr3t"}
    second = json.loads(json.dumps(template))
    second["Parameters"]["Approval"]["Default"] = "Approved"
    write_file(tmp_path, "1.json", template)
    write_file(tmp_path, "2.json", second)
    write_file(tmp_path, "2.parameters.json", {"Parameters": {"Token": "n3w-s3cr3t"}})

    code, out, _ = run([str(tmp_path), "--validate", "--parameter", "Reviewer=ops"], capsys)

    assert code == 0, out
    first, later = out.split("\n2.json\n")
    assert (
        "parameters: Approval=PendingManualApproval (Default), Reviewer=ops (--parameter), "
        "Token=**** (Default)"
    ) in first
    assert (
        "parameters: Approval=PendingManualApproval (previous value), Reviewer=ops "
        "(--parameter), Token=**** (2.parameters.json)"
    ) in later
    assert "s3cr3t" not in out  # NoEcho, as CloudFormation shows it
    assert (
        "WARNING parameter Approval keeps the stack's previous value PendingManualApproval "
        "(UsePreviousValue, as `aws cloudformation deploy` does): this revision's Default "
        "Approved is not used; give the value in 2.parameters.json or with --parameter"
    ) in later


def test_the_command_line_overrides_the_file_and_goes_only_where_declared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group_only = {"Resources": {"Models": APPROVAL_TEMPLATE["Resources"]["Models"]}}
    write_file(tmp_path, "1.json", group_only)  # declares no parameter: --parameter not sent
    write_file(tmp_path, "2.json", APPROVAL_TEMPLATE)
    write_file(tmp_path, "2.parameters.json", {"Parameters": {"Approval": "Rejected"}})

    code, out, _ = run([str(tmp_path), "--validate", "--parameter", "Approval=Approved"], capsys)

    assert code == 0, out
    assert "Parameters: [Approval] do not exist" not in out
    assert "Approval=Approved (--parameter)" in out.split("\n2.json\n")[1]


def test_a_parameter_no_revision_declares_is_refused_before_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_file(tmp_path, "1.json", APPROVAL_TEMPLATE)

    code, out, err = run([str(tmp_path), "--parameter", "Aproval=Approved"], capsys)

    assert code == 2
    assert out == ""
    assert err == (
        "modelpackage-rehearse: error: --parameter Aproval: no template revision declares a "
        "parameter Aproval (they declare Approval, Reviewer)\n"
    )


def test_use_previous_value_needs_a_previous_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_file(tmp_path, "1.json", APPROVAL_TEMPLATE)
    write_file(
        tmp_path, "1.parameters.json", [{"ParameterKey": "Reviewer", "UsePreviousValue": True}]
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    assert (
        "ERROR Invalid input for parameter key Reviewer. Cannot specify usePreviousValue as true "
        "for a new stack (1.parameters.json)"
    ) in out


# ---------------------------------------------------------------- stack tags


def test_stack_tags_from_the_files_reach_the_handlers_and_roll_back(
    tmp_path: Path, stack: Stack, sagemaker: SageMakerClient
) -> None:
    """A file's Tags are the stack's tags from that revision on: every resource of a type that
    takes tags is updated (stackTags and previousStackTags in the handler's request), a revision
    whose file names no Tags keeps them, and a failed revision puts the old ones back."""
    template = {
        "Resources": {
            "Models": APPROVAL_TEMPLATE["Resources"]["Models"],
            "Scorer": {
                "Type": OURS,
                "Properties": {
                    "ModelPackageName": "params-scorer",
                    **{"InferenceSpecification": SPECIFICATION},
                },
            },
        }
    }
    failing = json.loads(json.dumps(template))
    failing["Resources"]["Broken"] = {
        "Type": OURS,
        "DependsOn": "Scorer",
        "Properties": {
            "ModelPackageGroupName": "no-such-group",
            "InferenceSpecification": SPECIFICATION,
        },
    }
    for name in ("1.json", "2.json", "4.json"):
        write_file(tmp_path, name, template)
    write_file(tmp_path, "3.json", failing)
    write_file(tmp_path, "1.parameters.json", {"Tags": {"team": "ml"}})
    write_file(tmp_path, "3.parameters.json", {"Tags": {"team": "ops", "cost": "42"}})
    revisions = arguments.revisions_of([tmp_path], [], ["owner=platform"])

    assert stack.deploy_revision(revisions[0])
    scorer, group = stack.resources["Scorer"].physical_id, stack.resources["Models"].physical_id
    assert tags_of(sagemaker, scorer) == {"team": "ml", "owner": "platform"}
    assert tags_of(sagemaker, group) == {"team": "ml", "owner": "platform"}

    stack.requests.clear()
    assert stack.deploy_revision(revisions[1])  # no Tags in a file: nothing to update
    assert [e["action"] for e in stack.requests] == []
    assert stack.state.tags == {"team": "ml", "owner": "platform"}

    assert stack.deploy_revision(revisions[2]) is False  # Broken fails: rolled back
    updates = [e["requestData"] for e in stack.requests if e["action"] == "UPDATE"]
    assert updates[0]["stackTags"] == {"team": "ops", "cost": "42", "owner": "platform"}
    assert updates[0]["previousStackTags"] == {"team": "ml", "owner": "platform"}
    assert updates[-1]["stackTags"] == {"team": "ml", "owner": "platform"}  # the rollback
    assert updates[-1]["previousStackTags"] == updates[0]["stackTags"]
    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    assert tags_of(sagemaker, scorer) == {"team": "ml", "owner": "platform"}
    assert tags_of(sagemaker, group) == {"team": "ml", "owner": "platform"}
    assert stack.state.tags == {"team": "ml", "owner": "platform"}

    stack.requests.clear()
    assert stack.deploy_revision(revisions[3])
    assert stack.requests == []  # nothing changed, tags included
    assert stack.delete()


# ---------------------------------------------------------------- files the run refuses


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON (line 1, column 2): Expecting property name"),
        ('"Approved"', 'expected a list [{"ParameterKey": "K", "ParameterValue": "V"}, ...]'),
        ('{"Parameters": {"Approval": 1}}', "Parameters Approval is 1, not a string: quote it"),
        ('{"Parameter": {"Approval": "x"}}', "unknown key Parameter (a template configuration"),
        ('{"Parameters": {"A": "1", "A": "2"}}', "'A' is given twice"),
        ('[{"ParameterKey": "A"}]', "Need to specify either usePreviousValue as true or a value"),
        ('[{"Key": "A", "Value": "1"}]', 'entry 1 is not {"ParameterKey": "...", "ParameterValue"'),
        (
            '[{"ParameterKey": "A", "ParameterValue": "1", "UsePreviousValue": true}]',
            "Cannot specify usePreviousValue as true and non empty value",
        ),
        ('{"Tags": {"aws:team": "ml"}}', "aws: prefixed tag key names are not allowed"),
        ('{"Tags": ["team", "ml"]}', 'Tags is an object {"Key": "value", ...}'),
    ],
)
def test_a_malformed_parameter_file_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    write_file(tmp_path, "1.json", APPROVAL_TEMPLATE)
    bad = write_file(tmp_path, "1.parameters.json", content)

    code, out, err = run([str(tmp_path), "--validate"], capsys)

    assert code == 2
    assert out == ""
    assert err.startswith(f"modelpackage-rehearse: error: {bad}: "), err
    assert problem in err
    assert "Traceback" not in err


def test_a_parameter_file_is_never_a_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_file(tmp_path, "1.json", APPROVAL_TEMPLATE)
    given = write_file(tmp_path, "1.parameters.json", {"Parameters": {"Approval": "Approved"}})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 0, out
    assert "1 template revision(s)" in out

    code, out, err = run([str(given)], capsys)
    assert code == 2
    assert "a parameter file, not a template: give the revision it goes with (1.yaml" in err

    stray = write_file(tmp_path, "2-aprove.parameters.json", {"Parameters": {}})
    code, out, err = run([str(tmp_path)], capsys)
    assert code == 2
    assert err.startswith(f"modelpackage-rehearse: error: {stray}: no template of that name")


def test_a_template_configuration_stack_policy_is_warned_not_applied(tmp_path: Path) -> None:
    write_file(tmp_path, "1.json", APPROVAL_TEMPLATE)
    write_file(tmp_path, "1.parameters.json", {"StackPolicy": {"Statement": []}})

    (revision,) = parameters.revisions([tmp_path / "1.json"], {}, {})

    assert revision.given.warnings == (
        "StackPolicy is not applied locally (the rehearsal has no stack policies)",
    )


def test_help_says_whose_behaviour_the_values_follow() -> None:
    text = " ".join(parser().format_help().split())
    assert "Values follow `aws cloudformation deploy`: --parameter, then the file, then" in text
    assert "CodePipeline's template configuration" in text
    assert "as aws cloudformation deploy --parameter-overrides" in text


# ---------------------------------------------------------------- declarations and values


def test_parameters_are_checked_before_any_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Writer(tmp_path)({"Models": group_resource(), "Version": mapped_version()}, **MAPPED)

    (tmp_path / "1.parameters.json").write_text('{"Parameters": {"Nope": "1"}}')

    code, out, _ = run([str(tmp_path), "--fast", "--parameter", "Environment=qa"], capsys)

    assert code == 1
    assert "Parameters: [Nope] do not exist in the template" in out  # a file's key
    assert "Parameter 'Environment' must be one of AllowedValues" in out
    assert "CREATE_IN_PROGRESS" not in out  # nothing started
    assert "resources created 0" in out


@pytest.mark.parametrize(
    ("spec", "value", "words"),
    [
        ({"Type": "String", "AllowedPattern": "[a-z]+"}, "Abc", "must match pattern [a-z]+"),
        ({"Type": "String", "MinLength": 3}, "ab", "must contain at least 3 characters"),
        ({"Type": "String", "MaxLength": 2}, "abc", "must contain at most 2 characters"),
        ({"Type": "Number"}, "ten", "must be a number"),
        ({"Type": "Number", "MinValue": 1}, "0", "must be a number not less than 1"),
        ({"Type": "Number", "MaxValue": 9}, "10", "must be a number not greater than 9"),
        ({"Type": "List<Number>"}, "1,x", "must be a number"),
        (
            {"Type": "String", "AllowedPattern": "\\d+", "ConstraintDescription": "digits only"},
            "x",
            "failed to satisfy constraint: digits only",
        ),
        ({"Type": "String"}, None, "Parameters: [P] must have values"),
    ],
)
def test_parameter_constraints_in_cloudformation_words(
    revision: Writer, spec: Json, value: str | None, words: str
) -> None:
    overrides = {} if value is None else {"P": value}
    path = revision.folder / "p.json"
    path.write_text(json.dumps({"Parameters": {"P": spec}, "Resources": {"M": group_resource()}}))

    with pytest.raises(ValueError, match=re.escape(words)):
        Template.load(path, overrides)


def test_a_comma_delimited_list_parameter_is_a_list(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    parameters = {"Types": {"Type": "CommaDelimitedList", "Default": "text/csv, application/json"}}
    listed = version()
    listed["Properties"]["InferenceSpecification"]["SupportedContentTypes"] = {"Ref": "Types"}

    assert stack.deploy(
        revision({"Models": group_resource(), "Version": listed}, Parameters=parameters)
    )

    (described,) = packages(sagemaker).values()
    assert described["InferenceSpecification"]["SupportedContentTypes"] == [
        "text/csv",
        "application/json",
    ]
    assert stack.delete()


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1_0", "0x1"])
def test_a_number_parameter_is_a_number_as_cloudformation_reads_one(
    tmp_path: Path, value: str
) -> None:
    """Python's float() takes most of these (a NaN passes every MinValue/MaxValue
    comparison); a CloudFormation Number is an integer or a float in decimal digits."""
    path = write(
        tmp_path,
        "p.json",
        {"M": {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "g"}}},
        Parameters={"P": {"Type": "Number", "MinValue": 1, "MaxValue": 9}},
    )

    with pytest.raises(ValueError, match=r"Parameter 'P' must be a number$"):
        Template.load(path, {"P": value})


@pytest.mark.parametrize("value", ["5", "-1.5e1", "+2", ".5", "3."])
def test_a_number_parameter_takes_what_cloudformation_takes(tmp_path: Path, value: str) -> None:
    path = write(
        tmp_path,
        "p.json",
        {"M": {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "g"}}},
        Parameters={"P": {"Type": "Number"}},
    )

    assert Template.load(path, {"P": value}).parameters["P"] == value


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ({"MinLength": "abc"}, "Parameter 'P': MinLength must be a non-negative integer"),
        ({"Type": "Number", "MaxValue": "x"}, "Parameter 'P': MaxValue must be a number"),
        ({"AllowedPattern": "["}, "Parameter 'P': AllowedPattern '[' is not a pattern"),
        ({"AllowedValues": "abc"}, "Parameter 'P': AllowedValues must be a list"),
    ],
)
def test_a_malformed_parameter_declaration_is_one_error_not_a_traceback(
    tmp_path: Path, declaration: Json, words: str
) -> None:
    path = write(
        tmp_path,
        "p.json",
        {"M": {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "g"}}},
        Parameters={"P": {"Type": "String", "Default": "1", **declaration}},
    )

    with pytest.raises(ValueError, match=re.escape(words)):
        Template.load(path)
