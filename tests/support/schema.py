"""Read our resource schema and the published AWS::SageMaker::ModelPackage schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlops_sagemaker_modelpackage.json_types import Json

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "mlops-sagemaker-modelpackage.json"


@cache
def our_schema() -> Json:
    schema: Json = json.loads(SCHEMA_PATH.read_text())
    return schema


@cache
def published_schema() -> Json:
    """The published schema as cfn-lint ships it (providers/us-east-1.json names the file)."""
    data = resources.files("cfnlint") / "data" / "schemas"
    providers = json.loads((data / "providers" / "us-east-1.json").read_text())
    name = providers["AWS::SageMaker::ModelPackage"]
    schema: Json = json.loads((data / "resources" / f"{name}.json").read_text())
    return schema


def resolve(schema: Json, node: Json) -> Json:
    """Follow local $refs until a node without one."""
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**schema["definitions"][name], **merged}
    return node


def walk(schema: Json, node: Json, path: str = "") -> Iterator[tuple[str, Json]]:
    """Every (path, resolved node) below `node`, depth first, each definition expanded."""
    node = resolve(schema, node)
    yield path, node
    if node.get("type") == "array":
        yield from walk(schema, node["items"], path + "[]")
    for name, sub in node.get("properties", {}).items():
        yield from walk(schema, sub, f"{path}/{name}")
    for pattern, sub in node.get("patternProperties", {}).items():
        yield from walk(schema, sub, f"{path}/<{pattern}>")


def top_properties(schema: Json, pointer_list: str) -> set[str]:
    return {p.rsplit("/", 1)[-1] for p in schema.get(pointer_list, [])}


# Where every pattern ends: `$` alone also matches before a final newline (Java's find(), which
# CloudFormation's validator uses, as Python's re.search), so "name\n" (a YAML block scalar)
# would pass a pattern SageMaker matches whole and refuses. `(?!\n)` makes `$` the true end.
PATTERN_END = "$(?!\\n)"


def example_value(schema: Json, node: Json) -> Any:  # noqa: PLR0911
    """A value for every property of `node`: exercises every generated model class."""
    node = resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        if "patternProperties" in node:
            return {"KEY_1": "value"}
        return {n: example_value(schema, sub) for n, sub in node.get("properties", {}).items()}
    if kind == "array":
        return [example_value(schema, node["items"])]
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    return "x"


def schema_errors(properties: Json) -> list[str]:
    """Every way `properties` breaks our schema, root rules included, checked as CloudFormation
    checks them (Java's regex dialect, scalars as strings: local/driver/schema.py's validator)."""
    from mlops_sagemaker_modelpackage_local.driver.schema import (  # noqa: PLC0415 - tests only
        CloudFormationValidator,
        properties_document,
    )

    validator = CloudFormationValidator(properties_document(our_schema()))
    return sorted(
        f"#{''.join(f'/{p}' for p in error.absolute_path)}: {error.validator}: {error.message}"
        for error in validator.iter_errors(properties)
    )
