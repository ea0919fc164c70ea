"""Write the companion deliverables that restate the schema, from the schema.

- `cfn-lint-rules/.../schemas/mlops-sagemaker-modelpackage.json`: the registry schema cfn-lint
  loads (`--registry-schemas`), a byte-for-byte copy of `mlops-sagemaker-modelpackage.json`.
- `cdk/mlops_sagemaker_modelpackage_cdk/_generated.py`: the typed CDK L1 construct
  `CfnModelPackage`, one keyword argument per property (snake_case, as jsii names AWS's), one
  nested `...Property` class per object definition, `attr_...` per read-only property.

Keyword arguments: every property the handler reads, plus the read-only ones that
`aws_cdk.aws_sagemaker.CfnModelPackage` accepts (read from the installed aws-cdk-lib's source,
without starting Node.js), so an app written for AWS's construct runs unchanged.

`make generated` writes them with everything else generated (tools/generated.py); `python
tools/generate_companions.py` writes these alone, `--check` fails when they are stale.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from importlib import util
from pathlib import Path

from mlops_sagemaker_modelpackage.json_types import Json

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "mlops-sagemaker-modelpackage.json"
LINT_SCHEMA = (
    ROOT
    / "cfn-lint-rules"
    / "mlops_sagemaker_modelpackage_cfnlint"
    / "schemas"
    / "mlops-sagemaker-modelpackage.json"
)
CDK_MODULE = ROOT / "cdk" / "mlops_sagemaker_modelpackage_cdk" / "_generated.py"
CLASS_NAME = "CfnModelPackage"
# Tags are CDK's own CfnTag, as in every L1 construct.
TAG_DEFINITION = "Tag"
IGNORE_ANY = "# type: ignore[no-any-return]"


def snake_case(name: str) -> str:
    """jsii's Python name for a CloudFormation property (`SupportedResponseMIMETypes` ->
    `supported_response_mime_types`, `S3Uri` -> `s3_uri`, `MaxPayloadInMB` -> `max_payload_in_mb`).
    """
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _resolve(schema: Json, node: Json) -> tuple[str | None, Json]:
    """(definition name, resolved node) of a property node."""
    name = None
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["definitions"][name]
    return name, node


def _is_struct(node: Json) -> bool:
    return node.get("type") == "object" and "properties" in node


@dataclass(frozen=True)
class ConstructField:
    """A keyword argument of the construct or of one of its structs, from a schema property."""

    cfn_name: str
    python_name: str
    annotation: str
    spec: str  # how values render: "" as is, "struct:X", "list:struct:X", "list:", "tags",
    # "enum:A|B" (a string of the schema's enum)
    description: str
    required: bool


def _field(
    schema: Json, cfn_name: str, node: Json, required: bool, aws: frozenset[str] = frozenset()
) -> ConstructField:
    definition, resolved = _resolve(schema, node)
    description = node.get("description") or resolved.get("description", "")
    annotation, spec = _type(schema, cfn_name, definition, resolved, aws)
    return ConstructField(cfn_name, snake_case(cfn_name), annotation, spec, description, required)


def _type(
    schema: Json,
    cfn_name: str,
    definition: str | None,
    node: Json,
    aws: frozenset[str] = frozenset(),
) -> tuple[str, str]:
    """A field's annotation and how its values render (`ConstructField.spec`); `aws`: the
    definitions AWS's construct has a `...Property` class of, which the annotation accepts too
    (converted when it renders)."""
    resolvable = "aws_cdk.IResolvable"
    if cfn_name == "Tags" and node.get("type") == "array":
        return "typing.Sequence[aws_cdk.CfnTag | typing.Mapping[str, typing.Any]]", "tags"
    kind = node.get("type")
    if kind == "array":
        item_definition, item = _resolve(schema, node["items"])
        item_type, item_spec = _type(schema, "", item_definition, item, aws)
        return f"typing.Sequence[{item_type}] | {resolvable}", f"list:{item_spec}"
    if _is_struct(node):
        assert definition is not None, f"inline object under {cfn_name}: give it a definition"
        struct = f"{CLASS_NAME}.{definition}Property"
        if definition in aws:
            struct += f" | aws_cdk.aws_sagemaker.{CLASS_NAME}.{definition}Property"
        return f"{struct} | typing.Mapping[str, typing.Any] | {resolvable}", f"struct:{definition}"
    if kind == "object":
        return f"typing.Mapping[str, str] | {resolvable}", ""
    scalar = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}[str(kind)]
    # a literal string is checked against the schema's enum when it renders (_runtime)
    values = node.get("enum", []) if kind == "string" else []
    assert not any("|" in value for value in values), f"{cfn_name}: '|' in an enum value"
    spec = "enum:" + "|".join(values) if values else ""
    return (scalar if kind == "string" else f"{scalar} | {resolvable}"), spec


def _aws_l1() -> tuple[set[str], frozenset[str]]:
    """Keyword arguments of aws_cdk.aws_sagemaker.CfnModelPackage and the definitions it has a
    nested `...Property` class of, from the installed source (without starting Node.js)."""
    spec = util.find_spec("aws_cdk")
    if spec is None or spec.origin is None:
        raise SystemExit("aws-cdk-lib is not installed: run through `make`")
    source = Path(spec.origin).parent / "aws_sagemaker" / "__init__.py"
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == CLASS_NAME:
            structs = frozenset(
                member.name.removesuffix("Property")
                for member in node.body
                if isinstance(member, ast.ClassDef) and member.name.endswith("Property")
            )
            for member in node.body:
                if isinstance(member, ast.FunctionDef) and member.name == "__init__":
                    return {a.arg for a in member.args.kwonlyargs}, structs
    raise SystemExit(f"{source} has no {CLASS_NAME}.__init__")


def _doc(text: str, indent: str) -> str:
    """A docstring body, wrapped to 100 columns."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return textwrap.fill(text, 100 - len(indent), break_on_hyphens=False)


