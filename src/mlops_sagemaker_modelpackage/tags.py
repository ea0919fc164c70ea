"""Tags of unversioned packages: stack-level tags merged with the model's, `aws:` keys excluded.

Versioned packages carry no tags of their own (SageMaker gives them their group's), so for them
nothing here is called and stack-level tags are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import service_call

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

LOG = logging.getLogger(__name__)
RESERVED_PREFIX = "aws:"


def effective_tags(
    model_tags: list[Mapping[str, Any]] | None, stack_tags: Mapping[str, Any] | None
) -> dict[str, str]:
    """Stack-level tags, overridden by the model's own tags; `aws:` keys never included."""
    merged = {str(k): str(v) for k, v in (stack_tags or {}).items()}
    merged.update({str(t["Key"]): str(t["Value"]) for t in model_tags or []})
    return {k: v for k, v in merged.items() if not k.startswith(RESERVED_PREFIX)}


def as_tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


@dataclass(frozen=True)
class TagDelta:
    """What to send to move a package's tags from `previous` to `desired`."""

    to_set: dict[str, str]
    to_remove: list[str]

    def __bool__(self) -> bool:
        return bool(self.to_set or self.to_remove)


def apply(client: SageMakerClient, arn: str, delta: TagDelta) -> None:
    """Send only the tag calls the delta needs."""
    if delta.to_remove:
        with service_call("DeleteTags", arn):
            client.delete_tags(ResourceArn=arn, TagKeys=delta.to_remove)
    if delta.to_set:
        with service_call("AddTags", arn):
            client.add_tags(ResourceArn=arn, Tags=as_tag_list(delta.to_set))  # type: ignore[arg-type]
    LOG.info("Tags of %s: set %s, removed %s", arn, sorted(delta.to_set), delta.to_remove)


def read(client: SageMakerClient, arn: str) -> list[dict[str, str]]:
    """Every tag of the package, following NextToken."""
    tags: list[dict[str, str]] = []
    kwargs: dict[str, Any] = {"ResourceArn": arn, "MaxResults": 100}
    while True:
        with service_call("ListTags", arn):
            page = client.list_tags(**kwargs)
        tags.extend({"Key": t["Key"], "Value": t.get("Value", "")} for t in page.get("Tags", []))
        token = page.get("NextToken")
        if not token:
            return tags
        kwargs["NextToken"] = token
