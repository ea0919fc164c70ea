"""Invoke the handlers the way CloudFormation does: a full payload into the Lambda entry point."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib.utils import HandlerRequest

from mlops_sagemaker_modelpackage import handlers
from mlops_sagemaker_modelpackage.budget import SystemClock
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.request import Request
from mlops_sagemaker_modelpackage_local.driver import protocol

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/registry-stack/5d9c9a30-0000-4000"
CREDENTIALS = {
    "accessKeyId": "AKIDEXAMPLECALLER00",
    "secretAccessKey": "caller-secret-never-logged",
    "sessionToken": "caller-session-token-never-logged",
}


def payload(action: str, desired: Json | None, **kwargs: Any) -> Json:
    """The event CloudFormation sends for this test stack (see the driver's protocol.py); a
    stack in another account: `account=` with `credentials=in_account(...)`."""
    kwargs.setdefault("account", ACCOUNT)
    kwargs.setdefault("credentials", CREDENTIALS)
    return protocol.payload(action, desired, region=REGION, stack_id=STACK_ID, **kwargs)


def in_account(account: str) -> dict[str, str]:
    """Caller credentials in `account` on the embedded SageMaker (its access key id is the
    account, as LocalStack has it)."""
    return {"accessKeyId": account, "secretAccessKey": "secret", "sessionToken": "token"}


def invoke(action: str, desired: Json | None, **kwargs: Any) -> Json:
    """One invocation of the real entry point; returns the serialized ProgressEvent."""
    return protocol.invoke(payload(action, desired, **kwargs))


@dataclass
class Run:
    """Every event of one operation, driven to its end as CloudFormation would."""

    events: list[Json] = field(default_factory=list)

    @property
    def last(self) -> Json:
        return self.events[-1]

    @property
    def model(self) -> Json:
        model: Json = self.last.get("resourceModel") or {}
        return model


def drive(action: str, desired: Json | None, max_invocations: int = 50, **kwargs: Any) -> Run:
    """Invoke, then re-invoke with the returned context while IN_PROGRESS (same request token).

    `context=` starts from an earlier callback context; waits use the handlers' clock, which the
    `clock` fixture makes virtual."""
    kwargs.setdefault("token", str(uuid.uuid4()))
    first_context = kwargs.pop("context", None)

    def make_event(model: Json | None, context: Json | None) -> Json:
        return payload(action, model, context=context, **kwargs)

    def as_the_contract_says(response: Json) -> None:
        """IN_PROGRESS: no error code, and a model with the primary identifier."""
        assert "errorCode" not in response, response
        assert (response.get("resourceModel") or {}).get("ModelPackageArn"), response

    try:
        events = protocol.operate(
            make_event,
            desired,
            wait=SystemClock().sleep,
            on_progress=as_the_contract_says,
            max_invocations=max_invocations,
            context=first_context,
        )
    except RuntimeError as error:
        raise AssertionError(f"{action}: {error}") from error
    return Run(events)


def handler_request(
    desired: Json | None,
    *,
    previous: Json | None = None,
    token: str = "cfn-request-token",
    stack_tags: dict[str, str] | None = None,
    previous_stack_tags: dict[str, str] | None = None,
    action: str = "CREATE",
) -> Request:
    """The request a workflow receives, built by the production path from CloudFormation's
    payload (so Stubber tests see exactly what the entry point hands the workflows)."""
    event = payload(
        action,
        desired,
        previous=previous,
        token=token,
        stack_tags=stack_tags,
        previous_stack_tags=previous_stack_tags,
    )
    built = handlers.resource._cast_resource_request(HandlerRequest.deserialize(event))
    assert isinstance(built, Request)
    return built


def share_group(registry: Any, group: str, account: str, *, deletes: bool = False) -> str:
    """Create `group` with `registry` (a SageMaker client in the registry's account) and a
    policy that lets `account` register, approve and read versions in it (and delete them, if
    `deletes`); returns the group's ARN, which that account registers by."""
    registry.create_model_package_group(ModelPackageGroupName=group)
    arn: str = registry.describe_model_package_group(ModelPackageGroupName=group)[
        "ModelPackageGroupArn"
    ]
    actions = ["CreateModelPackage", "UpdateModelPackage", "DescribeModelPackage"]
    registry.put_model_package_group_policy(
        ModelPackageGroupName=group,
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                        "Action": [
                            f"sagemaker:{a}"
                            for a in [*actions, *(["DeleteModelPackage"] * deletes)]
                        ],
                        "Resource": arn.partition(":model-package-group/")[0] + ":model-package/*",
                    }
                ],
            }
        ),
    )
    return arn


def listed_packages(sagemaker: SageMakerClient) -> list[Json]:
    """Every model package SageMaker lists (both kinds), as summaries."""
    found = sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]
    return [dict(s) for s in found]
