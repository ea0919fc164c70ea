"""Where a rehearsal runs: the embedded SageMaker (started in this process, stopped at the end:
nothing leaves the machine), a SageMaker server (`--endpoint-url`: `modelpackage-sagemaker`, or
any endpoint that takes the account from a 12-digit access key id, as LocalStack does), or, with
`--aws`, your account (credentials and region found as the AWS CLI finds them). `--account-id`
runs the stack in that account of the embedded SageMaker or of the server. Every endpoint but
the embedded one is checked with sts:GetCallerIdentity before anything else."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.error import URLError

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from mlops_sagemaker_modelpackage_local import serving
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

from .arguments import Refused
from .provisioners import Environment
from .resolution import LOCAL_ACCOUNT, LOCAL_REGION

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

ACCOUNT_ID = re.compile(r"\d{12}")
# What the embedded SageMaker does with a new package: one Pending and three InProgress looks,
# so waiting shows; the handler polls at most 2 s per invocation, so callbacks show too.
LOCAL_LIFECYCLE = {"pending_describes": 1, "in_progress_describes": 3, "deleting_describes": 1}
LOCAL_POLL_BUDGET = "2"
CREATES = "Real model packages are created, and deleted at the end unless --keep."


def local_credentials(account: str) -> dict[str, str]:
    """Credentials in `account` of a local SageMaker: the access key id is the account."""
    return {
        "accessKeyId": account,
        "secretAccessKey": "local-driver-secret",
        "sessionToken": "local-driver-session",
    }


@dataclass(frozen=True)
class Place:
    """Where the command line says stacks run (checked: `Place.of`)."""

    aws: bool = False
    endpoint_url: str | None = None  # a SageMaker server; None: the embedded one (or AWS)
    account_id: str | None = None  # None: the local default account

    @classmethod
    def of(
        cls, *, aws: bool = False, endpoint_url: str | None = None, account_id: str | None = None
    ) -> Place:
        """Refused when the options cannot go together or a value is malformed."""
        if aws and (endpoint_url or account_id):
            given = "--endpoint-url" if endpoint_url else "--account-id"
            raise Refused(
                f"{given} is for a local SageMaker; --aws uses your own credentials' account"
            )
        if account_id is not None and not ACCOUNT_ID.fullmatch(account_id):
            raise Refused(f"--account-id takes a 12-digit AWS account id, not {account_id!r}")
        if endpoint_url is not None and not re.fullmatch(r"https?://[^\s/]+/?", endpoint_url):
            raise Refused(
                f"--endpoint-url takes the URL of a SageMaker endpoint, such as "
                f"http://127.0.0.1:4599 (what modelpackage-sagemaker prints), not {endpoint_url!r}"
            )
        return cls(aws, endpoint_url.rstrip("/") if endpoint_url else None, account_id)

    @property
    def account(self) -> str:
        return self.account_id or LOCAL_ACCOUNT


@dataclass(frozen=True)
class Site:
    """Where stacks run: the environment handlers get, and the endpoint of the SageMaker that
    serves them when it is not AWS's (None with --aws); `embedded`: it lives in this process."""

    env: Environment
    endpoint: str | None
    embedded: bool = False
    calls_before: int = 0

    def calls_made(self) -> int | None:
        """SageMaker API calls served since the site was opened (None: not counted there)."""
        total = _calls_served(self.endpoint)
        return None if total is None else total - self.calls_before

    def describe(self) -> str:
        """Where handlers run, for messages."""
        if self.endpoint is None:
            return f"AWS ({self.env.region})"
        kind = "the embedded SageMaker" if self.embedded else "the SageMaker"
        return f"{kind} at {self.endpoint}, account {self.env.account}"

    def kept(self) -> str:
        """What --keep leaves where, and what it does not."""
        if self.embedded:
            return (
                "--keep: the embedded SageMaker stopped with this run, and what the stack "
                "holds with it; run against `modelpackage-sagemaker` (--endpoint-url) to keep "
                "resources between runs"
            )
        where = "your account" if self.endpoint is None else f"the SageMaker at {self.endpoint}"
        return (
            f"--keep: the resources stay in {where}; the stack itself lived in this run and is "
            "gone (a next run starts a new stack: adopt them with --import)"
        )


