"""Resource operations by type, behind one interface: create, update, delete, read.

Each supported type (supported.py) has one provisioner, a `Provisioner` subclass that names its
entry (`class GroupProvisioner(Provisioner, provides=GROUP)`); `provisioners` makes one of each
for a stack. `HandlerProvisioner` runs our type through the real Lambda entry point with the request
CloudFormation sends: every scalar a string, no read-only property in the desired state but the
primary identifier, stack tags and the `aws:cloudformation:*` system tags, one
`clientRequestToken` per operation, reused on every callback. `GroupProvisioner` handles
AWS::SageMaker::ModelPackageGroup, which the examples need beside it, with the SageMaker API
(its resource policy included);
`CdkMetadataProvisioner` records the AWS::CDK::Metadata resource of a CDK-synthesized template.
Each carries its type's schema. A failure raises `StackFailure` with CloudFormation's status
reason.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from botocore.exceptions import ClientError

from mlops_sagemaker_modelpackage import arns
from mlops_sagemaker_modelpackage.json_types import Json

from . import documents, protocol
from .events import Events
from .logs import HandlerLogs
from .schema import TypeSchema, as_sent, document_text, same_document, type_schema
from .state import Resource
from .supported import CDK_METADATA, GROUP, OURS, SUPPORTED, SupportedType

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

MAX_INVOCATIONS = 10_000


class StackFailure(RuntimeError):
    """A resource operation failed; the message is CloudFormation's status reason.

    `left` is what the failed operation left behind (a model with its identifier), if anything."""

    def __init__(self, reason: str, left: Resource | None = None) -> None:
        super().__init__(reason)
        self.left = left


@dataclass
class Environment:
    """Where handlers run: account, region, credentials and a SageMaker client for natives."""

    account: str
    region: str
    credentials: dict[str, str]
    sagemaker: SageMakerClient


@dataclass
class Context:
    """What every provisioner of one stack shares."""

    stack_name: str
    stack_id: str
    env: Environment
    events: Events
    logs: HandlerLogs
    wait: Callable[[float], None] = time.sleep
    stack_tags: dict[str, str] = field(default_factory=dict)
    # the stack's tags before the operation that runs (an update's previousStackTags)
    previous_stack_tags: dict[str, str] | None = None
    longest_wait: float | None = None  # --fast: callbacks wait at most this long
    invocations: int = 0
    requests: list[Json] = field(default_factory=list)


class Provisioner:
    """The operations of one supported type; a subclass names the entry it provides."""

    provides: ClassVar[SupportedType]
    _by_type: ClassVar[dict[str, type[Provisioner]]] = {}

    def __init_subclass__(cls, *, provides: SupportedType, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.provides = provides
        Provisioner._by_type[provides.name] = cls

    def __init__(self, context: Context) -> None:
        self.context = context
        self.schema: TypeSchema = type_schema(self.provides.name)

    def create(self, resource: Resource, label: str) -> None:
        """Create `resource`: sets its model and physical id. `label`: CREATE or UPDATE."""
        raise NotImplementedError

    def update(self, resource: Resource, desired: Json, previous: Json) -> None:
        """Update in place from `previous` to `desired` properties; sets the new model."""
        raise NotImplementedError

    def delete(self, resource: Resource) -> None:
        """Delete the physical resource; one that no longer exists counts as deleted."""
        raise NotImplementedError

    def read(self, resource: Resource) -> Json:
        """The resource as it is now (READ by primary identifier)."""
        raise NotImplementedError


def provisioners(context: Context) -> dict[str, Provisioner]:
    """One provisioner per supported type (supported.SUPPORTED), by type name."""
    return {name: Provisioner._by_type[name](context) for name in SUPPORTED}


def handler_said(message: str, detail: str) -> str:
    """CloudFormation's status reason for a failed resource operation."""
    return f'Resource handler returned message: "{message}" ({detail})'


