"""What the rules of `MLOps::SageMaker::ModelPackage` share: the type's registry schema as
cfn-lint holds it (`--registry-schemas`), and a validator prepared as cfn-lint's E3002 prepares
one for a resource's properties.

Imports only cfn-lint and the standard library. cfn-lint loads each rule file by its path, not
as part of this package: a rule file makes the package importable first (see any rule's head).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from cfnlint.helpers import FUNCTIONS
from cfnlint.jsonschema import Validator
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

TYPE_NAME = "MLOps::SageMaker::ModelPackage"


def schema(region: str) -> dict[str, Any] | None:
    """The type's registry schema (from `--registry-schemas`), or None when it is not loaded."""
    try:
        found: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
            region, TYPE_NAME
        ).schema
    except Exception:  # noqa: BLE001 - cfn-lint's ResourceNotFoundError lives in a private module
        return None  # E3006 already says the type is unknown
    return found


def cfn_lint_checks_it(regions: list[str]) -> bool:
    """Whether cfn-lint's own E3002 and E1010 see the type (a cfn-lint that lists registry types
    there): E9001 and E9003 then stand aside rather than report everything twice."""
    return any(
        True for _ in PROVIDER_SCHEMA_MANAGER.get_resource_schemas_by_regions(TYPE_NAME, regions)
    )


def read_only(found: dict[str, Any]) -> list[str]:
    """Top-level read-only property names (`/properties/X`) of the schema, in its order."""
    prefix = "/properties/"
    return [p[len(prefix) :] for p in found.get("readOnlyProperties", []) if p.startswith(prefix)]


def our_properties(validator: Validator, instance: Any) -> dict[str, Any] | None:
    """The Properties of a resource of this type (None for any other resource)."""
    if not validator.is_type(instance, "object") or instance.get("Type") != TYPE_NAME:
        return None
    properties = instance.get("Properties", {})
    return properties if validator.is_type(properties, "object") else None


def resource_validator(validator: Validator, instance: dict[str, Any]) -> Validator:
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
