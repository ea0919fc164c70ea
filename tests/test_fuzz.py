"""Fuzzing from the schema: valid models round-trip, invalid ones are refused and create nothing.

`make test` runs the `ci` profile (150 valid + 160 invalid cases); `HYPOTHESIS_PROFILE=soak`
(see `make soak`) runs twenty times as many.
"""

from __future__ import annotations

import copy
import json
import os
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local.backend.control import BackendControl
from tests.support.cfn import drive, invoke
from tests.support.figures import FIGURES
from tests.support.models import MODEL_CARD_SECRET, additional_spec
from tests.support.strategies import valid_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

GROUP = "fuzz-models"
_SUPPRESSED = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]
settings.register_profile(
    "ci", max_examples=150, suppress_health_check=_SUPPRESSED, deadline=None, derandomize=True
)
settings.register_profile(
    "soak", max_examples=3000, suppress_health_check=_SUPPRESSED, deadline=None, derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
from mlops_sagemaker_modelpackage.translate import SERVER_FILLED_KEYS  # noqa: E402

WRITE_ONLY = ("ClientToken", "AdditionalInferenceSpecificationsToAdd")


def contains(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from `expected` on what `expected` sets (Tags order-free)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: {actual!r} is not an object"]
        return [
            d
            for k, v in expected.items()
            if k not in SERVER_FILLED_KEYS  # never read back, by design (translate.py)
            for d in (
                [f"{path}/{k}: missing"]
                if k not in actual
                else contains(v, actual[k], f"{path}/{k}")
            )
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {actual!r} != {expected!r}"]
        if path == "/Tags":  # insertionOrder false: the same tags in any order

            def canonical(tags: list[Any]) -> list[str]:
                return sorted(json.dumps(t, sort_keys=True) for t in tags)

            return [] if canonical(expected) == canonical(actual) else [f"{path}: differ"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in contains(e, a, f"{path}[{i}]")
        ]
    return [] if expected == actual else [f"{path}: {actual!r} != {expected!r}"]


def _fresh(backend: BackendControl, sagemaker: SageMakerClient) -> None:
    backend.reset()
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)


def _packages(sagemaker: SageMakerClient) -> list[Any]:
    return sagemaker.list_model_packages(ModelPackageType="Both")["ModelPackageSummaryList"]


@pytest.mark.usefixtures("clock")
@given(model=valid_model(GROUP, MODEL_CARD_SECRET))
def test_valid_models_create_read_delete(
    backend: BackendControl, sagemaker: SageMakerClient, model: dict[str, Any]
) -> None:
    _fresh(backend, sagemaker)
    created = drive("CREATE", model)
    assert created.last["status"] == "SUCCESS", created.last
    arn = created.model["ModelPackageArn"]
    read = invoke("READ", {"ModelPackageArn": arn})  # as drift detection sends it
    assert read["status"] == "SUCCESS", read
    assert contains(model, read["resourceModel"]) == []
    for event in (created.last, read):
        assert not set(WRITE_ONLY) & set(event["resourceModel"])
    assert drive("DELETE", {"ModelPackageArn": arn}).last["status"] == "SUCCESS"
    assert _packages(sagemaker) == []
    FIGURES["fuzzed valid cases"] += 1


def _both_names(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "ModelPackageName": "both-names", "ModelPackageGroupName": GROUP}


def _tags_on_version(m: dict[str, Any]) -> dict[str, Any]:
    model = {k: v for k, v in m.items() if k != "ModelPackageName"}
    return {**model, "ModelPackageGroupName": GROUP, "Tags": [{"Key": "a", "Value": "b"}]}


def _bad_enum(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "SkipModelValidation": "Sometimes"}


def _bad_name(m: dict[str, Any]) -> dict[str, Any]:
    model = {k: v for k, v in m.items() if k != "ModelPackageGroupName"}
    return {**model, "ModelPackageName": "-not_a valid name-"}


def _too_long(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "ModelPackageDescription": "x" * 1025}


def _no_containers(m: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in m["InferenceSpecification"].items() if k != "Containers"}
    return {**m, "InferenceSpecification": spec}


def _wrong_type(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "InferenceSpecification": {**m["InferenceSpecification"], "Containers": "image"}}


def _too_many_specs(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "AdditionalInferenceSpecifications": [additional_spec(f"s{i}") for i in range(16)]}


def _long_metadata(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "CustomerMetadataProperties": {"k": "v" * 257}}


def _approval_unversioned(m: dict[str, Any]) -> dict[str, Any]:
    model = {k: v for k, v in m.items() if k not in ("ModelPackageGroupName", "Tags")}
    return {**model, "ModelPackageName": "no-approval-here", "ApprovalDescription": "ok"}


MUTATIONS = [
    _both_names,
    _tags_on_version,
    _bad_enum,
    _bad_name,
    _too_long,
    _no_containers,
    _wrong_type,
    _too_many_specs,
    _long_metadata,
    _approval_unversioned,
]


@pytest.mark.usefixtures("clock")
@settings(
    max_examples=len(MUTATIONS) * 16 if os.environ.get("HYPOTHESIS_PROFILE") != "soak" else 3000
)
@given(model=valid_model(GROUP, MODEL_CARD_SECRET), mutation=st.sampled_from(MUTATIONS))
def test_invalid_models_are_invalid_requests_and_create_nothing(
    backend: BackendControl, sagemaker: SageMakerClient, model: dict[str, Any], mutation: Any
) -> None:
    _fresh(backend, sagemaker)
    event = invoke("CREATE", mutation(copy.deepcopy(model)))
    assert event["status"] == "FAILED", (mutation.__name__, event)
    assert event["errorCode"] == "InvalidRequest", (mutation.__name__, event)
    assert event["message"]
    assert _packages(sagemaker) == []
    FIGURES["fuzzed invalid cases"] += 1
