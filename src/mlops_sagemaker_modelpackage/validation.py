"""What SageMaker would refuse in a desired model, refused before any call with a message that
says why and what to do."""

from __future__ import annotations

from cloudformation_cli_python_lib import exceptions

from .fields import FIELDS, GROUP, Scope, makes_version
from .json_types import Json
from .specifications import specs_by_name
from .tags import RESERVED_PREFIX

# What only a version takes (the group itself is what makes a package a version).
VERSION_PROPERTIES = tuple(
    name for name, f in FIELDS.items() if f.scope is Scope.VERSIONED and name != GROUP
)


def validate_desired(desired: Json) -> None:
    """Reject what SageMaker would reject, before any call, with a message that says why."""
    versioned = makes_version(desired)
    if versioned and desired.get("ModelPackageName"):
        raise exceptions.InvalidRequest(
            "Set either ModelPackageName (an unversioned package) or ModelPackageGroupName "
            "(a new version in that group), not both."
        )
    for tag in desired.get("Tags") or []:
        if str(tag.get("Key", "")).startswith(RESERVED_PREFIX):
            raise exceptions.InvalidRequest(
                f"Tag key '{tag['Key']}' uses the prefix '{RESERVED_PREFIX}', which AWS reserves "
                "for its own tags: SageMaker would refuse it. Rename the tag."
            )
    if versioned and desired.get("Tags"):
        raise exceptions.InvalidRequest(
            "Tags cannot be set on a versioned package: a version takes its tags from its model "
            "package group. Tag the group (AWS::SageMaker::ModelPackageGroup) instead."
        )
    if not versioned:
        for name in VERSION_PROPERTIES:
            if name in desired:
                raise exceptions.InvalidRequest(
                    f"{name} applies to versioned packages only: set ModelPackageGroupName "
                    "to register a version, or remove it."
                )
    specs_by_name(
        desired.get("AdditionalInferenceSpecifications", []), "AdditionalInferenceSpecifications"
    )
    specs_by_name(
        desired.get("AdditionalInferenceSpecificationsToAdd", []),
        "AdditionalInferenceSpecificationsToAdd",
    )
