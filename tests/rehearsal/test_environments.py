"""The rehearsal in an account of a local SageMaker: `modelpackage-sagemaker` (the console
command, a process of its own), `modelpackage-rehearse --endpoint-url URL --account-id ID`
against it or `--account-id` alone on the embedded SageMaker, `--validate` with both, `--before`
scripts in the same endpoint and account, and what `--keep` leaves where (driver/environments.py).
With `--aws`: the credentials and region the AWS CLI would use, refused in one line when they
are missing or AWS cannot be reached, and `--validate --aws` plans for that account and region.

Runs go through the rehearsal's `cli.main`; state is read back from the server.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as rehearse
from mlops_sagemaker_modelpackage_local.driver.environments import local_credentials
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.models import IMAGE
from tests.support.rehearsal import Writer, group_resource, run, unversioned, write

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

NAMED_ACCOUNT = "555555555555"
SERVER = str(Path(sys.executable).with_name("modelpackage-sagemaker"))
NOWHERE = "http://127.0.0.1:9"  # nothing listens there


def start_server(*arguments: str) -> tuple[subprocess.Popen[str], str]:
    """`modelpackage-sagemaker ARGUMENTS` as a user starts it; the process and its first line."""
    process = subprocess.Popen(
        [SERVER, *arguments], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    first = process.stdout.readline().strip() if process.stdout else ""
    return process, first


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, first = start_server("--port", "0")
    assert " on http://127.0.0.1:" in first, first
    yield first.rsplit(" on ", 1)[1]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def sagemaker_in(url: str, account: str) -> SageMakerClient:
    client: SageMakerClient = BackendControl(url).sagemaker(local_credentials(account), REGION)
    return client


def registry(group: str) -> Json:
    """A retained group and a retained version in it."""
    return {
        "Models": {
            "Type": "AWS::SageMaker::ModelPackageGroup",
            "DeletionPolicy": "Retain",
            "Properties": {"ModelPackageGroupName": group},
        },
        "Version": {
            "Type": "MLOps::SageMaker::ModelPackage",
            "DeletionPolicy": "Retain",
            "Properties": {
                "ModelPackageGroupName": {"Ref": "Models"},
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGE}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
            },
        },
    }


def run_squeezed(
    arguments: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> tuple[int, str, str]:
    """The exit status, stdout (columns squeezed to one space) and stderr of one run."""
    logs = [] if "--validate" in arguments else ["--log-file", str(tmp_path / "handlers.log")]
    code = rehearse([*arguments, *logs])
    captured = capsys.readouterr()
    return code, re.sub(" +", " ", captured.out), captured.err


# ---------------------------------------------------------------- the console command


def test_the_server_answers_sts_and_sagemaker_per_account(server: str) -> None:
    control = BackendControl(server)
    for account in ("111111111111", NAMED_ACCOUNT):
        identity = control.client("sts", local_credentials(account), REGION).get_caller_identity()
        assert (identity["Account"], identity["Arn"]) == (account, f"arn:aws:iam::{account}:root")
    sagemaker_in(server, "111111111111").create_model_package_group(ModelPackageGroupName="solo")
    listed = sagemaker_in(server, NAMED_ACCOUNT).list_model_package_groups()
    assert "solo" not in [
        g["ModelPackageGroupName"] for g in listed["ModelPackageGroupSummaryList"]
    ]


def test_a_taken_port_is_one_error_and_the_help_names_the_default_port(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    process, _ = start_server("--port", port)
    output = (process.stdout.read() if process.stdout else "").strip()
    assert process.wait(timeout=15) == 2
    assert output.endswith(
        f"modelpackage-sagemaker: error: cannot serve on 127.0.0.1:{port}: choose another port "
        "with --port PORT (0 picks a free one)"
    ), output
    helped = subprocess.run([SERVER, "--help"], capture_output=True, text=True, check=True).stdout
    assert "default 4599" in helped
    assert "a 12-digit one is that account" in helped


# ---------------------------------------------------------------- --endpoint-url, --account-id


def test_a_stack_runs_in_the_named_account_of_the_server_and_its_resources_stay(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "kept"
    write(folder, "1.json", registry("kept-models"))
    arguments = [str(folder), "--endpoint-url", server, "--account-id", NAMED_ACCOUNT, "--keep"]
    code, out, _ = run_squeezed(arguments, capsys, tmp_path)
    assert code == 0, out
    version = f"arn:aws:sagemaker:{REGION}:{NAMED_ACCOUNT}:model-package/kept-models/1"
    assert f"Version CREATE_COMPLETE {version}" in out
    assert (
        f"--keep: the resources stay in the SageMaker at {server}; the stack itself lived in "
        "this run and is gone (a next run starts a new stack: adopt them with --import)"
    ) in out
    held = sagemaker_in(server, NAMED_ACCOUNT).describe_model_package(ModelPackageName=version)
    assert held["ModelPackageGroupName"] == "kept-models"  # still there after the run


def test_keep_on_the_embedded_sagemaker_says_nothing_outlives_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "t", "1.json", registry("gone-models"))
    code, out, _ = run_squeezed(
        [str(tmp_path / "t"), "--keep", "--account-id", NAMED_ACCOUNT], capsys, tmp_path
    )
    assert code == 0, out
    # the embedded SageMaker in that account: the version's ARN says so
    assert f"arn:aws:sagemaker:{REGION}:{NAMED_ACCOUNT}:model-package/gone-models/1" in out
    assert "--keep: the embedded SageMaker stopped with this run" in out
    assert "run against `modelpackage-sagemaker` (--endpoint-url)" in out


def test_the_endpoint_url_wins_over_aws_endpoint_url_for_handlers_and_scripts(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOWHERE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", NOWHERE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", NOWHERE)
    script = tmp_path / "register.py"
    script.write_text(
        "import boto3\n"
        "account = boto3.client('sts').get_caller_identity()['Account']\n"
        "boto3.client('sagemaker').create_model_package_group(\n"
        "    ModelPackageGroupName='scripted-' + account)\n"
        "print('registered as', account)\n"
    )
    write(tmp_path / "t", "1.json", registry("endpoint-models"))
    arguments = [str(tmp_path / "t"), "--endpoint-url", server, "--account-id", NAMED_ACCOUNT]
    code, out, _ = run_squeezed([*arguments, "--before", str(script)], capsys, tmp_path)
    assert code == 0, out
    assert f"Running {script} against the SageMaker at {server}, account {NAMED_ACCOUNT}" in out
    assert f" | registered as {NAMED_ACCOUNT}" in out
    held = sagemaker_in(server, NAMED_ACCOUNT).describe_model_package_group(
        ModelPackageGroupName=f"scripted-{NAMED_ACCOUNT}"
    )
    assert held["ModelPackageGroupArn"].startswith(f"arn:aws:sagemaker:{REGION}:{NAMED_ACCOUNT}:")
    assert "final status DELETE_COMPLETE" in out


def test_validate_plans_in_the_named_account(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "t"
    write(
        folder,
        "1.json",
        registry("planned"),
        Outputs={"Where": {"Value": {"Fn::Sub": "${AWS::AccountId}"}}},
    )
    for extra in (
        ["--account-id", NAMED_ACCOUNT],
        ["--endpoint-url", server, "--account-id", NAMED_ACCOUNT],
    ):
        code, out, _ = run_squeezed([str(folder), "--validate", *extra], capsys, tmp_path)
        assert code == 0, out
        assert f"output Where = {NAMED_ACCOUNT}" in out
        assert "Version create" in out
    assert not list(
        sagemaker_in(server, NAMED_ACCOUNT).list_model_package_groups(NameContains="planned")[
            "ModelPackageGroupSummaryList"
        ]
    )  # --validate ran nothing


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--aws", "--endpoint-url", NOWHERE], "--endpoint-url is for a local SageMaker; --aws"),
        (["--aws", "--account-id", NAMED_ACCOUNT], "--account-id is for a local SageMaker; --aws"),
        (["--account-id", "12345"], "--account-id takes a 12-digit AWS account id, not '12345'"),
        (["--endpoint-url", "localhost:4599"], "--endpoint-url takes the URL of a SageMaker"),
        (["--endpoint-url", NOWHERE], f"--endpoint-url {NOWHERE}: no SageMaker answers there"),
        (["--endpoint-url", NOWHERE, "--validate"], f"--endpoint-url {NOWHERE}: no SageMaker"),
    ],
)
def test_what_cannot_run_is_one_line_and_no_log_file(
    arguments: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "t", "1.json", registry("refused"))
    code, out, err = run_squeezed([str(tmp_path / "t"), *arguments], capsys, tmp_path)
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"modelpackage-rehearse: error: {words}"), line
    assert not (tmp_path / "handlers.log").exists()


def test_an_endpoint_that_ignores_the_access_key_is_refused(
    backend_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")  # moto's own override: one account
    write(tmp_path / "t", "1.json", registry("refused"))
    arguments = [str(tmp_path / "t"), "--endpoint-url", backend_url, "--account-id", NAMED_ACCOUNT]
    code, _, err = run_squeezed(arguments, capsys, tmp_path)
    assert code == 2
    assert (
        f"answers account 999999999999 for access key id {NAMED_ACCOUNT}: it does not take the "
        "account from a 12-digit access key id"
    ) in err


def test_generate_reads_in_the_named_account(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sagemaker = sagemaker_in(server, NAMED_ACCOUNT)
    sagemaker.create_model_package_group(ModelPackageGroupName="generated")
    arn = sagemaker.create_model_package(
        ModelPackageGroupName="generated",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    code, out, err = run_squeezed(
        ["--generate", arn, "--endpoint-url", server, "--account-id", NAMED_ACCOUNT],
        capsys,
        tmp_path,
    )
    assert code == 0, err
    assert "GeneratedVersion1:" in out
    assert "ModelPackageGroupName: generated" in out  # its own account: by name
    code, _, err = run_squeezed(["--generate", arn, "--endpoint-url", server], capsys, tmp_path)
    assert code == 1  # from the default account: another account's group, which has no policy
    assert "AccessDenied: DescribeModelPackage was refused by the group's resource policy" in err


# ---------------------------------------------------------------- --aws


def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_aws_without_credentials_is_one_line_and_no_log_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    Writer(tmp_path)({"Models": group_resource()})
    log = tmp_path / "handlers.log"

    code, out, err = run([str(tmp_path), "--aws", "--log-file", str(log)], capsys)

    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert "--aws: no AWS credentials found" in line
    assert not log.exists()


def test_aws_reads_the_region_as_the_cli_does_and_reports_no_network_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # the AWS CLI reads it; boto3 alone does not
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    Writer(tmp_path)({"Models": group_resource()})
    log = tmp_path / "handlers.log"

    code, _, err = run([str(tmp_path), "--aws", "--log-file", str(log)], capsys)

    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("modelpackage-rehearse: error: --aws: cannot reach AWS: "), line
    assert "127.0.0.1:9" in line
    assert not log.exists()


def test_validate_with_aws_plans_for_your_account_and_region(
    backend_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A map keyed by region: --validate --aws resolves it for the region a deploy would use,
    not the local stand-in's us-east-1 (moto's STS stands in for your account)."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["accessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secretAccessKey"])
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", backend_url)
    bucket = {"Fn::FindInMap": ["Buckets", {"Ref": "AWS::Region"}, "Name"]}
    write(
        tmp_path,
        "1.json",
        {"Model": unversioned(SourceUri={"Fn::Sub": ["s3://${B}/src", {"B": bucket}]})},
        Mappings={"Buckets": {"eu-west-1": {"Name": "models-eu"}}},
        Outputs={"Where": {"Value": {"Fn::Sub": "${AWS::Region}/${AWS::AccountId}"}}},
    )

    code, out, err = run([str(tmp_path), "--validate", "--aws"], capsys)

    assert code == 0, out
    assert "--validate only reads your account and region" in err
    assert f"output Where = eu-west-1/{ACCOUNT}" in out

    code, out, _ = run([str(tmp_path), "--validate"], capsys)  # the local stand-in: us-east-1
    assert code == 1
    assert "Unable to get mapping for Buckets::us-east-1::Name" in out
