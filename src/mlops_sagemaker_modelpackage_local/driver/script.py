"""`--before SCRIPT`: run a user's script against the driver's SageMaker before any template.

Model versions are mostly registered outside CloudFormation: a SageMaker Pipelines step, the end
of a training job, a notebook, all with boto3. To rehearse adopting them, the driver runs such a
script first, as its own process, in the driver's region. With `--aws` it runs in your own
environment (your credentials). Otherwise it is isolated: it reaches the embedded backend and
nothing else, whatever it asks for.

- Every `AWS_*` variable of your environment is left out (profiles, config and credentials
  files, web identity, container credentials, endpoints, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`).
- `AWS_ENDPOINT_URL` (every service: STS, S3, ...) and `AWS_ENDPOINT_URL_SAGEMAKER` name the
  embedded backend (moto, which serves every service), with the driver's local credentials and
  region; instance metadata is off.
- `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` are files of the run's own: a `default`
  profile and one for each profile name your configuration has, each with the local
  credentials, region and endpoint. So a script that names a profile
  (`boto3.Session(profile_name="prod")`) runs unchanged, against the embedded backend, and no
  `credential_process`, SSO login or role of your configuration is used: only the names of your
  profiles are read from it.
"""

from __future__ import annotations

import configparser
import io
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

import botocore.session
from botocore.exceptions import BotoCoreError

from .generate import Caller

# Left out of an isolated script's environment: every AWS setting of the user's (and boto's).
AWS_PREFIXES = ("AWS_", "BOTO_")


class ScriptFailed(RuntimeError):
    """The script could not be started or exited non-zero; the message carries its output."""


def environment_for(env: Caller, endpoint: str | None, folder: Path) -> dict[str, str]:
    """The script's environment: this one, in the driver's region; with `endpoint` (a local
    SageMaker: embedded, or --endpoint-url) isolated as the module says, every service on that
    endpoint with the local credentials of the stack's account, its configuration files written
    in `folder`."""
    region = {"AWS_REGION": env.region, "AWS_DEFAULT_REGION": env.region}
    if endpoint is None:
        return {**os.environ, **region}
    config, credentials = folder / "config", folder / "credentials"
    config.write_text(_local_profiles(env, endpoint))
    credentials.write_text("")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(AWS_PREFIXES)},
        **region,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_SAGEMAKER": endpoint,
        "AWS_ACCESS_KEY_ID": env.credentials["accessKeyId"],
        "AWS_SECRET_ACCESS_KEY": env.credentials["secretAccessKey"],
        "AWS_SESSION_TOKEN": env.credentials["sessionToken"],
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
    }


def _local_profiles(env: Caller, endpoint: str) -> str:
    """A config file: `default` and every profile name of the user's configuration, each on
    the embedded backend with the local credentials."""
    settings = {
        "region": env.region,
        "endpoint_url": endpoint,
        "aws_access_key_id": env.credentials["accessKeyId"],
        "aws_secret_access_key": env.credentials["secretAccessKey"],
        "aws_session_token": env.credentials["sessionToken"],
    }
    config = configparser.ConfigParser(interpolation=None)
    for name in ["default", *sorted(set(_profile_names()) - {"default"})]:
        config[name if name == "default" else f"profile {name}"] = settings
    text = io.StringIO()
    config.write(text)
    return text.getvalue()


def _profile_names() -> list[str]:
    """The profile names of the user's configuration (read, never used: nothing it says runs)."""
    try:
        return list(botocore.session.Session().available_profiles)
    except BotoCoreError:  # an unreadable configuration has no names to offer
        return []


def command_for(script: str) -> list[str]:
    """`path/to/x.py --flag` runs with this Python (which has boto3); anything else as given."""
    words = shlex.split(script)
    if not words:
        raise ScriptFailed("--before needs a script")
    if words[0].endswith(".py"):
        return [sys.executable, *words]
    return words


def run(script: str, env: Caller, endpoint: str | None, stream: TextIO) -> None:
    """Run `script` to its end, its output (stdout and stderr) shown indented as it comes;
    ScriptFailed if it fails."""
    command = command_for(script)
    where = (
        f"the SageMaker at {endpoint}, account {env.account}" if endpoint else f"AWS ({env.region})"
    )
    print(f"Running {script} against {where}", file=stream, flush=True)
    with tempfile.TemporaryDirectory(prefix="modelpackage-rehearse-") as folder:
        try:
            process = subprocess.Popen(
                command,
                env={**environment_for(env, endpoint, Path(folder)), "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        except OSError as error:
            raise ScriptFailed(f"{script}: could not start: {error}") from error
        with process:
            for line in process.stdout or ():  # a pipe: stdout=PIPE
                print(f"  | {line.rstrip()}", file=stream, flush=True)
    if process.returncode != 0:
        raise ScriptFailed(f"{script} exited with status {process.returncode}")


def run_all(scripts: list[str], env: Caller, endpoint: str | None, stream: TextIO) -> bool:
    """Run each `--before` script in turn; False (said on `stream`) when one fails."""
    for command in scripts:
        try:
            run(command, env, endpoint, stream)
        except ScriptFailed as failed:
            print(f"--before: {failed}; nothing else was run", file=stream)
            return False
    return True
