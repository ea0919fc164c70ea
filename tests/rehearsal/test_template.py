"""Reading a template as CloudFormation reads it (driver/template.py, intrinsics.py,
resolution.py): well-formedness, policies, conditions, mappings and Fn::FindInMap, Fn::GetAtt
and the attributes a type has, outputs, the functions the rehearsal does not emulate, circular
dependencies, and a template the CDK synthesized with its defaults. Through the stack against
the backend, the command line (`cli.main`) or `Template.load`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import drift
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.rehearsal import (
    GROUP_TYPE,
    MAPPED,
    OURS,
    Writer,
    group_resource,
    groups,
    mapped_version,
    packages,
    run,
    unversioned,
    version,
    write,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


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


def test_retain_except_on_create_is_no_update_replace_policy(revision: Writer) -> None:
    with pytest.raises(ValueError, match="UpdateReplacePolicy RetainExceptOnCreate is not"):
        revision({"Models": group_resource(UpdateReplacePolicy="RetainExceptOnCreate")})


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


def test_mappings_and_find_in_map_with_a_default_value(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    resources = {"Models": group_resource(), "Version": mapped_version()}

    assert stack.deploy(revision(resources, **MAPPED))

    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert described["ModelPackageDescription"] == "rehearsal in dev"  # the DefaultValue
    assert stack.delete()

    prod = json.loads(json.dumps(MAPPED))
    prod["Parameters"]["Environment"]["Default"] = "prod"
    other = Stack("driver-prod", stack.env, Events(io.StringIO()), wait=stack.context.wait)
    assert other.deploy(revision(resources, **prod))
    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ModelPackageDescription"] == "serving"
    assert other.delete()


def test_find_in_map_without_a_default_names_the_missing_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Writer(tmp_path)({"Models": group_resource(), "Version": mapped_version()}, **MAPPED)

    code, out, _ = run([str(tmp_path), "--validate", "--parameter", "Environment=staging"], capsys)

    assert code == 1, out
    assert "Template error: Unable to get mapping for Stages::staging::Approval" in out
    without = {k: v for k, v in MAPPED.items() if k != "Transform"}
    (tmp_path / "b").mkdir()
    resources = {"Models": group_resource(), "Version": mapped_version()}
    (tmp_path / "b" / "1.json").write_text(json.dumps({"Resources": resources, **without}))
    code, out, _ = run([str(tmp_path / "b"), "--validate"], capsys)
    assert code == 1
    assert "Fn::FindInMap with DefaultValue needs 'Transform: AWS::LanguageExtensions'" in out


def test_a_circular_dependency_in_cloudformation_words(stack: Stack, revision: Writer) -> None:
    template = revision(
        {
            "Models": {**group_resource(), "DependsOn": "Version"},
            "Version": {**version(), "DependsOn": "Models"},
        }
    )

    assert stack.deploy(template) is False

    ((_, status, reason),) = stack.events.lines
    assert status == "VALIDATION_FAILED"
    assert reason == "Circular dependency between resources: [Models, Version]"


def cdk_synthesized(resources: Json) -> Json:
    """What `cdk synth` adds with the default synthesizer: the bootstrap version parameter and
    its rule, the CDKMetadata resource and its condition, `aws:cdk:path` metadata."""
    regions = [{"Fn::Equals": [{"Ref": "AWS::Region"}, r]} for r in ("us-east-1", "eu-west-1")]
    return {
        "Resources": {
            **{
                name: {**spec, "Metadata": {"aws:cdk:path": f"Stack/{name}/Resource"}}
                for name, spec in resources.items()
            },
            "CDKMetadata": {
                "Type": "AWS::CDK::Metadata",
                "Properties": {"Analytics": "v2:deflate64:H4sIAAAAAAAA"},
                "Metadata": {"aws:cdk:path": "Stack/CDKMetadata/Default"},
                "Condition": "CDKMetadataAvailable",
            },
        },
        "Conditions": {"CDKMetadataAvailable": {"Fn::Or": regions}},
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
                "Description": "Version of the CDK Bootstrap resources in this environment",
            }
        },
        "Rules": {
            "CheckBootstrapVersion": {
                "Assertions": [
                    {
                        "Assert": {
                            "Fn::Not": [
                                {"Fn::Contains": [["1", "2", "3"], {"Ref": "BootstrapVersion"}]}
                            ]
                        },
                        "AssertDescription": "CDK bootstrap stack version 6 required.",
                    }
                ]
            }
        },
    }


def test_a_template_the_cdk_synthesized_with_its_defaults_deploys(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    output = io.StringIO()
    stack.events.stream = output
    body = cdk_synthesized({"Models": group_resource(), "Version": version()})

    assert stack.deploy(revision(body.pop("Resources"), **body))

    (described,) = packages(sagemaker).values()
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert stack.events.statuses("CDKMetadata") == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    text = output.getvalue()
    assert "WARNING Rules CheckBootstrapVersion not evaluated locally" in text
    assert (
        "WARNING parameter BootstrapVersion: SSM parameter /cdk-bootstrap/hnb659fds/version" in text
    )
    assert drift.detect(stack)
    assert stack.delete()
    assert packages(sagemaker) == {}


def test_a_json_template_that_is_not_well_formed_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "Resources": {\n    "Models": ,\n  }\n}\n')

    with pytest.raises(
        ValueError, match=r"^Template format error: JSON not well-formed\. \(line 3"
    ):
        Template.load(path)


def test_validate_names_every_function_the_driver_does_not_emulate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = unversioned(
        ModelPackageDescription={"Fn::ToJsonString": {"a": 1}},
        CustomerMetadataProperties={
            "b": {"Fn::Base64": "x"},
            "i": {"Fn::If": ["C", {"Fn::ImportValue": "other-stack-export"}, "y"]},
        },
    )
    write(tmp_path, "1.json", {"Model": model}, Conditions={"C": {"Fn::Equals": ["a", "a"]}})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    for function in ("Fn::ToJsonString", "Fn::Base64", "Fn::ImportValue"):
        assert f"ERROR Model: {function} is not supported by the local driver" in out


def test_fn_for_each_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = ["Name", ["a", "b"], {"Group${Name}": {"Type": GROUP_TYPE, "Properties": {}}}]
    write(
        tmp_path,
        "1.json",
        {"Model": unversioned(), "Fn::ForEach::Groups": loop},
        Transform="AWS::LanguageExtensions",
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    assert "Resources Fn::ForEach::Groups: Fn::ForEach is not supported by the local driver" in out
    assert "Every Resources object must contain a Type member" not in out


@pytest.mark.parametrize(
    ("value", "kind"),
    [({"Ref": "Types"}, "List"), ({"Fn::Split": [",", "a,b"]}, "List"), ({"A": "b"}, "Map")],
)
def test_an_output_that_is_not_a_string_is_refused_before_any_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any, kind: str
) -> None:
    write(
        tmp_path,
        "1.json",
        {"Model": unversioned()},
        Parameters={"Types": {"Type": "CommaDelimitedList", "Default": "a,b"}},
        Outputs={"Listed": {"Value": value}},
    )
    words = (
        "Outputs Listed: Template format error: The Value field of every Outputs member must "
        f"evaluate to a String and not a {kind}."
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 1
    assert f"ERROR {words}" in out

    code, out, _ = run([str(tmp_path), "--fast"], capsys)
    assert code == 1
    assert words in out
    assert "CREATE_IN_PROGRESS" not in out


def test_conditions_that_refer_to_each_other_are_a_cycle_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = {"Type": GROUP_TYPE, "Condition": "A", "Properties": {"ModelPackageGroupName": "g"}}
    write(
        tmp_path,
        "1.json",
        {"Models": group},
        Conditions={
            "A": {"Fn::Not": [{"Condition": "B"}]},
            "B": {"Fn::Not": [{"Condition": "A"}]},
        },
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    assert "ERROR Circular dependency between conditions: [A, B]" in out


def test_validate_reports_every_condition_error_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = {
        "Type": GROUP_TYPE,
        "Condition": "Missing",
        "Properties": {"ModelPackageGroupName": {"Fn::If": ["Other", "a", "b"]}},
    }
    write(
        tmp_path,
        "1.json",
        {"Models": group, "Model": unversioned()},
        Conditions={"Bad": {"Fn::Equals": [{"Ref": "Nope"}, "x"]}},
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert errors == [
        "  ERROR condition Bad: Ref to Nope, which is not a parameter",
        "  ERROR condition Missing is not defined in Conditions",
        "  ERROR Models: Template error: unresolved condition dependency Other in Fn::If",
    ]


GROUP_NAMED: Json = {"ModelPackageGroupName": "g"}


@pytest.mark.parametrize(
    ("template", "words"),
    [
        (
            {"Resources": {"G": {"Type": GROUP_TYPE, "Properties": None}}},
            "[/Resources/G/Properties] 'null' values are not allowed in templates",
        ),
        (
            {"Resources": {"V": {"Type": OURS, "Properties": "x"}}},
            "[/Resources/V/Properties] must be an object",
        ),
        (
            {"Resources": {"G": {"Type": GROUP_TYPE, "Properties": GROUP_NAMED, "DependsOn": 3}}},
            "[/Resources/G/DependsOn] DependsOn must be a logical ID or a list of them",
        ),
        (
            {
                "Resources": {"G": {"Type": GROUP_TYPE, "Properties": GROUP_NAMED}},
                "Outputs": {"O": {"Value": "x", "Export": "name"}},
            },
            "[/Outputs/O/Export] an Export is an object with a Name",
        ),
        (
            {
                "Mappings": {"M": "x"},
                "Resources": {"G": {"Type": GROUP_TYPE, "Properties": GROUP_NAMED}},
            },
            "[/Mappings/M] every Mappings member must be a map of maps",
        ),
        (
            {"Transform": 5, "Resources": {"G": {"Type": GROUP_TYPE, "Properties": GROUP_NAMED}}},
            "[/Transform] must be a name or a list of names",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Fn::GetAtt": 5}},
                    }
                }
            },
            "every Fn::GetAtt object requires two non-empty parameters",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Fn::GetAtt": "G"}},
                    }
                }
            },
            "every Fn::GetAtt object requires two non-empty parameters",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Fn::Sub": ["${x}", "y"]}},
                    }
                }
            },
            "One or more Fn::Sub intrinsic functions don't specify expected arguments",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Fn::Select": ["a", ["x"]]}},
                    }
                }
            },
            "Fn::Select requires a list argument with two elements: an integer index and a list",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Ref": ["G"]}},
                    }
                }
            },
            "Every Ref object must have a single String value.",
        ),
        (
            {
                "Resources": {
                    "G": {
                        "Type": GROUP_TYPE,
                        "Properties": {"ModelPackageGroupName": {"Fn::Join": [",", 5]}},
                    }
                }
            },
            "every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list",
        ),
    ],
)
def test_a_malformed_template_is_one_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: Json, words: str
) -> None:
    (tmp_path / "1.json").write_text(json.dumps(template))

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 1
    (error,) = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert words in error

    code, out, _ = run([str(tmp_path), "--fast"], capsys)
    assert code == 1
    assert words in out
    assert "final status (never created)" in out


def test_an_output_of_an_object_attribute_is_refused_before_any_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema says ModelPackageStatusDetails is an object: known before anything is
    created (it was found after the create, blamed on the resource, and rolled back)."""
    write(
        tmp_path,
        "1.json",
        {"Model": unversioned()},
        Outputs={"Details": {"Value": {"Fn::GetAtt": ["Model", "ModelPackageStatusDetails"]}}},
    )
    words = (
        "Outputs Details: Template format error: The Value field of every Outputs member must "
        "evaluate to a String and not a Map."
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 1
    assert f"ERROR {words}" in out

    code, out, _ = run([str(tmp_path), "--fast"], capsys)
    assert code == 1
    assert words in out
    assert "CREATE_IN_PROGRESS" not in out
    assert "failed to create" not in out
