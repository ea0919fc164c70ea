"""W9101: a model package group's resource policy that grants `*` as principal.

An `AWS::SageMaker::ModelPackageGroup`'s `ModelPackageGroupPolicy` (an object, or JSON text,
`Fn::Sub` included) opens the group to other accounts. A statement that allows `"*"` (or
`{"AWS": "*"}`, or `*` among its principals), or allows everyone but a `NotPrincipal`, opens it
to every AWS account: anyone may register versions, read model artifacts' locations or approve,
whatever the actions say. The warning names the statement; a statement with a `Condition` (such
as `aws:PrincipalOrgID`) is left alone, since the condition is what narrows it.

cfn-lint 1.58 has no rule for this property (its resource-policy rule E3512 covers S3, SNS, SQS,
KMS and OpenSearch policies). This module imports only cfn-lint and the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, Union

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"
POLICY = "ModelPackageGroupPolicy"
Path = list[Union[str, int]]  # noqa: UP007 - the rules package supports Python 3.9


def _branches(value: Any, path: Path) -> Iterator[tuple[Any, Path]]:
    """The value, or each value an `Fn::If` can take (as cfn-lint paths)."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            for index in (1, 2):
                yield from _branches(branches[index], [*path, "Fn::If", index])
        return
    yield value, path


def _document(value: Any) -> Any:
    """The policy as JSON data: an object as written, JSON text (in `Fn::Sub` too) parsed;
    None when it cannot be read without deploying (another intrinsic function)."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        value = value["Fn::Sub"]
        value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _everyone(principal: Any) -> bool:
    """Whether a Principal element names every AWS principal."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    named = principal.get("AWS")
    return named == "*" or (isinstance(named, list) and "*" in named)


def _statements(document: Any, path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    if not isinstance(document, dict):
        return
    found = document.get("Statement")
    if isinstance(found, dict):
        yield found, [*path, "Statement"]
    elif isinstance(found, list):
        for index, statement in enumerate(found):
            for branch, where in _branches(statement, [*path, "Statement", index]):
                if isinstance(branch, dict):
                    yield branch, where


class GroupPolicyGrantsEveryone(CloudFormationLintRule):  # type: ignore[misc]
    """A group policy statement that allows every AWS principal."""

    id = "W9101"
    shortdesc = "Model package group policies do not grant `*` as principal"
    description = (
        f"Warns when an {GROUP_TYPE}'s {POLICY} has an Allow statement whose Principal is '*' "
        "(or {'AWS': '*'}, or '*' among its principals) or that allows everyone but a "
        "NotPrincipal, without a Condition: every AWS account could then act on the group's "
        "model versions. Name the accounts or roles instead, or narrow it with a Condition "
        "such as aws:PrincipalOrgID."
    )
    source_url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
    tags: ClassVar[list[str]] = ["resources", "iam", "sagemaker"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        matches: list[RuleMatch] = []
        for name, resource in cfn.template.get("Resources", {}).items():
            if not isinstance(resource, dict) or resource.get("Type") != GROUP_TYPE:
                continue
            properties = resource.get("Properties")
            if not isinstance(properties, dict) or POLICY not in properties:
                continue
            start: Path = ["Resources", name, "Properties", POLICY]
            for value, path in _branches(properties[POLICY], start):
                text = not isinstance(value, dict) or "Statement" not in value
                for statement, where in _statements(_document(value), path):
                    matches += self._check(statement, path if text else where)
        return matches

    def _check(self, statement: dict[str, Any], path: Path) -> list[RuleMatch]:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            return []
        sid = f"statement {statement['Sid']!r}" if statement.get("Sid") else "a statement"
        if "Principal" in statement and _everyone(statement["Principal"]):
            element = "Principal"
            words = f"{sid} allows '*' as principal: every AWS account could act on"
            fix = "name the accounts or roles, or add a Condition (aws:PrincipalOrgID)"
        elif "NotPrincipal" in statement:
            element = "NotPrincipal"
            words = (
                f"{sid} allows everyone but its NotPrincipal: every other AWS account could act on"
            )
            fix = "name the accounts or roles instead"
        else:
            return []
        where = path if path[-1] == POLICY else [*path, element]  # JSON text: the property
        return [RuleMatch(where, f"{POLICY}: {words} this group's model versions; {fix}")]
