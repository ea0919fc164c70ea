"""Run templates through the real handlers, as CloudFormation would, and print its events.

Each file is a template revision; a folder's files are revisions in name order (2- before
10-). Every revision is planned (a change set), then executed; the stack is deleted at the end.

examples:
  python -m local.driver examples/registry-flow
      every revision in order, then delete the stack
  python -m local.driver a.yaml b.yaml --keep
      leave the stack's resources at the end
  python -m local.driver examples/registry-flow --validate
      check every revision and print its change set; nothing runs
  python -m local.driver examples/registry-flow --aws
      YOUR account: real model packages
  python -m local.driver --before register.py --generate ARN [ARN ...] > adopt.yaml
      a template for packages registered outside CloudFormation (here by register.py, run
      first against the embedded SageMaker), from READ
  python -m local.driver FOLDER --before register.py --import LOGICAL_ID=ARN ...
      the first revision imports those packages (an IMPORT change set); the others update

By default a SageMaker backend is started in this process (local/backend) and stopped at the
end, so nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from local import serving
from local.backend.control import BackendControl

from . import adopt, drift, generate, planner, script
from .events import Events
from .intrinsics import TemplateError
from .logs import HandlerLogs
from .provisioners import Environment
from .report import planned_output_lines
from .resolution import Identity
from .stack import Stack
from .state import STUCK, StackState
from .template import Template

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

ROOT = Path(__file__).resolve().parents[2]
# Handler logs: where no build step cleans (`cfn submit --dry-run` empties build/)
LOG_FOLDER = ROOT / ".local" / "driver-logs"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
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
FAST_WAIT = 0.2
# CloudFormation's CreateStack StackName: a letter, then letters, digits and hyphens; 128 at most
STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")


class Refused(Exception):
    """The command cannot start: one line for the user, no traceback."""


def revision_order(path: Path) -> list[tuple[int, str]]:
    """Name order with numbers compared as numbers: 2-approve before 10-retrain."""
    return [
        (int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", path.name)
    ]


def templates_of(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                (p for p in path.iterdir() if p.suffix in TEMPLATE_SUFFIXES), key=revision_order
            )
            if not inside:
                raise Refused(
                    f"{path}: no templates in this folder ({', '.join(TEMPLATE_SUFFIXES)})"
                )
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise Refused(f"{path}: no such file or folder")
    return found


@contextmanager
def embedded() -> Iterator[tuple[Environment, str | None]]:
    from local.backend.server import Backend  # noqa: PLC0415 - only when running locally

    backend = Backend().start()
    control = BackendControl(backend.url)
    control.reset()  # moto's store is the process's: start empty whatever ran before
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
def aws_environment(
    doing: str = "Real model packages are created, and deleted at the end unless --keep.",
) -> Iterator[tuple[Environment, str | None]]:
    yield real_aws(doing), None


def real_aws(
    doing: str = "Real model packages are created, and deleted at the end unless --keep.",
) -> Environment:
    """Your credentials and region, found as the AWS CLI finds them (AWS_REGION first, then
    AWS_DEFAULT_REGION and the profile); Refused in one line if they are missing or AWS cannot
    be reached."""
    try:
        session = boto3.Session(region_name=os.environ.get("AWS_REGION") or None)
        region = session.region_name
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise Refused(f"--aws: {error}") from error
    if region is None:
        raise Refused(
            "--aws: no region: set AWS_REGION (or AWS_DEFAULT_REGION), or region in your "
            "AWS profile"
        )
    if credentials is None:
        raise Refused(
            "--aws: no AWS credentials found (environment, AWS_PROFILE, ~/.aws, SSO or instance "
            "role); `aws sts get-caller-identity` should work first"
        )
    try:
        frozen = credentials.get_frozen_credentials()
        account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise Refused(
            f"--aws: AWS refused your credentials: {detail.get('Code')}: {detail.get('Message')}"
        ) from error
    except BotoCoreError as error:  # no network, no endpoint, expired SSO token, ...
        raise Refused(f"--aws: cannot reach AWS: {error}") from error
    print(
        f"WARNING: using YOUR AWS credentials: account {account}, region {region}. {doing}",
        file=sys.stderr,
    )
    client: SageMakerClient = session.client("sagemaker", region_name=region)
    return Environment(
        account,
        region,
        {
            "accessKeyId": str(frozen.access_key),
            "secretAccessKey": str(frozen.secret_key),
            "sessionToken": frozen.token or "",
        },
        client,
    )


def calls_made(backend_url: str | None) -> int | None:
    return None if backend_url is None else len(BackendControl(backend_url).calls())


def summary(
    stack: Stack, templates: list[Path], started: float, calls: int | None, *, kept: bool = False
) -> str:
    """The end of a run; `kept`: --keep, the stack was not deleted."""
    history = stack.history
    lines = [
        "",
        f"Summary of stack {stack.name}: {len(templates)} template revision(s) in "
        f"{time.monotonic() - started:.1f} s, final status {stack.status or '(never created)'}",
        f"  resources created {history['created']}, "
        f"updated in place {history['updated in place']}, "
        f"replaced {history['replaced']}, deleted {history['deleted']}"
        + "".join(
            f", {key} {history[key]}"
            for key in ("imported", "retained", "rolled back", "failed, kept (rollback disabled)")
            if history[key]
        ),
        f"  handler invocations {stack.invocations}"
        + (f", SageMaker API calls {calls}" if calls is not None else ""),
        *(f"  {line}" for line in stack.story),
        *(
            f"  left in the account (Retain): {r.logical_id} {r.physical_id}"
            for r in stack.retained
        ),
        *(
            f"  left in the account (a delete failed): {r.logical_id} {r.physical_id}"
            for r in [*stack.state.leftovers, *([] if kept else stack.resources.values())]
        ),
        *(
            f"  left in the stack (--keep): {r.logical_id} {r.physical_id}"
            for r in (stack.resources.values() if kept else [])
        ),
    ]
    return "\n".join(lines)


def pairs(values: list[str], option: str) -> dict[str, str]:
    bad = [value for value in values if "=" not in value or value.startswith("=")]
    if bad:
        raise Refused(f"{option} takes KEY=VALUE, not {bad[0]!r}")
    return dict(value.split("=", 1) for value in values)


def stack_tags(values: list[str]) -> dict[str, str]:
    """`--tag` values, refused in CreateStack's words where CloudFormation refuses them."""
    tags = pairs(values, "--tag")
    for index, (key, value) in enumerate(tags.items(), start=1):
        if key.lower().startswith("aws:"):
            raise Refused(
                f"--tag {key}: aws: prefixed tag key names are not allowed for external use."
            )
        for member, text, low, high in (("key", key, 1, 128), ("value", value, 0, 256)):
            if not low <= len(text) <= high:
                bound = (
                    "greater than or equal to 1"
                    if len(text) < low
                    else f"less than or equal to {high}"
                )
                raise Refused(
                    f"--tag: 1 validation error detected: Value '{text}' at "
                    f"'tags.{index}.member.{member}' failed to satisfy constraint: Member must "
                    f"have length {bound}"
                )
    return tags


