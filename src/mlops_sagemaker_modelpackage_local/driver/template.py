"""Templates: decoded as CloudFormation decodes them, with their parameters checked.

Decoding is cfn-lint's (`cfnlint.decode`: YAML short forms, JSON, and the line and column of a
syntax error), so a template that is not well-formed is refused in CloudFormation's words before any
stack operation. Parameters are checked as CloudFormation checks them before a change: unknown
names, missing values, `AllowedValues`, `AllowedPattern`, `MinLength`/`MaxLength`,
`MinValue`/`MaxValue`, `Number` and `CommaDelimitedList` (a list to `Ref`). Every error of a
template is collected, not only the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
from cfnlint.decode import cfn_json, decode

from mlops_sagemaker_modelpackage.json_types import Json

from . import limits
from .intrinsics import Conditions, ParameterValue, TemplateError, references

# The values CloudFormation accepts for each policy that a type without snapshots can honour
# (RetainExceptOnCreate: retained, except by the rollback of the operation that created it).
POLICY_VALUES = {
    "DeletionPolicy": ("Delete", "Retain", "RetainExceptOnCreate"),
    "UpdateReplacePolicy": ("Delete", "Retain"),
}
POLICIES = tuple(POLICY_VALUES)
RESOURCE_KEYS = {"Type", "Properties", "DependsOn", "Condition", "Metadata", *POLICIES}
SECTIONS = {
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
    "Transform",
    "Rules",
}
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
PARAMETER_TYPES = ("String", "Number", "CommaDelimitedList", "List<Number>")
# e.g. the BootstrapVersion parameter of every CDK-synthesized template
SSM_PARAMETER = regex.compile(r"AWS::SSM::Parameter::Value<(String|List<String>)>")
# an integer or a float in decimal digits: not float()'s nan, inf or 1_000
NUMBER = regex.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class TemplateErrors(TemplateError):
    """Every error found in one template; `errors` lists them, the message joins them.
    `template`: the template as far as it could be read, when its shape is sound, so that
    `--validate` goes on to check what the errors do not hide (references, properties)."""

    def __init__(self, errors: list[str], template: Template | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.template = template


def decoded(path: Path) -> Json:
    """The template's body; TemplateErrors in CloudFormation's words if it is not well-formed
    or breaks one of its limits on a body (limits.py)."""
    if not path.is_file():
        raise TemplateErrors([f"{path}: no such template file"])
    kind = "JSON" if path.suffix == ".json" else "YAML"
    raw = path.read_bytes()
    errors = limits.body_errors(len(raw))
    if errors:  # not decoded: CloudFormation reads no further
        raise TemplateErrors(errors)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:  # e.g. saved as Latin-1: CloudFormation reads UTF-8
        raise TemplateErrors(
            [
                f"Template format error: {kind} not well-formed. (byte {error.start}): "
                "not UTF-8 text; save the file as UTF-8"
            ]
        ) from error
    json_text = text.lstrip().startswith("{")  # read as JSON, strictly
    body = _json_body(text) if json_text else _yaml_body(path, kind)
    if not isinstance(body, dict):
        raise TemplateErrors(["Template format error: a template is a JSON object"])
    too_deep = limits.depth_error(body)  # before anything else walks it
    if too_deep:
        raise TemplateErrors([too_deep])
    plain: Json = json.loads(json.dumps(body))  # cfn-lint's nodes, as plain JSON values
    return plain


def _json_body(text: str) -> Any:
    """JSON read as JSON, as CloudFormation reads it: cfn-lint's YAML reader refuses some valid
    JSON, such as the escaped surrogate pairs that spell characters beyond the Basic
    Multilingual Plane ("\\ud83d\\ude80"). Duplicate keys are refused (cfn-lint's JSON reader)."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateErrors(
            [
                "Template format error: JSON not well-formed. "
                f"(line {error.lineno}, column {error.colno}): {error.msg}"
            ]
        ) from error
    except RecursionError as error:  # the decoder recurses per level: locate it on the text
        raise TemplateErrors([limits.json_depth_error(text) or _too_deep("JSON")]) from error
    too_deep = limits.depth_error(body)  # cfn-lint's JSON decoder recurses deeper per level
    if too_deep:
        raise TemplateErrors([limits.json_depth_error(text) or too_deep])
    unpaired = _unpaired_surrogate(body)
    if unpaired:
        raise TemplateErrors([f"Template format error: JSON not well-formed. {unpaired}"])
    try:
        return cfn_json.loads(text)
    except cfn_json.JSONDecodeError as error:
        first = error.matches[0]
        # cfn-lint counts lines from 0 where it marks a key (duplicates), from 1 elsewhere
        line = first.linenumber + (1 if first.message.startswith("Duplicate found") else 0)
        raise TemplateErrors(
            [
                "Template format error: JSON not well-formed. "
                f"(line {line}, column {first.columnnumber}): {first.message}"
            ]
        ) from error


