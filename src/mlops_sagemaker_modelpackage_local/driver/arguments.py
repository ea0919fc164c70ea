"""What the command line gives, checked as CloudFormation checks it: the revisions, parameter
values, stack tags and the stack's name. Anything it cannot start with is `Refused`: one line,
exit status 2."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

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
    """The revisions: each file given, and the templates of each folder in `revision_order`."""
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


def pairs(values: list[str], option: str) -> dict[str, str]:
    """`KEY=VALUE` values of `option`; a value without a key is refused."""
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