def _param_lines(fields: list[ConstructField], indent: str) -> list[str]:
    lines: list[str] = []
    for field in fields:
        text = _doc(f":param {field.python_name}: {field.description}", indent)
        wrapped = textwrap.wrap(text, 100 - len(indent) - 4, break_on_hyphens=False) or [""]
        lines.append(f"{indent}{wrapped[0]}")
        lines.extend(f"{indent}    {rest}" for rest in wrapped[1:])
    return lines


def _docstring(summary: str, body: list[str], indent: str) -> list[str]:
    wrapped = textwrap.wrap(_doc(summary, indent), 100 - len(indent), break_on_hyphens=False)
    lines = [f'{indent}"""{wrapped[0]}', *(f"{indent}{w}" for w in wrapped[1:])]
    if body:
        lines += ["", *body]
    lines.append(f'{indent}"""')
    return lines


def _signature(fields: list[ConstructField], indent: str, head: list[str]) -> list[str]:
    lines = [f"{indent}def __init__(", f"{indent}    self,", *head, f"{indent}    *,"]
    ordered = [f for f in fields if f.required] + [f for f in fields if not f.required]
    for field in ordered:
        if field.required:
            lines.append(f"{indent}    {field.python_name}: {field.annotation},")
        else:
            lines.append(f"{indent}    {field.python_name}: {field.annotation} | None = None,")
    lines.append(f"{indent}) -> None:")
    return lines


def _field_table(fields: list[ConstructField], indent: str) -> list[str]:
    lines = [f"{indent}_FIELDS: typing.ClassVar[dict[str, tuple[str, str]]] = {{"]
    lines += [f'{indent}    "{f.python_name}": ("{f.cfn_name}", "{f.spec}"),' for f in fields]
    lines.append(f"{indent}}}")
    return lines


def _struct(schema: Json, name: str, node: Json, aws: frozenset[str]) -> list[str]:
    required = set(node.get("required", []))
    fields = [_field(schema, k, v, k in required, aws) for k, v in node["properties"].items()]
    return _struct_class(f"{name}Property", node.get("description", name), fields, "    ")


def _struct_class(
    class_name: str, description: str, fields: list[ConstructField], indent: str
) -> list[str]:
    inner = indent + "    "
    lines = [f"{indent}class {class_name}(_runtime.Struct):"]
    lines += _docstring(description, _param_lines(fields, inner), inner)
    lines.append("")
    lines += _field_table(fields, inner)
    lines.append("")
    lines += _signature(fields, inner, [])
    lines.append(f"{inner}    self._values = _runtime.given(")
    lines += [f"{inner}        {f.python_name}={f.python_name}," for f in fields]
    lines.append(f"{inner}    )")
    for field in fields:
        optional = "" if field.required else " | None"
        lines += [
            "",
            f"{inner}@property",
            f"{inner}def {field.python_name}(self) -> {field.annotation}{optional}:",
            *_docstring(field.description or field.cfn_name, [], inner + "    "),
            f'{inner}    return self._get("{field.python_name}")  {IGNORE_ANY}',
        ]
    return lines


def _attribute(schema: Json, cfn_name: str) -> list[str]:
    _, node = _resolve(schema, schema["properties"][cfn_name])
    description = schema["properties"][cfn_name].get("description") or node.get("description", "")
    kind = node.get("type")
    if kind == "integer":
        annotation, value = "float", f'aws_cdk.Token.as_number(self.get_att("{cfn_name}"))'
    elif kind == "string":
        annotation, value = "str", f'aws_cdk.Token.as_string(self.get_att("{cfn_name}"))'
    else:
        annotation, value = "aws_cdk.IResolvable", f'self.get_att("{cfn_name}")'
    return [
        "",
        "    @property",
        f"    def attr_{snake_case(cfn_name)}(self) -> {annotation}:",
        *_docstring(
            f"`Fn::GetAtt {cfn_name}` (read-only): {description}",
            ["        @cloudformationAttribute " + cfn_name],
            "        ",
        ),
        f"        return {value}",
    ]


