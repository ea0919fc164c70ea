"""One place that turns botocore errors into the lib's exceptions (and so into error codes).

Anything that is not a lib exception becomes InternalFailure with an empty message, so every
error the service or the network can raise is mapped here, keeping the service's own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
)
from cloudformation_cli_python_lib import exceptions

TYPE_NAME = "MLOps::SageMaker::ModelPackage"

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)


# "ModelPackage <arn> does not exist." - the package itself, not a group or image it names.
_PACKAGE_MISSING = re.compile(r"\bModelPackage \S+ does not exist")


def is_not_found(error: ClientError) -> bool:
    """SageMaker reports a missing package as a ValidationException, not a NotFound code."""
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    return code == "ResourceNotFound" or (
        code == "ValidationException" and bool(_PACKAGE_MISSING.search(message))
    )


# IAM's refusal of a call on another account's model package group, as SageMaker words it.
_REFUSED_BY_GROUP = re.compile(
    r"User: (?P<caller>\S+) is not authorized to perform: (?P<action>\S+) on resource: "
    r"arn:[^:\s]+:sagemaker:[^:\s]*:(?P<account>\d{12}):"
    r"(?:model-package-group/(?P<group>[^/\s]+)|model-package/(?P<versions>[^/\s]+)/\S+)\s+"
    r"(?P<why>because no resource-based policy allows|with an explicit deny in a resource-based)"
)


def refused_by_group_policy(operation: str, message: str) -> str | None:
    """What a group's resource policy refused, in words that say where to change it; None when
    the refusal is not a group policy's."""
    found = _REFUSED_BY_GROUP.search(message)
    if found is None:
        return None
    group = found["group"] or found["versions"]
    how = "explicitly denies" if found["why"].startswith("with") else "does not allow"
    return (
        f"{operation} was refused by the group's resource policy: model package group {group} "
        f"in account {found['account']} {how} {found['action']} to {found['caller']} (the "
        f"group's owner decides it in its ModelPackageGroupPolicy; SageMaker: {message})"
    )


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# Service error code -> lib exception, for codes that need no more than the code to decide.
CODE_TABLE: dict[str, type[exceptions._HandlerError]] = {
    "ValidationException": exceptions.InvalidRequest,
    # A paging token SageMaker cannot use (a list request's nextToken is the caller's input).
    "InvalidToken": exceptions.InvalidRequest,
    "InvalidNextToken": exceptions.InvalidRequest,
    "InvalidNextTokenException": exceptions.InvalidRequest,
    "ConflictException": exceptions.ResourceConflict,
    "ResourceInUse": exceptions.ResourceConflict,
    "ResourceLimitExceeded": exceptions.ServiceLimitExceeded,
    **dict.fromkeys(THROTTLING_CODES, exceptions.Throttling),
    **dict.fromkeys(ACCESS_DENIED_CODES, exceptions.AccessDenied),
    **dict.fromkeys(CREDENTIAL_CODES, exceptions.InvalidCredentials),
}


def map_client_error(
    error: ClientError, operation: str, identifier: str | None
) -> exceptions._HandlerError:
    """The lib exception for a service error, its message naming the call and the cause."""
    code = error_code(error)
    if is_not_found(error):
        return exceptions.NotFound(TYPE_NAME, identifier or "unknown")
    message = str(error.response.get("Error", {}).get("Message", "")) or code
    refused = refused_by_group_policy(operation, message) if code in ACCESS_DENIED_CODES else None
    if refused is not None:
        return exceptions.AccessDenied(refused)
    text = f"{operation} failed: {message} ({code})"
    if code in THROTTLING_CODES:
        text += "; retried with backoff before giving up"
    mapped = CODE_TABLE.get(code)
    if mapped is not None:
        return mapped(text)
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if status >= 500:
        return exceptions.ServiceInternalError(text)
    return exceptions.GeneralServiceException(text)


def map_botocore_error(error: BotoCoreError, operation: str) -> exceptions._HandlerError:
    """Errors raised by botocore itself, before or instead of a service answer."""
    if isinstance(error, ParamValidationError):
        return exceptions.InvalidRequest(f"{operation}: {error}")
    if isinstance(error, NoCredentialsError):
        return exceptions.InvalidCredentials(f"{operation}: {error}")
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return exceptions.NetworkFailure(f"{operation} could not reach SageMaker: {error}")
    return exceptions.GeneralServiceException(f"{operation} failed: {error}")


def failure(code: str, message: str) -> exceptions._HandlerError:
    """The lib exception for an error code's name (as kept in a callback context)."""
    kind = getattr(exceptions, code, None)
    if not (isinstance(kind, type) and issubclass(kind, exceptions._HandlerError)):
        kind = exceptions.GeneralServiceException
    error = kind.__new__(kind)
    exceptions._HandlerError.__init__(error, message)
    return error


def reworded(error: exceptions._HandlerError, message: str) -> exceptions._HandlerError:
    """The same kind of error (and so the same error code) with another message."""
    return failure(type(error).__name__, message)


@contextmanager
def service_call(operation: str, identifier: str | None = None) -> Iterator[None]:
    """Run SageMaker calls, raising the lib exception that matches any failure."""
    try:
        yield
    except ClientError as error:
        raise map_client_error(error, operation, identifier) from error
    except BotoCoreError as error:
        raise map_botocore_error(error, operation) from error
