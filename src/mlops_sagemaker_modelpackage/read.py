"""Read: the package as SageMaker holds it, for every schema property but the write-only ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import ProgressEvent

from .errors import TYPE_NAME
from .models import ResourceHandlerRequest
from .package import read_back
from .progress import success
from .translate import desired_state, to_model

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def run(client: SageMakerClient, request: ResourceHandlerRequest) -> ProgressEvent:
    hint = desired_state(request)
    arn = hint.get("ModelPackageArn")
    if not arn:
        raise exceptions.NotFound(TYPE_NAME, "(no ModelPackageArn in the request)")
    return success(to_model(read_back(client, arn, hint, request.desiredResourceTags)))
