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
from tests.support.rehearsal import APPROVED, Writer, group_resource, version

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
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    """--validate plans each revision against the state the previous plans leave; a deploy
    plans against the real stack: the same steps, revision by revision (a registry's flow:
    register, approve in place, retrain into a replacement that retains the old version)."""
    models = group_resource(DeletionPolicy="Retain")
    models["Properties"]["ModelPackageGroupName"] = {"Fn::Sub": "${AWS::StackName}-churn"}
    retained = {"UpdateReplacePolicy": "Retain"}
    retrained = version("s3://models/churn/2/model.tar.gz", **APPROVED)
    simulated = StackState()
    for resources in (
        {"Models": models, "Version": version() | retained},
        {"Models": models, "Version": version(**APPROVED) | retained},
        {"Models": models, "Version": retrained | retained},
    ):
        template = revision(resources)
        validated = planner.plan(template, simulated, Identity.planned(stack.name))
        simulated = planner.simulate(validated, simulated)
        deployed = stack.plan(template)

        steps = [(c.logical_id, c.kind, c.changed, c.replacing) for c in deployed.changes]
        assert steps == [
            (c.logical_id, c.kind, c.changed, c.replacing) for c in validated.changes
        ], template.path.name
        assert stack.execute(deployed)
    assert stack.delete()
