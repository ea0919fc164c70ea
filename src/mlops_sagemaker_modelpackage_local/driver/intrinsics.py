"""Intrinsic functions and conditions, resolved as CloudFormation resolves them.

`Ref` (parameters, pseudo parameters, resources, `AWS::NoValue`), `Fn::Sub`, `Fn::GetAtt`,
`Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::FindInMap` (with `DefaultValue`, the
AWS::LanguageExtensions form), and in `Conditions` `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`,
`Condition` (with `Ref` and `Fn::FindInMap` as values). Anything else is refused with a message
naming it, never passed through unresolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlops_sagemaker_modelpackage.json_types import Json

ParameterValue = str | list[str]
NO_VALUE = object()
SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition")
# what Resolver.resolve handles in a property or an output (its method for each); any other
# Fn:: is refused by name
FUNCTIONS = {
    "Ref": "_ref",
    "Fn::Sub": "_sub",
    "Fn::GetAtt": "_get_att",
    "Fn::Join": "_join",
    "Fn::Select": "_select",
    "Fn::Split": "_split",
    "Fn::If": "_if",
    "Fn::FindInMap": "_find_in_map",
}


class TemplateError(ValueError):
    """The template uses something the driver cannot do, or refers to what does not exist."""


class Unknown(TemplateError):
    """A value that cannot be known because of an error reported already (a parameter without
    a usable value): what needs it is left unchecked, without a second error."""


# What a parameter without a value resolves to where `--validate` still checks the rest of a
# resource against its schema (Resolver.stand_in): findings about it are dropped.
STAND_IN = "\u2047no value\u2047"


def unsupported(function: str) -> str:
    return f"{function} is not supported by the local driver"


def get_att_target(argument: Any) -> tuple[str, str]:
    """`Fn::GetAtt`'s (logical id, attribute), from `A.B` or `[A, B]`, in CloudFormation's words
    if it is neither."""
    parts = argument.split(".", 1) if isinstance(argument, str) else argument
    if not (
        isinstance(parts, list)
        and len(parts) == 2  # a logical id and an attribute
        and all(isinstance(p, str) and p for p in parts)
    ):
        raise TemplateError(
            "Template error: every Fn::GetAtt object requires two non-empty parameters"
        )
    return parts[0], parts[1]


def sub_arguments(argument: Any) -> tuple[str, Json]:
    """`Fn::Sub`'s (text, variables), in CloudFormation's words if it is malformed."""
    text: Any = argument
    variables: Any = {} if isinstance(argument, str) else None
    if isinstance(argument, list) and len(argument) == 2:  # the text, its variables
        text, variables = argument
    if not isinstance(text, str) or not isinstance(variables, dict):
        raise TemplateError(
            "Template error: One or more Fn::Sub intrinsic functions don't specify expected "
            "arguments. Specify a string as first argument, and an optional second argument "
            "to specify a mapping of values to replace in the string"
        )
    return text, variables


def references(value: Any) -> set[str]:
    """Names a value refers to with Ref, Fn::GetAtt or Fn::Sub (parameters included); a
    malformed one refers to nothing (resolving or checking it says why)."""
    if isinstance(value, list):
        return set().union(*(references(v) for v in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found: set[str] = set()
    try:
        if set(value) == {"Ref"}:
            found = {value["Ref"]} if isinstance(value["Ref"], str) else set()
        elif set(value) == {"Fn::GetAtt"}:
            found = {get_att_target(value["Fn::GetAtt"])[0]}
        elif set(value) == {"Fn::Sub"}:
            text, variables = sub_arguments(value["Fn::Sub"])
            named = {v.split(".")[0] for v in SUB_VARIABLE.findall(text)} - set(variables)
            found = named | references(variables)
        else:
            found = set().union(*(references(v) for v in value.values())) if value else set()
    except TemplateError:
        return set()
    return found


def _arguments(name: str, argument: Any, count: int) -> list[Any]:
    if not isinstance(argument, list) or len(argument) != count:
        raise TemplateError(f"{name} takes a list of {count} values, not {argument!r}")
    return argument


@dataclass
class Conditions:
    """The template's `Conditions`, evaluated once each against the parameters."""

    definitions: Json
    parameters: dict[str, ParameterValue]
    pseudo: dict[str, str]
    mappings: Json = field(default_factory=dict)
    unset: set[str] = field(default_factory=set)  # parameters without a value (Unknown)
    values: dict[str, bool] = field(default_factory=dict)
    evaluating: list[str] = field(default_factory=list)  # a cycle would never end

    def __call__(self, name: str) -> bool:
        if name not in self.definitions:
            raise TemplateError(f"condition {name} is not defined in Conditions")
        if name in self.evaluating:
            cycle = sorted(self.evaluating[self.evaluating.index(name) :])
            raise TemplateError(f"Circular dependency between conditions: [{', '.join(cycle)}]")
        if name not in self.values:
            self.evaluating.append(name)
            try:
                self.values[name] = self._evaluate(self.definitions[name], name)
            finally:
                self.evaluating.pop()
        return self.values[name]

    def _evaluate(self, expression: Any, context: str) -> bool:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise TemplateError(f"condition {context}: {expression!r} is not a condition function")
        ((key, argument),) = expression.items()
        if key == "Condition":
            return self(argument)
        if key == "Fn::Equals":
            left, right = _arguments(key, argument, 2)
            return str(self._value(left, context)) == str(self._value(right, context))
        if key == "Fn::Not":
            (inner,) = _arguments(key, argument, 1)
            return not self._evaluate(inner, context)
        if key in ("Fn::And", "Fn::Or"):
            if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
                raise TemplateError(f"{key} takes 2 to 10 conditions")
            results = [self._evaluate(a, context) for a in argument]
            return all(results) if key == "Fn::And" else any(results)
        raise TemplateError(f"condition {context}: {key} is not allowed in a condition")

    def _value(self, value: Any, context: str) -> Any:
        if isinstance(value, dict) and set(value) == {"Ref"}:
            name = value["Ref"]
            if name in self.parameters:
                return self.parameters[name]
            if name in self.pseudo:
                return self.pseudo[name]
            if name in self.unset:
                raise Unknown(f"parameter {name} has no value")
            raise TemplateError(f"condition {context}: Ref to {name}, which is not a parameter")
        if isinstance(value, dict) and set(value) == {"Fn::FindInMap"}:
            return find_in_map(
                self.mappings, value["Fn::FindInMap"], lambda v: self._value(v, context)
            )
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in CONDITION_FUNCTIONS:
            return self._evaluate(value, context)
        if isinstance(value, (dict, list)):
            raise TemplateError(f"condition {context}: {value!r} cannot be compared")
        return value


