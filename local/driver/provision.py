"""One resource operation (create, update, delete, read) as CloudFormation performs it.

Our type runs through the real Lambda entry point with the request CloudFormation sends: every
scalar a string, no read-only property in the desired state but the primary identifier, stack
tags and the `aws:cloudformation:*` system tags, one `clientRequestToken` per operation, reused
on every callback. The properties are validated against the type's schema first, and a failure
is reported in CloudFormation's words without invoking anything. AWS::SageMaker::ModelPackageGroup,
which the examples need beside it, is handled with the SageMaker API directly.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from botocore.exceptions import ClientError

from . import protocol
from .logs import HandlerLogs
from .schema import as_sent, type_schema

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

Json = dict[str, Any]
OUR_TYPE = protocol.TYPE_NAME
MAX_INVOCATIONS = 10_000


@dataclass
class Resource:
    logical_id: str
    type: str
    properties: Json
    model: Json = field(default_factory=dict)
    physical_id: str = ""
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"

    def copy(self) -> Resource:
        return copy.deepcopy(self)


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


class Events:
    """CloudFormation-style events, one line each, printed as they happen."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.lines: list[tuple[str, str, str]] = []
        self.listeners: list[Callable[[str, str, str], None]] = []

    def __call__(self, logical_id: str, status: str, reason: str = "") -> None:
        self.lines.append((logical_id, status, reason))
        for listener in self.listeners:
            listener(logical_id, status, reason)
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        line = f"{stamp}  {logical_id:<28} {status:<44} {reason}".rstrip()
        print(line, file=self.stream, flush=True)

    def statuses(self, logical_id: str) -> list[str]:
        return [status for name, status, _ in self.lines if name == logical_id]


