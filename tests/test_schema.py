"""The resource schema: complete against the published one, quirks fixed, usable by the lib."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest
import regex
from cloudformation_cli_python_lib import exceptions
from rpdk.core.data_loaders import load_resource_spec

from mlops_sagemaker_modelpackage import fields
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.models import ResourceModel
from mlops_sagemaker_modelpackage.validation import validate_desired
from mlops_sagemaker_modelpackage_local.driver.schema import ROOT_COMBINATORS
from tests.support.models import additional_spec
from tests.support.schema import (
    PATTERN_END,
    SCHEMA_PATH,
    example_value,
    our_schema,
    published_schema,
    resolve,
    schema_errors,
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
# Compared on the resource itself only: cfn-lint's copy of the published schema adds `anyOf`s of
# its own formats to some properties (KMS key ids), which are not differences of ours.
ROOT_KEYWORDS = ("dependencies", *ROOT_COMBINATORS)

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
    ("/Tags[]/Key", "pattern"): (
        "(?!aws:): AWS reserves the prefix and SageMaker refuses it (the handler refuses it too)"
    ),
    # "" is the resource itself: its root rules (no published schema has any here).
    ("", "allOf"): (
        "rules SageMaker enforces across properties, which the handler also refuses before any "
        "call: a version (ModelPackageGroupName) has no ModelPackageName and no Tags; "
        "ModelApprovalStatus and ApprovalDescription need ModelPackageGroupName"
    ),
}
# One change made to every pattern, so it is not listed per path above: each ends with
# PATTERN_END, `$(?!\n)`, not `$`. A bare `$` also matches before a final newline (CloudFormation
# matches patterns with Java's find()), so the published schema lets "value\n" (a YAML `|`
# block) through to SageMaker, which matches its patterns whole and refuses it.


def _flat(schema: Json) -> dict[str, Json]:
    root = {k: schema[k] for k in ROOT_COMBINATORS if k in schema}
    return dict(walk(schema, {"type": "object", "properties": schema["properties"], **root}))


def _deliberate(path: str, keyword: str) -> bool:
    return any(path.endswith(suffix) and kw == keyword for suffix, kw in DELIBERATE_CHANGES)


def _unanchored(pattern: str | None) -> str | None:
    if pattern is None:
        return None
    return pattern.removeprefix("^").removesuffix(PATTERN_END).removesuffix("$")


def _value(node: Json, keyword: str) -> Any:
    return _unanchored(node.get(keyword)) if keyword == "pattern" else node.get(keyword)


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
        for keyword in COMPARED_KEYWORDS + (ROOT_KEYWORDS if path == "" else ()):
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
        assert any(_value(published[p], keyword) != _value(ours[p], keyword) for p in paths), (
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
        assert "{1,128}" + PATTERN_END in pattern  # keys are 1 to 128 characters, not empty


def test_customer_metadata_values_allow_256_characters() -> None:
    node = our_schema()["definitions"]["CustomerMetadataProperties"]
    (value,) = node["patternProperties"].values()
    assert (value["minLength"], value["maxLength"]) == (1, 256)


def test_new_api_fields_are_properties() -> None:
    """Every published property is kept; what we add beyond it is a CreateModelPackage field
    (tests/test_api_drift.py requires every API field to be a property or excluded)."""
    props = set(our_schema()["properties"])
    published = set(published_schema()["properties"])
    assert published <= props
    service = botocore.session.get_session().get_service_model("sagemaker")
    shape = service.operation_model("CreateModelPackage").input_shape
    assert shape is not None
    assert props - published <= set(shape.members)
    assert props - published  # the newest fields (ModelLifeCycle, ...) are there


def test_property_flags() -> None:
    """The schema's flag lists are the field table's kinds (fields.py), and go beyond the
    published schema only where SageMaker leaves no choice."""
    schema = our_schema()
    assert schema["primaryIdentifier"] == ["/properties/ModelPackageArn"]
    assert top_properties(schema, "readOnlyProperties") == fields.READ_ONLY
    assert top_properties(schema, "writeOnlyProperties") == fields.WRITE_ONLY
    assert top_properties(published_schema(), "writeOnlyProperties") <= fields.WRITE_ONLY
    create_only = top_properties(schema, "createOnlyProperties")
    assert create_only == set(fields.CREATE_ONLY)
    assert top_properties(published_schema(), "createOnlyProperties") <= create_only
    assert top_properties(schema, "conditionalCreateOnlyProperties") == set(
        fields.names(fields.PropertyKind.CONDITIONAL)
    )


def test_updatable_properties_are_exactly_what_update_model_package_takes() -> None:
    """Everything not create-only or read-only must be something an update can apply."""
    schema = our_schema()
    fixed = (
        top_properties(schema, "createOnlyProperties")
        | top_properties(schema, "readOnlyProperties")
        | top_properties(schema, "conditionalCreateOnlyProperties")
    )
    updatable = set(schema["properties"]) - fixed
    kind = fields.PropertyKind
    kinds = (kind.UPDATABLE, kind.METADATA, kind.APPEND, kind.TAGS)
    assert updatable == set(fields.names(*kinds))
    service = botocore.session.get_session().get_service_model("sagemaker")
    shape = service.operation_model("UpdateModelPackage").input_shape
    assert shape is not None
    members = set(shape.members)
    # Tags change through AddTags and DeleteTags, everything else through UpdateModelPackage.
    assert updatable - set(fields.names(fields.PropertyKind.TAGS)) <= members


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


def test_generated_models_round_trip_every_property() -> None:
    schema = our_schema()
    data = example_value(schema, {"type": "object", "properties": schema["properties"]})
    model = ResourceModel._deserialize(data)
    assert model is not None
    assert model._serialize() == data


def test_no_definition_shadows_a_name_models_py_imports() -> None:
    reserved = {"BaseModel", "BaseResourceHandlerRequest", "ResourceModel"}
    reserved.add("TypeConfigurationModel")
    assert not reserved & set(our_schema()["definitions"])


def _patterns(node: Any) -> list[str]:
    if isinstance(node, list):
        return [p for item in node for p in _patterns(item)]
    if not isinstance(node, dict):
        return []
    found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
    found += list(node.get("patternProperties", {}))
    return found + [p for value in node.values() for p in _patterns(value)]


def test_every_pattern_is_anchored_at_both_true_ends() -> None:
    patterns = _patterns(our_schema()["definitions"]) + _patterns(our_schema()["properties"])
    assert len(patterns) > 50
    for pattern in patterns:
        assert pattern.startswith("^"), pattern
        assert pattern.endswith(PATTERN_END), pattern
    # Why: CloudFormation (Java find()) and Python's search both let `$` match before a final
    # newline; SageMaker matches its patterns whole.
    assert regex.search("^[a-z]+$", "name\n")
    assert not regex.search("^[a-z]+" + PATTERN_END, "name\n")
    assert regex.search("^[a-z]+" + PATTERN_END, "name")
    assert regex.search("^[\\s\\S]*" + PATTERN_END, "multi\nline\n")


VERSION = {"ModelPackageGroupName": "churn"}
PACKAGE = {"ModelPackageName": "churn-model"}
TAG = {"Key": "team", "Value": "ml"}


@pytest.mark.parametrize(
    ("properties", "where"),
    [
        pytest.param({**VERSION, **PACKAGE}, "#/ModelPackageName: maxLength", id="both-names"),
        pytest.param({**VERSION, "Tags": [TAG]}, "#/Tags: maxItems", id="tags-on-a-version"),
        pytest.param(
            {**PACKAGE, "ModelApprovalStatus": "Rejected"}, "#: dependencies", id="status"
        ),
        pytest.param({"ApprovalDescription": "ok"}, "#: dependencies", id="description"),
        pytest.param(
            {**PACKAGE, "Tags": [{"Key": "aws:team", "Value": "ml"}]},
            "#/Tags/0/Key: pattern",
            id="reserved-tag-key",
        ),
    ],
)
def test_schema_refuses_what_the_handler_refuses(properties: Json, where: str) -> None:
    """Each rule the handler checks before any call is in the schema too, so CloudFormation
    (and editors, and `cfn validate`-backed tooling) refuse it before a deploy."""
    assert any(e.startswith(where) for e in schema_errors(properties)), schema_errors(properties)
    with pytest.raises(exceptions.InvalidRequest):
        validate_desired(properties)


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param(VERSION, id="version"),
        pytest.param(PACKAGE, id="package"),
        pytest.param({}, id="generated-name"),
        pytest.param({**VERSION, "Tags": []}, id="version-empty-tags"),
        pytest.param(
            {**VERSION, "ModelApprovalStatus": "Approved", "ApprovalDescription": "ok"},
            id="approved-version",
        ),
        pytest.param({**PACKAGE, "Tags": [TAG, {"Key": "x:aws:y", "Value": ""}]}, id="tags"),
    ],
)
def test_root_rules_accept_what_the_handler_accepts(properties: Json) -> None:
    assert schema_errors(properties) == []
    validate_desired(properties)


def test_unique_specification_names_are_the_handlers_rule_and_said_so() -> None:
    """JSON Schema cannot require a unique key across items: the description says so and the
    handler refuses two different specifications under one Name."""
    specs = [additional_spec("same"), {**additional_spec("same"), "Description": "other"}]
    properties = {**VERSION, "AdditionalInferenceSpecifications": specs}
    assert schema_errors(properties) == []
    with pytest.raises(exceptions.InvalidRequest):
        validate_desired(properties)
    description = our_schema()["definitions"]["AdditionalInferenceSpecifications"]["description"]
    assert "cannot require unique Names" in description


@pytest.mark.parametrize("definition", ["InferenceInstanceType", "TransformInstanceType"])
def test_instance_types_are_free_strings_on_purpose(definition: str) -> None:
    node = our_schema()["definitions"][definition]
    assert "enum" not in node
    assert "Deliberately a free string" in node["description"]
