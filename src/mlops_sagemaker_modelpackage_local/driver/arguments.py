"""What the command line gives, checked as CloudFormation checks it: the revisions, parameter
values, stack tags and the stack's name. Anything it cannot start with is `Refused`: one line,
exit status 2."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from . import parameters, script

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# CloudFormation's CreateStack StackName: a letter, then letters, digits and hyphens; 128 at most
STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")


class Refused(Exception):
    """The command cannot start: one line for the user, no traceback."""


def documented_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """A command's parser whose help is its module's docstring: the first paragraph first, the
    rest (examples, exit status) after the options."""
    paragraphs = (doc or "").split("\n\n")
    return argparse.ArgumentParser(
        prog=prog,
        description=paragraphs[0],
        epilog="\n\n".join(paragraphs[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def existing(paths: list[Path], option: str = "") -> None:
    """Refused unless every path exists (files or folders a command reads)."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise Refused(f"{option}{': ' if option else ''}{missing[0]}: no such file or folder")


def revision_order(path: Path) -> list[tuple[int, str]]:
    """Name order with numbers compared as numbers: 2-approve before 10-retrain."""
    return [
        (int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", path.name)
    ]


def templates_of(paths: list[Path]) -> list[Path]:
    """The revisions: each file given, and the templates of each folder in `revision_order`
    (a revision's parameter file, `NAME.parameters.json`, is never one)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                (
                    p
                    for p in path.iterdir()
                    if p.suffix in TEMPLATE_SUFFIXES and not parameters.is_parameter_file(p)
                ),
                key=revision_order,
            )
            if not inside:
                raise Refused(
                    f"{path}: no templates in this folder ({', '.join(TEMPLATE_SUFFIXES)})"
                )
            stray = parameters.orphans(path, inside)
            if stray:
                raise Refused(
                    f"{stray[0]}: no template of that name beside it (a parameter file "
                    f"NAME{parameters.SUFFIX} goes with the revision NAME.yaml, .yml, .json or "
                    ".template)"
                )
            found += inside
        elif parameters.is_parameter_file(path):
            raise Refused(
                f"{path}: a parameter file, not a template: give the revision it goes with "
                f"({path.name.removesuffix(parameters.SUFFIX)}.yaml, ...); its parameter file "
                "is read from beside it"
            )
        elif path.is_file():
            found.append(path)
        else:
            raise Refused(f"{path}: no such file or folder")
    return found


def pairs(values: list[str], option: str) -> dict[str, str]:
    """`KEY=VALUE` values of `option`; a value without a key is refused."""
    bad = [value for value in values if "=" not in value or value.startswith("=")]
    if bad:
        raise Refused(f"{option} takes KEY=VALUE, not {bad[0]!r}")
    return dict(value.split("=", 1) for value in values)


def stack_tags(values: list[str]) -> dict[str, str]:
    """`--tag` values, refused in CreateStack's words where CloudFormation refuses them."""
    tags = pairs(values, "--tag")
    try:
        parameters.check_tags(tags, "--tag")
    except parameters.ParametersRefused as refused:
        raise Refused(str(refused)) from refused
    return tags


def revisions_of(
    paths: list[Path], values: list[str], tags: list[str]
) -> list[parameters.Revision]:
    """The revisions of `paths` with their parameter files and the command line's
    `--parameter` and `--tag` values, each checked."""
    given, stack = pairs(values, "--parameter"), stack_tags(tags)
    try:
        return parameters.revisions(templates_of(paths), given, stack)
    except parameters.ParametersRefused as refused:
        raise Refused(str(refused)) from refused


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


def check_scripts(scripts: list[str]) -> None:
    """Each `--before` script can start: a `.py` file that exists (run with this Python), or a
    command found on PATH (or a path to one)."""
    for given in scripts:
        try:
            command = script.command_for(given)
        except ValueError as error:  # unbalanced quotes
            raise Refused(f"--before {given!r}: {error}") from error
        except script.ScriptFailed as error:
            raise Refused(str(error)) from error
        if command[0] == sys.executable:
            if not Path(command[1]).is_file():
                raise Refused(f"--before {given!r}: no such script {command[1]}")
        elif shutil.which(command[0]) is None:
            raise Refused(f"--before {given!r}: {command[0]}: no such command")
