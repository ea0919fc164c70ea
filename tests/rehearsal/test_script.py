"""`--before` scripts (driver/script.py): run with the rehearsal's Python, given the endpoint, local
credentials and region, a failing one reported with its output; and they reach only the embedded
backend unless `--aws` is given: not the user's profiles, credential processes or SSO, and no
real endpoint of any service.

The user's side is faked whole: a home folder whose ~/.aws/config names profiles with a
`credential_process` that records being called and an endpoint no packet can reach (a
non-loopback address), a credentials file with keys, and an environment pointing at all of it
(AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, per-service endpoints,
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS). A script then calls STS and S3 with and without naming a
profile, through the rehearsal's command line; the test reads what it saw and what the embedded
backend holds."""

from __future__ import annotations

import io
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from mlops_sagemaker_modelpackage_local.driver import script
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.resolution import LOCAL_ACCOUNT
from tests.support.cfn import CREDENTIALS, REGION

# Not loopback, never routed: a call sent there times out instead of reaching anything.
UNREACHABLE = "http://10.255.255.1:9"
REAL_KEY = "AKIAREALUSERKEY00000"

SCRIPT = """\
import sys
import boto3
from botocore.config import Config

quick = Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1})
bucket = sys.argv[1]
for label, session in (("env", boto3.Session()), ("named", boto3.Session(profile_name="prod"))):
    sts = session.client("sts", config=quick)
    s3 = session.client("s3", config=quick)
    print(label, "account", sts.get_caller_identity()["Account"])
    print(label, "key", session.get_credentials().access_key)
    print(label, "endpoints", sts.meta.endpoint_url, s3.meta.endpoint_url)
    s3.create_bucket(Bucket=f"{bucket}-{label}")
"""


@dataclass(frozen=True)
class Account:
    """Your account, as --aws finds it."""

    account: str
    region: str
    credentials: dict[str, str]


@pytest.fixture
def users_own_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's AWS configuration, all of it pointing away from the embedded backend; returns
    the file the credential process writes when it is called."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    called = tmp_path / "credential-process-called"
    recorder = tmp_path / "credential_process.py"
    recorder.write_text(
        "import json, pathlib, sys\n"
        f"pathlib.Path({str(called)!r}).write_text('called')\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAFROMPROCESS00000', "
        "'SecretAccessKey': 'secret'}))\n"
    )
    process = f"{sys.executable} {recorder}"
    (home / ".aws" / "config").write_text(
        f"[default]\nregion = eu-west-1\ncredential_process = {process}\n"
        f"endpoint_url = {UNREACHABLE}\n\n"
        f"[profile prod]\nregion = eu-west-1\ncredential_process = {process}\n"
        f"endpoint_url = {UNREACHABLE}\n\n"
        "[profile sso-admin]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = eu-west-1\nsso_account_id = 999999999999\nsso_role_name = Admin\n"
    )
    (home / ".aws" / "credentials").write_text(
        f"[prod]\naws_access_key_id = {REAL_KEY}\naws_secret_access_key = real-secret\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", UNREACHABLE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", UNREACHABLE)
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    # boto3's default session caches the configuration it read first: read this one
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return called


def test_a_before_script_reaches_only_the_embedded_backend_whatever_it_names(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    users_own_aws: Path,
    backend_url: str,
) -> None:
    script = tmp_path / "register.py"
    script.write_text(SCRIPT)
    bucket = f"before-{uuid.uuid4().hex[:12]}"
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "1.yaml").write_text(
        "Resources:\n  Models:\n    Type: AWS::SageMaker::ModelPackageGroup\n"
        "    Properties:\n      ModelPackageGroupName: isolated\n"
    )

    log = str(tmp_path / "log")
    code = driver_main(
        [str(templates), "--before", f"{script} {bucket}", "--fast", "--log-file", log]
    )

    out = capsys.readouterr().out
    assert code == 0, out
    lines = [line.removeprefix("  | ") for line in out.splitlines() if line.startswith("  | ")]
    assert "Traceback (most recent call last):" not in lines
    url = out.split("Running ")[1].split(" against the SageMaker at ")[1].split(",")[0]
    for label in ("env", "named"):
        assert f"{label} account {LOCAL_ACCOUNT}" in lines  # the embedded STS answered
        assert f"{label} key {LOCAL_ACCOUNT}" in lines  # the local key names the account
        assert f"{label} endpoints {url} {url}" in lines
    assert not users_own_aws.exists(), "the user's credential_process was run"
    assert REAL_KEY not in out
    # the buckets are in the embedded backend (moto's store is this process's)
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=backend_url,
        aws_access_key_id=CREDENTIALS["accessKeyId"],
        aws_secret_access_key=CREDENTIALS["secretAccessKey"],
    )
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {f"{bucket}-env", f"{bucket}-named"} <= names


def test_with_aws_the_script_gets_the_users_environment(
    tmp_path: Path, users_own_aws: Path
) -> None:
    """`--aws`: your credentials and endpoints, as your own scripts see them (only the region is
    the driver's)."""
    account = Account("999999999999", "eu-west-1", {"accessKeyId": "x", "secretAccessKey": "y"})

    environment = script.environment_for(account, None, tmp_path)

    assert environment["AWS_PROFILE"] == "prod"
    assert environment["AWS_ENDPOINT_URL_STS"] == UNREACHABLE
    assert environment["AWS_REGION"] == "eu-west-1"
    assert "AWS_ACCESS_KEY_ID" not in environment


def test_the_script_gets_the_endpoint_local_credentials_and_region(
    env: Environment, tmp_path: Path
) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\n"
        "for k in ('AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ACCESS_KEY_ID', 'AWS_REGION'):\n"
        "    print(k, os.environ[k])\n"
        "print('PROFILE', os.environ.get('AWS_PROFILE'))\n"
    )
    shown = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_PROFILE", "production")
        script.run(f"{probe}", env, "http://127.0.0.1:9", shown)
    assert "  | AWS_ENDPOINT_URL_SAGEMAKER http://127.0.0.1:9" in shown.getvalue()
    assert f"  | AWS_ACCESS_KEY_ID {CREDENTIALS['accessKeyId']}" in shown.getvalue()
    assert f"  | AWS_REGION {REGION}" in shown.getvalue()
    assert "  | PROFILE None" in shown.getvalue()  # never the user's own account


def test_a_failing_script_is_reported_with_its_output(env: Environment, tmp_path: Path) -> None:
    failing = tmp_path / "fails.py"
    failing.write_text("import sys\nprint('registering')\nsys.exit('no model data')\n")
    shown = io.StringIO()
    with pytest.raises(script.ScriptFailed, match="exited with status 1"):
        script.run(f"{failing} --group x", env, None, shown)
    assert "  | registering" in shown.getvalue()
    assert "  | no model data" in shown.getvalue()
    with pytest.raises(script.ScriptFailed, match="could not start"):
        script.run(str(tmp_path / "no-such-command"), env, None, shown)


def test_a_python_script_runs_with_the_drivers_python() -> None:
    assert script.command_for("register.py --group 'a b'") == [
        sys.executable,
        "register.py",
        "--group",
        "a b",
    ]
    assert script.command_for("bash register.sh") == ["bash", "register.sh"]