class HandlerProvisioner(Provisioner, provides=OURS):
    """Our type, through the real handlers."""

    def create(self, resource: Resource, label: str) -> None:
        final = self._drive("CREATE", resource, as_sent(resource.properties), label=label)
        resource.model = final["resourceModel"]
        resource.physical_id = resource.model[self.schema.identifier]

    def update(self, resource: Resource, desired: Json, previous: Json) -> None:
        identifier = {self.schema.identifier: resource.physical_id}
        final = self._drive(
            "UPDATE",
            resource,
            {**as_sent(desired), **identifier},
            previous={**as_sent(previous), **identifier},
        )
        resource.model = final["resourceModel"]

    def delete(self, resource: Resource) -> None:
        desired = {**as_sent(resource.properties), self.schema.identifier: resource.physical_id}
        try:
            self._drive("DELETE", resource, desired)
        except StackFailure as failure:
            if "HandlerErrorCode: NotFound" not in str(failure):
                raise

    def read(self, resource: Resource) -> Json:
        final = self._drive(
            "READ", resource, {self.schema.identifier: resource.physical_id}, quiet=True
        )
        model: Json = final["resourceModel"]
        return model

    def system_tags(self, logical_id: str) -> dict[str, str]:
        return {
            "aws:cloudformation:stack-name": self.context.stack_name,
            "aws:cloudformation:stack-id": self.context.stack_id,
            "aws:cloudformation:logical-id": logical_id,
        }

    def _drive(
        self,
        action: str,
        resource: Resource,
        desired: Json,
        *,
        previous: Json | None = None,
        label: str | None = None,
        quiet: bool = False,
    ) -> Json:
        """Run one handler operation to its end; CloudFormation keeps one request token."""
        context = self.context
        token = str(uuid.uuid4())
        logical_id = resource.logical_id
        system_tags = self.system_tags(logical_id)
        stack_tags = context.stack_tags or None
        before = context.previous_stack_tags
        previous_stack_tags = (before or None) if before is not None else stack_tags

        def make_event(model: Json | None, callback: Json | None) -> Json:
            context.invocations += 1
            event = protocol.payload(
                action,
                model,
                account=context.env.account,
                region=context.env.region,
                stack_id=context.stack_id,
                credentials=context.env.credentials,
                previous=previous,
                context=callback,
                token=token,
                logical_id=logical_id,
                stack_tags=stack_tags,
                previous_stack_tags=previous_stack_tags if previous is not None else None,
                system_tags=system_tags,
                previous_system_tags=system_tags if previous is not None else None,
            )
            context.requests.append(copy.deepcopy(event))  # the lib recasts the event in place
            return event

        def show(response: Json) -> None:
            if quiet:
                return
            asked = float(response.get("callbackDelaySeconds", 0))
            message = response.get("message") or "in progress"
            status = f"{label or action}_IN_PROGRESS"
            if context.longest_wait is not None and asked > context.longest_wait:
                wait = (
                    f"next look in {context.longest_wait:g} s "
                    f"(--fast; the handler asked {asked:.0f} s)"
                )
            else:
                wait = f"next look in {asked:.0f} s"
            context.events(logical_id, status, f"{message}; {wait}")

        try:
            with context.logs.captured(f"{action} {logical_id} (RequestToken: {token})"):
                responses = protocol.operate(
                    make_event,
                    desired,
                    wait=context.wait,
                    on_progress=show,
                    max_invocations=MAX_INVOCATIONS,
                )
        except RuntimeError as error:
            raise StackFailure(f"{logical_id} {action}: {error}") from error
        response = responses[-1]
        if response.get("status") != "SUCCESS":
            code = response.get("errorCode", "InternalFailure")
            reason = handler_said(
                response.get("message", ""), f"RequestToken: {token}, HandlerErrorCode: {code}"
            )
            raise StackFailure(reason, self._left_behind(resource, response))
        return response

    def _left_behind(self, resource: Resource, response: Json) -> Resource | None:
        model = response.get("resourceModel") or {}
        if not model.get(self.schema.identifier) or resource.physical_id:
            return None
        left = resource.copy()
        left.model, left.physical_id = model, model[self.schema.identifier]
        return left


