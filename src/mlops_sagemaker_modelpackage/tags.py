"""Tags of unversioned packages: stack-level tags merged with the model's, `aws:` keys excluded,
and the difference between two tag sets. No I/O (package_state.py reads and writes them).

Versioned packages carry no tags of their own (SageMaker gives them their group's), so for them
nothing here is called and stack-level tags are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
