"""examples/, deploy/ and test/setup.yml: linted, validated against our schema, and run.

cfn-lint with our schema as a registry schema knows the type but does not check its properties
(a bogus property and an invalid enum pass it), so properties are validated here against the
schema itself, with CloudFormation's regex dialect (\\p{...} classes) through `regex`.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import regex
from jsonschema import Draft7Validator, ValidationError, validators

from local.driver.__main__ import main as driver_main
from local.driver.template import Resolver, Template
from tests.support.schema import ROOT, SCHEMA_PATH, our_schema

EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*") if p.is_dir())
TEMPLATES = sorted((ROOT / "examples").glob("*/*.yaml"))
OTHER_TEMPLATES = [ROOT / "test" / "setup.yml", *sorted((ROOT / "deploy").glob("*.yml"))]
OUR_TYPE = "MLOps::SageMaker::ModelPackage"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Any:
    if not isinstance(instance, dict):
        return
    for key, value in instance.items():
        for pattern, subschema in patterns.items():
            if regex.search(pattern, key):
                yield from validator.descend(value, subschema, path=key)


def _additional(validator: Any, additional: Any, instance: Any, schema: Any) -> Any:
    if not isinstance(instance, dict) or additional is not False:
        return
    known = set(schema.get("properties", {}))
    patterns = schema.get("patternProperties", {})
    extras = [
        k for k in instance if k not in known and not any(regex.search(p, k) for p in patterns)
    ]
    if extras:
        yield ValidationError(f"additional properties not allowed: {extras}")


CloudFormationValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft7Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional,
    },
)


def property_errors(properties: dict[str, Any]) -> list[str]:
    """Every way `properties` breaks the resource schema (read-only ones included)."""
    schema = our_schema()
    document = {
        "type": "object",
        "additionalProperties": False,
        "properties": schema["properties"],
        "definitions": schema["definitions"],
    }
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in CloudFormationValidator(document).iter_errors(properties)
    ]
    read_only = {p.rsplit("/", 1)[-1] for p in schema["readOnlyProperties"]}
    errors += [f"{k}: read-only, cannot be set" for k in properties if k in read_only]
    return errors


def _placeholder_resolver(template: Template) -> Resolver:
    pseudo = {
        "AWS::AccountId": "123456789012",
        "AWS::Region": "us-east-1",
        "AWS::StackName": "lint",
        "AWS::StackId": "id",
        "AWS::Partition": "aws",
    }
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/lint"
    return Resolver(template.parameters, pseudo, lambda name: arn, lambda name, attribute: "lint")


def test_every_example_has_revisions() -> None:
    assert len(EXAMPLES) >= 4
    for example in EXAMPLES:
        assert list(example.glob("*.yaml")), example


def test_templates_lint_clean_with_our_schema_as_a_registry_schema(tmp_path: Path) -> None:
    (tmp_path / SCHEMA_PATH.name).write_text(SCHEMA_PATH.read_text())
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--registry-schemas",
            str(tmp_path),
            "--",
            *map(str, TEMPLATES + OTHER_TEMPLATES),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_properties_follow_the_schema(path: Path) -> None:
    template = Template.load(path)
    resolver = _placeholder_resolver(template)
    ours = [r for r in template.resources.values() if r["Type"] == OUR_TYPE]
    assert ours
    for resource in ours:
        assert property_errors(resolver.resolve(resource["Properties"])) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"Bogus": 1}, "additional properties"),
        ({"ModelApprovalStatus": "Maybe"}, "is not one of"),
        ({"ModelPackageName": "-bad-"}, "does not match"),
        ({"CustomerMetadataProperties": {"": "empty key"}}, "additional properties"),
        (
            {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/x"},
            "read-only",
        ),
    ],
)
def test_property_validation_catches_what_cfn_lint_lets_through(
    change: dict[str, Any], words: str
) -> None:
    properties = {"ModelPackageName": "ok", **change}
    assert any(words in e for e in property_errors(properties)), property_errors(properties)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_through_the_driver(example: Path) -> None:
    output = io.StringIO()
    with redirect_stdout(output):
        code = driver_main([str(example), "--fast"])
    text = output.getvalue()
    assert code == 0, text
    assert "DELETE_COMPLETE" in text
    assert "FAILED" not in text
    expected = {
        "registry-flow": ["updated in place 1", "replaced 1", "Approved"],
        "unversioned-tags": ["updated in place 1", "environment=production"],
        "additional-inference": ["updated in place 1", "additional specifications inferentia2"],
        "replacement": ["replaced 1"],
    }[example.name]
    for words in expected:
        assert words in text, text


def test_deploy_role_grants_exactly_the_handler_permissions() -> None:
    from cfn_flip import load_yaml  # noqa: PLC0415

    schema = our_schema()
    wanted = set().union(*(set(h["permissions"]) for h in schema["handlers"].values()))
    template = json.loads(
        json.dumps(load_yaml((ROOT / "deploy" / "register-type.yml").read_text()))
    )
    role = template["Resources"]["ExecutionRole"]["Properties"]
    (statement,) = role["Policies"][0]["PolicyDocument"]["Statement"]
    assert set(statement["Action"]) == wanted
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert set(trust["Condition"]) == {"StringEquals", "StringLike"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    assert "aws:SourceArn" in trust["Condition"]["StringLike"]
