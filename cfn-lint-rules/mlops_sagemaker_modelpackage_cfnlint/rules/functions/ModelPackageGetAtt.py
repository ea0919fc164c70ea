"""E9003: `Fn::GetAtt` (and `${Resource.Attribute}` in `Fn::Sub`) on a
`MLOps::SageMaker::ModelPackage` names one of its attributes (its registry schema's read-only
properties).

cfn-lint's E1010 looks types up in the bundled provider list only, where a registry type never
is, so it checks no attribute of this one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.template import Template

# cfn-lint loads a rule file by its path, outside any package: from a copied cfn-lint-rules/
# folder (.cfnlintrc) the package holding it is importable once that folder is on the path.
if find_spec("mlops_sagemaker_modelpackage_cfnlint") is None:
    sys.path.append(str(Path(__file__).resolve().parents[3]))

from mlops_sagemaker_modelpackage_cfnlint import registry

_SUB_REFERENCE = re.compile(r"\$\{([^!}][^}]*)\}")


class ModelPackageGetAtt(CloudFormationLintRule):  # type: ignore[misc]
    """Fn::GetAtt (and ${Resource.Attribute} in Fn::Sub) names a read-only attribute."""

    id = "E9003"
    shortdesc = f"Fn::GetAtt of {registry.TYPE_NAME} names one of its attributes"
    description = (
        f"Checks that every Fn::GetAtt, and every ${{Resource.Attribute}} in Fn::Sub, on a "
        f"{registry.TYPE_NAME} names one of the read-only properties of its registry schema "
        "(cfn-lint's E1010 skips registry types)."
    )
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html"
    tags: ClassVar[list[str]] = ["functions", "getatt", "registry"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        schema = registry.schema(cfn.regions[0])
        if schema is None or registry.cfn_lint_checks_it(cfn.regions):
            return []
        resources = cfn.template.get("Resources", {})
        ours = {
            name
            for name, resource in resources.items()
            if isinstance(resource, dict) and resource.get("Type") == registry.TYPE_NAME
        }
        if not ours:
            return []
        attributes = registry.read_only(schema)
        matches: list[RuleMatch] = []
        for path, resource, attribute in _references(cfn.template, []):
            if resource in ours and attribute not in attributes:
                matches.append(
                    RuleMatch(
                        path,
                        f"{resource} ({registry.TYPE_NAME}) has no attribute {attribute!r}; its "
                        f"attributes are {', '.join(attributes)}",
                    )
                )
        return matches


def _references(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], str, str]]:
    """(path, resource, attribute) of every Fn::GetAtt and `${A.B}` of Fn::Sub under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = [*path, key]
            if key == "Fn::GetAtt":
                parts = value.split(".", 1) if isinstance(value, str) else value
                if (
                    isinstance(parts, list)
                    and len(parts) == 2
                    and all(isinstance(p, str) for p in parts)
                ):
                    yield here, parts[0], parts[1]
                continue
            if key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                if isinstance(text, str):
                    for found in _SUB_REFERENCE.finditer(text):
                        name, _, attribute = found.group(1).partition(".")
                        if attribute:
                            yield here, name, attribute
            yield from _references(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, [*path, index])
