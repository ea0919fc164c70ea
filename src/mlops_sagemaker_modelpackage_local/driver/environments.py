"""Where a rehearsal runs: the embedded SageMaker (started in this process, stopped at the end:
nothing leaves the machine) or, with `--aws`, your account (credentials and region found as the
AWS CLI finds them, checked with sts:GetCallerIdentity before anything else)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from mlops_sagemaker_modelpackage_local import serving
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

from .arguments import Refused
from .provisioners import Environment

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"
LOCAL_CREDENTIALS = {
    "accessKeyId": "AKIDLOCALDRIVER0000",
    "secretAccessKey": "local-driver-secret",
    "sessionToken": "local-driver-session",
}
# What the embedded SageMaker does with a new package: one Pending and three InProgress looks,
# so waiting shows; the handler polls at most 2 s per invocation, so callbacks show too.
LOCAL_LIFECYCLE = {"pending_describes": 1, "in_progress_describes": 3, "deleting_describes": 1}
LOCAL_POLL_BUDGET = "2"
CREATES = "Real model packages are created, and deleted at the end unless --keep."


@dataclass(frozen=True)
class Target:
    """Where stacks run: the environment handlers get, and the endpoint of the SageMaker that
    serves them when it is not AWS's (None with --aws)."""

    env: Environment
    endpoint: str | None

    def calls_made(self) -> int | None:
        """SageMaker API calls served so far (None: AWS keeps no count for us)."""
        return None if self.endpoint is None else len(BackendControl(self.endpoint).calls())


def target(*, aws: bool, doing: str = CREATES) -> AbstractContextManager[Target]:
    """The target the options ask for; `doing` is what --aws warns will happen there."""
    return aws_account(doing) if aws else embedded()


@contextmanager
def embedded() -> Iterator[Target]:
    """The embedded SageMaker, empty, for the length of the block."""
    from mlops_sagemaker_modelpackage_local.backend.server import Backend  # noqa: PLC0415

    backend = Backend().start()
    control = BackendControl(backend.url)
    control.reset()  # moto's store is the process's: start empty whatever ran before
    control.configure(lifecycle=LOCAL_LIFECYCLE)
    client: SageMakerClient = control.sagemaker(LOCAL_CREDENTIALS, LOCAL_REGION)
    try:
        with serving.environment(
            AWS_ENDPOINT_URL_SAGEMAKER=backend.url,
            MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS=LOCAL_POLL_BUDGET,
        ):
            yield Target(
                Environment(LOCAL_ACCOUNT, LOCAL_REGION, LOCAL_CREDENTIALS, client), backend.url
            )
    finally:
        backend.stop()


@contextmanager
def aws_account(doing: str = CREATES) -> Iterator[Target]:
    yield Target(real_aws(doing), None)


def real_aws(doing: str = CREATES) -> Environment:
    """Your credentials and region, found as the AWS CLI finds them (AWS_REGION first, then
    AWS_DEFAULT_REGION and the profile); Refused in one line if they are missing or AWS cannot
    be reached."""
    try:
        session = boto3.Session(region_name=os.environ.get("AWS_REGION") or None)
        region = session.region_name
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise Refused(f"--aws: {error}") from error
    if region is None:
        raise Refused(
            "--aws: no region: set AWS_REGION (or AWS_DEFAULT_REGION), or region in your "
            "AWS profile"
        )
    if credentials is None:
        raise Refused(
            "--aws: no AWS credentials found (environment, AWS_PROFILE, ~/.aws, SSO or instance "
            "role); `aws sts get-caller-identity` should work first"
        )
    try:
        frozen = credentials.get_frozen_credentials()
        account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise Refused(
            f"--aws: AWS refused your credentials: {detail.get('Code')}: {detail.get('Message')}"
        ) from error
    except BotoCoreError as error:  # no network, no endpoint, expired SSO token, ...
        raise Refused(f"--aws: cannot reach AWS: {error}") from error
    print(
        f"WARNING: using YOUR AWS credentials: account {account}, region {region}. {doing}",
        file=sys.stderr,
    )
    client: SageMakerClient = session.client("sagemaker", region_name=region)
    return Environment(
        account,
        region,
        {
            "accessKeyId": str(frozen.access_key),
            "secretAccessKey": str(frozen.secret_key),
            "sessionToken": frozen.token or "",
        },
        client,
    )
