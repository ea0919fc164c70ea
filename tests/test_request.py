"""The typed request the workflows get, built from CloudFormation's payload."""

from __future__ import annotations

from tests.support.cfn import handler_request
from tests.support.models import versioned

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"


def test_cloudformations_strings_are_recast_and_empty_containers_kept() -> None:
    desired = versioned(CertifyForMarketplace="true", CustomerMetadataProperties={})
    request = handler_request(desired, stack_tags={"env": "dev"}, token="t-1")
    assert request.desired["CertifyForMarketplace"] is True
    assert request.desired["CustomerMetadataProperties"] == {}  # the models would drop it
    assert request.stack_tags == {"env": "dev"}
    assert request.token == "t-1"
    assert request.previous == {}
    assert request.deadline is None


def test_the_identifier_comes_from_desired_or_else_previous() -> None:
    assert handler_request({"ModelPackageArn": ARN}).arn == ARN
    assert handler_request(versioned(), previous={"ModelPackageArn": ARN}).arn == ARN
    assert handler_request(versioned()).arn is None
