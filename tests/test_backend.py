"""The offline backend itself: where it extends moto, it must behave as SageMaker does."""

from __future__ import annotations

import time
import urllib.error
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError
from moto.sagemaker.exceptions import ConflictException
from moto.sagemaker.models import sagemaker_backends

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.backend.packages import RegistryBackend
from tests.support.cfn import CREDENTIALS, REGION
from tests.support.models import additional_spec, inference_specification

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def _status(sagemaker: SageMakerClient, arn: str) -> str:
    return sagemaker.describe_model_package(ModelPackageName=arn)["ModelPackageStatus"]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _message(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Message"])


def test_lifecycle_by_describe_count(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"pending_describes": 1, "in_progress_describes": 2})
    arn = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    assert [_status(sagemaker, arn) for _ in range(5)] == [
        "Pending",
        "InProgress",
        "InProgress",
        "Completed",
        "Completed",
    ]


def test_lifecycle_by_seconds(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"pending_seconds": 60})
    arn = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    assert _status(sagemaker, arn) == "Pending"


def test_failure_with_reason(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"fail_next": 1, "failure_reason": "bad model"})
    failed = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    fine = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    described = sagemaker.describe_model_package(ModelPackageName=failed)
    assert described["ModelPackageStatus"] == "Failed"
    (item,) = described["ModelPackageStatusDetails"]["ValidationStatuses"]
    assert item["FailureReason"] == "bad model"
    assert _status(sagemaker, fine) == "Completed"


def test_delete_passes_through_deleting(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    backend.configure(lifecycle={"deleting_describes": 2})
    arn = sagemaker.create_model_package(ModelPackageName="p")["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=arn)
    assert [_status(sagemaker, arn) for _ in range(2)] == ["Deleting", "Deleting"]
    with pytest.raises(ClientError) as missing:
        _status(sagemaker, arn)
    assert missing.value.response["Error"]["Message"] == f"ModelPackage {arn} does not exist."


def test_missing_package_message(sagemaker: SageMakerClient) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/none"
    with pytest.raises(ClientError) as missing:
        sagemaker.delete_model_package(ModelPackageName=arn)
    assert _code(missing) == "ValidationException"
    assert "does not exist" in missing.value.response["Error"]["Message"]


def test_duplicate_unversioned_name_is_rejected(sagemaker: SageMakerClient) -> None:
    arn = sagemaker.create_model_package(ModelPackageName="p")["ModelPackageArn"]
    with pytest.raises(ClientError) as duplicate:
        sagemaker.create_model_package(ModelPackageName="p")
    assert _code(duplicate) == "ValidationException"
    assert _message(duplicate) == f"Model Package {arn} already exists."


def test_version_in_a_missing_group_is_rejected(sagemaker: SageMakerClient) -> None:
    with pytest.raises(ClientError) as missing:
        sagemaker.create_model_package(ModelPackageGroupName="nowhere")
    assert _message(missing) == "Model Package Group nowhere does not exist."


def test_client_token_idempotency(sagemaker: SageMakerClient, group: str) -> None:
    first = sagemaker.create_model_package(ModelPackageGroupName=group, ClientToken="t-1")
    again = sagemaker.create_model_package(ModelPackageGroupName=group, ClientToken="t-1")
    assert first["ModelPackageArn"] == again["ModelPackageArn"]
    with pytest.raises(ClientError):
        sagemaker.create_model_package(
            ModelPackageGroupName=group, ClientToken="t-1", ModelPackageDescription="other"
        )
    versions = sagemaker.list_model_packages(ModelPackageGroupName=group)
    assert len(versions["ModelPackageSummaryList"]) == 1


def test_tags_on_a_version_are_rejected(sagemaker: SageMakerClient, group: str) -> None:
    with pytest.raises(ClientError) as rejected:
        sagemaker.create_model_package(
            ModelPackageGroupName=group, Tags=[{"Key": "a", "Value": "b"}]
        )
    assert _code(rejected) == "ValidationException"


def test_tags_upsert_and_delete(sagemaker: SageMakerClient) -> None:
    arn = sagemaker.create_model_package(ModelPackageName="p", Tags=[{"Key": "a", "Value": "1"}])[
        "ModelPackageArn"
    ]
    sagemaker.add_tags(
        ResourceArn=arn, Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}]
    )
    sagemaker.delete_tags(ResourceArn=arn, TagKeys=["b"])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "2"}]


