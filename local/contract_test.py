"""`make contract-test`: the stock cfn contract suite against the local backend, no AWS, no Docker.

Starts the SageMaker backend and the Lambda stand-in on free loopback ports (with `--package
DIR` the stand-in runs the unpacked Lambda package isolated, as Lambda would), deploys
test/setup.yml into the backend (the group and export the versioned set needs), runs
`cfn test` on the input sets side by side (one stand-in each), stops everything, and exits
non-zero if any test failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from xml.etree import ElementTree

import boto3

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.serving import service

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIDLOCALCONTRACT00",
    "AWS_SECRET_ACCESS_KEY": "local-contract-secret",
    "AWS_SESSION_TOKEN": "local-contract-session",  # with a token, cfn skips GetSessionToken
    "AWS_DEFAULT_REGION": REGION,
}
# Versions take their tags from their group, so the two tests that require Tags in the input
# cannot pass for the versioned set (inputs_2); they run for the unversioned set.
DESELECTED = {2: ["contract_create_taggable", "contract_update_tag_updatable"]}
# The backend's lifecycle: Pending, then InProgress for a few looks, so every create and
# delete passes through IN_PROGRESS and a callback, yet a whole run stays short.
LIFECYCLE = {"pending_describes": 1, "in_progress_describes": 3, "deleting_describes": 1}
POLL_BUDGET_SECONDS = "2"
READY = "runtime ready, code from: "  # the stand-in's log line


def _deploy_setup(backend: str) -> None:
    cloudformation = boto3.client("cloudformation", endpoint_url=backend, region_name=REGION)
    cloudformation.create_stack(
        StackName="mlops-modelpackage-contract-setup",
        TemplateBody=(ROOT / "test" / "setup.yml").read_text(),
    )


class Totals:
    """Passed/failed/skipped over every input set, read from each run's JUnit report."""

    def __init__(self) -> None:
        self.passed = self.failed = self.skipped = 0

    def add(self, junit: Path, *, ran: bool) -> None:
        if not junit.exists():
            self.failed += 1 if not ran else 0
            return
        suite = ElementTree.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite[0]
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        self.passed += tests - skipped - failed
        self.failed += failed
        self.skipped += skipped


def _code_origins(standin_log: Path) -> str:
    """Where the runtime loaded the handler and botocore from, as the stand-in logged it."""
    for line in standin_log.read_text().splitlines():
        if line.startswith(READY):
            origins: dict[str, str | None] = json.loads(line.removeprefix(READY))
            folders = {str(Path(f).parent.parent) for f in origins.values() if f}
            return ", ".join(sorted(folders)) if folders else "unknown"
    return "unknown (the runtime never started)"


def _cfn_test(
    number: int, backend: str, lambda_url: str, junit: Path, pytest_args: list[str]
) -> list[str]:
    """The command that runs `cfn test` on input set `number` (local/run_cfn_test.py)."""
    return [
        sys.executable,
        "-m",
        "local.run_cfn_test",
        "--set",
        str(number),
        "--sts-endpoint",
        backend,
        "--",
        "--endpoint",
        lambda_url,
        "--function-name",
        "TypeFunction",
        "--region",
        REGION,
        "--cloudformation-endpoint-url",
        backend,
        "--",
        "-p",
        "no:cacheprovider",
        "-o",
        "log_cli=false",
        "-rA",
        f"--junitxml={junit}",
        *pytest_args,
    ]


def input_sets() -> list[int]:
    return sorted(
        {int(p.name.split("_")[1]) for p in (ROOT / "inputs").glob("inputs_*_create.json")}
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package", type=Path, help="the unpacked Lambda package to run (default: src/)"
    )
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for the contract pytest")
    args = parser.parse_args(argv)
    standin_args = ("--package", str(args.package.resolve())) if args.package else ()
    base_env = {**os.environ, **FAKE_CREDENTIALS}
    base_env.pop("AWS_PROFILE", None)
    os.environ.update(FAKE_CREDENTIALS)
    failures = 0
    totals = Totals()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as running:
        workdir = Path(tmp)
        backend = running.enter_context(
            service("mlops_sagemaker_modelpackage_local.backend.server", base_env, workdir)
        )
        BackendControl(backend).configure(lifecycle=LIFECYCLE)
        _deploy_setup(backend)
        handler_env = {
            **base_env,
            "AWS_ENDPOINT_URL": backend,
            "MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS": POLL_BUDGET_SECONDS,
        }
        # The input sets run side by side, each against a Lambda stand-in of its own (as two
        # containers of one function would serve them); each set's output is printed whole.
        runs = []
        for number in input_sets():
            folder = workdir / f"set-{number}"
            folder.mkdir()
            lambda_url = running.enter_context(
                service("local.lambda_standin", handler_env, folder, standin_args)
            )
            deselect = " and ".join(f"not {t}" for t in DESELECTED.get(number, []))
            pytest_args = [*args.pytest_args, "-k", deselect] if deselect else args.pytest_args
            command = _cfn_test(number, backend, lambda_url, folder / "junit.xml", pytest_args)
            log = running.enter_context((folder / "cfn-test.log").open("w"))
            process = subprocess.Popen(
                command, cwd=ROOT, env=base_env, stdout=log, stderr=subprocess.STDOUT
            )
            runs.append((number, folder, process))
        origins = []
        for number, folder, process in runs:
            returncode = process.wait()
            print(f"== contract tests, input set {number}", flush=True)
            print((folder / "cfn-test.log").read_text(), end="", flush=True)
            failures += returncode != 0
            junit = folder / "junit.xml"
            totals.add(junit, ran=returncode == 0 or junit.exists())
            origins.append(_code_origins(folder / "local.lambda_standin.log"))
        code = ", ".join(sorted(set(origins)))
    print(f"contract tests: {len(input_sets())} input sets in {time.monotonic() - started:.0f} s")
    print(f"contract: handlers ran from {code}")
    if args.package and not code.startswith(str(args.package.resolve())):
        print(f"contract: expected code from {args.package} only", file=sys.stderr)
        failures += 1
    print(f"contract: {totals.passed} passed, {totals.failed} failed, {totals.skipped} skipped")
    return 1 if failures or totals.failed or not totals.passed else 0


if __name__ == "__main__":
    sys.exit(main())
