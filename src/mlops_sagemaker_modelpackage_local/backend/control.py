"""A client for the backend's control API (/_local/...), for tests, the driver and the bench."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any, Literal

import boto3
from botocore.config import Config


class BackendControl:
    """Lifecycle settings, fault injection and the call log of a running backend."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.load(response)

    def configure(self, **settings: Any) -> None:
        """`lifecycle={...}`, `faults=[...]`, `clear_faults=True`, `latency=seconds` (server.py)."""
        self._post("/_local/configure", settings)

    def reset(self) -> None:
        self._post("/_local/reset", {})

    def reset_calls(self) -> None:
        self._post("/_local/reset-calls", {})

    def calls(self) -> list[dict[str, str]]:
        calls: list[dict[str, str]] = self._get("/_local/calls")
        return calls

    def events(
        self, after: int = 0, account: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """The EventBridge events SageMaker sent after the first `after` (on `account`'s bus
        only, if given), and the `after` of the next read."""
        query = {"after": str(after), **({"account": account} if account else {})}
        page = self._get("/_local/events?" + urllib.parse.urlencode(query))
        return list(page["events"]), int(page["next"])

    def operations(self) -> list[str]:
        return [c["operation"] for c in self.calls()]

    def sagemaker(self, credentials: dict[str, str], region: str) -> Any:
        """A boto3 SageMaker client on this backend (credentials in the lib's camelCase).

        It retries throttling 20 times: it inspects state beside the code under test and must
        not be the one that fails while faults are injected."""
        return self.client("sagemaker", credentials, region)

    def client(
        self,
        service: Literal["sagemaker", "cloudformation", "sts", "iam"],
        credentials: dict[str, str],
        region: str,
        attempts: int = 20,
    ) -> Any:
        """A boto3 client on this backend (moto serves CloudFormation, STS and IAM too)."""
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id=credentials["accessKeyId"],
            aws_secret_access_key=credentials["secretAccessKey"],
            aws_session_token=credentials.get("sessionToken"),
            config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
        )

    def injected(self) -> int:
        """How many faults were injected since the last reset."""
        return int(self._get("/_local/stats")["injected"])
