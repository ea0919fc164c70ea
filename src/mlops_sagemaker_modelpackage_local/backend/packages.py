"""Model packages in moto's SageMaker backend, kept as SageMaker keeps them.

moto 5.2.5 stores model packages (`model_packages`, by ARN) and groups, but keeps only some
fields, numbers versions by counting (a deleted version's number comes back), cannot tag a
package, has no DeleteModelPackage or DeleteModelPackageGroup and no status lifecycle.
`RegistryBackend` is moto's backend with those operations added or corrected, on moto's own
store; `RegistryPackage` is moto's ModelPackage with the fields moto does not model, the values
SageMaker fills in itself and a lifecycle (lifecycle.py), and the EventBridge events SageMaker
sends for each (events.py): at its creation, at each status it enters (seen whenever its status
is looked at: `RegistryPackage.status_now`, `settle`) and at each update. `install` makes moto
build this backend for every account and region.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
import time
from typing import Any

import botocore.session
from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.policy_validation import BaseIAMPolicyValidator
from moto.sagemaker import urls as sagemaker_urls
from moto.sagemaker.exceptions import ConflictException, ValidationError
from moto.sagemaker.models import (
    ModelPackage,
    ModelPackageGroup,
    SageMakerModelBackend,
    sagemaker_backends,
)
from moto.sagemaker.utils import arn_formatter

from . import events
from .lifecycle import Progress
from .plain import Plain
from .settings import CONTROL

MAX_ADDITIONAL_SPECIFICATIONS = 15
# Replaced by UpdateModelPackage when given: every member of its request (from botocore's
# service model, so a new API field is emulated without a change here) but the ones SageMaker
# merges (metadata, appended specifications) and the call's own parameters.
MERGED_OR_CALL_PARAMETERS = frozenset(
    {
        "ModelPackageArn",
        "ClientToken",
        "CustomerMetadataProperties",
        "CustomerMetadataPropertiesToRemove",
        "AdditionalInferenceSpecificationsToAdd",
    }
)
_UPDATE_INPUT = (
    botocore.session.get_session()
    .get_service_model("sagemaker")
    .operation_model("UpdateModelPackage")
    .input_shape
)
REPLACED_ON_UPDATE = tuple(
    name
    for name in (_UPDATE_INPUT.members if _UPDATE_INPUT is not None else {})
    if name not in MERGED_OR_CALL_PARAMETERS
)
NOT_DESCRIBED = ("ClientToken", "Tags")
# The fields moto's ModelPackage takes (RegistryPackage sets them from the request instead, so
# that moto's checks, such as its outdated instance type lists, do not apply).
MOTO_FIELDS = (
    "model_package_description",
    "inference_specification",
    "source_algorithm_specification",
    "validation_specification",
    "certify_for_marketplace",
    "model_approval_status",
    "metadata_properties",
    "model_metrics",
    "approval_description",
    "customer_metadata_properties",
    "drift_check_baselines",
    "domain",
    "task",
    "sample_payload_url",
    "additional_inference_specifications",
)

# Operations on the store run one at a time (the server is threaded).
LOCK = threading.RLock()


def fill_server_values(spec: Plain) -> None:
    """What SageMaker records by itself for each container: image digest, model data ETag."""
    for container in spec.get("Containers", []):
        image = container.get("Image")
        if image and "ImageDigest" not in container:
            container["ImageDigest"] = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
        if container.get("ModelDataUrl") and "ModelDataETag" not in container:
            container["ModelDataETag"] = hashlib.md5(  # noqa: S324 - an ETag, not security
                container["ModelDataUrl"].encode()
            ).hexdigest()


def _attribute(key: str) -> str:
    """moto's attribute for an API field (the inverse of its camelCase)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _api_fields(*args: Any, **attributes: Any) -> Plain:
    """A request from the keyword arguments of moto's backend methods (as moto camelCases)."""
    if args:
        raise TypeError("moto's backend methods take keyword arguments only")
    return {
        "".join(word.title() for word in key.split("_")): value
        for key, value in attributes.items()
        if value is not None
    }


def _additional_specs(fields: Plain) -> list[Plain]:
    specs: list[Plain] = fields.get("AdditionalInferenceSpecifications") or []
    return specs


def _spec_names(specs: list[Plain]) -> list[str]:
    return [s.get("Name", "") for s in specs]


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _tag_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or []}


