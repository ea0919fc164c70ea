"""A template bound to a stack: its resources, their order and their properties resolved.

CloudFormation checks a template as a whole before it starts (types, `Ref`, `Fn::GetAtt`,
conditions) and resolves each resource's properties when it reaches it. `Bindings` does both:
checks report every error of the template; properties resolve against the stack as it is (physical
IDs, attributes), with placeholders for what exists only once created (`fresh`: new and replaced
resources, with their generation). Read-only properties a template sets are dropped, as
CloudFormation drops them (aws-cloudformation/cloudformation-resource-schema#102), and named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlops_sagemaker_modelpackage import arns
from mlops_sagemaker_modelpackage.json_types import Json

from .intrinsics import (
    FUNCTIONS,
    SUB_VARIABLE,
    Resolver,
    TemplateError,
    Unknown,
    get_att_target,
    sub_arguments,
    unsupported,
)
from .schema import type_schema
from .state import StackState
from .supported import GROUP_TYPE, INSTEAD, SUPPORTED
from .template import Template, TemplateErrors

# The account and region the rehearsal runs in unless told otherwise (the embedded SageMaker's,
# and what stands for the real ones in `--validate`).
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"


@dataclass(frozen=True)
class Identity:
    """The stack's pseudo parameters."""

    stack_name: str
    stack_id: str
    account: str
    region: str

    @classmethod
    def of(cls, stack_name: str, account: str, region: str, unique: str = "id") -> Identity:
        """The stack `stack_name` in `account` and `region`; `unique` ends its stack id (the
        stack's ARN: CloudFormation's is a UUID)."""
        stack_id = f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/{unique}"
        return cls(stack_name, stack_id, account, region)

    @classmethod
    def planned(cls, stack_name: str) -> Identity:
        """For `--validate`: an account and region that stand for the real ones."""
        return cls.of(stack_name, LOCAL_ACCOUNT, LOCAL_REGION)

    @property
    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }


def placeholder(
    identity: Identity, type_name: str, logical_id: str, attribute: str | None, generation: int
) -> str:
    """What a Ref or Fn::GetAtt stands for before the resource exists; `generation` counts
    replacements, so that what refers to a replaced resource changes too."""
    suffix = "" if generation == 0 else f"-{generation}"
    if attribute is None or attribute == type_schema(type_name).identifier:
        arn = arns.group_arn_at if type_name == GROUP_TYPE else arns.package_arn
        return arn(identity.region, identity.account, f"{logical_id.lower()}{suffix}")
    if attribute == "ModelPackageVersion":
        return str(1 + generation)
    return f"{logical_id}.{attribute}{suffix}"


