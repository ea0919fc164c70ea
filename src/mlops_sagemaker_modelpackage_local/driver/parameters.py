"""What each revision is deployed with: its parameter values and the stack's tags.

Beside a revision `NAME.yaml` (or `.yml`, `.json`, `.template`), an optional
`NAME.parameters.json` holds that revision's values, in either format the AWS CLI takes:

- the list `create-stack`/`update-stack --parameters file://...` takes:
  `[{"ParameterKey": "K", "ParameterValue": "V"}, {"ParameterKey": "L", "UsePreviousValue": true}]`;
- the template configuration file of CodePipeline's CloudFormation action:
  `{"Parameters": {"K": "V"}, "Tags": {"T": "V"}}` (its `StackPolicy` is not emulated: a warning).

Such a file is never a revision itself. Which value a parameter gets follows
`aws cloudformation deploy`, which sends `UsePreviousValue` for every key it is not given:

1. `--parameter K=V`, for every revision that declares K (a key no revision declares is refused);
2. the revision's file;
3. the stack's previous value, for a key the stack already has (so a revision's new `Default` for
   it is not used, as with `aws cloudformation deploy`: the plan warns; `create-change-set`
   without the key would take the Default instead);
4. the template's `Default` (a new stack, or a key new to this revision).

Stack tags follow CodePipeline and UpdateStack: a file's `Tags` are the stack's tags from that
revision on (`--tag` added over them); a revision whose file has no `Tags` keeps the stack's.

Everything here is pure: the files are read once, before anything runs; `Revision.values` decides
from the stack's previous values, which the planner passes in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .intrinsics import TemplateError
from .template import decoded

SUFFIX = ".parameters.json"
# CreateStack's limits on a tag (its words are in `check_tags`)
TAG_KEY_LENGTH = (1, 128)
TAG_VALUE_LENGTH = (0, 256)
LIST_KEYS = {"ParameterKey", "ParameterValue", "UsePreviousValue", "ResolvedValue"}
CONFIGURATION_KEYS = ("Parameters", "Tags", "StackPolicy")
# Where a value comes from, as --validate and the events show it
COMMAND_LINE = "--parameter"
PREVIOUS = "previous value"
DEFAULT = "Default"


class ParametersRefused(ValueError):
    """A parameter file or a command-line value the run cannot start with; the message names
    the file (or option) and what is wrong."""


class _Malformed(Exception):
    """What is wrong inside a parameter file."""


def is_parameter_file(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def file_for(template: Path) -> Path:
    """`2-approve.yaml` → `2-approve.parameters.json`, beside it."""
    return template.with_name(template.stem + SUFFIX)


def check_tags(tags: Mapping[str, str], where: str) -> None:
    """Stack tags as CreateStack checks them (its words), `where` naming their origin."""
    for index, (key, value) in enumerate(tags.items(), start=1):
        if key.lower().startswith("aws:"):
            raise ParametersRefused(
                f"{where} {key}: aws: prefixed tag key names are not allowed for external use."
            )
        for member, text, (low, high) in (
            ("key", key, TAG_KEY_LENGTH),
            ("value", value, TAG_VALUE_LENGTH),
        ):
            if not low <= len(text) <= high:
                bound = (
                    "greater than or equal to 1"
                    if len(text) < low
                    else f"less than or equal to {high}"
                )
                raise ParametersRefused(
                    f"{where}: 1 validation error detected: Value '{text}' at "
                    f"'tags.{index}.member.{member}' failed to satisfy constraint: Member must "
                    f"have length {bound}"
                )


@dataclass(frozen=True)
class Given:
    """What one revision's parameter file gives (nothing, without a file)."""

    path: Path | None = None
    values: dict[str, str] = field(default_factory=dict)
    keep: frozenset[str] = frozenset()  # "UsePreviousValue": true
    tags: dict[str, str] | None = None  # None: the file sets no Tags; the stack's stay
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name if self.path else ""


