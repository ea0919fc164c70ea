"""The SageMaker client, built per invocation from the caller's session (credentials rotate)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, cast

import botocore.session
from botocore.config import Config
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.boto3_proxy import SessionProxy

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

# Throttling is retried inside botocore (standard mode: exponential backoff with jitter and a
# retry quota); what is left after these attempts surfaces as Throttling. Timeouts stay well
# under the 60 s an invocation may take.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 6},
    connect_timeout=5,
    read_timeout=20,
    user_agent_extra="MLOps-SageMaker-ModelPackage",
)


@cache
def _shared_botocore_session() -> botocore.session.Session:
    """Holds no credentials: only the loaded service models, which are costly to parse.

    The lib makes a new boto3 session per invocation, and a client made from it parses
    SageMaker's service model again (about 0.16 s against 0.02 s from a shared loader).
    """
    return botocore.session.get_session()


def sagemaker_client(session: SessionProxy | None, region: str | None) -> SageMakerClient:
    """A SageMaker client for this invocation's caller credentials and region.

    The lib builds the session without a region, so the request's region is passed explicitly.
    """
    credentials = session.session.get_credentials() if session is not None else None
    if credentials is None:
        raise exceptions.InvalidCredentials("No caller credentials were passed to the handler.")
    frozen = credentials.get_frozen_credentials()
    client = _shared_botocore_session().create_client(
        "sagemaker",
        region_name=region,
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
        config=CLIENT_CONFIG,
    )
    return cast("SageMakerClient", client)
