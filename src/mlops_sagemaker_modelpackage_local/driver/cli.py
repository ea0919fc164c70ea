"""Run templates through the real handlers, as CloudFormation would, and print its events.

Each file is a template revision; a folder's files are revisions in name order (2- before
10-). Every revision is planned (a change set), then executed; the stack is deleted at the end.
A revision NAME.yaml is deployed with NAME.parameters.json beside it, if there is one: the AWS
CLI's [{"ParameterKey": ..., "ParameterValue": ...}] or CodePipeline's template configuration
{"Parameters": {...}, "Tags": {...}}. Values follow `aws cloudformation deploy`: --parameter,
then the file, then the stack's previous value (UsePreviousValue), then the Default; a file's
Tags are the stack's tags (CodePipeline), kept by a revision whose file has none.

examples:
  modelpackage-rehearse examples/registry-flow
      every revision in order, then delete the stack
  modelpackage-rehearse a.yaml b.yaml --keep
      leave the stack's resources at the end
  modelpackage-rehearse examples/registry-flow --validate
      check every revision and print its change set; nothing runs
  modelpackage-rehearse examples/registry-flow --aws
      YOUR account: real model packages
  modelpackage-rehearse examples/central-registry/training \
        --endpoint-url http://127.0.0.1:4599 --account-id 222222222222
      in account 222222222222 of the SageMaker `modelpackage-sagemaker` serves (started
      beforehand): what the run leaves stays there for the next run, in any account
  modelpackage-rehearse --before register.py --generate ARN [ARN ...] > adopt.yaml
      a template for packages registered outside CloudFormation (here by register.py, run
      first against the embedded SageMaker), from READ
  modelpackage-rehearse --generate GROUP_ARN --resources-to-import resources.json > adopt.yaml
      a model package group and every version in it
  modelpackage-rehearse FOLDER --before register.py --import LOGICAL_ID=ARN ...
      the first revision imports those packages (an IMPORT change set); the others update
  modelpackage-rehearse FOLDER --before register.py --import-file resources.json
      the same, with the file create-change-set --resources-to-import takes
  modelpackage-rehearse examples/governed-approval --guard guard
      the rules in guard/ run as a Guard hook before each create and update; a violation
      fails that resource (nothing is called) and the stack rolls back
  modelpackage-rehearse examples/deploy-on-approval --events events.jsonl \
        --event-pattern examples/deploy-on-approval/rule/deploy-on-approval.json
      the EventBridge events SageMaker sends, under the resource event that caused each,
      written as JSON lines; the ones your rule's pattern matches marked and counted

By default a SageMaker is started in this process (the embedded backend, moto extended for
model packages) and stopped at the end, so nothing leaves the machine; --account-id picks the
account there (default 123456789012). With --endpoint-url the stacks run against that
SageMaker server instead (it wins over AWS_ENDPOINT_URL). Paths are relative to the folder the
command runs in; handler logs go to its .local/rehearsal-logs/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from . import adopt, adoption, eventbridge, generate, hook
from .arguments import Refused, check_scripts, documented_parser, revisions_of, stack_name_of
from .deploy import FAST_WAIT, LOG_FOLDER, Options, rehearse
from .environments import Place, planned_account, site
from .intrinsics import TemplateError
from .resolution import LOCAL_ACCOUNT
from .template import decoded
from .validate import validate


def parser() -> argparse.ArgumentParser:
    parser = documented_parser("modelpackage-rehearse", __doc__)
    parser.add_argument(
        "templates", nargs="*", type=Path, help="template files, or folders of revisions"
    )
    parser.add_argument(
        "--stack-name", default=None, help="the stack's name (default: demo-<folder>)"
    )
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value for every revision that declares KEY, over its parameter file "
        "(as aws cloudformation deploy --parameter-overrides); a KEY no revision declares is "
        "refused",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a stack tag, for every revision (over a parameter file's Tags)",
    )
    parser.add_argument(
        "--fast", action="store_true", help=f"wait at most {FAST_WAIT} s between callbacks"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="do not delete the stack at the end. The embedded SageMaker stops with the "
        "command, so there what is kept ends with it: --keep shows the final state in the "
        "summary (and to --drift) without the delete; against --endpoint-url the resources stay "
        "in that server, with --aws in your account (the stack itself lives only in this run)",
    )
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
        help=f"where handler logs go (default: a new file in ./{LOG_FOLDER}/)",
    )
    parser.add_argument(
        "--aws",
        action="store_true",
        help="use your AWS credentials, not the local backend (with --validate: only your "
        "account and region are read, for AWS::Region, AWS::AccountId and maps keyed by them)",
    )
    parser.add_argument(
        "--endpoint-url",
        default=None,
        metavar="URL",
        help="run against the SageMaker server at URL (`modelpackage-sagemaker` prints it), "
        "which keeps what runs leave; wins over AWS_ENDPOINT_URL",
    )
    parser.add_argument(
        "--account-id",
        default=None,
        metavar="ID",
        help="the 12-digit account the stack runs in, on the embedded SageMaker or the "
        f"--endpoint-url server (default {LOCAL_ACCOUNT})",
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
        "--import-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="import the resources FILE names: the JSON `aws cloudformation create-change-set "
        "--resources-to-import file://FILE` takes (--generate --resources-to-import writes it); "
        "with --import or alone",
    )
    parser.add_argument(
        "--generate",
        nargs="+",
        default=[],
        metavar="ARN",
        help="print a template for these existing packages (READ by identifier), instead of "
        "deploying templates; a model package group's ARN adopts the group and its versions",
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
        help="run this script first (e.g. 'register.py --group churn'), as a pipeline registers "
        "packages: isolated, every service it calls (STS, S3, ...) is the local SageMaker "
        "(embedded or --endpoint-url), with the --account-id account's local credentials, "
        "whatever profile it names; with --aws, in your environment, "
        "with your credentials",
    )
    parser.add_argument(
        "--guard",
        type=Path,
        default=None,
        metavar="RULES",
        help="run these Guard rules (a .guard file or a folder of them) with cfn-guard as a "
        "Guard hook does, before each create and update of this type and of model package "
        "groups; a violation fails that resource as a failed hook (FailureMode FAIL)",
    )
    parser.add_argument(
        "--guard-input-parameters",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="with --guard: YAML or JSON merged into the hook's input, as the hook's "
        "Options.InputParams (e.g. ModelApprovalStacks: [churn-prod])",
    )
    parser.add_argument(
        "--events",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the EventBridge events SageMaker sends during the run ('SageMaker Model "
        "Package State Change', as EventBridge delivers them) to FILE as JSON lines, and print "
        "one line per event under the resource event that caused it (a local SageMaker only: "
        "the embedded one or --endpoint-url)",
    )
    parser.add_argument(
        "--event-pattern",
        type=Path,
        default=None,
        metavar="FILE",
        help="an EventBridge event pattern (JSON: the EventPattern of your AWS::Events::Rule), "
        "matched by moto's implementation of EventBridge's pattern language: the events it "
        "matches are marked, and the summary counts them, per version",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command line, run in this process; returns the exit status."""
    arguments = parser()
    args = arguments.parse_args(argv)
    try:
        return run(args)
    except Refused as refused:
        print(f"{arguments.prog}: error: {refused}", file=sys.stderr)
        return 2


