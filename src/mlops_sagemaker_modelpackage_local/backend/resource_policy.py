"""A resource-based policy evaluated for one request, as IAM evaluates the resource policy part.

The question is the one a model package group's policy answers for a caller from another
account: may this principal perform this action on this resource? Each statement applies when
its action, resource and principal all match:

- `Action` / `NotAction`: strings or lists of `service:Operation`, compared case-insensitively,
  `*` (any run of characters) and `?` (one character) as wildcards;
- `Resource` / `NotResource`: ARNs with the same wildcards, compared case-sensitively (an absent
  `Resource` means the resource the policy is attached to);
- `Principal` / `NotPrincipal`: `"*"`, or `{"AWS": ...}` with a string or a list of an account id,
  `arn:aws:iam::ACCOUNT:root` (any principal of that account), a role or user ARN (that role's
  sessions, that user), an assumed-role session ARN, or `"*"`; other keys (`Service`,
  `Federated`, ...) name no caller of this API.

An explicit `Deny` wins over any `Allow`; with neither, the request is implicitly denied. A
statement with a `Condition` that would apply is not guessed: `NotEvaluated` names it.
Syntax is checked where the policy is stored (moto's IAM policy validator, see packages.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

ACCOUNT_ID = re.compile(r"\d{12}")
ACCOUNT_ROOT = re.compile(r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):root")


class Decision(StrEnum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitly denied"
    IMPLICIT_DENY = "not allowed"


class NotEvaluated(ValueError):
    """A statement that applies to the request has a Condition, which is not evaluated locally."""


@dataclass(frozen=True)
class Principal:
    """Who calls: their account, their ARN as IAM shows it (an assumed-role session, a user,
    the account's root) and, for a session, the role it is of."""

    account: str
    arn: str
    role: str | None = None


@dataclass(frozen=True)
class PolicyQuery:
    """What a resource policy is asked about one call: who calls, the action, the resource."""

    principal: Principal
    action: str  # service:Operation
    resource: str  # an ARN


@cache
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcard match: `*` any run of characters, `?` exactly one, the rest literal."""
    return _wildcard(pattern, ignore_case).fullmatch(value) is not None


def _strings(value: Any) -> list[str]:
    """A policy element's values: a string or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def names(entry: str, principal: Principal) -> bool:
    """Whether one principal entry of a statement names `principal`."""
    if entry == "*":
        return True
    if ACCOUNT_ID.fullmatch(entry):
        return entry == principal.account
    root = ACCOUNT_ROOT.fullmatch(entry)
    if root is not None:
        return root["account"] == principal.account
    return entry in (principal.arn, principal.role)


def _principal_matches(element: Any, principal: Principal) -> bool:
    if element == "*":
        return True
    if not isinstance(element, dict):
        return False
    return any(names(entry, principal) for entry in _strings(element.get("AWS")))


def _applies(statement: dict[str, Any], request: PolicyQuery) -> bool:
    """Whether the statement's action, resource and principal all match the request."""
    if "NotAction" in statement:
        action = not any(
            matches(a, request.action, ignore_case=True) for a in _strings(statement["NotAction"])
        )
    else:
        action = any(
            matches(a, request.action, ignore_case=True) for a in _strings(statement.get("Action"))
        )
    if "NotResource" in statement:
        resource = not any(matches(r, request.resource) for r in _strings(statement["NotResource"]))
    elif "Resource" in statement:
        resource = any(matches(r, request.resource) for r in _strings(statement["Resource"]))
    else:
        resource = True
    if "NotPrincipal" in statement:
        principal = not _principal_matches(statement["NotPrincipal"], request.principal)
    else:
        principal = _principal_matches(statement.get("Principal"), request.principal)
    return action and resource and principal


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("Statement", [])
    return [found] if isinstance(found, dict) else [s for s in found if isinstance(s, dict)]


def label(statement: dict[str, Any], index: int) -> str:
    """How a message names a statement: its Sid, else its position."""
    return f"statement {statement['Sid']!r}" if statement.get("Sid") else f"statement {index + 1}"


def evaluate(policy: str | dict[str, Any], request: PolicyQuery) -> Decision:
    """The policy's answer to `request`. An applicable statement with a Condition decides only
    when nothing else does (an unconditioned Deny wins over it, an unconditioned Allow makes an
    Allow with a Condition irrelevant); then NotEvaluated names it."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    applicable = [
        (index, statement)
        for index, statement in enumerate(statements(document))
        if _applies(statement, request)
    ]

    def effect(statement: dict[str, Any]) -> str:
        return str(statement.get("Effect", "")).lower()

    for wanted, decision in (("deny", Decision.EXPLICIT_DENY), ("allow", Decision.ALLOWED)):
        chosen = [(i, s) for i, s in applicable if effect(s) == wanted]
        if any(not s.get("Condition") for _, s in chosen):
            return decision
        if chosen:
            index, statement = chosen[0]
            raise NotEvaluated(
                f"{label(statement, index)} of the resource policy applies to "
                f"{request.action} on {request.resource} and has a Condition, which is not "
                "evaluated locally: rehearse without the Condition (or with a statement "
                "that does not need one)"
            )
    return Decision.IMPLICIT_DENY
