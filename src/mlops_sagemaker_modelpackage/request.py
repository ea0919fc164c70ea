"""The handler request as the workflows use it: built once from the lib's request.

The lib's generated models drop empty objects and lists, so the properties are taken from the
request's own dicts (which building the models recast in place to the schema's types).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudformation_cli_python_lib.interface import BaseResourceHandlerRequest

from .json_types import Json


def _tags(tags: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (tags or {}).items()}


@dataclass(frozen=True)
class Request:
    """One invocation's request: the three states' inputs and CloudFormation's context.

    `desired` and `previous` are the template properties (CloudFormation's desired and previous
    resource state); `previous` is empty outside updates. `deadline` is the wall-clock time by
    which this invocation must have answered (None: the default budget from its start).
    """

    desired: Json
    previous: Json = field(default_factory=dict)
    stack_tags: dict[str, str] = field(default_factory=dict)
    previous_stack_tags: dict[str, str] = field(default_factory=dict)
    token: str = ""
    stack_id: str = ""
    logical_id: str = ""
    region: str | None = None
    account: str | None = None  # the caller's: the account the stack is in
    next_token: str | None = None
    deadline: float | None = None

    @classmethod
    def of(
        cls,
        modelled: BaseResourceHandlerRequest,
        desired: Mapping[str, Any] | None,
        previous: Mapping[str, Any] | None,
        deadline: float | None = None,
    ) -> Request:
        return cls(
            desired=copy.deepcopy(dict(desired or {})),
            previous=copy.deepcopy(dict(previous or {})),
            stack_tags=_tags(modelled.desiredResourceTags),
            previous_stack_tags=_tags(modelled.previousResourceTags),
            token=modelled.clientRequestToken or "",
            stack_id=modelled.stackId or "",
            logical_id=modelled.logicalResourceIdentifier or "",
            region=modelled.region,
            account=modelled.awsAccountId,
            next_token=modelled.nextToken,
            deadline=deadline,
        )

    @property
    def arn(self) -> str | None:
        """The primary identifier, from the desired state or else the previous one."""
        found = self.desired.get("ModelPackageArn") or self.previous.get("ModelPackageArn")
        return str(found) if found else None
