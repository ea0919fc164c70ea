"""A change set: what one stack operation will do, resource by resource, decided before anything
runs (`planner` for a template revision, `rollback` for undoing a journal) and carried out by
`executor`. `--validate` prints it; a deploy executes exactly it.

Adding an action is one `Kind` member, the decision that yields it in the planner, and its step
in the executor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .state import Resource

if TYPE_CHECKING:
    from .resolution import Bindings

Json = dict[str, Any]


class Kind(StrEnum):
    CREATE = "create"
    UPDATE = "update in place"
    REPLACE = "replace"
    DELETE = "delete"
    RETAIN = "retain"
    NO_CHANGE = "no change"
    RESTORE = "restore"  # rollback of a replacement: the previous physical resource again
    IMPORT = "import"  # an existing resource into the stack, READ by its identifier (adopt.py)
    UNDO_IMPORT = "import rollback"  # rollback of an import: out of the stack, left as it is


@dataclass(frozen=True)
class ResourceChange:
    """One resource's step. `properties` are the desired ones as planned (placeholders where a
    value exists only once something is created); `previous` the ones it has now; `current` the
    physical resource it acts on (update, replace, delete, retain, restore)."""

    logical_id: str
    kind: Kind
    type: str
    properties: Json = field(default_factory=dict)
    previous: Json | None = None
    current: Resource | None = None
    changed: tuple[str, ...] = ()
    replacing: tuple[str, ...] = ()  # the create-only properties that force a replacement
    stack_tags: bool = False  # the stack's tags change (CloudFormation's Scope: Tags)
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    why: str = ""  # what the step is for, when not obvious (removed from the template, rollback)

    def describe(self) -> str:
        """One line, as `--validate` prints it."""
        if self.kind == Kind.REPLACE:
            old = "retained" if self.update_replace_policy == "Retain" else "deleted"
            return f"replace ({', '.join(self.replacing)} changed): the old one is {old}"
        if self.kind == Kind.UPDATE:
            return f"update in place: {self.in_place}"
        if self.kind == Kind.RETAIN:
            return "retain (DeletionPolicy Retain: left in the account)" + (
                f" ({self.why})" if self.why else ""
            )
        return str(self.kind) + (f" ({self.why})" if self.why else "")

    @property
    def in_place(self) -> str:
        """What an update in place changes: the properties, and the stack's tags."""
        return ", ".join([*self.changed, *(["stack tags"] if self.stack_tags else [])])

    @classmethod
    def removal(
        cls,
        resource: Resource,
        why: str,
        policy: str | None = None,
        *,
        undoing_create: bool = False,
    ) -> ResourceChange:
        """Take `resource` away: deleted, or retained where `policy` (default: its
        DeletionPolicy) is Retain, or RetainExceptOnCreate unless this undoes the operation
        that created the resource."""
        chosen = policy or resource.deletion_policy
        retained = chosen == "Retain" or (chosen == "RetainExceptOnCreate" and not undoing_create)
        return cls(
            resource.logical_id,
            Kind.RETAIN if retained else Kind.DELETE,
            resource.type,
            properties=resource.properties,
            current=resource,
            deletion_policy=resource.deletion_policy,
            update_replace_policy=resource.update_replace_policy,
            why=why,
        )


@dataclass
class ChangeSet:
    """`changes` run in order; `cleanup` after they all succeed (removed resources, in reverse
    dependency order). A rollback's change set says so (`rollback`) and carries the properties
    it restores; a template's resolves them as it runs (`bindings`). `errors` refuse the
    operation before it starts; `failures` are resources whose properties break their schema
    (CloudFormation fails them when it reaches them)."""

    name: str
    changes: list[ResourceChange] = field(default_factory=list)
    cleanup: list[ResourceChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)  # the reason, then hints
    warnings: list[str] = field(default_factory=list)
    outputs: Json = field(default_factory=dict)
    bindings: Bindings | None = None  # resolves the template against the stack as it runs
    rollback: bool = False  # undoes an operation (rollback.py): carries its properties
    # what the stack has once it succeeds (parameters.py): None leaves the stack's as they are
    parameters: dict[str, str] | None = None
    stack_tags: dict[str, str] | None = None
    settings: list[str] = field(default_factory=list)  # how they are shown (--validate, events)

    @property
    def valid(self) -> bool:
        return not self.errors and not self.failures

    def lines(self) -> list[str]:
        """What `--validate` prints for it."""
        lines = [f"  WARNING {w}" for w in self.warnings]
        lines += [f"  ERROR {e}" for e in self.errors]
        for failure, *hints in self.failures.values():
            lines.append(f"  ERROR {failure}")
            lines += [f"        {hint}" for hint in hints]
        if self.valid:
            lines += [f"  {c.logical_id:<28} {c.describe()}" for c in self.changes + self.cleanup]
        return lines
