"""The resource types the rehearsal supports: one entry per type, the one table of them.

Each entry says what the driver does with the type's resources: whether and how `--import`
adopts one (the parser of the identifier it is imported by), whether `--drift` reads it, which
of its properties are provisioned (None: every property of its schema). provisioners.py gives
every entry its provisioner (`@provisions(entry)`); the planner (what a template may use,
resolution.py, and import, adopt.py) and drift detection read the entries. Pure, so that the
planner can read it without loading what runs handlers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mlops_sagemaker_modelpackage.arns import parse_group, parse_package

OUR_TYPE = "MLOps::SageMaker::ModelPackage"
GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"
CDK_METADATA_TYPE = "AWS::CDK::Metadata"


@dataclass(frozen=True)
class SupportedType:
    name: str
    noun: str  # one resource of the type, in messages
    # importable: parses the identifier an import names (None: not an identifier of the type);
    # None: the type cannot be imported
    parse_identifier: Callable[[str], re.Match[str] | None] | None = None
    detects_drift: bool = False  # --drift reads its resources and compares them
    properties: frozenset[str] | None = None  # what is provisioned; None: the whole schema

    @property
    def importable(self) -> bool:
        return self.parse_identifier is not None


OURS = SupportedType(OUR_TYPE, "model package", parse_identifier=parse_package, detects_drift=True)
GROUP = SupportedType(
    GROUP_TYPE,
    "model package group",
    parse_identifier=parse_group,
    detects_drift=True,
    properties=frozenset(
        {
            "ModelPackageGroupName",
            "ModelPackageGroupDescription",
            "ModelPackageGroupPolicy",
            "Tags",
        }
    ),
)
# what the CDK adds to a synthesized template: CloudFormation records it and calls nothing
CDK_METADATA = SupportedType(CDK_METADATA_TYPE, "CDK metadata")

SUPPORTED = {entry.name: entry for entry in (OURS, GROUP, CDK_METADATA)}
IMPORTABLE = {name: entry for name, entry in SUPPORTED.items() if entry.importable}
# Types people write that the driver knows a replacement for
INSTEAD = {"AWS::SageMaker::ModelPackage": f"use {OUR_TYPE}, a drop-in"}
