"""A central model registry across accounts on the embedded SageMaker: accounts by access key,
group resource policies, calls into another account's group, and the handlers through the
Lambda entry point in the training, deployment and a third account.

State is read back from the central account, which owns the group and its versions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

import boto3
import pytest
from botocore.exceptions import ClientError

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import REGION, drive, in_account
from tests.support.models import inference_specification, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

pytestmark = pytest.mark.usefixtures("clock")

CENTRAL, TRAINING, DEPLOYMENT, OTHER = (
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
)
GROUP = "churn-models"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{CENTRAL}:model-package-group/{GROUP}"
VERSIONS = f"arn:aws:sagemaker:{REGION}:{CENTRAL}:model-package/{GROUP}/*"
READ_ACTIONS = ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"]
WRITE_ACTIONS = ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]


def registry_policy(training: Any = TRAINING, deployment: Any = DEPLOYMENT) -> Json:
    """The central registry's policy: training registers and approves, deployment reads."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrainingRegisters",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{training}:root"},
                "Action": [*READ_ACTIONS, *WRITE_ACTIONS, "sagemaker:DeleteModelPackage"],
                "Resource": VERSIONS,
            },
            {
                "Sid": "DeploymentReads",
                "Effect": "Allow",
                "Principal": {"AWS": [deployment, f"arn:aws:iam::{training}:root"]},
                "Action": [*READ_ACTIONS, "sagemaker:DescribeModelPackageGroup"],
                "Resource": [VERSIONS, GROUP_ARN],
            },
        ],
    }


def client(
    backend: BackendControl,
    account: str,
    service: Literal["sagemaker", "sts", "iam"] = "sagemaker",
) -> Any:
    return backend.client(service, in_account(account), REGION, attempts=1)


@pytest.fixture
def central(backend: BackendControl) -> SageMakerClient:
    """The central account's client, its group holding the registry policy."""
    sagemaker: SageMakerClient = client(backend, CENTRAL)
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    sagemaker.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(registry_policy())
    )
    return sagemaker


def register(sagemaker: SageMakerClient) -> str:
    arn: str = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP_ARN,
        InferenceSpecification=inference_specification(),  # type: ignore[arg-type]
    )["ModelPackageArn"]
    return arn


def refusal(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException", caught.value
    return str(caught.value.response["Error"]["Message"])


# ------------------------------------------------------------------ accounts


def test_sts_answers_the_account_of_a_12_digit_access_key(backend: BackendControl) -> None:
    identity = client(backend, TRAINING, "sts").get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (TRAINING, f"arn:aws:iam::{TRAINING}:root")
    other = boto3.client(
        "sts",
        region_name=REGION,
        endpoint_url=backend.url,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="x",
    ).get_caller_identity()
    assert other["Account"] == "123456789012"  # any other key: moto's default account


def test_each_account_has_its_own_registry(backend: BackendControl) -> None:
    client(backend, CENTRAL).create_model_package_group(ModelPackageGroupName=GROUP)
    assert (
        client(backend, TRAINING).list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    )
    described = client(backend, CENTRAL).describe_model_package_group(ModelPackageGroupName=GROUP)
    assert described["ModelPackageGroupArn"] == GROUP_ARN
    calls = backend.calls()
    assert [(c["operation"], c["account"]) for c in calls] == [
        ("CreateModelPackageGroup", CENTRAL),
        ("ListModelPackageGroups", TRAINING),
        ("DescribeModelPackageGroup", CENTRAL),
    ]


# ------------------------------------------------------------------ group policies


def test_group_policy_put_get_delete(backend: BackendControl) -> None:
    sagemaker = client(backend, CENTRAL)
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    text = json.dumps(registry_policy(), separators=(" , ", " : "))
    assert (
        sagemaker.put_model_package_group_policy(ModelPackageGroupName=GROUP, ResourcePolicy=text)[
            "ModelPackageGroupArn"
        ]
        == GROUP_ARN
    )
    assert (
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)["ResourcePolicy"]
        == text
    )  # as it was put
    sagemaker.delete_model_package_group_policy(ModelPackageGroupName=GROUP)
    with pytest.raises(ClientError, match="Cannot find resource policy for Model Package Group"):
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)
    with pytest.raises(ClientError, match="Cannot find resource policy"):
        sagemaker.delete_model_package_group_policy(ModelPackageGroupName=GROUP)


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ("{not json", "Invalid resource policy: Syntax errors in policy."),
        (json.dumps({"Statement": []}), "Invalid resource policy"),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*"}]}
            ),
            "Invalid resource policy: Syntax errors in policy.",
        ),
    ],
)
def test_an_invalid_group_policy_is_refused_and_changes_nothing(
    backend: BackendControl, policy: str, words: str
) -> None:
    sagemaker = client(backend, CENTRAL)
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    with pytest.raises(ClientError, match=words) as caught:
        sagemaker.put_model_package_group_policy(ModelPackageGroupName=GROUP, ResourcePolicy=policy)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError, match="Cannot find resource policy"):
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)