@dataclass(frozen=True)
class Values:
    """One revision's parameter values as the planner hands them to the template: `given`
    (command line and file), `kept` (the stack's previous values), where each comes from, and
    what the stack's previous values make impossible."""

    given: dict[str, str]
    kept: dict[str, str]
    sources: dict[str, str]
    errors: list[str]


@dataclass(frozen=True)
class Revision:
    """A template revision with what it is deployed with."""

    path: Path
    given: Given = field(default_factory=Given)
    declared: frozenset[str] | None = None  # its parameters; None: not readable (refused later)
    command_line: dict[str, str] = field(default_factory=dict)  # --parameter, the keys it declares
    command_line_tags: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def values(self, previous: Mapping[str, str] | None) -> Values:
        """The values for this revision; `previous`: the stack's parameter values (None for a
        stack that does not exist yet)."""
        given = {**self.given.values, **self.command_line}
        sources = dict.fromkeys(self.given.values, self.given.name)
        sources.update(dict.fromkeys(self.command_line, COMMAND_LINE))
        kept: dict[str, str] = {}
        errors: list[str] = []
        for key in sorted(self.given.keep):
            if key in self.command_line:
                continue  # the command line gives it a value
            if previous is None or key not in previous:
                errors.append(
                    f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as "
                    f"true for {'a new stack' if previous is None else 'a new parameter'} "
                    f"({self.given.name})"
                )
            else:
                kept[key] = previous[key]
                sources[key] = PREVIOUS
        for key in self.declared or ():
            if key not in given and key not in kept and previous and key in previous:
                kept[key] = previous[key]
                sources[key] = PREVIOUS
        return Values(given, kept, sources, errors)

    def stack_tags(self, current: Mapping[str, str] | None) -> dict[str, str]:
        """The stack's tags for this revision: the file's (else the stack's `current`, none for
        a new stack) with --tag over them."""
        base = self.given.tags if self.given.tags is not None else (current or {})
        return {**base, **self.command_line_tags}


def revisions(
    paths: list[Path], parameters: Mapping[str, str], tags: Mapping[str, str]
) -> list[Revision]:
    """Each revision with its file (read and checked now) and the --parameter keys it declares;
    ParametersRefused, naming every bad file, before anything runs."""
    problems: list[str] = []
    found: list[Revision] = []
    for path in paths:
        given = Given()
        if file_for(path).is_file():
            try:
                given = read(file_for(path))
            except ParametersRefused as refused:
                problems.append(str(refused))
        declared = declared_parameters(path)
        found.append(
            Revision(
                path,
                given,
                declared,
                {k: v for k, v in parameters.items() if declared is not None and k in declared},
                dict(tags),
            )
        )
    readable = [r.declared for r in found if r.declared is not None]
    if len(readable) == len(found):  # an unreadable revision may declare it: refused later
        everywhere = set().union(*readable) if readable else set()
        for key in parameters:
            if key not in everywhere:
                problems.append(
                    f"--parameter {key}: no template revision declares a parameter {key}"
                    + (f" (they declare {', '.join(sorted(everywhere))})" if everywhere else "")
                )
    if problems:
        raise ParametersRefused("\n".join(problems))
    return found


def declared_parameters(path: Path) -> frozenset[str] | None:
    """The names in the template's Parameters section; None if it cannot be read (the revision
    is refused, in CloudFormation's words, when it is loaded)."""
    try:
        body = decoded(path)
    except TemplateError:
        return None
    section = body.get("Parameters")
    return frozenset(section) if isinstance(section, dict) else frozenset()


def orphans(folder: Path, templates: Iterable[Path]) -> list[Path]:
    """The parameter files of `folder` that belong to none of its `templates`."""
    owned = {file_for(t) for t in templates}
    return sorted(p for p in folder.iterdir() if is_parameter_file(p) and p not in owned)


