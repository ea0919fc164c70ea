"""Read: the package as SageMaker holds it, in one canonical form whatever the request carries
(a version in another account's group names the group by its ARN)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudformation_cli_python_lib.interface import ProgressEvent

from .package_state import read_back
from .progress import success
from .request import Request
from .runner import required_identifier, synchronous
from .translate import to_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def run(client: SageMakerClient, request: Request) -> ProgressEvent:
    arn = required_identifier(request.arn)
    with synchronous(request):
        return success(to_model(read_back(client, arn, request.account)))
