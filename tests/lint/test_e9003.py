"""E9003 (rules/functions/ModelPackageGetAtt.py): `Fn::GetAtt` and `${Resource.Attribute}` in
`Fn::Sub` name one of the type's attributes (its schema's read-only properties)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lint import (
    Finding,
    cfn_lint_sees_the_type,
    check_rule_fixtures,
    lint_in_process,
)

UNKNOWN_ATTRIBUTE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Version:
    Type: MLOps::SageMaker::ModelPackage
    Properties:
      ModelPackageName: churn
Outputs:
  Bad:
    Value: !GetAtt Version.NoSuchAttr
"""
LINE = 9  # the Fn::GetAtt


def test_it_reports_at_each_marked_line_and_is_quiet_on_the_good_template(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    check_rule_fixtures("E9003", fixture_findings)


def test_it_stands_aside_when_cfn_lint_itself_sees_the_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a cfn-lint release run E1010 on registry types, E9003 steps back: the attribute is
    reported once, by cfn-lint's own rule."""
    assert lint_in_process(UNKNOWN_ATTRIBUTE) == [("E9003", LINE)]

    cfn_lint_sees_the_type(monkeypatch)
    found = lint_in_process(UNKNOWN_ATTRIBUTE)
    assert ("E9003", LINE) not in found
    assert any(line == LINE for _, line in found), found  # reported by cfn-lint's own rules
