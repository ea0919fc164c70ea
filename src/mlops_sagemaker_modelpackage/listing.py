"""List: one page of model packages per invocation, with real paging through nextToken.

Without a filter every package in the region (versioned and unversioned); with
ModelPackageGroupName, that group's versions. Items carry the identifier and the summary's
fields, nothing that would need a Describe per package. Packages SageMaker is deleting are
left out: they read as NotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudformation_cli_python_lib.interface import BaseModel, OperationStatus, ProgressEvent

from .arns import is_versioned
from .errors import service_call
from .json_types import Json
from .request import Request
from .runner import synchronous
from .translate import PlainModel

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

PAGE_SIZE = 100
# The ListModelPackages summary fields a LIST item carries.
LIST_ITEM_FIELDS = (
    "ModelPackageArn",
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageDescription",
    "ModelPackageStatus",
    "ModelApprovalStatus",
)


def run(client: SageMakerClient, request: Request) -> ProgressEvent:
    group = request.desired.get("ModelPackageGroupName")
    parameters: dict[str, Any] = {"MaxResults": PAGE_SIZE}
    if group:
        parameters["ModelPackageGroupName"] = group
    else:
        parameters["ModelPackageType"] = "Both"
    if request.next_token:
        parameters["NextToken"] = request.next_token
    with synchronous(request), service_call("ListModelPackages", group):
        page = client.list_model_packages(**parameters)
    items: list[BaseModel] = [
        PlainModel(_item(dict(s)))
        for s in page.get("ModelPackageSummaryList", [])
        if s.get("ModelPackageStatus") != "Deleting"
    ]
    return ProgressEvent(
        status=OperationStatus.SUCCESS,
        resourceModels=items,
        nextToken=page.get("NextToken") or None,
    )


def _item(summary: Json) -> Json:
    item = {k: summary[k] for k in LIST_ITEM_FIELDS if summary.get(k) is not None}
    if not is_versioned(item["ModelPackageArn"]) and summary.get("ModelPackageName"):
        item["ModelPackageName"] = summary["ModelPackageName"]
    return item
