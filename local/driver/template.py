"""Templates: load YAML or JSON, resolve the intrinsic functions the driver supports, order.

Supported: `Parameters` with `Default` (overridable), `Ref` (parameters, resources, the pseudo
parameters AWS::AccountId, AWS::Region, AWS::StackName, AWS::StackId, AWS::Partition,
AWS::NoValue), `Fn::Sub` (string or [string, variables]), `Fn::GetAtt`, `Fn::Join`, `DependsOn`.
Anything else is refused with a message naming it, never passed through unresolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfn_flip import load_yaml

Json = dict[str, Any]
NO_VALUE = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class TemplateError(ValueError):
    """The template uses something the driver cannot do, or refers to what does not exist."""


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
        return cls(path=path, body=body, parameters=parameters)

    @property
    def resources(self) -> dict[str, Json]:
        resources: dict[str, Json] = self.body["Resources"]
        return resources

    def order(self) -> list[str]:
        """Logical IDs with every resource after the ones it refers to."""
        graph = {
            name: _references(spec) & set(self.resources) for name, spec in self.resources.items()
        }
        for name, spec in self.resources.items():
            depends = spec.get("DependsOn", [])
            graph[name] |= {depends} if isinstance(depends, str) else set(depends)
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in ordered:
                return
            if name in visiting:
                raise TemplateError(f"circular dependency through {name}")
            if name not in self.resources:
                raise TemplateError(f"DependsOn names unknown resource {name}")
            visiting.add(name)
            for dependency in sorted(graph[name]):
                visit(dependency)
            visiting.discard(name)
            ordered.append(name)

        for name in self.resources:
            visit(name)
        return ordered


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return {value["Ref"]}
        if set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            return {target.split(".")[0] if isinstance(target, str) else target[0]}
        if set(value) == {"Fn::Sub"}:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            return {v.split(".")[0] for v in _SUB_VARIABLE.findall(text)} | _references(
                value["Fn::Sub"][1] if isinstance(value["Fn::Sub"], list) else None
            )
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


@dataclass
class Resolver:
    """Resolves intrinsics against parameters, pseudo parameters and resources made so far."""

    parameters: dict[str, str]
    pseudo: dict[str, str]
    ref: Callable[[str], str]
    get_att: Callable[[str, str], Any]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                handler = {
                    "Ref": self._ref,
                    "Fn::Sub": self._sub,
                    "Fn::GetAtt": self._get_att,
                    "Fn::Join": self._join,
                }.get(key)
                if handler is not None:
                    return handler(argument)
                if key.startswith("Fn::") or key == "Condition":
                    raise TemplateError(f"{key} is not supported by the local driver")
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not NO_VALUE]
        return value

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        return self.ref(name)

    def _get_att(self, argument: Any) -> Any:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        return self.get_att(logical_id, attribute)

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(local[name])
            if "." in name:
                return str(self._get_att(name))
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def _join(self, argument: Any) -> str:
        delimiter, values = argument
        return str(delimiter).join(str(v) for v in self.resolve(values))
