"""The known defects of AWS's own AWS::SageMaker::ModelPackage handler, as a checklist.

Each test that would fail on AWS's behaviour carries `@pytest.mark.defect(n)`, wherever its
concern lives; `test_every_defect_has_tests_that_fail_on_it` checks that every defect has one.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke
from tests.support.clock import VirtualClock
from tests.support.models import additional_spec, inference_specification, unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

DEFECTS = {
    1: "AdditionalInferenceSpecificationsToAdd resent in full, ignored at create",
    2: "crashes on absent instance-type lists or removing all metadata",
    3: "name chosen over ARN, versions left behind on delete",
    4: "rename breaks update; CertifyForMarketplace, SkipModelValidation, specs ignored",
    5: "stack tags ignored, aws: tags not filtered, tags on versions fail at the service",
    6: "Failed package left behind without a reason",
    7: "delete stabilization fails on statuses other than Deleting",
    8: "no default ClientToken: a retried create registers a second version",
    9: "list without a group returns only unversioned packages; null model crashes",
    10: "ValidationException and ConflictException surface as GeneralServiceException",
    11: "server-filled defaults show up as drift",
    12: "fixed 5 s polling then 60 s callbacks",
}


def _marked_defects() -> dict[int, list[str]]:
    """Every `@pytest.mark.defect(n)` in the test modules, by defect number."""
    found: dict[int, list[str]] = {}
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        for name, test in vars(module).items():
            for mark in getattr(test, "pytestmark", []):
                if mark.name == "defect":
                    found.setdefault(mark.args[0], []).append(f"{path.stem}::{name}")
    return found


def test_every_defect_has_tests_that_fail_on_it() -> None:
    assert sorted(_marked_defects()) == sorted(DEFECTS)


@pytest.mark.defect(2)
@pytest.mark.usefixtures("clock")
def test_optional_instance_type_lists_may_be_absent(sagemaker: SageMakerClient, group: str) -> None:
    spec = inference_specification()
    del spec["SupportedRealtimeInferenceInstanceTypes"]
    del spec["SupportedTransformInstanceTypes"]
    extra = additional_spec("plain")
    run = drive(
        "CREATE",
        versioned(group, InferenceSpecification=spec, AdditionalInferenceSpecifications=[extra]),
    )
    assert run.last["status"] == "SUCCESS", run.last
    assert run.model["InferenceSpecification"] == spec


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("ModelPackageName", "renamed-model"),
        ("CertifyForMarketplace", True),
        ("SkipModelValidation", "All"),
        ("AdditionalInferenceSpecifications", [additional_spec("new")]),
    ],
)
@pytest.mark.defect(4)
def test_changes_the_api_cannot_apply_are_refused_not_ignored(
    backend: BackendControl, change: str, value: object
) -> None:
    previous = unversioned()
    arn = drive("CREATE", previous).model["ModelPackageArn"]
    backend.reset_calls()
    desired = {**previous, change: value, "ModelPackageArn": arn}
    event = invoke("UPDATE", desired, previous={**previous, "ModelPackageArn": arn})
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "NotUpdatable"
    assert change in event["message"]
    assert backend.operations() == []  # refused before touching the package


@pytest.mark.defect(9)
@pytest.mark.usefixtures("clock")
def test_list_with_a_null_model(sagemaker: SageMakerClient) -> None:
    drive("CREATE", unversioned())
    event = invoke("LIST", None)
    assert event["status"] == "SUCCESS"
    assert len(event["resourceModels"]) == 1


@pytest.mark.defect(10)
@pytest.mark.usefixtures("clock")
def test_service_validation_errors_are_invalid_request(backend: BackendControl) -> None:
    # The group does not exist: SageMaker answers ValidationException, a user error.
    event = invoke("CREATE", versioned("no-such-group"))
    assert event["errorCode"] == "InvalidRequest"
    assert "no-such-group" in event["message"]


@pytest.mark.defect(12)
def test_a_fast_package_is_reported_within_a_second(
    backend: BackendControl, clock: VirtualClock, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 1})
    run = drive("CREATE", versioned(group))
    assert run.last["status"] == "SUCCESS"
    assert len(run.events) == 1  # done inside the first invocation, no 60 s callback
    assert sum(clock.slept) <= 1.0
