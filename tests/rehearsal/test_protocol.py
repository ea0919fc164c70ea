"""The requests the rehearsal sends our handlers (driver/protocol.py) as CloudFormation shapes
them: values as strings, one bearer token across an operation's callbacks, stack and system
tags, previous properties and tags on an update. Read back from what the handlers were sent and
from SageMaker."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.rehearsal import OURS, Writer, packages, version

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


def test_requests_are_shaped_as_cloudformation_shapes_them(
    sagemaker: SageMakerClient, clock: VirtualClock, revision: Writer, backend: BackendControl
) -> None:
    backend.configure(lifecycle={"pending_describes": 1, "in_progress_describes": 30})
    environment = Environment(ACCOUNT, REGION, CREDENTIALS, sagemaker)
    stack = Stack(
        "shapes", environment, Events(io.StringIO()), wait=clock.sleep, tags={"team": "ml"}
    )
    metadata = {"auc": 0.91, "epochs": 12, "calibrated": True}
    unversioned: Json = {
        "Type": OURS,
        "Properties": {
            "ModelPackageName": "shapes",
            "InferenceSpecification": version()["Properties"]["InferenceSpecification"],
            "CertifyForMarketplace": False,
            "CustomerMetadataProperties": metadata,
            "Tags": [{"Key": "epochs", "Value": 12}],
        },
    }
    assert stack.deploy(revision({"Package": unversioned}))
    retagged = json.loads(json.dumps(unversioned))
    retagged["Properties"]["Tags"] = [{"Key": "epochs", "Value": 13}]
    assert stack.deploy(revision({"Package": retagged}))

    creates = [e for e in stack.requests if e["action"] == "CREATE"]
    assert len(creates) > 1  # the create went through callbacks
    assert len({e["bearerToken"] for e in creates}) == 1  # one token across them
    (update,) = [e for e in stack.requests if e["action"] == "UPDATE"]
    assert update["bearerToken"] != creates[0]["bearerToken"]
    first = creates[0]["requestData"]
    assert first["resourceProperties"]["CustomerMetadataProperties"] == {
        "auc": "0.91",
        "epochs": "12",
        "calibrated": "true",
    }
    assert first["resourceProperties"]["CertifyForMarketplace"] == "false"
    assert first["stackTags"] == {"team": "ml"}
    assert first["systemTags"] == {
        "aws:cloudformation:stack-name": "shapes",
        "aws:cloudformation:stack-id": stack.id,
        "aws:cloudformation:logical-id": "Package",
    }
    desired = update["requestData"]["resourceProperties"]
    read_only = {"ModelPackageStatus", "ModelPackageVersion", "CreationTime", "LastModifiedTime"}
    assert read_only.isdisjoint(desired)
    assert desired["ModelPackageArn"] == stack.resources["Package"].physical_id
    assert (
        update["requestData"]["previousResourceProperties"]["CustomerMetadataProperties"]["epochs"]
        == "12"
    )
    assert update["requestData"]["previousStackTags"] == {"team": "ml"}
    # what SageMaker holds: the values, as strings, and the stack tag beside the template's
    (described,) = packages(sagemaker).values()
    assert described["CustomerMetadataProperties"] == {
        "auc": "0.91",
        "epochs": "12",
        "calibrated": "true",
    }
    tags = sagemaker.list_tags(ResourceArn=described["ModelPackageArn"])["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("epochs", "13"), ("team", "ml")]
    assert stack.delete()
