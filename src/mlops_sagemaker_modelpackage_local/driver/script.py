"""`--before SCRIPT`: run a user's script against the driver's SageMaker before any template.

Model versions are mostly registered outside CloudFormation: a SageMaker Pipelines step, the end
of a training job, a notebook, all with boto3. To rehearse adopting them, the driver runs such a
script first, as its own process, with the embedded SageMaker in its environment: boto3 honours
`AWS_ENDPOINT_URL_SAGEMAKER`, so the script is unchanged from the one run in an account. It also
gets the driver's local credentials and region; nothing it does with SageMaker leaves the
machine. With `--aws` it runs in your own environment (your credentials), in the driver's region.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import TextIO

from .generate import Caller


class ScriptFailed(RuntimeError):
    """The script could not be started or exited non-zero; the message carries its output."""


def environment_for(env: Caller, endpoint: str | None) -> dict[str, str]:
    """The script's environment: this one, in the driver's region; with `endpoint` (a local
    SageMaker) also its URL for SageMaker and STS (winning over AWS_ENDPOINT_URL) and the
    driver's local credentials, in the stack's account."""
    values = dict(os.environ)
    values.update(AWS_REGION=env.region, AWS_DEFAULT_REGION=env.region)
    if endpoint is not None:
        values.pop("AWS_PROFILE", None)
        values.update(
            AWS_ENDPOINT_URL_SAGEMAKER=endpoint,
            AWS_ENDPOINT_URL_STS=endpoint,
            AWS_ACCESS_KEY_ID=env.credentials["accessKeyId"],
            AWS_SECRET_ACCESS_KEY=env.credentials["secretAccessKey"],
            AWS_SESSION_TOKEN=env.credentials["sessionToken"],
            AWS_EC2_METADATA_DISABLED="true",
        )
    return values


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
    try:
        process = subprocess.Popen(
            command,
            env={**environment_for(env, endpoint), "PYTHONUNBUFFERED": "1"},
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
