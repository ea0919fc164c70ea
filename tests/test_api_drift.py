"""Guard against SageMaker API drift.

Every field of CreateModelPackage and UpdateModelPackage input and of DescribeModelPackage output,
at every depth, is either a schema property at the same place or listed in EXCLUDED with a reason.
A botocore upgrade that adds a field fails here until someone decides what to do with it.
"""

from __future__ import annotations

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape

from mlops_sagemaker_modelpackage.json_types import Json
from tests.support.schema import our_schema, published_schema, resolve

OPERATIONS = {
    "CreateModelPackage": "input",
    "UpdateModelPackage": "input",
    "DescribeModelPackage": "output",
}

# (operation, path) -> why the field has no schema property.
EXCLUDED: dict[tuple[str, str], str] = {
    ("UpdateModelPackage", "CustomerMetadataPropertiesToRemove"): (
        "derived by the update handler from previous vs desired CustomerMetadataProperties"
    ),
    ("UpdateModelPackage", "ClientToken"): (
        "updates are idempotent by content; the schema's ClientToken is the create token"
    ),
    ("DescribeModelPackage", "CreatedBy"): "who called the API: per caller, not desired state",
    ("DescribeModelPackage", "LastModifiedBy"): "who called the API: changes per caller",
}

# Instance types grow faster than a schema can follow; the published schema keeps strings too.
_TRANSFORM = (
    "ValidationSpecification/ValidationProfiles[]/TransformJobDefinition/TransformResources"
)
FREE_STRINGS = {f"{_TRANSFORM}/InstanceType"} | {
    f"{spec}/{types}[]"
    for spec in (
        "InferenceSpecification",
        "AdditionalInferenceSpecifications[]",
        "AdditionalInferenceSpecificationsToAdd[]",
    )
    for types in ("SupportedTransformInstanceTypes", "SupportedRealtimeInferenceInstanceTypes")
}


def _shape(operation: str) -> StructureShape:
    model = botocore.session.get_session().get_service_model("sagemaker")
    op = model.operation_model(operation)
    shape = op.input_shape if OPERATIONS[operation] == "input" else op.output_shape
    assert isinstance(shape, StructureShape)
    return shape


class _Comparison:
    """Walks one operation's shape beside the schema, collecting every mismatch."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.problems: list[str] = []
        self._seen: set[str] = set()

    def _problem(self, path: str, text: str) -> None:
        self.problems.append(f"{self.operation} {path}: {text}")

    def compare(self, shape: Shape, node: Json, path: str = "") -> None:
        node = resolve(our_schema(), node)
        if isinstance(shape, ListShape):
            if node.get("type") != "array":
                self._problem(path, f"API list, schema {node.get('type')}")
            else:
                self.compare(shape.member, node["items"], path + "[]")
        elif isinstance(shape, MapShape):
            if node.get("type") != "object" or "patternProperties" not in node:
                self._problem(path, "API map, schema has no patternProperties")
        elif isinstance(shape, StructureShape):
            self._structure(shape, node, path)
        else:
            self._scalar(shape, node, path)

    def _structure(self, shape: StructureShape, node: Json, path: str) -> None:
        if node.get("type") != "object":
            self._problem(path, f"API structure, schema {node.get('type')}")
            return
        stricter = set(node.get("required", [])) - set(shape.required_members)
        if stricter:
            self._problem(path, f"schema requires {sorted(stricter)}, API does not")
        for name, member in shape.members.items():
            member_path = f"{path}/{name}".lstrip("/")
            if (self.operation, member_path) in EXCLUDED:
                continue
            sub = node.get("properties", {}).get(name)
            if sub is None:
                self._problem(member_path, "no schema property")
            elif f"{member.name}:{member_path}" not in self._seen:
                # Recursive shapes are compared once per (shape, path) to stay finite.
                self._seen.add(f"{member.name}:{member_path}")
                self.compare(member, sub, member_path)

    def _scalar(self, shape: Shape, node: Json, path: str) -> None:
        # Timestamps are ISO 8601 text in CloudFormation.
        wanted = {"timestamp": "string", "long": "integer"}.get(shape.type_name, shape.type_name)
        if node.get("type") != wanted:
            self._problem(path, f"API {shape.type_name}, schema {node.get('type')}")
        api_enum = set(shape.metadata.get("enum", []))
        missing = sorted(api_enum - set(node.get("enum", [])))
        if api_enum and path not in FREE_STRINGS and missing:
            self._problem(path, f"enum lacks {missing}")


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_api_field_is_mapped_or_excluded(operation: str) -> None:
    comparison = _Comparison(operation)
    comparison.compare(
        _shape(operation), {"type": "object", "properties": our_schema()["properties"]}
    )
    assert comparison.problems == []


def test_exclusions_name_fields_that_still_exist() -> None:
    for operation, path in EXCLUDED:
        assert path in _shape(operation).members, f"{operation}.{path} is gone: drop the exclusion"


def test_every_schema_property_is_an_api_field() -> None:
    api_fields: set[str] = set()
    for operation in OPERATIONS:
        api_fields |= set(_shape(operation).members)
    assert set(our_schema()["properties"]) <= api_fields


def test_schema_limits_are_never_looser_than_the_api_for_new_fields() -> None:
    """Fields we added were copied from the API: their limits must still match it."""
    create = _shape("CreateModelPackage")
    props = our_schema()["properties"]
    for name in set(props) - set(published_schema()["properties"]):
        member = create.members[name]
        node = resolve(our_schema(), props[name])
        if member.metadata.get("enum"):
            assert set(node["enum"]) == set(member.metadata["enum"])
        if isinstance(member, StructureShape):
            assert set(node["required"]) == set(member.required_members)
            assert set(node["properties"]) == set(member.members)
