"""What CloudFormation knows of a resource type from its schema, and the checks it makes with it.

Before a handler runs CloudFormation validates the template's properties against the type's
schema (with its Java regex dialect, hence `regex` for `\\p{...}` classes) and reports failures in
its own words; `Fn::GetAtt` may name only the type's read-only properties; and the handler
receives every scalar as a string. The schema of AWS::SageMaker::ModelPackageGroup is the one
cfn-lint ships.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import regex
from jsonschema import Draft7Validator, ValidationError, validators

from mlops_sagemaker_modelpackage.json_types import Json

from . import documents as json_documents

# The type's schema, installed with this package (in the repository: a link to the one schema)
OUR_SCHEMA = (
    resources.files("mlops_sagemaker_modelpackage_local")
    / "schemas"
    / "mlops-sagemaker-modelpackage.json"
)
NUMERIC = {"integer": int, "number": float}


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield ValidationError("failed validation constraint for keyword [pattern]")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    for key, value in instance.items():
        for pattern, subschema in patterns.items():
            if regex.search(pattern, key):
                yield from validator.descend(value, subschema, path=key)


def _additional(
    validator: Any, additional: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict) or additional is not False:
        return
    known = set(schema.get("properties", {}))
    patterns = schema.get("patternProperties", {})
    for key in instance:
        if key not in known and not any(regex.search(p, key) for p in patterns):
            yield ValidationError(f"extraneous key [{key}] is not permitted")


def _lenient_type(
    validator: Any, types: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """Template scalars are strings to CloudFormation: "12" is an integer, 1.7 a string."""
    wanted = [types] if isinstance(types, str) else list(types)
    for name in wanted:
        if validator.is_type(instance, name) or _coerces(instance, name):
            return
    found = type(instance).__name__
    found = {"str": "String", "int": "Integer", "float": "Number", "bool": "Boolean"}.get(
        found, {"dict": "JSONObject", "list": "JSONArray"}.get(found, found)
    )
    yield ValidationError(
        f"expected type: {'/'.join(t.capitalize() for t in wanted)}, found: {found}"
    )


def _coerces(instance: Any, name: str) -> bool:
    if isinstance(instance, (dict, list)) or instance is None:
        return False
    if name == "string":
        return True
    text = sent_scalar(instance)
    if name == "boolean":
        return text in ("true", "false")
    if name in NUMERIC:
        try:
            NUMERIC[name](text)
        except ValueError:
            return False
        return True
    return False


def _words(kind: str, error: ValidationError) -> str:
    """everit's wording (CloudFormation's validator) for the common keywords."""
    value: Any = error.validator_value
    instance: Any = error.instance
    size = len(instance) if isinstance(instance, (str, list, dict)) else 0
    if kind == "required":
        return f"required key [{error.message.split(chr(39))[1]}] not found"
    if kind == "dependencies" and " is a dependency of " in error.message:
        return f"property [{error.message.split(chr(39))[1]}] is required"
    words = {
        "enum": f"{instance} is not a valid enum value",
        "maxLength": f"expected maxLength: {value}, actual: {size}",
        "minLength": f"expected minLength: {value}, actual: {size}",
        "maxItems": f"expected maximum item count: {value}, found: {size}",
        "minItems": f"expected minimum item count: {value}, found: {size}",
        "maxProperties": f"maximum size: [{value}], found: [{size}]",
        "minProperties": f"minimum size: [{value}], found: [{size}]",
        "maximum": f"{instance} is not less or equal to {value}",
        "minimum": f"{instance} is not greater or equal to {value}",
        "uniqueItems": "array items are not unique",
    }
    return words.get(kind, error.message)


def _numeric_bound(validator: Any, bound: Any, instance: Any, schema: Any, kind: str) -> Any:
    try:
        number = float(sent_scalar(instance))
    except (ValueError, TypeError):
        return
    if (kind == "maximum" and number > bound) or (kind == "minimum" and number < bound):
        yield ValidationError(f"{kind} {bound}", instance=instance, validator_value=bound)


CloudFormationValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft7Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional,
        "type": _lenient_type,
        "maximum": lambda v, b, i, s: _numeric_bound(v, b, i, s, "maximum"),
        "minimum": lambda v, b, i, s: _numeric_bound(v, b, i, s, "minimum"),
    },
)


def sent_scalar(value: Any) -> str:
    """A scalar as CloudFormation sends it to a registry type's handler."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_sent(value: Any) -> Any:
    """Properties as CloudFormation sends them: every scalar a string."""
    if isinstance(value, dict):
        return {k: as_sent(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_sent(v) for v in value]
    return value if value is None else sent_scalar(value)


def changed_properties(old: Json, new: Json, documents: Collection[str] = frozenset()) -> list[str]:
    """Top-level properties whose values differ between `old` and `new`, sorted; one of the
    `documents` (JSON document properties, `TypeSchema.documents`) differs only when it is
    another document, not another form of the same one."""
    return sorted(
        k
        for k in set(old) | set(new)
        if old.get(k) != new.get(k)
        and (k not in documents or not same_document(old.get(k), new.get(k)))
    )


def same_document(first: Any, second: Any) -> bool:
    """Whether two values of a JSON document property (each an object or its JSON text) hold
    the same document, compared as CloudFormation sends them (documents.py)."""
    return json_documents.same(
        as_sent(json_documents.parsed(first)), as_sent(json_documents.parsed(second))
    )


def document_text(document: Any) -> str:
    """A JSON document property's value as an API takes it: compact JSON of what CloudFormation
    sends (every scalar a string)."""
    return json_documents.text(as_sent(json_documents.parsed(document)))


def property_names(pointers: list[str]) -> set[str]:
    return {p.split("/")[2] for p in pointers}


@dataclass(frozen=True)
class TypeSchema:
    document: Json

    @property
    def type_name(self) -> str:
        return str(self.document["typeName"])

    @property
    def read_only(self) -> set[str]:
        return property_names(self.document.get("readOnlyProperties", []))

    @property
    def create_only(self) -> set[str]:
        return property_names(self.document.get("createOnlyProperties", []))

    @property
    def tag_property(self) -> str | None:
        """The property holding the resource's tags (`tagging.tagProperty`): a set of keys."""
        pointer = str(self.document.get("tagging", {}).get("tagProperty", ""))
        return pointer.removeprefix("/properties/") or None

    @property
    def documents(self) -> set[str]:
        """Properties holding a JSON document: typed both object and string, so that a template
        writes one either way (documents.py)."""
        return {
            name
            for name, spec in self.document.get("properties", {}).items()
            if {"object", "string"} <= set(spec.get("type", []))
        }

    def replacing(self, old: Json, new: Json) -> list[str]:
        """The create-only properties that differ: non-empty means a replacement."""
        return sorted(self.create_only & set(changed_properties(old, new, self.documents)))

    @property
    def tags_updatable(self) -> bool:
        """Whether CloudFormation updates the resource when the stack's tags change: its
        schema's `tagging` says it takes tags and updates them (a type without `tagging`, such
        as AWS::CDK::Metadata, takes none)."""
        tagging: Json = self.document.get("tagging") or {}
        return bool(tagging.get("taggable", False) and tagging.get("tagUpdatable", True))

    @property
    def identifier(self) -> str:
        return str(self.document["primaryIdentifier"][0].split("/")[2])

    @property
    def attributes(self) -> set[str]:
        """What Fn::GetAtt may name: the read-only properties."""
        return self.read_only

    def attribute_kind(self, attribute: str) -> str:
        """The JSON type of an attribute's value ("object", "array", "string", ...)."""
        spec: Json = self.document.get("properties", {}).get(attribute, {})
        reference = str(spec.get("$ref", ""))
        if reference.startswith("#/definitions/"):
            name = reference.removeprefix("#/definitions/")
            spec = self.document.get("definitions", {}).get(name, {})
        kind = spec.get("type", "string")
        return str(kind[0] if isinstance(kind, list) else kind)

    @property
    def transforms(self) -> dict[str, str]:
        """`propertyTransform`: property path (a/b) → JSONata expression."""
        return {
            pointer.removeprefix("/properties/"): expression
            for pointer, expression in self.document.get("propertyTransform", {}).items()
        }

    def findings(self, properties: Json, unknown: str | None = None) -> list[SchemaFinding]:
        """Every way `properties` breaks the schema, in CloudFormation's words, sorted; a
        rule across properties (the schema's root `allOf`) carries a hint derived from it.
        `unknown`: a marker for values that cannot be known; findings about them are left out."""
        found = []
        validator = CloudFormationValidator(properties_document(self.document))
        for error in validator.iter_errors(properties):
            if (
                unknown
                and error.absolute_path
                and unknown in json.dumps(error.instance, ensure_ascii=False)
            ):
                continue
            path = "".join(f"/{p}" for p in error.absolute_path)
            text = f"#{path}: {_words(str(error.validator), error)}"
            found.append(SchemaFinding(text, self._hint(error)))
        return sorted(found, key=lambda f: f.text)

    def errors(self, properties: Json, unknown: str | None = None) -> list[str]:
        return [finding.text for finding in self.findings(properties, unknown)]

    def validation_failure(
        self, logical_id: str, properties: Json, unknown: str | None = None
    ) -> str | None:
        """CloudFormation's status reason when `properties` fail the schema, else None."""
        errors = self.errors(properties, unknown)
        if not errors:
            return None
        listed = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
        return f"Properties validation failed for resource {logical_id} with message: {listed}"

    def read_only_set(self, properties: Json) -> list[str]:
        """Read-only properties a template sets: CloudFormation ignores them (cfn-lint E3040)."""
        return sorted(k for k in properties if k in self.read_only)

    def _hint(self, error: ValidationError) -> str | None:
        """What a failed root rule means and how to fix it: its description, and the fix read
        from its shape (`dependencies`: drop the property, or the one that triggers the rule)."""
        where = list(error.schema_path)
        if len(where) < 3 or where[0] not in ROOT_COMBINATORS or where[2] != "dependencies":
            return None
        rule = self.document[str(where[0])][int(where[1])]
        meaning = str(rule.get("description", "")).strip()
        instance = error.instance if isinstance(error.instance, dict) else {}
        if len(where) > 4:  # dependencies: {trigger: {properties: {name: ...}}}
            trigger, name = str(where[3]), str(next(iter(error.absolute_path)))
            fix = f"remove {name}, or remove {trigger}"
        else:  # dependencies: {trigger: [required, ...]}
            pairs = [
                (trigger, needed)
                for trigger, required in rule["dependencies"].items()
                if isinstance(required, list) and trigger in instance
                for needed in required
                if needed not in instance
            ]
            if not pairs:
                return meaning or None
            trigger, needed = pairs[0]
            fix = f"add {needed}, or remove {trigger}"
        return f"{meaning} Fix: {fix}." if meaning else f"Fix: {fix}."


@dataclass(frozen=True)
class SchemaFinding:
    """One schema failure: CloudFormation's words, and a hint for a rule across properties."""

    text: str
    hint: str | None = None


ROOT_COMBINATORS = ("allOf", "anyOf", "oneOf")


def properties_document(schema: Json) -> Json:
    """What CloudFormation validates a resource's template properties against: the type's
    properties, definitions, required list and the rules across properties at its root."""
    document: Json = {
        "type": "object",
        "additionalProperties": False,
        "properties": schema["properties"],
        "definitions": schema.get("definitions", {}),
        "required": schema.get("required", []),
    }
    document.update({k: schema[k] for k in ROOT_COMBINATORS if k in schema})
    return document


@cache
def type_schema(type_name: str) -> TypeSchema:
    """Our type's schema, or an AWS type's as cfn-lint ships it; KeyError for any other."""
    ours = TypeSchema(json.loads(OUR_SCHEMA.read_text()))
    if type_name == ours.type_name:
        return ours
    data = resources.files("cfnlint") / "data" / "schemas"
    providers = json.loads((data / "providers" / "us-east-1.json").read_text())
    name = providers[type_name]
    return TypeSchema(json.loads((data / "resources" / f"{name}.json").read_text()))