def _yaml_body(path: Path, kind: str) -> Any:
    body, matches = decode(str(path))
    if matches or body is None:
        where = matches[0] if matches else None
        if where is not None and "maximum recursion depth" in where.message:
            raise TemplateErrors([_too_deep(kind)])  # cfn-lint's YAML reader recurses per level
        place = f" (line {where.linenumber}, column {where.columnnumber})" if where else ""
        detail = f": {where.message}" if where else ""
        raise TemplateErrors([f"Template format error: {kind} not well-formed.{place}{detail}"])
    return body


def _too_deep(kind: str) -> str:
    return f"Template format error: {kind} not well-formed: {limits.TOO_DEEP}"


def _unpaired_surrogate(body: Any) -> str | None:
    """A string holding half of a surrogate pair ("\\ud83d" alone), which JSON's decoder takes
    and no UTF-8 text can hold: refused by name, not when the handler sends it on."""
    for value in limits.strings(body):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return (
                f"\\u{ord(value[error.start]):04x} is half of a surrogate pair, with no other "
                f"half (in {value[: error.start][-20:]!r}...)"
            )
    return None


@dataclass
class Template:
    path: Path
    body: Json
    parameters: dict[str, ParameterValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the driver does not emulate here

    @classmethod
    def load(
        cls,
        path: Path,
        overrides: dict[str, str] | None = None,
        *,
        previous: dict[str, str] | None = None,
    ) -> Template:
        """Decode and check `path` with the parameter values `overrides` (and `previous`: the
        stack's values kept for keys not given, parameters.py); TemplateErrors listing every
        problem found."""
        body = decoded(path)
        warnings = limits.body_warnings(path.stat().st_size)
        errors: list[str] = []
        unknown = sorted(set(body) - SECTIONS)
        if unknown:
            errors.append(
                f"Template format error: Invalid template property or properties {unknown}"
            )
        if not isinstance(body.get("Resources"), dict) or not body["Resources"]:
            errors.append("Template format error: At least one Resources member must be defined.")
            raise TemplateErrors(errors)
        shape = _shape_errors(body)
        if shape:  # what follows reads the template by its shape
            raise TemplateErrors(errors + shape)
        errors += _transform_errors(body)
        parameters, parameter_errors = check_parameters(
            body.get("Parameters") or {}, overrides or {}, previous or {}
        )
        errors += parameter_errors
        template = cls(path, body, parameters, warnings + _not_emulated(body, parameters))
        errors += limits.resource_errors(template.declared)
        for logical_id, spec in template.declared.items():
            errors += _resource_errors(logical_id, spec)
        if errors:
            raise TemplateErrors(errors, template)
        return template

    @property
    def unset(self) -> set[str]:
        """Declared parameters without a usable value (an error says why): what refers to them
        cannot be resolved, and says nothing more."""
        return set(self.body.get("Parameters") or {}) - set(self.parameters)

    @property
    def declared(self) -> dict[str, Json]:
        """Every resource of the template, whatever its condition."""
        resources: dict[str, Json] = self.body["Resources"]
        return resources

    @property
    def mappings(self) -> Json:
        mappings: Json = self.body.get("Mappings") or {}
        return mappings

    def conditions(self, pseudo: dict[str, str]) -> Conditions:
        return Conditions(
            self.body.get("Conditions") or {},
            self.parameters,
            pseudo,
            self.mappings,
            unset=self.unset,
        )

    def resources(self, condition: Callable[[str], bool]) -> dict[str, Json]:
        """The resources this deploy creates: those without a Condition or whose is true."""
        return {
            name: spec
            for name, spec in self.declared.items()
            if isinstance(spec, dict) and ("Condition" not in spec or condition(spec["Condition"]))
        }

    def order(self, included: dict[str, Json]) -> list[str]:
        """Logical IDs of `included` with every resource after the ones it refers to;
        TemplateErrors naming every cycle and unresolved dependency."""
        graph: dict[str, set[str]] = {}
        for name, spec in included.items():
            graph[name] = references(spec) & set(self.declared)
            depends = spec.get("DependsOn", [])
            graph[name] |= {depends} if isinstance(depends, str) else set(depends)
        ordered: list[str] = []
        path: list[str] = []
        errors: dict[str, None] = {}  # in the order found, each once

        def visit(name: str, by: str) -> None:
            if name in ordered:
                return
            if name in path:
                cycle = sorted(path[path.index(name) :])
                errors[f"Circular dependency between resources: [{', '.join(cycle)}]"] = None
                return
            if name not in self.declared:
                errors[
                    f"Template format error: Unresolved resource dependencies [{name}] in the "
                    f"Resources block of the template ({by} depends on it)"
                ] = None
                return
            if name not in included:
                errors[f"{by} refers to {name}, which its condition leaves out"] = None
                return
            path.append(name)
            for dependency in sorted(graph[name]):
                visit(dependency, name)
            path.pop()
            ordered.append(name)

        for name in included:
            visit(name, name)
        if errors:
            raise TemplateErrors(list(errors))
        return ordered


def _transform_errors(body: Json) -> list[str]:
    errors = []
    transforms = body.get("Transform") or []
    transforms = [transforms] if isinstance(transforms, str) else transforms
    if set(transforms) - {LANGUAGE_EXTENSIONS}:
        errors.append(
            f"Transform {', '.join(sorted(set(transforms) - {LANGUAGE_EXTENSIONS}))} is not "
            f"supported locally (only {LANGUAGE_EXTENSIONS}, for Fn::FindInMap's DefaultValue)"
        )
    if LANGUAGE_EXTENSIONS not in transforms and _defaults_in_maps(body):
        errors.append(
            "Template error: Fn::FindInMap with DefaultValue needs "
            f"'Transform: {LANGUAGE_EXTENSIONS}'"
        )
    return errors


def _not_emulated(body: Json, parameters: dict[str, ParameterValue]) -> list[str]:
    """Warnings for what a template may hold and the driver does not do."""
    warnings = []
    if body.get("Rules"):
        warnings.append(
            f"Rules {', '.join(body['Rules'])} not evaluated locally (CloudFormation checks "
            "their assertions before any change)"
        )
    for name, spec in (body.get("Parameters") or {}).items():
        kind = str(spec.get("Type", "")) if isinstance(spec, dict) else ""
        if SSM_PARAMETER.fullmatch(kind) and name in parameters:
            warnings.append(
                f"parameter {name}: SSM parameter {parameters[name]} is not read locally; "
                "its Ref gives the parameter's name"
            )
    return warnings


def _shape_errors(body: Json) -> list[str]:
    """Where a section, a resource or an output is not the kind of value CloudFormation reads
    there (a null, a string for a map, ...), in its words where it has them."""

    def kind(where: str, value: Any, wanted: type | tuple[type, ...], what: str) -> list[str]:
        if value is None:
            return [f"Template format error: [{where}] 'null' values are not allowed in templates"]
        if not isinstance(value, wanted):
            return [f"Template format error: [{where}] must be {what}"]
        return []

    def names(value: Any) -> bool:
        return isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )

    errors: list[str] = []
    for section in sorted(SECTIONS & set(body) - {"AWSTemplateFormatVersion", "Transform"}):
        errors += kind(
            f"/{section}",
            body[section],
            str if section == "Description" else dict,
            "a string" if section == "Description" else "an object",
        )
    if "Transform" in body and not names(body["Transform"]):
        errors.append("Template format error: [/Transform] must be a name or a list of names")
    for name, entries in (body.get("Mappings") or {}).items():
        if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
            errors.append(
                f"Template format error: [/Mappings/{name}] every Mappings member must be a map "
                "of maps"
            )
    for logical_id, spec in body["Resources"].items():
        if not isinstance(spec, dict):
            continue  # _resource_errors: no Type member
        if "Properties" in spec:
            errors += kind(
                f"/Resources/{logical_id}/Properties", spec["Properties"], dict, "an object"
            )
        if "DependsOn" in spec and not names(spec["DependsOn"]):
            errors.append(
                f"Template format error: [/Resources/{logical_id}/DependsOn] DependsOn must be "
                "a logical ID or a list of them"
            )
        if "Condition" in spec and not isinstance(spec["Condition"], str):
            errors.append(
                f"Template format error: [/Resources/{logical_id}/Condition] must be the name "
                "of a condition"
            )
    for name, output in (body.get("Outputs") or {}).items():
        errors += kind(f"/Outputs/{name}", output, dict, "an object")
        export = output.get("Export") if isinstance(output, dict) else None
        if export is not None and not (isinstance(export, dict) and "Name" in export):
            errors.append(
                f"Template format error: [/Outputs/{name}/Export] an Export is an object with "
                "a Name"
            )
    return errors


