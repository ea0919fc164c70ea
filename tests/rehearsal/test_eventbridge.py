"""`modelpackage-rehearse --events FILE --event-pattern FILE` (driver/eventbridge.py): the
events SageMaker sends during a run, each printed under the resource event that caused it and
written as a JSON line; a rule's pattern, evaluated by moto's EventBridge pattern language,
marks and counts the events it matches; whatever cannot be followed or is not a pattern is
refused before anything runs.

Runs go through the rehearsal's `cli.main`; events are read back from its file and from the
SageMaker's control API.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver import deploy
from mlops_sagemaker_modelpackage_local.driver.arguments import Refused
from mlops_sagemaker_modelpackage_local.driver.cli import main as rehearse
from mlops_sagemaker_modelpackage_local.driver.environments import Site, embedded
from mlops_sagemaker_modelpackage_local.driver.events import Events
from tests.support.cfn import REGION, in_account, share_group
from tests.support.models import IMAGE

SPECIFICATION = {
    "Containers": [{"Image": IMAGE}],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}
APPROVALS = {
    "source": ["aws.sagemaker"],
    "detail": {
        "ModelApprovalStatus": ["Approved"],
        "UpdatedModelPackageFields": ["ModelApprovalStatus"],
    },
}


def stack(folder: Path, group: Json | str = "churn-models", approval: str = "Approved") -> Path:
    """A revision: a group of its own (unless `group` names one elsewhere) and a version."""
    folder.mkdir(parents=True, exist_ok=True)
    resources: Json = {
        "Version": {
            "Type": "MLOps::SageMaker::ModelPackage",
            "Properties": {
                "ModelPackageGroupName": {"Ref": "Models"} if group == "churn-models" else group,
                "ModelApprovalStatus": approval,
                "InferenceSpecification": SPECIFICATION,
            },
        }
    }
    if group == "churn-models":
        resources["Models"] = {
            "Type": "AWS::SageMaker::ModelPackageGroup",
            "Properties": {"ModelPackageGroupName": group},
        }
    path = folder / "1.json"
    path.write_text(json.dumps({"Resources": resources}))
    return folder


def run(
    arguments: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> tuple[int, str, str]:
    """The exit status, stdout (columns squeezed to one space) and stderr of one run."""
    code = rehearse([*arguments, "--fast", "--log-file", str(tmp_path / "handlers.log")])
    captured = capsys.readouterr()
    return code, re.sub(" +", " ", captured.out), captured.err


def pattern(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rule.json"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"detail": {"ModelApprovalStatus": ["Approved"]', "not JSON: Expecting ',' delimiter"),
        ('["aws.sagemaker"]', "an event pattern is a JSON object naming the fields to match"),
        ("{}", "an event pattern is a JSON object"),
        ('{"source": "aws.sagemaker"}', "Reason: 'source' must be an object or an array"),
        ('{"detail": {"ModelApprovalStatus": []}}', "Reason: Empty arrays are not allowed"),
        (
            '{"detail": {"ModelApprovalStatus": [{"prefx": "Appr"}]}}',
            'detail.ModelApprovalStatus: {"prefx": "Appr"} is not a comparison: one of '
            "anything-but, cidr, equals-ignore-case, exists, numeric, prefix, suffix, wildcard, "
            "each in its own object (unknown: prefx)",
        ),
        (
            '{"detail": {"ModelApprovalStatus": [{"prefix": "A", "suffix": "d"}]}}',
            "is not a comparison",
        ),
        ('{"$or": {"source": ["aws.sagemaker"]}}', "$or: $or takes a list of patterns"),
        (
            '{"$or": [{"detail": {"X": [{"exist": true}]}}]}',
            "$or[0].detail.X: ",
        ),
    ],
)
def test_a_pattern_eventbridge_would_refuse_is_refused_before_anything_runs(
    text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = stack(tmp_path / "t")
    rule = pattern(tmp_path, text)
    code, out, err = run([str(folder), "--event-pattern", rule], capsys, tmp_path)
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"modelpackage-rehearse: error: --event-pattern {rule}: "), line
    assert words in line, line
    assert not (tmp_path / "handlers.log").exists()


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--aws", "--events", "e.jsonl"], "--events reads the events a local SageMaker sends"),
        (["--aws", "--event-pattern", "r.json"], "--event-pattern reads the events a local"),
        (["--validate", "--events", "e.jsonl"], "--events does nothing with --validate"),
        (["--validate", "--event-pattern", "r.json"], "--event-pattern does nothing with"),
        (["--event-pattern", "missing.json"], "--event-pattern missing.json: cannot read it: No "),
    ],
)
def test_events_need_a_run_on_a_local_sagemaker(
    arguments: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = rehearse([str(stack(tmp_path / "t")), *arguments])
    err = capsys.readouterr().err
    assert code == 2
    assert f"modelpackage-rehearse: error: {words}" in err, err


def test_generate_refuses_them(capsys: pytest.CaptureFixture[str]) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"
    assert rehearse(["--generate", arn, "--events", "e.jsonl"]) == 2
    assert "--events does nothing with --generate" in capsys.readouterr().err


def test_an_events_file_that_cannot_be_written_is_refused_before_the_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([str(stack(tmp_path / "t")), "--events", str(tmp_path)], capsys, tmp_path)
    assert code == 2
    assert f"--events: cannot write {tmp_path}: Is a directory" in err
    assert "CREATE_IN_PROGRESS" not in out


def test_a_sagemaker_without_the_events_api_is_refused(tmp_path: Path) -> None:
    """A SageMaker endpoint that is not ours (LocalStack, say) does not tell its events."""
    options = deploy.Options("s", events=tmp_path / "e.jsonl")
    with embedded() as target, ExitStack() as opened:
        elsewhere = Site(target.env, "http://127.0.0.1:9")  # nothing listens there
        with pytest.raises(Refused, match=r"the SageMaker at http://127.0.0.1:9 does not tell"):
            deploy.watch_events(options, elsewhere, Events(), opened)


def test_events_of_another_accounts_registry_and_of_the_scripts_are_followed(
    backend: BackendControl,
    backend_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A training account's stack registers and approves a version in a central registry: its
    events go to the registry account's bus, and say so; a --before script's come first, under
    its output; what the server sent before the run is not the run's."""
    central, training = "111111111111", "222222222222"
    registry = backend.sagemaker(in_account(central), REGION)
    group_arn = share_group(registry, "central-churn", training, deletes=True)
    registry.create_model_package(ModelPackageGroupName="central-churn")  # before the run
    script = tmp_path / "register.py"
    script.write_text(
        "import boto3\n"
        "sagemaker = boto3.client('sagemaker', region_name='us-east-1')\n"
        "sagemaker.create_model_package_group(ModelPackageGroupName='scratch')\n"
        "sagemaker.create_model_package(ModelPackageGroupName='scratch')\n"
        "print('registered')\n"
    )
    written = tmp_path / "events.jsonl"
    arguments = [
        str(stack(tmp_path / "t", group_arn)),
        "--endpoint-url",
        backend_url,
        "--account-id",
        training,
        "--before",
        str(script),
        "--events",
        str(written),
        "--event-pattern",
        pattern(tmp_path, json.dumps(APPROVALS)),
    ]
    code, out, _ = run(arguments, capsys, tmp_path)
    assert code == 0, out
    events = [json.loads(line) for line in written.read_text().splitlines()]
    assert [(e["account"], e["resources"][0].rsplit(":", 1)[-1]) for e in events] == [
        (training, "model-package/scratch/1"),  # the script's, in the stack's account
        *[(central, "model-package/central-churn/2")] * 3,  # created, approved, deleted
    ]
    assert " | registered\n SageMaker event: scratch/1 Completed, PendingManualApproval\n" in out, (
        out
    )
    assert (
        "SageMaker event: central-churn/2 Completed, Approved; updated ModelApprovalStatus "
        f"(account {central}) << matches rule.json" in out
    ), out
    assert (
        "1 event(s) matched rule.json, for:\n "
        f"arn:aws:sagemaker:{REGION}:{central}:model-package/central-churn/2 (1 event)"
    ) in out
    assert "SageMaker events: 4, written to" in out
