"""Hypothesis strategies derived from the resource schema itself.

Every constraint the schema states (types, enums, patterns, lengths, item and property counts,
required members) shapes what is generated, so a schema change changes the fuzzing with it.
Patterns use CloudFormation's Java dialect; its `\\p{...}` classes are narrowed to ASCII
members here (still inside the class), which Python's `re` can generate from.
"""

from __future__ import annotations

import json
import re
from functools import cache
from random import Random
from typing import Any

import botocore.session
from hypothesis import Phase, find, settings
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage import fields
from mlops_sagemaker_modelpackage.fields import FIELDS, Create, Scope
from mlops_sagemaker_modelpackage.json_types import Json
from tests.support.schema import our_schema, resolve

MAX_ITEMS = 2
MAX_TEXT = 24
ASCII = st.characters(min_codepoint=32, max_codepoint=126)
_UNICODE_CLASSES = {
    r"\p{L}": "a-zA-Z",
    r"\p{Z}": " ",
    r"\p{N}": "0-9",
    r"\p{M}": "",
    r"\p{S}": "+",
    r"\p{P}": ".,;!?",
}


def python_pattern(pattern: str) -> str:
    for java, ascii_class in _UNICODE_CLASSES.items():
        pattern = pattern.replace(java, ascii_class)
    return pattern


def _string(node: Json) -> st.SearchStrategy[str]:
    low = node.get("minLength", 0)
    high = min(node.get("maxLength", MAX_TEXT), max(MAX_TEXT, low))
    if "pattern" in node:
        base = st.from_regex(
            re.compile(python_pattern(node["pattern"])), fullmatch=True, alphabet=ASCII
        )
    else:
        base = st.text(ASCII, min_size=low, max_size=high)
    return base.filter(
        lambda s: low <= len(s) <= node.get("maxLength", 10**6) and len(s) <= max(high, 64)
    )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@cache
def _api_enum(shape: str) -> tuple[str, ...]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    return tuple(model.shape_for(shape).metadata["enum"])


# Instance types are free strings in the schema (as published: the list grows too fast), but
# SageMaker accepts only the ones it knows: generate those.
API_ENUMS = {
    "#/definitions/InferenceInstanceType": "ProductionVariantInstanceType",
    "#/definitions/TransformInstanceType": "TransformInstanceType",
}


def from_schema(node: Json, depth: int = 0) -> st.SearchStrategy[Any]:  # noqa: PLR0911
    """Values valid against `node` (a subschema of our resource schema)."""
    schema = our_schema()
    if node.get("$ref") in API_ENUMS:
        return st.sampled_from(_api_enum(API_ENUMS[node["$ref"]]))
    node = resolve(schema, node)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "string":
        return _string(node)
    if kind == "integer":
        low = node.get("minimum", 0)
        return st.integers(min_value=low, max_value=low + 100)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = from_schema(node["items"], depth + 1)
        low = node.get("minItems", 0)
        high = max(low, min(node.get("maxItems", MAX_ITEMS), MAX_ITEMS))
        if node.get("uniqueItems"):
            return st.lists(items, min_size=low, max_size=high, unique_by=_canonical)
        return st.lists(items, min_size=low, max_size=high)
    if kind == "object" and "patternProperties" in node:
        ((key_pattern, value_schema),) = node["patternProperties"].items()
        keys = st.from_regex(
            re.compile(python_pattern(key_pattern)), fullmatch=True, alphabet=ASCII
        ).filter(lambda k: len(k) <= MAX_TEXT)
        low = node.get("minProperties", 0)
        return st.dictionaries(
            keys, from_schema(value_schema, depth + 1), min_size=low, max_size=max(low, MAX_ITEMS)
        )
    if kind == "object":
        required = set(node.get("required", []))
        properties = node.get("properties", {})
        # Never empty: the generated models turn {} into None, so a user's empty object
        # cannot round-trip (see translate._empty_items_restored); nobody writes one anyway.
        return st.fixed_dictionaries(
            {
                name: from_schema(sub, depth + 1)
                for name, sub in properties.items()
                if name in required
            },
            optional={}
            if depth > 4
            else {
                name: from_schema(sub, depth + 1)
                for name, sub in properties.items()
                if name not in required
            },
        ).filter(bool)
    raise ValueError(f"no strategy for {node}")


def prop(name: str) -> st.SearchStrategy[Any]:
    return from_schema(our_schema()["properties"][name])


# Drawn below with strategies of their own: a required specification, a card with a secret.
SPECIAL = ("InferenceSpecification", "ModelCard")
# What both kinds of package take, straight from the table (fields.py).
COMMON = tuple(
    name
    for name, f in FIELDS.items()
    if f.create is Create.AS_IS and f.scope is Scope.BOTH and name not in SPECIAL
)
VERSION_ONLY = tuple(
    name for name in fields.VERSIONED_ONLY if FIELDS[name].create is not Create.SHAPED
)
UNVERSIONED_ONLY = tuple(
    name for name, f in FIELDS.items() if f.scope is Scope.UNVERSIONED and f.create is Create.AS_IS
)


