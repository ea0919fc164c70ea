"""What the generated construct shares: struct values, rendering to CloudFormation names.

Values render as AWS's L1 constructs render theirs: structs (or dicts of their snake_case
keyword arguments) to objects with the schema's property names, `CfnTag`s to `Key`/`Value`
sorted by key (as CDK's TagManager renders them), lists item by item, and everything else (strings,
numbers, tokens such as `Ref`, `Fn::GetAtt`, `Fn::Sub`, other `IResolvable`s) as it is, for CDK to
resolve at synthesis.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence

import aws_cdk
import constructs

# A field: (CloudFormation name, how its value renders: "" as is, "struct:<Definition>",
# "list:<spec>", "tags").
FieldTable = dict[str, tuple[str, str]]


def given(**values: typing.Any) -> dict[str, typing.Any]:
    """The keyword arguments that were given (None means not set, as in CDK)."""
    return {name: value for name, value in values.items() if value is not None}


class Struct:
    """A nested `...Property` value: keyword arguments only, compared by value."""

    _FIELDS: typing.ClassVar[FieldTable] = {}
    _values: dict[str, typing.Any]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Struct)
            and type(other) is type(self)
            and other._values == self._values
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def _get(self, name: str) -> typing.Any:
        return self._values.get(name)

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"{type(self).__qualname__}({args})"


def _struct_class(owner: type, definition: str) -> type[Struct]:
    cls: type[Struct] = getattr(owner, f"{definition}Property")
    return cls


def render(owner: type, spec: str, value: typing.Any) -> typing.Any:
    """`value` as CloudFormation takes it, for a field rendered as `spec`.

    Only Python values are inspected: anything else (a jsii object such as an `IResolvable`
    from `Fn.get_att` or `Lazy`) is a token CDK resolves itself, and passes through.
    """
    if value is None or isinstance(value, (str, bytes, int, float)):
        return value
    if spec == "tags" and isinstance(value, Sequence):
        tags = [_tag(tag) for tag in value]
        if all(isinstance(tag["Key"], str) for tag in tags):
            tags.sort(key=lambda tag: tag["Key"])  # as CDK's TagManager renders tags
        return tags
    if spec.startswith("list:") and isinstance(value, Sequence):
        return [render(owner, spec[len("list:") :], item) for item in value]
    if spec.startswith("struct:") and isinstance(value, (Struct, Mapping)):
        cls = _struct_class(owner, spec[len("struct:") :])
        if not isinstance(value, Struct):
            value = cls(**value)
        if not isinstance(value, cls):
            raise TypeError(
                f"expected {cls.__qualname__} or a dict of its arguments, got {value!r}"
            )
        return render_fields(owner, cls._FIELDS, value._values)
    if isinstance(value, Struct):
        raise TypeError(f"{type(value).__qualname__} given where {spec or 'a value'} is expected")
    return value


def render_fields(
    owner: type, fields: FieldTable, values: Mapping[str, typing.Any]
) -> dict[str, typing.Any]:
    rendered: dict[str, typing.Any] = {}
    for name, value in values.items():
        cfn_name, spec = fields[name]
        rendered[cfn_name] = render(owner, spec, value)
    return rendered


def _tag(tag: typing.Any) -> dict[str, typing.Any]:
    if isinstance(tag, aws_cdk.CfnTag):
        return {"Key": tag.key, "Value": tag.value}
    if isinstance(tag, Mapping) and set(tag) == {"key", "value"}:
        return {"Key": tag["key"], "Value": tag["value"]}
    raise TypeError(f"expected aws_cdk.CfnTag or {{'key': ..., 'value': ...}}, got {tag!r}")


class ModelPackageResource(aws_cdk.CfnResource):
    """The L1 machinery: properties kept in Python, rendered when CDK synthesizes."""

    CFN_RESOURCE_TYPE_NAME: typing.ClassVar[str]
    _FIELDS: typing.ClassVar[FieldTable] = {}

    def __init__(self, scope: constructs.Construct, id: str, values: dict[str, typing.Any]) -> None:
        # Rendered once now so that a wrong value fails here, with its name, as AWS's L1
        # constructs check types when they are built (not later, inside CDK's synthesis).
        render_fields(type(self), self._FIELDS, values)
        super().__init__(scope, id, type=self.CFN_RESOURCE_TYPE_NAME)
        self._values = values

    def _get(self, name: str) -> typing.Any:
        return self._values.get(name)

    def _set(self, name: str, value: typing.Any) -> None:
        render_fields(type(self), self._FIELDS, {name: value})
        if value is None:
            self._values.pop(name, None)
        else:
            self._values[name] = value

    @property
    def _cfn_properties(self) -> typing.Mapping[str, typing.Any]:
        # Overrides CfnResource.cfnProperties, as AWS's L1 constructs do: read at synthesis, so
        # a property set after construction is rendered too.
        return render_fields(type(self), self._FIELDS, self._values)
