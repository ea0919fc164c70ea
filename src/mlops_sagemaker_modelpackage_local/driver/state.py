"""What a stack holds between operations: its resources (one physical resource each), what a
failed cleanup left behind, what a Retain policy left in the account, and the parameter values
and tags of its last operation (what the next revision keeps unless it gives others)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from mlops_sagemaker_modelpackage.json_types import Json

NEW_STACK = ("", "ROLLBACK_COMPLETE", "DELETE_COMPLETE")
STUCK = ("ROLLBACK_FAILED", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED")


@dataclass
class Resource:
    """One physical resource: the properties it was deployed with (resolved), its model."""

    logical_id: str
    type: str
    properties: Json
    model: Json = field(default_factory=dict)
    physical_id: str = ""
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    generation: int = 0  # how many times it was replaced (placeholders of `--validate`)

    def copy(self) -> Resource:
        return copy.deepcopy(self)

    @property
    def successor(self) -> int:
        """The generation of the resource that replaces this one."""
        return self.generation + 1

    def same_physical(self, other: Resource) -> bool:
        """Whether `other` is the same physical resource (in another copy of a state too)."""
        return (self.type, self.physical_id) == (other.type, other.physical_id)


@dataclass
class StackState:
    status: str = ""
    resources: dict[str, Resource] = field(default_factory=dict)
    leftovers: list[Resource] = field(default_factory=list)  # awaiting a later cleanup
    retained: list[Resource] = field(default_factory=list)  # left in the account by Retain
    parameters: dict[str, str] = field(default_factory=dict)  # as given (lists comma-joined)
    tags: dict[str, str] = field(default_factory=dict)  # the stack's tags

    @property
    def is_new(self) -> bool:
        return self.status in NEW_STACK

    def copy(self) -> StackState:
        return copy.deepcopy(self)

    def forget(self, resource: Resource) -> None:
        """`resource` is no longer the stack's: out of its resources, where its logical id
        holds it (not the resource that replaced it), and out of its leftovers."""
        held = self.resources.get(resource.logical_id)
        if held is not None and held.same_physical(resource):
            del self.resources[resource.logical_id]
        self.leftovers = [r for r in self.leftovers if not r.same_physical(resource)]
