"""The known defects of AWS's own AWS::SageMaker::ModelPackage handler, as a checklist.

Each defect names the tests that would fail on AWS's behaviour. Tests not in this module live
where their concern does; `test_checklist_names_real_tests` keeps the references honest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pytest

from local.backend.control import BackendControl
from tests.conftest import VirtualClock
from tests.support.cfn import drive, invoke
from tests.support.models import additional_spec, inference_specification, unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

CHECKLIST: dict[str, list[str]] = {
    "1 AdditionalInferenceSpecificationsToAdd resent in full, ignored at create": [
        "test_lifecycle::test_specs_to_add_at_create_are_merged_without_duplicates",
        "test_lifecycle::test_specs_to_add_on_update_send_only_new_names",
        "test_translate::test_specs_to_add_are_merged_into_create_once",
    ],
    "2 crashes on absent instance-type lists or removing all metadata": [
        "test_defects::test_optional_instance_type_lists_may_be_absent",
        "test_lifecycle::test_removing_every_metadata_key",
        "test_plan::test_removing_all_metadata",
    ],
    "3 name chosen over ARN, versions left behind on delete": [
        "test_lifecycle::test_delete_addresses_versions_by_arn",
        "test_stubbed::test_delete_waits_through_deleting_until_gone",
    ],
    "4 rename breaks update; CertifyForMarketplace, SkipModelValidation, specs ignored": [
        "test_defects::test_changes_the_api_cannot_apply_are_refused_not_ignored",
        "test_schema::test_property_flags",
    ],
    "5 stack tags ignored, aws: tags not filtered, tags on versions fail at the service": [
        "test_lifecycle::test_create_unversioned_with_tags_and_stack_tags",
        "test_lifecycle::test_tags_with_a_group_fail_before_any_call",
        "test_translate::test_read_tags_are_every_tag_but_the_reserved_ones",
        "test_stubbed::test_stack_tag_change_is_applied_to_unversioned_packages",
    ],
    "6 Failed package left behind without a reason": [
        "test_lifecycle::test_failed_validation_reports_reasons_and_leaves_nothing",
        "test_stubbed::test_failed_package_is_deleted_and_every_reason_reported",
    ],
    "7 delete stabilization fails on statuses other than Deleting": [
        "test_stubbed::test_delete_waits_through_deleting_until_gone",
    ],
    "8 no default ClientToken: a retried create registers a second version": [
        "test_lifecycle::test_create_invoked_again_after_a_lost_response_makes_one_version",
    ],
    "9 list without a group returns only unversioned packages; null model crashes": [
        "test_lifecycle::test_list_without_filter_returns_both_kinds",
        "test_defects::test_list_with_a_null_model",
    ],
    "10 ValidationException and ConflictException surface as GeneralServiceException": [
        "test_errors::test_mapping_row",
        "test_defects::test_service_validation_errors_are_invalid_request",
    ],
    "11 server-filled defaults show up as drift": [
        "test_lifecycle::test_read_equals_create_input_without_server_filled_drift",
        "test_translate::test_read_returns_defaults_as_held_and_never_derived_digests",
    ],
    "12 fixed 5 s polling then 60 s callbacks": [
        "test_defects::test_a_fast_package_is_reported_within_a_second",
        "test_progress::test_overhead_bound_holds_at_every_wait",
    ],
}


def test_checklist_names_real_tests() -> None:
    for tests in CHECKLIST.values():
        for reference in tests:
            module_name, test_name = reference.split("::")
            module = importlib.import_module(f"tests.{module_name}")
            assert callable(getattr(module, test_name, None)), reference


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


@pytest.mark.usefixtures("clock")
def test_list_with_a_null_model(sagemaker: SageMakerClient) -> None:
    drive("CREATE", unversioned())
    event = invoke("LIST", None)
    assert event["status"] == "SUCCESS"
    assert len(event["resourceModels"]) == 1


@pytest.mark.usefixtures("clock")
def test_service_validation_errors_are_invalid_request(backend: BackendControl) -> None:
    # The group does not exist: SageMaker answers ValidationException, a user error.
    event = invoke("CREATE", versioned("no-such-group"))
    assert event["errorCode"] == "InvalidRequest"
    assert "no-such-group" in event["message"]


def test_a_fast_package_is_reported_within_a_second(
    backend: BackendControl, clock: VirtualClock, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 1})
    run = drive("CREATE", versioned(group))
    assert run.last["status"] == "SUCCESS"
    assert len(run.events) == 1  # done inside the first invocation, no 60 s callback
    assert sum(clock.slept) <= 1.0