def console() -> int:
    """The console command `modelpackage-rehearse`: `main` with an output that outlives its
    reader (`| head`)."""
    sys.stdout = _ReaderGone(sys.stdout)
    return main()


def place_of(args: argparse.Namespace) -> Place:
    """Where the stacks run (--aws, --endpoint-url, --account-id), checked."""
    return Place.of(aws=args.aws, endpoint_url=args.endpoint_url, account_id=args.account_id)


# Options that do nothing in a mode: refused (exit status 2) rather than silently ignored.
NOT_WITH = {
    "--generate": (
        "it only reads packages and prints a template",
        (
            "stack_name",
            "parameter",
            "tag",
            "fast",
            "keep",
            "disable_rollback",
            "drift",
            "validate",
            "import_file",
            "guard",
            "guard_input_parameters",
            "events",
            "event_pattern",
        ),
    ),
    "--validate": (
        "nothing runs: no script, no handler, no SageMaker",
        (
            "before",
            "fast",
            "keep",
            "disable_rollback",
            "drift",
            "verbose",
            "log_file",
            "events",
            "event_pattern",
        ),
    ),
}


def refuse_unused(args: argparse.Namespace, mode: str) -> None:
    """Refuse an option `mode` would ignore, naming it."""
    why, names = NOT_WITH[mode]
    defaults = parser()
    for name in names:
        if getattr(args, name) != defaults.get_default(name):
            option = "--" + name.replace("_", "-")
            raise Refused(f"{option} does nothing with {mode} ({why})")


