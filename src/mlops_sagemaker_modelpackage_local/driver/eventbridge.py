"""The EventBridge events SageMaker sends during a rehearsal (`--events`, `--event-pattern`).

A local SageMaker (the embedded one, or `modelpackage-sagemaker` at --endpoint-url) keeps the
"SageMaker Model Package State Change" events it sends (backend/events.py). `Watch` reads the
new ones after each CloudFormation event line and prints one line each under it (so an event
shows under the resource event whose handler caused it), writes them as JSON lines, exactly as
EventBridge delivers them, and marks and counts the ones a rule's event pattern matches.

`Pattern` is an EventBridge event pattern (the `EventPattern` of an AWS::Events::Rule),
evaluated by moto's implementation of EventBridge's pattern language
(`moto.events.models.EventPattern`), not by one of our own; a pattern EventBridge would refuse
is refused before anything runs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import EventPattern

from mlops_sagemaker_modelpackage.arns import parse_package
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

from .events import Events

if TYPE_CHECKING:
    from moto.events.utils import EventMessageType

# The comparison operators of EventBridge's pattern language that moto's matcher implements;
# moto matches an operator it does not know (a typo) as if it were true, so one is refused here.
OPERATORS = frozenset(
    {
        "prefix",
        "suffix",
        "equals-ignore-case",
        "anything-but",
        "numeric",
        "exists",
        "cidr",
        "wildcard",
    }
)
EXAMPLE = '{"source": ["aws.sagemaker"], "detail": {"ModelApprovalStatus": ["Approved"]}}'


class PatternRefused(ValueError):
    """Not an event pattern EventBridge accepts: the reason, for the user."""


def _operators_known(node: Any, path: str) -> None:
    """Each comparison (an object in a list of values) names one operator moto implements;
    each `$or` is a list of patterns."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
                raise PatternRefused(f"{where}: $or takes a list of patterns (JSON objects)")
            for index, alternative in enumerate(value):
                _operators_known(alternative, f"{where}[{index}]")
        elif isinstance(value, dict):
            _operators_known(value, where)
        elif isinstance(value, list):
            for comparison in (v for v in value if isinstance(v, dict)):
                unknown = sorted(set(comparison) - OPERATORS)
                if len(comparison) != 1 or unknown:
                    raise PatternRefused(
                        f"{where}: {json.dumps(comparison)} is not a comparison: one of "
                        f"{', '.join(sorted(OPERATORS))}, each in its own object"
                        + (f" (unknown: {', '.join(unknown)})" if unknown else "")
                    )


@dataclass(frozen=True)
class Pattern:
    """An EventBridge event pattern read from a file."""

    path: Path
    document: Json
    compiled: EventPattern

    @classmethod
    def load(cls, path: Path) -> Pattern:
        """The pattern in `path` (a JSON document), checked; PatternRefused says why not."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise PatternRefused(f"cannot read it: {error.strerror or error}") from error
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise PatternRefused(
                f"not JSON: {error.msg} (line {error.lineno}, column {error.colno}); an event "
                f"pattern is a JSON document such as {EXAMPLE}"
            ) from error
        if not isinstance(document, dict) or not document:
            raise PatternRefused(
                "an event pattern is a JSON object naming the fields to match, such as "
                f"{EXAMPLE} (the EventPattern of an AWS::Events::Rule)"
            )
        try:
            compiled = EventPattern.load(text)
        except InvalidEventPatternException as error:
            raise PatternRefused(str(error.message)) from error
        _operators_known(document, "")
        return cls(path, document, compiled)

    @property
    def name(self) -> str:
        return self.path.name

    def matches(self, event: Json) -> bool:
        return bool(self.compiled.matches_event(cast("EventMessageType", event)))


def package_of(event: Json) -> str:
    """The package an event is about, short: `group/version` or the package's name."""
    resources = event.get("resources") or ["?"]
    package = parse_package(str(resources[0]))
    if package is None:
        return str(resources[0])
    return "/".join(part for part in (package["name"], package["version"]) if part)


def line_of(event: Json, stack_account: str) -> str:
    """One event, as the rehearsal prints it: the package, its status and approval, what an
    update changed, and whose bus it went to when not the stack's account's."""
    detail = event.get("detail") or {}
    said = ", ".join(
        str(detail[k]) for k in ("ModelPackageStatus", "ModelApprovalStatus") if k in detail
    )
    line = f"SageMaker event: {package_of(event)} {said}"
    updated = detail.get("UpdatedModelPackageFields")
    if updated is not None:
        line += f"; updated {', '.join(updated) or '(nothing)'}"
    if event.get("account") != stack_account:
        line += f" (account {event.get('account')})"
    return line


@dataclass
class Watch:
    """The events a local SageMaker sends from now on: each printed under the CloudFormation
    event after which it was read (`follow`, an Events listener), written to `file` as a JSON
    line, matched against `pattern`."""

    control: BackendControl
    events: Events
    stack_account: str
    file: TextIO | None = None
    pattern: Pattern | None = None
    start: int = 0
    seen: list[Json] = field(default_factory=list)
    matched: list[Json] = field(default_factory=list)

    def __post_init__(self) -> None:
        _, self.start = self.control.events()  # what was sent before this run is not its

    def follow(self, *_: str) -> None:
        """Read what SageMaker sent since the last look; print, write and match each."""
        new, self.start = self.control.events(after=self.start)
        for event in new:
            self.seen.append(event)
            line = line_of(event, self.stack_account)
            if self.pattern is not None and self.pattern.matches(event):
                self.matched.append(event)
                line += f"  << matches {self.pattern.name}"
            self.events.note(line)
            if self.file is not None:
                self.file.write(json.dumps(event) + "\n")
                self.file.flush()

    def summary(self) -> list[str]:
        """The end of a run: how many events, where they went, what the pattern matched."""
        lines = [
            f"SageMaker events: {len(self.seen)}"
            + (f", written to {self.file.name}" if self.file is not None else "")
        ]
        if self.pattern is not None:
            per_package = Counter(str(e["resources"][0]) for e in self.matched)
            count = f"{len(self.matched)} event(s) matched {self.pattern.name}"
            lines.append(f"{count}, for:" if per_package else count)
            lines += [
                f"  {arn} ({count} event{'s' if count > 1 else ''})"
                for arn, count in per_package.items()
            ]
        return lines
