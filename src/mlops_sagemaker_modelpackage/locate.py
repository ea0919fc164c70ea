"""Finding the package a CreateModelPackage made when none of its answers arrived, and what
the create then says.

SageMaker may have run a create whose answer was lost (a read timeout, a dropped connection, a
server error after the work was done). The ClientToken would return that package, but only once
CreateModelPackage answers; until then the package is found by what the create sent: for an
unversioned package its name, for a version the versions of its group created since the
operation began that hold everything the create sent. No describe returns the ClientToken, so a
version is this create's only when exactly one such version exists; the create asks again with
the token afterwards (create.py), which confirms it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import HandlerError, reworded, service_call
from .fields import makes_version
from .json_types import Json
from .package_state import describe

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)
# How far SageMaker's clock may be behind the handler's (both are kept by NTP).
CLOCK_SKEW_SECONDS = 60.0
# Parameters that shape the request rather than the package (tags are the group's, or checked
# by name), left out of the comparison.
NOT_COMPARED = ("ClientToken", "Tags", "ModelPackageGroupName", "ModelPackageName")


def after_no_answer(
    client: SageMakerClient, sent: Json, since: float, error: HandlerError
) -> tuple[str | None, HandlerError]:
    """What a create does when CreateModelPackage (`sent`, first at `since`) never answered:
    the package SageMaker made for it, if one is found, and the error to raise, saying what was
    found, or whether anything can be left behind and how to find it."""
    token = str(sent["ClientToken"])
    target = (
        f"group {sent['ModelPackageGroupName']}"
        if makes_version(sent)
        else f"name {sent['ModelPackageName']}"
    )
    try:
        arns, looked = search(client, sent, since)
    except HandlerError as lookup:
        return None, reworded(error, f"{error}. {_unknown(sent, target, since, lookup)}")
    if len(arns) == 1:
        return arns[0], reworded(
            error,
            f"{error}. SageMaker holds {arns[0]}, made by this create ({looked}); "
            f"asking again with ClientToken {token} until SageMaker answers",
        )
    if arns:
        return None, reworded(
            error,
            f"{error}. Whether SageMaker made a package for this create cannot be told: "
            f"{len(arns)} packages match what it sent ({', '.join(arns)}), and no "
            f"describe names the ClientToken ({token}) that made one of them. {HOW_TO_DELETE}",
        )
    return None, reworded(
        error,
        f"{error}. SageMaker holds no package made by this create (it looked for "
        f"{looked}), so nothing is left behind. It was sent to {target} with "
        f"ClientToken {token}; a retry of this request sends the same token, which cannot make "
        "a second package.",
    )


HOW_TO_DELETE = (
    "Delete one this stack does not track with `aws sagemaker delete-model-package "
    "--model-package-name <its ARN>`."
)


def _unknown(sent: Json, target: str, since: float, lookup: Exception) -> str:
    """How to find a package that may exist, when SageMaker answered neither call."""
    if makes_version(sent):
        find = (
            "aws sagemaker list-model-packages --model-package-group-name "
            f"{sent['ModelPackageGroupName']} --sort-by CreationTime --sort-order Descending"
        )
    else:
        find = (
            f"aws sagemaker describe-model-package --model-package-name {sent['ModelPackageName']}"
        )
    when = datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds")
    return (
        f"Looking for the package failed too ({lookup}), so SageMaker may hold a package this "
        f"create made: it was sent to {target} with ClientToken {sent['ClientToken']}, from "
        f"{when} on. Find it with `{find}` (created since then, holding this template's "
        f"properties). {HOW_TO_DELETE}"
    )


def search(client: SageMakerClient, sent: Json, since: float) -> tuple[list[str], str]:
    """The packages SageMaker holds that `sent` (CreateModelPackage's parameters, first sent
    at `since`) may have made, and where it looked (in words). Raises the lookup's own error
    when SageMaker does not answer."""
    after = datetime.fromtimestamp(since - CLOCK_SKEW_SECONDS, UTC)
    if makes_version(sent):
        group = str(sent["ModelPackageGroupName"])
        where = f"the versions of group {group} created since {after.isoformat(timespec='seconds')}"
        candidates = _versions_since(client, group, after)
    else:
        where = f"a package named {sent['ModelPackageName']}"
        candidates = [str(sent["ModelPackageName"])]
    arns = []
    for candidate in candidates:
        described = describe(client, candidate)
        if described is None or not _created_since(described, after):
            continue
        if holds(described, sent):
            arns.append(str(described["ModelPackageArn"]))
    LOG.info("Looked for the package of a create without answer in %s: %s", where, arns)
    return arns, where


def _versions_since(client: SageMakerClient, group: str, after: datetime) -> list[str]:
    arns: list[str] = []
    kwargs: dict[str, Any] = {
        "ModelPackageGroupName": group,
        "CreationTimeAfter": after,
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": 100,
    }
    while True:
        with service_call("ListModelPackages", group):
            page = client.list_model_packages(**kwargs)
        arns += [str(s["ModelPackageArn"]) for s in page.get("ModelPackageSummaryList", [])]
        token = page.get("NextToken")
        if not token:
            return arns
        kwargs["NextToken"] = token


def _created_since(described: Json, after: datetime) -> bool:
    created = described.get("CreationTime")
    return not isinstance(created, datetime) or created >= after


def holds(described: Json, sent: Json) -> bool:
    """Whether the package holds everything the create sent (SageMaker adds values of its own,
    such as image digests, which do not count against it)."""
    return all(
        _contains(described.get(key), value)
        for key, value in sent.items()
        if key not in NOT_COMPARED
    )


def _contains(have: Any, want: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(have, dict) and all(_contains(have.get(k), v) for k, v in want.items())
    if isinstance(want, list):
        return (
            isinstance(have, list)
            and len(have) == len(want)
            and all(_contains(h, w) for h, w in zip(have, want, strict=True))
        )
    return bool(have == want)
