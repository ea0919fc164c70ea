"""`--validate` predicts the approval events (driver/approvals.py): each change set says which
versions it approves, rejects or withdraws, which approved versions it updates, replaces, deletes or
imports (their events still say Approved, or none is sent), and what its rollback would undo.

Runs go through the rehearsal's `cli.main --validate`; nothing runs, so the prediction is read
from what it prints.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver.cli import main as rehearse
from tests.support.models import IMAGE
from tests.support.schema import ROOT

GROUP = {"Type": "AWS::SageMaker::ModelPackageGroup", "Properties": {"ModelPackageGroupName": "g"}}
REDEPLOYS = "a deploy-on-approval rule deploys it again"
DELETING = "its event says Approved with status Deleting"
STAMP: Json = {"CustomerMetadataProperties": {"deployed": "yes"}}


def version(approval: str | None = None, data: str = "a", **extra: Any) -> Json:
    """A version in the stack's group; `approval` None leaves ModelApprovalStatus out."""
    properties: Json = {
        "ModelPackageGroupName": {"Ref": "Models"},
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://models/{data}.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }
    if approval is not None:
        properties["ModelApprovalStatus"] = approval
    resource: Json = {"Type": "MLOps::SageMaker::ModelPackage", "Properties": properties}
    for key in ("DeletionPolicy", "UpdateReplacePolicy"):
        if key in extra:
            resource[key] = extra.pop(key)
    properties.update(extra)
    return resource


def later(approval: str | None = None) -> Json:
    """A step after the others, whose failure would roll them back."""
    step = version(approval, data="later")
    step["DependsOn"] = "Version"
    return step


def predicted(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *revisions: Json,
    imports: Json | None = None,
) -> list[str]:
    """`--validate` of `revisions` (resources each): every revision's approvals block, then the
    stack delete's, as printed (one string per block, lines joined)."""
    folder = tmp_path / "stack"
    folder.mkdir()
    for number, resources in enumerate(revisions, start=1):
        body = {"Resources": copy.deepcopy(resources)}
        (folder / f"{number}.json").write_text(json.dumps(body))
    arguments = [f"--import={k}={v}" for k, v in (imports or {}).items()]
    code = rehearse([str(folder), "--validate", *arguments])
    out = capsys.readouterr().out
    assert code == 0, out
    blocks = re.split(r"^(?:\d+\.json|stack delete)$", out, flags=re.MULTILINE)[1:]
    return [
        "\n".join(
            line.strip()
            for line in block.split("  approvals:\n", 1)[-1].splitlines()
            if line.startswith("    ")
        )
        if "  approvals:\n" in block
        else ""
        for block in blocks
    ]


def test_an_approved_create_and_what_its_rollback_deletes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, delete = predicted(
        tmp_path, capsys, {"Models": GROUP, "Version": version("Approved"), "Later": later()}
    )
    assert first == (
        "Version: approved once SageMaker has validated it (a new version)\n"
        f"if a later step fails, the rollback deletes approved Version ({DELETING})"
    )
    assert delete == f"Version: deleted while approved ({DELETING})"


def test_a_retained_approved_create_stays_approved_after_a_rollback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retained = version("Approved", DeletionPolicy="Retain")
    first, delete = predicted(
        tmp_path, capsys, {"Models": GROUP, "Version": retained, "Later": later()}
    )
    assert first.endswith(
        "the rollback leaves Version approved in the account (DeletionPolicy Retain)"
    )
    assert delete == "Version: left in the account, still approved (DeletionPolicy Retain)"


def test_approve_withdraw_by_removal_and_reject_each_with_its_rollback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = predicted(
        tmp_path,
        capsys,
        {"Models": GROUP, "Version": version(), "Later": later()},
        {"Models": GROUP, "Version": version("Approved"), "Later": later("Rejected")},
        {"Models": GROUP, "Version": version(), "Later": later("Rejected")},
        {"Models": GROUP, "Version": version("Rejected"), "Later": later("PendingManualApproval")},
    )
    assert blocks == [
        "",  # registered pending: nothing approved
        "Version: approved (PendingManualApproval → Approved)\n"
        "Later: rejected (PendingManualApproval → Rejected)\n"
        "if a later step fails, the rollback withdraws Version's approval "
        "(Approved → PendingManualApproval)",
        # nothing after it changes: no step whose failure would roll it back
        "Version: approval withdrawn (Approved → PendingManualApproval; ModelApprovalStatus "
        "removed)",
        "Version: rejected (PendingManualApproval → Rejected)\n"
        "Later: PendingManualApproval (Rejected → PendingManualApproval)\n"
        "if a later step fails, the rollback returns Version to PendingManualApproval",
        "",  # the stack's delete: nothing approved left
    ]


def test_an_approved_version_withdrawn_by_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rejected, _ = predicted(
        tmp_path,
        capsys,
        {"Models": GROUP, "Version": version("Approved")},
        {"Models": GROUP, "Version": version("Rejected"), "Later": later()},
    )
    assert rejected == (
        "Version: rejected, its approval withdrawn (Approved → Rejected)\n"
        f"if a later step fails, the rollback approves Version again (Rejected → Approved): "
        f"{REDEPLOYS}"
    )


def test_an_update_of_an_approved_version_says_approved_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stamped = version("Approved", **STAMP)
    _, update, _ = predicted(
        tmp_path,
        capsys,
        {"Models": GROUP, "Version": version("Approved")},
        {"Models": GROUP, "Version": stamped, "Later": later()},
    )
    assert update == (
        "Version: stays approved; its update (CustomerMetadataProperties) sends an event saying "
        "Approved, without ModelApprovalStatus among UpdatedModelPackageFields\n"
        "if a later step fails, the rollback updates approved Version back (its event says "
        "Approved again)"
    )


@pytest.mark.parametrize(
    ("policy", "old"),
    [
        ("Delete", f"is deleted once the update succeeds ({DELETING})"),
        ("Retain", "stays approved in the registry (UpdateReplacePolicy Retain)"),
    ],
)
def test_a_replacement_of_an_approved_version(
    policy: str, old: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, replaced, _ = predicted(
        tmp_path,
        capsys,
        {"Models": GROUP, "Version": version("Approved", UpdateReplacePolicy=policy)},
        {
            "Models": GROUP,
            "Version": version("Approved", data="retrained", UpdateReplacePolicy=policy),
            "Later": later(),
        },
    )
    assert replaced == (
        "Version: replaced by a new version, approved once SageMaker has validated it\n"
        f"Version: the approved version it replaces {old}\n"
        f"if a later step fails, the rollback deletes Version's new approved version ({DELETING})"
    )


def test_an_approved_version_removed_from_the_template_is_deleted_approved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = version(data="other")
    _, removed, _ = predicted(
        tmp_path,
        capsys,
        {"Models": GROUP, "Version": version("Approved"), "Other": other},
        {"Models": GROUP, "Other": other},
    )
    assert removed == f"Version: deleted while approved ({DELETING})"


def test_an_imported_approved_version_sends_nothing_until_it_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopted = version("Approved", DeletionPolicy="Retain", UpdateReplacePolicy="Retain")
    adopted["Properties"]["ModelPackageGroupName"] = "g"
    group = {**GROUP, "DeletionPolicy": "Retain"}
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1"
    imported, stamped, delete = predicted(
        tmp_path,
        capsys,
        {"Models": group, "Version": adopted},
        {"Models": group, "Version": {**adopted, "Properties": {**adopted["Properties"], **STAMP}}},
        imports={
            "Models": "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
            "Version": arn,
        },
    )
    assert imported == (
        "Version: imported approved: no event now (an import changes nothing in SageMaker); its "
        "next update or deletion sends one saying Approved"
    )
    assert stamped.startswith("Version: stays approved; its update (CustomerMetadataProperties)")
    assert delete == "Version: left in the account, still approved (DeletionPolicy Retain)"


def test_an_unversioned_package_has_no_approval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unversioned = version("Approved")
    del (
        unversioned["Properties"]["ModelPackageGroupName"],
        unversioned["Properties"]["ModelApprovalStatus"],
    )
    assert predicted(tmp_path, capsys, {"Package": unversioned}) == ["", ""]


def test_the_example_s_prediction_matches_what_its_rehearsal_sends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """examples/deploy-on-approval: the approvals --validate predicts for the failing revision
    are the ones test_examples sees in its events (November approved, October withdrawn, then
    approved again by the rollback, which deletes November)."""
    assert rehearse([str(ROOT / "examples" / "deploy-on-approval"), "--validate"]) == 0
    out = capsys.readouterr().out
    assert (
        "    ChurnModelVersion: approval withdrawn (Approved → PendingManualApproval; "
        "ModelApprovalStatus removed)\n"
        "    NovemberModelVersion: approved once SageMaker has validated it (a new version)\n"
        "    if a later step fails, the rollback approves ChurnModelVersion again "
        f"(PendingManualApproval → Approved): {REDEPLOYS}; then deletes approved "
        f"NovemberModelVersion ({DELETING})\n"
    ) in out
