"""Calls into another account's model package group, as SageMaker serves them.

A request names a group or a version by ARN; when that ARN's account is not the caller's, the
call is served in the owner's account (a version registered by group ARN gets its ARN there)
only if the group's resource policy allows the caller the action, otherwise it is an
`AccessDeniedException` in IAM's words. Calls within one account never consult the policy.

What each operation is checked against, as AWS's examples write the policies: actions on
versions against the version's ARN (`.../model-package/<group>/<n>`; a policy grants them with
`.../model-package/<group>/*`), CreateModelPackage and ListModelPackages, which name no version
yet, against `.../model-package/<group>/*` itself, and group actions against the group's ARN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .resource_policy import Decision, NotEvaluated, PolicyQuery, Principal, evaluate

SERVICE = "sagemaker"
ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>model-package-group|model-package)/(?P<path>.+)"
)
# operation -> (the parameter naming its target, whether the target is the group's versions)
OPERATIONS = {
    "CreateModelPackage": ("ModelPackageGroupName", "versions"),
    "ListModelPackages": ("ModelPackageGroupName", "versions"),
    "DescribeModelPackage": ("ModelPackageName", "version"),
    "DeleteModelPackage": ("ModelPackageName", "version"),
    "UpdateModelPackage": ("ModelPackageArn", "version"),
    "DescribeModelPackageGroup": ("ModelPackageGroupName", "group"),
}


class AccessDenied(Exception):
    """SageMaker's AccessDeniedException; the message is IAM's."""


@dataclass(frozen=True)
class Target:
    """The resource a call acts on in another account: the owner, the group whose policy
    decides, and the ARN the policy's Resource is matched with."""

    account: str
    region: str
    group: str
    resource: str


def target_of(operation: str, params: dict[str, object]) -> Target | None:
    """What `operation` acts on, when it names it by ARN (None: by name, or not ours)."""
    if operation not in OPERATIONS:
        return None
    parameter, kind = OPERATIONS[operation]
    match = ARN.fullmatch(str(params.get(parameter, "")))
    if match is None:
        return None
    prefix = f"arn:{match['partition']}:sagemaker:{match['region']}:{match['account']}"
    path = match["path"]
    if kind == "version":
        if match["kind"] != "model-package":
            return None
        group = path.split("/", 1)[0] if "/" in path else ""  # unversioned: no group
        resource = match.group(0)
    else:
        if match["kind"] != "model-package-group":
            return None
        group = path
        resource = f"{prefix}:model-package/{group}/*" if kind == "versions" else match.group(0)
    return Target(match["account"], match["region"], group, resource)


def denied_message(principal: Principal, action: str, resource: str, decision: Decision) -> str:
    """IAM's AccessDeniedException message for a request no resource policy lets through."""
    why = (
        "with an explicit deny in a resource-based policy"
        if decision == Decision.EXPLICIT_DENY
        else f"because no resource-based policy allows the {action} action"
    )
    who = f"User: {principal.arn}"
    return f"{who} is not authorized to perform: {action} on resource: {resource} {why}"


def authorize(principal: Principal, operation: str, target: Target, policy: str | None) -> None:
    """Raise AccessDenied unless the group's `policy` (None: the group has none, or there is no
    such group) allows `principal` the operation; NotEvaluated when it cannot be decided."""
    action = f"{SERVICE}:{operation}"
    request = PolicyQuery(principal, action, target.resource)
    decision = Decision.IMPLICIT_DENY if policy is None else evaluate(policy, request)
    if decision != Decision.ALLOWED:
        raise AccessDenied(denied_message(principal, action, target.resource, decision))


__all__ = ["AccessDenied", "NotEvaluated", "Target", "authorize", "target_of"]