def test_a_policy_needs_its_group_and_goes_with_it(backend: BackendControl) -> None:
    sagemaker = client(backend, CENTRAL)
    with pytest.raises(ClientError, match=f"Cannot find Model Package Group {GROUP}"):
        sagemaker.put_model_package_group_policy(ModelPackageGroupName=GROUP, ResourcePolicy="{}")
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    sagemaker.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(registry_policy())
    )
    sagemaker.delete_model_package_group(ModelPackageGroupName=GROUP)
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    with pytest.raises(ClientError, match="Cannot find resource policy"):
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)


# ------------------------------------------------------------------ calls across accounts


def test_a_version_registered_by_group_arn_lives_in_the_groups_account(
    backend: BackendControl, central: SageMakerClient
) -> None:
    training = client(backend, TRAINING)
    arn = register(training)
    assert arn == f"arn:aws:sagemaker:{REGION}:{CENTRAL}:model-package/{GROUP}/1"
    training.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    held = central.describe_model_package(ModelPackageName=arn)  # read back where it lives
    assert (held["ModelPackageGroupName"], held["ModelApprovalStatus"]) == (GROUP, "Approved")
    listed = training.list_model_packages(ModelPackageGroupName=GROUP_ARN)
    assert [p["ModelPackageArn"] for p in listed["ModelPackageSummaryList"]] == [arn]
    # the training account itself has no such group and no version
    assert training.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"] == []
    training.delete_model_package(ModelPackageName=arn)
    with pytest.raises(ClientError, match="does not exist"):
        central.describe_model_package(ModelPackageName=arn)