def test_update_leaves_unspecified_fields_alone(sagemaker: SageMakerClient, group: str) -> None:
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelPackageDescription="keep me",
        InferenceSpecification=inference_specification(),  # type: ignore[arg-type]
        CustomerMetadataProperties={"a": "1", "b": "2"},
    )["ModelPackageArn"]
    sagemaker.update_model_package(
        ModelPackageArn=arn,
        ModelApprovalStatus="Approved",
        CustomerMetadataProperties={"c": "3"},
        CustomerMetadataPropertiesToRemove=["a"],
        AdditionalInferenceSpecificationsToAdd=[additional_spec("x")],  # type: ignore[list-item]
    )
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelPackageDescription"] == "keep me"
    assert described["CustomerMetadataProperties"] == {"b": "2", "c": "3"}
    assert described["ModelApprovalStatus"] == "Approved"
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["x"]
    with pytest.raises(ClientError):  # names are unique
        sagemaker.update_model_package(
            ModelPackageArn=arn,
            AdditionalInferenceSpecificationsToAdd=[additional_spec("x")],  # type: ignore[list-item]
        )


def test_versions_report_the_group_as_name_and_get_server_values(
    sagemaker: SageMakerClient, group: str
) -> None:
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        InferenceSpecification=inference_specification(),  # type: ignore[arg-type]
    )["ModelPackageArn"]
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert arn.endswith(f"/{group}/1")
    assert described["ModelPackageName"] == group
    container = described["InferenceSpecification"]["Containers"][0]
    assert container["ImageDigest"].startswith("sha256:")
    assert "ModelDataETag" in container


def test_list_kinds_and_paging(sagemaker: SageMakerClient, group: str) -> None:
    for _ in range(3):
        sagemaker.create_model_package(ModelPackageGroupName=group)
    sagemaker.create_model_package(ModelPackageName="solo")
    unversioned = sagemaker.list_model_packages()["ModelPackageSummaryList"]
    assert [s["ModelPackageName"] for s in unversioned] == ["solo"]
    both = sagemaker.list_model_packages(ModelPackageType="Both", MaxResults=3)
    assert len(both["ModelPackageSummaryList"]) == 3
    rest = sagemaker.list_model_packages(ModelPackageType="Both", NextToken=both["NextToken"])
    assert len(rest["ModelPackageSummaryList"]) == 1
    assert "NextToken" not in rest


@pytest.fixture
def no_retry(backend: BackendControl) -> SageMakerClient:
    client: SageMakerClient = backend.client("sagemaker", CREDENTIALS, REGION, attempts=1)
    return client


def _outcomes(client: SageMakerClient, times: int) -> list[str]:
    outcomes = []
    for _ in range(times):
        try:
            client.list_model_package_groups()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(str(error.response["Error"]["Code"]))
    return outcomes


def test_fault_injection_first_n(backend: BackendControl, no_retry: SageMakerClient) -> None:
    backend.configure(faults=[{"operation": "ListModelPackageGroups", "count": 2}])
    assert _outcomes(no_retry, 3) == ["ThrottlingException", "ThrottlingException", "ok"]


