"""Pure translation between the resource model and SageMaker's request and response shapes.

Schema property names are SageMaker's member names at every depth (tests/test_api_drift.py
keeps it so), so the model's serialized form is already API-shaped; what lives here is which
fields go to which call, what the service fills in by itself, and the deltas of an update.
No I/O.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from dataclasses import fields
from datetime import datetime
from typing import Any

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import BaseModel

from .models import ResourceHandlerRequest, ResourceModel

Plain = dict[str, Any]

MAX_ADDITIONAL_SPECIFICATIONS = 15
MAX_NAME_LENGTH = 63
HASH_LENGTH = 12

PROPERTY_NAMES = frozenset(f.name for f in fields(ResourceModel))
READ_ONLY = frozenset(
    {
        "ModelPackageArn",
        "ModelPackageVersion",
        "ModelPackageStatus",
        "ModelPackageStatusDetails",
        "CreationTime",
        "LastModifiedTime",
    }
)
WRITE_ONLY = frozenset({"ClientToken", "AdditionalInferenceSpecificationsToAdd"})
CREATE_ONLY = (
    "ModelPackageName",
    "ModelPackageGroupName",
    "ModelPackageDescription",
    "InferenceSpecification",
    "AdditionalInferenceSpecifications",
    "ValidationSpecification",
    "SourceAlgorithmSpecification",
    "CertifyForMarketplace",
    "MetadataProperties",
    "ModelMetrics",
    "ClientToken",
    "DriftCheckBaselines",
    "Domain",
    "Task",
    "SamplePayloadUrl",
    "SecurityConfig",
    "SkipModelValidation",
    "ManagedStorageType",
)
# What UpdateModelPackage changes in place (versioned packages only), besides metadata and specs.
UPDATABLE_FIELDS = (
    "ModelApprovalStatus",
    "ApprovalDescription",
    "ModelCard",
    "SourceUri",
    "ModelLifeCycle",
    "ModelPackageRegistrationType",
)
# CreateModelPackage members taken straight from the model (the rest are decided below).
CREATE_FIELDS = (
    "ModelPackageDescription",
    "ModelPackageRegistrationType",
    "InferenceSpecification",
    "ValidationSpecification",
    "SourceAlgorithmSpecification",
    "CertifyForMarketplace",
    "ModelApprovalStatus",
    "MetadataProperties",
    "ModelMetrics",
    "Domain",
    "Task",
    "SamplePayloadUrl",
    "CustomerMetadataProperties",
    "DriftCheckBaselines",
    "SkipModelValidation",
    "SourceUri",
    "SecurityConfig",
    "ModelCard",
    "ModelLifeCycle",
    "ManagedStorageType",
)
# Values SageMaker records by itself when the caller gave none. Returned by read only where the
# caller's model has them too, so they never show up as drift of what the user wrote.
SERVER_FILLED_KEYS = frozenset({"ImageDigest", "ModelDataETag", "ETag", "ManifestEtag"})
SERVER_DEFAULTS: Plain = {
    "CertifyForMarketplace": False,
    "SkipModelValidation": "None",
    "SecurityConfig": {"KmsKeyId": ""},
}

_NAME_CHARS = re.compile(r"[^a-zA-Z0-9-]+")
_ARN_RESOURCE = re.compile(r":model-package/(?P<path>.+)$")


def plain(model: ResourceModel | None) -> Plain:
    """The model as API-shaped plain data (None values dropped), safe to modify."""
    if model is None:
        return {}
    data: Plain = _empty_items_restored(copy.deepcopy(dict(model._serialize())))
    return data


def desired_state(request: ResourceHandlerRequest) -> Plain:
    """The desired properties exactly as sent (see resource.py), else from the model."""
    raw = getattr(request, "rawDesiredResourceState", None)
    return copy.deepcopy(raw) if raw is not None else plain(request.desiredResourceState)


def previous_state(request: ResourceHandlerRequest) -> Plain:
    raw = getattr(request, "rawPreviousResourceState", None)
    return copy.deepcopy(raw) if raw is not None else plain(request.previousResourceState)


def _empty_items_restored(value: Any) -> Any:
    """The generated models turn an empty object into None (`_deserialize({})` returns None);
    inside a list that would send `null` to SageMaker, so such items become `{}` again."""
    if isinstance(value, dict):
        return {k: _empty_items_restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [{} if item is None else _empty_items_restored(item) for item in value]
    return value


class PlainModel(BaseModel):
    """A resource model already in its serialized shape, returned as it is.

    The generated dataclasses drop empty objects and lists on the way in and out, so a model
    read back from SageMaker is handed to CloudFormation as plain data instead.
    """

    def __init__(self, data: Plain) -> None:
        self.data = data

    def _serialize(self) -> Plain:
        return copy.deepcopy(self.data)


def to_model(data: Plain) -> PlainModel:
    return PlainModel(data)


def is_versioned_arn(arn: str) -> bool:
    """`.../model-package/<group>/<n>` is a version; `.../model-package/<name>` is not."""
    match = _ARN_RESOURCE.search(arn)
    return match is not None and "/" in match.group("path")


def group_name_of(name_or_arn: str) -> str:
    return name_or_arn.rsplit("/", 1)[-1]


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


# ---------------------------------------------------------------- validation before any call


def validate_desired(desired: Plain) -> None:
    """Reject what SageMaker would reject, before any call, with a message that says why."""
    versioned = bool(desired.get("ModelPackageGroupName"))
    if versioned and desired.get("ModelPackageName"):
        raise exceptions.InvalidRequest(
            "Set either ModelPackageName (an unversioned package) or ModelPackageGroupName "
            "(a new version in that group), not both."
        )
    if versioned and desired.get("Tags"):
        raise exceptions.InvalidRequest(
            "Tags cannot be set on a versioned package: a version takes its tags from its model "
            "package group. Tag the group (AWS::SageMaker::ModelPackageGroup) instead."
        )
    if not versioned:
        for name in ("ModelApprovalStatus", "ApprovalDescription"):
            if name in desired:
                raise exceptions.InvalidRequest(
                    f"{name} applies to versioned packages only: set ModelPackageGroupName "
                    "to register a version, or remove it."
                )
    specs_by_name(
        desired.get("AdditionalInferenceSpecifications", []), "AdditionalInferenceSpecifications"
    )
    specs_by_name(
        desired.get("AdditionalInferenceSpecificationsToAdd", []),
        "AdditionalInferenceSpecificationsToAdd",
    )


def specs_by_name(specs: list[Plain], where: str) -> dict[str, Plain]:
    by_name: dict[str, Plain] = {}
    for spec in specs:
        name = spec.get("Name", "")
        if name in by_name and by_name[name] != spec:
            raise exceptions.InvalidRequest(
                f"{where} has two different specifications named '{name}'; names are unique."
            )
        by_name[name] = spec
    return by_name


def specs_to_add(existing: list[Plain], wanted: list[Plain], *, limit: bool = True) -> list[Plain]:
    """The specifications of `wanted` whose names are not in `existing`, in order.

    A wanted specification under a name that exists with different content cannot be applied
    (SageMaker only appends) and is rejected; the same content again is simply skipped.
    """
    present = specs_by_name(existing, "the package's additional inference specifications")
    new: list[Plain] = []
    for name, spec in specs_by_name(wanted, "AdditionalInferenceSpecificationsToAdd").items():
        if name not in present:
            new.append(spec)
        elif not _same_spec(present[name], spec):
            raise exceptions.InvalidRequest(
                f"The package already has an additional inference specification named '{name}' "
                "with different content. SageMaker cannot change or remove one: add it under a "
                "new name."
            )
    total = len(existing) + len(new)
    if limit and total > MAX_ADDITIONAL_SPECIFICATIONS:
        raise exceptions.InvalidRequest(
            f"A package holds at most {MAX_ADDITIONAL_SPECIFICATIONS} additional inference "
            f"specifications; this would make {total}."
        )
    return new


def _same_spec(current: Plain, wanted: Plain) -> bool:
    """Equal on what the user wrote; values the service filled in are ignored."""
    comparable: Plain = _without_server_filled(current, wanted)
    return comparable == wanted


# ---------------------------------------------------------------- create


def create_request(desired: Plain, *, name: str | None, token: str, tags: list[Plain]) -> Plain:
    """CreateModelPackage parameters for the desired model.

    AdditionalInferenceSpecificationsToAdd is merged into the create call (de-duplicated by
    Name), so it applies at create for both kinds of package with no extra call.
    """
    request: Plain = {k: desired[k] for k in CREATE_FIELDS if k in desired}
    request["ClientToken"] = token
    if desired.get("ModelPackageGroupName"):
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


def after_create_request(arn: str, desired: Plain) -> Plain | None:
    """UpdateModelPackage parameters for what CreateModelPackage cannot take, if any."""
    if "ApprovalDescription" not in desired:
        return None
    request: Plain = {"ModelPackageArn": arn, "ApprovalDescription": desired["ApprovalDescription"]}
    if "ModelApprovalStatus" in desired:
        request["ModelApprovalStatus"] = desired["ModelApprovalStatus"]
    return request


# ---------------------------------------------------------------- read


def model_from_describe(
    described: Plain, tags: list[Plain] | None, hint: Plain, stack_tags: dict[str, str]
) -> Plain:
    """The resource model for a DescribeModelPackage response (and the package's tags).

    `hint` is the model the caller sent (often just the identifier): server-filled values are
    returned where it has them, and the group is returned in the form (name or ARN) it used.
    """
    arn = described["ModelPackageArn"]
    model: Plain = {
        k: _jsonable(v) for k, v in described.items() if k in PROPERTY_NAMES and k not in WRITE_ONLY
    }
    if is_versioned_arn(arn):
        # Describe reports the group's name as ModelPackageName for versions.
        model.pop("ModelPackageName", None)
        group = model.get("ModelPackageGroupName")
        hinted = hint.get("ModelPackageGroupName")
        if group and hinted and group_name_of(hinted) == group:
            model["ModelPackageGroupName"] = hinted
    for key, default in SERVER_DEFAULTS.items():
        if model.get(key) == default and key not in hint:
            del model[key]
    model = _without_server_filled(model, hint)
    if not model.get("CustomerMetadataProperties"):
        model.pop("CustomerMetadataProperties", None)
    if tags is not None:
        user_tags = resource_tags_from_service(tags, stack_tags, hint.get("Tags"))
        if user_tags or "Tags" in hint:
            model["Tags"] = user_tags
    return model


def resource_tags_from_service(
    tags: list[Plain], stack_tags: dict[str, str], hinted: list[Plain] | None
) -> list[Plain]:
    """The package's tags less `aws:` ones and stack-level tags the model does not name."""
    named = {t["Key"] for t in hinted or []}
    return [
        {"Key": t["Key"], "Value": t["Value"]}
        for t in tags
        if not t["Key"].startswith("aws:")
        and (t["Key"] in named or stack_tags.get(t["Key"]) != t["Value"])
    ]


def _without_server_filled(value: Any, hint: Any) -> Any:
    """`value` without server-filled keys that `hint` lacks at the same place."""
    if isinstance(value, dict):
        hint_dict = hint if isinstance(hint, dict) else {}
        return {
            k: _without_server_filled(v, hint_dict.get(k))
            for k, v in value.items()
            if k not in SERVER_FILLED_KEYS or k in hint_dict
        }
    if isinstance(value, list):
        hint_list = hint if isinstance(hint, list) else []
        return [
            _without_server_filled(v, hint_list[i] if i < len(hint_list) else None)
            for i, v in enumerate(value)
        ]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# ---------------------------------------------------------------- update


def create_only_changes(previous: Plain, desired: Plain) -> list[str]:
    return [k for k in CREATE_ONLY if previous.get(k) != desired.get(k)]


def in_place_changes(previous: Plain, desired: Plain) -> list[str]:
    """Names of the UpdateModelPackage-applied properties that differ."""
    changed = [k for k in UPDATABLE_FIELDS if previous.get(k) != desired.get(k)]
    if previous.get("CustomerMetadataProperties") != desired.get("CustomerMetadataProperties"):
        changed.append("CustomerMetadataProperties")
    if new_specs_wanted(previous, desired):
        changed.append("AdditionalInferenceSpecificationsToAdd")
    return changed


def new_specs_wanted(previous: Plain, desired: Plain) -> bool:
    """Whether desired AdditionalInferenceSpecificationsToAdd holds anything not applied yet.

    A specification whose name was applied before but whose content changed is rejected:
    SageMaker cannot change one, and ignoring it would be a silent no-op (the property is
    write-only, so no drift would ever show it).
    """
    known = [
        *previous.get("AdditionalInferenceSpecifications", []),
        *previous.get("AdditionalInferenceSpecificationsToAdd", []),
    ]
    wanted = desired.get("AdditionalInferenceSpecificationsToAdd", [])
    return bool(specs_to_add(known, wanted, limit=False))


def _known_spec_names(model: Plain) -> set[str]:
    return {
        s["Name"]
        for key in ("AdditionalInferenceSpecifications", "AdditionalInferenceSpecificationsToAdd")
        for s in model.get(key, [])
    }


def update_request(
    arn: str, previous: Plain, desired: Plain, current_specs: list[Plain] | None
) -> Plain | None:
    """One UpdateModelPackage call carrying only what changed, or None when nothing did.

    `current_specs` are the package's additional inference specifications as SageMaker holds
    them, needed only when new ones are wanted.
    """
    request: Plain = {}
    for key in UPDATABLE_FIELDS:
        if previous.get(key) == desired.get(key):
            continue
        if key not in desired:
            raise exceptions.NotUpdatable(
                f"{key} cannot be removed from a model package once set: SageMaker has no call "
                f"that clears it. Set the value you want instead."
            )
        request[key] = desired[key]
    if "ApprovalDescription" in request and "ModelApprovalStatus" in desired:
        request["ModelApprovalStatus"] = desired["ModelApprovalStatus"]
    before: dict[str, str] = previous.get("CustomerMetadataProperties") or {}
    after: dict[str, str] = desired.get("CustomerMetadataProperties") or {}
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    removed = sorted(before.keys() - after.keys())
    if changed:
        request["CustomerMetadataProperties"] = changed
    if removed:
        request["CustomerMetadataPropertiesToRemove"] = removed
    if current_specs is not None:
        new = specs_to_add(current_specs, desired.get("AdditionalInferenceSpecificationsToAdd", []))
        if new:
            request["AdditionalInferenceSpecificationsToAdd"] = new
    if not request:
        return None
    request["ModelPackageArn"] = arn
    return request
