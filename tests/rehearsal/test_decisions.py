"""The rehearsal's decisions, each made in one place: the supported types are the
registry's (supported.py), a replacement is decided once by the planner, what a step does to the
stack's state is one function for the executor and `--validate`'s simulation, and ARNs are built
by the product's arns.py (a stack's by `Identity.of`)."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage import arns
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import adopt, arguments, planner
from mlops_sagemaker_modelpackage_local.driver.changes import Kind
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.logs import HandlerLogs
from mlops_sagemaker_modelpackage_local.driver.provisioners import (
    Context,
    Environment,
    provisioners,
)
from mlops_sagemaker_modelpackage_local.driver.resolution import Bindings, Identity
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.state import StackState
from mlops_sagemaker_modelpackage_local.driver.supported import (
    GROUP_TYPE,
    IMPORTABLE,
    INSTEAD,
    OUR_TYPE,
    SUPPORTED,
)
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.models import versioned
from tests.support.schema import ROOT

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

DRIVER = ROOT / "src" / "mlops_sagemaker_modelpackage_local" / "driver"
REGISTRY_FLOW = ROOT / "examples" / "registry-flow"


def _modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text()) for path in sorted(DRIVER.glob("*.py"))}


@pytest.fixture
def stack(sagemaker: SageMakerClient, clock: VirtualClock) -> Stack:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    return Stack("decisions", environment, Events(io.StringIO()), wait=clock.sleep)


def template(folder: Path, name: str, resources: Json) -> Template:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"Resources": resources}))
    return Template.load(path)


def group(name: str = "churn-models", **properties: Any) -> Json:
    return {
        "Type": GROUP_TYPE,
        "DeletionPolicy": "Delete",
        "Properties": {"ModelPackageGroupName": name, **properties},
    }


def version() -> Json:
    """A version in the group the template names `Models`."""
    return {"Type": OUR_TYPE, "Properties": versioned(ModelPackageGroupName={"Ref": "Models"})}


# ---------------------------------------------------------------- the supported types


def test_resource_types_are_named_by_the_registry_only() -> None:
    """No driver module but supported.py spells a type the driver supports (or refuses with a
    hint): the others read its entries."""
    names = {*SUPPORTED, *INSTEAD}
    spelling = {
        stem
        for stem, module in _modules().items()
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and node.value in names
    }
    assert spelling == {"supported"}


def test_every_supported_type_is_planned_provisioned_and_imported_as_its_entry_says(
    sagemaker: SageMakerClient, tmp_path: Path
) -> None:
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    context = Context(
        "s", "id", environment, Events(io.StringIO()), HandlerLogs(stream=io.StringIO())
    )
    made = provisioners(context)
    assert {name: p.provides for name, p in made.items()} == SUPPORTED
    assert all(p.schema.type_name == name for name, p in made.items())

    resources = {f"R{i}": {"Type": name, "Properties": {}} for i, name in enumerate(SUPPORTED)}
    refused = {"Old": {"Type": "AWS::SageMaker::ModelPackage", "Properties": {}}}
    _, errors = Bindings.check(
        template(tmp_path, "all", {**resources, **refused}), Identity.planned("s")
    )
    assert [e for e in errors if "not supported locally" in e] == [
        "Old: resource type AWS::SageMaker::ModelPackage is not supported locally; "
        f"{INSTEAD['AWS::SageMaker::ModelPackage']}"
    ]

    assert set(IMPORTABLE) == {n for n, entry in SUPPORTED.items() if entry.parse_identifier}
    file = tmp_path / "import.json"
    for name in SUPPORTED.keys() - IMPORTABLE.keys():
        file.write_text(
            json.dumps(
                [
                    {
                        "ResourceType": name,
                        "LogicalResourceId": "Metadata",
                        "ResourceIdentifier": {"Id": "x"},
                    }
                ]
            )
        )
        with pytest.raises(adopt.ImportRefused, match=f"only {', '.join(IMPORTABLE)}"):
            adopt.imports_from_file(file)


# ---------------------------------------------------------------- replacement


def test_the_planner_decides_a_replacement_once() -> None:
    """TypeSchema.replacing is asked in one place: the planner's fixed point (`_desired`), which
    hands each change its reasons."""
    calls = [
        stem
        for stem, module in _modules().items()
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replacing"
    ]
    assert calls == ["planner"]


def test_a_replacement_that_cascades_carries_its_reasons_to_the_events(
    stack: Stack, tmp_path: Path
) -> None:
    """A renamed group is replaced; its version, whose group changes with it, is replaced too:
    each change says which create-only property forces it, and the executor says the same."""
    assert stack.deploy(template(tmp_path, "1", {"Models": group(), "Version": version()}))
    renamed = template(tmp_path, "2", {"Models": group("churn-models-v2"), "Version": version()})

    change_set = stack.plan(renamed)

    steps = {c.logical_id: (c.kind, c.replacing) for c in change_set.changes}
    assert steps == {
        "Models": (Kind.REPLACE, ("ModelPackageGroupName",)),
        "Version": (Kind.REPLACE, ("ModelPackageGroupName",)),
    }
    output = io.StringIO()
    stack.events.stream = output
    assert stack.execute(change_set)
    assert output.getvalue().count("(ModelPackageGroupName changed); hence creating one.") == 2
    assert stack.delete()


# ---------------------------------------------------------------- the state a step leaves


def account(state: StackState) -> Json:
    """What a stack's state holds, placeholders aside (a simulation has no real ARNs)."""
    return {
        "status": state.status,
        "parameters": state.parameters,
        "tags": state.tags,
        "resources": {
            logical_id: (
                r.type,
                r.generation,
                r.deletion_policy,
                r.update_replace_policy,
                sorted(r.properties),
            )
            for logical_id, r in state.resources.items()
        },
        "retained": [(r.logical_id, r.generation) for r in state.retained],
        "leftovers": [(r.logical_id, r.generation) for r in state.leftovers],
    }