def _resource_errors(logical_id: str, spec: Any) -> list[str]:
    if logical_id.startswith("Fn::ForEach::"):
        return [f"Resources {logical_id}: Fn::ForEach is not supported by the local driver"]
    if not isinstance(spec, dict) or "Type" not in spec:
        return [
            f"Template format error: [/Resources/{logical_id}] Every Resources object "
            "must contain a Type member."
        ]
    errors = []
    unsupported = sorted(set(spec) - RESOURCE_KEYS)
    if unsupported:
        errors.append(f"{logical_id}: {', '.join(unsupported)} not supported locally")
    for policy, values in POLICY_VALUES.items():
        if spec.get(policy, "Delete") not in values:
            errors.append(
                f"{logical_id}: {policy} {spec[policy]} is not supported locally "
                f"(only {', '.join(values)})"
            )
    return errors


def _defaults_in_maps(value: Any) -> bool:
    if isinstance(value, dict):
        lookup = value.get("Fn::FindInMap")
        if isinstance(lookup, list) and len(lookup) == 4:
            return True
        return any(_defaults_in_maps(v) for v in value.values())
    if isinstance(value, list):
        return any(_defaults_in_maps(v) for v in value)
    return False


def check_parameters(
    declared: Json, overrides: dict[str, str], previous: dict[str, str] | None = None
) -> tuple[dict[str, ParameterValue], list[str]]:
    """Each parameter's value (list for a list type) and every error, in CloudFormation's words:
    from `overrides`, else `previous` (a value the stack keeps), else the Default."""
    previous = previous or {}
    errors: list[str] = []
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        errors.append(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    values: dict[str, ParameterValue] = {}
    missing = []
    for name, declaration in declared.items():
        spec = declaration if isinstance(declaration, dict) else {}
        kind = str(spec.get("Type", ""))
        if SSM_PARAMETER.fullmatch(kind):
            kind = "String"  # the name of the SSM parameter (see Template.load's warning)
        if kind not in PARAMETER_TYPES:
            errors.append(
                f"Parameter {name}: Type {kind or '(none)'} is not supported locally "
                f"(only {', '.join(PARAMETER_TYPES)})"
            )
            continue
        malformed = declaration_problem(name, spec)
        if malformed:
            errors.append(malformed)
            continue
        if name in overrides:
            text = overrides[name]
        elif name in previous:
            text = previous[name]
        elif "Default" in spec:
            default = spec["Default"]
            text = ",".join(map(str, default)) if isinstance(default, list) else _text(default)
        else:
            missing.append(name)
            continue
        problem = parameter_problem(name, spec, kind, text)
        if problem:
            errors.append(problem)
        values[name] = (
            [v.strip() for v in text.split(",")] if kind not in {"String", "Number"} else text
        )
    if missing:
        errors.append(f"Parameters: [{', '.join(missing)}] must have values")
    return values, errors


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def declaration_problem(name: str, spec: Json) -> str | None:
    """What is wrong with the parameter's own declaration (its constraints), or None."""
    where = f"Template format error: Parameter '{name}'"
    for key in ("MinLength", "MaxLength"):
        if key in spec and not regex.fullmatch(r"[0-9]+", _text(spec[key])):
            return f"{where}: {key} must be a non-negative integer, not {spec[key]!r}"
    for key in ("MinValue", "MaxValue"):
        if key in spec and not NUMBER.fullmatch(_text(spec[key])):
            return f"{where}: {key} must be a number, not {spec[key]!r}"
    if "AllowedValues" in spec and not isinstance(spec["AllowedValues"], list):
        return f"{where}: AllowedValues must be a list"
    if "Default" in spec and isinstance(spec["Default"], dict):
        return f"{where}: Default must be a string"
    if "AllowedPattern" in spec:
        try:
            regex.compile(str(spec["AllowedPattern"]))
        except regex.error as error:
            return f"{where}: AllowedPattern {spec['AllowedPattern']!r} is not a pattern ({error})"
    return None


def parameter_problem(name: str, spec: Json, kind: str, text: str) -> str | None:
    """Why CloudFormation refuses `text` for parameter `name`, or None."""
    items = [text] if kind in ("String", "Number") else [v.strip() for v in text.split(",")]
    numeric = kind in ("Number", "List<Number>")
    constraint = spec.get("ConstraintDescription")
    for item in items:
        if numeric:
            if not NUMBER.fullmatch(item):
                return f"Parameter '{name}' must be a number"
            number = float(item)
        problem = None
        if "AllowedValues" in spec and item not in [_text(v) for v in spec["AllowedValues"]]:
            problem = f"Parameter '{name}' must be one of AllowedValues"
        elif "AllowedPattern" in spec and not regex.fullmatch(str(spec["AllowedPattern"]), item):
            problem = f"Parameter '{name}' must match pattern {spec['AllowedPattern']}"
        elif "MinLength" in spec and len(item) < int(spec["MinLength"]):
            problem = f"Parameter '{name}' must contain at least {spec['MinLength']} characters"
        elif "MaxLength" in spec and len(item) > int(spec["MaxLength"]):
            problem = f"Parameter '{name}' must contain at most {spec['MaxLength']} characters"
        elif numeric and "MinValue" in spec and number < float(spec["MinValue"]):
            problem = f"Parameter '{name}' must be a number not less than {spec['MinValue']}"
        elif numeric and "MaxValue" in spec and number > float(spec["MaxValue"]):
            problem = f"Parameter '{name}' must be a number not greater than {spec['MaxValue']}"
        if problem:
            # CloudFormation says the template's ConstraintDescription instead, when there is one
            return (
                f"Parameter '{name}' failed to satisfy constraint: {constraint}"
                if constraint
                else problem
            )
    return None
