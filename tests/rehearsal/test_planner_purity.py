"""The planner decides without running anything: importing it, and planning and simulating every
revision of an example with it, loads no provisioner, no handler and no AWS SDK. Checked in a fresh
interpreter, where `sys.modules` holds exactly what the planner pulled in."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.schema import ROOT

DRIVER = "mlops_sagemaker_modelpackage_local.driver"
# What runs handlers or calls AWS: the provisioners and the Lambda call (protocol), the executor
# and the stack that sequence them, --generate's READ; the product's handlers and the lib they
# run in; the AWS SDK.
RUNS = {
    *(f"{DRIVER}.{name}" for name in ("provisioners", "protocol", "executor", "stack", "generate")),
    "mlops_sagemaker_modelpackage.handlers",
    "cloudformation_cli_python_lib",
    "boto3",
    "botocore",
}
PLAN_AN_EXAMPLE = f"""
import json, sys
from pathlib import Path
from {DRIVER} import planner
from {DRIVER}.resolution import Identity
from {DRIVER}.state import StackState
from {DRIVER}.template import Template

state = StackState()
for path in sorted(Path({str(ROOT / "examples" / "registry-flow")!r}).glob("*.yaml")):
    change_set = planner.plan(Template.load(path), state, Identity.planned("purity"))
    assert change_set.valid, change_set.lines()
    state = planner.simulate(change_set, state)
assert state.resources, "the example planned nothing"
print(json.dumps(sorted(sys.modules)))
"""


def test_planning_loads_nothing_that_runs_handlers() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PLAN_AN_EXAMPLE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = set(json.loads(done.stdout))

    assert f"{DRIVER}.planner" in loaded
    assert {m for m in loaded if m in RUNS or m.split(".")[0] in RUNS} == set()
