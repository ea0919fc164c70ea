"""The rehearsal's provisioners (driver/provisioners.py) beside our type's: its
AWS::SageMaker::ModelPackageGroup with its resource policy (created with the group, updated,
removed; one policy whatever its form: no change planned, no call made), the group's tags beside
the stack's, drift of the group's description, tags and policy; and a type it does not provision
(AWS's own model package type) refused with a hint. State is read back from SageMaker."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver import drift
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.schema import same_document, type_schema
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.supported import GROUP_TYPE
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import Writer, group_resource, version, write

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

GROUP = "registry-churn"
VERSIONS = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/*"
POLICY_CALLS = {
    "PutModelPackageGroupPolicy",
    "DeleteModelPackageGroupPolicy",
    "CreateModelPackageGroup",
    "AddTags",
    "DeleteTags",
}


def policy(*accounts: str, actions: Any = ("sagemaker:DescribeModelPackage",)) -> Json:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]},
                "Action": list(actions),
                "Resource": VERSIONS,
            }
        ],
    }


def group(**properties: Any) -> Json:
    return {
        "Type": GROUP_TYPE,
        "DeletionPolicy": "Delete",
        "Properties": {"ModelPackageGroupName": GROUP, **properties},
    }


STACK_TAGS = {"cost-center": "42"}  # CloudFormation adds them to the group; drift ignores them


@pytest.fixture
def stack(sagemaker: SageMakerClient, clock: VirtualClock) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    events = Events(io.StringIO())
    return Stack("policies", environment, events, wait=clock.sleep, tags=STACK_TAGS)


def held_policy(sagemaker: SageMakerClient) -> Json | None:
    """The group's policy as SageMaker holds it; None when it has none."""
    if not stack_has_policy(sagemaker):
        return None
    text = sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)
    held: Json = json.loads(text["ResourcePolicy"])
    return held


def stack_has_policy(sagemaker: SageMakerClient) -> bool:
    try:
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)
    except sagemaker.exceptions.ClientError as error:
        return "Cannot find resource policy" not in str(error)
    return True


def calls(backend: BackendControl) -> list[str]:
    return [c for c in backend.operations() if c in POLICY_CALLS]


def test_a_policy_is_created_with_the_group_updated_and_removed(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    first = policy("222222222222")
    assert stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=first)}))
    assert held_policy(sagemaker) == first
    assert calls(backend) == ["CreateModelPackageGroup", "PutModelPackageGroupPolicy"]
    arn = stack.resources["Models"].physical_id

    backend.reset_calls()
    second = policy("222222222222", "333333333333")
    assert stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=second)}))
    assert held_policy(sagemaker) == second
    assert calls(backend) == ["PutModelPackageGroupPolicy"]
    assert stack.resources["Models"].physical_id == arn  # updated in place

    backend.reset_calls()
    assert stack.deploy(revision({"Models": group()}))
    assert held_policy(sagemaker) is None
    assert calls(backend) == ["DeleteModelPackageGroupPolicy"]

    backend.reset_calls()
    assert stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=json.dumps(first))}))
    assert held_policy(sagemaker) == first  # added back, as JSON text
    assert calls(backend) == ["PutModelPackageGroupPolicy"]
    assert stack.delete()


def test_a_policy_in_another_form_plans_no_change_and_makes_no_call(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient, backend: BackendControl
) -> None:
    written = policy("222222222222", actions=["sagemaker:DescribeModelPackage"])
    assert stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=written)}))
    statement = written["Statement"][0]
    # keys in another order, whitespace, one-element lists as strings, a statement object
    resource = json.dumps([statement["Resource"]])
    rewritten = (
        '{ "Statement" : { "Resource" : ' + resource + ', "Action" : '
        '"sagemaker:DescribeModelPackage",\n  "Principal" : {"AWS" : '
        '"arn:aws:iam::222222222222:root"}, "Effect" : "Allow", "Sid" : "Read" },\n'
        ' "Version" : "2012-10-17" }'
    )
    backend.reset_calls()
    template = revision({"Models": group(ModelPackageGroupPolicy=rewritten)})
    assert [c.kind.value for c in stack.plan(template).changes] == ["no change"]
    assert stack.deploy(template)
    assert calls(backend) == []
    assert held_policy(sagemaker) == written
    assert drift.detect(stack)
    assert stack.events.statuses("Models")[-1] == "DRIFT IN_SYNC"


