"""Permissions granted are exactly what the handlers use; secrets and write-only values stay in."""

from __future__ import annotations

import ast
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import botocore.session
import pytest
from cfn_flip import load_yaml

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke
from tests.support.models import IMAGE, MODEL_CARD_SECRET, inference_specification, versioned
from tests.support.schema import ROOT, our_schema

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

SOURCE = ROOT / "src" / "mlops_sagemaker_modelpackage"
# Called by SageMaker with the caller's rights (forward access), never by our code: see README.
FORWARD_ACCESS = {
    "sagemaker:CreateModel",
    "sagemaker:CreateTransformJob",
    "sagemaker:DescribeTransformJob",
}


def _called_operations() -> set[str]:
    """`sagemaker:<Operation>` for every `client.<method>(` the shipped code contains."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    by_method = {re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower(): op for op in model.operation_names}
    called = set()
    for path in SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "client"
            ):
                called.add(f"sagemaker:{by_method[node.func.attr]}")
    return called


def test_sagemaker_permissions_are_exactly_the_calls_made() -> None:
    granted = {
        p
        for h in our_schema()["handlers"].values()
        for p in h["permissions"]
        if p.startswith("sagemaker:")
    }
    called = _called_operations()
    assert called, "no SageMaker call found: the scan is broken"
    assert called <= granted, called - granted
    assert granted - called == FORWARD_ACCESS


def test_each_handler_is_granted_what_its_workflow_calls() -> None:
    handlers = our_schema()["handlers"]
    expected = {
        "create": {
            "CreateModelPackage",
            "DescribeModelPackage",
            "UpdateModelPackage",
            "DeleteModelPackage",
            "ListTags",
            "ListModelPackages",  # the versions of a group, when a create got no answer
        },
        "read": {"DescribeModelPackage", "ListTags"},
        "update": {
            "UpdateModelPackage",
            "DescribeModelPackage",
            "ListTags",
            "AddTags",
            "DeleteTags",
        },
        "delete": {"DeleteModelPackage", "DescribeModelPackage"},
        "list": {"ListModelPackages"},
    }
    for action, operations in expected.items():
        assert {f"sagemaker:{o}" for o in operations} <= set(handlers[action]["permissions"]), (
            action
        )


def test_execution_role_is_generated_from_the_schema_and_scoped() -> None:
    role = json.loads(json.dumps(load_yaml((ROOT / "resource-role.yaml").read_text())))
    properties = role["Resources"]["ExecutionRole"]["Properties"]
    (statement,) = properties["Policies"][0]["PolicyDocument"]["Statement"]
    granted = set().union(*(set(h["permissions"]) for h in our_schema()["handlers"].values()))
    assert set(statement["Action"]) == granted
    (trust,) = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "resources.cloudformation.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    assert "aws:SourceArn" in trust["Condition"]["StringLike"]


def test_botocore_debug_logging_is_off_once_the_handlers_are_loaded() -> None:
    """botocore's DEBUG lines carry request bodies and signed headers (the session token)."""
    for name in ("botocore", "boto3", "urllib3"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.INFO, name


@pytest.mark.usefixtures("clock")
def test_model_card_content_is_returned_but_never_logged(
    sagemaker: SageMakerClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sagemaker.create_model_package_group(ModelPackageGroupName="cards")
    card = {
        "ModelCardContent": f'{{"model_overview": "{MODEL_CARD_SECRET}"}}',
        "ModelCardStatus": "Draft",
    }
    run = drive("CREATE", versioned("cards", ModelCard=card))
    assert run.model["ModelCard"] == card
    assert MODEL_CARD_SECRET not in caplog.text
    assert caplog.records  # the handlers did log: what they logged is clean


ENVIRONMENT_SECRET = "db-password-7c1e-never-echoed"
WRONG_TYPES = {
    "ModelCard.ModelCardContent": {
        "ModelCard": {
            "ModelCardContent": {"overview": MODEL_CARD_SECRET},
            "ModelCardStatus": "Draft",
        }
    },
    "InferenceSpecification.Containers[0].Environment.DB_PASSWORD": {
        "InferenceSpecification": inference_specification(
            Containers=[{"Image": IMAGE, "Environment": {"DB_PASSWORD": [ENVIRONMENT_SECRET]}}]
        )
    },
}


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("field", WRONG_TYPES)
def test_a_wrong_typed_value_is_named_never_echoed(
    backend: BackendControl, group: str, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """botocore's parameter report repeats the value: the FAILED message and the traceback the
    lib prints name the field only (the log lines are checked by conftest for every test)."""
    event = invoke("CREATE", versioned(group, **WRONG_TYPES[field]))
    assert event["status"] == "FAILED", event
    assert event["errorCode"] == "InvalidRequest"
    assert f"{field} has the wrong type (valid: str)" in event["message"]
    printed = capsys.readouterr()
    for secret in (MODEL_CARD_SECRET, ENVIRONMENT_SECRET):
        assert secret not in event["message"]
        assert secret not in printed.out + printed.err
    assert backend.operations().count("CreateModelPackage") == 0  # refused before the call


@pytest.mark.usefixtures("clock")
def test_write_only_properties_are_never_returned(sagemaker: SageMakerClient) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="wo")
    spec = {
        "Name": "x",
        "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/i:1"}],
    }
    run = drive(
        "CREATE",
        versioned("wo", ClientToken="my-token-1", AdditionalInferenceSpecificationsToAdd=[spec]),
    )
    for event in run.events:
        if event["status"] != "IN_PROGRESS":
            assert "ClientToken" not in event.get("resourceModel", {})
            assert "AdditionalInferenceSpecificationsToAdd" not in event.get("resourceModel", {})


def test_no_secret_in_source_or_examples() -> None:
    pattern = re.compile(r"(AKIA[0-9A-Z]{16}|aws_secret_access_key\s*=\s*['\"][A-Za-z0-9/+]{40})")
    for path in [*SOURCE.glob("*.py"), *Path(ROOT / "examples").rglob("*.yaml")]:
        assert not pattern.search(path.read_text()), path
