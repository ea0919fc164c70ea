"""E9002: the rules across properties of `MLOps::SageMaker::ModelPackage` (its registry schema's
root `allOf` of `dependencies`), each failure worded with the rule's own description.

cfn-lint's E3002 skips registry types, and its messages for `dependencies` would not say why a
property needs or rules out another: a user reads "Tags cannot be set together with
ModelPackageGroupName" followed by the schema's reason.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.jsonschema import ValidationError, Validator
from cfnlint.rules.resources.properties import Properties as _properties

# cfn-lint loads a rule file by its path, outside any package: from a copied cfn-lint-rules/
# folder (.cfnlintrc) the package holding it is importable once that folder is on the path.
if find_spec("mlops_sagemaker_modelpackage_cfnlint") is None:
    sys.path.append(str(Path(__file__).resolve().parents[4]))

from mlops_sagemaker_modelpackage_cfnlint import registry


class ModelPackageCrossPropertyRules(_properties.CfnLintJsonSchema):  # type: ignore[misc]
    """The schema's rules across properties, each failure worded with the rule's reason."""

    id = "E9002"
    shortdesc = f"{registry.TYPE_NAME} rules across properties"
    description = (
        f"Checks the rules across properties in the root allOf of the {registry.TYPE_NAME} "
        "schema (dependencies: a property that needs another, or that rules another out) and "
        "explains each failure with the rule's description."
    )
    source_url = "https://json-schema.org/understanding-json-schema/reference/conditionals"
    tags: ClassVar[list[str]] = ["resources", "properties", "registry"]

    def __init__(self) -> None:
        super().__init__(keywords=["Resources/*"], all_matches=True)

    def validate(
        self, validator: Validator, _: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        properties = registry.our_properties(validator, instance)
        if properties is None:
            return
        full = registry.schema(validator.context.regions[0])
        if full is None:
            return
        base = registry.resource_validator(validator, instance)
        for rule in full.get("allOf", []):
            reason = rule.get("description", "")
            for trigger, dependency in rule.get("dependencies", {}).items():
                yield from self._check(base, full, properties, (trigger, dependency), reason)

    def _check(
        self,
        base: Validator,
        full: dict[str, Any],
        properties: dict[str, Any],
        rule: tuple[str, Any],
        reason: str,
    ) -> Iterator[ValidationError]:
        trigger, dependency = rule
        one_rule = {
            "definitions": full.get("definitions", {}),
            "dependencies": {trigger: dependency},
        }
        checker = base.extend(validators={})(schema=one_rule).evolve(
            cfn=base.cfn, context=base.context.evolve()
        )
        for err in checker.iter_errors(properties):
            if isinstance(dependency, list):
                missing = [name for name in dependency if name not in properties]
                message = f"{trigger} needs {' and '.join(missing)}: {reason}"
                path = deque(["Properties", trigger])
            else:
                offending = next((p for p in err.path if isinstance(p, str)), trigger)
                message = f"{offending} cannot be set together with {trigger}: {reason}"
                path = deque(["Properties", *err.path])
            yield ValidationError(message, path=path, rule=self, validator="dependencies")
