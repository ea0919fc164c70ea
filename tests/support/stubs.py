"""Helpers for tests that put botocore's Stubber in place of SageMaker (exact request shapes
and status sequences); the `client` and `stub` fixtures are in tests/conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber

from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY

VERSION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"
PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def described(model: dict[str, Any], arn: str, status: str, **extra: Any) -> dict[str, Any]:
    body = {
        **{k: v for k, v in model.items() if k not in ("Tags", "ClientToken")},
        "ModelPackageArn": arn,
        "ModelPackageName": model.get("ModelPackageName") or model.get("ModelPackageGroupName"),
        "CreationTime": NOW,
        "ModelPackageStatus": status,
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
    }
    body.update(extra)
    return body


def model_of(event: Any) -> dict[str, Any]:
    assert event.resourceModel is not None
    model: dict[str, Any] = event.resourceModel._serialize()
    return model


def looks_within_budget() -> int:
    """How many Describes the policy makes in one invocation when nothing changes."""
    waited, looks = 0.0, 1
    while waited + DEFAULT_POLICY.interval(waited) <= DEFAULT_POLICY.in_invocation_budget:
        waited += DEFAULT_POLICY.interval(waited)
        looks += 1
    return looks


def not_found(stub: Stubber, arn: str) -> None:
    stub.add_client_error(
        "describe_model_package",
        service_error_code="ValidationException",
        service_message=f"ModelPackage {arn} does not exist.",
        expected_params={"ModelPackageName": arn},
    )