def test_validate_simulates_the_state_a_deploy_leaves(stack: Stack) -> None:
    """registry-flow: registered, approved in place, replaced by a retrained version (the old
    one retained by its UpdateReplacePolicy): revision by revision, the simulated state is the
    deployed one."""
    simulated = StackState()
    for revision in arguments.revisions_of([REGISTRY_FLOW], [], []):
        change_set = planner.plan_revision(revision, simulated, stack.identity)
        simulated = planner.simulate(change_set, simulated)

        assert stack.deploy_revision(revision)

        assert account(simulated) == account(stack.state), revision.name
    assert [r.generation for r in stack.state.resources.values()] == [0, 1]
    assert stack.delete()


def test_a_policy_rewritten_in_another_form_is_what_the_stack_holds(
    stack: Stack, tmp_path: Path
) -> None:
    """No change for the group (the same document), and the stack keeps the template as it is
    now, as the simulation does: the next revision is compared with it."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
                "Action": "sagemaker:DescribeModelPackage",
                "Resource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn-models/*",
            }
        ],
    }
    first = template(tmp_path, "1", {"Models": group(ModelPackageGroupPolicy=document)})
    assert stack.deploy(first)
    text = json.dumps(document, indent=1)
    rewritten = template(tmp_path, "2", {"Models": group(ModelPackageGroupPolicy=text)})

    change_set = stack.plan(rewritten)
    simulated = planner.simulate(change_set, stack.state)
    assert [c.kind for c in change_set.changes] == [Kind.NO_CHANGE]
    assert stack.execute(change_set)

    held = stack.state.resources["Models"].properties["ModelPackageGroupPolicy"]
    assert held == simulated.resources["Models"].properties["ModelPackageGroupPolicy"] == text
    assert stack.delete()


# ---------------------------------------------------------------- ARNs


def test_arns_are_built_by_arns_py_and_a_stack_id_by_identity_of() -> None:
    """The driver formats no SageMaker ARN itself, and a stack's ARN in one place."""
    formatting = {
        stem
        for stem, module in _modules().items()
        for node in ast.walk(module)
        if isinstance(node, ast.JoinedStr)
        and node.values
        and isinstance(node.values[0], ast.Constant)
        and str(node.values[0].value).startswith("arn:")
    }
    assert formatting == {"resolution"}  # Identity.of
    identity = Identity.of("churn", "111111111111", "eu-west-1", "u-1")
    assert identity.stack_id == "arn:aws:cloudformation:eu-west-1:111111111111:stack/churn/u-1"
    assert Identity.planned("churn") == Identity.of("churn", "123456789012", "us-east-1")


def test_the_arns_a_plan_stands_in_are_ones_arns_py_reads() -> None:
    package = arns.package_arn("eu-west-1", "111111111111", "version-1")
    group_arn = arns.group_arn_at("eu-west-1", "111111111111", "models", partition="aws-cn")

    parsed_package, parsed_group = arns.parse_package(package), arns.parse_group(group_arn)
    assert parsed_package is not None
    assert parsed_group is not None
    assert (parsed_package["account"], parsed_package["name"]) == ("111111111111", "version-1")
    assert (parsed_group["partition"], parsed_group["name"]) == ("aws-cn", "models")
    assert not arns.is_versioned(package)
    assert arns.group_arn(package, "models") == group_arn.replace("aws-cn", "aws")
