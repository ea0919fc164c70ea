"""Translation model <-> SageMaker shapes: pure functions, no I/O."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from cloudformation_cli_python_lib import exceptions
from hypothesis import given
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage import progress, translate
from mlops_sagemaker_modelpackage.translate import (
    client_token,
    create_request,
    generated_name,
    model_from_describe,
    specs_to_add,
    update_request,
    validate_desired,
)
from tests.support.models import additional_spec, unversioned, versioned
from tests.support.schema import our_schema, top_properties
from tests.test_schema import _example

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TOKEN_PATTERN = re.compile(r"^[a-zA-Z0-9-]{1,36}$")
VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"


# ------------------------------------------------------------------ constants agree with schema


def test_constants_agree_with_the_schema() -> None:
    schema = our_schema()
    assert set(translate.CREATE_ONLY) == top_properties(schema, "createOnlyProperties")
    assert top_properties(schema, "readOnlyProperties") == translate.READ_ONLY
    assert top_properties(schema, "writeOnlyProperties") == translate.WRITE_ONLY
    assert set(schema["properties"]) == translate.PROPERTY_NAMES
    for action, minutes in progress.TIMEOUT_MINUTES.items():
        assert schema["handlers"][action]["timeoutInMinutes"] == minutes


def test_create_fields_cover_every_create_parameter() -> None:
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("CreateModelPackage").input_shape
    assert shape is not None
    members = set(shape.members)
    decided_elsewhere = {
        "ModelPackageName",
        "ModelPackageGroupName",
        "ClientToken",
        "Tags",
        "AdditionalInferenceSpecifications",
    }
    assert set(translate.CREATE_FIELDS) | decided_elsewhere == members


def test_updatable_fields_are_update_parameters() -> None:
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("UpdateModelPackage").input_shape
    assert shape is not None
    members = set(shape.members)
    assert set(translate.UPDATABLE_FIELDS) <= members


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
    full = _example(schema, {"type": "object", "properties": schema["properties"]})
    writable = {
        k: v for k, v in full.items() if k not in translate.READ_ONLY | translate.WRITE_ONLY
    }
    writable.pop("ModelPackageName")  # versioned: the group is the name
    writable.pop("CertifyForMarketplace")  # unversioned only
    writable.pop("Tags")  # versions carry no tags
    writable["ModelPackageGroupName"] = "churn-models"
    request = create_request(writable, name=None, token="t", tags=[])
    echoed = {k: v for k, v in request.items() if k != "ClientToken"}
    echoed["ApprovalDescription"] = writable["ApprovalDescription"]  # applied by the update
    model = model_from_describe(_described(echoed, VERSION_ARN), None, writable, {})
    for key, value in writable.items():
        if key != "ClientToken":
            assert model[key] == value, key


def test_versioned_read_drops_the_name_and_keeps_the_group_form() -> None:
    group_arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models"
    described = _described(
        versioned(), VERSION_ARN, ModelPackageName="churn-models", ModelPackageVersion=3
    )
    model = model_from_describe(described, None, {"ModelPackageGroupName": group_arn}, {})
    assert "ModelPackageName" not in model
    assert model["ModelPackageGroupName"] == group_arn
    assert model["ModelPackageVersion"] == 3
    assert "CreatedBy" not in model


def test_server_filled_values_are_hidden_unless_the_user_set_them() -> None:
    user = unversioned()
    described = _described(user, PACKAGE_ARN, CertifyForMarketplace=False)
    container = described["InferenceSpecification"]["Containers"][0]
    container["ImageDigest"] = "sha256:" + "a" * 64
    container["ModelDataETag"] = "etag"
    described["SecurityConfig"] = {"KmsKeyId": ""}
    model = model_from_describe(described, [], user, {})
    assert model["InferenceSpecification"] == user["InferenceSpecification"]
    assert "CertifyForMarketplace" not in model
    assert "SecurityConfig" not in model
    pinned = copy.deepcopy(user)
    pinned["InferenceSpecification"]["Containers"][0]["ImageDigest"] = container["ImageDigest"]
    pinned["CertifyForMarketplace"] = False
    model = model_from_describe(described, [], pinned, {})
    assert (
        model["InferenceSpecification"]["Containers"][0]["ImageDigest"] == container["ImageDigest"]
    )
    assert model["CertifyForMarketplace"] is False


def test_read_tags_exclude_aws_and_stack_tags() -> None:
    tags = [
        {"Key": "aws:cloudformation:stack-name", "Value": "s"},
        {"Key": "team", "Value": "ml"},
        {"Key": "cost-center", "Value": "42"},
        {"Key": "owner", "Value": "me"},
    ]
    hint = {"Tags": [{"Key": "owner", "Value": "old"}]}
    model = model_from_describe(
        _described(unversioned(), PACKAGE_ARN), tags, hint, {"cost-center": "42", "owner": "me"}
    )
    assert model["Tags"] == [{"Key": "team", "Value": "ml"}, {"Key": "owner", "Value": "me"}]


def test_timestamps_become_iso_text() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    model = model_from_describe(
        _described(unversioned(), PACKAGE_ARN, CreationTime=when), [], {}, {}
    )
    assert model["CreationTime"] == "2026-01-02T03:04:05+00:00"


# ------------------------------------------------------------------ update


def test_nothing_changed_sends_nothing() -> None:
    model = versioned(ModelApprovalStatus="Approved", CustomerMetadataProperties={"a": "1"})
    assert update_request(VERSION_ARN, model, copy.deepcopy(model), None) is None


def test_update_carries_only_what_changed() -> None:
    previous = versioned(
        ModelApprovalStatus="PendingManualApproval",
        CustomerMetadataProperties={"a": "1", "b": "2", "c": "3"},
        ModelLifeCycle={"Stage": "Dev", "StageStatus": "InProgress"},
    )
    desired = copy.deepcopy(previous)
    desired["ModelApprovalStatus"] = "Approved"
    desired["CustomerMetadataProperties"] = {"a": "1", "b": "20", "d": "4"}
    assert update_request(VERSION_ARN, previous, desired, None) == {
        "ModelPackageArn": VERSION_ARN,
        "ModelApprovalStatus": "Approved",
        "CustomerMetadataProperties": {"b": "20", "d": "4"},
        "CustomerMetadataPropertiesToRemove": ["c"],
    }


def test_removing_all_metadata() -> None:
    previous = versioned(CustomerMetadataProperties={"a": "1", "b": "2"})
    request = update_request(VERSION_ARN, previous, versioned(), None)
    assert request == {
        "ModelPackageArn": VERSION_ARN,
        "CustomerMetadataPropertiesToRemove": ["a", "b"],
    }


def test_description_change_resends_the_status_it_describes() -> None:
    previous = versioned(ModelApprovalStatus="Approved", ApprovalDescription="old")
    desired = versioned(ModelApprovalStatus="Approved", ApprovalDescription="new")
    request = update_request(VERSION_ARN, previous, desired, None)
    assert request == {
        "ModelPackageArn": VERSION_ARN,
        "ApprovalDescription": "new",
        "ModelApprovalStatus": "Approved",
    }


@pytest.mark.parametrize("key", translate.UPDATABLE_FIELDS)
def test_removing_a_value_the_api_cannot_clear_is_not_updatable(key: str) -> None:
    values: dict[str, Any] = {
        "ModelApprovalStatus": "Approved",
        "ApprovalDescription": "x",
        "ModelCard": {"ModelCardStatus": "Draft"},
        "SourceUri": "s3://b/k",
        "ModelLifeCycle": {"Stage": "Dev", "StageStatus": "Ok"},
        "ModelPackageRegistrationType": "Registered",
    }
    previous = versioned(**{key: values[key]})
    with pytest.raises(exceptions.NotUpdatable, match=key):
        update_request(VERSION_ARN, previous, versioned(), None)


def test_specs_to_add_against_what_the_package_holds() -> None:
    current = [additional_spec("a")]
    desired = versioned(
        AdditionalInferenceSpecificationsToAdd=[additional_spec("a"), additional_spec("b")]
    )
    request = update_request(VERSION_ARN, versioned(), desired, current)
    assert request is not None
    assert [s["Name"] for s in request["AdditionalInferenceSpecificationsToAdd"]] == ["b"]


def test_create_only_changes_are_named() -> None:
    previous = versioned(Domain="NLP")
    desired = versioned(Domain="CV", ModelPackageDescription="other")
    assert translate.create_only_changes(previous, desired) == ["ModelPackageDescription", "Domain"]


def test_arn_kinds() -> None:
    assert translate.is_versioned_arn(VERSION_ARN)
    assert not translate.is_versioned_arn(PACKAGE_ARN)
    assert not translate.is_versioned_arn("not-an-arn")