def read(path: Path) -> Given:
    """A parameter file in either format; ParametersRefused naming the file and the problem."""

    def refuse(problem: str) -> ParametersRefused:
        return ParametersRefused(f"{path}: {problem}")

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise refuse(f"not UTF-8 text (byte {error.start}); save it as UTF-8") from error
    except OSError as error:
        raise refuse(f"cannot be read: {error.strerror}") from error
    try:
        content = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise refuse(
            f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
        ) from error
    except _Malformed as error:  # a key twice
        raise refuse(str(error)) from error
    try:
        given = _as_list(content) if isinstance(content, list) else _as_configuration(content)
    except _Malformed as error:
        raise refuse(str(error)) from error
    if given.tags:
        check_tags(given.tags, f"{path}: Tags")
    return Given(path, given.values, given.keep, given.tags, given.warnings)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Malformed(f"{key!r} is given twice")
        seen[key] = value
    return seen


def _as_list(entries: list[Any]) -> Given:
    """The AWS CLI's `--parameters` list."""
    values: dict[str, str] = {}
    keep: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"entry {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("ParameterKey"), str):
            raise _Malformed(
                f'{where} is not {{"ParameterKey": "...", "ParameterValue": "..."}}'
                f" ({json.dumps(entry)[:60]})"
            )
        key = entry["ParameterKey"]
        unknown = sorted(set(entry) - LIST_KEYS)
        if unknown:
            raise _Malformed(
                f"{where} ({key}): unknown member {', '.join(unknown)} (a list entry has "
                "ParameterKey and ParameterValue or UsePreviousValue)"
            )
        if not key:
            raise _Malformed(f"{where}: ParameterKey is empty")
        if key in values or key in keep:
            raise _Malformed(f"parameter {key} is given twice")
        previous = entry.get("UsePreviousValue", False)
        if not isinstance(previous, bool):
            raise _Malformed(f"parameter {key}: UsePreviousValue is true or false")
        if previous and "ParameterValue" in entry:
            raise _Malformed(
                f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as "
                "true and non empty value for a parameter"
            )
        if previous:
            keep.add(key)
        elif "ParameterValue" in entry:
            values[key] = _string(entry["ParameterValue"], f"parameter {key}")
        else:
            raise _Malformed(
                f"Invalid input for parameter key {key}. Need to specify either usePreviousValue "
                "as true or a value for the parameter"
            )
    return Given(values=values, keep=frozenset(keep))


def _as_configuration(content: Any) -> Given:
    """CodePipeline's template configuration file."""
    if not isinstance(content, dict):
        raise _Malformed(
            'expected a list [{"ParameterKey": "K", "ParameterValue": "V"}, ...] or a template '
            'configuration {"Parameters": {"K": "V"}, "Tags": {"K": "V"}}'
        )
    unknown = sorted(set(content) - set(CONFIGURATION_KEYS))
    if unknown:
        raise _Malformed(
            f"unknown key {', '.join(unknown)} (a template configuration file has "
            f"{', '.join(CONFIGURATION_KEYS)})"
        )
    values = _strings(content.get("Parameters", {}), "Parameters")
    tags = _strings(content["Tags"], "Tags") if "Tags" in content else None
    warnings = (
        ("StackPolicy is not applied locally (the rehearsal has no stack policies)",)
        if "StackPolicy" in content
        else ()
    )
    return Given(values=values, tags=tags, warnings=warnings)


def _strings(section: Any, name: str) -> dict[str, str]:
    if not isinstance(section, dict):
        raise _Malformed(f'{name} is an object {{"Key": "value", ...}}')
    for key in section:
        if not key:
            raise _Malformed(f"{name} has an empty key")
    return {key: _string(value, f"{name} {key}") for key, value in section.items()}


def _string(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _Malformed(
            f"{what} is {json.dumps(value)}, not a string: quote it ({json.dumps(str(value))}), "
            "as the AWS CLI requires"
        )
    return value


def text(value: Any) -> str:
    """A parameter value as text (a list comma-joined, a YAML boolean as CloudFormation reads
    it)."""
    if isinstance(value, list):
        return ",".join(text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def shown(value: str, declaration: Any) -> str:
    """A value as CloudFormation shows it: `****` for a NoEcho parameter."""
    no_echo = isinstance(declaration, dict) and str(declaration.get("NoEcho", "")).lower() == "true"
    return "****" if no_echo else (value or '""')