def cdk_module(
    schema: Json, aws_keywords: set[str], aws_structs: frozenset[str] = frozenset()
) -> str:
    read_only = {p.rsplit("/", 1)[-1] for p in schema["readOnlyProperties"]}
    fields: list[ConstructField] = []
    for cfn_name, node in schema["properties"].items():
        field = _field(schema, cfn_name, node, False, aws_structs)
        if cfn_name in read_only:
            if field.python_name not in aws_keywords:
                continue
            field = ConstructField(
                field.cfn_name,
                field.python_name,
                field.annotation,
                field.spec,
                f"Read-only: only SageMaker sets it and CloudFormation ignores a value set in a "
                f"template (cfn-lint W9001); accepted for compatibility with "
                f"aws_cdk.aws_sagemaker.CfnModelPackage. Read attr_{field.python_name}. "
                f"{field.description}",
                False,
            )
        fields.append(field)
    structs = sorted(
        name
        for name, node in schema["definitions"].items()
        if _is_struct(node) and name != TAG_DEFINITION
    )
    out = [
        f'"""{CLASS_NAME}: the typed L1 construct of {schema["typeName"]}.',
        "",
        "Generated by tools/generate_companions.py from mlops-sagemaker-modelpackage.json: do not",
        "edit (`make generated` rewrites it, `make check-generated` fails when stale).",
        '"""',
        "",
        "# ruff: noqa",
        "from __future__ import annotations",
        "",
        "import typing",
        "",
        "import aws_cdk",
        "import constructs",
        "",
        "from mlops_sagemaker_modelpackage_cdk import _runtime",
        "",
        "if typing.TYPE_CHECKING:  # AWS's nested classes, accepted (and converted) too",
        "    import aws_cdk.aws_sagemaker",
        "",
        "",
        f"class {CLASS_NAME}(_runtime.ModelPackageResource):",
    ]
    out += _docstring(
        schema["description"],
        [
            f"    A drop-in for ``aws_cdk.aws_sagemaker.{CLASS_NAME}`` (same keyword arguments",
            "    and nested ``...Property`` classes) that creates the private type",
            f"    ``{schema['typeName']}``, with its newer properties.",
            "",
            "    :cloudformationResource: " + schema["typeName"],
        ],
        "    ",
    )
    out += [
        "",
        f'    CFN_RESOURCE_TYPE_NAME: typing.ClassVar[str] = "{schema["typeName"]}"',
        "",
    ]
    out += _field_table(fields, "    ")
    out.append("")
    for name in structs:
        out += _struct(schema, name, schema["definitions"][name], aws_structs)
        out.append("")
    out += _signature(
        fields, "    ", ["        scope: constructs.Construct,", "        id: str,  # noqa: A002"]
    )
    out += _docstring(
        f"Create a new ``{schema['typeName']}``.",
        [
            "        :param scope: Scope in which this resource is defined.",
            "        :param id: Construct identifier for this resource (unique in its scope).",
            *_param_lines(fields, "        "),
        ],
        "        ",
    )
    out.append("        super().__init__(scope, id, _runtime.given(")
    out += [f"            {f.python_name}={f.python_name}," for f in fields]
    out.append("        ))")
    for field in fields:
        if field.spec == "tags":
            continue  # `tags` (a TagManager) and `tags_raw`: _runtime.ModelPackageResource
        out += [
            "",
            "    @property",
            f"    def {field.python_name}(self) -> {field.annotation} | None:",
            *_docstring(field.description or field.cfn_name, [], "        "),
            f'        return self._get("{field.python_name}")  {IGNORE_ANY}',
            "",
            f"    @{field.python_name}.setter",
            f"    def {field.python_name}(self, value: {field.annotation} | None) -> None:",
            f'        self._set("{field.python_name}", value)',
        ]
    for cfn_name in schema["properties"]:
        if cfn_name in read_only:
            out += _attribute(schema, cfn_name)
    out += ["", ""]
    out += _struct_class(
        f"{CLASS_NAME}Props",
        f"Properties for defining a ``{CLASS_NAME}`` "
        f"(as ``aws_cdk.aws_sagemaker.{CLASS_NAME}Props``).",
        fields,
        "",
    )
    out.append("")
    return "\n".join(out)


def _formatted(path: Path, source: str) -> str:
    """`source` as `ruff format` writes it (the project's formatter, so `make lint` agrees)."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        raise SystemExit("ruff is not installed: run through `make`")
    result = subprocess.run(
        [ruff, "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff format failed on the generated {path.name}:\n{result.stderr}")
    return result.stdout


def outputs(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file and its content, from the schema as it is now (in a checkout at
    `root`: this one unless a test works on a copy)."""
    text = (root / SCHEMA_PATH.relative_to(ROOT)).read_text()
    schema = json.loads(text)
    module = _formatted(CDK_MODULE, cdk_module(schema, *_aws_l1()))
    return {root / LINT_SCHEMA.relative_to(ROOT): text, root / CDK_MODULE.relative_to(ROOT): module}


def stale() -> list[Path]:
    """Generated files whose committed content differs from a fresh generation."""
    return [
        path
        for path, content in outputs().items()
        if not path.exists() or path.read_text() != content
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a file is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for path in problems:
            print(f"  {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if problems else 0
    for path, content in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
