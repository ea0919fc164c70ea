"""W9101 (rules/resources/iam/GroupPolicyGrantsEveryone.py): a model package group policy that
grants `*` as principal (or everyone but a NotPrincipal) without a Condition. Its bad template
covers the object and JSON-text forms, `Fn::Sub` and `Fn::If`; its good one named principals, a
`*` narrowed by a Condition, a Deny and a policy built by `Fn::Join`."""

from __future__ import annotations

from pathlib import Path

from tests.support.lint import Finding, check_rule_fixtures


def test_it_warns_at_each_marked_line_and_is_quiet_on_the_good_template(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    check_rule_fixtures("W9101", fixture_findings)
