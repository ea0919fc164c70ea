"""What the generated construct shares: struct values, rendering to CloudFormation names.

Values render as AWS's L1 constructs render theirs: structs (or dicts of their snake_case
keyword arguments) to objects with the schema's property names, `CfnTag`s to `Key`/`Value`
sorted by key (as CDK's TagManager renders them), lists item by item, and everything else (strings,
numbers, tokens such as `Ref`, `Fn::GetAtt`, `Fn::Sub`, other `IResolvable`s) as it is, for CDK to
resolve at synthesis.

AWS's own nested structs (`aws_cdk.aws_sagemaker.CfnModelPackage.XProperty`, given to this
construct by code written for AWS's) are converted into this construct's struct of the same name,
so that the template has the schema's names (CDK would write their camelCase jsii names, which
CloudFormation refuses); any other jsii struct is refused with a TypeError that says what to give.
A string with the schema's `enum` given literally must be one of its values (ValueError); a token
(`CfnParameter.value_as_string`, `Fn.ref`, ...) is left for CloudFormation to check.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence

import aws_cdk
import constructs
from aws_cdk.interfaces import aws_sagemaker as aws_sagemaker_refs

# A field: (CloudFormation name, how its value renders: "" as is, "struct:<Definition>",
# "list:<spec>", "tags", "enum:<value>|<value>|...").
FieldTable = dict[str, tuple[str, str]]
# jsii's name of AWS's construct: its nested structs are "<this>.<Definition>Property"
AWS_L1 = "aws-cdk-lib.aws_sagemaker.CfnModelPackage"


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


def _jsii_struct(value: typing.Any) -> str | None:
    """The jsii name of a jsii struct (a data type, such as AWS's `...Property` classes and
    `CfnTag`), None for anything else (tokens are jsii classes, not structs)."""
    kind = type(value)
    if not hasattr(kind, "__jsii_struct_bases__"):
        return None
    return str(getattr(kind, "__jsii_type__", kind.__qualname__))


def _from_aws(owner: type, definition: str, value: typing.Any, jsii_name: str) -> Struct:
    """AWS's struct `value` as this construct's struct of the same name, with the same keyword
    arguments (nested AWS structs are converted as they render)."""
    cls = _struct_class(owner, definition)
    expected = f"{AWS_L1}.{definition}Property"
    if jsii_name != expected:
        raise TypeError(
            f"{jsii_name} given where {cls.__qualname__} is expected: give "
            f"{cls.__qualname__}(...) (or aws_cdk.aws_sagemaker.{cls.__qualname__}, or a dict "
            "of its arguments)"
        )
    values: dict[str, typing.Any] = dict(value._values)
    unknown = sorted(set(values) - set(cls._FIELDS))
    if unknown:
        raise TypeError(
            f"aws_cdk.aws_sagemaker.{cls.__qualname__} sets {', '.join(unknown)}, which "
            f"{cls.__qualname__} does not have: give {cls.__qualname__}(...) with its arguments"
        )
    return cls(**values)


def _check_enum(spec: str, value: str) -> None:
    allowed = spec[len("enum:") :].split("|")
    if value not in allowed and not aws_cdk.Token.is_unresolved(value):
        raise ValueError(
            f"{value!r} is not one of {', '.join(map(repr, allowed))} (the schema's values; a "
            "token such as CfnParameter.value_as_string is left for CloudFormation to check)"
        )


def render(owner: type, spec: str, value: typing.Any) -> typing.Any:
    """`value` as CloudFormation takes it, for a field rendered as `spec`.

    Only Python values are inspected: anything else (a jsii object such as an `IResolvable`
    from `Fn.get_att` or `Lazy`) is a token CDK resolves itself, and passes through.
    """
    if isinstance(value, str) and spec.startswith("enum:"):
        _check_enum(spec, value)
    if value is None or isinstance(value, (str, bytes, int, float)):
        return value
    jsii_name = _jsii_struct(value)
    if jsii_name is not None and spec.startswith("struct:"):
        value = _from_aws(owner, spec[len("struct:") :], value, jsii_name)
    elif jsii_name is not None:
        kinds = {"list": "a list", "tags": "a list of tags", "enum": "a string"}
        wanted = kinds.get(spec.partition(":")[0], "a value")
        raise TypeError(f"{jsii_name} given where {wanted} is expected: give that (or a token)")
    if spec == "tags" and isinstance(value, Sequence):
        return _tags(value)
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
        try:
            rendered[cfn_name] = render(owner, spec, value)
        except ValueError as error:  # an enum: say where, outermost first
            raise ValueError(f"{cfn_name}: {error}") from None
    return rendered


def _tags(tags: typing.Sequence[typing.Any]) -> list[dict[str, typing.Any]]:
    return [_tag(tag) for tag in tags]


def _tag(tag: typing.Any) -> dict[str, typing.Any]:
    if isinstance(tag, aws_cdk.CfnTag):
        return {"Key": tag.key, "Value": tag.value}
    if isinstance(tag, Mapping) and set(tag) == {"key", "value"}:
        return {"Key": tag["key"], "Value": tag["value"]}
    raise TypeError(f"expected aws_cdk.CfnTag or {{'key': ..., 'value': ...}}, got {tag!r}")


class ModelPackageResource(aws_cdk.CfnResource):
    """The L1 machinery: properties kept in Python, rendered when CDK synthesizes.

    As on AWS's L1 constructs, `tags` is a `TagManager` (`tags.set_tag(...)`) and `tags_raw` the
    list given as `tags=`; both are rendered into `Tags`, sorted by key. Unlike AWS's, the
    construct is not `ITaggable`, so `Tags.of(scope).add(...)` does not reach it: a versioned
    package cannot carry tags (its group's apply), and the schema refuses them.
    """

    CFN_RESOURCE_TYPE_NAME: typing.ClassVar[str]
    _FIELDS: typing.ClassVar[FieldTable] = {}
    _TAGS = "tags"

    def __init__(self, scope: constructs.Construct, id: str, values: dict[str, typing.Any]) -> None:
        # Rendered once now so that a wrong value fails here, with its name, as AWS's L1
        # constructs check types when they are built (not later, inside CDK's synthesis).
        render_fields(type(self), self._FIELDS, values)
        super().__init__(scope, id, type=self.CFN_RESOURCE_TYPE_NAME)
        self._values = values
        self._tag_manager = aws_cdk.TagManager(
            aws_cdk.TagType.STANDARD, self.CFN_RESOURCE_TYPE_NAME
        )

    def _get(self, name: str) -> typing.Any:
        return self._values.get(name)

    def _set(self, name: str, value: typing.Any) -> None:
        render_fields(type(self), self._FIELDS, {name: value})
        if value is None:
            self._values.pop(name, None)
        else:
            self._values[name] = value

    @property
    def tags(self) -> aws_cdk.TagManager:
        """Tag Manager which manages the tags for this resource."""
        return self._tag_manager

    @property
    def tags_raw(self) -> list[aws_cdk.CfnTag] | None:
        """The tags given as `tags=` (or set here), as `aws_cdk.CfnTag`s."""
        raw = self._values.get(self._TAGS)
        if raw is None:
            return None
        return [aws_cdk.CfnTag(key=t["Key"], value=t["Value"]) for t in _tags(raw)]

    @tags_raw.setter
    def tags_raw(self, value: typing.Sequence[aws_cdk.CfnTag] | None) -> None:
        self._set(self._TAGS, value)

    @classmethod
    def is_cfn_model_package(cls, x: typing.Any) -> bool:
        """Checks whether the given object is one of these constructs."""
        return isinstance(x, cls)

    @classmethod
    def arn_for_model_package(cls, resource: aws_sagemaker_refs.IModelPackageRef) -> str:
        """The ARN of a model package reference (this construct, or AWS's)."""
        return resource.model_package_ref.model_package_arn

    def inspect(self, inspector: aws_cdk.TreeInspector) -> None:
        """Describe this construct in the construct tree (tree.json), as AWS's L1 constructs do."""
        inspector.add_attribute("aws:cdk:cloudformation:type", self.CFN_RESOURCE_TYPE_NAME)
        inspector.add_attribute("aws:cdk:cloudformation:props", self._cfn_properties)

    @property
    def model_package_ref(self) -> aws_sagemaker_refs.ModelPackageReference:
        """A reference to this model package (its ARN), as AWS's construct gives it."""
        return aws_sagemaker_refs.ModelPackageReference(model_package_arn=self.ref)

    @property
    def _cfn_properties(self) -> typing.Mapping[str, typing.Any]:
        # Overrides CfnResource.cfnProperties, as AWS's L1 constructs do: read at synthesis, so
        # a property set after construction is rendered too.
        values = {k: v for k, v in self._values.items() if k != self._TAGS}
        properties = render_fields(type(self), self._FIELDS, values)
        raw = self._values.get(self._TAGS)
        combined = self._tag_manager.render_tags(
            None if raw is None else [{"key": t["Key"], "value": t["Value"]} for t in _tags(raw)]
        )
        if combined:
            properties[self._FIELDS[self._TAGS][0]] = [
                {"Key": tag["key"], "Value": tag["value"]} for tag in combined
            ]
        return properties
