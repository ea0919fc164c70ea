"""Read, with botocore's Stubber: the calls and the canonical model they make."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.stub import Stubber
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import read
from tests.support.cfn import handler_request
from tests.support.models import unversioned
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
