"""The corrections to the lib's Resource: nextToken reaches the list handler, sessions are lazy,
clients are reused per credentials and endpoint only."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from cloudformation_cli_python_lib.utils import Credentials

from mlops_sagemaker_modelpackage import budget, handlers
from mlops_sagemaker_modelpackage import client as client_module
from mlops_sagemaker_modelpackage.sessions import LazySession
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import drive, invoke, payload
from tests.support.models import unversioned, versioned


def test_no_boto3_session_is_built_for_a_handler_invocation(
    backend: BackendControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []
    original = boto3.Session

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(boto3, "Session", counting)
    event = invoke(
        "READ", {"ModelPackageArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/x"}
    )
    assert event["errorCode"] == "NotFound"  # the handler ran and called SageMaker
    assert built == []


def test_lazy_session_builds_a_real_session_on_first_use() -> None:
    session = LazySession(Credentials("AKID", "secret", "token"), region="eu-west-1")
    frozen = session.session.get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("AKID", "secret", "token")
    assert session.session is session.session
    assert session.client("sts").meta.region_name == "eu-west-1"
    assert LazySession.of(None) is None


def test_clients_are_reused_only_for_the_same_credentials_and_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_module._client_for.cache_clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:1")
    first = client_module.sagemaker_client(LazySession(Credentials("A", "s", "t")), "us-east-1")
    again = client_module.sagemaker_client(LazySession(Credentials("A", "s", "t")), "us-east-1")
    rotated = client_module.sagemaker_client(LazySession(Credentials("A", "s", "t2")), "us-east-1")
    other_region = client_module.sagemaker_client(
        LazySession(Credentials("A", "s", "t")), "eu-west-1"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:2")
    moved = client_module.sagemaker_client(LazySession(Credentials("A", "s", "t")), "us-east-1")
    assert first is again
    assert len({id(first), id(rotated), id(other_region), id(moved)}) == 4
    assert moved.meta.endpoint_url == "http://127.0.0.1:2"


def test_missing_credentials_are_invalid_credentials() -> None:
    from cloudformation_cli_python_lib import exceptions  # noqa: PLC0415

    with pytest.raises(exceptions.InvalidCredentials):
        client_module.sagemaker_client(None, "us-east-1")


def test_the_test_entrypoint_still_works(backend: BackendControl) -> None:
    """`test_entrypoint` keeps the lib's real sessions; the client accepts both kinds."""
    from mlops_sagemaker_modelpackage.handlers import test_entrypoint  # noqa: PLC0415

    event = {
        "credentials": {"accessKeyId": "a", "secretAccessKey": "b", "sessionToken": "c"},
        "action": "CREATE",
        "request": {
            "clientRequestToken": "t-1",
            "desiredResourceState": unversioned(),
            "logicalResourceIdentifier": "M",
        },
        "callbackContext": None,
        "region": "us-east-1",
    }
    response = test_entrypoint(event, None)
    assert response["status"] in ("SUCCESS", "IN_PROGRESS"), response


@pytest.mark.usefixtures("clock")
def test_string_typed_properties_from_cloudformation_are_recast(
    backend: BackendControl, sagemaker: Any
) -> None:
    """CloudFormation sends every primitive as a string; SageMaker must get real types, and the
    request's own dicts (kept for empty objects) must be the recast ones."""
    from tests.support.cfn import drive  # noqa: PLC0415

    desired = unversioned(
        CertifyForMarketplace="true",
        AdditionalInferenceSpecifications=[
            {
                "Name": "x",
                "Containers": [
                    {
                        "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/i:1",
                        "IsCheckpoint": "false",
                    }
                ],
            }
        ],
    )
    run = drive("CREATE", desired)
    assert run.last["status"] == "SUCCESS", run.last
    described = sagemaker.describe_model_package(ModelPackageName=run.model["ModelPackageArn"])
    assert described["CertifyForMarketplace"] is True
    assert (
        described["AdditionalInferenceSpecifications"][0]["Containers"][0]["IsCheckpoint"] is False
    )
    assert run.model["CertifyForMarketplace"] is True


class _LambdaContext:
    def __init__(self, remaining_ms: int) -> None:
        self.deadline = time.time() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.time()) * 1000)


def test_the_lambda_context_bounds_an_invocation(backend: BackendControl, group: str) -> None:
    """Real time and real backoff: with 18 s left of the function's timeout, 9 throttles in a
    row are not all retried in this invocation."""
    arn = drive("CREATE", versioned(group)).model["ModelPackageArn"]
    backend.configure(faults=[{"operation": "DescribeModelPackage", "count": 9}])
    event = payload(
        "UPDATE",
        {**versioned(group, ModelApprovalStatus="Approved"), "ModelPackageArn": arn},
        previous={**versioned(group), "ModelPackageArn": arn},
    )
    started = time.monotonic()
    response = handlers.resource(event, _LambdaContext(18_000))
    elapsed = time.monotonic() - started
    assert response["status"] == "IN_PROGRESS", response
    assert "not retried in this invocation" in response["message"]  # botocore's error, kept
    assert elapsed < 18 - budget.LAMBDA_MARGIN_SECONDS
