"""SageMaker's server-side input validation, which botocore does not do and moto skips.

botocore checks types, required members and minimums client-side; SageMaker also rejects
values outside enums, patterns (Java regexes, matched whole) and maximums, with a
ValidationException. The backend applies the same constraints from botocore's service model.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape


@cache
def input_shape(operation: str) -> StructureShape:
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    return shape


@cache
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern)


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, dict)) else None


def _constraint(path: str, shown: str, rule: str) -> str:
    return f"Value {shown}at '{path}' failed to satisfy constraint: Member must {rule}"


def _own_violations(value: Any, meta: dict[str, Any], path: str) -> list[str]:
    """The constraints on this value itself (not its members)."""
    found: list[str] = []
    shown = f"{value!r} " if isinstance(value, (str, int)) else ""
    size = _length(value)
    is_number = isinstance(value, int) and not isinstance(value, bool)
    if size is not None and "max" in meta and size > meta["max"]:
        found.append(_constraint(path, "", f"have length less than or equal to {meta['max']}"))
    if size is not None and "min" in meta and size < meta["min"]:
        found.append(_constraint(path, "", f"have length greater than or equal to {meta['min']}"))
    if is_number and "min" in meta and value < meta["min"]:
        found.append(_constraint(path, shown, f"have value greater than or equal to {meta['min']}"))
    if isinstance(value, str) and meta.get("enum") and value not in meta["enum"]:
        found.append(
            _constraint(path, shown, f"satisfy enum value set: [{', '.join(meta['enum'])}]")
        )
    pattern = meta.get("pattern")
    if isinstance(value, str) and pattern and not _compiled(pattern).fullmatch(value):
        found.append(_constraint(path, shown, f"satisfy regular expression pattern: {pattern}"))
    return found


def violations(value: Any, shape: Shape, path: str) -> list[str]:
    """Every constraint `value` breaks, in SageMaker's wording."""
    found = _own_violations(value, shape.metadata, path)
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                found += violations(value[name], member, f"{path}.{name[0].lower()}{name[1:]}")
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            found += violations(item, shape.member, f"{path}.{index}.member")
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            found += violations(key, shape.key, f"{path}.{key}.key")
            found += violations(item, shape.value, f"{path}.{key}.value")
    return found


def check(operation: str, params: dict[str, Any]) -> str | None:
    """SageMaker's ValidationException message for `params`, or None when they pass."""
    found = violations(params, input_shape(operation), "")
    if not found:
        return None
    found = [f.replace("at '.", "at '") for f in found]
    count = len(found)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(found)