def test_fault_injection_server_errors(backend: BackendControl, no_retry: SageMakerClient) -> None:
    backend.configure(faults=[{"count": 1, "code": "InternalFailure", "status": 500}])
    with pytest.raises(ClientError) as failed:
        no_retry.list_model_package_groups()
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_fault_injection_seeded_fraction_is_repeatable(
    backend: BackendControl, no_retry: SageMakerClient
) -> None:
    def pattern() -> list[str]:
        backend.reset()
        backend.configure(faults=[{"fraction": 0.3, "seed": 7}])
        return _outcomes(no_retry, 40)

    first = pattern()
    assert first == pattern()
    assert 4 <= first.count("ThrottlingException") <= 20


def test_call_log_records_key_parameters(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    arn = sagemaker.create_model_package(ModelPackageName="p")["ModelPackageArn"]
    sagemaker.describe_model_package(ModelPackageName=arn)
    version = sagemaker.create_model_package(
        ModelPackageGroupName=group, ModelApprovalStatus="Rejected"
    )["ModelPackageArn"]
    sagemaker.update_model_package(ModelPackageArn=version, ModelApprovalStatus="Approved")
    account = "123456789012"  # the caller's: any access key id but a 12-digit one
    assert backend.calls()[-4:] == [
        {"operation": "CreateModelPackage", "account": account, "ModelPackageName": "p"},
        {"operation": "DescribeModelPackage", "account": account, "ModelPackageName": arn},
        # The approval status asked for: what an approval event would be sent for.
        {
            "operation": "CreateModelPackage",
            "account": account,
            "ModelPackageGroupName": group,
            "ModelApprovalStatus": "Rejected",
        },
        {
            "operation": "UpdateModelPackage",
            "account": account,
            "ModelPackageArn": version,
            "ModelApprovalStatus": "Approved",
        },
    ]
    backend.reset_calls()
    assert backend.calls() == []


@pytest.mark.parametrize(("drop", "made"), [("answer", 1), ("request", 0)])
def test_an_exchange_lost_on_the_network_has_no_answer(
    backend: BackendControl, no_retry: SageMakerClient, group: str, drop: str, made: int
) -> None:
    """A dropped answer: SageMaker did the work, the client never hears of it; a dropped
    request: SageMaker never saw it. Either way the client sees the connection close."""
    backend.configure(faults=[{"operation": "CreateModelPackage", "count": 1, "drop": drop}])
    with pytest.raises(ConnectionClosedError):
        no_retry.create_model_package(ModelPackageGroupName=group, ClientToken="once")
    versions = no_retry.list_model_packages(ModelPackageGroupName=group)
    assert len(versions["ModelPackageSummaryList"]) == made
    again = no_retry.create_model_package(ModelPackageGroupName=group, ClientToken="once")
    assert again["ModelPackageArn"].endswith(f"/{group}/1")  # the token finds what was made


def test_an_unknown_drop_is_refused(backend: BackendControl) -> None:
    with pytest.raises(urllib.error.HTTPError):
        backend.configure(faults=[{"count": 1, "drop": "everything"}])


def test_latency_holds_every_call(backend: BackendControl, no_retry: SageMakerClient) -> None:
    backend.configure(latency=0.3)
    started = time.monotonic()
    no_retry.list_model_package_groups()
    assert time.monotonic() - started >= 0.3
    backend.reset()
    started = time.monotonic()
    no_retry.list_model_package_groups()
    assert time.monotonic() - started < 0.3


def _moto_backend(arn: str) -> RegistryBackend:
    """moto's own SageMaker backend for the package's account and region (same process)."""
    _, _, _, region, account, _ = arn.split(":", 5)
    backend = sagemaker_backends[account][region]
    assert isinstance(backend, RegistryBackend)
    return backend


def test_packages_live_in_motos_store(sagemaker: SageMakerClient, group: str) -> None:
    version = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    solo = sagemaker.create_model_package(ModelPackageName="solo")["ModelPackageArn"]
    moto = _moto_backend(version)
    assert set(moto.model_packages) == {version, solo}
    assert moto.model_packages[version].model_package_group_name == group
    sagemaker.delete_model_package(ModelPackageName=solo)
    assert set(moto.model_packages) == {version}


def test_version_numbers_are_never_given_out_twice(sagemaker: SageMakerClient, group: str) -> None:
    first = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    second = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=second)
    third = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    assert [a.rsplit("/", 1)[-1] for a in (first, second, third)] == ["1", "2", "3"]


