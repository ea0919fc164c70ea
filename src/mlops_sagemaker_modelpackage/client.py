"""The SageMaker client, built per invocation from the caller's session (credentials rotate)."""

from __future__ import annotations

import os
import time
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

import botocore.session
from botocore.config import Config
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.boto3_proxy import SessionProxy

from . import budget, calls
from .sessions import LazySession

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

# Throttling is retried inside botocore (standard mode: exponential backoff with jitter and a
# retry quota); what is left after these attempts surfaces as Throttling, and mutating handlers
# then ask CloudFormation to call again later. Timeouts are short: SageMaker's model-package
# calls answer in well under a second; budget.py keeps attempts and backoff within the
# invocation's time (budget.ATTEMPT_SECONDS is connect + read timeout).
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": budget.MAX_ATTEMPTS},
    connect_timeout=budget.CONNECT_TIMEOUT_SECONDS,
    read_timeout=budget.READ_TIMEOUT_SECONDS,
    user_agent_extra="MLOps-SageMaker-ModelPackage",
)


@cache
def _shared_botocore_session() -> botocore.session.Session:
    """Holds no credentials: only the loaded service models, which are costly to parse.

    The lib makes a new boto3 session per invocation, and a client made from it parses
    SageMaker's service model again (about 0.16 s against 0.02 s from a shared loader).
    """
    return botocore.session.get_session()


def sagemaker_client(
    session: SessionProxy | None, region: str | None, lambda_deadline: float | None = None
) -> SageMakerClient:
    """A SageMaker client for this invocation's caller credentials and region.

    The lib builds the session without a region, so the request's region is passed explicitly.
    An invocation short of time gets a client with short timeouts (budget.attempt_timeouts).
    """
    key: tuple[str, str, str] = ("", "", "")
    if isinstance(session, LazySession):
        given = session.credentials
        key = (given.accessKeyId, given.secretAccessKey, given.sessionToken)
    elif session is not None and (found := session.session.get_credentials()) is not None:
        frozen = found.get_frozen_credentials()
        key = (str(frozen.access_key), str(frozen.secret_key), str(frozen.token or ""))
        # The lib's test entry point puts the region on the session, not on the request.
        region = region or session.session.region_name
    if not key[0]:
        raise exceptions.InvalidCredentials("No caller credentials were passed to the handler.")
    if not region:
        raise exceptions.InvalidRequest("The request names no AWS region.")
    # Endpoint overrides (local runs, VPC endpoints) are part of what a client is.
    endpoint = os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER") or os.environ.get("AWS_ENDPOINT_URL")
    connect, read = budget.attempt_timeouts(lambda_deadline, time.time())
    return _client_for(*key, region, endpoint, connect, read)


@lru_cache(maxsize=4)
def _client_for(  # noqa: PLR0917 - the cache key is every argument
    access_key: str,
    secret_key: str,
    token: str,
    region: str | None,
    endpoint: str | None,
    connect_timeout: int = budget.CONNECT_TIMEOUT_SECONDS,
    read_timeout: int = budget.READ_TIMEOUT_SECONDS,
) -> SageMakerClient:
    """One client per credentials and region, reused while a warm container sees them again.

    CloudFormation passes the same caller credentials to every invocation of one operation
    (list pages, callbacks), and new credentials make a new client; creating one costs ~20 ms.
    """
    client = _shared_botocore_session().create_client(
        "sagemaker",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token or None,
        config=CLIENT_CONFIG.merge(
            Config(connect_timeout=connect_timeout, read_timeout=read_timeout)
        ),
    )
    # What each call and attempt did, for the runner's failure count and progress check and
    # for a create that got no answer (registered first: the budget's guard may raise).
    client.meta.events.register_first("needs-retry.sagemaker", calls.on_attempt)
    client.meta.events.register("after-call.sagemaker", calls.after_call)
    client.meta.events.register("after-call-error.sagemaker", calls.after_call_error)
    # Every call, and every retry botocore would make, must end within the invocation's time.
    client.meta.events.register("before-call.sagemaker", budget.before_call)
    client.meta.events.register_first("needs-retry.sagemaker", budget.before_retry)
    return cast("SageMakerClient", client)
