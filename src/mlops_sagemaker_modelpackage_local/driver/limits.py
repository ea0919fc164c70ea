"""CloudFormation's limits on a template, checked before anything is planned, in its words.

- The body: at most 1,000,000 bytes, the most a template read from S3 (`--template-url`) may
  have ("Template may not exceed 1000000 bytes in size."); above 51,200 bytes, the most a body
  passed inline (`--template-body`) may have, a warning: such a template must go through S3.
- Resources: at most 500, each named by a logical ID of letters and digits only, at most 255
  characters long.
- Nesting: at most `MAX_DEPTH` levels of objects and lists. This is the rehearsal's own limit
  (CloudFormation publishes none): every layer after the decoder (intrinsics, the schema, the
  handlers) walks values recursively, so a deeper template is refused here, as one error, instead
  of ending the run with a RecursionError somewhere after the decoder. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

MAX_BODY_BYTES = 1_000_000  # a decimal megabyte: CloudFormation's message names the number
MAX_INLINE_BODY_BYTES = 51_200
MAX_RESOURCES = 500
MAX_LOGICAL_ID_LENGTH = 255
MAX_DEPTH = 100
LOGICAL_ID = regex.compile(r"[A-Za-z0-9]+")
# What the JSON depth scan looks at: brackets, and the quotes and backslashes of strings.
JSON_SYNTAX = regex.compile(r'[\[\]{}"\\]')
TOO_DEEP = (
    f"objects and lists nested more than {MAX_DEPTH} levels deep (the rehearsal's limit; no "
    "template needs as many)"
)


def body_errors(size: int) -> list[str]:
    """The body's size in bytes against the most CloudFormation reads from S3."""
    if size > MAX_BODY_BYTES:
        return [f"Template may not exceed {MAX_BODY_BYTES} bytes in size."]
    return []


def body_warnings(size: int) -> list[str]:
    """Above the inline limit: deployable only through S3, which a deploy script must know."""
    if size <= MAX_INLINE_BODY_BYTES:
        return []
    return [
        f"the template is {size:,} bytes: CloudFormation takes at most "
        f"{MAX_INLINE_BODY_BYTES:,} inline ('templateBody' failed to satisfy constraint: Member "
        f"must have length less than or equal to {MAX_INLINE_BODY_BYTES}); upload it to S3 and "
        f"pass --template-url (up to {MAX_BODY_BYTES:,} bytes)"
    ]


def json_depth_error(text: str) -> str | None:
    """Where JSON text nests deeper than MAX_DEPTH, found without decoding it (the decoder
    recurses per level); None if it does not. One pass over its brackets, quotes and
    backslashes."""
    depth, in_string, escaped = 0, False, -1
    for token in JSON_SYNTAX.finditer(text):
        at, char = token.start(), token.group()
        if at == escaped:  # the character after a backslash, in a string
            continue
        if in_string:
            if char == "\\":
                escaped = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, at) + 1
                column = at - text.rfind("\n", 0, at)
                return (
                    f"Template format error: JSON not well-formed. (line {line}, column "
                    f"{column}): {TOO_DEEP}"
                )
        elif char in "]}":
            depth -= 1
    return None


def depth_error(body: Any) -> str | None:
    """Where a decoded template nests deeper than MAX_DEPTH (walked without recursion)."""
    for path, depth, _ in _containers(body):
        if depth > MAX_DEPTH:
            where = "/".join(path[:4]) + ("/..." if len(path) > 4 else "")
            return f"Template format error: [/{where}] {TOO_DEEP}"
    return None


def strings(body: Any) -> Iterator[str]:
    """Every string of a decoded template, keys included (walked without recursion)."""
    for _, _, container in _containers(body):
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, item in items:
            if isinstance(key, str):
                yield key
            if isinstance(item, str):
                yield item


def _containers(body: Any) -> Iterator[tuple[list[str], int, Any]]:
    """Every object and list of `body` with its path and depth (1 for the body itself),
    stopping at the first one deeper than MAX_DEPTH."""
    stack: list[tuple[Any, list[str], int]] = [(body, [], 1)]
    while stack:
        value, path, depth = stack.pop()
        yield path, depth, value
        if depth > MAX_DEPTH:
            return
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(item, dict | list):
                stack.append((item, [*path, str(key)], depth + 1))


def resource_errors(resources: dict[str, Any]) -> list[str]:
    """The number of resources and their logical IDs, as CloudFormation checks them."""
    errors = []
    if len(resources) > MAX_RESOURCES:
        errors.append(
            f"Template format error: Number of resources, {len(resources)}, is greater than "
            f"maximum allowed, {MAX_RESOURCES}"
        )
    for logical_id in resources:
        if logical_id.startswith("Fn::ForEach::"):
            continue  # refused by name where resources are read
        if not LOGICAL_ID.fullmatch(logical_id):
            errors.append(
                f"Template format error: Resource name {_shown(logical_id)} is non alphanumeric."
            )
        elif len(logical_id) > MAX_LOGICAL_ID_LENGTH:
            errors.append(
                f"Template format error: Resource name {_shown(logical_id)} is "
                f"{len(logical_id)} characters long: a logical ID has at most "
                f"{MAX_LOGICAL_ID_LENGTH}"
            )
    return errors


def _shown(logical_id: str) -> str:
    """A logical ID as an error names it: a long one cut (the message stays one line)."""
    return logical_id if len(logical_id) <= 64 else f"{logical_id[:60]}..."