def _unique_specs() -> st.SearchStrategy[list[Any]]:
    spec = prop("AdditionalInferenceSpecifications").map(lambda specs: specs[:1])
    return st.lists(spec, min_size=1, max_size=2).map(
        lambda lists: list({s["Name"]: s for group in lists for s in group}.values())
    )


def valid_model(group: str, secret: str) -> st.SearchStrategy[dict[str, Any]]:
    """A model a user could write: either kind, with the properties that kind takes.

    The two kinds are the schema's root rules (its `allOf`): only a versioned package has
    ModelApprovalStatus and ApprovalDescription, only an unversioned one Tags and a name.
    tests/test_fuzz.py checks every model against the whole schema, root rules included."""
    common = {name: prop(name) for name in COMMON}
    common["AdditionalInferenceSpecifications"] = _unique_specs()
    common["ModelCard"] = st.fixed_dictionaries(
        {"ModelCardContent": st.just(f'{{"model_overview": "{secret}"}}')},
        optional={
            "ModelCardStatus": from_schema(
                our_schema()["definitions"]["ModelCard"]["properties"]["ModelCardStatus"]
            )
        },
    )
    versioned = st.fixed_dictionaries(
        {
            "ModelPackageGroupName": st.just(group),
            "InferenceSpecification": prop("InferenceSpecification"),
        },
        optional={**common, **{name: prop(name) for name in VERSION_ONLY}},
    )
    # Unique keys: a rule the schema cannot state (see the Tag definition); the schema's Key
    # pattern already leaves out the reserved aws: prefix.
    tags = st.lists(prop("Tags").map(lambda t: t[:1]), max_size=3).map(
        lambda lists: list({t["Key"]: t for group in lists for t in group}.values())
    )
    unversioned = st.fixed_dictionaries(
        {
            "ModelPackageName": prop("ModelPackageName"),
            "InferenceSpecification": prop("InferenceSpecification"),
        },
        optional={**common, "Tags": tags, **{name: prop(name) for name in UNVERSIONED_ONLY}},
    )
    return st.one_of(versioned, unversioned)


# ---------------------------------------------------------------- one example of each value


def _kebab(name: str) -> str:
    """`ModelDataUrl` -> `model-data-url`: a readable value named after what it is."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower() or "value"


@cache
def _simplest_match(pattern: str, low: int, high: int) -> str:
    """The simplest string of `pattern` between `low` and `high` characters: Hypothesis's search,
    seeded, so the same string on every run. Its first try is the simplest string the pattern
    makes (every choice the least); it is not shrunk further, which cost seconds a pattern for
    the same strings."""
    strategy = st.from_regex(re.compile(python_pattern(pattern)), fullmatch=True, alphabet=ASCII)
    found: str = find(
        strategy,
        lambda s: low <= len(s) <= high,
        settings=settings(database=None, max_examples=1000, phases=[Phase.generate]),
        random=Random(0),  # noqa: S311 - a fixed seed, for the same example every run
    )
    return found


def _text(node: dict[str, Any], name: str) -> str:
    low, high = max(node.get("minLength", 0), 1), node.get("maxLength", 1024)
    readable = _kebab(name)[:high]
    pattern = node.get("pattern")
    if low <= len(readable) and (
        pattern is None or re.search(python_pattern(pattern), readable) is not None
    ):
        return readable
    if pattern is None:
        return readable.ljust(low, "x")
    return _simplest_match(pattern, low, high)


def example(node: dict[str, Any], name: str = "value") -> Any:  # noqa: PLR0911
    """One value valid against `node` (a subschema of our resource schema), the same on every
    call: the node's own `examples` first; else an enum's first value, an instance type
    SageMaker knows, every member of an object, one item of a list, and for a string its name in
    kebab case when the pattern and lengths allow it, else the simplest string they do."""
    schema = our_schema()
    if node.get("$ref") in API_ENUMS:
        return _api_enum(API_ENUMS[node["$ref"]])[0]
    node = resolve(schema, node)
    if node.get("examples"):
        return node["examples"][0]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "string":
        return _text(node, name)
    if kind in ("integer", "number"):
        return max(node.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "array":
        assert node.get("minItems", 1) <= 1, f"{name}: give the schema an example of the list"
        return [example(node["items"], name)]
    if kind == "object" and "patternProperties" in node:
        ((key_pattern, value_schema),) = node["patternProperties"].items()
        key = _text({"pattern": key_pattern}, name)
        return {key: example(value_schema, key)}
    if kind == "object":
        return {member: example(sub, member) for member, sub in node["properties"].items()}
    raise ValueError(f"{name}: no example for {node}")