def stack_name_of(given: str | None, first: Path) -> str:
    """`--stack-name` as CloudFormation checks it; by default `demo-<folder>`, made a name
    CloudFormation accepts (my_templates.v2: demo-my-templates-v2)."""
    if given is None:
        folder = re.sub(r"[^-a-zA-Z0-9]+", "-", first.parent.resolve().name).strip("-")
        return f"demo-{folder or 'stack'}"[:128].rstrip("-")
    if not STACK_NAME.fullmatch(given):
        raise Refused(
            f"--stack-name: 1 validation error detected: Value '{given}' at 'stackName' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]* (and have length less than or equal to 128)"
        )
    return given


def log_path(stack_name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return LOG_FOLDER / f"{stack_name}-{stamp}.log"


def validate(
    paths: list[Path],
    overrides: dict[str, str],
    stack_name: str,
    imports: dict[str, str] | None = None,
    account: Environment | None = None,
) -> int:
    """Print each revision's change set, planned against the state the stack would be in
    (`imports`: the first revision is an IMPORT change set; `account`: --aws, whose account and
    region AWS::AccountId, AWS::Region and the maps keyed by them resolve to)."""
    identity = (
        Identity.planned(stack_name)
        if account is None
        else Identity(
            stack_name,
            f"arn:aws:cloudformation:{account.region}:{account.account}:stack/{stack_name}/id",
            account.account,
            account.region,
        )
    )
    state = StackState()
    errors = 0
    for index, path in enumerate(paths):
        print(path.name)
        try:
            template = Template.load(path, overrides)
            change_set = planner.plan(template, state, identity, imports if index == 0 else None)
        except TemplateError as error:
            problems = planner.errors_of(error)
            print("\n".join(f"  ERROR {problem}" for problem in problems))
            errors += len(problems)
            print("  (refused before any change: the stack stays as it was)")
            continue
        print("\n".join(change_set.lines()))
        if not change_set.valid:
            errors += len(change_set.errors) + len(change_set.failures)
            print(
                "  (refused before any change: the stack stays as it was)"
                if change_set.errors
                else "  (would fail and roll back: the next revision starts from the same stack)"
            )
            continue
        print("\n".join(f"  {line}" for line in planned_output_lines(change_set)))
        state = planner.simulate(change_set, state)
    if state.resources:
        print("stack delete")
        print(
            "\n".join(
                f"  {c.logical_id:<28} {c.describe()}" for c in planner.deletion(state).changes
            )
        )
    print(f"\n{errors} error(s) in {len(paths)} template revision(s)")
    return 1 if errors else 0


def imports_of(args: argparse.Namespace) -> dict[str, str]:
    """`--import` values, checked with the other arguments of a deploy."""
    if args.resources_to_import:
        raise Refused("--resources-to-import goes with --generate")
    if not args.templates:
        raise Refused("give templates (files or folders of revisions), or --generate ARN ...")
    try:
        return adopt.imports_of(args.imports)
    except adopt.ImportRefused as refused:
        raise Refused(str(refused)) from refused


def stopped_after_import(stack: Stack, imports: dict[str, str] | None) -> bool:
    """A failed import stops the run: the later revisions were written for the imported
    packages, and applied to a stack without them they would create new ones."""
    if not imports:
        return False
    stack.story.append("later revisions not applied: the import failed, and they would create")
    stack.story.append("  the packages they were written to adopt")
    return True


def run_before(scripts: list[str], env: Environment, endpoint: str | None, stream: TextIO) -> bool:
    """Run each `--before` script in turn; False (said on `stream`) when one fails."""
    for command in scripts:
        try:
            script.run(command, env, endpoint, stream)
        except script.ScriptFailed as failed:
            print(f"--before: {failed}; nothing else was run", file=stream)
            return False
    return True


def generate_template(args: argparse.Namespace) -> int:
    """`--generate`: the template on stdout (everything else on stderr, so it can be
    redirected to a file); 1 if a package cannot be read."""
    if args.templates:
        raise Refused("--generate reads existing packages: give ARNs, not templates")
    if args.imports:
        raise Refused(
            "--import goes with templates (a deploy); --generate only prints the template to import"
        )
    destination = args.resources_to_import
    if destination and (destination.is_dir() or not destination.parent.is_dir()):
        raise Refused(
            f"--resources-to-import: cannot write {destination} "
            f"({'a folder' if destination.is_dir() else 'its folder does not exist'})"
        )
    environment = (
        aws_environment("--generate only reads packages (and --before runs your scripts).")
        if args.aws
        else embedded()
    )
    with environment as (env, backend_url):
        if args.verbose:
            logs = HandlerLogs(stream=sys.stderr)
        else:
            logs = HandlerLogs(path=args.log_file or log_path("generate"))
            print(f"Handler logs: {logs.path}", file=sys.stderr)
        if not run_before(args.before, env, backend_url, sys.stderr):
            return 1
        try:
            adopted = generate.adopt(env, args.generate, logs)
        except generate.GenerateError as error:
            local = "" if args.aws else " (the embedded SageMaker holds what --before registered)"
            print(f"--generate: {error}{local}", file=sys.stderr)
            return 1
    if destination:
        try:  # before the template, so that a failure leaves nothing half done
            destination.write_text(
                json.dumps(generate.resources_to_import(adopted), indent=2) + "\n"
            )
        except OSError as error:
            print(f"--resources-to-import: cannot write {destination}: {error}", file=sys.stderr)
            return 1
        print(f"Resources to import: {destination}", file=sys.stderr)
    sys.stdout.write(generate.render(generate.template_for(adopted)))
    flags = " ".join(f"--import {item.logical_id}={item.arn}" for item in adopted)
    print(f"Import locally: python -m local.driver FOLDER {flags}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        prog="python -m local.driver",
        description=doc.split("\n\n")[0],
        epilog="\n\n".join(doc.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "templates", nargs="*", type=Path, help="template files, or folders of revisions"
    )
    parser.add_argument(
        "--stack-name", default=None, help="the stack's name (default: demo-<folder>)"
    )
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="KEY=VALUE", help="a parameter value"
    )
    parser.add_argument(
        "--tag", action="append", default=[], metavar="KEY=VALUE", help="a stack tag"
    )
    parser.add_argument(
        "--fast", action="store_true", help=f"wait at most {FAST_WAIT} s between callbacks"
    )
    parser.add_argument("--keep", action="store_true", help="do not delete the stack at the end")
    parser.add_argument(
        "--disable-rollback",
        action="store_true",
        help="keep what a failed revision did (CREATE_FAILED / UPDATE_FAILED), as the AWS CLI does",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="handler logs inline instead of in the log file"
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        default=None,
        help=f"where handler logs go (default: a new file in {LOG_FOLDER.relative_to(ROOT)}/)",
    )
    parser.add_argument(
        "--aws",
        action="store_true",
        help="use your AWS credentials, not the local backend (with --validate: only your "
        "account and region are read, for AWS::Region, AWS::AccountId and maps keyed by them)",
    )
    parser.add_argument(
        "--drift",
        action="store_true",
        help="detect drift after each revision (non-zero status if any resource drifted)",
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="check the templates and print each change set; no handler runs",
    )
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="LOGICAL_ID=ARN",
        help="import this existing package as the first revision's LOGICAL_ID (an IMPORT "
        "change set: only the named resources, each with a DeletionPolicy, nothing else "
        "changed); the following revisions are ordinary updates",
    )
    parser.add_argument(
        "--generate",
        nargs="+",
        default=[],
        metavar="ARN",
        help="print a template for these existing packages (READ by identifier), instead of "
        "deploying templates",
    )
    parser.add_argument(
        "--resources-to-import",
        type=Path,
        default=None,
        metavar="FILE",
        help="with --generate: also write the JSON that `aws cloudformation create-change-set "
        "--resources-to-import file://FILE` takes",
    )
    parser.add_argument(
        "--before",
        action="append",
        default=[],
        metavar="SCRIPT",
        help="run this script first (e.g. 'register.py --group churn'), with the embedded "
        "SageMaker in its environment (AWS_ENDPOINT_URL_SAGEMAKER), as a pipeline registers "
        "packages; with --aws, with your credentials",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = parser()
    args = arguments.parse_args(argv)
    try:
        return run(args)
    except Refused as refused:
        print(f"{arguments.prog}: error: {refused}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    if args.generate:
        return generate_template(args)
    imports = imports_of(args)
    paths = templates_of(args.templates)
    overrides = pairs(args.parameter, "--parameter")
    tags = stack_tags(args.tag)
    stack_name = stack_name_of(args.stack_name, paths[0])
    if args.validate:
        account = real_aws("--validate only reads your account and region.") if args.aws else None
        return validate(paths, overrides, stack_name, imports, account)
    started = time.monotonic()
    events = Events(sys.stdout)
    environment = aws_environment() if args.aws else embedded()
    with environment as (env, backend_url):  # --aws refuses here, before any log file
        if args.verbose:
            logs = HandlerLogs(stream=sys.stdout)
        else:
            logs = HandlerLogs(path=args.log_file or log_path(stack_name))
            print(f"Handler logs: {logs.path}")
        stack = Stack(
            stack_name,
            env,
            events,
            wait=(lambda s: time.sleep(min(s, FAST_WAIT))) if args.fast else time.sleep,
            longest_wait=FAST_WAIT if args.fast else None,
            logs=logs,
            tags=tags,
        )
        if not run_before(args.before, env, backend_url, sys.stdout):
            return 1
        deployed = []
        for index, path in enumerate(paths):
            revision_imports = imports if index == 0 else None
            try:
                template = Template.load(path, overrides)
            except TemplateError as error:
                deployed.append(
                    stack.refuse(path.name, [f"{path}: {e}" for e in planner.errors_of(error)])
                )
                if stopped_after_import(stack, revision_imports):
                    break
                continue
            deployed.append(
                stack.deploy(
                    template, roll_back=not args.disable_rollback, imports=revision_imports
                )
            )
            if not deployed[-1] and stopped_after_import(stack, revision_imports):
                break
            if args.drift and stack.status not in STUCK:
                deployed.append(drift.detect(stack))
        if not args.keep and stack.status:  # no status: every revision was refused, no stack
            deployed.append(stack.delete())
        print(summary(stack, paths, started, calls_made(backend_url), kept=args.keep))
    if not all(deployed):
        print(f"\n{deployed.count(False)} stack operation(s) failed", file=sys.stderr)
    return 0 if all(deployed) else 1


class _ReaderGone:
    """stdout that outlives its reader (`... | head`): once the pipe is closed, the rest of the
    output is dropped and the run goes on to its end (the final delete included), instead of a
    BrokenPipeError stopping it halfway with resources left behind."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self.gone = True
        # the interpreter flushes the real stdout at exit: point it at nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


if __name__ == "__main__":
    sys.stdout = _ReaderGone(sys.stdout)
    sys.exit(main())