def test_current_instance_types_are_accepted(sagemaker: SageMakerClient, group: str) -> None:
    """moto's own lists of instance types are out of date; SageMaker's current enums apply."""
    spec = {
        **additional_spec("neuron"),
        "SupportedRealtimeInferenceInstanceTypes": ["ml.inf2.xlarge"],
    }
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        AdditionalInferenceSpecifications=[spec],  # type: ignore[list-item]
    )["ModelPackageArn"]
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    (added,) = described["AdditionalInferenceSpecifications"]
    assert added["SupportedRealtimeInferenceInstanceTypes"] == ["ml.inf2.xlarge"]


def test_group_tags_stay_motos_and_upsert(sagemaker: SageMakerClient) -> None:
    arn = sagemaker.create_model_package_group(
        ModelPackageGroupName="tagged", Tags=[{"Key": "a", "Value": "1"}]
    )["ModelPackageGroupArn"]
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "2"}])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "2"}]


def test_group_with_versions_cannot_be_deleted(sagemaker: SageMakerClient, group: str) -> None:
    arn = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    with pytest.raises(ClientError) as refused:
        sagemaker.delete_model_package_group(ModelPackageGroupName=group)
    assert _code(refused) == "ConflictException"
    sagemaker.delete_model_package(ModelPackageName=arn)
    sagemaker.delete_model_package_group(ModelPackageGroupName=group)
    assert sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"] == []


GROUP_STACK = """
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: stacked
"""


def test_stack_cannot_delete_a_group_with_versions(
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    """The CloudFormation path goes through the same DeleteModelPackageGroup as the API."""
    cloudformation = backend.client("cloudformation", CREDENTIALS, REGION)
    cloudformation.create_stack(StackName="groups", TemplateBody=GROUP_STACK)
    arn = sagemaker.create_model_package(ModelPackageGroupName="stacked")["ModelPackageArn"]
    with pytest.raises(ClientError) as refused:
        cloudformation.delete_stack(StackName="groups")
    assert "still has 1 model package" in _message(refused)
    # moto forgets a stack whose deletion failed (CloudFormation would keep it DELETE_FAILED);
    # what matters here is that the group and its version are still there.
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelPackageGroupName"] == "stacked"
    sagemaker.describe_model_package_group(ModelPackageGroupName="stacked")


def test_motos_own_operations_share_the_store(sagemaker: SageMakerClient, group: str) -> None:
    """moto's keyword API and the HTTP API number, keep and refuse the same way."""
    first = sagemaker.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=first)
    moto = _moto_backend(first)
    second = moto.create_model_package(
        model_package_name=None,
        model_package_group_name=group,
        model_package_description="from moto",
        inference_specification=None,
        validation_specification=None,
        source_algorithm_specification=None,
        certify_for_marketplace=False,
        tags=None,
        model_approval_status=None,
        metadata_properties=None,
        model_metrics=None,
        client_token=None,
        customer_metadata_properties={"a": "1"},
        drift_check_baselines=None,
        domain=None,
        task=None,
        sample_payload_url=None,
        additional_inference_specifications=None,
    )
    assert second.endswith(f"/{group}/2")
    moto.update_model_package(
        model_package_arn=second,
        model_approval_status="Approved",
        approval_description=None,
        customer_metadata_properties=None,
        customer_metadata_properties_to_remove=[],
        additional_inference_specifications_to_add=None,
    )
    described = sagemaker.describe_model_package(ModelPackageName=second)
    assert described["ModelPackageDescription"] == "from moto"
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["CustomerMetadataProperties"] == {"a": "1"}
    with pytest.raises(ConflictException):
        moto.delete_model_package_group(group)
