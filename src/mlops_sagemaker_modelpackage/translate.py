"""Pure translation between the resource model and SageMaker's request and response shapes.

Schema property names are SageMaker's member names at every depth (tests/test_api_drift.py
keeps it so), so the model's serialized form is already API-shaped; what lives here is which
fields go to which call (fields.py says which property goes where) and what the service fills
in by itself. Validation lives in validation.py, the specification diff in specifications.py, the
update delta in plan.py. No I/O.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from dataclasses import fields
from datetime import datetime
from typing import Any

from cloudformation_cli_python_lib.interface import BaseModel

from . import arns
from .fields import CREATE_AS_IS, FIELDS, IN_PLACE, WRITE_ONLY, Create, makes_version
from .json_types import Json
from .models import ResourceModel
from .specifications import specs_to_add, without_server_filled
from .tags import RESERVED_PREFIX

MAX_NAME_LENGTH = 63
HASH_LENGTH = 12

PROPERTY_NAMES = frozenset(f.name for f in fields(ResourceModel))
# CreateModelPackage members taken straight from the model (the rest are decided below).
CREATE_FIELDS = CREATE_AS_IS

# Properties whose default is the empty string: a package holding it holds none.
_EMPTY_BY_DEFAULT = tuple(name for name, f in FIELDS.items() if f.default == "")
_NAME_CHARS = re.compile(r"[^a-zA-Z0-9-]+")


class PlainModel(BaseModel):
    """A resource model already in its serialized shape, returned as it is.

    The generated dataclasses drop empty objects and lists on the way in and out, so a model
    read back from SageMaker is handed to CloudFormation as plain data instead.
    """

    def __init__(self, data: Json) -> None:
        self.data = data

    def _serialize(self) -> Json:
        return copy.deepcopy(self.data)


def to_model(data: Json) -> PlainModel:
    return PlainModel(data)


def group_of_version(version_arn: str, group: str, caller_account: str | None) -> str:
    """How a model names a version's group: by name in the caller's own account, by ARN when the
    version (and so its group) is in another (a name there would name a group of the caller's,
    so an import, a replacement or `--generate` would register the version in the wrong place).
    """
    name = arns.group_name(group)
    account = arns.account_of(version_arn)
    if caller_account is None or account is None or account == caller_account:
        return name
    return arns.group_arn(version_arn, name)


def client_token(given: str | None, client_request_token: str) -> str:
    """The user's ClientToken, else one derived from CloudFormation's request token.

    CloudFormation re-sends the same request token on every retry of one operation, so a create
    invoked again after a lost response sends the same token and SageMaker returns the package
    the first call made instead of registering a second version.
    """
    if given:
        return given
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mlops-modelpackage:{client_request_token}"))


def generated_name(stack_id: str | None, logical_id: str | None, client_request_token: str) -> str:
    """A unique, valid unversioned package name, as CloudFormation names resources.

    `<stack>-<logical id>-<hash of the request token>`: stable across re-invocations of the same
    create (same token), different for a replacement (new token). At most 63 characters.
    """
    stack = (stack_id or "").split("/")[1] if "/" in (stack_id or "") else (stack_id or "")
    digest = hashlib.sha256(client_request_token.encode()).hexdigest()[:HASH_LENGTH]
    budget = MAX_NAME_LENGTH - HASH_LENGTH - 1
    parts = [p for p in (_clean(stack), _clean(logical_id or "")) if p]
    if len(parts) == 2:
        logical_room = min(len(parts[1]), (budget - 1) // 2)
        stack_room = budget - 1 - logical_room
        parts = [parts[0][:stack_room].strip("-"), parts[1][:logical_room].strip("-")]
    prefix = "-".join(p for p in parts if p)[:budget].strip("-")
    return f"{prefix}-{digest}" if prefix else f"modelpackage-{digest}"


def _clean(text: str) -> str:
    return _NAME_CHARS.sub("-", text).strip("-")


# ---------------------------------------------------------------- create


def create_request(desired: Json, *, name: str | None, token: str, tags: list[Json]) -> Json:
    """CreateModelPackage parameters for the desired model.

    AdditionalInferenceSpecificationsToAdd is merged into the create call (de-duplicated by
    Name), so it applies at create for both kinds of package with no extra call.
    """
    request: Json = {k: _at_create(k, desired[k]) for k in CREATE_FIELDS if k in desired}
    request["ClientToken"] = token
    if makes_version(desired):
        request["ModelPackageGroupName"] = desired["ModelPackageGroupName"]
    else:
        request["ModelPackageName"] = name
        if tags:
            request["Tags"] = tags
    specs = list(desired.get("AdditionalInferenceSpecifications", []))
    specs += specs_to_add(specs, desired.get("AdditionalInferenceSpecificationsToAdd", []))
    if specs:
        request["AdditionalInferenceSpecifications"] = specs
    return request


def _at_create(name: str, value: Any) -> Any:
    """What CreateModelPackage carries for a property: its default until validation has passed
    for a value that must wait for it (fields.py: after_validation)."""
    return FIELDS[name].default if _waits_for_validation(name, value) else value


def _waits_for_validation(name: str, value: Any) -> bool:
    return isinstance(value, str) and value in FIELDS[name].after_validation


def after_completion(desired: Json) -> Json:
    """The desired properties a create applies once SageMaker reports the package Completed:
    those CreateModelPackage does not take, and values that wait for validation (with the
    approval status a description describes). Empty when there are none."""
    later = {
        k: v
        for k, v in desired.items()
        if k in IN_PLACE and (FIELDS[k].create is Create.NO or _waits_for_validation(k, v))
    }
    if later and "ModelApprovalStatus" in desired:
        later["ModelApprovalStatus"] = desired["ModelApprovalStatus"]
    return later


# ---------------------------------------------------------------- read


def model_from_describe(
    described: Json, package_tags: list[Json] | None, caller_account: str | None = None
) -> Json:
    """The resource model for a DescribeModelPackage response and the package's tags.

    One canonical form, whatever the request carried: the group by name (the schema's
    propertyTransform lets a template write its ARN; by ARN when it is in another account than
    `caller_account`, see `group_of_version`), defaults as SageMaker holds them, no
    server-derived digests, and every tag but the reserved `aws:` ones.
    """
    arn = described["ModelPackageArn"]
    model: Json = {
        k: _jsonable(v) for k, v in described.items() if k in PROPERTY_NAMES and k not in WRITE_ONLY
    }
    if arns.is_versioned(arn):
        # Describe reports the group's name as ModelPackageName for versions.
        model.pop("ModelPackageName", None)
        if model.get("ModelPackageGroupName"):
            model["ModelPackageGroupName"] = group_of_version(
                arn, model["ModelPackageGroupName"], caller_account
            )
    security = model.get("SecurityConfig") or {}
    if not security.get("KmsKeyId"):
        model.pop("SecurityConfig", None)  # SageMaker reports an empty key when none was given
    model = without_server_filled(model)
    if not model.get("CustomerMetadataProperties"):
        model.pop("CustomerMetadataProperties", None)
    for name in _EMPTY_BY_DEFAULT:
        if model.get(name) == "":
            model.pop(name)  # reset to its default, which is no value
    if package_tags is not None:
        model["Tags"] = sorted(
            (
                {"Key": t["Key"], "Value": t.get("Value", "")}
                for t in package_tags
                if not t["Key"].startswith(RESERVED_PREFIX)
            ),
            key=lambda t: t["Key"],
        )
    return model


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
