"""Read: the package as SageMaker holds it, in one canonical form whatever the request carries
(a version in another account's group names the group by its ARN)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from .describe import read_back
from .errors import TYPE_NAME
from .progress import success
from .request import Request
from .runner import synchronous
from .translate import is_package_arn, to_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def run(client: SageMakerClient, request: Request) -> ProgressEvent:
    arn = request.arn
    if not arn:
        raise exceptions.NotFound(TYPE_NAME, "(no ModelPackageArn in the request)")
    if not is_package_arn(arn):
        raise exceptions.NotFound(TYPE_NAME, f"{arn} (not a model package ARN)")
    with synchronous(request):
        return success(to_model(read_back(client, arn, caller_account=request.account)))