@dataclass
class Provisioner:
    """Runs resource operations for one stack and counts handler invocations."""

    stack_name: str
    stack_id: str
    env: Environment
    events: Events
    logs: HandlerLogs
    wait: Callable[[float], None] = time.sleep
    stack_tags: dict[str, str] = field(default_factory=dict)
    invocations: int = 0
    requests: list[Json] = field(default_factory=list)

    # ---------------------------------------------------------------- operations

    def create(self, resource: Resource, label: str) -> None:
        """Create `resource` (sets its model and physical id); `label` is CREATE or UPDATE."""
        self.check(resource, label)
        try:
            if resource.type == OUR_TYPE:
                final = self._drive("CREATE", resource, as_sent(resource.properties), label=label)
                resource.model = final["resourceModel"]
                resource.physical_id = resource.model["ModelPackageArn"]
            else:
                self._create_group(resource)
        except StackFailure as failure:
            self.events(resource.logical_id, f"{label}_FAILED", str(failure))
            raise

    def update(self, resource: Resource, desired: Json, previous: Json) -> None:
        """Update in place from `previous` to `desired` properties; sets the new model.

        The caller validates `desired` first (`check`): a rollback does not."""
        identifier = type_schema(resource.type).identifier
        try:
            if resource.type == OUR_TYPE:
                final = self._drive(
                    "UPDATE",
                    resource,
                    {**as_sent(desired), identifier: resource.physical_id},
                    previous={**as_sent(previous), identifier: resource.physical_id},
                )
                resource.model = final["resourceModel"]
            else:
                self._retag_group(resource, desired, previous)
        except StackFailure as failure:
            self.events(resource.logical_id, "UPDATE_FAILED", str(failure))
            raise

    def delete(self, resource: Resource) -> None:
        """Delete the physical resource; one that no longer exists counts as deleted."""
        identifier = type_schema(resource.type).identifier
        try:
            if resource.type == OUR_TYPE:
                desired = {**as_sent(resource.properties), identifier: resource.physical_id}
                try:
                    self._drive("DELETE", resource, desired)
                except StackFailure as failure:
                    if "HandlerErrorCode: NotFound" not in str(failure):
                        raise
            else:
                self._api(
                    "DeleteModelPackageGroup",
                    lambda: self.env.sagemaker.delete_model_package_group(
                        ModelPackageGroupName=resource.model["ModelPackageGroupName"]
                    ),
                )
        except StackFailure as failure:
            self.events(resource.logical_id, "DELETE_FAILED", str(failure))
            raise

    def read(self, resource: Resource) -> Json:
        """READ with only the primary identifier, as drift detection does."""
        identifier = type_schema(resource.type).identifier
        final = self._drive("READ", resource, {identifier: resource.physical_id}, quiet=True)
        model: Json = final["resourceModel"]
        return model

    def check(self, resource: Resource, label: str) -> None:
        """CloudFormation's schema validation, before any handler runs."""
        reason = type_schema(resource.type).validation_failure(
            resource.logical_id, resource.properties
        )
        if reason is not None:
            self.events(resource.logical_id, f"{label}_FAILED", reason)
            raise StackFailure(reason)

    # ---------------------------------------------------------------- our type

    def system_tags(self, logical_id: str) -> dict[str, str]:
        return {
            "aws:cloudformation:stack-name": self.stack_name,
            "aws:cloudformation:stack-id": self.stack_id,
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
        token = str(uuid.uuid4())
        logical_id = resource.logical_id
        system_tags = self.system_tags(logical_id)
        stack_tags = self.stack_tags or None

        def make_event(model: Json | None, context: Json | None) -> Json:
            self.invocations += 1
            event = protocol.payload(
                action,
                model,
                account=self.env.account,
                region=self.env.region,
                stack_id=self.stack_id,
                credentials=self.env.credentials,
                previous=previous,
                context=context,
                token=token,
                logical_id=logical_id,
                stack_tags=stack_tags,
                previous_stack_tags=stack_tags if previous is not None else None,
                system_tags=system_tags,
                previous_system_tags=system_tags if previous is not None else None,
            )
            self.requests.append(copy.deepcopy(event))  # the lib recasts the event in place
            return event

        def show(response: Json) -> None:
            if quiet:
                return
            delay = float(response.get("callbackDelaySeconds", 0))
            message = response.get("message") or "in progress"
            status = f"{label or action}_IN_PROGRESS"
            self.events(logical_id, status, f"{message}; next look in {delay:.0f} s")

        try:
            with self.logs.captured(f"{action} {logical_id} (RequestToken: {token})"):
                responses = protocol.operate(
                    make_event,
                    desired,
                    wait=self.wait,
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

    @staticmethod
    def _left_behind(resource: Resource, response: Json) -> Resource | None:
        identifier = type_schema(resource.type).identifier
        model = response.get("resourceModel") or {}
        if not model.get(identifier) or resource.physical_id:
            return None
        left = resource.copy()
        left.model, left.physical_id = model, model[identifier]
        return left

    # ---------------------------------------------------------------- the group, natively

    def _create_group(self, resource: Resource) -> None:
        properties = resource.properties
        name = properties["ModelPackageGroupName"]
        arguments: Json = {"ModelPackageGroupName": name}
        if "ModelPackageGroupDescription" in properties:
            arguments["ModelPackageGroupDescription"] = properties["ModelPackageGroupDescription"]
        tags = [*properties.get("Tags", []), *_tag_list(self.stack_tags)]
        if tags:
            arguments["Tags"] = tags
        self._api(
            "CreateModelPackageGroup",
            lambda: self.env.sagemaker.create_model_package_group(**arguments),
        )
        described = self.env.sagemaker.describe_model_package_group(ModelPackageGroupName=name)
        resource.model = {
            "ModelPackageGroupName": name,
            "ModelPackageGroupArn": described["ModelPackageGroupArn"],
            "ModelPackageGroupStatus": described["ModelPackageGroupStatus"],
            "CreationTime": described["CreationTime"].isoformat(),
        }
        resource.physical_id = described["ModelPackageGroupArn"]

    def _retag_group(self, resource: Resource, desired: Json, previous: Json) -> None:
        wanted = {t["Key"]: t["Value"] for t in desired.get("Tags", [])}
        had = {t["Key"]: t["Value"] for t in previous.get("Tags", [])}
        arn = resource.physical_id
        removed = sorted(set(had) - set(wanted))
        if removed:
            self._api(
                "DeleteTags",
                lambda: self.env.sagemaker.delete_tags(ResourceArn=arn, TagKeys=removed),
            )
        changed = _tag_list({k: v for k, v in wanted.items() if had.get(k) != v})
        if changed:
            self._api("AddTags", lambda: self.env.sagemaker.add_tags(ResourceArn=arn, Tags=changed))

    @staticmethod
    def _api(operation: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ClientError as error:
            detail = error.response.get("Error", {})
            reason = handler_said(
                detail.get("Message", str(error)),
                f"{operation}: {detail.get('Code', 'ClientError')}",
            )
            raise StackFailure(reason) from error


def handler_said(message: str, detail: str) -> str:
    """CloudFormation's status reason for a failed resource operation."""
    return f'Resource handler returned message: "{message}" ({detail})'


def _tag_list(tags: dict[str, str]) -> list[Any]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