def _calls_served(endpoint: str | None) -> int | None:
    """The calls a local SageMaker has served (None: AWS, or a server without our control API)."""
    if endpoint is None:
        return None
    try:
        return len(BackendControl(endpoint).calls())
    except (URLError, OSError, ValueError):
        return None


def site(place: Place, doing: str = CREATES) -> AbstractContextManager[Site]:
    """The site `place` names; `doing` is what --aws warns will happen there."""
    if place.aws:
        return aws_account(doing)
    if place.endpoint_url:
        return server(place.endpoint_url, place.account)
    return embedded(place.account)


@contextmanager
def embedded(account: str = LOCAL_ACCOUNT) -> Iterator[Site]:
    """The embedded SageMaker, empty, for the length of the block; stacks in `account`."""
    from mlops_sagemaker_modelpackage_local.backend.server import Backend  # noqa: PLC0415

    backend = Backend().start()
    control = BackendControl(backend.url)
    control.reset()  # moto's store is the process's: start empty whatever ran before
    control.configure(lifecycle=LOCAL_LIFECYCLE)
    credentials = local_credentials(account)
    client: SageMakerClient = control.sagemaker(credentials, LOCAL_REGION)
    try:
        with serving.environment(
            AWS_ENDPOINT_URL_SAGEMAKER=backend.url,
            MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS=LOCAL_POLL_BUDGET,
        ):
            environment = Environment(account, LOCAL_REGION, credentials, client)
            yield Site(environment, backend.url, embedded=True)
    finally:
        backend.stop()


def server_account(endpoint: str, account: str) -> Environment:
    """`account` on the SageMaker server at `endpoint`, once its STS confirms the account;
    Refused in one line when it cannot be reached or maps access keys otherwise."""
    credentials = local_credentials(account)
    control = BackendControl(endpoint)
    try:
        answered = control.client("sts", credentials, LOCAL_REGION, attempts=2)
        found = str(answered.get_caller_identity()["Account"])
    except (BotoCoreError, ClientError) as error:
        raise Refused(
            f"--endpoint-url {endpoint}: no SageMaker answers there ({error}); start one with "
            "`modelpackage-sagemaker` (it prints its URL)"
        ) from error
    if found != account:
        raise Refused(
            f"--endpoint-url {endpoint} answers account {found} for access key id {account}: it "
            "does not take the account from a 12-digit access key id (modelpackage-sagemaker "
            "and LocalStack do)"
        )
    client: SageMakerClient = control.sagemaker(credentials, LOCAL_REGION)
    return Environment(account, LOCAL_REGION, credentials, client)


@contextmanager
def server(endpoint: str, account: str) -> Iterator[Site]:
    """A SageMaker server that outlives the run: nothing is reset, what the run leaves stays."""
    environment = server_account(endpoint, account)
    with serving.environment(
        # the service's own variable wins over AWS_ENDPOINT_URL (boto3's order)
        AWS_ENDPOINT_URL_SAGEMAKER=endpoint,
        MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS=LOCAL_POLL_BUDGET,
    ):
        yield Site(environment, endpoint, calls_before=_calls_served(endpoint) or 0)


@contextmanager
def aws_account(doing: str = CREATES) -> Iterator[Site]:
    yield Site(real_aws(doing), None)


def planned_account(place: Place) -> Environment | None:
    """The account `--validate` plans in: yours (--aws), the server's (checked), the one
    --account-id names, or None (the local default)."""
    if place.aws:
        return real_aws("--validate only reads your account and region.")
    if place.endpoint_url:
        return server_account(place.endpoint_url, place.account)
    if place.account_id:
        credentials = local_credentials(place.account_id)
        client: SageMakerClient = BackendControl("http://127.0.0.1").sagemaker(
            credentials, LOCAL_REGION
        )  # never called: --validate reads the account only
        return Environment(place.account_id, LOCAL_REGION, credentials, client)
    return None


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