def find_in_map(mappings: Json, argument: Any, resolve: Callable[[Any], Any]) -> Any:
    """`Fn::FindInMap [Map, TopKey, SecondKey, {DefaultValue: v}]`, keys resolved first."""
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        raise TemplateError(
            f"Fn::FindInMap takes a map name, two keys and an optional default, not {argument!r}"
        )
    name, top, second = (resolve(v) for v in argument[:3])
    default = argument[3] if len(argument) == 4 else None
    if default is not None and (not isinstance(default, dict) or set(default) != {"DefaultValue"}):
        raise TemplateError(
            f"Fn::FindInMap's fourth value is {{DefaultValue: ...}}, not {default!r}"
        )
    if name not in mappings and default is None:
        raise TemplateError(
            f"Template error: Mapping named '{name}' is not present in the 'Mappings' section "
            "of template"
        )
    entry = (mappings.get(name) or {}).get(str(top), {})
    if isinstance(entry, dict) and str(second) in entry:
        return entry[str(second)]
    if default is not None:
        return resolve(default["DefaultValue"])
    raise TemplateError(f"Template error: Unable to get mapping for {name}::{top}::{second}")


def _undefined_condition(name: str) -> bool:
    raise TemplateError(f"Fn::If names condition {name}, but the template has no Conditions")


@dataclass
class Resolver:
    """Resolves intrinsics against parameters, pseudo parameters and resources made so far."""

    parameters: dict[str, ParameterValue]
    pseudo: dict[str, str]
    ref: Callable[[str], str]
    get_att: Callable[[str, str], Any]
    condition: Callable[[str], bool] = _undefined_condition
    mappings: Json = field(default_factory=dict)
    unset: set[str] = field(default_factory=set)  # parameters without a value (Unknown)
    stand_in: bool = False  # unset parameters resolve to STAND_IN + name instead

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                handler: Callable[[Any], Any] | None = (
                    getattr(self, FUNCTIONS[key]) if key in FUNCTIONS else None
                )
                if handler is not None:
                    return handler(argument)
                if key.startswith("Fn::") or key == "Condition":
                    raise TemplateError(unsupported(key))
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not NO_VALUE]
        return value

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise TemplateError(
                "Template format error: Every Ref object must have a single String value."
            )
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.unset:
            if self.stand_in:
                return STAND_IN + name
            raise Unknown(f"parameter {name} has no value")
        return self.ref(name)

    def _get_att(self, argument: Any) -> Any:
        return self.get_att(*get_att_target(argument))

    def _sub(self, argument: Any) -> str:
        text, variables = sub_arguments(argument)
        local = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(local[name])
            if "." in name:
                return str(self._get_att(name))
            return str(self._ref(name))

        return SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def _join(self, argument: Any) -> str:
        delimiter, values = _arguments("Fn::Join", argument, 2)
        items = self.resolve(values)
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise TemplateError(
                "Template error: every Fn::Join object requires two parameters, (1) a string "
                "delimiter and (2) a list of strings to be joined or a function that returns a "
                "list of strings (such as Fn::GetAZs) to be joined."
            )
        return delimiter.join(str(v) for v in items)

    def _select(self, argument: Any) -> Any:
        index, values = _arguments("Fn::Select", argument, 2)
        items = self.resolve(values)
        try:
            position = int(self.resolve(index))
        except (TypeError, ValueError) as error:
            raise TemplateError(
                "Template error: Fn::Select requires a list argument with two elements: an "
                f"integer index and a list (index {index!r})"
            ) from error
        if not isinstance(items, list) or not 0 <= position < len(items):
            raise TemplateError(f"Fn::Select index {position} is outside {items!r}")
        return items[position]

    def _split(self, argument: Any) -> list[str]:
        delimiter, text = _arguments("Fn::Split", argument, 2)
        return str(self.resolve(text)).split(str(delimiter))

    def _find_in_map(self, argument: Any) -> Any:
        return find_in_map(self.mappings, argument, self.resolve)

    def _if(self, argument: Any) -> Any:
        name, when_true, when_false = _arguments("Fn::If", argument, 3)
        return self.resolve(when_true if self.condition(name) else when_false)
