"""Model package ARNs (arns.py): each pattern once, against the schema; parsed and formatted."""

from __future__ import annotations

import pytest

from mlops_sagemaker_modelpackage import arns
from tests.support.schema import our_schema

VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"
GROUP_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models"


def test_the_patterns_are_the_schema_s() -> None:
    """The identifier check and SageMaker's names, as the schema states them (anchored there)."""
    definitions = our_schema()["definitions"]
    assert definitions["ModelPackageArn"]["pattern"] == f"^{arns.IDENTIFIER}$(?!\\n)"
    assert definitions["ModelPackageName"]["pattern"] == f"^{arns.NAME}$(?!\\n)"


@pytest.mark.parametrize(
    ("identifier", "taken"),
    [
        (VERSION_ARN, True),
        (PACKAGE_ARN, True),
        ("arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package/p", True),
        ("churn-model", False),  # a name is not the identifier
        (GROUP_ARN, False),
        (PACKAGE_ARN.replace("123456789012", "1234"), False),
        (PACKAGE_ARN + "\n", False),
        ("", False),
    ],
)
def test_what_the_primary_identifier_can_be(identifier: str, taken: bool) -> None:
    assert arns.is_package_arn(identifier) is taken


@pytest.mark.parametrize(
    ("arn", "versioned"),
    [(VERSION_ARN, True), (PACKAGE_ARN, False), ("not-an-arn", False), (GROUP_ARN, False)],
)
def test_a_version_is_told_by_its_arn(arn: str, versioned: bool) -> None:
    assert arns.is_versioned(arn) is versioned


def test_arns_are_parsed_into_their_parts() -> None:
    version = arns.parse_package(VERSION_ARN)
    assert version is not None
    assert (version["region"], version["account"], version["name"], version["version"]) == (
        "us-east-1",
        "123456789012",
        "churn-models",
        "3",
    )
    package = arns.parse_package(PACKAGE_ARN)
    assert package is not None
    assert (package["name"], package["version"]) == ("churn-model", None)
    group = arns.parse_group(GROUP_ARN)
    assert group is not None
    assert (group["partition"], group["name"]) == ("aws", "churn-models")
    assert arns.parse_package(GROUP_ARN) is None
    assert arns.parse_group(VERSION_ARN) is None
    # A name SageMaker would refuse, or anything after the version, is not a package's ARN.
    assert arns.parse_package(PACKAGE_ARN.replace("churn-model", "churn_model")) is None
    assert arns.parse_package(VERSION_ARN + "/x") is None


def test_a_version_s_group_is_named_by_arn_in_its_own_account() -> None:
    in_other = VERSION_ARN.replace("123456789012", "111111111111")
    assert arns.account_of(in_other) == "111111111111"
    assert arns.account_of("churn-models") is None
    assert arns.group_arn(in_other, "churn-models") == GROUP_ARN.replace(
        "123456789012", "111111111111"
    )
    assert arns.group_name(GROUP_ARN) == arns.group_name("churn-models") == "churn-models"
    with pytest.raises(ValueError, match="not a SageMaker ARN"):
        arns.group_arn("churn-models", "x")
