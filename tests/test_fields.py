"""The field table (fields.py) against the schema: one place says what each property is."""

from __future__ import annotations

from mlops_sagemaker_modelpackage import fields, progress, translate
from tests.support.schema import our_schema, top_properties


def test_the_field_table_agrees_with_the_schema() -> None:
    schema = our_schema()
    assert set(fields.CREATE_ONLY) == top_properties(schema, "createOnlyProperties")
    assert set(fields.names(fields.Kind.CONDITIONAL)) == top_properties(
        schema, "conditionalCreateOnlyProperties"
    )
    assert top_properties(schema, "readOnlyProperties") == fields.READ_ONLY
    assert top_properties(schema, "writeOnlyProperties") == fields.WRITE_ONLY
    assert set(schema["properties"]) == translate.PROPERTY_NAMES == set(fields.FIELDS)
    assert schema["tagging"]["tagProperty"] == "/properties/" + fields.names(fields.Kind.TAGS)[0]


def test_handler_timeouts_agree_with_the_schema() -> None:
    handlers = our_schema()["handlers"]
    for action, minutes in progress.TIMEOUT_MINUTES.items():
        assert handlers[action]["timeoutInMinutes"] == minutes
    assert progress.TIMEOUT_MINUTES["create"] > progress.CLEANUP_RESERVE_MINUTES


def test_what_can_be_cleared_is_only_what_sagemaker_can_clear() -> None:
    clearable = {name for name, field in fields.FIELDS.items() if field.clearable}
    assert clearable == {"CustomerMetadataProperties", "Tags"}
    assert set(fields.IN_PLACE) == {
        "ModelApprovalStatus",
        "ApprovalDescription",
        "ModelLifeCycle",
        "ModelPackageRegistrationType",
        "ModelCard",
        "SourceUri",
    }
