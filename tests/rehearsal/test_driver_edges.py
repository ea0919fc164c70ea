"""The local driver where a review found it differing from CloudFormation: stack names, the
summary of a kept stack, numbers in parameters, every error of a template in --validate, and a
stack that was never created.

Each test runs the driver's command line against the backend and asserts on what it prints and
its exit status (SageMaker's state where something is deployed).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import GROUP_TYPE, write

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_a_group_tag_the_stack_also_sets_is_sent_once_with_the_resource_value(
    sagemaker: SageMakerClient, clock: VirtualClock, tmp_path: Path
) -> None:
    """As for our type (tags.effective_tags): the resource's own value wins over the stack's,
    and SageMaker is never sent the same key twice."""
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    stack = Stack(
        "edges", environment, Events(io.StringIO()), wait=clock.sleep, tags={"team": "stack"}
    )
    group = {
        "Type": GROUP_TYPE,
        "Properties": {
            "ModelPackageGroupName": "edges-tagged",
            "Tags": [{"Key": "team", "Value": "resource"}, {"Key": "own", "Value": "1"}],
        },
    }
    path = write(tmp_path, "1.json", {"Models": group})

    assert stack.deploy(Template.load(path))

    arn = stack.resources["Models"].physical_id
    tags = sagemaker.list_tags(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("own", "1"), ("team", "resource")]
    assert stack.delete()