def test_another_policy_is_a_change(stack: Stack, revision: Writer) -> None:
    assert stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=policy("2" * 12))}))
    other = revision({"Models": group(ModelPackageGroupPolicy=policy("2" * 12, "3" * 12))})
    (change,) = stack.plan(other).changes
    assert change.describe() == "update in place: ModelPackageGroupPolicy"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ({"a": 1, "b": [1, 2]}, '{"b": [1, 2], "a": 1}', True),
        ({"a": 1}, {"a": "1"}, True),  # as CloudFormation sends it: scalars as strings
        (
            {"Statement": [{"Action": ["x:A", "x:B"]}]},
            {"Statement": {"Action": ["x:B", "x:A"]}},
            True,
        ),
        (
            {"Statement": [{"Principal": {"AWS": ["1"]}}]},
            {"Statement": [{"Principal": {"AWS": "1"}}]},
            True,
        ),
        (
            {"Statement": [{"Condition": {"StringEquals": {"k": ["v"]}}}]},
            {"Statement": [{"Condition": {"StringEquals": {"k": "v"}}}]},
            True,
        ),
        ({"Statement": [{"Action": "x:A"}]}, {"Statement": [{"Action": "x:B"}]}, False),
        (
            {"Statement": [{"Sid": "1"}, {"Sid": "2"}]},
            {"Statement": [{"Sid": "2"}, {"Sid": "1"}]},
            False,
        ),
        ({"b": [1, 2]}, {"b": [2, 1]}, False),  # outside a policy's sets a list keeps its order
        ("not json", "not json", True),
        ("not json", "not  json", False),
    ],
)
def test_documents_compare_by_content(first: Any, second: Any, same: bool) -> None:
    assert same_document(first, second) is same
    assert same_document(second, first) is same


def test_the_group_schema_names_its_policy_a_document() -> None:
    assert type_schema(GROUP_TYPE).documents == {"ModelPackageGroupPolicy"}
    assert type_schema(GROUP_TYPE).tag_property == "Tags"


def test_a_policy_sagemaker_refuses_fails_the_create_and_rolls_the_group_back(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    broken = {"Version": "2012-10-17", "Statement": [{"Effect": "Perhaps", "Action": "*"}]}
    assert not stack.deploy(revision({"Models": group(ModelPackageGroupPolicy=broken)}))
    (reason,) = [r for name, s, r in stack.events.lines if s == "CREATE_FAILED"]
    assert "Invalid resource policy" in reason
    assert "PutModelPackageGroupPolicy: ValidationException" in reason
    assert stack.status == "ROLLBACK_COMPLETE"
    assert sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


def test_drift_covers_the_groups_description_tags_and_policy(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    written = policy("222222222222")
    template = revision(
        {
            "Models": group(
                ModelPackageGroupDescription="churn models",
                Tags=[{"Key": "team", "Value": "ml"}, {"Key": "tier", "Value": "1"}],
                ModelPackageGroupPolicy=written,
            )
        }
    )
    assert stack.deploy(template)
    assert drift.detect(stack), stack.events.lines[-1]

    arn = stack.resources["Models"].physical_id
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "ops"}])
    sagemaker.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(policy("444444444444"))
    )
    assert drift.detect(stack) is False
    (reason,) = [r for name, s, r in stack.events.lines[-1:] if s == "DRIFT MODIFIED"]
    assert "/ModelPackageGroupPolicy: NOT_EQUAL" in reason
    assert "444444444444" in reason
    assert '/Tags/0: REMOVE expected {"Key": "team", "Value": "ml"}' in reason
    assert "/Tags/" in reason
    assert "cost-center" not in reason
    assert "/ModelPackageGroupDescription" not in reason

    sagemaker.delete_model_package_group_policy(ModelPackageGroupName=GROUP)
    assert drift.detect(stack) is False
    assert "/ModelPackageGroupPolicy: REMOVE" in stack.events.lines[-1][2]


def test_the_old_type_name_gets_a_hint(stack: Stack, revision: Writer) -> None:
    old = {**version(), "Type": "AWS::SageMaker::ModelPackage"}

    assert stack.deploy(revision({"Models": group_resource(), "Version": old})) is False

    (reason,) = [r for _, s, r in stack.events.lines if s == "VALIDATION_FAILED"]
    assert reason == (
        "Version: resource type AWS::SageMaker::ModelPackage is not supported locally; "
        "use MLOps::SageMaker::ModelPackage, a drop-in"
    )


def test_a_group_tag_the_stack_also_sets_is_sent_once_with_the_resource_value(
    sagemaker: SageMakerClient, clock: VirtualClock, tmp_path: Path
) -> None:
    """As for our type (tags.effective_tags): the resource's own value wins over the stack's,
    and SageMaker is never sent the same key twice."""
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    stack = Stack(
        "edges", environment, Events(io.StringIO()), wait=clock.sleep, tags={"team": "stack"}
    )
    group = {
        "Type": GROUP_TYPE,
        "Properties": {
            "ModelPackageGroupName": "edges-tagged",
            "Tags": [{"Key": "team", "Value": "resource"}, {"Key": "own", "Value": "1"}],
        },
    }
    path = write(tmp_path, "1.json", {"Models": group})

    assert stack.deploy(Template.load(path))

    arn = stack.resources["Models"].physical_id
    tags = sagemaker.list_tags(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("own", "1"), ("team", "resource")]
    assert stack.delete()
