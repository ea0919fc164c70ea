"""The field table (fields.py) against the schema and SageMaker's service model: one place says
what each property is, how it reaches CreateModelPackage and what removing it means."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.model import Shape

from mlops_sagemaker_modelpackage import fields, progress, translate
from mlops_sagemaker_modelpackage.fields import FIELDS, Create, PropertyKind, Removal, Scope
from tests.support.schema import our_schema, published_schema, top_properties


def _members(operation: str) -> dict[str, Shape]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model(operation).input_shape
    assert shape is not None
    return dict(shape.members)


def test_the_field_table_agrees_with_the_schema() -> None:
    schema = our_schema()
    assert set(fields.CREATE_ONLY) == top_properties(schema, "createOnlyProperties")
    assert set(fields.names(PropertyKind.CONDITIONAL)) == top_properties(
        schema, "conditionalCreateOnlyProperties"
    )
    assert top_properties(schema, "readOnlyProperties") == fields.READ_ONLY
    assert top_properties(schema, "writeOnlyProperties") == fields.WRITE_ONLY
    assert set(schema["properties"]) == translate.PROPERTY_NAMES == set(fields.FIELDS)
    tag_property = fields.names(PropertyKind.TAGS)[0]
    assert schema["tagging"]["tagProperty"] == "/properties/" + tag_property


def test_every_kind_and_every_removal_meaning_is_used() -> None:
    for enum in (PropertyKind, Create, Removal, Scope):
        used = {getattr(f, field) for f in FIELDS.values() for field in vars(f) if field != "note"}
        assert set(enum) <= used, enum


def test_create_model_package_takes_exactly_what_the_table_sends() -> None:
    members = set(_members("CreateModelPackage"))
    sent = {name for name, f in FIELDS.items() if f.create is not Create.NO}
    # AdditionalInferenceSpecificationsToAdd is merged into AdditionalInferenceSpecifications.
    assert members == sent - {"AdditionalInferenceSpecificationsToAdd"}
    assert set(translate.CREATE_FIELDS) <= members
    for name in fields.READ_ONLY:
        assert FIELDS[name].create is Create.NO


def test_what_an_update_changes_is_what_update_model_package_takes() -> None:
    members = _members("UpdateModelPackage")
    for name in fields.IN_PLACE:
        assert name in members, name
    assert {"CustomerMetadataProperties", "CustomerMetadataPropertiesToRemove"} <= set(members)
    assert "AdditionalInferenceSpecificationsToAdd" in members


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items() if f.removal is Removal.RESET])
def test_a_reset_sends_a_value_the_api_accepts(name: str) -> None:
    """A reset is part of the one UpdateModelPackage: its value must be valid there."""
    field = FIELDS[name]
    shape = _members("UpdateModelPackage")[name]
    assert field.default is not None
    allowed = shape.metadata.get("enum")
    if allowed:
        assert field.default in allowed
    else:
        assert shape.metadata.get("min", 0) <= len(field.default)


def test_removal_meanings_match_the_kinds() -> None:
    for name, field in FIELDS.items():
        if field.kind is PropertyKind.READ_ONLY:
            assert field.removal is Removal.NOT_SET, name
        elif field.kind is PropertyKind.CREATE_ONLY:
            assert field.removal is Removal.REPLACES, name
        else:  # changed in place: removing it from a template must say what it does, and why
            assert field.removal in (Removal.RESET, Removal.REMOVED, Removal.KEPT), (
                f"{name}: an updatable property is reset (with its default), removed or kept"
            )
            # the "why" of the documentation's removal table (tools/removal_table.py)
            assert field.note, f"{name}: say why removing it does what `removal` says"
        if field.removal is Removal.RESET:
            assert field.default is not None, name


def test_create_only_beyond_the_published_schema_is_what_no_update_can_change() -> None:
    """Our create-only list adds to AWS's exactly the properties UpdateModelPackage cannot
    take (AWS's schema lets them look updatable)."""
    published = top_properties(published_schema(), "createOnlyProperties")
    ours = set(fields.CREATE_ONLY)
    assert published <= ours
    update = set(_members("UpdateModelPackage"))
    assert not (ours - published) & update


def test_version_only_properties_are_the_schemas_root_rules() -> None:
    rules = our_schema()["allOf"]
    groups = {
        name
        for rule in rules
        for name, needed in rule["dependencies"].items()
        if needed == ["ModelPackageGroupName"]
    }
    not_on_versions = {
        name
        for rule in rules
        for name in rule["dependencies"].get("ModelPackageGroupName", {}).get("properties", {})
    }
    assert groups == {
        n for n, f in FIELDS.items() if f.scope is Scope.VERSIONED and n != "ModelPackageGroupName"
    }
    # CertifyForMarketplace: SageMaker ignores it on versions, so the schema does not refuse it.
    assert not_on_versions == {n for n, f in FIELDS.items() if f.scope is Scope.UNVERSIONED} - {
        "CertifyForMarketplace"
    }


def test_handler_timeouts_agree_with_the_schema() -> None:
    handlers = our_schema()["handlers"]
    for action, minutes in progress.TIMEOUT_MINUTES.items():
        assert handlers[action]["timeoutInMinutes"] == minutes
    assert progress.TIMEOUT_MINUTES["create"] > progress.CLEANUP_RESERVE_MINUTES
