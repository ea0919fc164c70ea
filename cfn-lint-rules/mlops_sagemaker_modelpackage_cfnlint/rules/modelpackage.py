"""cfn-lint rules for `MLOps::SageMaker::ModelPackage`, read from its registry schema.

Load with `--registry-schemas <this package>/schemas --append-rules <this package>/rules` (see
the project README, "Linting templates"). cfn-lint 1.58 knows a registry type's schema, but its
property rule (E3002) and its `Fn::GetAtt` rule (E1010) look types up in the bundled provider
list only (`get_resource_schemas_by_regions`), where a registry type never is, so they check
nothing of it. These rules close that gap:

- E9001 runs cfn-lint's own property validation (the same keywords and child rules as E3002: E3002
  unknown property, E3003 required, E3012 type, E3030 enum, E3031 pattern, E3032/E3033 counts
  and lengths, ...) with the registry schema, reported under its own id, each message naming the
  check it mirrors; the root `allOf` is left to E9002 (its messages
  say why) and `readOnlyProperties` to W9001 (a warning, not cfn-lint's E3040 error). Its "Did
  you mean" names the closest property (cfn-lint's names the first close one in schema order:
  `ModelPackageDescripton` got `ModelPackageVersion`), and never one that is read-only or that
  the schema's rules across properties forbid beside those set (a version's
  `ModelPackageNam` does not get `ModelPackageName`, which would make it unversioned).
- E9002 checks the schema's rules across properties (root `allOf` of `dependencies`) and words
  each failure with the rule's own description.
- E9003 checks `Fn::GetAtt` (and `${Resource.Attribute}` in `Fn::Sub`) against the schema's
  read-only properties.
- W9001 warns about read-only properties set in a template: CloudFormation ignores them.

This module imports only cfn-lint and the standard library: cfn-lint loads it by file name from
the rules folder (or as `mlops_sagemaker_modelpackage_cfnlint.rules.modelpackage` once installed).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any, ClassVar

from cfnlint.helpers import FUNCTIONS
from cfnlint.jsonschema import ValidationError, Validator
from cfnlint.jsonschema._keywords import additionalProperties
from cfnlint.jsonschema._utils import find_additional_properties
from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.rules.resources.properties import Properties as _properties
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER
from cfnlint.template import Template

TYPE_NAME = "MLOps::SageMaker::ModelPackage"
_SUB_REFERENCE = re.compile(r"\$\{([^!}][^}]*)\}")
# cfn-lint's threshold for "Did you mean" (jsonschema/_keywords.py additionalProperties)
_CLOSE = 0.8


def _schema(region: str) -> dict[str, Any] | None:
    """The type's registry schema (from `--registry-schemas`), or None when it is not loaded."""
    try:
        schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
            region, TYPE_NAME
        ).schema
    except Exception:  # noqa: BLE001 - cfn-lint's ResourceNotFoundError lives in a private module
        return None  # E3006 already says the type is unknown
    return schema


def _cfn_lint_checks_it(regions: list[str]) -> bool:
    """Whether cfn-lint's own E3002 and E1010 see the type (a cfn-lint that lists registry types
    there): E9001 and E9003 then stand aside rather than report everything twice."""
    return any(
        True for _ in PROVIDER_SCHEMA_MANAGER.get_resource_schemas_by_regions(TYPE_NAME, regions)
    )


def _read_only(schema: dict[str, Any]) -> list[str]:
    """Top-level read-only property names (`/properties/X`)."""
    prefix = "/properties/"
    return [p[len(prefix) :] for p in schema.get("readOnlyProperties", []) if p.startswith(prefix)]


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


def _resource_validator(validator: Validator, instance: dict[str, Any]) -> Validator:
    """The validator as cfn-lint's E3002 prepares it for a resource's properties."""
    conditions = {}
    if validator.is_type(instance.get("Condition"), "string"):
        conditions = {instance["Condition"]: True}
    validator = validator.evolve(
        context=validator.context.evolve(
            functions=list(FUNCTIONS),
            strict_types=False,
            conditions=validator.context.conditions.evolve(conditions),
        ),
        function_filter=validator.function_filter.evolve(add_cfn_lint_keyword=True),
    )
    return validator.evolve(
        context=validator.context.evolve(
            path=validator.context.path.evolve(
                cfn_path=deque(["Resources", TYPE_NAME, "Properties"])
            ).descend(path="Properties"),
        )
    )