class RegistryPackage(ModelPackage):
    """moto's model package, holding every field of the request and following a lifecycle."""

    def __init__(
        self,
        params: Plain,
        group: str | None,
        version: int | None,
        backend: RegistryBackend,
        progress: Progress,
    ) -> None:
        unset: Plain = dict.fromkeys(MOTO_FIELDS)  # set from the request below
        super().__init__(
            model_package_name=group or params["ModelPackageName"],
            model_package_group_name=group,
            model_package_version=version,
            client_token=params.get("ClientToken", ""),
            region_name=backend.region_name,
            account_id=backend.account_id,
            model_package_type="Versioned" if group else "Unversioned",
            tags=[] if group else _tag_list(_tag_map(params.get("Tags"))),
            **unset,
        )
        self.request = params  # to tell a replay (same ClientToken) from a misuse
        self.progress = progress
        self.announced = 0  # the statuses entered (progress.entered) an event was sent for
        # whose bus its events go to: the account that holds it (the group's, for a version
        # registered from another account) and its region
        self.owner = (backend.account_id, backend.region_name)
        self.unmodelled: Plain = {}  # fields moto's ModelPackage has no attribute for
        self.last_modified_time = self.creation_time
        fields = {k: copy.deepcopy(v) for k, v in params.items() if k not in NOT_DESCRIBED}
        if group:
            fields.update(ModelPackageGroupName=group)
            fields.setdefault("ModelApprovalStatus", "PendingManualApproval")
        else:
            fields.setdefault("CertifyForMarketplace", False)
        for spec in [fields.get("InferenceSpecification", {}), *_additional_specs(fields)]:
            fill_server_values(spec)
        self._set(fields)

    def _set(self, fields: Plain) -> None:
        """Each field on moto's attribute where moto has one, else beside moto's."""
        for key, value in fields.items():
            attribute = _attribute(key)
            if hasattr(self, attribute):
                setattr(self, attribute, value)
            else:
                self.unmodelled[key] = value

    def apply_update(self, params: Plain) -> None:
        """UpdateModelPackage: only what the request names changes."""
        specs = list(self.additional_inference_specifications or [])
        for spec in params.get("AdditionalInferenceSpecificationsToAdd", []):
            if spec.get("Name") in _spec_names(specs):
                raise ValidationError(
                    f"An additional inference specification named {spec.get('Name')} exists."
                )
            added = copy.deepcopy(spec)
            fill_server_values(added)
            specs.append(added)
        if len(specs) > MAX_ADDITIONAL_SPECIFICATIONS:
            raise ValidationError("A model package has at most 15 additional specifications.")
        self.customer_metadata_properties = {
            **(self.customer_metadata_properties or {}),
            **params.get("CustomerMetadataProperties", {}),
        }
        self.remove_customer_metadata_property(params.get("CustomerMetadataPropertiesToRemove", []))
        self.customer_metadata_properties = self.customer_metadata_properties or None
        self.additional_inference_specifications = specs or None
        self._set({k: copy.deepcopy(params[k]) for k in REPLACED_ON_UPDATE if k in params})
        self.modifications_done()

    def gen_response_object(self) -> Plain:
        """DescribeModelPackage: moto's fields, ours, and the status of the lifecycle."""
        return self.described(self.status_now())

    def described(self, status: str) -> Plain:
        """The package as DescribeModelPackage shows it, in `status`."""
        profiles = (self.validation_specification or {}).get("ValidationProfiles", [])
        self.model_package_status = status
        self.model_package_status_details = self.progress.status_details(
            [p["ProfileName"] for p in profiles], status
        )
        described = super().gen_response_object()
        described.update(self.unmodelled)
        # A version reports its group's name as its own, as SageMaker does.
        described["ModelPackageName"] = self.model_package_name
        return described

    def status_now(self) -> str:
        """The status now; an event for its creation and each status it entered since the last
        look (when it entered it)."""
        with LOCK:
            status = self.progress.status()
            for entered, at in self.progress.entered[self.announced :]:
                self._send(self.described(entered), at)
            self.announced = len(self.progress.entered)
        return status

    def updated(self, before: Plain) -> None:
        """The event of an UpdateModelPackage that found the package as `before` described it."""
        after = self.gen_response_object()
        self._send(after, time.time(), events.changed_fields(before, after))

    def _send(self, described: Plain, at: float, updated: list[str] | None = None) -> None:
        event = events.state_change(*self.owner, described, at, updated)
        CONTROL.events.send(event)


