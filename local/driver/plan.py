"""`--validate`: check every revision and say what a deploy would do, without any handler.

Each revision is checked as CloudFormation checks it before and while it runs (types,
references, `Fn::GetAtt` attributes, conditions, policies, then each resource's properties
against its type's schema) and compared with the revision before: create, update in place,
replace (which create-only properties changed), delete. A replacement changes its `Ref` and
attributes, so what refers to it changes too; that is followed until nothing more changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import Resolved, resolve_statically
from .intrinsics import TemplateError
from .schema import changed_properties, type_schema
from .template import Template

Json = dict[str, Any]


@dataclass
class Plan:
    lines: list[str] = field(default_factory=list)
    errors: int = 0

    def error(self, text: str) -> None:
        self.errors += 1
        self.lines.append(f"  ERROR {text}")


def _replaced(before: Resolved | None, after: Resolved) -> set[str]:
    if before is None:
        return set()
    return {
        name
        for name, properties in after.properties.items()
        if name in before.properties
        and type_schema(after.types[name]).replacing(before.properties[name], properties)
    }


def _resolve(template: Template, stack_name: str, before: Resolved | None) -> Resolved:
    """Resolve with a new placeholder generation for every resource this revision replaces."""
    base = dict(before.generations) if before else {}
    generations = dict(base)
    resolved = resolve_statically(template, stack_name, generations)
    while True:  # each resource moves on at most once: this ends
        bump = {n for n in _replaced(before, resolved) if generations.get(n, 0) == base.get(n, 0)}
        if not bump:
            return resolved
        for name in bump:
            generations[name] = base.get(name, 0) + 1
        resolved = resolve_statically(template, stack_name, generations)


def plan(paths: list[Path], overrides: dict[str, str], stack_name: str) -> Plan:
    result = Plan()
    before: Resolved | None = None
    for path in paths:
        result.lines.append(path.name)
        try:
            resolved = _resolve(Template.load(path, overrides), stack_name, before)
        except TemplateError as error:
            result.error(str(error))
            continue
        for name in resolved.order:
            failure = type_schema(resolved.types[name]).validation_failure(
                name, resolved.properties[name]
            )
            if failure:
                result.error(failure)
        result.lines += _steps(before, resolved)
        before = resolved
    if before is not None:
        result.lines.append("stack delete")
        result.lines += [f"  {name:<28} {_delete(before, name)}" for name in reversed(before.order)]
    return result


def _delete(resolved: Resolved, name: str) -> str:
    if resolved.policies[name]["DeletionPolicy"] == "Retain":
        return "retain (DeletionPolicy Retain: left in the account)"
    return "delete"


def _steps(before: Resolved | None, after: Resolved) -> list[str]:
    steps = []
    for name in after.order:
        properties = after.properties[name]
        if before is None or name not in before.properties:
            steps.append(f"  {name:<28} create")
            continue
        changed = changed_properties(before.properties[name], properties)
        fixed = type_schema(after.types[name]).replacing(before.properties[name], properties)
        if fixed:
            kept = after.policies[name]["UpdateReplacePolicy"] == "Retain"
            steps.append(
                f"  {name:<28} replace ({', '.join(fixed)} changed): "
                + ("the old one is retained" if kept else "the old one is deleted")
            )
        elif changed:
            steps.append(f"  {name:<28} update in place: {', '.join(changed)}")
        else:
            steps.append(f"  {name:<28} no change")
    if before is not None:
        steps += [
            f"  {name:<28} {_delete(before, name)} (removed from the template)"
            for name in reversed(before.order)
            if name not in after.properties
        ]
    return steps
