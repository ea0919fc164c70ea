"""The resource schema: complete against the published one, quirks fixed, usable by the lib."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rpdk.core.data_loaders import load_resource_spec

from mlops_sagemaker_modelpackage.models import ResourceModel
from tests.support.schema import (
    SCHEMA_PATH,
    JsonObject,
    our_schema,
    published_schema,
    resolve,
    top_properties,
    walk,
)

COMPARED_KEYWORDS = (
    "type",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minProperties",
    "maxProperties",
    "uniqueItems",
    "insertionOrder",
)

# Every deliberate difference from the published schema, keyed by (path suffix, keyword).
# A path suffix matches the same definition wherever it is used.
DELIBERATE_CHANGES: dict[tuple[str, str], str] = {
    ("Containers[]/Environment", "maxProperties"): "API EnvironmentMap allows 100 entries",
    ("ModelInput/DataInputConfig", "maxLength"): "API DataInputConfig allows 16,384 characters",
    ("Containers[]/FrameworkVersion", "pattern"): "API pattern admits '-' (e.g. 1.7-1)",
    ("AdditionalInferenceSpecifications[]/Description", "pattern"): "API EntityDescription",
    ("AdditionalInferenceSpecificationsToAdd[]/Description", "pattern"): "API EntityDescription",
    ("ModelCard/ModelCardContent", "pattern"): "model card JSON may span lines",
    ("ModelCard", "required"): "API requires neither field; an update may set only the status",
    ("/ModelPackageArn", "pattern"): "API partition pattern (aws-iso-b and others)",
    ("TransformOutput/KmsKeyId", "pattern"): "API KmsKeyId pattern",
    ("TransformResources/VolumeKmsKeyId", "pattern"): "API KmsKeyId pattern",
    ("/InferenceSpecification", "required"): "API requires only Containers",
    ("Containers[]", "required"): "API requires no Image (hub and marketplace models have none)",
    ("/Tags", "insertionOrder"): "tag order is meaningless and ListTags does not keep it",
}


def _flat(schema: JsonObject) -> dict[str, JsonObject]:
    return dict(walk(schema, {"type": "object", "properties": schema["properties"]}))


def _deliberate(path: str, keyword: str) -> bool:
    return any(path.endswith(suffix) and kw == keyword for suffix, kw in DELIBERATE_CHANGES)


def _unanchored(pattern: str | None) -> str | None:
    return None if pattern is None else pattern.removeprefix("^").removesuffix("$")


def test_schema_json_is_a_symlink_to_the_schema() -> None:
    link = SCHEMA_PATH.parent / "schema.json"
    assert link.is_symlink()
    assert link.resolve() == SCHEMA_PATH.resolve()


def test_schema_is_valid_against_the_cfn_meta_schema() -> None:
    with SCHEMA_PATH.open() as f:
        spec = load_resource_spec(f)
    assert spec["typeName"] == "MLOps::SageMaker::ModelPackage"


def test_every_published_property_exists_with_the_same_shape() -> None:
    ours, published = _flat(our_schema()), _flat(published_schema())
    problems = []
    for path, pub in published.items():
        if "/<" in path:  # patternProperties keys are compared in their own test
            continue
        mine = ours.get(path)
        if mine is None:
            problems.append(f"{path}: missing")
            continue
        for keyword in COMPARED_KEYWORDS:
            if pub.get(keyword) != mine.get(keyword) and not _deliberate(path, keyword):
                problems.append(f"{path}: {keyword} {pub.get(keyword)!r} -> {mine.get(keyword)!r}")
        if _unanchored(pub.get("pattern")) != _unanchored(mine.get("pattern")) and not _deliberate(
            path, "pattern"
        ):
            problems.append(f"{path}: pattern {pub.get('pattern')!r} -> {mine.get('pattern')!r}")
        if "enum" in pub and not set(pub["enum"]) <= set(mine.get("enum", [])):
            problems.append(f"{path}: enum lost values")
        if set(pub.get("required", [])) != set(mine.get("required", [])) and not _deliberate(
            path, "required"
        ):
            problems.append(f"{path}: required {pub.get('required')} -> {mine.get('required')}")
    assert problems == []


def test_every_deliberate_change_is_still_a_change() -> None:
    ours, published = _flat(our_schema()), _flat(published_schema())
    for suffix, keyword in DELIBERATE_CHANGES:
        paths = [p for p in published if p.endswith(suffix)]
        assert paths, f"{suffix} no longer exists in the published schema"
        assert any(published[p].get(keyword) != ours[p].get(keyword) for p in paths), (
            f"{suffix} {keyword} is the same as published now: drop it from DELIBERATE_CHANGES"
        )


@pytest.mark.parametrize(
    ("definition", "key", "accepted", "rejected"),
    [
        ("CustomerMetadataProperties", "^[\\p{L}", "team", ""),
        ("Environment", "^[a-zA-Z_]", "MODEL_SERVER_WORKERS", "1BAD"),
    ],
)
def test_pattern_property_keys_follow_the_api(
    definition: str, key: str, accepted: str, rejected: str
) -> None:
    node = our_schema()["definitions"][definition]
    (pattern,) = node["patternProperties"]
    assert pattern.startswith(key)
    assert node["additionalProperties"] is False
    if "\\p{" not in pattern:  # Python's re has no \p classes; CloudFormation's Java regex has
        assert re.fullmatch(pattern, accepted)
        assert not re.fullmatch(pattern, rejected)
    else:
        assert "{1,128}$" in pattern  # keys are 1 to 128 characters: empty keys are rejected


def test_customer_metadata_values_allow_256_characters() -> None:
    node = our_schema()["definitions"]["CustomerMetadataProperties"]
    (value,) = node["patternProperties"].values()
    assert (value["minLength"], value["maxLength"]) == (1, 256)


NEW_PROPERTIES = {"ModelLifeCycle", "ModelPackageRegistrationType", "ManagedStorageType"}


def test_new_api_fields_are_properties() -> None:
    props = our_schema()["properties"]
    assert set(props) >= NEW_PROPERTIES
    assert set(published_schema()["properties"]) | NEW_PROPERTIES == set(props)


def test_property_flags() -> None:
    schema = our_schema()
    assert schema["primaryIdentifier"] == ["/properties/ModelPackageArn"]
    assert top_properties(schema, "readOnlyProperties") == {
        "ModelPackageArn",
        "ModelPackageVersion",
        "ModelPackageStatus",
        "ModelPackageStatusDetails",
        "CreationTime",
        "LastModifiedTime",
    }
    assert top_properties(schema, "writeOnlyProperties") == {
        "ClientToken",
        "AdditionalInferenceSpecificationsToAdd",
    }
    create_only = top_properties(schema, "createOnlyProperties")
    # The published create-only set, plus the fields no API call can change after create.
    assert top_properties(published_schema(), "createOnlyProperties") <= create_only
    assert create_only - top_properties(published_schema(), "createOnlyProperties") == {
        "ModelPackageName",
        "AdditionalInferenceSpecifications",
        "CertifyForMarketplace",
        "SkipModelValidation",
        "ManagedStorageType",
    }
    assert top_properties(schema, "conditionalCreateOnlyProperties") == {"ModelCard", "SourceUri"}


def test_updatable_properties_are_exactly_what_update_model_package_takes() -> None:
    """Everything not create-only or read-only must be something an update can apply."""
    schema = our_schema()
    fixed = (
        top_properties(schema, "createOnlyProperties")
        | top_properties(schema, "readOnlyProperties")
        | top_properties(schema, "conditionalCreateOnlyProperties")
    )
    updatable = set(schema["properties"]) - fixed
    assert updatable == {
        "ModelApprovalStatus",
        "ApprovalDescription",
        "CustomerMetadataProperties",
        "AdditionalInferenceSpecificationsToAdd",
        "ModelLifeCycle",
        "ModelPackageRegistrationType",
        "Tags",
    }


def test_flag_lists_name_existing_properties_without_overlap() -> None:
    schema = our_schema()
    props = set(schema["properties"])
    lists = [
        "readOnlyProperties",
        "writeOnlyProperties",
        "createOnlyProperties",
        "conditionalCreateOnlyProperties",
    ]
    for name in lists:
        assert top_properties(schema, name) <= props, name
    assert not top_properties(schema, "readOnlyProperties") & top_properties(
        schema, "createOnlyProperties"
    )
    assert not top_properties(schema, "readOnlyProperties") & top_properties(
        schema, "writeOnlyProperties"
    )


def test_every_property_and_definition_has_a_description() -> None:
    schema = our_schema()
    missing = [
        f"#/definitions/{n}" for n, d in schema["definitions"].items() if not d.get("description")
    ]
    for name, node in schema["properties"].items():
        if not (node.get("description") or resolve(schema, node).get("description")):
            missing.append(f"/properties/{name}")
    for definition_name, definition in schema["definitions"].items():
        for name, node in definition.get("properties", {}).items():
            if not (node.get("description") or resolve(schema, node).get("description")):
                missing.append(f"#/definitions/{definition_name}/{name}")
    assert missing == []


def test_no_array_is_a_set_of_objects() -> None:
    """uniqueItems + insertionOrder:false makes the plugin build a set of dicts, which crashes."""
    schema = our_schema()
    for path, node in _flat(schema).items():
        if node.get("type") == "array" and node.get("uniqueItems"):
            assert node.get("insertionOrder", True), path


def test_tagging() -> None:
    tagging = our_schema()["tagging"]
    assert tagging == {
        "taggable": True,
        "tagOnCreate": True,
        "tagUpdatable": True,
        "cloudFormationSystemTags": False,
        "tagProperty": "/properties/Tags",
        "permissions": ["sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags"],
    }


def test_handlers_have_permissions_and_long_timeouts() -> None:
    handlers = our_schema()["handlers"]
    assert set(handlers) == {"create", "read", "update", "delete", "list"}
    for name, handler in handlers.items():
        assert handler["permissions"] == sorted(set(handler["permissions"])), name
    # Validation runs a batch transform job that can take hours.
    assert handlers["create"]["timeoutInMinutes"] >= 360
    assert handlers["update"]["timeoutInMinutes"] >= 360
    assert handlers["delete"]["timeoutInMinutes"] >= 30
    assert handlers["list"]["handlerSchema"]["properties"] == {
        "ModelPackageGroupName": {"$ref": "resource-schema.json#/properties/ModelPackageGroupName"}
    }
    assert handlers["list"]["permissions"] == ["sagemaker:ListModelPackages"]
    assert handlers["read"]["permissions"] == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListTags",
    ]


def _example(schema: JsonObject, node: JsonObject) -> Any:  # noqa: PLR0911
    """A value for every property of `node`: exercises every generated model class."""
    node = resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        if "patternProperties" in node:
            return {"KEY_1": "value"}
        return {n: _example(schema, sub) for n, sub in node.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema, node["items"])]
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    return "x"


def test_generated_models_round_trip_every_property() -> None:
    schema = our_schema()
    data = _example(schema, {"type": "object", "properties": schema["properties"]})
    model = ResourceModel._deserialize(data)
    assert model is not None
    assert model._serialize() == data


def test_no_definition_shadows_a_name_models_py_imports() -> None:
    reserved = {"BaseModel", "BaseResourceHandlerRequest", "ResourceModel"}
    reserved.add("TypeConfigurationModel")
    assert not reserved & set(our_schema()["definitions"])
