"""Fixtures: the offline SageMaker backend (one per session), a clean state per test, a clock
(for the handlers, and for the rehearsal run in this process), botocore's retries without their
waits, and the rehearsal's default handler logs out of the checkout."""

# ruff: noqa: E402 - the imports below need the path set up first (see there)

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.retries import standard
from botocore.stub import Stubber

# `cfn test` runs pytest with its own ini (so pyproject's `pythonpath` is not read) and
# `--pyargs rpdk.core.contract.suite`, which is not a path: pytest then anchors its initial
# conftests at the working directory and its test* folders, and loads this file. Make the
# package importable here, so plain `cfn test` in the project root works.
_ROOT = Path(__file__).resolve().parent.parent
for _path in (str(_ROOT / "src"), str(_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from mlops_sagemaker_modelpackage import budget, handlers
from mlops_sagemaker_modelpackage_local import serving
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.backend.server import Backend
from mlops_sagemaker_modelpackage_local.driver import deploy
from tests.support.cfn import CREDENTIALS, REGION
from tests.support.clock import TimeOnClock, VirtualClock
from tests.support.figures import FIGURES
from tests.support.figures import summary as figures_summary
from tests.support.models import MODEL_CARD_SECRET

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture(scope="session")
def backend_url() -> Iterator[str]:
    backend = Backend().start()
    with serving.environment(
        AWS_ENDPOINT_URL_SAGEMAKER=backend.url, AWS_EC2_METADATA_DISABLED="true"
    ):
        yield backend.url
    backend.stop()


@pytest.fixture
def backend(backend_url: str) -> BackendControl:
    control = BackendControl(backend_url)
    control.reset()
    return control


@pytest.fixture
def sagemaker(backend: BackendControl) -> SageMakerClient:
    """A client on the backend, to set up and inspect state beside the handlers."""
    client: SageMakerClient = backend.sagemaker(CREDENTIALS, REGION)
    return client


@pytest.fixture
def group(sagemaker: SageMakerClient) -> str:
    """A model package group to register versions in."""
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-models")
    return "churn-models"


# ---------------------------------------------------------------- Stubber in place of SageMaker


@pytest.fixture
def client() -> SageMakerClient:
    sagemaker: SageMakerClient = boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    return sagemaker


@pytest.fixture
def stub(client: SageMakerClient) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


# ---------------------------------------------------------------- secrets never logged

SECRETS = (
    CREDENTIALS["accessKeyId"],
    CREDENTIALS["secretAccessKey"],
    CREDENTIALS["sessionToken"],
    MODEL_CARD_SECRET,
)


assert handlers.resource  # imported for its logging guard, as Lambda imports it first


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture(autouse=True)
def no_secret_is_logged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test, at DEBUG: no credential and no ModelCardContent in any log line."""
    if not request.path.is_relative_to(_ROOT / "tests"):
        yield  # cfn's contract suite: `cfn test` loads this file too (see the top)
        return
    recorder = _Recorder()
    root = logging.getLogger()
    level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)
    leaks = [line for line in recorder.lines for secret in SECRETS if secret in line]
    FIGURES["log lines checked for secrets"] += len(recorder.lines)
    FIGURES["secrets leaked"] += len(leaks)
    assert leaks == [], leaks[:3]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:  # empty when only cfn's contract suite ran
        terminalreporter.write_line(f"reliability: {figures_summary()}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its figures to the controller, which prints the summary."""
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["figures"] = dict(FIGURES)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: not there without it
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Each pytest-xdist worker's figures add up in the controller's."""
    FIGURES.update(getattr(node, "workeroutput", {}).get("figures", {}))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """Make the handlers' system clock virtual, so waiting costs no real time."""
    virtual = VirtualClock()
    monkeypatch.setattr(budget.SystemClock, "now", lambda self: virtual.now())
    monkeypatch.setattr(budget.SystemClock, "sleep", lambda self, s: virtual.sleep(s))
    return virtual


@pytest.fixture
def instant_botocore_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's backoff sleeps real seconds; the retries still happen, without the wait."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def rehearsal_clock(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    """The rehearsal's command line (`cli.main`) in this process on the virtual clock: the
    handlers' waits, and its own between an operation's callbacks (deploy.py's, which `--fast`
    shortens to 0.2 s)."""
    monkeypatch.setattr(deploy, "time", TimeOnClock(clock))
    return clock


@pytest.fixture(scope="session")
def rehearsal_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's (under pytest-xdist, this worker's) folder for handler logs."""
    return tmp_path_factory.mktemp("rehearsal-logs")


@pytest.fixture(autouse=True)
def rehearsal_logs_out_of_the_checkout(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rehearsal without --log-file logs under the folder it runs in (./.local/rehearsal-logs/):
    in tests, under the session's own folder instead, never into the checkout. A test marked
    `logs_in_cwd` runs in a folder of its own and keeps the default, to check it."""
    if request.node.get_closest_marker("logs_in_cwd") is None:
        monkeypatch.setattr(deploy, "LOG_FOLDER", request.getfixturevalue("rehearsal_logs"))
