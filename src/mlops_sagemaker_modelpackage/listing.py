"""List: one page of model packages per invocation, with real paging through nextToken.

Without a filter every package in the region (versioned and unversioned); with
ModelPackageGroupName, that group's versions. Items carry the identifier and the summary's
fields, nothing that would need a Describe per package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib.interface import OperationStatus, ProgressEvent
from cloudformation_cli_python_lib.resource import Resource

from .errors import service_call
from .models import ResourceHandlerRequest
from .translate import Plain, is_versioned_arn, plain, to_model

if TYPE_CHECKING:
    from cloudformation_cli_python_lib.interface import BaseResourceHandlerRequest
    from cloudformation_cli_python_lib.utils import HandlerRequest
    from mypy_boto3_sagemaker import SageMakerClient

PAGE_SIZE = 100
SUMMARY_FIELDS = (
    "ModelPackageArn",
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageDescription",
    "ModelPackageStatus",
    "ModelApprovalStatus",
)


def run(client: SageMakerClient, request: ResourceHandlerRequest) -> ProgressEvent:
    group = plain(request.desiredResourceState).get("ModelPackageGroupName")
    parameters: dict[str, Any] = {"MaxResults": PAGE_SIZE}
    if group:
        parameters["ModelPackageGroupName"] = group
    else:
        parameters["ModelPackageType"] = "Both"
    if request.nextToken:
        parameters["NextToken"] = request.nextToken
    with service_call("ListModelPackages", group):
        page = client.list_model_packages(**parameters)
    return ProgressEvent(
        status=OperationStatus.SUCCESS,
        resourceModels=[to_model(_item(dict(s))) for s in page.get("ModelPackageSummaryList", [])],
        nextToken=page.get("NextToken") or None,
    )


def _item(summary: Plain) -> Plain:
    item = {k: summary[k] for k in SUMMARY_FIELDS if summary.get(k) is not None}
    if not is_versioned_arn(item["ModelPackageArn"]) and summary.get("ModelPackageName"):
        item["ModelPackageName"] = summary["ModelPackageName"]
    return item


class PagingResource(Resource):
    """The lib's Resource, passing CloudFormation's nextToken on to the list handler.

    cloudformation-cli-python-lib 2.1.20 builds the handler request without `nextToken`, so a
    list handler would always return the first page and a paging client would loop forever.
    """

    def _cast_resource_request(self, request: HandlerRequest) -> BaseResourceHandlerRequest:
        modelled = super()._cast_resource_request(request)
        modelled.nextToken = request.nextToken
        return modelled
