"""Fuzzing from the schema: valid models round-trip; invalid ones are refused by the product.

Invalid models are refused where the product refuses them: by the schema, which CloudFormation
checks before it calls a handler (so no handler runs), or by the handler itself before any
SageMaker call, for the rules the schema cannot state. Nothing here relies on the local
backend's own validation to refuse an input: that would test the fake, not the product.

`make test` runs the `ci` profile (150 valid, 168 schema-invalid and 56 handler-refused cases);
`HYPOTHESIS_PROFILE=soak` (see `make soak`) runs many more.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke
from tests.support.figures import FIGURES
from tests.support.models import MODEL_CARD_SECRET, additional_spec
from tests.support.schema import schema_errors
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
from mlops_sagemaker_modelpackage.fields import FIELDS, WRITE_ONLY  # noqa: E402
from mlops_sagemaker_modelpackage.specifications import SERVER_FILLED_KEYS  # noqa: E402


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


def _as_read(model: dict[str, Any]) -> dict[str, Any]:
    """What read returns of `model`, by design: an empty KmsKeyId is how SageMaker reports no
    key, and an empty value is the default a removed ApprovalDescription returns to, so read
    leaves them out (translate.model_from_describe); the schema, as published and as the API,
    accepts empty ones."""
    empty = {name for name, f in FIELDS.items() if f.default == "" and model.get(name) == ""}
    if model.get("SecurityConfig") == {"KmsKeyId": ""}:
        empty.add("SecurityConfig")
    return {k: v for k, v in model.items() if k not in empty}


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
    assert schema_errors(model) == []  # the strategies generate only what the schema accepts
    _fresh(backend, sagemaker)
    created = drive("CREATE", model)
    assert created.last["status"] == "SUCCESS", created.last
    arn = created.model["ModelPackageArn"]
    read = invoke("READ", {"ModelPackageArn": arn})  # as drift detection sends it
    assert read["status"] == "SUCCESS", read
    assert contains(_as_read(model), read["resourceModel"]) == []
    for event in (created.last, read):
        assert not WRITE_ONLY & set(event["resourceModel"])
    assert drive("DELETE", {"ModelPackageArn": arn}).last["status"] == "SUCCESS"
    assert _packages(sagemaker) == []
    FIGURES["fuzzed valid cases"] += 1


Mutation = Callable[[dict[str, Any]], dict[str, Any]]
SOAK = os.environ.get("HYPOTHESIS_PROFILE") == "soak"


def _versioned(m: dict[str, Any]) -> dict[str, Any]:
    model = {k: v for k, v in m.items() if k not in ("ModelPackageName", "Tags")}
    model.pop("CertifyForMarketplace", None)
    return {**model, "ModelPackageGroupName": GROUP}


def _unversioned(m: dict[str, Any]) -> dict[str, Any]:
    drop = ("ModelPackageGroupName", "ModelApprovalStatus", "ApprovalDescription")
    model = {k: v for k, v in m.items() if k not in drop}
    return {"ModelPackageName": "fuzz-package", **model}


def _first_container(m: dict[str, Any], **changes: Any) -> dict[str, Any]:
    spec = m["InferenceSpecification"]
    containers = [{**spec["Containers"][0], **changes}, *spec["Containers"][1:]]
    return {**m, "InferenceSpecification": {**spec, "Containers": containers}}


def _environment(m: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    return _first_container(m, Environment=variables)


# ------------------------------------------------------------ rules the handler checks itself


def _both_names(m: dict[str, Any]) -> dict[str, Any]:
    return {**_versioned(m), "ModelPackageName": "both-names"}


def _tags_on_version(m: dict[str, Any]) -> dict[str, Any]:
    return {**_versioned(m), "Tags": [{"Key": "a", "Value": "b"}]}


def _status_unversioned(m: dict[str, Any]) -> dict[str, Any]:
    return {**_unversioned(m), "ModelApprovalStatus": "Approved"}


def _approval_description_unversioned(m: dict[str, Any]) -> dict[str, Any]:
    return {**_unversioned(m), "ApprovalDescription": "ok"}


def _reserved_tag_key(m: dict[str, Any]) -> dict[str, Any]:
    model = _unversioned(m)
    return {**model, "Tags": [{"Key": "aws:team", "Value": "ml"}, *model.get("Tags", [])]}


def _two_specs_one_name(m: dict[str, Any]) -> dict[str, Any]:
    other = {**additional_spec("twice"), "Description": "another build"}
    return {**m, "AdditionalInferenceSpecifications": [additional_spec("twice"), other]}


def _two_specs_to_add_one_name(m: dict[str, Any]) -> dict[str, Any]:
    other = {**additional_spec("twice"), "Description": "another build"}
    return {**m, "AdditionalInferenceSpecificationsToAdd": [additional_spec("twice"), other]}


# Every rule validation.validate_desired enforces, and where the schema reports it (None: the
# schema cannot state it, so only the handler refuses it).
HANDLER_RULES: list[tuple[Mutation, str | None]] = [
    (_both_names, "#/ModelPackageName"),
    (_tags_on_version, "#/Tags"),
    (_status_unversioned, "#: dependencies"),
    (_approval_description_unversioned, "#: dependencies"),
    (_reserved_tag_key, "#/Tags/0/Key"),
    (_two_specs_one_name, None),
    (_two_specs_to_add_one_name, None),
]

# ------------------------------------------------------------ rules only the schema states


def _bad_enum(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "SkipModelValidation": "Sometimes"}


def _bad_name(m: dict[str, Any]) -> dict[str, Any]:
    return {**_unversioned(m), "ModelPackageName": "-not_a valid name-"}


def _name_with_a_final_newline(m: dict[str, Any]) -> dict[str, Any]:
    """A YAML block scalar (`|`) ends with a newline: `$` alone would let it through."""
    key = "ModelPackageGroupName" if "ModelPackageGroupName" in m else "ModelPackageName"
    return {**m, key: m[key] + "\n"}


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


def _empty_metadata_key(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "CustomerMetadataProperties": {"": "v"}}


def _environment_name_with_a_digit_first(m: dict[str, Any]) -> dict[str, Any]:
    return _environment(m, {"1_WORKERS": "2"})


def _environment_name_with_a_hyphen(m: dict[str, Any]) -> dict[str, Any]:
    return _environment(m, {"MODEL-WORKERS": "2"})


def _environment_name_too_long(m: dict[str, Any]) -> dict[str, Any]:
    return _environment(m, {"A" * 1025: "2"})


def _environment_value_too_long(m: dict[str, Any]) -> dict[str, Any]:
    return _environment(m, {"WORKERS": "2" * 1025})


def _too_many_environment_variables(m: dict[str, Any]) -> dict[str, Any]:
    return _environment(m, {f"V{i}": "x" for i in range(101)})


def _hostname_too_long(m: dict[str, Any]) -> dict[str, Any]:
    return _first_container(m, ContainerHostname="h" * 64)


def _unknown_property(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "ModelPackageAlias": "churn"}


SCHEMA_RULES: list[tuple[Mutation, str]] = [
    (_bad_enum, "#/SkipModelValidation"),
    (_bad_name, "#/ModelPackageName"),
    (_name_with_a_final_newline, "#/ModelPackage"),
    (_too_long, "#/ModelPackageDescription"),
    (_no_containers, "#/InferenceSpecification"),
    (_wrong_type, "#/InferenceSpecification/Containers"),
    (_too_many_specs, "#/AdditionalInferenceSpecifications"),
    (_long_metadata, "#/CustomerMetadataProperties/k"),
    (_empty_metadata_key, "#/CustomerMetadataProperties"),
    (_environment_name_with_a_digit_first, "#/InferenceSpecification/Containers/0/Environment"),
    (_environment_name_with_a_hyphen, "#/InferenceSpecification/Containers/0/Environment"),
    (_environment_name_too_long, "#/InferenceSpecification/Containers/0/Environment"),
    (_environment_value_too_long, "#/InferenceSpecification/Containers/0/Environment/WORKERS"),
    (_too_many_environment_variables, "#/InferenceSpecification/Containers/0/Environment"),
    (_hostname_too_long, "#/InferenceSpecification/Containers/0/ContainerHostname"),
    (_unknown_property, "#: additionalProperties"),
] + [(mutation, where) for mutation, where in HANDLER_RULES if where is not None]


@settings(max_examples=len(SCHEMA_RULES) * 8 if not SOAK else 3000)
@given(model=valid_model(GROUP, MODEL_CARD_SECRET), rule=st.sampled_from(SCHEMA_RULES))
def test_invalid_models_are_refused_by_the_schema(
    model: dict[str, Any], rule: tuple[Mutation, str]
) -> None:
    """CloudFormation validates properties against the schema before it calls a handler."""
    mutation, where = rule
    errors = schema_errors(mutation(copy.deepcopy(model)))
    assert any(e.startswith(where) for e in errors), (mutation.__name__, errors)
    FIGURES["fuzzed invalid cases"] += 1


@pytest.mark.usefixtures("clock")
@settings(max_examples=len(HANDLER_RULES) * 8 if not SOAK else 1000)
@given(model=valid_model(GROUP, MODEL_CARD_SECRET), rule=st.sampled_from(HANDLER_RULES))
def test_handler_refuses_its_rules_before_any_call(
    backend: BackendControl, model: dict[str, Any], rule: tuple[Mutation, str | None]
) -> None:
    """What the handler checks itself it refuses before calling SageMaker: the refusal is the
    product's, not the backend's (which would refuse some of these too)."""
    mutation, _ = rule
    backend.reset_calls()
    event = invoke("CREATE", mutation(copy.deepcopy(model)))
    assert event["status"] == "FAILED", (mutation.__name__, event)
    assert event["errorCode"] == "InvalidRequest", (mutation.__name__, event)
    assert event["message"]
    assert backend.operations() == [], mutation.__name__
    FIGURES["fuzzed invalid cases"] += 1
