"""The execution role `deploy/register-type.yml` creates: least privilege.

The role's policy is resolved as CloudFormation resolves it (the rehearsal's template reader and
intrinsics, with the stack's parameters) and evaluated with moto's IAM policy statements against
the calls the handlers make: every SageMaker operation the package build finds in the shipped
code (tools/service_models.py, as `make package` scans it) is made through the real entry point
against the embedded backend, and each logged call is checked on the ARN it targets. A call the
role does not allow fails the test; so does one it allows outside this account and the registry
accounts listed, and a role passed that `PassableRoles` does not name, or to another service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from moto.iam.access_control import IAMPolicyStatement, PermissionResult

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.intrinsics import Resolver
from mlops_sagemaker_modelpackage_local.driver.resolution import Identity
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, REGION, drive
from tests.support.clock import VirtualClock
from tests.support.models import unversioned, versioned
from tests.support.schema import ROOT, our_schema
from tools import service_models

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

ROLE_TEMPLATE = ROOT / "deploy" / "register-type.yml"
REGISTRY = "111122223333"  # a central model registry's account
STRANGER = "444455556666"  # an account nobody listed
SAGEMAKER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-1"
ARN_ACCOUNT = re.compile(r"^(arn:aws:[a-z-]+:[a-z0-9-]*:)([0-9]{12})(:.*)$")


def statements(**parameters: str) -> list[Json]:
    """The execution role's policy statements, resolved as CloudFormation resolves them for a
    stack in ACCOUNT and REGION with these parameter values."""
    template = Template.load(ROLE_TEMPLATE, {"PackageBucket": "artifacts", **parameters})
    stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/register/id"
    pseudo = Identity("register", stack_id, ACCOUNT, REGION).pseudo

    def no_resource(*names: str) -> str:
        raise AssertionError(f"the role's policy refers to a resource: {names}")

    resolver = Resolver(
        template.parameters,
        pseudo,
        no_resource,
        no_resource,
        template.conditions(pseudo),
        template.mappings,
    )
    role: Json = resolver.resolve(template.declared["ExecutionRole"]["Properties"])
    (policy,) = role["Policies"]
    resolved: list[Json] = policy["PolicyDocument"]["Statement"]
    return resolved


def allowed(policy: list[Json], action: str, resource: str, context: dict[str, str]) -> bool:
    """Whether IAM allows `action` on `resource` under `policy` (Allow statements only, as the
    role has). moto answers DENIED for an Allow statement whose condition does not hold, where
    IAM only leaves it out: a statement counts when moto says PERMITTED."""
    assert all(s["Effect"] == "Allow" for s in policy)
    return any(
        IAMPolicyStatement(s).is_action_permitted(action, resource, None, context)
        is PermissionResult.PERMITTED
        for s in policy
    )


def account_of(arn: str) -> str:
    match = ARN_ACCOUNT.match(arn)
    return match.group(2) if match else ACCOUNT


def in_account(arn: str, account: str) -> str:
    """The same resource in another account (as a central registry's versions are)."""
    return ARN_ACCOUNT.sub(rf"\g<1>{account}\g<3>", arn)


def checks(calls: list[Json]) -> Iterator[tuple[str, str]]:
    """(IAM action, resource ARN) for each logged SageMaker call, as IAM authorizes it."""
    for index, call in enumerate(calls):
        operation = call["operation"]
        if operation == "CreateModelPackage":
            created = _created(call, calls[index + 1 :])
            yield f"sagemaker:{operation}", created
            if "ModelPackageName" in call:  # tags given to the create are authorized as AddTags
                yield "sagemaker:AddTags", created
        elif operation == "ListModelPackages":  # names no package
            yield f"sagemaker:{operation}", "*"
        else:
            arn = call.get("ModelPackageArn") or call.get("ModelPackageName") or call["ResourceArn"]
            yield f"sagemaker:{operation}", arn


def _created(call: Json, later: list[Json]) -> str:
    """The ARN a CreateModelPackage made: an unversioned package's from its name, a version's
    from the first later call on its group's versions."""
    if "ModelPackageName" in call:
        return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{call['ModelPackageName']}"
    group = call["ModelPackageGroupName"].rsplit("/", 1)[-1]
    prefix = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{group}/"
    return next(
        str(arn)
        for c in later
        for arn in (c.get("ModelPackageArn"), c.get("ModelPackageName"))
        if arn and arn.startswith(prefix)
    )


@pytest.fixture
def handler_calls(
    backend: BackendControl, sagemaker: SageMakerClient, group: str, clock: VirtualClock
) -> list[Json]:
    """Every handler operation, through the Lambda entry point: an unversioned package with tags
    created, retagged, read, listed and deleted; a version with approval and validation created,
    rejected, listed in its group and deleted. Returns the SageMaker calls they made."""
    backend.reset_calls()
    tagged = unversioned("churn-model", Tags=[{"Key": "team", "Value": "churn"}])
    arn = drive("CREATE", tagged, stack_tags={"cost-center": "ml"}).model["ModelPackageArn"]
    retagged = {**tagged, "ModelPackageArn": arn, "Tags": [{"Key": "team", "Value": "risk"}]}
    previous = {**tagged, "ModelPackageArn": arn}
    drive("UPDATE", retagged, previous=previous, previous_stack_tags={"cost-center": "ml"})
    drive("READ", {"ModelPackageArn": arn})
    drive("LIST", {})
    drive("DELETE", retagged)

    validated = versioned(
        group,
        ModelApprovalStatus="Approved",
        ApprovalDescription="offline metrics reviewed",
        ValidationSpecification=validation(SAGEMAKER_ROLE),
    )
    version = drive("CREATE", validated).model["ModelPackageArn"]
    rejected = {**validated, "ModelPackageArn": version, "ModelApprovalStatus": "Rejected"}
    drive("UPDATE", rejected, previous={**validated, "ModelPackageArn": version})
    drive("LIST", {"ModelPackageGroupName": group})
    drive("DELETE", rejected)
    return backend.calls()


def validation(role: str) -> Json:
    return {
        "ValidationRole": role,
        "ValidationProfiles": [
            {
                "ProfileName": "batch",
                "TransformJobDefinition": {
                    "TransformInput": {
                        "DataSource": {
                            "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://data/in/"}
                        }
                    },
                    "TransformOutput": {"S3OutputPath": "s3://data/out/"},
                    "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
                },
            }
        ],
    }


