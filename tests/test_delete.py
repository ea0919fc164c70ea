"""Delete, step by step with botocore's Stubber: the calls, their shapes and the status sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.interface import OperationStatus

from mlops_sagemaker_modelpackage import delete
from tests.support.cfn import handler_request
from tests.support.clock import VirtualClock
from tests.support.models import versioned
from tests.support.stubs import VERSION_ARN, described, not_found

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.mark.defect(3)
@pytest.mark.defect(7)
def test_delete_waits_through_deleting_until_gone(client: SageMakerClient, stub: Stubber) -> None:
    stub.add_response("delete_model_package", {}, {"ModelPackageName": VERSION_ARN})
    stub.add_response("describe_model_package", described(versioned(), VERSION_ARN, "Deleting"))
    stub.add_response("describe_model_package", described(versioned(), VERSION_ARN, "Completed"))
    not_found(stub, VERSION_ARN)
    event = delete.run(
        client, handler_request({"ModelPackageArn": VERSION_ARN}), {}, clock=VirtualClock()
    )
    assert event.status is OperationStatus.SUCCESS
    assert event.resourceModel is None


def test_delete_of_a_missing_package_is_not_found(client: SageMakerClient, stub: Stubber) -> None:
    stub.add_client_error(
        "delete_model_package",
        service_error_code="ValidationException",
        service_message=f"ModelPackage {VERSION_ARN} does not exist.",
    )
    with pytest.raises(exceptions.NotFound):
        delete.run(
            client, handler_request({"ModelPackageArn": VERSION_ARN}), {}, clock=VirtualClock()
        )
