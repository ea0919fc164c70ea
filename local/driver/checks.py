"""The checks CloudFormation makes on a template before a stack operation starts.

Resource types the driver supports, references to parameters and resources (with the type's
`Fn::GetAtt` attributes), conditions, intrinsic functions. Properties are resolved against
placeholders for what only exists once deployed: a resource's ARN, its attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .intrinsics import TemplateError
from .schema import GROUP_TYPE, type_schema
from .template import Template

Json = dict[str, Any]
SUPPORTED_TYPES = ("MLOps::SageMaker::ModelPackage", GROUP_TYPE)
GROUP_PROPERTIES = {"ModelPackageGroupName", "ModelPackageGroupDescription", "Tags"}
ACCOUNT = "123456789012"
REGION = "us-east-1"


def pseudo_parameters(stack_name: str, stack_id: str, account: str, region: str) -> dict[str, str]:
    return {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id,
        "AWS::Partition": "aws",
    }


def get_att_check(types: dict[str, str]) -> Callable[[str, str], None]:
    """Refuses Fn::GetAtt of an unknown resource or of an attribute its type does not have."""

    def check(logical_id: str, attribute: str) -> None:
        if logical_id not in types:
            raise TemplateError(
                f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}"
            )
        attributes = type_schema(types[logical_id]).attributes
        if attribute not in attributes:
            raise TemplateError(
                f"Template error: resource {logical_id} does not support attribute type "
                f"{attribute} in Fn::GetAtt (its type {types[logical_id]} has "
                f"{', '.join(sorted(attributes))})"
            )

    return check


def placeholder(type_name: str, logical_id: str, attribute: str | None, generation: int) -> str:
    """What a Ref or Fn::GetAtt stands for before deploy; `generation` counts replacements."""
    suffix = "" if generation == 0 else f"-{generation}"
    if attribute is None or attribute == type_schema(type_name).identifier:
        kind = "model-package-group" if type_name == GROUP_TYPE else "model-package"
        return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{logical_id.lower()}{suffix}"
    if attribute == "ModelPackageVersion":
        return str(1 + generation)
    return f"{logical_id}.{attribute}{suffix}"


@dataclass
class Resolved:
    """A template with every resource's properties resolved against placeholders."""

    template: Template
    properties: dict[str, Json] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    policies: dict[str, dict[str, str]] = field(default_factory=dict)
    generations: dict[str, int] = field(default_factory=dict)


def resolve_statically(
    template: Template,
    stack_name: str = "stack",
    generations: dict[str, int] | None = None,
) -> Resolved:
    """Check `template` as CloudFormation does before starting; raises TemplateError."""
    pseudo = pseudo_parameters(
        stack_name,
        f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/id",
        ACCOUNT,
        REGION,
    )
    types: dict[str, str] = {}
    for logical_id, spec in template.declared.items():
        if spec.get("Type") not in SUPPORTED_TYPES:
            raise TemplateError(
                f"{logical_id}: resource type {spec.get('Type')} is not supported locally"
            )
        types[logical_id] = spec["Type"]
        if spec["Type"] == GROUP_TYPE:
            unsupported = sorted(set(spec.get("Properties", {})) - GROUP_PROPERTIES)
            if unsupported:
                raise TemplateError(f"{logical_id}: {', '.join(unsupported)} not supported locally")
    generation = generations or {}
    check_get_att = get_att_check(types)
    conditions = template.conditions(pseudo)
    included = template.resources(conditions)

    def ref(name: str) -> str:
        if name not in included:
            raise TemplateError(f"Template format error: Unresolved resource dependencies [{name}]")
        return placeholder(types[name], name, None, generation.get(name, 0))

    def get_att(name: str, attribute: str) -> Any:
        check_get_att(name, attribute)
        if name not in included:
            raise TemplateError(f"Fn::GetAtt {name}.{attribute}: its condition leaves {name} out")
        return placeholder(types[name], name, attribute, generation.get(name, 0))

    resolver = template.resolver(pseudo, ref, get_att)
    resolved = Resolved(
        template, types=types, order=template.order(included), generations=dict(generation)
    )
    for logical_id in resolved.order:
        spec = included[logical_id]
        resolved.properties[logical_id] = resolver.resolve(spec.get("Properties", {}))
        resolved.policies[logical_id] = {
            policy: spec.get(policy, "Delete")
            for policy in ("DeletionPolicy", "UpdateReplacePolicy")
        }
    for name, value in (template.body.get("Outputs") or {}).items():
        if isinstance(value, dict) and "Value" in value:
            try:
                resolver.resolve(value["Value"])
            except TemplateError as error:
                raise TemplateError(f"Outputs {name}: {error}") from error
    return resolved
