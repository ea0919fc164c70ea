"""The resource-policy evaluator (backend/resource_policy.py) on its own: what a model package
group's policy answers for a principal, an action and a resource."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlops_sagemaker_modelpackage_local.backend.resource_policy import (
    Decision,
    NotEvaluated,
    PolicyQuery,
    Principal,
    evaluate,
    matches,
)

CENTRAL = "111111111111"
TRAINING = "222222222222"
OTHER = "444444444444"
GROUP = f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package-group/churn-models"
VERSIONS = f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package/churn-models/*"
VERSION_1 = f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package/churn-models/1"
ROLE = f"arn:aws:iam::{TRAINING}:role/pipeline"
SESSION = f"arn:aws:sts::{TRAINING}:assumed-role/pipeline/run-7"

TRAINING_ROOT = Principal(TRAINING, f"arn:aws:iam::{TRAINING}:root")
PIPELINE = Principal(TRAINING, SESSION, ROLE)
OUTSIDER = Principal(OTHER, f"arn:aws:iam::{OTHER}:root")


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any = "sagemaker:DescribeModelPackage", **more: Any) -> Any:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **more}


def decide(document: str, who: Principal, action: str, resource: str = VERSION_1) -> Decision:
    return evaluate(document, PolicyQuery(who, action, resource))


DESCRIBE = "sagemaker:DescribeModelPackage"


@pytest.mark.parametrize(
    ("principal", "who", "expected"),
    [
        ({"AWS": TRAINING}, TRAINING_ROOT, Decision.ALLOWED),
        ({"AWS": TRAINING}, PIPELINE, Decision.ALLOWED),  # an account id: all its principals
        ({"AWS": f"arn:aws:iam::{TRAINING}:root"}, PIPELINE, Decision.ALLOWED),
        ({"AWS": [OTHER, f"arn:aws:iam::{TRAINING}:root"]}, TRAINING_ROOT, Decision.ALLOWED),
        ({"AWS": ROLE}, PIPELINE, Decision.ALLOWED),  # a role: its sessions
        ({"AWS": SESSION}, PIPELINE, Decision.ALLOWED),
        ({"AWS": ROLE}, TRAINING_ROOT, Decision.IMPLICIT_DENY),  # not that role
        ({"AWS": f"arn:aws:iam::{TRAINING}:role/other"}, PIPELINE, Decision.IMPLICIT_DENY),
        ({"AWS": f"arn:aws:iam::{TRAINING}:user/ana"}, PIPELINE, Decision.IMPLICIT_DENY),
        ("*", OUTSIDER, Decision.ALLOWED),
        ({"AWS": "*"}, OUTSIDER, Decision.ALLOWED),
        ({"AWS": ["*"]}, OUTSIDER, Decision.ALLOWED),
        ({"AWS": TRAINING}, OUTSIDER, Decision.IMPLICIT_DENY),
        ({"Service": "sagemaker.amazonaws.com"}, TRAINING_ROOT, Decision.IMPLICIT_DENY),
    ],
)
def test_principal_forms(principal: Any, who: Principal, expected: Decision) -> None:
    assert decide(policy(allow(principal, Resource=VERSIONS)), who, DESCRIBE) == expected


def test_a_user_arn_names_that_user() -> None:
    user = f"arn:aws:iam::{TRAINING}:user/ana"
    document = policy(allow({"AWS": user}, Resource=VERSIONS))
    assert decide(document, Principal(TRAINING, user), DESCRIBE) == Decision.ALLOWED
    assert decide(document, TRAINING_ROOT, DESCRIBE) == Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("sagemaker:DescribeModelPackage", Decision.ALLOWED),
        ("SageMaker:describemodelpackage", Decision.ALLOWED),  # actions ignore case
        ("sagemaker:Describe*", Decision.ALLOWED),
        ("sagemaker:*", Decision.ALLOWED),
        ("*", Decision.ALLOWED),
        ("sagemaker:DescribeModelPackag?", Decision.ALLOWED),
        ("sagemaker:DescribeModelPackageGroup", Decision.IMPLICIT_DENY),
        ("sagemaker:Describe?", Decision.IMPLICIT_DENY),
        (["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage"], Decision.ALLOWED),
        (["sagemaker:UpdateModelPackage"], Decision.IMPLICIT_DENY),
    ],
)
def test_action_patterns(action: Any, expected: Decision) -> None:
    document = policy(allow({"AWS": TRAINING}, action, Resource=VERSIONS))
    assert decide(document, TRAINING_ROOT, DESCRIBE) == expected


def test_not_action_applies_to_every_other_action() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": TRAINING},
        "NotAction": ["sagemaker:Delete*", "sagemaker:UpdateModelPackage"],
        "Resource": VERSIONS,
    }
    document = policy(statement)
    assert decide(document, TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED
    assert decide(document, TRAINING_ROOT, "sagemaker:DeleteModelPackage") == (
        Decision.IMPLICIT_DENY
    )
    assert decide(document, TRAINING_ROOT, "sagemaker:UpdateModelPackage") == (
        Decision.IMPLICIT_DENY
    )


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (VERSIONS, Decision.ALLOWED),
        (VERSION_1, Decision.ALLOWED),
        ([GROUP, VERSIONS], Decision.ALLOWED),
        (f"arn:aws:sagemaker:*:{CENTRAL}:model-package/churn-*/*", Decision.ALLOWED),
        (f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package/churn-models/?", Decision.ALLOWED),
        ("*", Decision.ALLOWED),
        (GROUP, Decision.IMPLICIT_DENY),  # the group's ARN is not its versions'
        (
            f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package/churn-models/2",
            Decision.IMPLICIT_DENY,
        ),
        # ARNs are compared as written: the version's ARN is in lower case
        (
            f"arn:aws:sagemaker:us-east-1:{CENTRAL}:model-package/Churn-Models/*",
            Decision.IMPLICIT_DENY,
        ),
    ],
)
def test_resource_patterns(resource: Any, expected: Decision) -> None:
    document = policy(allow({"AWS": TRAINING}, Resource=resource))
    assert decide(document, TRAINING_ROOT, DESCRIBE) == expected


def test_not_resource_and_an_absent_resource() -> None:
    spared = policy(allow({"AWS": TRAINING}, NotResource=f"{VERSIONS[:-1]}2"))
    assert decide(spared, TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED
    assert decide(spared, TRAINING_ROOT, DESCRIBE, VERSIONS[:-1] + "2") == Decision.IMPLICIT_DENY
    # a resource policy may leave Resource out: it is the resource it is attached to
    assert decide(policy(allow({"AWS": TRAINING})), TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED


def test_an_explicit_deny_wins_whatever_the_order() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sagemaker:DeleteModelPackage",
        "Resource": VERSIONS,
    }
    grant = allow({"AWS": TRAINING}, "sagemaker:*", Resource=VERSIONS)
    for document in (policy(grant, deny), policy(deny, grant)):
        assert decide(document, TRAINING_ROOT, "sagemaker:DeleteModelPackage") == (
            Decision.EXPLICIT_DENY
        )
        assert decide(document, TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED


def test_not_principal_applies_to_everyone_else() -> None:
    deny_others = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [TRAINING]},
        "Action": "sagemaker:UpdateModelPackage",
        "Resource": VERSIONS,
    }
    grant = allow("*", "sagemaker:UpdateModelPackage", Resource=VERSIONS)
    document = policy(grant, deny_others)
    assert decide(document, TRAINING_ROOT, "sagemaker:UpdateModelPackage") == Decision.ALLOWED
    assert decide(document, OUTSIDER, "sagemaker:UpdateModelPackage") == Decision.EXPLICIT_DENY


def test_no_statement_applies_no_statement_at_all_and_one_statement_object() -> None:
    assert decide(policy(), TRAINING_ROOT, DESCRIBE) == Decision.IMPLICIT_DENY
    single = json.dumps({"Statement": allow({"AWS": TRAINING}, Resource=VERSIONS)})
    assert decide(single, TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED
    assert evaluate(json.loads(single), PolicyQuery(TRAINING_ROOT, DESCRIBE, VERSION_1)) == (
        Decision.ALLOWED
    )


CONDITION = {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}


def test_a_condition_that_would_decide_is_refused_naming_its_statement() -> None:
    document = policy(allow("*", Resource=VERSIONS, Sid="OrgRead", Condition=CONDITION))
    with pytest.raises(NotEvaluated, match=r"statement 'OrgRead' .* not evaluated locally"):
        decide(document, OUTSIDER, DESCRIBE)
    unnamed = policy(
        allow({"AWS": OTHER}, "sagemaker:UpdateModelPackage", Resource=VERSIONS),
        {**allow("*", Resource=VERSIONS), "Effect": "Deny", "Condition": CONDITION},
    )
    with pytest.raises(NotEvaluated, match=r"statement 2 of the resource policy"):
        decide(unnamed, OUTSIDER, DESCRIBE)


def test_a_condition_that_cannot_change_the_answer_is_not_refused() -> None:
    conditioned_allow = allow("*", Resource=VERSIONS, Condition=CONDITION)
    plain_allow = allow({"AWS": TRAINING}, Resource=VERSIONS)
    plain_deny = {**allow({"AWS": OTHER}, Resource=VERSIONS), "Effect": "Deny"}
    # an Allow without a Condition already allows; an unconditioned Deny denies anyway
    assert decide(policy(conditioned_allow, plain_allow), TRAINING_ROOT, DESCRIBE) == (
        Decision.ALLOWED
    )
    assert decide(policy(conditioned_allow, plain_deny), OUTSIDER, DESCRIBE) == (
        Decision.EXPLICIT_DENY
    )
    # a statement with a Condition for another action does not apply at all
    other_action = allow(
        "*", "sagemaker:UpdateModelPackage", Resource=VERSIONS, Condition=CONDITION
    )
    assert decide(policy(other_action, plain_allow), TRAINING_ROOT, DESCRIBE) == Decision.ALLOWED


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("a.b", "a.b", True),
        ("a.b", "axb", False),  # a dot is a dot, not a regex
        ("a+b", "a+b", True),
        ("a*", "a/b/c", True),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("ABC", "abc", False),
    ],
)
def test_wildcards_are_literal_but_for_star_and_question_mark(
    pattern: str, value: str, expected: bool
) -> None:
    assert matches(pattern, value) is expected
