"""Properties checked against the type's schema before any handler runs (driver/schema.py), in
CloudFormation's words: schema violations, the rules across properties with a hint from the
schema, and read-only properties dropped with a warning that names the lint rule."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver.schema import type_schema
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.lint import lint
from tests.support.rehearsal import (
    OURS,
    Writer,
    group_resource,
    groups,
    packages,
    run,
    unversioned,
    version,
    write,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


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


def test_read_only_properties_are_ignored_with_a_warning(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """A DescribeModelPackage copied into a template: CloudFormation drops what is read-only."""
    copied = version(
        ModelPackageVersion=3,
        ModelPackageStatus="Completed",
        ModelPackageStatusDetails={"ValidationStatuses": []},
        LastModifiedTime="2026-01-01T00:00:00Z",
    )
    output = io.StringIO()
    stack.events.stream = output

    assert stack.deploy(revision({"Models": group_resource(), "Version": copied}))

    (described,) = packages(sagemaker).values()
    assert described["ModelPackageVersion"] == 1
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    creates = [e for e in stack.requests if e["action"] == "CREATE"]
    sent = creates[0]["requestData"]["resourceProperties"]
    assert {"ModelPackageVersion", "ModelPackageStatus", "LastModifiedTime"}.isdisjoint(sent)
    assert (
        "WARNING Version: read-only properties LastModifiedTime, ModelPackageStatus, "
        "ModelPackageStatusDetails, ModelPackageVersion ignored"
    ) in output.getvalue()
    # the same template again: nothing to change, the ignored properties are no difference
    requests = len(stack.requests)
    assert stack.deploy(revision({"Models": group_resource(), "Version": copied}))
    assert len(stack.requests) == requests
    assert stack.delete()


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        (
            {"Tags": [{"Key": "team", "Value": "ml"}]},
            (
                "#/Tags: expected maximum item count: 0, found: 1",
                "Fix: remove Tags, or remove ModelPackageGroupName.",
            ),
        ),
        (
            {"ModelPackageName": "churn-v1"},
            (
                "#/ModelPackageName: expected maxLength: 0, actual: 8",
                "Fix: remove ModelPackageName, or remove ModelPackageGroupName.",
            ),
        ),
    ],
)
def test_a_failed_rule_across_properties_gets_a_hint_from_the_schema(
    stack: Stack,
    revision: Writer,
    sagemaker: SageMakerClient,
    properties: Json,
    expected: tuple[str, str],
) -> None:
    message, hint = expected
    output = io.StringIO()
    stack.events.stream = output

    template = revision({"Models": group_resource(), "Version": version(**properties)})
    assert stack.deploy(template) is False

    rule = next(r for r in type_schema(OURS).document["allOf"] if "maxLength" in json.dumps(r))
    lines = output.getvalue().splitlines()
    failed = next(i for i, line in enumerate(lines) if "CREATE_FAILED" in line)
    assert message in lines[failed]
    assert lines[failed + 1].strip() == f"hint: {rule['description']} {hint}"
    assert packages(sagemaker) == {}


def test_approval_without_a_group_gets_a_hint(stack: Stack, revision: Writer) -> None:
    output = io.StringIO()
    stack.events.stream = output
    unversioned = {
        "Type": OURS,
        "Properties": {
            "ModelPackageName": "solo",
            "ModelApprovalStatus": "Approved",
            "InferenceSpecification": version()["Properties"]["InferenceSpecification"],
        },
    }

    assert stack.deploy(revision({"Solo": unversioned})) is False

    (reason,) = [r for _, s, r in stack.events.lines if s == "CREATE_FAILED"]
    assert reason.endswith("with message: #: property [ModelPackageGroupName] is required")
    hint = next(line.strip() for line in output.getvalue().splitlines() if "hint:" in line)
    assert hint.endswith("Fix: add ModelPackageGroupName, or remove ModelApprovalStatus.")
    assert "require ModelPackageGroupName" in hint  # the rule's description, from the schema


def test_the_read_only_warning_names_the_lint_rule_that_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cfn-lint's own E3040 never sees a registry type: a user looking for the id the driver
    names finds it in what the README's lint command reports on the same template."""
    path = write(tmp_path, "1.json", {"Model": unversioned(ModelPackageVersion=3)})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    _, findings = lint(path)

    assert code == 0
    (warning,) = [line for line in out.splitlines() if "WARNING Model: read-only" in line]
    (named,) = re.findall(r"cfn-lint[^)]*?\b([EW]\d{4})\)", warning)
    assert named in {finding["Rule"]["Id"] for finding in findings}
