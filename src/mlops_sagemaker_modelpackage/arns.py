"""Model package ARNs: the one place that knows their shape (pure: no lib, no I/O).

`arn:aws:sagemaker:REGION:ACCOUNT:model-package/NAME` is an unversioned package,
`.../model-package/GROUP/VERSION` a version in GROUP, `.../model-package-group/GROUP` a group.
The handlers check their primary identifier against the schema's pattern and tell a version from
its ARN; the rehearsal parses ARNs into their parts with the same pieces (`--generate`,
`--import`, its events) and builds the ones it stands in for a resource not created yet.
Patterns are kept as text: `re` compiles (and caches) them on first use, not at import, which
every cold start pays.
"""

from __future__ import annotations

import re

_PARTITION = r"aws[a-z\-]*"
_REGION = r"[a-z0-9\-]{9,16}"
_ACCOUNT = r"[0-9]{12}"
# The primary identifier's pattern, as the schema's ModelPackageArn has it (tests/test_arns.py
# keeps the two equal): any path after `model-package/`, as SageMaker's own pattern.
IDENTIFIER = (
    "arn:" + _PARTITION + ":sagemaker:" + _REGION + ":" + _ACCOUNT + r":model-package/[\S]{1,2048}"
)
# SageMaker's names of packages and groups: 1 to 63 letters, digits and inner hyphens (the
# schema's ModelPackageName pattern).
NAME = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
_OWNER = f"arn:(?P<partition>{_PARTITION}):sagemaker:(?P<region>{_REGION}):(?P<account>{_ACCOUNT}):"
_PACKAGE = _OWNER + "model-package/(?P<name>" + NAME + ")(?:/(?P<version>[0-9]+))?"
_GROUP = _OWNER + "model-package-group/(?P<name>" + NAME + ")"


def is_package_arn(identifier: str) -> bool:
    """Whether `identifier` can be the primary identifier: a model package ARN (a name is not)."""
    return re.fullmatch(IDENTIFIER, identifier) is not None


def is_versioned(arn: str) -> bool:
    """Whether the package is a version: `.../model-package/<group>/<n>` is one,
    `.../model-package/<name>` is not.

    This is the question for a package that exists (fields.makes_version asks it of a model not
    registered yet): its ARN always says, where its model may not (DescribeModelPackage reports
    a version's group name as its ModelPackageName)."""
    _, found, path = arn.partition(":model-package/")
    return bool(found) and "/" in path


def parse_package(arn: str) -> re.Match[str] | None:
    """A model package ARN's parts (`partition`, `region`, `account`, `name`, and `version` for
    a version: its `name` is the group's), or None for anything else: a group's ARN, a name, a
    name SageMaker would refuse."""
    return re.fullmatch(_PACKAGE, arn)


def parse_group(arn: str) -> re.Match[str] | None:
    """A model package group ARN's parts (`partition`, `region`, `account`, `name`), or None."""
    return re.fullmatch(_GROUP, arn)


def account_of(arn: str) -> str | None:
    """The account a SageMaker ARN names, or None when it is not one."""
    found = re.match(_OWNER, arn)
    return found["account"] if found else None


def package_arn(region: str, account: str, name: str, *, partition: str = "aws") -> str:
    """The ARN of the unversioned model package `name` in `region` and `account`."""
    return f"arn:{partition}:sagemaker:{region}:{account}:model-package/{name}"


def group_arn_at(region: str, account: str, name: str, *, partition: str = "aws") -> str:
    """The ARN of the model package group `name` in `region` and `account`."""
    return f"arn:{partition}:sagemaker:{region}:{account}:model-package-group/{name}"


def group_arn(beside: str, name: str) -> str:
    """The ARN of the model package group `name` in the partition, region and account of the
    SageMaker ARN `beside` (a version's: its group)."""
    found = re.match(_OWNER, beside)
    if found is None:
        raise ValueError(f"{beside} is not a SageMaker ARN")
    return group_arn_at(found["region"], found["account"], name, partition=found["partition"])


def group_name(name_or_arn: str) -> str:
    """A group's name, from its name or its ARN (which a template may give instead)."""
    return name_or_arn.rsplit("/", 1)[-1]
