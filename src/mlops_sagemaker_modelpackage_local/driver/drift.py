"""`--drift`: drift detection as CloudFormation runs it, after each revision.

Every resource of our type and every AWS::SageMaker::ModelPackageGroup (its description, tags
and resource policy) is READ with only the primary identifier; each property the template sets
explicitly is compared with what READ returns (scalars as CloudFormation compares them, as
strings; arrays the schema marks `insertionOrder: false`, and the tags, in any order; a JSON
document property as one document whatever its form, schema.same_document; keys of objects the
template does not set are ignored unless the object is a map); where they differ, the schema's
`propertyTransform` is applied to the expected value and compared again. Each difference is
reported with its property path, expected and actual values and ADD / REMOVE / NOT_EQUAL; the
resource is IN_SYNC or MODIFIED.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlops_sagemaker_modelpackage.json_types import Json

from .provisioners import StackFailure
from .schema import TypeSchema, as_sent, property_names, same_document, type_schema
from .supported import SUPPORTED

if TYPE_CHECKING:
    from .stack import Stack


@dataclass(frozen=True)
class Difference:
    path: str
    expected: Any
    actual: Any
    kind: str  # ADD, REMOVE, NOT_EQUAL

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.kind} expected {json.dumps(self.expected)} "
            f"actual {json.dumps(self.actual)}"
        )


def detect(stack: Stack) -> bool:
    """Drift of every resource of a type that detects it (supported.py); prints one event per
    resource. True if in sync."""
    in_sync = True
    for resource in stack.resources.values():
        if not SUPPORTED[resource.type].detects_drift:
            continue
        try:
            actual = stack.provisioners[resource.type].read(resource)
        except StackFailure as failure:
            stack.events(resource.logical_id, "DRIFT DELETED", str(failure))
            in_sync = False
            continue
        schema = type_schema(resource.type)
        differences = compare(schema, resource.properties, actual)
        status = "DRIFT MODIFIED" if differences else "DRIFT IN_SYNC"
        stack.events(resource.logical_id, status, "; ".join(map(str, differences)))
        notes = explain(schema, resource.properties, differences)
        for note in notes:
            stack.events.note(f"note: {note}")
        stack.story.append(f"drift {resource.logical_id}: {status.split()[1]}")
        stack.story += [f"  {d}" for d in differences]
        stack.story += [f"  note: {note}" for note in notes]
        in_sync = in_sync and not differences
    return in_sync


def compare(schema: TypeSchema, expected: Json, actual: Json) -> list[Difference]:
    """Differences of the properties `expected` sets, as CloudFormation's drift detection."""
    differences: list[Difference] = []
    write_only = property_names(schema.document.get("writeOnlyProperties", []))
    for name, value in expected.items():
        if name in write_only:  # READ never returns them: CloudFormation does not compare them
            continue
        node = schema.document["properties"].get(name, {})
        if name in schema.documents:
            if actual.get(name) is None:
                differences.append(Difference(f"/{name}", value, None, "REMOVE"))
            elif not same_document(value, actual[name]):
                differences.append(Difference(f"/{name}", value, actual[name], "NOT_EQUAL"))
            continue
        tags = name == schema.tag_property
        if tags and isinstance(value, list) and isinstance(actual.get(name), list):
            differences += _unordered(f"/{name}", value, actual[name])  # keys, in any order
            continue
        found = _differences(schema, node, f"/{name}", value, actual.get(name))
        if found and name in schema.transforms:
            transformed = transform(schema.transforms[name], expected, actual.get(name))
            if transformed is not None and _same(transformed, actual.get(name)):
                continue
        differences += found
    return differences


def explain(schema: TypeSchema, expected: Json, differences: list[Difference]) -> list[str]:
    """Why a difference is reported that no change outside the stack made: an item a write-only
    property of the template appended (same schema as the property READ returns it under)."""
    write_only = property_names(schema.document.get("writeOnlyProperties", []))
    properties = schema.document["properties"]
    notes = []
    for name in sorted(write_only & set(expected)):
        shape = _node(schema, properties.get(name, {}))  # descriptions aside
        for difference in differences:
            target = difference.path.split("/")[1]
            if (
                target in write_only
                or _node(schema, properties.get(target, {})) != shape
                or difference.kind != "ADD"
                or not any(_covers(difference.actual, item) for item in expected[name] or [])
            ):
                continue
            notes.append(
                f"{difference.path} was appended by {name} (write-only), and READ returns it "
                f"under {target}: CloudFormation compares {target} with what READ returns, so it "
                f"reports this as drift although nothing changed outside the stack. Expected "
                f"while both are in the template: {target} holds only what the package was "
                f"created with (changing it replaces the package)"
            )
    return notes


def _covers(actual: Any, item: Any) -> bool:
    """`actual` is `item` as READ returns it (it may add what SageMaker fills in)."""
    if isinstance(actual, dict) and isinstance(item, dict):
        return all(k in actual and _same(v, actual[k]) for k, v in item.items())
    return _same(item, actual)


