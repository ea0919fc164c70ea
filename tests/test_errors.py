"""The error mapping, row by row: botocore error -> handler error code and message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from cloudformation_cli_python_lib import exceptions

from mlops_sagemaker_modelpackage.errors import service_call

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/p"


def _client_error(code: str, message: str, status: int = 400) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "DescribeModelPackage")


ROWS = [
    (_client_error("ValidationException", f"ModelPackage {ARN} does not exist."), "NotFound", ARN),
    (_client_error("ValidationException", "Invalid Image"), "InvalidRequest", "Invalid Image"),
    (
        _client_error("ValidationException", "Model Package Group g does not exist."),
        "InvalidRequest",
        "Group g does not exist",
    ),
    (_client_error("ConflictException", "busy"), "ResourceConflict", "busy"),
    (_client_error("ResourceInUse", "in use"), "ResourceConflict", "in use"),
    (_client_error("ResourceLimitExceeded", "too many"), "ServiceLimitExceeded", "too many"),
    (_client_error("ResourceNotFound", "gone"), "NotFound", ARN),
    (_client_error("ThrottlingException", "Rate exceeded"), "Throttling", "retried"),
    (_client_error("TooManyRequestsException", "slow"), "Throttling", "slow"),
    (_client_error("AccessDeniedException", "no", 403), "AccessDenied", "no"),
    (_client_error("ExpiredTokenException", "expired", 403), "InvalidCredentials", "expired"),
    (_client_error("InternalFailure", "oops", 500), "ServiceInternalError", "oops"),
    (_client_error("ServiceUnavailable", "later", 503), "ServiceInternalError", "later"),
    (_client_error("SomethingNew", "what", 400), "GeneralServiceException", "what"),
    (EndpointConnectionError(endpoint_url="https://x"), "NetworkFailure", "could not reach"),
    (ConnectTimeoutError(endpoint_url="https://x"), "NetworkFailure", "could not reach"),
    (ReadTimeoutError(endpoint_url="https://x"), "NetworkFailure", "could not reach"),
    (
        ParamValidationError(
            report="Invalid length for parameter ModelPackageName, value: 0, valid min length: 1"
        ),
        "InvalidRequest",
        "ModelPackageName is too short",
    ),
    (NoCredentialsError(), "InvalidCredentials", "credentials"),
]


@pytest.mark.parametrize(
    ("error", "code", "words"), ROWS, ids=[r[1] + "-" + str(i) for i, r in enumerate(ROWS)]
)
@pytest.mark.defect(10)
def test_mapping_row(error: Exception, code: str, words: str) -> None:
    with (
        pytest.raises(exceptions._HandlerError) as raised,
        service_call("DescribeModelPackage", ARN),
    ):
        raise error
    event = raised.value.to_progress_event()
    assert event.errorCode is not None
    assert event.errorCode.name == code
    assert words in event.message
    assert event.message  # every FAILED event says something a user can act on


def test_service_messages_name_the_operation() -> None:
    with pytest.raises(exceptions.InvalidRequest) as raised, service_call("CreateModelPackage"):
        raise _client_error("ValidationException", "Image not found")
    assert str(raised.value) == "CreateModelPackage failed: Image not found (ValidationException)"


def test_a_parameter_report_names_fields_never_values() -> None:
    """botocore's report repeats each value; the message keeps what each line says of which
    field (a line of another shape, such as the rest of a value with line breaks, is dropped)."""
    report = "\n".join(
        [
            "Invalid type for parameter ModelCard.ModelCardContent, value: {'a': 'SECRET'}, "
            "type: <class 'dict'>, valid types: <class 'str'>",
            'Missing required parameter in InferenceSpecification: "Containers"',
            'Unknown parameter in ModelCard: "Cotnent", must be one of: ModelCardContent',
            "Invalid value for parameter MaxResults, value: -5, valid min value: 1",
            "SECRET on a line of its own",
        ]
    )
    with pytest.raises(exceptions.InvalidRequest) as raised, service_call("CreateModelPackage"):
        raise ParamValidationError(report=report)
    assert str(raised.value) == (
        "CreateModelPackage: invalid parameters: ModelCard.ModelCardContent has the wrong type "
        "(valid: str); InferenceSpecification.Containers is required; ModelCard takes no "
        'parameter "Cotnent"; MaxResults is out of range'
    )
    assert raised.value.__cause__ is None  # nor in the traceback
    assert raised.value.__suppress_context__


def test_non_aws_errors_pass_through() -> None:
    """Genuine bugs stay bugs (InternalFailure from the lib), not disguised service errors."""
    with pytest.raises(KeyError), service_call("DescribeModelPackage"):
        raise KeyError("x")