@dataclass
class Bindings:
    template: Template
    identity: Identity
    types: dict[str, str]
    included: dict[str, Json]
    order: list[str]
    # resources and outputs ("Outputs X") whose references are wrong: reported once, by
    # `check`, and not resolved (resolving them would only say it again)
    broken: set[str] = field(default_factory=set)

    @classmethod
    def check(cls, template: Template, identity: Identity) -> tuple[Bindings, list[str]]:
        """Check the template as a whole: the bindings and every error found (types,
        conditions, order, every Ref, Fn::GetAtt and Fn::Sub reference)."""
        errors: list[str] = []
        types: dict[str, str] = {}
        for logical_id, spec in template.declared.items():
            if not isinstance(spec, dict) or "Type" not in spec:
                continue  # Template.load said so
            kind = spec.get("Type")
            if kind not in SUPPORTED:
                hint = f"; {INSTEAD[kind]}" if kind in INSTEAD else ""
                errors.append(f"{logical_id}: resource type {kind} is not supported locally{hint}")
                continue
            types[logical_id] = str(kind)
            provisioned = SUPPORTED[kind].properties
            if provisioned is not None:
                unsupported = sorted(set(spec.get("Properties", {})) - provisioned)
                if unsupported:
                    errors.append(f"{logical_id}: {', '.join(unsupported)} not supported locally")
        # every error at once, as a linter reports them: one check failing does not hide the next
        conditions = template.conditions(identity.pseudo)

        def holds(name: str) -> bool:  # a condition that cannot be evaluated: said, kept in
            try:
                return conditions(name)
            except Unknown:
                return True  # a parameter without a value: said already
            except TemplateError as error:
                errors.append(str(error))
                return True

        for name in template.body.get("Conditions") or {}:
            holds(name)
        included, order = template.resources(holds), []
        try:
            order = template.order(included)
        except TemplateError as error:
            errors += error.errors if isinstance(error, TemplateErrors) else [str(error)]
        bindings = cls(template, identity, types, included, order)
        errors += bindings._reference_errors()
        return bindings, list(dict.fromkeys(errors))

    # ---------------------------------------------------------------- checks

    def _reference_errors(self) -> list[str]:
        """Every Fn::GetAtt, Ref and Fn::Sub reference (`${X}`, `${X.Attr}`) of the template that
        names nothing it may name; the resources and outputs they are in become `broken`."""
        check = _References(self)
        for logical_id, spec in self.template.declared.items():
            if isinstance(spec, dict):
                check.walk(spec.get("Properties", {}), logical_id)
        for name, output in (self.template.body.get("Outputs") or {}).items():
            check.walk(output, f"Outputs {name}")
            value = output.get("Value") if isinstance(output, dict) else None
            if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:  # its type is known
                try:
                    target, attribute = get_att_target(value["Fn::GetAtt"])
                except TemplateError:
                    continue  # said by walk
                kind = (
                    type_schema(self.types[target]).attribute_kind(attribute)
                    if target in self.types
                    else "string"
                )
                if kind in NOT_A_STRING:
                    check.fail(f"Outputs {name}", str(not_a_string(NOT_A_STRING[kind])))
        return check.errors

    def get_att_problem(self, logical_id: str, attribute: str) -> str | None:
        if logical_id not in self.types and logical_id in self.template.declared:
            return None  # a type the driver does not support: refused by name already
        if logical_id not in self.types:
            return (
                f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}"
            )
        attributes = type_schema(self.types[logical_id]).attributes
        if attribute not in attributes:
            return (
                f"Template error: resource {logical_id} does not support attribute type "
                f"{attribute} in Fn::GetAtt (its type {self.types[logical_id]} has "
                f"{', '.join(sorted(attributes))})"
            )
        return None

    # ---------------------------------------------------------------- resolution

    def resolver(
        self,
        state: StackState,
        fresh: Mapping[str, int] | None = None,
        *,
        planning: bool = False,
        stand_in: bool = False,
    ) -> Resolver:
        """Resolves against `state`; `fresh` resources (and with `planning` anything without a
        value yet) resolve to placeholders; with `stand_in`, parameters without a value resolve
        to STAND_IN (else they raise Unknown)."""
        fresh = fresh or {}

        def generation(name: str) -> int:
            if name in fresh:
                return fresh[name]
            current = state.resources.get(name)
            return current.generation if current else 0

        def ref(name: str) -> str:
            if name not in self.included:
                why = (
                    "its condition leaves it out"
                    if name in self.template.declared
                    else "no parameter or resource of that name"
                )
                raise TemplateError(
                    f"Template format error: Unresolved resource dependencies [{name}] ({why})"
                )
            if name not in self.types:
                raise Unknown(f"{name}: its type is not supported (said already)")
            current = state.resources.get(name)
            if name in fresh or current is None:
                if not planning and name not in fresh:
                    raise TemplateError(f"Ref to {name}, which is not created yet")
                return placeholder(self.identity, self.types[name], name, None, generation(name))
            return current.physical_id

        def get_att(name: str, attribute: str) -> Any:
            problem = self.get_att_problem(name, attribute)
            if problem:
                raise TemplateError(problem)
            if name not in self.types:
                raise Unknown(f"{name}: its type is not supported (said already)")
            if name not in self.included:
                raise TemplateError(
                    f"Fn::GetAtt {name}.{attribute}: its condition leaves {name} out"
                )
            current = state.resources.get(name)
            if name in fresh or current is None or attribute not in current.model:
                if not planning and (name not in fresh):
                    raise TemplateError(f"Fn::GetAtt {name}.{attribute}: no value yet")
                return placeholder(
                    self.identity, self.types[name], name, attribute, generation(name)
                )
            return current.model[attribute]

        template = self.template
        pseudo = self.identity.pseudo
        return Resolver(
            template.parameters,
            pseudo,
            ref,
            get_att,
            template.conditions(pseudo),
            template.mappings,
            template.unset,
            stand_in,
        )

    def resolved(
        self,
        logical_id: str,
        state: StackState,
        fresh: Mapping[str, int] | None = None,
        *,
        planning: bool = False,
        stand_in: bool = False,
    ) -> tuple[Json, list[str]]:
        """The properties CloudFormation sends for `logical_id`, and the read-only ones it
        dropped."""
        raw = self.resolver(state, fresh, planning=planning, stand_in=stand_in).resolve(
            self.included[logical_id].get("Properties", {})
        )
        properties: Json = raw if isinstance(raw, dict) else {}
        ignored = type_schema(self.types[logical_id]).read_only_set(properties)
        return {k: v for k, v in properties.items() if k not in ignored}, ignored

    def policies(self, logical_id: str) -> tuple[str, str]:
        spec = self.included[logical_id]
        return spec.get("DeletionPolicy", "Delete"), spec.get("UpdateReplacePolicy", "Delete")

    def outputs(
        self, state: StackState, *, planning: bool = False, errors: list[str] | None = None
    ) -> list[tuple[str, Any, Any]]:
        """(name, value, export name) of each output whose condition holds. The first output
        that cannot be resolved raises TemplateError; with `errors`, every one is added there
        instead (and the `broken` ones, reported already, are left out)."""
        resolver = self.resolver(state, planning=planning)
        found = []
        for name, output in (self.template.body.get("Outputs") or {}).items():
            if errors is not None and f"Outputs {name}" in self.broken:
                continue
            if not isinstance(output, dict) or "Value" not in output:
                if errors is None:
                    raise TemplateError(f"Outputs {name}: an output needs a Value")
                errors.append(f"Outputs {name}: an output needs a Value")
                continue
            try:
                if "Condition" in output and not resolver.condition(output["Condition"]):
                    continue
                value = _output_value(resolver.resolve(output["Value"]))
                export = resolver.resolve(output.get("Export", {}).get("Name"))
            except Unknown:
                continue  # a parameter without a value: said already
            except TemplateError as error:
                if errors is None:
                    raise TemplateError(f"Outputs {name}: {error}") from error
                errors.append(f"Outputs {name}: {error}")
                continue
            found.append((name, value, export))
        return found


