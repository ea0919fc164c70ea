"""The stack events the rehearsal prints (driver/events.py): the table keeps its columns for long
names, and `--fast` says the wait it really used."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import Writer, group_resource, run, version

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_fast_events_state_the_wait_really_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Writer(tmp_path)({"Models": group_resource(), "Version": version()})

    code, out, _ = run([str(tmp_path), "--fast", "--log-file", str(tmp_path / "l")], capsys)

    assert code == 0
    waits = re.findall(r"next look in (\S+) s( \(--fast; the handler asked \d+ s\))?", out)
    assert waits
    assert all(used == "0.2" and note for used, note in waits if float(used) != 0), waits


def test_the_event_table_keeps_its_columns_for_long_names(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Writer
) -> None:
    output = io.StringIO()
    name = "a-stack-name-much-longer-than-the-first-column"
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    stack = Stack(name, environment, Events(output), wait=clock.sleep)

    assert stack.deploy(revision({"Models": group_resource()}))

    columns = {line.index("CREATE_") for line in output.getvalue().splitlines()}
    assert len(columns) == 1, output.getvalue()
    assert stack.delete()