def _our_properties(validator: Validator, instance: Any) -> dict[str, Any] | None:
    if not validator.is_type(instance, "object") or instance.get("Type") != TYPE_NAME:
        return None
    properties = instance.get("Properties", {})
    return properties if validator.is_type(properties, "object") else None


class ModelPackageProperties(_properties.Properties):  # type: ignore[misc]
    """Every property against the registry schema, with cfn-lint's own checks."""

    id = "E9001"
    shortdesc = f"{TYPE_NAME} properties follow the type's registry schema"
    description = (
        f"Validates the properties of each {TYPE_NAME} against the schema loaded with "
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
        properties = _our_properties(validator, instance)
        if properties is None or _cfn_lint_checks_it(validator.context.regions):
            return
        for region in validator.context.regions:
            full = _schema(region)
            if full is None:
                continue
            # The rules across properties are E9002's, the read-only ones W9001's.
            checked = {k: v for k, v in full.items() if k not in {"allOf", "readOnlyProperties"}}
            region_validator = _resource_validator(validator, instance)
            region_validator = region_validator.evolve(
                context=region_validator.context.evolve(regions=[region])
            )
            region_validator = self.extend_validator(
                region_validator,
                checked,
                region_validator.context.evolve(),
                {"additionalProperties": _suggesting(set(_read_only(full)), full)},
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


class ModelPackageCrossPropertyRules(_properties.CfnLintJsonSchema):  # type: ignore[misc]
    """The schema's rules across properties, each failure worded with the rule's reason."""

    id = "E9002"
    shortdesc = f"{TYPE_NAME} rules across properties"
    description = (
        f"Checks the rules across properties in the root allOf of the {TYPE_NAME} schema "
        "(dependencies: a property that needs another, or that rules another out) and "
        "explains each failure with the rule's description."
    )
    source_url = "https://json-schema.org/understanding-json-schema/reference/conditionals"
    tags: ClassVar[list[str]] = ["resources", "properties", "registry"]

    def __init__(self) -> None:
        super().__init__(keywords=["Resources/*"], all_matches=True)

    def validate(
        self, validator: Validator, _: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        properties = _our_properties(validator, instance)
        if properties is None:
            return
        full = _schema(validator.context.regions[0])
        if full is None:
            return
        base = _resource_validator(validator, instance)
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


class ModelPackageGetAtt(CloudFormationLintRule):  # type: ignore[misc]
    """Fn::GetAtt (and ${Resource.Attribute} in Fn::Sub) names a read-only attribute."""

    id = "E9003"
    shortdesc = f"Fn::GetAtt of {TYPE_NAME} names one of its attributes"
    description = (
        f"Checks that every Fn::GetAtt, and every ${{Resource.Attribute}} in Fn::Sub, on a "
        f"{TYPE_NAME} names one of the read-only properties of its registry schema (cfn-lint's "
        "E1010 skips registry types)."
    )
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html"
    tags: ClassVar[list[str]] = ["functions", "getatt", "registry"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        schema = _schema(cfn.regions[0])
        if schema is None or _cfn_lint_checks_it(cfn.regions):
            return []
        resources = cfn.template.get("Resources", {})
        ours = {
            name
            for name, resource in resources.items()
            if isinstance(resource, dict) and resource.get("Type") == TYPE_NAME
        }
        if not ours:
            return []
        attributes = _read_only(schema)
        matches: list[RuleMatch] = []
        for path, resource, attribute in _references(cfn.template, []):
            if resource in ours and attribute not in attributes:
                matches.append(
                    RuleMatch(
                        path,
                        f"{resource} ({TYPE_NAME}) has no attribute {attribute!r}; its "
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


class ModelPackageReadOnlyProperties(CloudFormationLintRule):  # type: ignore[misc]
    """A read-only property set in a template: CloudFormation ignores it."""

    id = "W9001"
    shortdesc = f"{TYPE_NAME} read-only properties are not set in templates"
    description = (
        f"Warns when a template sets a read-only property of {TYPE_NAME} (its registry "
        "schema's readOnlyProperties): CloudFormation does not pass it to the handler, so the "
        "value has no effect; read it with Fn::GetAtt instead."
    )
    source_url = "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html#schema-properties-readonlyproperties"
    tags: ClassVar[list[str]] = ["resources", "properties", "registry"]

    def match(self, cfn: Template) -> list[RuleMatch]:
        schema = _schema(cfn.regions[0])
        if schema is None:
            return []
        read_only = _read_only(schema)
        matches: list[RuleMatch] = []
        for name, resource in cfn.template.get("Resources", {}).items():
            if not isinstance(resource, dict) or resource.get("Type") != TYPE_NAME:
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
