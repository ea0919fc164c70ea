"""Every property of the schema, what kind it is and whether SageMaker can clear it.

One table instead of several lists; tests/test_fields.py checks it against the schema's
readOnly, createOnly, conditionalCreateOnly and writeOnly lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    READ_ONLY = "read-only"
    CREATE_ONLY = "create-only"
    # Updated in place by UpdateModelPackage; the schema marks ModelCard and SourceUri
    # conditionally create-only, as AWS's does.
    UPDATABLE = "updatable"
    CONDITIONAL = "conditionally create-only"
    METADATA = "metadata"  # keys set and removed one by one
    APPEND = "append-only"  # AdditionalInferenceSpecificationsToAdd
    TAGS = "tags"


@dataclass(frozen=True)
class Field:
    kind: Kind
    # Whether SageMaker can take the property away again once it is set.
    clearable: bool = False
    write_only: bool = False


FIELDS: dict[str, Field] = {
    **dict.fromkeys(
        (
            "ModelPackageArn",
            "ModelPackageVersion",
            "ModelPackageStatus",
            "ModelPackageStatusDetails",
            "CreationTime",
            "LastModifiedTime",
        ),
        Field(Kind.READ_ONLY),
    ),
    **dict.fromkeys(
        (
            "ModelPackageName",
            "ModelPackageGroupName",
            "ModelPackageDescription",
            "InferenceSpecification",
            "AdditionalInferenceSpecifications",
            "ValidationSpecification",
            "SourceAlgorithmSpecification",
            "CertifyForMarketplace",
            "MetadataProperties",
            "ModelMetrics",
            "DriftCheckBaselines",
            "Domain",
            "Task",
            "SamplePayloadUrl",
            "SecurityConfig",
            "SkipModelValidation",
            "ManagedStorageType",
        ),
        Field(Kind.CREATE_ONLY),
    ),
    "ClientToken": Field(Kind.CREATE_ONLY, write_only=True),
    "ModelApprovalStatus": Field(Kind.UPDATABLE),
    "ApprovalDescription": Field(Kind.UPDATABLE),
    "ModelLifeCycle": Field(Kind.UPDATABLE),
    "ModelPackageRegistrationType": Field(Kind.UPDATABLE),
    "ModelCard": Field(Kind.CONDITIONAL),
    "SourceUri": Field(Kind.CONDITIONAL),
    "CustomerMetadataProperties": Field(Kind.METADATA, clearable=True),
    "AdditionalInferenceSpecificationsToAdd": Field(Kind.APPEND, write_only=True),
    "Tags": Field(Kind.TAGS, clearable=True),
}


def names(*kinds: Kind) -> tuple[str, ...]:
    return tuple(name for name, f in FIELDS.items() if f.kind in kinds)


CREATE_ONLY = names(Kind.CREATE_ONLY)
IN_PLACE = names(Kind.UPDATABLE, Kind.CONDITIONAL)
WRITE_ONLY = frozenset(name for name, f in FIELDS.items() if f.write_only)
READ_ONLY = frozenset(names(Kind.READ_ONLY))
