"""The SageMaker client, built per invocation from the caller's session (credentials rotate)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.config import Config
from cloudformation_cli_python_lib import exceptions
from cloudformation_cli_python_lib.boto3_proxy import SessionProxy

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

# Throttling is retried inside botocore (standard mode: exponential backoff with jitter and a
# retry quota); what is left after these attempts surfaces as Throttling. Timeouts stay well
# under the 60 s an invocation may take.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 6},
    connect_timeout=5,
    read_timeout=20,
    user_agent_extra="MLOps-SageMaker-ModelPackage",
)


def sagemaker_client(session: SessionProxy | None, region: str | None) -> SageMakerClient:
    """A SageMaker client for this invocation's caller credentials and region.

    The lib builds the session without a region, so the request's region is passed explicitly.
    """
    if session is None:
        raise exceptions.InvalidCredentials("No caller credentials were passed to the handler.")
    client: SageMakerClient = session.client("sagemaker", region_name=region, config=CLIENT_CONFIG)
    return client