def test_the_deployment_account_reads_but_cannot_approve(
    backend: BackendControl, central: SageMakerClient
) -> None:
    arn = register(client(backend, TRAINING))
    deployment = client(backend, DEPLOYMENT)
    assert deployment.describe_model_package(ModelPackageName=arn)["ModelPackageArn"] == arn
    assert (
        deployment.describe_model_package_group(ModelPackageGroupName=GROUP_ARN)[
            "ModelPackageGroupArn"
        ]
        == GROUP_ARN
    )
    message = refusal(
        lambda: deployment.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    )
    assert message == (
        f"User: arn:aws:iam::{DEPLOYMENT}:root is not authorized to perform: "
        f"sagemaker:UpdateModelPackage on resource: {arn} because no resource-based policy "
        "allows the sagemaker:UpdateModelPackage action"
    )
    refusal(lambda: deployment.delete_model_package(ModelPackageName=arn))
    refusal(lambda: register(deployment))
    held = central.describe_model_package(ModelPackageName=arn)
    assert held["ModelApprovalStatus"] == "PendingManualApproval"  # nothing changed
    assert (
        len(central.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"])
        == 1
    )


def test_a_third_account_is_refused_everything(
    backend: BackendControl, central: SageMakerClient
) -> None:
    arn = register(client(backend, TRAINING))
    other = client(backend, OTHER)
    assert "sagemaker:CreateModelPackage on resource: " + VERSIONS in refusal(
        lambda: register(other)
    )
    refusal(lambda: other.describe_model_package(ModelPackageName=arn))
    refusal(lambda: other.list_model_packages(ModelPackageGroupName=GROUP_ARN))
    refusal(lambda: other.describe_model_package_group(ModelPackageGroupName=GROUP_ARN))
    refusal(lambda: other.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved"))
    refusal(lambda: other.delete_model_package(ModelPackageName=arn))
    assert [
        p["ModelPackageArn"]
        for p in central.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    ] == [arn]


def test_a_group_without_a_policy_is_closed_to_other_accounts(backend: BackendControl) -> None:
    client(backend, CENTRAL).create_model_package_group(ModelPackageGroupName=GROUP)
    message = refusal(lambda: register(client(backend, TRAINING)))
    assert "because no resource-based policy allows the sagemaker:CreateModelPackage" in message


def test_calls_within_one_account_ignore_the_policy(
    backend: BackendControl, central: SageMakerClient
) -> None:
    deny_all = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "sagemaker:*", "Resource": "*"}
        ],
    }
    central.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(deny_all)
    )
    arn = register(central)  # by ARN, in its own account
    central.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    message = refusal(lambda: register(client(backend, TRAINING)))
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_a_role_principal_admits_that_roles_sessions_only(
    backend: BackendControl, central: SageMakerClient
) -> None:
    role = f"arn:aws:iam::{TRAINING}:role/pipeline"
    policy = registry_policy()
    policy["Statement"][0]["Principal"] = {"AWS": role}
    central.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(policy)
    )
    client(backend, TRAINING, "iam").create_role(
        RoleName="pipeline", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    )
    session = client(backend, TRAINING, "sts").assume_role(RoleArn=role, RoleSessionName="run-7")
    keys = session["Credentials"]
    pipeline = boto3.client(
        "sagemaker",
        region_name=REGION,
        endpoint_url=backend.url,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )
    arn = register(pipeline)
    assert arn.startswith(f"arn:aws:sagemaker:{REGION}:{CENTRAL}:")
    message = refusal(lambda: register(client(backend, TRAINING)))  # the account, not the role
    assert message.startswith(f"User: arn:aws:iam::{TRAINING}:root is not authorized")


