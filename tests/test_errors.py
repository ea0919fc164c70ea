"""The error mapping, row by row: botocore error -> handler error code and message."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import cloudformation_cli_python_lib
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

from mlops_sagemaker_modelpackage import errors
from mlops_sagemaker_modelpackage.budget import HandBack
from mlops_sagemaker_modelpackage.errors import HandlerError, service_call
from tests.support.schema import ROOT

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
        pytest.raises(HandlerError) as raised,
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


# ------------------------------------------------------------------ the lib's private API


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.failure("NotFound", "as kept"), "NotFound"),  # its constructor takes no message
        (errors.failure("NoSuchCode", "as kept"), "GeneralServiceException"),
        (HandBack("as kept", "DescribeModelPackage"), "ServiceInternalError"),  # a subclass
        (errors.reworded(HandBack("before", "X"), "as kept"), "ServiceInternalError"),
    ],
)
def test_a_lib_error_carries_the_message_given_and_its_lib_class_s_code(
    error: HandlerError, code: str
) -> None:
    event = error.to_progress_event()
    assert event.errorCode is not None
    assert (event.errorCode.name, event.message, str(error)) == (code, "as kept", "as kept")


# The lib's private names other modules may use, and where. BaseModel's (de)serialization is
# the lib's model protocol: generated models.py implements it, translate.PlainModel overrides
# it, tests call it. Resource's request building is what resource.py corrects (its docstring
# says why; tests/test_resource.py pins the behaviour), and the tests' request builder calls it.
ALLOWED: dict[str, set[str] | None] = {
    "_serialize": None,  # anywhere
    "_deserialize": None,
    "_cast_resource_request": {
        "src/mlops_sagemaker_modelpackage/resource.py",
        "tests/support/cfn.py",
    },
    "_parse_request": {"src/mlops_sagemaker_modelpackage/resource.py"},
    "_parse_test_request": {"src/mlops_sagemaker_modelpackage/resource.py"},
}
SCANNED = ("src", "local", "tests", "tools", "bench", "cdk", "cfn-lint-rules", "examples")
NOT_SOURCES = {".venv", "node_modules", "cdk.out", "build", "dist"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and not name.endswith("_")


def _lib_private_names() -> set[str]:
    """Every private name the installed lib defines: classes, functions and methods, attributes
    it sets, module-level names."""
    names: set[str] = set()
    for path in Path(cloudformation_cli_python_lib.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
        for statement in tree.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if _private(name)}


def _named(tree: ast.AST, private: set[str]) -> list[tuple[int, str]]:
    """Where a module names one of the lib's private names: an attribute (`exceptions._X`,
    `self._x`, `super()._x()`), a method of that name (an override), an import from the lib."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private:
            found.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in private:
            found.append((node.lineno, node.name))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "cloudformation_cli_python_lib"
        ):
            found += [(node.lineno, a.name) for a in node.names if _private(a.name)]
    return found


def test_only_errors_py_names_the_lib_s_private_api() -> None:
    """errors.py is the one module that names the lib's private API (HandlerError,
    init_handler_error); anywhere else only what ALLOWED says, where it says."""
    private = _lib_private_names()
    assert {"_HandlerError", "_error_code"} <= private  # what errors.py wraps
    own = Path(errors.__file__).resolve()
    offences = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if NOT_SOURCES & set(relative.parts) or path.resolve() == own:
                continue
            where = relative.as_posix()
            for line, name in _named(ast.parse(path.read_text()), private):
                allowed = ALLOWED.get(name, set())
                if allowed is not None and where not in allowed:
                    offences.append(f"{where}:{line}: {name}")
    assert offences == [], "use errors.HandlerError / errors.init_handler_error instead"
