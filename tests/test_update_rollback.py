"""The rollback of an update (update.py) through the real entry point against the backend.

Every update here is followed by its rollback: UPDATE with desired and previous swapped, as
CloudFormation sends it when another resource of the stack fails. It must succeed and leave
SageMaker as the old template says (or untouched where SageMaker cannot clear a value); an
update to the same template repairs drift.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver import protocol
from tests.support.cfn import Run, drive, invoke
from tests.support.models import MODEL_CARD_SECRET, additional_spec, unversioned, versioned

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

pytestmark = pytest.mark.usefixtures("clock")


def _update(arn: str, desired: Json, previous: Json, **kwargs: Any) -> Run:
    return drive(
        "UPDATE",
        {**desired, "ModelPackageArn": arn},
        previous={**previous, "ModelPackageArn": arn},
        **kwargs,
    )


def _update_and_roll_back(arn: str, before: Json, after: Json) -> tuple[Run, Run]:
    update = _update(arn, after, before)
    rollback = _update(arn, before, after)
    return update, rollback


def test_an_approval_rolls_back(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    before = versioned(group, ModelApprovalStatus="PendingManualApproval")
    after = {
        **before,
        "ModelApprovalStatus": "Approved",
        "ApprovalDescription": "passed review",
        "ModelCard": {
            "ModelCardContent": f'{{"note": "{MODEL_CARD_SECRET}"}}',
            "ModelCardStatus": "Draft",
        },
        "ModelLifeCycle": {"Stage": "Production", "StageStatus": "Approved"},
        "CustomerMetadataProperties": {"reviewer": "ana"},
    }
    arn = drive("CREATE", before).model["ModelPackageArn"]
    update, rollback = _update_and_roll_back(arn, before, after)
    assert update.last["status"] == "SUCCESS", update.last
    assert rollback.last["status"] == "SUCCESS", rollback.last  # not UPDATE_ROLLBACK_FAILED
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert "CustomerMetadataProperties" not in described
    assert not described.get("ApprovalDescription")  # the approval's words go with it
    # SageMaker cannot clear these: they stay as the failed update left them, without an error
    assert described["ModelLifeCycle"]["Stage"] == "Production"
    assert rollback.model["ModelApprovalStatus"] == "PendingManualApproval"


def test_a_rollback_cannot_tell_a_restated_approval_from_one_it_granted(
    backend: BackendControl,
    sagemaker: SageMakerClient,
    group: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The limit the README states, shown. The old template names no status.
    History A: a reviewer approves in Studio, the new revision restates `Approved` (no call: it
    changed nothing). History B: the new revision grants the approval (UpdateModelPackage).
    Another resource fails in both; the rollback UPDATE of each package gets the same request
    (desired and previous properties, no callback context: nothing of what the update did) and
    finds the same package in SageMaker (but for when it was changed, not by whom), so no
    handler can tell them apart: both rollbacks withdraw the approval the old template did not
    grant."""
    old = versioned(group)
    new = versioned(group, ModelApprovalStatus="Approved")
    restated = drive("CREATE", old).model["ModelPackageArn"]
    granted = drive("CREATE", old).model["ModelPackageArn"]
    sagemaker.update_model_package(ModelPackageArn=restated, ModelApprovalStatus="Approved")
    backend.reset_calls()
    assert _update(restated, new, old).last["status"] == "SUCCESS"
    assert "UpdateModelPackage" not in backend.operations()  # the update changed nothing
    assert _update(granted, new, old).last["status"] == "SUCCESS"
    assert "UpdateModelPackage" in backend.operations()

    def held(arn: str) -> Json:
        described = dict(sagemaker.describe_model_package(ModelPackageName=arn))
        when = ("ModelPackageArn", "ModelPackageVersion", "CreationTime", "LastModifiedTime")
        return {k: v for k, v in described.items() if k not in (*when, "ResponseMetadata")}

    assert held(restated) == held(granted)
    requests: list[Json] = []
    send = protocol.invoke

    def recorded(event: Json) -> Json:
        requests.append(copy.deepcopy(event))
        return send(event)

    monkeypatch.setattr(protocol, "invoke", recorded)
    for arn in (restated, granted):
        assert _update(arn, old, new).last["status"] == "SUCCESS"  # the rollbacks
    seen = [
        (
            {k: v for k, v in r["requestData"]["resourceProperties"].items() if "Arn" not in k},
            {
                k: v
                for k, v in r["requestData"]["previousResourceProperties"].items()
                if "Arn" not in k
            },
            r["callbackContext"],
        )
        for r in requests
    ]
    assert seen[0] == seen[1]
    assert seen[0][2] is None
    for arn in (restated, granted):
        status = sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
        assert status == "PendingManualApproval"


def test_a_rollback_after_a_refused_specification_change(
    backend: BackendControl, sagemaker: SageMakerClient, group: str
) -> None:
    before = versioned(group, AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2")])
    changed = versioned(
        group, AdditionalInferenceSpecificationsToAdd=[additional_spec("inf2", image="other:2")]
    )
    arn = drive("CREATE", before).model["ModelPackageArn"]
    refused = invoke(
        "UPDATE", {**changed, "ModelPackageArn": arn}, previous={**before, "ModelPackageArn": arn}
    )
    assert refused["errorCode"] == "InvalidRequest"
    backend.reset_calls()
    rollback = _update(arn, before, changed)
    assert rollback.last["status"] == "SUCCESS", rollback.last
    assert "UpdateModelPackage" not in backend.operations()  # the package already holds it
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["inf2"]


def test_added_specifications_roll_back_to_what_sagemaker_keeps(
    sagemaker: SageMakerClient, group: str
) -> None:
    before = versioned(group)
    after = versioned(group, AdditionalInferenceSpecificationsToAdd=[additional_spec("gpu")])
    arn = drive("CREATE", before).model["ModelPackageArn"]
    update, rollback = _update_and_roll_back(arn, before, after)
    assert update.last["status"] == "SUCCESS"
    assert rollback.last["status"] == "SUCCESS", rollback.last
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert [s["Name"] for s in described["AdditionalInferenceSpecifications"]] == ["gpu"]


def test_tags_and_stack_tags_roll_back(sagemaker: SageMakerClient) -> None:
    before = unversioned(Tags=[{"Key": "team", "Value": "ml"}])
    after = unversioned(Tags=[{"Key": "team", "Value": "risk"}, {"Key": "tier", "Value": "1"}])
    arn = drive("CREATE", before, stack_tags={"env": "dev"}).model["ModelPackageArn"]
    update = _update(
        arn, after, before, stack_tags={"env": "prod"}, previous_stack_tags={"env": "dev"}
    )
    rollback = _update(
        arn, before, after, stack_tags={"env": "dev"}, previous_stack_tags={"env": "prod"}
    )
    assert update.last["status"] == rollback.last["status"] == "SUCCESS"
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=arn)["Tags"]}
    assert tags == {"team": "ml", "env": "dev"}


def test_drift_is_repaired_by_the_same_template(sagemaker: SageMakerClient, group: str) -> None:
    template = versioned(group, ModelApprovalStatus="PendingManualApproval")
    arn = drive("CREATE", template).model["ModelPackageArn"]
    sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    repaired = _update(arn, template, template)
    assert repaired.last["status"] == "SUCCESS"
    described = sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"


# ------------------------------------------------------------------ 12: read, identifier only