SUMMARY_FIELDS = (
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageArn",
    "ModelPackageDescription",
    "CreationTime",
    "ModelApprovalStatus",
    "ModelPackageStatus",
)


def summary(described: Plain) -> Plain:
    """A ListModelPackages item from a description (only unversioned packages carry a name)."""
    item = {k: described[k] for k in SUMMARY_FIELDS if k in described}
    if "ModelPackageVersion" not in described:
        item["ModelPackageName"] = described["ModelPackageName"]
    return item


class RegistryBackend(SageMakerModelBackend):
    """moto's SageMaker backend; model packages created, changed and deleted as SageMaker does."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # The last version number each group gave out: SageMaker never gives one out twice.
        self.latest_versions: dict[str, int] = {}
        # Each group's resource policy, as it was put (by group name).
        self.group_policies: dict[str, str] = {}

    @property
    def _url_module(self) -> Any:
        """moto looks for a backend's URLs beside its class; ours are moto's SageMaker's."""
        return sagemaker_urls

    def package_arn(self, name: str) -> str:
        return arn_formatter("model-package", name.lower(), self.account_id, self.region_name)

    def find_package(self, name_or_arn: str) -> RegistryPackage:
        arn = name_or_arn if name_or_arn.startswith("arn:") else self.package_arn(name_or_arn)
        package = self.model_packages.get(arn.lower())
        if not isinstance(package, RegistryPackage):
            raise ValidationError(f"ModelPackage {arn} does not exist.")
        return package

    def create_package(self, params: Plain) -> str:
        """CreateModelPackage with every field; a repeated ClientToken returns the same package."""
        name: str = params.get("ModelPackageName", "")
        group: str | None = params.get("ModelPackageGroupName")
        if name and group:
            raise ValidationError(
                "Both ModelPackageName and ModelPackageGroupName are provided in the input. "
                "Cannot determine which one to use."
            )
        if not name and not group:
            raise ValidationError("Missing ARN.")
        with LOCK:
            replayed = self._created_with(params.get("ClientToken"), params)
            if replayed is not None:
                return replayed
            specs = _additional_specs(params)
            if len(set(_spec_names(specs))) != len(specs):
                raise ValidationError("AdditionalInferenceSpecifications names must be unique.")
            version = None
            if group:
                group, version = self._next_version(params)
            elif self.package_arn(name) in self.model_packages:
                raise ValidationError(f"Model Package {self.package_arn(name)} already exists.")
            package = RegistryPackage(params, group, version, self, CONTROL.new_progress())
            self.model_packages[package.arn] = package
            package.status_now()  # SageMaker announces the new package
        return package.arn

    def _created_with(self, token: str | None, params: Plain) -> str | None:
        if not token:
            return None
        for package in self.model_packages.values():
            if isinstance(package, RegistryPackage) and package.client_token == token:
                if package.request != params:
                    raise ValidationError(
                        f"ClientToken {token} was already used with different parameters."
                    )
                return package.arn
        return None

    def _next_version(self, params: Plain) -> tuple[str, int]:
        """The group's name and the new version's number, once the request is checked."""
        group = str(params["ModelPackageGroupName"]).rsplit("/", 1)[-1]
        if group not in self.model_package_groups:
            raise ValidationError(f"Model Package Group {group} does not exist.")
        if params.get("Tags"):
            raise ValidationError(
                "Tags cannot be provided when ModelPackageGroupName is specified: the model "
                "package uses the tags associated with the model package group."
            )
        self.latest_versions[group] = self.latest_versions.get(group, 0) + 1
        return group, self.latest_versions[group]

    def create_model_package(self, *args: Any, **kwargs: Any) -> str:
        """moto's own (keyword) CreateModelPackage, served by `create_package`."""
        return self.create_package(_api_fields(*args, **kwargs))

    def update_model_package(self, *args: Any, **kwargs: Any) -> str:
        """moto's own (keyword) UpdateModelPackage, served by `update_package`."""
        return self.update_package(_api_fields(*args, **kwargs))

    def describe_model_package(self, model_package_name: str) -> ModelPackage:
        """moto's DescribeModelPackage, counted by the lifecycle; a deleted package is gone."""
        with LOCK:
            package = self.find_package(model_package_name)
            if not package.progress.describe():
                del self.model_packages[package.arn]
                raise ValidationError(f"ModelPackage {package.arn} does not exist.")
            return package

    def update_package(self, params: Plain) -> str:
        with LOCK:
            package = self.find_package(params["ModelPackageArn"])
            if package.model_package_version is None:
                raise ValidationError(
                    "UpdateModelPackage is supported for versioned model packages."
                )
            status = package.status_now()
            if status in ("Pending", "InProgress", "Deleting"):
                raise ConflictException(
                    f"Model package {params['ModelPackageArn']} is {status} and cannot be updated."
                )
            before = package.described(status)
            package.apply_update(params)
            package.updated(before)
        return package.arn

    def delete_model_package(self, model_package_name: str) -> None:
        with LOCK:
            package = self.find_package(model_package_name)
            gone = package.progress.delete()
            package.status_now()  # Deleting: announced even when it is gone at once
            if gone:
                del self.model_packages[package.arn]

    def delete_model_package_group(self, model_package_group_name: str) -> None:
        """Like SageMaker, refuses a group that still has versions (deleting ones included)."""
        name = model_package_group_name.rsplit("/", 1)[-1]
        with LOCK:
            if name not in self.model_package_groups:
                raise ValidationError(f"ModelPackageGroup {name} does not exist.")
            versions = [
                p for p in self.model_packages.values() if p.model_package_group_name == name
            ]
            if versions:
                raise ConflictException(
                    f"Model package group {name} still has {len(versions)} model package(s)."
                )
            del self.model_package_groups[name]
            self.latest_versions.pop(name, None)
            self.group_policies.pop(name, None)

    def describe_model_package_group(self, model_package_group_name: str) -> ModelPackageGroup:
        """moto's DescribeModelPackageGroup, by name or ARN (as SageMaker takes either)."""
        return super().describe_model_package_group(model_package_group_name.rsplit("/", 1)[-1])

    # ------------------------------------------------------------ group resource policies

    def _policy_group(self, name: str) -> str:
        if name not in self.model_package_groups:
            raise ValidationError(f"Cannot find Model Package Group {name}.")
        return name

    def put_group_policy(self, group: str, policy: str) -> str:
        """PutModelPackageGroupPolicy: a syntactically valid IAM policy replaces the group's."""
        with LOCK:
            name = self._policy_group(group)
            try:
                BaseIAMPolicyValidator(policy).validate()
            except MalformedPolicyDocument as error:
                raise ValidationError(f"Invalid resource policy: {error.message}") from error
            self.group_policies[name] = policy
            return str(self.model_package_groups[name].arn)

    def get_group_policy(self, group: str) -> str:
        with LOCK:
            name = self._policy_group(group)
            if name not in self.group_policies:
                raise ValidationError(
                    f"Cannot find resource policy for Model Package Group {name}."
                )
            return self.group_policies[name]

    def delete_group_policy(self, group: str) -> None:
        with LOCK:
            self.get_group_policy(group)
            del self.group_policies[group]

    def group_policy(self, group: str) -> str | None:
        """The policy that decides calls from other accounts (None: no group, or no policy)."""
        return self.group_policies.get(group)

    def _get_resource_from_arn(self, arn: str) -> Any:
        """moto's lookup for the tag operations, extended to model packages."""
        if ":model-package/" in arn:
            return self.find_package(arn)
        return super()._get_resource_from_arn(arn)

    def add_tags(self, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        """moto's AddTags, but a key already there takes the new value (SageMaker upserts)."""
        with LOCK:
            resource = self._get_resource_from_arn(arn)
            if isinstance(resource, RegistryPackage) and resource.model_package_version:
                raise ValidationError("Tags cannot be added to a versioned model package.")
            resource.tags = _tag_list({**_tag_map(resource.tags), **_tag_map(tags)})
            return resource.tags  # type: ignore[no-any-return]


def settle() -> None:
    """Every package's status looked at now (in every account and region), so that what a
    lifecycle by elapsed seconds reached is announced though nobody described it."""
    with LOCK:
        for account in sagemaker_backends.values():
            for backend in account.values():
                for package in list(getattr(backend, "model_packages", {}).values()):
                    if isinstance(package, RegistryPackage):
                        package.status_now()


def backend_for(account_id: str, region: str) -> RegistryBackend:
    backend = sagemaker_backends[account_id][region]
    assert isinstance(backend, RegistryBackend), (
        "mlops_sagemaker_modelpackage_local.backend.responses.install() first"
    )
    return backend


def install() -> None:
    """Make moto's SageMaker build `RegistryBackend` (backends built before are dropped)."""
    sagemaker_backends.backend = RegistryBackend
    for account in sagemaker_backends.values():
        account.backend = RegistryBackend
        account.clear()
