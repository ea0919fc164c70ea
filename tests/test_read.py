"""Read (read.py): with botocore's Stubber, the calls and the canonical model they make; through
the real entry point, the identifier alone, an explicit false, a package being deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import read
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, handler_request, invoke
from tests.support.models import unversioned, versioned
from tests.support.stubs import PACKAGE_ARN, described, model_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_read_of_an_unversioned_package_is_describe_and_list_tags(
    client: SageMakerClient, stub: Stubber
) -> None:
    model = unversioned(Tags=[{"Key": "a", "Value": "1"}])
    stub.add_response(
        "describe_model_package",
        described(model, PACKAGE_ARN, "Completed", CertifyForMarketplace=False),
        {"ModelPackageName": PACKAGE_ARN},
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "a", "Value": "1"}], "NextToken": "page-2"},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100},
    )
    stub.add_response(
        "list_tags",
        {"Tags": [{"Key": "aws:cloudformation:stack-name", "Value": "s"}]},
        {"ResourceArn": PACKAGE_ARN, "MaxResults": 100, "NextToken": "page-2"},
    )
    event = read.run(client, handler_request({"ModelPackageArn": PACKAGE_ARN}))
    assert event.status is OperationStatus.SUCCESS
    serialized = model_of(event)
    assert serialized["Tags"] == [{"Key": "a", "Value": "1"}]
    assert serialized["CertifyForMarketplace"] is False  # as SageMaker holds it


# ------------------------------------------------------------------ through the entry point


@pytest.mark.usefixtures("clock")
def test_a_package_being_deleted_reads_as_not_found_and_is_not_listed(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    backend.configure(lifecycle={"deleting_describes": 100})
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    sagemaker.delete_model_package(ModelPackageName=arn)
    read = invoke("READ", {"ModelPackageArn": arn})
    assert read["errorCode"] == "NotFound"
    listed = invoke("LIST", None)
    assert [m["ModelPackageArn"] for m in listed["resourceModels"]] == []
    update = invoke(
        "UPDATE",
        {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn},
        previous={**versioned(group), "ModelPackageArn": arn},
    )
    assert update["errorCode"] == "NotFound"


@pytest.mark.usefixtures("clock")
def test_read_with_only_the_identifier_is_what_create_returned(
    sagemaker: SageMakerClient, group: str
) -> None:
    group_arn = sagemaker.describe_model_package_group(ModelPackageGroupName=group)[
        "ModelPackageGroupArn"
    ]
    created = drive("CREATE", versioned(group_arn, CustomerMetadataProperties={"a": "1"}))
    read = invoke("READ", {"ModelPackageArn": created.model["ModelPackageArn"]})
    assert read["resourceModel"] == created.model
    assert read["resourceModel"]["ModelPackageGroupName"] == group  # the propertyTransform's form


@pytest.mark.usefixtures("clock")
def test_an_explicit_false_reads_back(sagemaker: SageMakerClient) -> None:
    created = drive("CREATE", unversioned(CertifyForMarketplace=False))
    read = invoke("READ", {"ModelPackageArn": created.model["ModelPackageArn"]})
    assert read["resourceModel"]["CertifyForMarketplace"] is False
    assert read["resourceModel"] == created.model
