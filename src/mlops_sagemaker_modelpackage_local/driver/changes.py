"""A change set: what one stack operation will do, resource by resource, decided before anything
runs (`planner` for a template revision, `rollback` for undoing a journal) and carried out by
`executor`. `--validate` prints it; a deploy executes exactly it.

Adding an action is one `Kind` member, the decision that yields it in the planner, and its step
in the executor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage.json_types import Json

from .state import Resource, StackState

if TYPE_CHECKING:
    from .resolution import Bindings


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

    def made(self, physical_id: str = "") -> Resource:
        """The physical resource a create, a replacement or an import makes, before it has a
        model: its properties and policies, and one generation more than the resource it
        replaces."""
        replaced = self.current if self.kind == Kind.REPLACE else None
        return Resource(
            self.logical_id,
            self.type,
            dict(self.properties),
            physical_id=physical_id,
            deletion_policy=self.deletion_policy,
            update_replace_policy=self.update_replace_policy,
            generation=0 if replaced is None else replaced.successor,
        )

    def apply_to(self, state: StackState, made: Resource | None = None) -> None:
        """What the step, done, leaves in the stack's state: the one account of it, which the
        executor records each step with and the planner's `simulate` runs a change set through
        (`--validate`). `made`: what a create, a replacement or an import made (`made`); an
        update records its properties before the handler runs (a rollback updates back from
        them)."""
        if self.kind in (Kind.CREATE, Kind.REPLACE, Kind.IMPORT):
            if made is None:
                raise ValueError(f"{self.logical_id}: {self.kind} records what it made")
            state.resources[self.logical_id] = made
            return
        current = self.current
        if self.kind in (Kind.UPDATE, Kind.NO_CHANGE):
            held = state.resources[self.logical_id]
            held.properties = dict(self.properties)  # NO_CHANGE: another form of the same
            held.deletion_policy = self.deletion_policy
            held.update_replace_policy = self.update_replace_policy
        elif current is None:
            raise ValueError(f"{self.logical_id}: {self.kind} needs the current resource")
        elif self.kind == Kind.RESTORE:
            state.resources[self.logical_id] = current
        else:  # DELETE, RETAIN, UNDO_IMPORT: out of the stack
            state.forget(current)
            if self.kind == Kind.RETAIN:
                state.retained.append(current)

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

    def action(self, state: StackState) -> str:
        """The stack operation it is on `state`: IMPORT, CREATE (a new stack) or UPDATE."""
        if any(c.kind == Kind.IMPORT for c in self.changes):
            return "IMPORT"
        return "CREATE" if state.is_new else "UPDATE"

    def settle(self, state: StackState) -> None:
        """The stack's parameter values and tags once it ran (UsePreviousValue and the next
        revision's defaults start from them)."""
        if self.parameters is not None:
            state.parameters = dict(self.parameters)
        if self.stack_tags is not None:
            state.tags = dict(self.stack_tags)

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
