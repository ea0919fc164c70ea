"""Model packages for moto's SageMaker, as the real service behaves where moto 5.2.5 falls short.

Installed into moto's SageMakerResponse (see `install`): the model-package operations and the
tag operations on model-package ARNs are served from the store below; every other SageMaker
operation (model package groups included) stays moto's. Also here: a status lifecycle, fault
injection and a call log, steered through `CONTROL` (the server exposes it over HTTP).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import ConflictException, ValidationError
from moto.sagemaker.responses import SageMakerResponse

from . import validation

Plain = dict[str, Any]

MAX_ADDITIONAL_SPECIFICATIONS = 15
MODEL_PACKAGE_OPERATIONS = (
    "create_model_package",
    "describe_model_package",
    "update_model_package",
    "delete_model_package",
    "list_model_packages",
)
TAG_OPERATIONS = ("add_tags", "list_tags", "delete_tags")


class LimitExceeded(ServiceException):
    code = "ResourceLimitExceeded"


# ------------------------------------------------------------------ control: lifecycle, faults


@dataclass
class Lifecycle:
    """How a new package moves to its final status: by Describe count or by elapsed seconds."""

    pending_describes: int = 0
    in_progress_describes: int = 0
    pending_seconds: float = 0.0
    in_progress_seconds: float = 0.0
    deleting_describes: int = 0
    fail_next: int = 0
    failure_reason: str = "Validation transform job failed: the container exited with code 1."


@dataclass
class Fault:
    """Answer the next `count` calls of `operation` (or a seeded fraction of all) with an error."""

    operation: str | None = None
    count: int = 0
    fraction: float = 0.0
    code: str = "ThrottlingException"
    status: int = 400
    message: str = "Rate exceeded"
    rng: random.Random = field(default_factory=random.Random)

    def fires(self, operation: str) -> bool:
        if self.operation not in (None, operation):
            return False
        if self.count > 0:
            self.count -= 1
            return True
        return self.fraction > 0 and self.rng.random() < self.fraction


@dataclass
class Control:
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    faults: list[Fault] = field(default_factory=list)
    calls: list[Plain] = field(default_factory=list)
    injected: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def reset(self) -> None:
        with self.lock:
            self.lifecycle = Lifecycle()
            self.faults.clear()
            self.calls.clear()
            self.injected = 0
            STORES.clear()

    def configure(self, settings: Plain) -> None:
        with self.lock:
            for key, value in settings.get("lifecycle", {}).items():
                if not hasattr(self.lifecycle, key):
                    raise ValueError(f"unknown lifecycle setting {key!r}")
                setattr(self.lifecycle, key, value)
            for spec in settings.get("faults", []):
                seed = spec.pop("seed", 0)
                self.faults.append(Fault(**spec, rng=random.Random(seed)))  # noqa: S311 - not security
            if settings.get("clear_faults"):
                self.faults.clear()

    def fault_for(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.fires(operation):
                    self.injected += 1
                    return fault
        return None

    def log(self, operation: str, params: Plain) -> None:
        keys = ("ModelPackageArn", "ModelPackageName", "ModelPackageGroupName", "ResourceArn")
        entry = {"operation": operation, **{k: params[k] for k in keys if k in params}}
        with self.lock:
            self.calls.append(entry)


CONTROL = Control()


# ------------------------------------------------------------------ the store


@dataclass
class Package:
    described: Plain
    token: str | None
    request: Plain
    versioned: bool
    created: float
    lifecycle: Lifecycle
    fails: bool
    describes: int = 0
    deleting_since: float | None = None
    deleting_describes: int = 0
    tags: dict[str, str] = field(default_factory=dict)

    def status(self) -> str:
        """The status now, by elapsed seconds or by the Describes seen (this one included)."""
        if self.deleting_since is not None:
            return "Deleting"
        life = self.lifecycle
        if life.pending_seconds or life.in_progress_seconds:
            progress, pending, in_progress = (
                time.time() - self.created,
                life.pending_seconds,
                life.in_progress_seconds,
            )
        else:
            progress, pending, in_progress = (
                max(self.describes - 1, 0),
                life.pending_describes,
                life.in_progress_describes,
            )
        if progress < pending:
            return "Pending"
        if progress < pending + in_progress:
            return "InProgress"
        return "Failed" if self.fails else "Completed"


@dataclass
class Store:
    account: str
    region: str
    packages: dict[str, Package] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def arn(self, path: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account}:model-package/{path.lower()}"

    def find(self, name_or_arn: str) -> Package:
        key = name_or_arn if name_or_arn.startswith("arn:") else self.arn(name_or_arn)
        package = self.packages.get(key.lower())
        if package is None:
            raise ValidationError(f"ModelPackage {key} does not exist.")
        return package


STORES: dict[tuple[str, str], Store] = {}


def store_for(response: SageMakerResponse) -> Store:
    key = (response.current_account, response.region)
    if key not in STORES:
        STORES[key] = Store(account=key[0], region=key[1])
    return STORES[key]


def _now() -> datetime:
    return datetime.now(UTC)


def _fill_server_values(spec: Plain) -> None:
    """What SageMaker records by itself for each container: image digest, model data ETag."""
    for container in spec.get("Containers", []):
        image = container.get("Image")
        if image and "ImageDigest" not in container:
            container["ImageDigest"] = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
        if container.get("ModelDataUrl") and "ModelDataETag" not in container:
            container["ModelDataETag"] = hashlib.md5(  # noqa: S324 - an ETag, not security
                container["ModelDataUrl"].encode()
            ).hexdigest()


def _spec_names(specs: list[Plain]) -> list[str]:
    return [s.get("Name", "") for s in specs]


# ------------------------------------------------------------------ operations


def create_model_package(self: SageMakerResponse) -> ActionResult:
    params = _params(self)
    store = store_for(self)
    name, group = params.get("ModelPackageName"), params.get("ModelPackageGroupName")
    if name and group:
        raise ValidationError(
            "Both ModelPackageName and ModelPackageGroupName are provided in the input. "
            "Cannot determine which one to use."
        )
    if not name and not group:
        raise ValidationError("Missing ARN.")
    token = params.get("ClientToken")
    with CONTROL.lock:
        if token and token in store.tokens:
            existing = store.packages.get(store.tokens[token])
            if existing is not None:
                if existing.request != params:
                    raise ValidationError(
                        f"ClientToken {token} was already used with different parameters."
                    )
                return ActionResult({"ModelPackageArn": existing.described["ModelPackageArn"]})
        described = _new_description(self, store, params, name, group)
        arn = described["ModelPackageArn"]
        life = copy.copy(CONTROL.lifecycle)
        fails = CONTROL.lifecycle.fail_next > 0
        if fails:
            CONTROL.lifecycle.fail_next -= 1
        store.packages[arn.lower()] = Package(
            described=described,
            token=token,
            request=params,
            versioned=bool(group),
            created=time.time(),
            lifecycle=life,
            fails=fails,
            tags={t["Key"]: t.get("Value", "") for t in params.get("Tags", [])},
        )
        if token:
            store.tokens[token] = arn.lower()
    return ActionResult({"ModelPackageArn": arn})


def _new_description(
    self: SageMakerResponse, store: Store, params: Plain, name: str | None, group: str | None
) -> Plain:
    described = {k: copy.deepcopy(v) for k, v in params.items() if k not in ("ClientToken", "Tags")}
    specs = described.get("AdditionalInferenceSpecifications", [])
    if len(set(_spec_names(specs))) != len(specs):
        raise ValidationError("AdditionalInferenceSpecifications names must be unique.")
    if group:
        group_name = group.rsplit("/", 1)[-1]
        if group_name not in self.sagemaker_backend.model_package_groups:
            raise ValidationError(f"Model Package Group {group_name} does not exist.")
        if params.get("Tags"):
            raise ValidationError(
                "Tags cannot be provided when ModelPackageGroupName is specified: the model "
                "package uses the tags associated with the model package group."
            )
        version = store.versions.get(group_name, 0) + 1
        store.versions[group_name] = version
        arn = store.arn(f"{group_name}/{version}")
        described.update(
            ModelPackageName=group_name,  # as SageMaker reports it for versions
            ModelPackageGroupName=group_name,
            ModelPackageVersion=version,
        )
        described.setdefault("ModelApprovalStatus", "PendingManualApproval")
    else:
        assert name is not None
        arn = store.arn(name)
        if arn.lower() in store.packages:
            raise ValidationError(f"Model Package {arn} already exists.")
        described.setdefault("CertifyForMarketplace", False)
    for spec in [described.get("InferenceSpecification", {}), *specs]:
        _fill_server_values(spec)
    now = _now()
    described.update(ModelPackageArn=arn, CreationTime=now, LastModifiedTime=now)
    return described


def describe_model_package(self: SageMakerResponse) -> ActionResult:
    params = _params(self)
    store = store_for(self)
    with CONTROL.lock:
        package = store.find(params["ModelPackageName"])
        if package.deleting_since is not None:
            package.deleting_describes += 1
            if package.deleting_describes > package.lifecycle.deleting_describes:
                del store.packages[package.described["ModelPackageArn"].lower()]
                raise ValidationError(
                    f"ModelPackage {package.described['ModelPackageArn']} does not exist."
                )
        package.describes += 1
        status = package.status()
        response = copy.deepcopy(package.described)
    response["ModelPackageStatus"] = status
    response["ModelPackageStatusDetails"] = _status_details(package, status)
    return ActionResult(response)


def _status_details(package: Package, status: str) -> Plain:
    profiles = (package.described.get("ValidationSpecification") or {}).get(
        "ValidationProfiles", []
    )
    names = [p["ProfileName"] for p in profiles] or (["model"] if package.fails else [])
    item_status = {
        "Pending": "NotStarted",
        "InProgress": "InProgress",
        "Completed": "Completed",
        "Failed": "Failed",
        "Deleting": "Completed",
    }[status]
    items = []
    for name in names:
        item: Plain = {"Name": name, "Status": item_status}
        if status == "Failed":
            item["FailureReason"] = package.lifecycle.failure_reason
        items.append(item)
    return {"ValidationStatuses": items, "ImageScanStatuses": []}


def update_model_package(self: SageMakerResponse) -> ActionResult:
    params = _params(self)
    store = store_for(self)
    with CONTROL.lock:
        package = store.find(params["ModelPackageArn"])
        if not package.versioned:
            raise ValidationError("UpdateModelPackage is supported for versioned model packages.")
        status = package.status()
        if status in ("Pending", "InProgress", "Deleting"):
            raise ConflictException(
                f"Model package {params['ModelPackageArn']} is {status} and cannot be updated."
            )
        described = package.described
        metadata = dict(described.get("CustomerMetadataProperties", {}))
        metadata.update(params.get("CustomerMetadataProperties", {}))
        for key in params.get("CustomerMetadataPropertiesToRemove", []):
            metadata.pop(key, None)
        specs = list(described.get("AdditionalInferenceSpecifications", []))
        for spec in params.get("AdditionalInferenceSpecificationsToAdd", []):
            if spec.get("Name") in _spec_names(specs):
                raise ValidationError(
                    f"An additional inference specification named {spec.get('Name')} exists."
                )
            added = copy.deepcopy(spec)
            _fill_server_values(added)
            specs.append(added)
        if len(specs) > MAX_ADDITIONAL_SPECIFICATIONS:
            raise ValidationError("A model package has at most 15 additional specifications.")
        for key in (
            "ModelApprovalStatus",
            "ApprovalDescription",
            "InferenceSpecification",
            "SourceUri",
            "ModelCard",
            "ModelLifeCycle",
            "ModelPackageRegistrationType",
        ):
            if key in params:
                described[key] = copy.deepcopy(params[key])
        if metadata:
            described["CustomerMetadataProperties"] = metadata
        else:
            described.pop("CustomerMetadataProperties", None)
        if specs:
            described["AdditionalInferenceSpecifications"] = specs
        described["LastModifiedTime"] = _now()
    return ActionResult({"ModelPackageArn": described["ModelPackageArn"]})


def delete_model_package(self: SageMakerResponse) -> EmptyResult:
    params = _params(self)
    store = store_for(self)
    with CONTROL.lock:
        package = store.find(params["ModelPackageName"])
        if package.deleting_since is None:
            package.deleting_since = time.time()
        if package.lifecycle.deleting_describes == 0:
            del store.packages[package.described["ModelPackageArn"].lower()]
    return EmptyResult()


def list_model_packages(self: SageMakerResponse) -> ActionResult:
    params = _params(self)
    store = store_for(self)
    group = params.get("ModelPackageGroupName")
    kind = params.get("ModelPackageType", "Unversioned")
    with CONTROL.lock:
        packages = sorted(store.packages.values(), key=lambda p: p.described["CreationTime"])
        if group:
            group_name = group.rsplit("/", 1)[-1]
            packages = [
                p for p in packages if p.described.get("ModelPackageGroupName") == group_name
            ]
        elif kind != "Both":
            packages = [p for p in packages if p.versioned == (kind == "Versioned")]
        start = _decode_token(params.get("NextToken"))
        size = min(int(params.get("MaxResults", 100)), 100)
        page = packages[start : start + size]
        summaries = [_summary(p) for p in page]
    result: Plain = {"ModelPackageSummaryList": summaries}
    if start + size < len(packages):
        result["NextToken"] = _encode_token(start + size)
    return ActionResult(result)


def _summary(package: Package) -> Plain:
    described = package.described
    summary: Plain = {
        k: described[k]
        for k in (
            "ModelPackageGroupName",
            "ModelPackageVersion",
            "ModelPackageArn",
            "ModelPackageDescription",
            "CreationTime",
            "ModelApprovalStatus",
        )
        if k in described
    }
    if not package.versioned:
        summary["ModelPackageName"] = described["ModelPackageName"]
    summary["ModelPackageStatus"] = "Deleting" if package.deleting_since else package.status()
    return summary


def _encode_token(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.b64decode(token))["offset"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValidationError(f"Invalid NextToken: {token}") from error


def delete_model_package_group(self: SageMakerResponse) -> EmptyResult:
    """Missing in moto 5.2.5. Like SageMaker, refuses a group that still has versions."""
    name = _params(self)["ModelPackageGroupName"].rsplit("/", 1)[-1]
    groups = self.sagemaker_backend.model_package_groups
    with CONTROL.lock:
        if name not in groups:
            raise ValidationError(f"ModelPackageGroup {name} does not exist.")
        versions = [
            p
            for p in store_for(self).packages.values()
            if p.described.get("ModelPackageGroupName") == name
        ]
        if versions:
            raise ConflictException(
                f"Model package group {name} still has {len(versions)} model package(s)."
            )
        del groups[name]
    return EmptyResult()


# ------------------------------------------------------------------ tags on model packages


def _tag_target(self: SageMakerResponse) -> Package | None:
    arn = _params(self).get("ResourceArn", "")
    if ":model-package/" not in arn:
        return None
    return store_for(self).find(arn)


def add_tags(self: SageMakerResponse) -> ActionResult:
    with CONTROL.lock:
        package = _tag_target(self)
        if package is None:
            return ORIGINALS["add_tags"](self)  # type: ignore[no-any-return]
        if package.versioned:
            raise ValidationError("Tags cannot be added to a versioned model package.")
        for tag in _params(self).get("Tags", []):
            package.tags[tag["Key"]] = tag.get("Value", "")  # upsert, as SageMaker does
        return ActionResult({"Tags": [{"Key": k, "Value": v} for k, v in package.tags.items()]})


def list_tags(self: SageMakerResponse) -> ActionResult:
    with CONTROL.lock:
        package = _tag_target(self)
        if package is None:
            return ORIGINALS["list_tags"](self)  # type: ignore[no-any-return]
        params = _params(self)
        items = [{"Key": k, "Value": v} for k, v in package.tags.items()]
    start = _decode_token(params.get("NextToken"))
    size = int(params.get("MaxResults", 50))
    result: Plain = {"Tags": items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = _encode_token(start + size)
    return ActionResult(result)


def delete_tags(self: SageMakerResponse) -> EmptyResult:
    with CONTROL.lock:
        package = _tag_target(self)
        if package is None:
            return ORIGINALS["delete_tags"](self)  # type: ignore[no-any-return]
        for key in _params(self).get("TagKeys", []):
            package.tags.pop(key, None)
    return EmptyResult()


# ------------------------------------------------------------------ installation


def _params(self: SageMakerResponse) -> Plain:
    body = self.body.decode() if isinstance(self.body, bytes) else (self.body or "{}")
    params: Plain = json.loads(body or "{}")
    return params


VALIDATED = {
    "CreateModelPackage",
    "UpdateModelPackage",
    "DescribeModelPackage",
    "DeleteModelPackage",
    "ListModelPackages",
    "AddTags",
    "ListTags",
    "DeleteTags",
}


def _call_action(self: SageMakerResponse) -> Any:
    """Every SageMaker call: log it, maybe answer with an injected fault, else serve it."""
    operation = self._get_action()
    params = _params(self) if self.body else {}
    CONTROL.log(operation, params)
    fault = CONTROL.fault_for(operation)
    if fault is not None:
        return _error(fault.status, fault.code, fault.message)
    problem = validation.check(operation, params) if operation in VALIDATED else None
    if problem is not None:
        return _error(400, "ValidationException", problem)
    return ORIGINALS["call_action"](self)


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps({"__type": code, "message": message})
    return status, {"Content-Type": "application/x-amz-json-1.1"}, body


ORIGINALS: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Put the model-package extension into moto's SageMaker (idempotent)."""
    if ORIGINALS:
        return
    from . import cloudformation  # noqa: F401, PLC0415 - registers the stack resource type

    replacements: dict[str, Callable[..., Any]] = {
        "call_action": _call_action,
        "create_model_package": create_model_package,
        "describe_model_package": describe_model_package,
        "update_model_package": update_model_package,
        "delete_model_package": delete_model_package,
        "list_model_packages": list_model_packages,
        "delete_model_package_group": delete_model_package_group,
        "add_tags": add_tags,
        "list_tags": list_tags,
        "delete_tags": delete_tags,
    }
    for name, function in replacements.items():
        ORIGINALS[name] = getattr(SageMakerResponse, name, None) or (lambda self: None)
        setattr(SageMakerResponse, name, function)
