"""Fixtures: the offline SageMaker backend (one per session), a clean state per test, a clock."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from local.backend.server import Backend
from mlops_sagemaker_modelpackage import progress
from tests.support.cfn import CREDENTIALS, REGION

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


class BackendControl:
    """The backend's control API, for tests: lifecycle, faults, the call log."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def configure(self, **settings: Any) -> None:
        self._post("/_local/configure", settings)

    def reset(self) -> None:
        self._post("/_local/reset", {})

    def reset_calls(self) -> None:
        self._post("/_local/reset-calls", {})

    def calls(self) -> list[dict[str, str]]:
        with urllib.request.urlopen(self.url + "/_local/calls", timeout=10) as response:
            calls: list[dict[str, str]] = json.load(response)
        return calls

    def operations(self) -> list[str]:
        return [c["operation"] for c in self.calls()]


@pytest.fixture(scope="session")
def backend_url() -> Iterator[str]:
    backend = Backend().start()
    saved = {
        k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_EC2_METADATA_DISABLED")
    }
    os.environ["AWS_ENDPOINT_URL_SAGEMAKER"] = backend.url
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    yield backend.url
    backend.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def backend(backend_url: str) -> BackendControl:
    control = BackendControl(backend_url)
    control.reset()
    return control


@pytest.fixture
def sagemaker(backend: BackendControl) -> SageMakerClient:
    """A client on the backend, to set up and inspect state beside the handlers."""
    client: SageMakerClient = boto3.client(
        "sagemaker",
        region_name=REGION,
        endpoint_url=backend.url,
        aws_access_key_id=CREDENTIALS["accessKeyId"],
        aws_secret_access_key=CREDENTIALS["secretAccessKey"],
        aws_session_token=CREDENTIALS["sessionToken"],
    )
    return client


class VirtualClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.current = start
        self.slept: list[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.current += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """Make the handlers' system clock virtual, so waiting costs no real time."""
    virtual = VirtualClock()
    monkeypatch.setattr(progress.SystemClock, "now", lambda self: virtual.now())
    monkeypatch.setattr(progress.SystemClock, "sleep", lambda self, s: virtual.sleep(s))
    return virtual