def _node(schema: TypeSchema, node: Json) -> Json:
    while "$ref" in node:
        node = schema.document["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _same(expected: Any, actual: Any) -> bool:
    return bool(as_sent(expected) == as_sent(actual))


def _differences(
    schema: TypeSchema, node: Json, path: str, expected: Any, actual: Any
) -> list[Difference]:
    node = _node(schema, node)
    if actual is None:
        return [Difference(path, expected, None, "REMOVE")]
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        declared = node.get("properties", {})
        for key, value in expected.items():
            sub = declared.get(key, node.get("additionalProperties") or {})
            if not isinstance(sub, dict):
                sub = {}
            found += _differences(schema, sub, f"{path}/{key}", value, actual.get(key))
        if not declared:  # a map: keys the template lacks are drift too
            found += [
                Difference(f"{path}/{key}", None, value, "ADD")
                for key, value in actual.items()
                if key not in expected
            ]
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        items = node.get("items", {})
        if node.get("insertionOrder", True) is False:
            return _unordered(path, expected, actual)
        found = []
        for index in range(max(len(expected), len(actual))):
            here = f"{path}/{index}"
            if index >= len(actual):
                found.append(Difference(here, expected[index], None, "REMOVE"))
            elif index >= len(expected):
                found.append(Difference(here, None, actual[index], "ADD"))
            else:
                found += _differences(schema, items, here, expected[index], actual[index])
        return found
    if _same(expected, actual):
        return []
    return [Difference(path, expected, actual, "NOT_EQUAL")]


def _unordered(path: str, expected: list[Any], actual: list[Any]) -> list[Difference]:
    wanted = [json.dumps(as_sent(v), sort_keys=True) for v in expected]
    found = [json.dumps(as_sent(v), sort_keys=True) for v in actual]
    differences = [
        Difference(f"{path}/{i}", expected[i], None, "REMOVE")
        for i, key in enumerate(wanted)
        if key not in found
    ]
    differences += [
        Difference(f"{path}/{i}", None, actual[i], "ADD")
        for i, key in enumerate(found)
        if key not in wanted
    ]
    return differences


# ---------------------------------------------------------------- propertyTransform (JSONata)

_PIECE = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\$OR|\$[a-z]+|[A-Za-z_][\w.]*|-?\d+|[\[\](),&])')


def transform(expression: str, expected: Json, actual: Any) -> Any:
    """The subset of JSONata that property transforms use: string literals, property paths,
    `&`, `$join`, `$split`, `$lowercase`, `$uppercase`, `[index]`, and CloudFormation's `$OR`
    (alternatives: the one equal to `actual` wins). None when the expression is beyond it."""
    try:
        alternatives = [a for a in re.split(r"\s+\$OR\s+", expression.strip()) if a]
        values = [_Parser(alternative, expected).value() for alternative in alternatives]
    except (ValueError, IndexError, KeyError, TypeError):
        return None
    return next((v for v in values if _same(v, actual)), values[0] if values else None)


class _Parser:
    def __init__(self, text: str, model: Json) -> None:
        self.pieces: list[str] = _PIECE.findall(text)
        if "".join(self.pieces).replace(" ", "") != re.sub(r"\s", "", text):
            raise ValueError(text)
        self.model = model
        self.position = 0

    def value(self) -> Any:
        result = self._concatenation()
        if self.position != len(self.pieces):
            raise ValueError("trailing pieces")
        return result

    def _take(self, expected: str | None = None) -> str:
        piece = self.pieces[self.position]
        if expected is not None and piece != expected:
            raise ValueError(f"{expected} expected, found {piece}")
        self.position += 1
        return piece

    def _peek(self) -> str | None:
        return self.pieces[self.position] if self.position < len(self.pieces) else None

    def _concatenation(self) -> Any:
        result = self._indexed()
        while self._peek() == "&":
            self._take()
            result = f"{result}{self._indexed()}"
        return result

    def _indexed(self) -> Any:
        result = self._primary()
        while self._peek() == "[":
            self._take()
            index = int(self._take())
            self._take("]")
            result = result[index]
        return result

    def _primary(self) -> Any:
        piece = self._take()
        if piece.startswith('"'):
            return json.loads(piece)
        if piece == "[":
            items = [self._concatenation()]
            while self._peek() == ",":
                self._take()
                items.append(self._concatenation())
            self._take("]")
            return items
        if piece.startswith("$"):
            self._take("(")
            arguments = [self._concatenation()]
            while self._peek() == ",":
                self._take()
                arguments.append(self._concatenation())
            self._take(")")
            return _FUNCTIONS[piece](*arguments)
        value: Any = self.model
        for part in piece.split("."):
            value = value[part]
        return value


_FUNCTIONS: dict[str, Any] = {
    "$join": lambda items, separator="": str(separator).join(map(str, items)),
    "$split": lambda text, separator: str(text).split(str(separator)),
    "$lowercase": lambda text: str(text).lower(),
    "$uppercase": lambda text: str(text).upper(),
}