def handler_operations() -> set[str]:
    """The SageMaker operations the shipped handler code calls, found as `make package` finds
    them."""
    import botocore.session  # noqa: PLC0415

    sources = [
        (str(path), path.read_text())
        for path in sorted((ROOT / "src" / "mlops_sagemaker_modelpackage").rglob("*.py"))
    ]
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("sagemaker", "service-2")
    usage = service_models.scan(sources)
    return set(service_models.required(usage, model, {}).operations)


# ---------------------------------------------------------------- the tests


def test_every_call_the_handlers_make_is_allowed_on_what_it_targets(
    handler_calls: list[Json],
) -> None:
    assert {c["operation"] for c in handler_calls} >= handler_operations()  # each exercised
    for registries in ("", REGISTRY, f"{REGISTRY},{STRANGER}"):
        policy = statements(RegistryAccountIds=registries)
        refused = [
            (action, resource)
            for action, resource in checks(handler_calls)
            if not allowed(policy, action, resource, {"aws:ResourceAccount": ACCOUNT})
        ]
        assert refused == [], registries


def test_a_central_registry_works_in_the_accounts_listed_and_no_other(
    handler_calls: list[Json],
) -> None:
    """Versions registered into another account's group (by the group's ARN) live in that
    account: the same calls on its ARNs are allowed when it is listed, and only then."""
    listed = statements(RegistryAccountIds=REGISTRY)
    by_default = statements()
    targeted = [(a, r) for a, r in checks(handler_calls) if r != "*"]
    assert targeted
    for action, resource in targeted:
        for account, policy, expected in (
            (REGISTRY, listed, True),
            (REGISTRY, by_default, False),
            (STRANGER, listed, False),
        ):
            elsewhere = in_account(resource, account)
            context = {"aws:ResourceAccount": account_of(elsewhere)}
            assert allowed(policy, action, elsewhere, context) is expected, (action, elsewhere)


