"""CloudFormation's side of the handler protocol, for one stack and a series of templates.

Our type runs through the real Lambda entry point with the payload CloudFormation sends:
create, update in place, replacement when a create-only property changes (create the new
resource, then delete the old one in the cleanup phase), delete, with re-invocation after
`callbackDelaySeconds` while IN_PROGRESS. AWS::SageMaker::ModelPackageGroup, which the
examples need beside it, is created with the SageMaker API directly.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import protocol
from .template import Resolver, Template, TemplateError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

Json = dict[str, Any]
ROOT = Path(__file__).resolve().parents[2]
OUR_TYPE = protocol.TYPE_NAME
GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"
MAX_INVOCATIONS = 10_000


class StackFailure(RuntimeError):
    """A resource operation failed; the message is CloudFormation's status reason."""


def create_only_properties() -> set[str]:
    schema = json.loads((ROOT / "mlops-sagemaker-modelpackage.json").read_text())
    return {p.rsplit("/", 1)[-1] for p in schema["createOnlyProperties"]}


@dataclass
class Resource:
    logical_id: str
    type: str
    properties: Json
    model: Json = field(default_factory=dict)
    physical_id: str = ""


@dataclass
class Environment:
    """Where handlers run: account, region, credentials and a SageMaker client for natives."""

    account: str
    region: str
    credentials: dict[str, str]
    sagemaker: SageMakerClient


class Events:
    """CloudFormation-style events, printed as they happen."""

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.counts: Counter[str] = Counter()

    def __call__(self, logical_id: str, status: str, reason: str = "") -> None:
        self.counts[status] += 1
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        self.out(f"{stamp}  {logical_id:<28} {status:<34} {reason}".rstrip())


