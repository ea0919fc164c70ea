"""Run templates through the real handlers, as CloudFormation would, and print its events.

  python -m local.driver examples/registry-flow            # every revision in order, then delete
  python -m local.driver a.yaml b.yaml --keep              # leave the stack's resources
  python -m local.driver examples/registry-flow --aws      # YOUR account: real model packages

By default a SageMaker backend is started in this process (local/backend) and stopped at the
end, so nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

from local import serving
from local.backend.control import BackendControl

from . import drift
from .engine import STUCK, Stack
from .intrinsics import TemplateError
from .logs import HandlerLogs
from .plan import plan
from .provision import Environment, Events
from .template import Template

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"
LOCAL_CREDENTIALS = {
    "accessKeyId": "AKIDLOCALDRIVER0000",
    "secretAccessKey": "local-driver-secret",
    "sessionToken": "local-driver-session",
}
# What the embedded SageMaker does with a new package: one Pending and three InProgress looks,
# so waiting shows; the handler polls at most 2 s per invocation, so callbacks show too.
LOCAL_LIFECYCLE = {"pending_describes": 1, "in_progress_describes": 3, "deleting_describes": 1}
LOCAL_POLL_BUDGET = "2"


def templates_of(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        else:
            found.append(path)
    if not found:
        raise TemplateError(f"no templates in {', '.join(map(str, paths))}")
    return found


@contextmanager
def embedded() -> Iterator[tuple[Environment, str]]:
    from local.backend.server import Backend  # noqa: PLC0415 - only when running locally

    backend = Backend().start()
    control = BackendControl(backend.url)
    control.configure(lifecycle=LOCAL_LIFECYCLE)
    client: SageMakerClient = control.sagemaker(LOCAL_CREDENTIALS, LOCAL_REGION)
    try:
        with serving.environment(
            AWS_ENDPOINT_URL_SAGEMAKER=backend.url,
            MLOPS_MODELPACKAGE_POLL_BUDGET_SECONDS=LOCAL_POLL_BUDGET,
        ):
            yield Environment(LOCAL_ACCOUNT, LOCAL_REGION, LOCAL_CREDENTIALS, client), backend.url
    finally:
        backend.stop()


@contextmanager
def aws_environment() -> Iterator[tuple[Environment, None]]:
    yield real_aws(), None


def real_aws() -> Environment:
    session = boto3.Session()
    credentials = session.get_credentials()
    if credentials is None or session.region_name is None:
        raise SystemExit("--aws needs AWS credentials and a region (AWS_PROFILE, AWS_REGION, ...)")
    frozen = credentials.get_frozen_credentials()
    account = session.client("sts").get_caller_identity()["Account"]
    print(
        f"WARNING: using YOUR AWS credentials: account {account}, region {session.region_name}. "
        "Real model packages are created, and deleted at the end unless --keep.",
        file=sys.stderr,
    )
    client: SageMakerClient = session.client("sagemaker")
    return Environment(
        account,
        session.region_name,
        {
            "accessKeyId": str(frozen.access_key),
            "secretAccessKey": str(frozen.secret_key),
            "sessionToken": frozen.token or "",
        },
        client,
    )


def calls_made(backend_url: str | None) -> int | None:
    return None if backend_url is None else len(BackendControl(backend_url).calls())


def summary(stack: Stack, templates: list[Path], started: float, calls: int | None) -> str:
    history = stack.history
    lines = [
        "",
        f"Summary of stack {stack.name}: {len(templates)} template revision(s) in "
        f"{time.monotonic() - started:.1f} s, final status {stack.status}",
        f"  resources created {history['created']}, "
        f"updated in place {history['updated in place']}, "
        f"replaced {history['replaced']}, deleted {history['deleted']}"
        + "".join(
            f", {key} {history[key]}"
            for key in ("retained", "rolled back", "failed, kept (rollback disabled)")
            if history[key]
        ),
        f"  handler invocations {stack.invocations}"
        + (f", SageMaker API calls {calls}" if calls is not None else ""),
        *(f"  {line}" for line in stack.story),
        *(
            f"  left in the account (Retain): {r.logical_id} {r.physical_id}"
            for r in stack.retained
        ),
    ]
    return "\n".join(lines)


def pairs(values: list[str], option: str) -> dict[str, str]:
    if any("=" not in value for value in values):
        raise SystemExit(f"{option} takes KEY=VALUE")
    return dict(value.split("=", 1) for value in values)


def log_path(stack_name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return ROOT / "build" / "driver-logs" / f"{stack_name}-{stamp}.log"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__)
    parser.add_argument(
        "templates", nargs="+", type=Path, help="templates, or folders of revisions"
    )
    parser.add_argument("--stack-name", default=None)
    parser.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--tag", action="append", default=[], metavar="KEY=VALUE", help="a stack tag"
    )
    parser.add_argument("--fast", action="store_true", help="wait at most 0.2 s between callbacks")
    parser.add_argument("--keep", action="store_true", help="do not delete the stack at the end")
    parser.add_argument(
        "--disable-rollback",
        action="store_true",
        help="keep what a failed revision did (CREATE_FAILED / UPDATE_FAILED), as the AWS CLI does",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="handler logs inline instead of in the log file"
    )
    parser.add_argument("--log-file", type=Path, default=None, help="where handler logs go")
    parser.add_argument(
        "--aws", action="store_true", help="use your AWS credentials, not the local backend"
    )
    parser.add_argument(
        "--drift",
        action="store_true",
        help="detect drift after each revision (non-zero status if any resource drifted)",
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="check the templates and print what a deploy would do; no handler runs",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    paths = templates_of(args.templates)
    overrides = pairs(args.parameter, "--parameter")
    stack_name = args.stack_name or f"demo-{paths[0].parent.name or 'stack'}"
    if args.validate:
        checked = plan(paths, overrides, stack_name)
        print("\n".join(checked.lines))
        print(f"\n{checked.errors} error(s) in {len(paths)} template revision(s)")
        return 1 if checked.errors else 0
    wait = (lambda s: time.sleep(min(s, 0.2))) if args.fast else time.sleep
    started = time.monotonic()
    events = Events(sys.stdout)
    if args.verbose:
        logs = HandlerLogs(stream=sys.stdout)
    else:
        logs = HandlerLogs(path=args.log_file or log_path(stack_name))
        print(f"Handler logs: {logs.path}")
    environment = aws_environment() if args.aws else embedded()
    with environment as (env, backend_url):
        stack = Stack(stack_name, env, events, wait=wait, logs=logs, tags=pairs(args.tag, "--tag"))
        deployed = []
        for path in paths:
            try:
                template = Template.load(path, overrides)
            except TemplateError as error:
                events(stack_name, "VALIDATION_FAILED", f"{path.name}: {error}")
                deployed.append(False)
                continue
            deployed.append(stack.deploy(template, roll_back=not args.disable_rollback))
            if args.drift and stack.status not in STUCK:
                deployed.append(drift.detect(stack))
        if not args.keep:
            deployed.append(stack.delete())
        print(summary(stack, paths, started, calls_made(backend_url)))
    if not all(deployed):
        print(f"\n{deployed.count(False)} stack operation(s) failed", file=sys.stderr)
    return 0 if all(deployed) else 1


if __name__ == "__main__":
    sys.exit(main())
