"""A central model registry across three accounts, rehearsed against one local SageMaker.

    python examples/central-registry/run.py [--endpoint-url URL]

Without --endpoint-url it starts `modelpackage-sagemaker` on a free port and stops it at the
end; with one, it uses that server (which keeps what the run leaves). Each step is the
command a team runs in that account (README: "A central registry across accounts"):

1. registry account: the group and its policy (training registers and approves, deployment
   reads); the policy rewritten as JSON text in another key order plans no change and makes
   no call;
2. training account: registers versions by the group's ARN (they live in the registry
   account) and approves version 1;
3. deployment account: reads version 2 (`--generate`, then an import), but approving it is
   refused by the group's policy and rolled back;
4. an outsider account: registering a version is refused.

Then the registry is read back from its own account. The exit status is 0 when every step
ended as expected.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver.cli import main as rehearse
from mlops_sagemaker_modelpackage_local.driver.environments import local_credentials

HERE = Path(__file__).resolve().parent
REGION = "us-east-1"
ACCOUNTS = {
    "registry": "111111111111",
    "training": "222222222222",
    "deployment": "333333333333",
    "outsider": "444444444444",
}
GROUP = "churn-models"
VERSION = f"arn:aws:sagemaker:{REGION}:{ACCOUNTS['registry']}:model-package/{GROUP}/{{}}"


@dataclass(frozen=True)
class Step:
    """One command in one account, and how it should end."""

    account: str
    arguments: list[str]
    status: int
    outcome: str
    shows: list[str] = field(default_factory=list)  # words its output must contain


DEPLOY = ["--fast", "--drift"]
STEPS = [
    Step(
        "registry",
        [str(HERE / "central"), "--validate"],
        0,
        "the policy rewritten as JSON text, keys in another order, plans no change",
        ["ChurnModels                  no change"],  # only the second revision can say so,
    ),
    Step(
        "registry",
        [str(HERE / "central"), "--stack-name", "central-registry", *DEPLOY],
        0,
        "the group is created with its policy, which the second revision leaves alone",
        ["ChurnModels                  CREATE_COMPLETE", "updated in place 0"],
    ),
    Step(
        "training",
        [str(HERE / "training"), "--stack-name", "churn-training", *DEPLOY],
        0,
        "versions 1 and 2 registered by group ARN (in the registry account); 1 approved",
        [
            f"ChurnModelVersion1 {VERSION.format(1)} (Completed; Approved)",
            # READ names the group by ARN, as the template does: no drift
            "drift ChurnModelVersion2: IN_SYNC",
        ],
    ),
    Step(
        "deployment",
        ["--generate", VERSION.format(2)],
        0,
        "reads version 2: the template names the group by its ARN",
        [
            "  ChurnModelsVersion2:",  # the logical id from the group's name, not its ARN
            f"ModelPackageGroupName: arn:aws:sagemaker:{REGION}:{ACCOUNTS['registry']}:",
        ],
    ),
    Step(
        "deployment",
        [
            str(HERE / "deployment"),
            *("--stack-name", "churn-deployment"),
            *("--import", f"ChurnModelsVersion2={VERSION.format(2)}"),
            *DEPLOY,
        ],
        1,
        "imports version 2 (a READ), but approving it is refused: AccessDenied, rolled back",
        ["ChurnModelsVersion2          IMPORT_COMPLETE", "HandlerErrorCode: AccessDenied"],
    ),
    Step(
        "outsider",
        [str(HERE / "outsider"), "--stack-name", "churn-outsider", *DEPLOY],
        1,
        "registering a version is refused: AccessDenied, rolled back",
        ["ROLLBACK_COMPLETE, because ChurnModelVersion failed to create", "AccessDenied"],
    ),
]


def run_step(step: Step, endpoint: str, log_folder: Path) -> tuple[bool, str]:
    """The step's command in its account; whether it ended as expected, and its output."""
    account = ACCOUNTS[step.account]
    arguments = [*step.arguments, "--endpoint-url", endpoint, "--account-id", account]
    if "--validate" not in step.arguments:  # it runs no handler
        arguments += ["--log-file", str(log_folder / f"{step.account}.log")]
    print(f"\n$ modelpackage-rehearse {' '.join(arguments)}", flush=True)
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        status = rehearse(arguments)
    output = captured.getvalue()
    print(output, end="", flush=True)
    shown = [words for words in step.shows if words not in output]
    ok = status == step.status and not shown
    mark = "ok" if ok else f"UNEXPECTED (exit status {status}; missing: {shown})"
    print(f"==> {step.account} account {account}: {step.outcome}: {mark}", flush=True)
    return ok, output


def registry_state(endpoint: str) -> list[str]:
    """The registry as its own account sees it: each version's approval, and the policy."""
    sagemaker = BackendControl(endpoint).sagemaker(local_credentials(ACCOUNTS["registry"]), REGION)
    versions = sagemaker.list_model_packages(ModelPackageGroupName=GROUP, SortOrder="Ascending")
    policy = json.loads(
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=GROUP)["ResourcePolicy"]
    )
    return [
        *(
            f"version {v['ModelPackageVersion']}: {v['ModelApprovalStatus']}"
            for v in versions["ModelPackageSummaryList"]
        ),
        f"policy statements: {', '.join(s['Sid'] for s in policy['Statement'])}",
    ]


def rehearse_all(endpoint: str, log_folder: Path) -> int:
    """Every step against `endpoint`, then the registry read back; the exit status."""
    results = [run_step(step, endpoint, log_folder)[0] for step in STEPS]
    state = registry_state(endpoint)
    expected = ["version 1: Approved", "version 2: PendingManualApproval"]
    results.append(state[:2] == expected)
    print(f"\nThe registry in account {ACCOUNTS['registry']}, read back:")
    print("\n".join(f"  {line}" for line in state))
    puts = BackendControl(endpoint).operations().count("PutModelPackageGroupPolicy")
    print(f"  PutModelPackageGroupPolicy calls: {puts} (the policy as JSON text made none)")
    results.append(puts == 1)
    print("\nEvery step ended as expected." if all(results) else "\nSome step did not.")
    return 0 if all(results) else 1


@contextlib.contextmanager
def local_sagemaker() -> Iterator[str]:
    """`modelpackage-sagemaker --port 0` for the length of the block; its URL."""
    command = shutil.which("modelpackage-sagemaker", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("modelpackage-sagemaker not found: pip install the project first")
    server = subprocess.Popen(  # noqa: S603 - our own console command
        [command, "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        first = (server.stdout.readline() if server.stdout else "").strip()
        if " on http://" not in first:
            raise SystemExit(f"modelpackage-sagemaker did not start: {first!r}")
        yield first.rsplit(" on ", 1)[1]
    finally:
        server.terminate()
        server.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--endpoint-url", help="a running modelpackage-sagemaker (default: start one)"
    )
    parser.add_argument("--log-folder", type=Path, default=Path(".local") / "central-registry")
    args = parser.parse_args(argv)
    args.log_folder.mkdir(parents=True, exist_ok=True)
    if args.endpoint_url:
        return rehearse_all(args.endpoint_url, args.log_folder)
    with local_sagemaker() as endpoint:
        print(f"modelpackage-sagemaker on {endpoint}")
        return rehearse_all(endpoint, args.log_folder)


if __name__ == "__main__":
    sys.exit(main())