class Stack:
    def __init__(
        self,
        name: str,
        environment: Environment,
        events: Events,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.id = (
            f"arn:aws:cloudformation:{environment.region}:{environment.account}:"
            f"stack/{name}/{uuid.uuid4()}"
        )
        self.env = environment
        self.events = events
        self.wait = wait
        self.resources: dict[str, Resource] = {}
        self.invocations = 0
        self.create_only = create_only_properties()
        self.history: Counter[str] = Counter()
        self.story: list[str] = []

    # ---------------------------------------------------------------- stack operations

    def deploy(self, template: Template) -> None:
        """Create or update the stack to `template`, as CloudFormation would."""
        action = "UPDATE" if self.resources else "CREATE"
        self.events(self.name, f"{action}_IN_PROGRESS", f"{template.path.name}")
        resolver = self._resolver(template)
        replaced: list[Resource] = []
        try:
            for logical_id in template.order():
                spec = template.resources[logical_id]
                properties = resolver.resolve(spec.get("Properties", {}))
                replaced += self._converge(logical_id, spec["Type"], properties)
        except (StackFailure, TemplateError) as error:
            self.events(self.name, f"{action}_FAILED", str(error))
            raise
        self.events(
            self.name,
            f"{action}_COMPLETE_CLEANUP_IN_PROGRESS"
            if action == "UPDATE"
            else f"{action}_COMPLETE",
        )
        if action == "UPDATE":
            for old in replaced:
                self._delete(old)
            for logical_id in [
                r for r in reversed(list(self.resources)) if r not in template.resources
            ]:
                self._delete(self.resources.pop(logical_id))
            self.events(self.name, "UPDATE_COMPLETE")
        self.story += [f"after {template.path.name}: {line}" for line in self.describe_packages()]

    def describe_packages(self) -> list[str]:
        """One line per model package of the stack: where it stands now."""
        lines = []
        for resource in self.resources.values():
            if resource.type != OUR_TYPE:
                continue
            model = resource.model
            details = [str(model.get("ModelPackageStatus", "?"))]
            if "ModelApprovalStatus" in model:
                details.append(str(model["ModelApprovalStatus"]))
            if "Tags" in model:
                details.append(
                    "tags " + ",".join(f"{t['Key']}={t['Value']}" for t in model["Tags"])
                )
            specs = [s["Name"] for s in model.get("AdditionalInferenceSpecifications", [])]
            if specs:
                details.append("additional specifications " + ",".join(specs))
            lines.append(f"{resource.logical_id} {resource.physical_id} ({'; '.join(details)})")
        return lines

    def delete(self) -> None:
        self.events(self.name, "DELETE_IN_PROGRESS")
        for logical_id in reversed(list(self.resources)):
            self._delete(self.resources.pop(logical_id))
        self.events(self.name, "DELETE_COMPLETE")

    # ---------------------------------------------------------------- one resource

    def _converge(self, logical_id: str, type_: str, properties: Json) -> list[Resource]:
        current = self.resources.get(logical_id)
        if current is None:
            self.resources[logical_id] = self._create(logical_id, type_, properties)
            return []
        if current.properties == properties:
            return []
        changed = sorted(
            k
            for k in set(current.properties) | set(properties)
            if current.properties.get(k) != properties.get(k)
        )
        if type_ == GROUP_TYPE or self.create_only & set(changed):
            fixed = sorted(self.create_only & set(changed)) if type_ == OUR_TYPE else changed
            self.events(
                logical_id,
                "UPDATE_IN_PROGRESS",
                f"Requested update requires the creation of a new physical resource "
                f"({', '.join(fixed)} changed); hence creating one.",
            )
            self.history["replaced"] += 1
            self.resources[logical_id] = self._create(logical_id, type_, properties, replacing=True)
            new_id = self.resources[logical_id].physical_id
            self.story.append(f"{logical_id} replaced: {current.physical_id} -> {new_id}")
            return [current]
        self._update(current, properties)
        return []

    def _create(
        self, logical_id: str, type_: str, properties: Json, *, replacing: bool = False
    ) -> Resource:
        resource = Resource(logical_id, type_, properties)
        status = "UPDATE" if replacing else "CREATE"
        if not replacing:
            self.events(logical_id, "CREATE_IN_PROGRESS")
        if type_ == OUR_TYPE:
            final = self._drive("CREATE", logical_id, properties, label=status)
            resource.model = final["resourceModel"]
            resource.physical_id = resource.model["ModelPackageArn"]
        elif type_ == GROUP_TYPE:
            name = properties.get("ModelPackageGroupName") or f"{self.name}-{logical_id}"[:63]
            arguments: Json = {"ModelPackageGroupName": name}
            if "ModelPackageGroupDescription" in properties:
                arguments["ModelPackageGroupDescription"] = properties[
                    "ModelPackageGroupDescription"
                ]
            arn = self.env.sagemaker.create_model_package_group(**arguments)["ModelPackageGroupArn"]
            resource.model = {"ModelPackageGroupName": name, "ModelPackageGroupArn": arn}
            resource.physical_id = arn
        else:
            raise TemplateError(f"{logical_id}: resource type {type_} is not supported locally")
        if not replacing:
            self.history["created"] += 1
        self.events(logical_id, f"{status}_COMPLETE", resource.physical_id)
        return resource

    def _update(self, resource: Resource, properties: Json) -> None:
        changed = sorted(
            k
            for k in set(resource.properties) | set(properties)
            if resource.properties.get(k) != properties.get(k)
        )
        self.events(resource.logical_id, "UPDATE_IN_PROGRESS", f"in place: {', '.join(changed)}")
        previous = {**resource.properties, "ModelPackageArn": resource.physical_id}
        desired = {**properties, "ModelPackageArn": resource.physical_id}
        final = self._drive("UPDATE", resource.logical_id, desired, previous=previous)
        resource.properties = properties
        resource.model = final["resourceModel"]
        self.history["updated in place"] += 1
        self.events(resource.logical_id, "UPDATE_COMPLETE", f"same ARN {resource.physical_id}")

    def _delete(self, resource: Resource) -> None:
        self.events(resource.logical_id, "DELETE_IN_PROGRESS", resource.physical_id)
        if resource.type == OUR_TYPE:
            try:
                self._drive(
                    "DELETE", resource.logical_id, {"ModelPackageArn": resource.physical_id}
                )
            except StackFailure as failure:
                if "NotFound" not in str(failure):  # already gone counts as deleted
                    raise
        else:
            self.env.sagemaker.delete_model_package_group(
                ModelPackageGroupName=resource.model["ModelPackageGroupName"]
            )
        self.history["deleted"] += 1
        self.events(resource.logical_id, "DELETE_COMPLETE")

    def _drive(
        self,
        action: str,
        logical_id: str,
        desired: Json,
        previous: Json | None = None,
        label: str | None = None,
    ) -> Json:
        """Run one handler operation to its end; CloudFormation keeps one request token."""
        token = str(uuid.uuid4())

        def make_event(model: Json | None, context: Json | None) -> Json:
            self.invocations += 1
            return protocol.payload(
                action,
                model,
                account=self.env.account,
                region=self.env.region,
                stack_id=self.id,
                credentials=self.env.credentials,
                previous=previous,
                context=context,
                token=token,
                logical_id=logical_id,
            )

        def show(response: Json) -> None:
            delay = float(response.get("callbackDelaySeconds", 0))
            message = response.get("message") or "in progress"
            status = f"{label or action}_IN_PROGRESS"
            self.events(logical_id, status, f"{message}; next look in {delay:.0f} s")

        try:
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
            raise StackFailure(
                f"{logical_id} {action} failed: {code}: {response.get('message', '')}"
            )
        return response

    # ---------------------------------------------------------------- intrinsics

    def _resolver(self, template: Template) -> Resolver:
        def ref(name: str) -> str:
            if name not in self.resources:
                raise TemplateError(f"Ref to {name}, which is not a parameter or created resource")
            return self.resources[name].physical_id

        def get_att(name: str, attribute: str) -> Any:
            resource = self.resources.get(name)
            if resource is None:
                raise TemplateError(f"Fn::GetAtt {name}.{attribute}: no such resource yet")
            if attribute not in resource.model:
                raise TemplateError(f"Fn::GetAtt {name}.{attribute}: no such attribute")
            return resource.model[attribute]

        pseudo = {
            "AWS::AccountId": self.env.account,
            "AWS::Region": self.env.region,
            "AWS::StackName": self.name,
            "AWS::StackId": self.id,
            "AWS::Partition": "aws",
        }
        return Resolver(template.parameters, pseudo, ref, get_att)
