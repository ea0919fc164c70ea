"""Check templates against Guard rules with the real cfn-guard, as CI does.

Every finding names the file (with its line), the resource and the rule, then the rule's own
message. A governed value that is still an intrinsic function (ModelApprovalStatus: !Ref
Approval) cannot be checked before deploy: it is reported as not checkable, and fails the check
like a violation (the Guard hook checks the resolved value at deploy; modelpackage-rehearse
--guard rehearses that with the stack's parameters).

exit status: 0 every template complies; 1 a violation or a value not checkable; 2 the check
could not run (a missing file, no cfn-guard, a rule or template that does not parse).

examples:
  modelpackage-guard templates/churn.yaml
      the rules in ./guard on one template
  modelpackage-guard --rules guard --input-parameters governance.yaml --stack-name churn-prod \\
      templates/
      every template of a folder, with the team's input parameters (ModelApprovalStacks) and
      the stack the templates are deployed as
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from mlops_sagemaker_modelpackage_local.driver.arguments import (
    Refused,
    documented_parser,
    existing,
    templates_of,
)

from .engine import GuardUnavailable, Report, validate, version


def parser() -> argparse.ArgumentParser:
    parser = documented_parser("modelpackage-guard", __doc__)
    parser.add_argument("templates", nargs="+", type=Path, help="template files, or folders")
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="a Guard rule file or folder of them (default: ./guard)",
    )
    parser.add_argument(
        "--input-parameters",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="YAML or JSON merged into every template's data, as cfn-guard --input-parameters "
        "and a Guard hook's Options.InputParams (e.g. ModelApprovalStacks: [churn-prod])",
    )
    parser.add_argument(
        "--stack-name",
        default=None,
        help="the stack the templates are deployed as: the input parameter StackName, which "
        "the rule on approving stacks reads in CI (a Guard hook reads its stack id)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except (Refused, GuardUnavailable) as error:
        print(f"modelpackage-guard: error: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    templates = templates_of(args.templates)
    rules = args.rules or [Path("guard")]
    existing(rules + args.input_parameters)
    with tempfile.TemporaryDirectory(prefix="guard-stack-") as folder:
        parameters = list(args.input_parameters)
        if args.stack_name:
            stack = Path(folder) / "stack.json"
            stack.write_text(json.dumps({"StackName": args.stack_name}))
            parameters.append(stack)
        reports = validate(rules, templates, parameters)
    return print_reports(templates, reports, rules, version())


def print_reports(
    templates: list[Path], reports: list[Report], rules: list[Path], said: str
) -> int:
    """Each finding (file:line:column resource rule, then the message), then a summary; the exit
    status."""
    violations = not_checkable = 0
    for template, report in zip(templates, reports, strict=True):
        for finding in sorted(report.findings, key=lambda f: (f.line or 0, f.column or 0)):
            where = str(template)
            if finding.line is not None:
                where += f":{finding.line}:{finding.column}"
            label = "not checkable" if finding.not_checkable else "violation"
            print(f"{where}: {finding.resource or '-'} {finding.rule} ({label})")
            for line in finding.message.splitlines():
                print(f"    {line}")
            if finding.not_checkable:
                not_checkable += 1
            else:
                violations += 1
    names = ", ".join(str(r) for r in rules)
    if violations or not_checkable:
        print(
            f"{len(templates)} template(s) checked against {names} ({said}): "
            f"{violations} violation(s), {not_checkable} not checkable"
        )
        return 1
    print(f"{len(templates)} template(s) checked against {names} ({said}): compliant")
    return 0


def console() -> int:
    return main()
