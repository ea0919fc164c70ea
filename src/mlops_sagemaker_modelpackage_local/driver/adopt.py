"""`--import LOGICAL_ID=ARN`: a revision applied as CloudFormation applies an IMPORT change set.

CloudFormation imports only the named resources: each is READ by its identifier (the resource
must exist: IMPORT_IN_PROGRESS, IMPORT_COMPLETE; otherwise IMPORT_FAILED and the whole import
rolled back, the stack as before, nothing deleted) and adheres to its type's schema. Before
anything runs it refuses, in its own words, a change set that would do anything else: a resource
to import without a `DeletionPolicy`, any resource created, updated or deleted beside the
imports, Outputs added or changed (checked here for an import that creates the stack, the
driver's case: the stack state keeps no earlier Outputs section to compare with). It does not
compare the template's properties with the resource during the import; drift detection does
that afterwards.

`as_import` turns the change set the planner made for the revision (where every resource to
import is a create) into that import, or into its refusal; its rollback is in rollback.py.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from .changes import ChangeSet, Kind, ResourceChange
from .schema import type_schema
from .state import Resource, StackState
from .supported import IMPORTABLE
from .template import Template


class ImportRefused(ValueError):
    """`--import` values that name no import at all (not LOGICAL_ID=ARN, a logical id twice)."""


def imports_of(values: list[str]) -> dict[str, str]:
    """`LOGICAL_ID=ARN` values → {logical id: identifier}; ImportRefused on a malformed one."""
    imports: dict[str, str] = {}
    for value in values:
        logical_id, _, identifier = value.partition("=")
        if not logical_id or not identifier:
            raise ImportRefused(f"--import takes LOGICAL_ID=ARN, not {value!r}")
        if not any(_identifies(name, identifier) for name in IMPORTABLE):
            nouns = [entry.noun for entry in IMPORTABLE.values()]
            raise ImportRefused(
                f"--import {logical_id}: {identifier!r} is not a {nouns[0]} ARN (nor a "
                f"{' or '.join(nouns[1:])}'s)"
            )
        if logical_id in imports:
            raise ImportRefused(f"--import names {logical_id} twice")
        imports[logical_id] = identifier
    return imports


def _identifies(type_name: str, identifier: str) -> bool:
    """Whether `identifier` is one of the importable type's (its entry's parser says)."""
    parse = IMPORTABLE[type_name].parse_identifier
    return parse is not None and parse(identifier) is not None


def as_import(
    change_set: ChangeSet,
    template: Template,
    state: StackState,
    imports: dict[str, str],
    stack_id: str,
) -> ChangeSet:
    """The IMPORT change set of `template` (its planned `change_set`); refused with
    CloudFormation's words (in `errors`) when it would do more than import `imports`."""
    if change_set.errors:  # the template itself is refused: nothing to add
        return change_set
    declared = template.declared
    errors: list[str] = []
    planned = {c.logical_id: c for c in change_set.changes}
    for logical_id, identifier in imports.items():
        change = planned.get(logical_id)
        if change is None:
            where = "left out by its Condition" if logical_id in declared else "not in the template"
            errors.append(f"Resource to import {logical_id} is {where}")
        elif change.kind != Kind.CREATE:
            errors.append(
                f"Resource to import {logical_id} is already in the stack: "
                "only resources the stack does not have can be imported"
            )
        elif change.type not in IMPORTABLE:
            errors.append(
                f"Resource to import {logical_id}: importing {change.type} is not supported "
                f"locally (only {', '.join(IMPORTABLE)})"
            )
        elif not _identifies(change.type, identifier):
            errors.append(
                f"Resource to import {logical_id}: {identifier} is not a "
                f"{IMPORTABLE[change.type].noun} ARN, the identifier of {change.type}"
            )
    twice = sorted({i for i in imports.values() if list(imports.values()).count(i) > 1})
    errors += [f"{identifier} is named by more than one resource to import" for identifier in twice]
    errors += [
        f"{resource.physical_id} already exists in stack {stack_id}"
        for resource in state.resources.values()
        if resource.physical_id in imports.values()
    ]
    undeclared = [i for i in imports if i in declared and "DeletionPolicy" not in declared[i]]
    if undeclared:
        errors.append(
            f"The following resources to import [{', '.join(undeclared)}] must have "
            "DeletionPolicy attribute specified in the template."
        )
    modified = [
        c.logical_id
        for c in change_set.changes
        if c.logical_id not in imports and c.kind != Kind.NO_CHANGE
    ]
    modified += [c.logical_id for c in change_set.cleanup]
    if modified:
        errors.append(
            f"You have modified resources [{', '.join(modified)}] in your template that are not "
            "being imported. Update, create or delete operations cannot be executed during "
            "import operations."
        )
    if not state.resources and template.body.get("Outputs"):
        errors.append("As part of the import operation, you cannot modify or add [Outputs]")
    if errors:
        return dataclasses.replace(change_set, errors=errors)
    changes = [
        _import(change, imports[change.logical_id]) if change.logical_id in imports else change
        for change in change_set.changes
    ]
    return dataclasses.replace(change_set, changes=changes)