class GroupProvisioner(Provisioner, provides=GROUP):
    """AWS::SageMaker::ModelPackageGroup, with the SageMaker API: name, description, tags and
    resource policy (`ModelPackageGroupPolicy`, an object or a JSON string: sent as compact
    JSON, compared as one document whatever its form, see documents.py)."""

    POLICY = "ModelPackageGroupPolicy"
    # SageMaker's answer for a group without a policy (a ValidationException)
    NO_POLICY = "Cannot find resource policy"

    @property
    def sagemaker(self) -> SageMakerClient:
        return self.context.env.sagemaker

    def create(self, resource: Resource, label: str) -> None:
        properties = resource.properties
        name = properties["ModelPackageGroupName"]
        arguments: Json = {"ModelPackageGroupName": name}
        if "ModelPackageGroupDescription" in properties:
            arguments["ModelPackageGroupDescription"] = properties["ModelPackageGroupDescription"]
        tags = _tag_list(self._tags(properties))
        if tags:
            arguments["Tags"] = tags
        arn = _api(
            "CreateModelPackageGroup",
            lambda: self.sagemaker.create_model_package_group(**arguments),
        )["ModelPackageGroupArn"]
        try:
            if properties.get(self.POLICY) is not None:
                self._put_policy(name, properties[self.POLICY])
        except StackFailure as failure:  # the group exists: the rollback deletes it
            left = resource.copy()
            left.model, left.physical_id = {"ModelPackageGroupName": name}, arn
            raise StackFailure(str(failure), left) from failure
        resource.model = self.read(
            Resource(resource.logical_id, resource.type, {}, model={"ModelPackageGroupName": name})
        )
        resource.physical_id = resource.model["ModelPackageGroupArn"]

    def update(self, resource: Resource, desired: Json, previous: Json) -> None:
        """Tags and policy (the name and description are create-only: a replacement)."""
        before = self.context.previous_stack_tags
        wanted = self._tags(desired)
        had = self._tags(previous, self.context.stack_tags if before is None else before)
        arn = resource.physical_id
        removed = sorted(set(had) - set(wanted))
        if removed:
            _api("DeleteTags", lambda: self.sagemaker.delete_tags(ResourceArn=arn, TagKeys=removed))
        changed = _tag_list({k: v for k, v in wanted.items() if had.get(k) != v})
        if changed:
            _api("AddTags", lambda: self.sagemaker.add_tags(ResourceArn=arn, Tags=changed))
        name = resource.model["ModelPackageGroupName"]
        policy, had_policy = desired.get(self.POLICY), previous.get(self.POLICY)
        if policy is None and had_policy is not None:
            _api(
                "DeleteModelPackageGroupPolicy",
                lambda: self.sagemaker.delete_model_package_group_policy(
                    ModelPackageGroupName=name
                ),
            )
        elif policy is not None and (had_policy is None or not same_document(policy, had_policy)):
            self._put_policy(name, policy)

    def _put_policy(self, name: str, policy: Any) -> None:
        _api(
            "PutModelPackageGroupPolicy",
            lambda: self.sagemaker.put_model_package_group_policy(
                ModelPackageGroupName=name, ResourcePolicy=document_text(policy)
            ),
        )

    def _tags(self, properties: Json, stack_tags: dict[str, str] | None = None) -> dict[str, str]:
        """The stack's tags (default: the operation's), overridden by the group's own (each key
        sent once)."""
        own = {t["Key"]: t["Value"] for t in properties.get("Tags", [])}
        return {**(self.context.stack_tags if stack_tags is None else stack_tags), **own}

    def delete(self, resource: Resource) -> None:
        name = resource.model["ModelPackageGroupName"]
        _api(
            "DeleteModelPackageGroup",
            lambda: self.sagemaker.delete_model_package_group(ModelPackageGroupName=name),
        )

    def read(self, resource: Resource) -> Json:
        """The group as SageMaker holds it, READ by its name, or by its ARN (the primary
        identifier: an import): its own tags only (not the stack's, which CloudFormation adds)."""
        name = resource.model.get("ModelPackageGroupName") or arns.group_name(resource.physical_id)
        return dict(
            _api(
                "DescribeModelPackageGroup",
                lambda: read_group(self.sagemaker, name, stack_tags=self.context.stack_tags),
            )
        )


def read_group(
    sagemaker: SageMakerClient, name: str, *, stack_tags: dict[str, str] | None = None
) -> Json:
    """AWS::SageMaker::ModelPackageGroup as READ returns it: its attributes, its description,
    its tags (every page of ListTags; never CloudFormation's `aws:` ones, nor those of
    `stack_tags` that have the stack's value) and its resource policy, as a JSON object. A
    missing group raises SageMaker's ClientError."""
    described = sagemaker.describe_model_package_group(ModelPackageGroupName=name)
    model: Json = {
        "ModelPackageGroupName": described["ModelPackageGroupName"],
        "ModelPackageGroupArn": described["ModelPackageGroupArn"],
        "ModelPackageGroupStatus": described["ModelPackageGroupStatus"],
        "CreationTime": described["CreationTime"].isoformat(),
    }
    if described.get("ModelPackageGroupDescription"):
        model["ModelPackageGroupDescription"] = described["ModelPackageGroupDescription"]
    stack = stack_tags or {}
    pages = sagemaker.get_paginator("list_tags").paginate(ResourceArn=model["ModelPackageGroupArn"])
    tags = [
        {"Key": t["Key"], "Value": t.get("Value", "")}
        for page in pages
        for t in page.get("Tags", [])
        if not t["Key"].startswith("aws:") and stack.get(t["Key"]) != t.get("Value", "")
    ]
    if tags:
        model["Tags"] = tags
    try:
        policy = sagemaker.get_model_package_group_policy(ModelPackageGroupName=name)
    except ClientError as error:
        if GroupProvisioner.NO_POLICY not in error.response.get("Error", {}).get("Message", ""):
            raise
    else:
        model[GroupProvisioner.POLICY] = documents.parsed(str(policy["ResourcePolicy"]))
    return model


class CdkMetadataProvisioner(Provisioner, provides=CDK_METADATA):
    """AWS::CDK::Metadata, which the CDK adds to a synthesized template: CloudFormation records
    it and calls nothing."""

    def create(self, resource: Resource, label: str) -> None:
        resource.physical_id = str(uuid.uuid4())
        resource.model = {"Id": resource.physical_id}

    def update(self, resource: Resource, desired: Json, previous: Json) -> None:
        """Nothing to call: the properties are only recorded."""

    def delete(self, resource: Resource) -> None:
        """Nothing to call."""

    def read(self, resource: Resource) -> Json:
        return {**resource.properties, **resource.model}


def _api(operation: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ClientError as error:
        raise _failure(operation, error) from error


def _failure(operation: str, error: ClientError) -> StackFailure:
    """CloudFormation's failure for a SageMaker error of an AWS type's handler."""
    detail = error.response.get("Error", {})
    reason = handler_said(
        detail.get("Message", str(error)), f"{operation}: {detail.get('Code', 'ClientError')}"
    )
    return StackFailure(reason)


def _tag_list(tags: dict[str, str]) -> list[Any]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