def run(args: argparse.Namespace) -> int:
    if args.generate:
        refuse_unused(args, "--generate")
        return adoption.print_template(generate_request(args))
    if args.validate:
        refuse_unused(args, "--validate")
    check_scripts(args.before)
    imports = imports_of(args)
    revisions = revisions_of(args.templates, args.parameter, args.tag)
    if args.import_file:
        imports = {**imports, **imports_in_file(args.import_file, imports, revisions[0].path)}
    pattern = event_pattern_of(args)
    options = Options(
        stack_name_of(args.stack_name, revisions[0].path),
        imports=imports,
        before=args.before,
        fast=args.fast,
        keep=args.keep,
        roll_back=not args.disable_rollback,
        drift=args.drift,
        verbose=args.verbose,
        log_file=args.log_file,
        guard=hook.guard_hook(args.guard, args.guard_input_parameters, validate=args.validate),
        events=args.events,
        event_pattern=pattern,
    )
    place = place_of(args)
    if args.validate:
        account = planned_account(place)
        return validate(revisions, options.stack_name, imports, account)
    with site(place) as where:  # --aws or --endpoint-url refuses here, before any log file
        return rehearse(revisions, options, where)


def event_pattern_of(args: argparse.Namespace) -> eventbridge.Pattern | None:
    """`--event-pattern`, loaded and checked; `--events` and it need a local SageMaker."""
    if args.aws and (args.events or args.event_pattern):
        given = "--events" if args.events else "--event-pattern"
        raise Refused(
            f"{given} reads the events a local SageMaker sends (the embedded one, or "
            "--endpoint-url); with --aws SageMaker sends them to your account's EventBridge: "
            "try a pattern there with `aws events test-event-pattern`"
        )
    if args.event_pattern is None:
        return None
    try:
        return eventbridge.Pattern.load(args.event_pattern)
    except eventbridge.PatternRefused as refused:
        raise Refused(f"--event-pattern {args.event_pattern}: {refused}") from refused


def generate_request(args: argparse.Namespace) -> adoption.AdoptionRequest:
    """`--generate`'s arguments, checked: it reads packages, it deploys nothing."""
    if args.templates:
        raise Refused("--generate reads existing packages: give ARNs, not templates")
    if args.imports:
        raise Refused(
            "--import goes with templates (a deploy); --generate only prints the template to import"
        )
    check_scripts(args.before)
    try:
        generate.check_arns(args.generate)
    except generate.GenerateError as error:
        raise Refused(f"--generate: {error}") from error
    return adoption.AdoptionRequest(
        args.generate,
        before=args.before,
        resources_to_import=args.resources_to_import,
        place=place_of(args),
        verbose=args.verbose,
        log_file=args.log_file,
    )


def imports_in_file(path: Path, given: dict[str, str], first: Path) -> dict[str, str]:
    """`--import-file`'s imports, checked against `--import`'s and the first revision's types."""
    try:
        imports, types = adopt.imports_from_file(path)
        try:
            resources = decoded(first).get("Resources")
        except TemplateError:
            resources = None  # the revision is refused, in CloudFormation's words, later
        adopt.check_types(types, resources if isinstance(resources, dict) else {})
    except adopt.ImportRefused as refused:
        raise Refused(str(refused)) from refused
    twice = sorted(set(imports) & set(given))
    if twice:
        raise Refused(f"--import and --import-file both name {', '.join(twice)}")
    return imports


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
