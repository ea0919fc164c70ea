"""`--validate` (driver/validate.py, report.py): the plan of every revision without running
anything, every error of every revision in one pass, hints, outputs that are known only once
deployed, and what a failed import stops. Through the rehearsal's command line (`cli.main`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from tests.support.rehearsal import (
    GROUP_TYPE,
    OURS,
    Writer,
    group_resource,
    run,
    unversioned,
    version,
    write,
)


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


def test_validate_reports_every_error_and_plans_only_what_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    twice = version(
        ModelPackageDescription={"Fn::GetAtt": ["Models", "Nope"]},
        ApprovalDescription={"Fn::GetAtt": ["Missing", "ModelPackageArn"]},
    )
    writer({"Models": group_resource(), "Version": twice})
    # would fail when CloudFormation reaches Version, and roll back
    writer(
        {
            "Models": group_resource(),
            "Version": version(ModelApprovalStatus="Maybe", CustomerMetadataProperties={"a": "1"}),
        }
    )
    writer({"Models": group_resource(), "Version": version(ModelApprovalStatus="Approved")})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    second = out.split("2.json")[1].split("3.json")[0]
    assert "resource Models does not support attribute type Nope in Fn::GetAtt" in second
    assert "Fn::GetAtt references undefined resource Missing" in second
    assert "update in place" not in second  # no plan for a revision with errors
    third = out.split("3.json")[1].split("4.json")[0]
    assert "#/ModelApprovalStatus: Maybe is not a valid enum value" in third
    assert "update in place" not in third
    # planned against the stack as revision 3's rollback leaves it (revision 1's)
    assert "Version                      update in place: ModelApprovalStatus\n" in out
    assert "3 error(s) in 4 template revision(s)" in out


def test_validate_prints_the_hint_of_a_rule_across_properties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tagged = version(Tags=[{"Key": "team", "Value": "ml"}])
    Writer(tmp_path)({"Models": group_resource(), "Version": tagged})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    lines = out.splitlines()
    failed = next(
        i for i, line in enumerate(lines) if "#/Tags: expected maximum item count" in line
    )
    assert lines[failed].startswith("  ERROR Properties validation failed for resource Version")
    assert lines[failed + 1].startswith("        hint: A versioned package")
    assert lines[failed + 1].endswith("Fix: remove Tags, or remove ModelPackageGroupName.")
    assert "1 error(s) in 1 template revision(s)" in out


def test_validate_reports_a_cycle_a_dangling_depends_on_and_a_bad_get_att_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group = {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "g"}}
    write(
        tmp_path,
        "1.json",
        {
            "A": {**group, "DependsOn": "B"},
            "B": {**group, "DependsOn": ["A"]},
            "Old": {"Type": "AWS::SageMaker::ModelPackage", "Properties": {}},
            "Model": {
                **unversioned(ModelPackageDescription={"Fn::GetAtt": ["A", "Nope"]}),
                "DependsOn": "Missing",
            },
        },
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("  ERROR ")]
    assert any("Old: resource type AWS::SageMaker::ModelPackage" in e for e in errors)
    assert any("Circular dependency between resources: [A, B]" in e for e in errors)
    assert any("Unresolved resource dependencies [Missing]" in e for e in errors)
    assert any("resource A does not support attribute type Nope" in e for e in errors)
    assert f"{len(errors)} error(s) in 1 template revision(s)" in out


def test_validate_shows_no_made_up_value_for_an_output_that_depends_on_a_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing exists in --validate: an ARN or version it printed would be invented (and shaped
    unlike SageMaker's); a value the template alone decides is shown."""
    write(
        tmp_path,
        "1.json",
        {"Model": unversioned()},
        Mappings={"Stages": {"prod": {"Approval": "Approved"}}},
        Outputs={
            "Arn": {
                "Value": {"Ref": "Model"},
                "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-arn"}},
            },
            "Status": {"Value": {"Fn::Sub": "${Model.ModelPackageStatus} in ${AWS::Region}"}},
            "Approval": {"Value": {"Fn::FindInMap": ["Stages", "prod", "Approval"]}},
        },
    )

    code, out, _ = run([str(tmp_path), "--validate", "--stack-name", "edges"], capsys)

    assert code == 0
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith("output ")]
    assert lines == [
        "output Arn = (known once deployed: from Model) (export edges-arn)",
        "output Status = (known once deployed: from Model)",
        "output Approval = Approved",
    ]


