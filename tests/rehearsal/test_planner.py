"""The planner (driver/planner.py): a replacement followed to what refers to it, and what
`--validate` plans (against the state the previous plans leave) is what a deploy executes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.driver import planner
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.resolution import Identity
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.state import StackState
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.rehearsal import (
    Writer,
    group_resource,
    version,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_validate_follows_a_replacement_to_what_refers_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    renamed = group_resource()
    renamed["Properties"]["ModelPackageGroupName"] = "renamed"
    writer({"Models": renamed, "Version": version()})

    assert driver_main([str(tmp_path), "--validate"]) == 0

    out = capsys.readouterr().out.split("2.json")[1]
    assert "Models                       replace (ModelPackageGroupName changed)" in out
    assert "Version                      replace (ModelPackageGroupName changed)" in out


def test_what_validate_plans_is_what_a_deploy_executes(
    stack: Stack, sagemaker: SageMakerClient
) -> None:
    """--validate plans each revision against the state the previous plans leave; a deploy
    plans against the real stack: the same steps, revision by revision."""
    folder = Path(__file__).resolve().parents[2] / "examples" / "registry-flow"
    simulated = StackState()
    for path in sorted(folder.glob("*.yaml")):
        template = Template.load(path)
        validated = planner.plan(template, simulated, Identity.planned(stack.name))
        simulated = planner.simulate(validated, simulated)
        deployed = stack.plan(template)

        steps = [(c.logical_id, c.kind, c.changed, c.replacing) for c in deployed.changes]
        assert steps == [
            (c.logical_id, c.kind, c.changed, c.replacing) for c in validated.changes
        ], path.name
        assert stack.execute(deployed)
    assert stack.delete()
