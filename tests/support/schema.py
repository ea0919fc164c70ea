"""Read our resource schema and the published AWS::SageMaker::ModelPackage schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "mlops-sagemaker-modelpackage.json"

JsonObject = dict[str, Any]


@cache
def our_schema() -> JsonObject:
    schema: JsonObject = json.loads(SCHEMA_PATH.read_text())
    return schema


@cache
def published_schema() -> JsonObject:
    """The published schema as cfn-lint ships it (providers/us-east-1.json names the file)."""
    data = resources.files("cfnlint") / "data" / "schemas"
    providers = json.loads((data / "providers" / "us-east-1.json").read_text())
    name = providers["AWS::SageMaker::ModelPackage"]
    schema: JsonObject = json.loads((data / "resources" / f"{name}.json").read_text())
    return schema


def resolve(schema: JsonObject, node: JsonObject) -> JsonObject:
    """Follow local $refs until a node without one."""
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        merged = {k: v for k, v in node.items() if k != "$ref"}
        node = {**schema["definitions"][name], **merged}
    return node


def walk(schema: JsonObject, node: JsonObject, path: str = "") -> Iterator[tuple[str, JsonObject]]:
    """Every (path, resolved node) below `node`, depth first, each definition expanded."""
    node = resolve(schema, node)
    yield path, node
    if node.get("type") == "array":
        yield from walk(schema, node["items"], path + "[]")
    for name, sub in node.get("properties", {}).items():
        yield from walk(schema, sub, f"{path}/{name}")
    for pattern, sub in node.get("patternProperties", {}).items():
        yield from walk(schema, sub, f"{path}/<{pattern}>")


def top_properties(schema: JsonObject, pointer_list: str) -> set[str]:
    return {p.rsplit("/", 1)[-1] for p in schema.get(pointer_list, [])}
