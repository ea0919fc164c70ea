"""One place that turns botocore errors into the lib's exceptions (and so into error codes).

Anything that is not a lib exception becomes InternalFailure with an empty message, so every
error the service or the network can raise is mapped here, keeping the service's own message.

It is also the one module that names the lib's private API (`HandlerError`, `init_handler_error`):
tests/test_errors.py fails when another one does.
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
from cloudformation_cli_python_lib.interface import HandlerErrorCode

TYPE_NAME = "MLOps::SageMaker::ModelPackage"

# ---------------------------------------------------------------- the lib's private API
# Checked against cloudformation-cli-python-lib 2.1.20, the version requirements.txt pins: when
# the pin moves, these lines are what to check again.

# The class every lib exception derives from, which the lib names privately (`_HandlerError`):
# raising one answers FAILED with its error code and message. Annotations, except clauses and
# isinstance checks use this name.
HandlerError = exceptions._HandlerError


def lib_class(error: HandlerError) -> type[HandlerError]:
    """The lib's exception class `error` is, or derives from (its error code's name)."""
    found: type[HandlerError] = next(
        c for c in type(error).__mro__ if getattr(exceptions, c.__name__, None) is c
    )
    return found


def init_handler_error(error: HandlerError, message: str) -> None:
    """Make `error`, a new instance of a lib exception class or of a subclass, carry `message` as
    it is and the error code of the lib class it is or derives from.

    The lib's own constructors cannot: NotFound and AlreadyExists build their message from a
    type name and an identifier, and the code is looked up by the class's own name, which a
    subclass (budget.HandBack) does not share."""
    Exception.__init__(error, message)
    error._error_code = HandlerErrorCode[lib_class(error).__name__]


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
CODE_TABLE: dict[str, type[HandlerError]] = {
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


def map_client_error(error: ClientError, operation: str, identifier: str | None) -> HandlerError:
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


def map_botocore_error(error: BotoCoreError, operation: str) -> HandlerError:
    """Errors raised by botocore itself, before or instead of a service answer."""
    if isinstance(error, ParamValidationError):
        problems = "; ".join(_without_values(str(error.kwargs.get("report", ""))))
        return exceptions.InvalidRequest(
            f"{operation}: invalid parameters: {problems or 'botocore refused the request'}"
        )
    if isinstance(error, NoCredentialsError):
        return exceptions.InvalidCredentials(f"{operation}: {error}")
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return exceptions.NetworkFailure(f"{operation} could not reach SageMaker: {error}")
    return exceptions.GeneralServiceException(f"{operation} failed: {error}")


# botocore's parameter report, line by line (botocore/validate.py): the parameter's name, and
# for a wrong type the valid ones; the value it echoes (a ModelCardContent, an Environment
# value) is never repeated. Patterns as text: compiled (and cached by `re`) on first use, not
# at import, which every cold start pays.
_REPORT_LINES = (
    (r'^Missing required parameter in (\S+): "([^"]+)"', "{0}.{1} is required"),
    (r'^Unknown parameter in (\S+): "([^"]+)"', '{0} takes no parameter "{1}"'),
    (
        r"^Invalid type for (?:document )?parameter (\S+), value: .*valid types: (.*)$",
        "{0} has the wrong type (valid: {1})",
    ),
    (r"^Invalid value for parameter (\S+), value: ", "{0} is out of range"),
    (r"^Invalid length for parameter (\S+), value: ", "{0} is too short"),
    (r"^Invalid parameter (\S+) must be json serializable", "{0} is not JSON"),
    (r"tagged union structure (\S+?)\.? ", "{0} must set exactly one of its keys"),
)


def _without_values(report: str) -> list[str]:
    """What each line of botocore's parameter report says, naming the field, never its value
    (a line of another shape, or the rest of a value that holds line breaks, is left out)."""
    said = []
    for line in report.splitlines():
        for pattern, text in _REPORT_LINES:
            found = re.search(pattern, line)
            if found:
                said.append(re.sub(_CLASS_NAME, r"\1", text.format(*found.groups())))
                break
    return said


_CLASS_NAME = r"<class '([^']+)'>"


def failure(code: str, message: str) -> HandlerError:
    """The lib exception for an error code's name (as kept in a callback context)."""
    kind = getattr(exceptions, code, None)
    if not (isinstance(kind, type) and issubclass(kind, HandlerError)):
        kind = exceptions.GeneralServiceException
    error = kind.__new__(kind)
    init_handler_error(error, message)
    return error


def reworded(error: HandlerError, message: str) -> HandlerError:
    """The same kind of error (and so the same error code) with another message: the lib's
    class it is, or derives from."""
    return failure(lib_class(error).__name__, message)


@contextmanager
def service_call(operation: str, identifier: str | None = None) -> Iterator[None]:
    """Run SageMaker calls, raising the lib exception that matches any failure."""
    try:
        yield
    except ClientError as error:
        raise map_client_error(error, operation, identifier) from error
    except BotoCoreError as error:
        # botocore's parameter report echoes values (sensitive ones too): not chained into the
        # traceback the lib prints.
        cause = None if isinstance(error, ParamValidationError) else error
        raise map_botocore_error(error, operation) from cause