class _References:
    """Walks properties and outputs for references that name nothing they may name; each
    error found is added to `errors`, and the resource or output it is in to `broken`."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        template = bindings.template
        parameters = set(template.body.get("Parameters") or {})
        self.known = parameters | set(bindings.identity.pseudo) | {"AWS::NoValue"}
        self.conditions = template.body.get("Conditions") or {}
        self.errors: list[str] = []

    def fail(self, where: str, problem: str, *, placed: bool = False) -> None:
        """`placed`: the message says where already."""
        self.errors.append(problem if placed else f"{where}: {problem}")
        self.bindings.broken.add(where)

    def unresolved(self, name: str, where: str) -> None:
        if name not in self.known and name not in self.bindings.template.declared:
            self.fail(
                where,
                f"Template format error: Unresolved resource dependencies [{name}] in {where}",
                placed=True,
            )

    def walk(self, value: Any, where: str) -> None:
        if isinstance(value, list):
            for item in value:
                self.walk(item, where)
            return
        if not isinstance(value, dict):
            return
        (key,) = value if len(value) == 1 else [""]
        if key == "Fn::GetAtt":
            try:
                problem = self.bindings.get_att_problem(*get_att_target(value[key]))
            except TemplateError as error:
                problem = str(error)
            if problem:
                self.fail(where, problem)
        elif key == "Fn::Sub":
            self.sub(value[key], where)
        elif key == "Ref" and isinstance(value[key], str):
            self.unresolved(value[key], where)
        elif (key.startswith("Fn::") or key == "Condition") and key not in FUNCTIONS:
            self.fail(where, unsupported(key))
        else:
            argument = value[key] if key == "Fn::If" else None
            condition = argument[0] if isinstance(argument, list) and argument else None
            if isinstance(condition, str) and condition not in self.conditions:
                self.fail(
                    where, f"Template error: unresolved condition dependency {condition} in Fn::If"
                )
            for item in value.values():
                self.walk(item, where)

    def sub(self, argument: Any, where: str) -> None:
        """`${Name}` and `${Resource.Attribute}` of an Fn::Sub, and its own variables' values."""
        try:
            text, variables = sub_arguments(argument)
        except TemplateError as error:
            self.fail(where, str(error))
            return
        for name in SUB_VARIABLE.findall(text):
            if name in variables:
                continue
            target, _, attribute = name.partition(".")
            if attribute:
                problem = self.bindings.get_att_problem(target, attribute)
                if problem:
                    self.fail(where, f"{problem} (Fn::Sub ${{{name}}})")
            else:
                self.unresolved(name, f"{where} (Fn::Sub ${{{name}}})")
        self.walk(variables, where)


NOT_A_STRING = {"array": "List", "object": "Map"}  # JSON type -> CloudFormation's word


def not_a_string(kind: str) -> TemplateError:
    return TemplateError(
        "Template format error: The Value field of every Outputs member must evaluate to a "
        f"String and not a {kind}."
    )


def _output_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        raise not_a_string("List" if isinstance(value, list) else "Map")
    return value
