"""E9001: every property of `MLOps::SageMaker::ModelPackage` against its registry schema.

cfn-lint 1.58 knows a registry type's schema (`--registry-schemas`), but its property rule
(E3002) looks types up in the bundled provider list only, where a registry type never is, so it
checks nothing of this one. This rule runs cfn-lint's own property validation (the same keywords
and child rules as E3002: E3002 unknown property, E3003 required, E3012 type, E3030 enum, E3031
pattern, E3032/E3033 counts and lengths, ...) with the registry schema, reported under its own
id, each message naming the check it mirrors. The root `allOf` is left to E9002 (its messages
say why) and `readOnlyProperties` to W9001 (a warning, not cfn-lint's E3040 error). Its "Did you
mean" names the closest property (cfn-lint's names the first close one in schema order:
`ModelPackageDescripton` got `ModelPackageVersion`), and never one that is read-only or that the
schema's rules across properties forbid beside those set (a version's `ModelPackageNam` does not
get `ModelPackageName`, which would make it unversioned).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from difflib import SequenceMatcher
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from cfnlint.jsonschema import ValidationError, Validator
from cfnlint.jsonschema._keywords import additionalProperties
from cfnlint.jsonschema._utils import find_additional_properties
from cfnlint.rules.resources.properties import Properties as _properties

# cfn-lint loads a rule file by its path, outside any package: from a copied cfn-lint-rules/
# folder (.cfnlintrc) the package holding it is importable once that folder is on the path.
if find_spec("mlops_sagemaker_modelpackage_cfnlint") is None:
    sys.path.append(str(Path(__file__).resolve().parents[4]))

from mlops_sagemaker_modelpackage_cfnlint import registry

# cfn-lint's threshold for "Did you mean" (jsonschema/_keywords.py additionalProperties)
_CLOSE = 0.8


def _ruled_out(schema: dict[str, Any], present: set[str]) -> set[str]:
    """The properties the schema's rules across properties (root `allOf` of `dependencies`)
    forbid beside those `present`: what a rule rules out (a `maxLength`/`maxItems` of 0) when its
    trigger is set, a trigger whose rule rules out one that is set, and a property that needs one
    of those."""
    out: set[str] = set()
    needs: dict[str, list[str]] = {}
    for rule in schema.get("allOf", []):
        for trigger, dependency in rule.get("dependencies", {}).items():
            if isinstance(dependency, list):
                needs[trigger] = dependency
                continue
            forbidden = {
                name
                for name, limit in dependency.get("properties", {}).items()
                if limit is False or limit.get("maxLength") == 0 or limit.get("maxItems") == 0
            }
            if trigger in present:
                out |= forbidden
            if forbidden & present:
                out.add(trigger)
    return out | {name for name, required in needs.items() if set(required) & out}


def _suggesting(read_only: set[str], schema: dict[str, Any]) -> Any:
    """cfn-lint's `additionalProperties` keyword, with a "Did you mean" that names the closest
    property, and at the resource's top level never a read-only one or one the rules across
    properties forbid beside the properties set (`_ruled_out`): rather no suggestion."""
    top = schema["properties"]

    def additional(
        validator: Validator, allowed: Any, instance: Any, where: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if allowed is not False or not validator.is_type(instance, "object"):
            yield from additionalProperties(validator, allowed, instance, where)
            return
        if "patternProperties" in where:
            yield from additionalProperties(validator, allowed, instance, where)
            return
        names = list(where.get("properties", {}))
        excluded = (
            (read_only | _ruled_out(schema, set(instance)))
            if where.get("properties") is top
            else set()
        )
        for extra in sorted(find_additional_properties(validator, instance, where)):
            ratios = {name: SequenceMatcher(a=extra, b=name).ratio() for name in names}
            closest = max(ratios, key=lambda name: ratios[name], default=None)
            message = f"Additional properties are not allowed ({extra!r} was unexpected"
            if closest is not None and ratios[closest] > _CLOSE and closest not in excluded:
                message += f". Did you mean {closest!r}?"
            yield ValidationError(f"{message})", path=[extra])

    return additional


class ModelPackageProperties(_properties.Properties):  # type: ignore[misc]
    """Every property against the registry schema, with cfn-lint's own checks."""

    id = "E9001"
    shortdesc = f"{registry.TYPE_NAME} properties follow the type's registry schema"
    description = (
        f"Validates the properties of each {registry.TYPE_NAME} against the schema loaded with "
        "--registry-schemas, as cfn-lint's E3002 does for AWS types (which skips registry "
        "types): unknown or misspelt properties, types, enums, patterns, lengths, counts and "
        "required members; each message names the cfn-lint check it mirrors (E3002, E3003, "
        "E3012, E3030, E3031, E3032, E3033, ...)."
    )
    source_url = (
        "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/getting_started/rules.md"
    )
    tags: ClassVar[list[str]] = ["resources", "properties", "registry"]

    def validate(
        self, validator: Validator, _: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        properties = registry.our_properties(validator, instance)
        if properties is None or registry.cfn_lint_checks_it(validator.context.regions):
            return
        for region in validator.context.regions:
            full = registry.schema(region)
            if full is None:
                continue
            # The rules across properties are E9002's, the read-only ones W9001's.
            checked = {k: v for k, v in full.items() if k not in {"allOf", "readOnlyProperties"}}
            region_validator = registry.resource_validator(validator, instance)
            region_validator = region_validator.evolve(
                context=region_validator.context.evolve(regions=[region])
            )
            region_validator = self.extend_validator(
                region_validator,
                checked,
                region_validator.context.evolve(),
                {"additionalProperties": _suggesting(set(registry.read_only(full)), full)},
            )
            for err in self._validate(region_validator, properties):
                err.path.appendleft("Properties")
                yield self._as_ours(err)
            return  # one schema for every region: a registry schema is not regional

    def _as_ours(self, err: ValidationError) -> ValidationError:
        """Report a property finding under E9001 (so `--ignore-checks E9001` and a template's
        `ignore_checks` govern it), naming the cfn-lint check it mirrors for AWS types; findings
        of the intrinsic-function rules (E1xxx) keep their own ids."""
        mirrored = getattr(err.rule, "id", None)
        if err.rule is self or err.rule in self.child_rules.values():
            if mirrored and mirrored != self.id:
                err.message = f"{err.message} (cfn-lint's {mirrored} for AWS types)"
            err.rule = self
        err.context = [self._as_ours(c) for c in err.context]
        return err