def test_a_condition_is_refused_as_not_evaluated_locally(
    backend: BackendControl, central: SageMakerClient
) -> None:
    policy = registry_policy()
    policy["Statement"][0]["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}
    central.put_model_package_group_policy(
        ModelPackageGroupName=GROUP, ResourcePolicy=json.dumps(policy)
    )
    with pytest.raises(ClientError) as caught:
        register(client(backend, TRAINING))
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "statement 'TrainingRegisters'" in error["Message"]
    assert "not evaluated locally" in error["Message"]


# ------------------------------------------------------------------ the handlers, by account


def as_account(account: str) -> Json:
    """drive()'s arguments for a stack in `account`."""
    return {"account": account, "credentials": in_account(account)}


def test_the_handlers_register_approve_and_delete_by_group_arn(central: SageMakerClient) -> None:
    desired = versioned(GROUP_ARN)
    created = drive("CREATE", desired, **as_account(TRAINING))
    assert created.last["status"] == "SUCCESS", created.last
    arn = created.model["ModelPackageArn"]
    assert arn == f"arn:aws:sagemaker:{REGION}:{CENTRAL}:model-package/{GROUP}/1"
    assert central.describe_model_package(ModelPackageName=arn)["ModelPackageGroupName"] == GROUP

    read = drive("READ", {"ModelPackageArn": arn}, **as_account(TRAINING))
    # the group by ARN: by name it would be a group of the training account
    assert read.model["ModelPackageGroupName"] == GROUP_ARN

    approved = {**desired, "ModelApprovalStatus": "Approved", "ModelPackageArn": arn}
    updated = drive(
        "UPDATE", approved, previous={**desired, "ModelPackageArn": arn}, **as_account(TRAINING)
    )
    assert updated.last["status"] == "SUCCESS", updated.last
    assert central.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"

    deleted = drive("DELETE", approved, **as_account(TRAINING))
    assert deleted.last["status"] == "SUCCESS", deleted.last
    with pytest.raises(ClientError, match="does not exist"):
        central.describe_model_package(ModelPackageName=arn)


@pytest.mark.parametrize("approval", [None, "Approved"])
@pytest.mark.usefixtures("central")
def test_create_and_update_return_the_model_read_returns(approval: str | None) -> None:
    """A version created by group ARN in the central account's group: CREATE's and UPDATE's
    models are READ's (the group by its ARN), whether the create approves it after validation
    (a second read back) or not, and whether the update sends a change or finds none."""
    desired = versioned(GROUP_ARN, **({"ModelApprovalStatus": approval} if approval else {}))
    created = drive("CREATE", desired, **as_account(TRAINING))
    assert created.last["status"] == "SUCCESS", created.last
    arn = created.model["ModelPackageArn"]
    read = drive("READ", {"ModelPackageArn": arn}, **as_account(TRAINING))
    assert read.model["ModelPackageGroupName"] == GROUP_ARN
    assert created.model == read.model

    previous = {**desired, "ModelPackageArn": arn}
    rejected = {**previous, "ModelApprovalStatus": "Rejected", "ApprovalDescription": "flaky"}
    # An update that changes the package, then one that finds nothing to change.
    for before in (previous, rejected):
        updated = drive("UPDATE", rejected, previous=before, **as_account(TRAINING))
        assert updated.last["status"] == "SUCCESS", updated.last
        read = drive("READ", {"ModelPackageArn": arn}, **as_account(TRAINING))
        assert updated.model == read.model
    assert read.model["ApprovalDescription"] == "flaky"


def test_read_names_the_group_by_name_in_its_own_account(central: SageMakerClient) -> None:
    arn = register(central)
    read = drive("READ", {"ModelPackageArn": arn}, **as_account(CENTRAL))
    assert read.model["ModelPackageGroupName"] == GROUP


def test_a_refusal_by_the_group_policy_is_access_denied_naming_the_policy(
    backend: BackendControl, central: SageMakerClient
) -> None:
    arn = register(client(backend, TRAINING))
    desired = {**versioned(GROUP_ARN), "ModelPackageArn": arn}
    approve = drive(
        "UPDATE",
        {**desired, "ModelApprovalStatus": "Approved"},
        previous=desired,
        **as_account(DEPLOYMENT),
    )
    assert approve.last["status"] == "FAILED"
    assert approve.last["errorCode"] == "AccessDenied"
    assert approve.last["message"].startswith(
        "UpdateModelPackage was refused by the group's resource policy: model package group "
        f"churn-models in account {CENTRAL} does not allow sagemaker:UpdateModelPackage to "
        f"arn:aws:iam::{DEPLOYMENT}:root"
    ), approve.last["message"]
    assert central.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == (
        "PendingManualApproval"
    )
    # the deployment account reads it, the group by ARN
    read = drive("READ", {"ModelPackageArn": arn}, **as_account(DEPLOYMENT))
    assert read.last["status"] == "SUCCESS", read.last
    assert read.model["ModelPackageGroupName"] == GROUP_ARN

    refused = drive("READ", {"ModelPackageArn": arn}, **as_account(OTHER))
    assert (refused.last["status"], refused.last["errorCode"]) == ("FAILED", "AccessDenied")
    assert "sagemaker:DescribeModelPackage" in refused.last["message"]
    assert "the group's resource policy" in refused.last["message"]
    created = drive("CREATE", versioned(GROUP_ARN), **as_account(OTHER))
    assert (created.last["status"], created.last["errorCode"]) == ("FAILED", "AccessDenied")
    assert f"model package group churn-models in account {CENTRAL}" in created.last["message"]
    assert (
        len(central.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"])
        == 1
    )
