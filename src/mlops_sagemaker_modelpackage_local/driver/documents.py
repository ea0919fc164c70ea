"""JSON document properties (a schema type of both object and string, such as a group's
`ModelPackageGroupPolicy`): a template may write one as an object or as a JSON string, and the
two forms are one document.

`canonical` is the form they are compared in: a string parsed, key order and whitespace gone;
for an IAM policy (a document with `Statement`), also what IAM reads the same: one statement or
a list of one, and a string or a list in `Action`, `NotAction`, `Resource`, `NotResource`,
principal entries and condition values (the order of such a list does not matter either).
`text` is what the API is sent: compact JSON. Callers give values as CloudFormation sends them
(schema.as_sent); this module knows JSON and IAM only (schema.py builds on it).
"""

from __future__ import annotations

import json
from typing import Any

# Statement elements whose value is a string or a list of them, in any order.
STRING_SETS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPALS = ("Principal", "NotPrincipal")


def parsed(document: Any) -> Any:
    """The document as JSON data (a string that is not JSON stays the string it is)."""
    if isinstance(document, str):
        try:
            return json.loads(document)
        except ValueError:
            return document
    return document


def _string_set(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(set(value))
    return value


def _statement(statement: Any) -> Any:
    if not isinstance(statement, dict):
        return statement
    canonical = dict(statement)
    for key in STRING_SETS:
        if key in canonical:
            canonical[key] = _string_set(canonical[key])
    for key in PRINCIPALS:
        if isinstance(canonical.get(key), dict):
            canonical[key] = {kind: _string_set(v) for kind, v in canonical[key].items()}
    condition = canonical.get("Condition")
    if isinstance(condition, dict):
        canonical["Condition"] = {
            operator: (
                {k: _string_set(v) for k, v in keys.items()} if isinstance(keys, dict) else keys
            )
            for operator, keys in condition.items()
        }
    return canonical


def canonical(document: Any) -> Any:
    """The form two equal documents share (see the module's docstring)."""
    data = parsed(document)
    if isinstance(data, dict) and "Statement" in data:
        statements = data["Statement"]
        listed = statements if isinstance(statements, list) else [statements]
        data = {**data, "Statement": [_statement(s) for s in listed]}
    return data


def same(first: Any, second: Any) -> bool:
    """Whether two documents are the same document (in whichever forms they are written)."""
    return bool(
        json.dumps(canonical(first), sort_keys=True)
        == json.dumps(canonical(second), sort_keys=True)
    )


def text(document: Any) -> str:
    """The document as an API takes it: compact JSON (a string that is not JSON, as it is)."""
    data = parsed(document)
    if isinstance(data, str):
        return data
    return json.dumps(data, separators=(",", ":"))
