"""E9001 (rules/resources/properties/ModelPackageProperties.py): every property against the
type's registry schema, with cfn-lint's own checks, each message naming the one it mirrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lint import (
    Finding,
    cfn_lint_sees_the_type,
    check_rule_fixtures,
    lint,
    lint_in_process,
)

ONE_MISTAKE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: churn
  Version:
    Type: MLOps::SageMaker::ModelPackage
    Properties:
      ModelPackageGroupName: !Ref Group
      ModelApprovalStatus: Aproved
"""
LINE = 11  # ModelApprovalStatus


def test_it_reports_at_each_marked_line_and_is_quiet_on_the_good_template(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    check_rule_fixtures("E9001", fixture_findings)


def test_a_template_can_ignore_the_property_checks_by_their_id(tmp_path: Path) -> None:
    """A finding of E9001 is governed by E9001, as a rule id of its own should be."""
    bad = ONE_MISTAKE
    template = tmp_path / "ignored.yaml"
    template.write_text(bad)
    code, found = lint(template)
    assert code != 0
    assert [f["Rule"]["Id"] for f in found] == ["E9001"]
    template.write_text(
        bad.replace(
            "    Type: MLOps::SageMaker::ModelPackage\n",
            "    Type: MLOps::SageMaker::ModelPackage\n"
            "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E9001]\n",
        )
    )
    assert lint(template) == (0, [])


def test_it_stands_aside_when_cfn_lint_itself_sees_the_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a cfn-lint release run E3002 on registry types, E9001 steps back: each mistake is
    reported once, by cfn-lint's own rule."""
    assert lint_in_process(ONE_MISTAKE) == [("E9001", LINE)]

    cfn_lint_sees_the_type(monkeypatch)
    assert lint_in_process(ONE_MISTAKE) == [("E3030", LINE)]