def test_validate_reports_every_error_of_every_revision_in_one_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One run shows what took eight before: template-level errors (a parameter, a policy) hid
    the references, references hid the Fn::Sub ones and the resolution errors, the first output
    or Fn::FindInMap error hid the next, and any of them hid every schema error. A resource
    that needs a parameter without a value is still checked for the rest."""
    spec = unversioned()["Properties"]["InferenceSpecification"]
    first = {
        "Models": {"Type": GROUP_TYPE, "Properties": {"ModelPackageGroupName": "g"}},
        "Version": {
            "Type": OURS,
            "DeletionPolicy": "Snapshot",
            "Properties": {
                "ModelPackageGroupName": {"Ref": "Models"},
                "ModelApprovalStatus": "Aproved",
                "ModelPackageDescription": {"Fn::GetAtt": ["Models", "Nope"]},
                "ApprovalDescription": {"Fn::Sub": "${Models.Bad} and ${Nowhere}"},
                "InferenceSpecification": spec,
            },
        },
        "Other": unversioned(
            ModelPackageName="other",
            CertifyForMarketplace="maybe",
            CustomerMetadataProperties={"k": {"Fn::FindInMap": ["Nomap", "a", "b"]}},
        ),
        "Third": unversioned(ModelPackageName={"Ref": "Missing"}, CertifyForMarketplace="no"),
    }
    write(
        tmp_path,
        "1.json",
        first,
        Parameters={
            "Stage": {"Type": "String", "AllowedValues": ["a", "b"], "Default": "c"},
            "Missing": {"Type": "String"},
        },
        Conditions={"HasMissing": {"Fn::Equals": [{"Ref": "Missing"}, "x"]}},
        Outputs={
            "A": {"Value": {"Fn::GetAtt": ["Version", "ModelPackageStatusDetails"]}},
            "B": {"Value": {"Fn::Sub": "${Version.Nada}"}},
            "C": {"Value": {"Fn::Select": [5, ["a", "b"]]}},
            "D": {"Value": {"Fn::Select": [9, ["a"]]}},
        },
    )
    write(
        tmp_path,
        "2.json",
        {
            "Model": unversioned(ModelPackageName="m", ModelApprovalStatus="Nope"),
            "Other": unversioned(ModelPackageDescription={"Fn::GetAtt": ["Model", "Arn"]}),
        },
    )

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 1
    one, two = out.split("\n2.json\n")
    errors = [line.strip() for line in one.splitlines() if line.startswith("  ERROR ")]
    expected = [
        "Parameter 'Stage' must be one of AllowedValues",
        "Parameters: [Missing] must have values",
        "Version: DeletionPolicy Snapshot is not supported locally",
        "Version: Template error: resource Models does not support attribute type Nope",
        "Version: Template error: resource Models does not support attribute type Bad in "
        "Fn::GetAtt (its type AWS::SageMaker::ModelPackageGroup has CreationTime, "
        "ModelPackageGroupArn, ModelPackageGroupStatus) (Fn::Sub ${Models.Bad})",
        "Template format error: Unresolved resource dependencies [Nowhere] in Version (Fn::Sub "
        "${Nowhere})",
        "Outputs A: Template format error: The Value field of every Outputs member must "
        "evaluate to a String and not a Map.",
        "Outputs B: Template error: resource Version does not support attribute type Nada",
        "Other: Template error: Mapping named 'Nomap' is not present in the 'Mappings' section",
        "Outputs C: Fn::Select index 5 is outside ['a', 'b']",
        "Outputs D: Fn::Select index 9 is outside ['a']",
        "Properties validation failed for resource Third with message: "
        "#/CertifyForMarketplace: expected type: Boolean, found: String",
    ]
    for words in expected:
        assert sum(words in e for e in errors) == 1, (words, errors)
    assert len(errors) == len(expected), errors  # each once, nothing made up
    assert "Missing" not in " ".join(e for e in errors if "Third" in e)  # not about the value
    # the next revision is checked too, against the stack the first (refused) leaves
    assert "Properties validation failed for resource Model with message: " in two
    assert "resource Model does not support attribute type Arn" in two
    assert "14 error(s) in 2 template revision(s)" in out


def test_validate_stops_after_an_import_that_fails_as_a_deploy_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/adopted"
    write(tmp_path, "1.json", {"Adopted": unversioned(ModelPackageName="adopted")})  # no policy
    write(tmp_path, "2.json", {"Adopted": unversioned(ModelPackageName="adopted")})

    code, out, _ = run([str(tmp_path), "--validate", "--import", f"Adopted={arn}"], capsys)

    assert code == 1
    assert "must have DeletionPolicy attribute specified in the template" in out
    assert "the later revisions are not planned" in out
    assert "2.json" not in out  # a deploy would not apply it: it would create a new package
    assert "1 error(s) in 2 template revision(s)" in out