def test_only_the_roles_named_can_be_passed_and_only_to_sagemaker(
    handler_calls: list[Json],
) -> None:
    """The version's ValidationRole is passed to SageMaker by the create."""
    assert "CreateModelPackage" in {c["operation"] for c in handler_calls}
    to_sagemaker = {"iam:PassedToService": "sagemaker.amazonaws.com"}
    to_ec2 = {"iam:PassedToService": "ec2.amazonaws.com"}
    admin = f"arn:aws:iam::{ACCOUNT}:role/admin"
    by_path = f"arn:aws:iam::{ACCOUNT}:role/sagemaker/validation"
    default, paths = statements(), statements(PassableRoles="sagemaker/*")

    assert allowed(default, "iam:PassRole", SAGEMAKER_ROLE, to_sagemaker)
    assert not allowed(default, "iam:PassRole", SAGEMAKER_ROLE, to_ec2)
    assert not allowed(default, "iam:PassRole", admin, to_sagemaker)
    assert not allowed(default, "iam:PassRole", in_account(SAGEMAKER_ROLE, STRANGER), to_sagemaker)
    assert allowed(paths, "iam:PassRole", by_path, to_sagemaker)
    assert not allowed(paths, "iam:PassRole", SAGEMAKER_ROLE, to_sagemaker)


def test_the_role_grants_exactly_the_handler_permissions() -> None:
    """One table: the schema's handler permissions, each in the role, nothing else; no
    SageMaker action but listing on every resource, no role passable to any service."""
    wanted = set().union(*(set(h["permissions"]) for h in our_schema()["handlers"].values()))
    for registries in ("", REGISTRY):
        policy = statements(RegistryAccountIds=registries)
        granted = {a for s in policy for a in _listed(s["Action"])}
        assert granted == wanted
        everywhere = {a for s in policy if s["Resource"] == "*" for a in _listed(s["Action"])}
        assert {a for a in everywhere if a.startswith(("sagemaker:", "iam:"))} == {
            "sagemaker:ListModelPackages"
        }
    template = Template.load(ROLE_TEMPLATE, {"PackageBucket": "artifacts"})
    trust = template.declared["ExecutionRole"]["Properties"]["AssumeRolePolicyDocument"]
    (assume,) = trust["Statement"]
    assert set(assume["Condition"]) == {"StringEquals", "StringLike"}
    assert "aws:SourceAccount" in assume["Condition"]["StringEquals"]
    assert "aws:SourceArn" in assume["Condition"]["StringLike"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("RegistryAccountIds", "12345"),
        ("RegistryAccountIds", f"{REGISTRY},x"),
        ("PassableRoles", "a b"),
    ],
)
def test_a_malformed_parameter_is_refused_before_anything_is_deployed(
    parameter: str, value: str
) -> None:
    with pytest.raises(ValueError, match=f"Parameter '{parameter}' failed to satisfy constraint"):
        Template.load(ROLE_TEMPLATE, {"PackageBucket": "artifacts", parameter: value})


def _listed(action: str | list[str]) -> list[str]:
    return [action] if isinstance(action, str) else action


def test_the_readme_names_every_parameter() -> None:
    """The README's deploy section names the parameters the template has."""
    readme = (ROOT / "README.md").read_text()
    for parameter in Template.load(ROLE_TEMPLATE, {"PackageBucket": "b"}).parameters:
        assert f"`{parameter}" in readme, parameter
