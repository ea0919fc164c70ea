"""Templates: load YAML or JSON, parameters, conditions, resource policies and order.

Supported: `Parameters` with `Default` (overridable), `Conditions`, a resource's `Condition`,
`DependsOn`, `DeletionPolicy` and `UpdateReplacePolicy` (`Delete` or `Retain`), and the
intrinsic functions of `intrinsics`. Anything else is refused with a message naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfn_flip import load_yaml

from .intrinsics import Conditions, Resolver, TemplateError, references

Json = dict[str, Any]
POLICIES = ("DeletionPolicy", "UpdateReplacePolicy")
POLICY_VALUES = ("Delete", "Retain")
RESOURCE_KEYS = {"Type", "Properties", "DependsOn", "Condition", "Metadata", *POLICIES}


@dataclass
class Template:
    path: Path
    body: Json
    parameters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, overrides: dict[str, str] | None = None) -> Template:
        text = path.read_text()
        body: Json = json.loads(text) if path.suffix == ".json" else _plain(load_yaml(text))
        if not isinstance(body.get("Resources"), dict) or not body["Resources"]:
            raise TemplateError(f"{path}: a template needs a Resources section")
        parameters: dict[str, str] = {}
        for name, spec in (body.get("Parameters") or {}).items():
            if overrides and name in overrides:
                parameters[name] = overrides[name]
            elif "Default" in spec:
                parameters[name] = str(spec["Default"])
            else:
                raise TemplateError(f"{path}: parameter {name} has no Default and no value")
        template = cls(path=path, body=body, parameters=parameters)
        for logical_id, spec in template.declared.items():
            unknown = sorted(set(spec) - RESOURCE_KEYS)
            if unknown:
                raise TemplateError(f"{logical_id}: {', '.join(unknown)} not supported locally")
            for policy in POLICIES:
                if spec.get(policy, "Delete") not in POLICY_VALUES:
                    raise TemplateError(
                        f"{logical_id}: {policy} {spec[policy]} is not supported locally "
                        f"(only {' and '.join(POLICY_VALUES)})"
                    )
        return template

    @property
    def declared(self) -> dict[str, Json]:
        """Every resource of the template, whatever its condition."""
        resources: dict[str, Json] = self.body["Resources"]
        return resources

    def conditions(self, pseudo: dict[str, str]) -> Conditions:
        return Conditions(self.body.get("Conditions") or {}, self.parameters, pseudo)

    def resources(self, condition: Callable[[str], bool]) -> dict[str, Json]:
        """The resources this deploy creates: those without a Condition or whose is true."""
        return {
            name: spec
            for name, spec in self.declared.items()
            if "Condition" not in spec or condition(spec["Condition"])
        }

    def resolver(
        self,
        pseudo: dict[str, str],
        ref: Callable[[str], str],
        get_att: Callable[[str, str], Any],
    ) -> Resolver:
        return Resolver(self.parameters, pseudo, ref, get_att, self.conditions(pseudo))

    def order(self, included: dict[str, Json]) -> list[str]:
        """Logical IDs of `included` with every resource after the ones it refers to."""
        graph: dict[str, set[str]] = {}
        for name, spec in included.items():
            graph[name] = references(spec) & set(self.declared)
            depends = spec.get("DependsOn", [])
            graph[name] |= {depends} if isinstance(depends, str) else set(depends)
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(name: str, by: str) -> None:
            if name in ordered:
                return
            if name in visiting:
                raise TemplateError(f"circular dependency through {name}")
            if name not in self.declared:
                raise TemplateError(f"{by} depends on unknown resource {name}")
            if name not in included:
                raise TemplateError(f"{by} refers to {name}, which its condition leaves out")
            visiting.add(name)
            for dependency in sorted(graph[name]):
                visit(dependency, name)
            visiting.discard(name)
            ordered.append(name)

        for name in included:
            visit(name, name)
        return ordered


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
