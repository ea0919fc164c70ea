"""The local driver plays CloudFormation: rollback paths, request shapes, checks, policies.

Every test deploys templates through the driver (mlops_sagemaker_modelpackage_local.driver)
against the backend and asserts on
SageMaker's state read back (and on what the handlers were sent), not only on printed events.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage_local.driver import planner
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.rehearsal import (
    Writer,
    failing,
    group_resource,
    run,
    version,
)

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


# ---------------------------------------------------------------- templates and state


# ---------------------------------------------------------------- rollback paths


# ---------------------------------------------------------------- request shapes


# ---------------------------------------------------------------- checks before handlers


# ---------------------------------------------------------------- policies and conditions


# ---------------------------------------------------------------- the command


# ---------------------------------------------------------------- --validate


# ---------------------------------------------------------------- --drift


# ---------------------------------------------------------------- issue 17: as CloudFormation does


def test_outputs_and_the_reason_of_a_failed_revision_are_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    outputs = {
        "Arn": {
            "Value": {"Ref": "Version"},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-arn"}},
        },
        "Number": {"Value": {"Fn::GetAtt": ["Version", "ModelPackageVersion"]}},
    }
    writer({"Models": group_resource(), "Version": version()}, Outputs=outputs)
    writer({"Models": group_resource(), "Version": version(), "Bad": failing()}, Outputs=outputs)

    code, out, _ = run(
        [str(tmp_path), "--fast", "--stack-name", "out", "--log-file", str(tmp_path / "l")],
        capsys,
    )

    assert code == 1
    summary = out.split("Summary of stack out")[1]
    assert re.search(
        r"after 1\.json: output Arn = arn:aws:sagemaker:us-east-1:123456789012:"
        r"model-package/driver-churn/1 \(export out-arn\)",
        summary,
    ), summary
    assert "after 1.json: output Number = 1" in summary
    assert (
        "2.json: UPDATE_ROLLBACK_COMPLETE, because Bad failed to create: Resource handler "
        'returned message: "CreateModelPackage failed: Model Package Group no-such-group'
    ) in summary


def test_the_summary_prints_no_empty_tags(
    stack: Stack, revision: Writer, sagemaker: SageMakerClient
) -> None:
    assert stack.deploy(revision({"Models": group_resource(), "Version": version(Tags=[])}))

    assert "tags" not in stack.story[-1]
    assert "(Completed; PendingManualApproval)" in stack.story[-1]
    assert stack.delete()


# ---------------------------------------------------------------- issue 16: what a user reads


# ---------------------------------------------------------------- the driver's shape


def driver_imports() -> dict[str, set[str]]:
    """Each module of local/driver and the driver modules it imports (TYPE_CHECKING included)."""
    import ast  # noqa: PLC0415

    folder = Path(planner.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "mlops_sagemaker_modelpackage_local.driver."
            ):
                found.add((node.module or "").split(".")[2])
        graph[path.stem] = found & modules
    return graph


def test_the_driver_imports_no_circle() -> None:
    graph = driver_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_one_place_decides_what_changes() -> None:
    """The replacement rule is applied by the planner only; the diff of properties is taken by
    the planner (a revision) and rollback (a journal) only, and defined in schema.py."""
    folder = Path(planner.__file__).parent
    texts = {p.stem: p.read_text() for p in folder.glob("*.py")}
    assert {m for m, text in texts.items() if ".replacing(" in text} == {"planner"}
    diffing = {m for m, text in texts.items() if "changed_properties(" in text}
    assert diffing == {"planner", "rollback", "schema"}
