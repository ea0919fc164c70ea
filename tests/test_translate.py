"""Translation model <-> SageMaker shapes: pure functions, no I/O."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from cloudformation_cli_python_lib import exceptions
from hypothesis import given
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage import fields, specifications
from mlops_sagemaker_modelpackage.specifications import specs_to_add
from mlops_sagemaker_modelpackage.translate import (
    after_completion,
    client_token,
    create_request,
    generated_name,
    model_from_describe,
)
from mlops_sagemaker_modelpackage.validation import validate_desired
from tests.support.models import additional_spec, unversioned, versioned
from tests.support.schema import example_value, our_schema

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TOKEN_PATTERN = re.compile(r"^[a-zA-Z0-9-]{1,36}$")
VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"


# ------------------------------------------------------------------ constants agree with schema


# ------------------------------------------------------------------ names and tokens


@given(
    stack=st.text(max_size=200),
    logical=st.text(max_size=300),
    token=st.text(min_size=1, max_size=80),
)
def test_generated_names_are_always_valid(stack: str, logical: str, token: str) -> None:
    name = generated_name(stack, logical, token)
    assert NAME_PATTERN.match(name), name
    assert name == generated_name(stack, logical, token)


def test_generated_name_shape() -> None:
    stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/abc"
    name = generated_name(stack_id, "ChurnModel", "token-1")
    assert name.startswith("my-stack-ChurnModel-")
    assert generated_name(stack_id, "ChurnModel", "token-2") != name
    assert generated_name(None, None, "t").startswith("modelpackage-")
    long_name = generated_name("s" * 200, "L" * 200, "t")
    assert len(long_name) == 63
    assert "ssss" in long_name
    assert "LLLL" in long_name


@given(st.text(min_size=1, max_size=200))
def test_derived_client_tokens_are_valid_and_stable(request_token: str) -> None:
    token = client_token(None, request_token)
    assert TOKEN_PATTERN.match(token)
    assert token == client_token(None, request_token)


def test_user_client_token_wins() -> None:
    assert client_token("mine-1", "cfn-token") == "mine-1"
    assert client_token(None, "a") != client_token(None, "b")


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("desired", "words"),
    [
        (versioned(ModelPackageName="x"), "not both"),
        (versioned(Tags=[{"Key": "a", "Value": "b"}]), "tags from its model package group"),
        (unversioned(ModelApprovalStatus="Approved"), "versioned packages only"),
        (unversioned(ApprovalDescription="ok"), "versioned packages only"),
        (unversioned(Tags=[{"Key": "aws:team", "Value": "ml"}]), "Tag key 'aws:team'"),
        (
            versioned(
                AdditionalInferenceSpecifications=[
                    additional_spec("a"),
                    additional_spec("a", image="other"),
                ]
            ),
            "two different specifications named 'a'",
        ),
    ],
)
def test_invalid_combinations_are_rejected(desired: dict[str, Any], words: str) -> None:
    with pytest.raises(exceptions.InvalidRequest, match=re.escape(words)):
        validate_desired(desired)


def test_valid_models_pass_validation() -> None:
    validate_desired(versioned(ModelApprovalStatus="Approved", ApprovalDescription="ok"))
    validate_desired(unversioned(Tags=[{"Key": "a", "Value": "b"}]))


# ------------------------------------------------------------------ create


def test_create_request_for_a_version() -> None:
    desired = versioned(ModelApprovalStatus="Approved", ApprovalDescription="ok", ClientToken="t")
    request = create_request(desired, name=None, token="t", tags=[])
    assert request["ModelPackageGroupName"] == "churn-models"
    assert "ModelPackageName" not in request
    assert "Tags" not in request
    assert "ApprovalDescription" not in request  # not a CreateModelPackage parameter
    assert request["ClientToken"] == "t"


def test_create_request_for_an_unversioned_package() -> None:
    tags = [{"Key": "team", "Value": "ml"}]
    request = create_request(unversioned(name=None), name="generated", token="t", tags=tags)
    assert request["ModelPackageName"] == "generated"
    assert request["Tags"] == tags


@pytest.mark.defect(1)
def test_specs_to_add_are_merged_into_create_once() -> None:
    desired = versioned(
        AdditionalInferenceSpecifications=[additional_spec("a")],
        AdditionalInferenceSpecificationsToAdd=[additional_spec("a"), additional_spec("b")],
    )
    request = create_request(desired, name=None, token="t", tags=[])
    assert [s["Name"] for s in request["AdditionalInferenceSpecifications"]] == ["a", "b"]


def test_more_than_fifteen_specifications_is_rejected_before_any_call() -> None:
    existing = [additional_spec(f"s{i}") for i in range(14)]
    with pytest.raises(exceptions.InvalidRequest, match="at most 15"):
        specs_to_add(existing, [additional_spec("x"), additional_spec("y")])


def test_same_name_different_content_is_rejected() -> None:
    with pytest.raises(exceptions.InvalidRequest, match="different content"):
        specs_to_add([additional_spec("a")], [additional_spec("a", image="other")])


def test_same_spec_with_server_filled_digest_is_not_a_conflict() -> None:
    current = additional_spec("a")
    current["Containers"][0]["ImageDigest"] = "sha256:" + "0" * 64
    assert specs_to_add([current], [additional_spec("a")]) == []


# ------------------------------------------------------------------ read


def _described(model: dict[str, Any], arn: str, **server: Any) -> dict[str, Any]:
    described = copy.deepcopy(model)
    described.update(
        ModelPackageArn=arn,
        ModelPackageStatus="Completed",
        ModelPackageStatusDetails={"ValidationStatuses": []},
        CreatedBy={"UserProfileName": "someone"},
    )
    described.update(server)
    return described


def test_every_property_round_trips_through_the_api_shapes() -> None:
    """Each property a user can write comes back from a Describe of what create sent."""
    schema = our_schema()
    full = example_value(schema, {"type": "object", "properties": schema["properties"]})
    writable = {k: v for k, v in full.items() if k not in fields.READ_ONLY | fields.WRITE_ONLY}
    writable.pop("ModelPackageName")  # versioned: the group is the name
    writable.pop("CertifyForMarketplace")  # unversioned only
    writable.pop("Tags")  # versions carry no tags
    writable["ModelPackageGroupName"] = "churn-models"
    request = create_request(writable, name=None, token="t", tags=[])
    echoed = {k: v for k, v in request.items() if k != "ClientToken"}
    echoed.update(after_completion(writable))  # applied by the update once Completed
    model = model_from_describe(_described(echoed, VERSION_ARN), None)
    unread = specifications.SERVER_FILLED_KEYS
    for key, value in writable.items():
        assert model[key] == _without(value, unread), key


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def test_read_is_canonical_whatever_the_group_form() -> None:
    """Read takes no hint: a group written as an ARN reads back as its name (the schema's
    propertyTransform makes CloudFormation compare the two as equal)."""
    group_arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models"
    described = _described(
        versioned(group_arn), VERSION_ARN, ModelPackageName="churn-models", ModelPackageVersion=3
    )
    model = model_from_describe(described, None)
    assert "ModelPackageName" not in model
    assert model["ModelPackageGroupName"] == "churn-models"
    assert model["ModelPackageVersion"] == 3
    assert "CreatedBy" not in model
    transform = our_schema()["propertyTransform"]["/properties/ModelPackageGroupName"]
    assert transform == '$split(ModelPackageGroupName, "/")[-1]'


@pytest.mark.defect(11)
def test_read_returns_defaults_as_held_and_never_derived_digests() -> None:
    user = unversioned()
    described = _described(user, PACKAGE_ARN, CertifyForMarketplace=False)
    container = described["InferenceSpecification"]["Containers"][0]
    container["ImageDigest"] = "sha256:" + "a" * 64
    container["ModelDataETag"] = "etag"
    described["SecurityConfig"] = {"KmsKeyId": ""}
    model = model_from_describe(described, [])
    assert model["InferenceSpecification"] == user["InferenceSpecification"]
    assert model["CertifyForMarketplace"] is False  # an explicit false reads back
    assert "SecurityConfig" not in model  # an empty key is no configuration
    assert model["Tags"] == []


@pytest.mark.defect(5)
def test_read_tags_are_every_tag_but_the_reserved_ones() -> None:
    tags = [
        {"Key": "team", "Value": "ml"},
        {"Key": "aws:cloudformation:stack-name", "Value": "s"},
        {"Key": "cost-center", "Value": "42"},
    ]
    model = model_from_describe(_described(unversioned(), PACKAGE_ARN), tags)
    assert model["Tags"] == [{"Key": "cost-center", "Value": "42"}, {"Key": "team", "Value": "ml"}]


def test_timestamps_become_iso_text() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    model = model_from_describe(_described(unversioned(), PACKAGE_ARN, CreationTime=when), [])
    assert model["CreationTime"] == "2026-01-02T03:04:05+00:00"
