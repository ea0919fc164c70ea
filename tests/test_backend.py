"""The offline backend itself: where it extends moto, it must behave as SageMaker does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local.backend.control import BackendControl
from tests.support.models import additional_spec, inference_specification

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture
def group(sagemaker: SageMakerClient) -> str:
    sagemaker.create_model_package_group(ModelPackageGroupName="g")
    return "g"


def _status(sagemaker: SageMakerClient, arn: str) -> str:
    return sagemaker.describe_model_package(ModelPackageName=arn)["ModelPackageStatus"]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


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
    sagemaker.create_model_package(ModelPackageName="p")
    with pytest.raises(ClientError) as duplicate:
        sagemaker.create_model_package(ModelPackageName="p")
    assert _code(duplicate) == "ValidationException"


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
    assert arn.endswith("/g/1")
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
    client: SageMakerClient = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url=backend.url,
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
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
    backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    arn = sagemaker.create_model_package(ModelPackageName="p")["ModelPackageArn"]
    sagemaker.describe_model_package(ModelPackageName=arn)
    assert backend.calls() == [
        {"operation": "CreateModelPackage", "ModelPackageName": "p"},
        {"operation": "DescribeModelPackage", "ModelPackageName": arn},
    ]
    backend.reset_calls()
    assert backend.calls() == []
