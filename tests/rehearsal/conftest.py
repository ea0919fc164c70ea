"""Fixtures of the rehearsal's tests: the environment handlers run in (the backend, as the test
account), a stack in it on the virtual clock, and template revisions written to a temporary
folder."""

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
