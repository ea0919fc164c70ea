"""Fixtures of the rehearsal's tests: every test on the virtual clock (the handlers' waits and the
rehearsal's own, run in this process), the environment handlers run in (the backend, as the
test account), a stack in it, and template revisions written to a temporary folder."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import Writer

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@pytest.fixture
def revision(tmp_path: Path) -> Writer:
    return Writer(tmp_path)


@pytest.fixture
def stack(sagemaker: SageMakerClient, clock: VirtualClock) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    return Stack("driver", environment, Events(io.StringIO()), wait=clock.sleep)


@pytest.fixture
def env(sagemaker: SageMakerClient) -> Environment:
    """Where the handlers run: the backend, as the test account (`sagemaker` resets it)."""
    return Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)


@pytest.fixture(autouse=True)
def on_the_virtual_clock(rehearsal_clock: VirtualClock) -> VirtualClock:
    """Waiting, by a handler or between callbacks, costs the rehearsal's tests no real time."""
    return rehearsal_clock
