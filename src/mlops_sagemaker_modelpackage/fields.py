"""Every property of the schema: what kind it is, how it reaches CreateModelPackage, which kind of
package it applies to, and what removing it from the template means.

The one table of property behaviour: translate.py (the CreateModelPackage parameters), plan.py
(what an update sends, resets or keeps), the documentation's removal table (written by `make
generated`) and the tests derive from it. tests/test_fields.py checks it against the schema's
readOnly, createOnly, conditionalCreateOnly and writeOnly lists and against SageMaker's service
model. Adding a property means adding it to the schema file and here, then `make generated`
(docs/contributing.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class PropertyKind(Enum):
    """How a property changes once the package exists."""

    READ_ONLY = "read-only"
    CREATE_ONLY = "create-only"
    # Updated in place by UpdateModelPackage.
    UPDATABLE = "updatable"
    # Updated in place, but the schema marks them conditionally create-only, as AWS's does.
    CONDITIONAL = "conditionally create-only"
    METADATA = "metadata"  # keys set and removed one by one
    APPEND = "append-only"  # AdditionalInferenceSpecificationsToAdd
    TAGS = "tags"


class Create(Enum):
    """How a property reaches CreateModelPackage."""

    AS_IS = "as written"
    SHAPED = "shaped by translate.create_request"  # names, token, tags, merged specifications
    NO = "not a CreateModelPackage parameter"


class Removal(Enum):
    """What an update does with a property the previous template set and the desired one leaves
    out (a property the stack never managed is never touched)."""

    RESET = "returns to SageMaker's default"
    REMOVED = "the keys the stack set are removed"
    KEPT = "kept as SageMaker holds it"
    REPLACES = "the package is replaced"
    NOT_SET = "not set by a template"


class Scope(Enum):
    BOTH = "both kinds"
    VERSIONED = "versioned packages"
    UNVERSIONED = "unversioned packages"


@dataclass(frozen=True)
class Field:
    kind: PropertyKind
    create: Create = Create.AS_IS
    removal: Removal = Removal.REPLACES
    # The value a RESET returns to: what SageMaker gives a package that was never told one.
    default: str | None = None
    scope: Scope = Scope.BOTH
    write_only: bool = False
    # Why removing the property from a template does what `removal` says (Markdown: the
    # documentation's removal table shows it); every RESET, REMOVED and KEPT property has one.
    note: str = ""
    # Values a create sends only once SageMaker reports the package Completed (its default goes
    # into CreateModelPackage until then): what must never be said of a package that may still
    # fail validation.
    after_validation: frozenset[str] = frozenset()


_READ_ONLY = Field(PropertyKind.READ_ONLY, create=Create.NO, removal=Removal.NOT_SET)
_CREATE_ONLY = Field(PropertyKind.CREATE_ONLY)

FIELDS: dict[str, Field] = {
    "ModelPackageArn": _READ_ONLY,
    "ModelPackageName": Field(PropertyKind.CREATE_ONLY, Create.SHAPED, scope=Scope.UNVERSIONED),
    "ModelPackageGroupName": Field(PropertyKind.CREATE_ONLY, Create.SHAPED, scope=Scope.VERSIONED),
    "ModelPackageVersion": _READ_ONLY,
    "ModelPackageDescription": _CREATE_ONLY,
    "ModelPackageStatus": _READ_ONLY,
    "ModelPackageStatusDetails": _READ_ONLY,
    "ModelPackageRegistrationType": Field(
        PropertyKind.UPDATABLE,
        removal=Removal.KEPT,
        note="SageMaker documents no default to return to",
    ),
    "InferenceSpecification": _CREATE_ONLY,
    "AdditionalInferenceSpecifications": Field(PropertyKind.CREATE_ONLY, Create.SHAPED),
    "AdditionalInferenceSpecificationsToAdd": Field(
        PropertyKind.APPEND,
        Create.SHAPED,
        removal=Removal.KEPT,
        write_only=True,
        note="SageMaker only appends specifications; none can be removed",
    ),
    "ValidationSpecification": _CREATE_ONLY,
    "SourceAlgorithmSpecification": _CREATE_ONLY,
    "CertifyForMarketplace": Field(PropertyKind.CREATE_ONLY, scope=Scope.UNVERSIONED),
    "ModelApprovalStatus": Field(
        PropertyKind.UPDATABLE,
        removal=Removal.RESET,
        default="PendingManualApproval",
        scope=Scope.VERSIONED,
        note="SageMaker's default for a new version: an approval exists only while a template "
        "grants it",
        # An approval starts deployments (EventBridge's "Model Package State Change"): a version
        # is approved once validated, never before. Rejected stays in the create: a pending
        # version would invite a reviewer to approve what the template rejects.
        after_validation=frozenset({"Approved"}),
    ),
    "ApprovalDescription": Field(
        PropertyKind.UPDATABLE,
        Create.NO,  # applied by an UpdateModelPackage once the package is Completed
        removal=Removal.RESET,
        default="",
        scope=Scope.VERSIONED,
        note="it describes an approval that no longer exists; read returns none",
    ),
    "MetadataProperties": _CREATE_ONLY,
    "ModelMetrics": _CREATE_ONLY,
    "ClientToken": Field(PropertyKind.CREATE_ONLY, Create.SHAPED, write_only=True),
    "Domain": _CREATE_ONLY,
    "Task": _CREATE_ONLY,
    "SamplePayloadUrl": _CREATE_ONLY,
    "CustomerMetadataProperties": Field(
        PropertyKind.METADATA,
        removal=Removal.REMOVED,
        note="`CustomerMetadataPropertiesToRemove`; keys others added stay",
    ),
    "DriftCheckBaselines": _CREATE_ONLY,
    "SkipModelValidation": _CREATE_ONLY,
    "SourceUri": Field(
        PropertyKind.CONDITIONAL,
        removal=Removal.KEPT,
        note="no `UpdateModelPackage` parameter removes a source; an empty one is not its absence",
    ),
    "SecurityConfig": _CREATE_ONLY,
    "ModelCard": Field(
        PropertyKind.CONDITIONAL,
        removal=Removal.KEPT,
        note="no `UpdateModelPackage` parameter removes it",
    ),
    "ModelLifeCycle": Field(
        PropertyKind.UPDATABLE,
        removal=Removal.KEPT,
        note="`Stage` and `StageStatus` are required: there is no empty life cycle to set",
    ),
    "ManagedStorageType": _CREATE_ONLY,
    "CreationTime": _READ_ONLY,
    "LastModifiedTime": _READ_ONLY,
    "Tags": Field(
        PropertyKind.TAGS,
        Create.SHAPED,
        removal=Removal.REMOVED,
        scope=Scope.UNVERSIONED,
        note="`DeleteTags`; tags others added (tag policies) stay",
    ),
}


# The property that makes a package a version: the group it registers the version in.
GROUP = "ModelPackageGroupName"


def makes_version(model: Mapping[str, Any]) -> bool:
    """Whether a model not registered yet makes a version: it names a group. The model is a
    template's properties, or the CreateModelPackage parameters made from them (same names).

    Once the package exists its ARN says instead (arns.is_versioned), and every call on an
    existing package asks that: a package's model may not say what it is (DescribeModelPackage
    names a version's group as its ModelPackageName)."""
    return bool(model.get(GROUP))


def names(*kinds: PropertyKind) -> tuple[str, ...]:
    return tuple(name for name, f in FIELDS.items() if f.kind in kinds)


def applies(name: str, *, versioned: bool) -> bool:
    """Whether the property applies to a versioned (or an unversioned) package."""
    scope = FIELDS[name].scope
    return scope is Scope.BOTH or (scope is Scope.VERSIONED) == versioned


CREATE_ONLY = names(PropertyKind.CREATE_ONLY)
IN_PLACE = names(PropertyKind.UPDATABLE, PropertyKind.CONDITIONAL)
WRITE_ONLY = frozenset(name for name, f in FIELDS.items() if f.write_only)
READ_ONLY = frozenset(names(PropertyKind.READ_ONLY))
# CreateModelPackage parameters taken straight from the model.
CREATE_AS_IS = tuple(name for name, f in FIELDS.items() if f.create is Create.AS_IS)
VERSIONED_ONLY = tuple(name for name, f in FIELDS.items() if f.scope is Scope.VERSIONED)
