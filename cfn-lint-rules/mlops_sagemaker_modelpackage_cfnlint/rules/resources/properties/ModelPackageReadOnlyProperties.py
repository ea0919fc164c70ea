"""W9001: a read-only property of `MLOps::SageMaker::ModelPackage` set in a template.

CloudFormation does not pass a read-only property to the handler, so the value has no effect.
cfn-lint's E3040 says so for AWS types only (and as an error); this is a warning that names the
`!GetAtt` to read the value with.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path
from typing import ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

# cfn-lint loads a rule file by its path, outside any package: from a copied cfn-lint-rules/
# folder (.cfnlintrc) the package holding it is importable once that folder is on the path.
if find_spec("mlops_sagemaker_modelpackage_cfnlint") is None:
    sys.path.append(str(Path(__file__).resolve().parents[4]))

from mlops_sagemaker_modelpackage_cfnlint import registry


class ModelPackageReadOnlyProperties(CloudFormationLintRule):  # type: ignore[misc]
    """A read-only property set in a template: CloudFormation ignores it."""

    id = "W9001"
    shortdesc = f"{registry.TYPE_NAME} read-only properties are not set in templates"
    description = (
        f"Warns when a template sets a read-only property of {registry.TYPE_NAME} (its registry "
        "schema's readOnlyProperties): CloudFormation does not pass it to the handler, so the "
        "value has no effect; read it with Fn::GetAtt instead."
    )
    source_url = "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html#schema-properties-readonlyproperties"
    tags: ClassVar[list[str]] = ["resources", "properties", "registry"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        schema = registry.schema(cfn.regions[0])
        if schema is None:
            return []
        read_only = registry.read_only(schema)
        matches: list[RuleMatch] = []
        for name, resource in cfn.template.get("Resources", {}).items():
            if not isinstance(resource, dict) or resource.get("Type") != registry.TYPE_NAME:
                continue
            properties = resource.get("Properties")
            if not isinstance(properties, dict):
                continue
            for prop in properties:
                if prop in read_only:
                    matches.append(
                        RuleMatch(
                            ["Resources", name, "Properties", prop],
                            f"{prop} is read-only: CloudFormation ignores a value set in a "
                            f"template; read it with !GetAtt {name}.{prop}",
                        )
                    )
        return matches