def _import(change: ResourceChange, identifier: str) -> ResourceChange:
    """The create the planner saw, as the import of the resource `identifier` names."""
    existing = Resource(
        change.logical_id,
        change.type,
        {},
        physical_id=identifier,
        deletion_policy=change.deletion_policy,
        update_replace_policy=change.update_replace_policy,
    )
    return dataclasses.replace(change, kind=Kind.IMPORT, current=existing, why=identifier)


def imports_from_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The file `aws cloudformation create-change-set --resources-to-import file://FILE` takes
    (`--resources-to-import` writes it): {logical id: identifier} and {logical id: type};
    ImportRefused naming the file and the entry."""

    def refuse(problem: str) -> ImportRefused:
        return ImportRefused(f"--import-file {path}: {problem}")

    try:
        entries = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise refuse(f"cannot be read: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refuse(f"not JSON: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise refuse(
            'expected a list [{"ResourceType": ..., "LogicalResourceId": ..., '
            '"ResourceIdentifier": {...}}, ...]'
        )
    imports: dict[str, str] = {}
    types: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        logical_id, type_name, identifier = _entry(entry, number, refuse)
        if logical_id in imports:
            raise refuse(f"{logical_id} is named twice")
        imports[logical_id], types[logical_id] = identifier, type_name
    imports_of([f"{k}={v}" for k, v in imports.items()])  # the identifiers, as --import checks
    return imports, types


def _entry(entry: Any, number: int, refuse: Any) -> tuple[str, str, str]:
    keys = {"ResourceType", "LogicalResourceId", "ResourceIdentifier"}
    if not isinstance(entry, dict) or set(entry) != keys:
        found = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise refuse(f"entry {number} has {found}: it needs exactly {', '.join(sorted(keys))}")
    type_name, logical_id = entry["ResourceType"], entry["LogicalResourceId"]
    if type_name not in IMPORTABLE:
        raise refuse(
            f"entry {number} ({logical_id}): importing {type_name} is not supported locally "
            f"(only {', '.join(IMPORTABLE)})"
        )
    key = type_schema(type_name).identifier
    identifier = entry["ResourceIdentifier"]
    if not isinstance(identifier, dict) or set(identifier) != {key}:
        raise refuse(
            f"entry {number} ({logical_id}): ResourceIdentifier of {type_name} is "
            f'{{"{key}": "..."}}, not {json.dumps(identifier)}'
        )
    if not isinstance(logical_id, str) or not isinstance(identifier[key], str):
        raise refuse(f"entry {number}: LogicalResourceId and {key} are strings")
    return logical_id, type_name, identifier[key]


def check_types(types: dict[str, str], declared: dict[str, Any]) -> None:
    """ImportRefused where the file's ResourceType is not the template's for that resource."""
    for logical_id, type_name in types.items():
        spec = declared.get(logical_id)
        found = spec.get("Type") if isinstance(spec, dict) else None
        if found is not None and found != type_name:
            raise ImportRefused(
                f"--import-file: {logical_id} is {type_name} in the file and {found} in the "
                "template"
            )
