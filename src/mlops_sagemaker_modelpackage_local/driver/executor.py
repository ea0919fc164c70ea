"""Carries out a change set, resource by resource in its order, and journals what it did.

Each step prints CloudFormation's events, runs the type's provisioner and records what it did in
the stack's state (`ResourceChange.apply_to`, which the planner's simulation uses too). A
template change set resolves each resource's properties when it reaches it (the physical IDs
and attributes of what was created before it) and checks them against the type's schema before
any handler runs; a rollback's change set carries its properties. The executor decides nothing:
the kind of each step is the change set's.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mlops_sagemaker_modelpackage.json_types import Json

from .changes import ChangeSet, Kind, ResourceChange
from .events import Events
from .hook import HookPoint
from .intrinsics import TemplateError
from .journal import Done, Journal
from .provisioners import Provisioner, StackFailure
from .state import Resource, StackState

Step = Callable[[ResourceChange, ChangeSet, StackState, Journal], None]


@dataclass
class Failure:
    change: ResourceChange
    reason: str


@dataclass
class Executor:
    provisioners: Mapping[str, Provisioner]
    events: Events
    history: Counter[str] = field(default_factory=Counter)
    hook: HookPoint | None = None  # --guard: runs before each create and update

    def apply(
        self,
        change_set: ChangeSet,
        state: StackState,
        journal: Journal,
        *,
        cleanup: bool = False,
        keep_going: bool = False,
    ) -> list[Failure]:
        """Run `change_set.changes` (or its `cleanup`); stop at the first failure unless
        `keep_going` (rollbacks and deletes try every step). Returns the failures."""
        steps: dict[Kind, Step] = {
            Kind.CREATE: self._create,
            Kind.UPDATE: self._update,
            Kind.REPLACE: self._replace,
            Kind.DELETE: self._delete,
            Kind.RETAIN: self._retain,
            Kind.NO_CHANGE: self._no_change,
            Kind.RESTORE: self._restore,
            Kind.IMPORT: self._import,
            Kind.UNDO_IMPORT: self._undo_import,
        }
        failures = []
        for change in change_set.cleanup if cleanup else change_set.changes:
            try:
                steps[change.kind](change, change_set, state, journal)
            except (StackFailure, TemplateError) as error:
                failures.append(Failure(change, str(error)))
                if not keep_going:
                    break
        return failures

    # ---------------------------------------------------------------- steps

    def _create(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        self.events(change.logical_id, "CREATE_IN_PROGRESS")
        step = self._resolved(change, change_set, state, "CREATE")
        resource = step.made()
        self._check(resource, "CREATE")
        self._provision(resource, "CREATE", journal, Done.CREATED)
        step.apply_to(state, resource)
        self.history["created"] += 1
        self.events(change.logical_id, "CREATE_COMPLETE", resource.physical_id)

    def _replace(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        current = self._current(change)
        self.events(
            change.logical_id,
            "UPDATE_IN_PROGRESS",
            "Requested update requires the creation of a new physical resource "
            f"({', '.join(change.replacing)} changed); hence creating one.",
        )
        step = self._resolved(change, change_set, state, "UPDATE")
        resource = step.made()
        self._check(resource, "UPDATE", current.properties)
        self._provision(resource, "UPDATE", journal, Done.REPLACED, before=current)
        step.apply_to(state, resource)
        self.history["replaced"] += 1
        self.events(change.logical_id, "UPDATE_COMPLETE", resource.physical_id)

    def _update(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        current = self._current(change)
        rollback = change_set.rollback
        what = f"in place: {change.in_place}"
        self.events(
            change.logical_id, "UPDATE_IN_PROGRESS", f"rollback {what}" if rollback else what
        )
        step = self._resolved(change, change_set, state, "UPDATE")
        desired = step.properties
        if not rollback:  # before anything is journaled: a refused update changed nothing
            self._check(current, "UPDATE", current.properties, desired)
        before = current.copy()
        if not rollback:
            journal.record(Done.UPDATED, current, before)
        step.apply_to(state)  # before the handler: a rollback updates back from it
        try:
            self.provisioners[current.type].update(current, desired, before.properties)
        except StackFailure as failure:
            self.events(change.logical_id, "UPDATE_FAILED", str(failure))
            raise
        if rollback:
            self.events(
                change.logical_id, "UPDATE_COMPLETE", f"rolled back, same ARN {current.physical_id}"
            )
        else:
            self.history["updated in place"] += 1
            self.events(change.logical_id, "UPDATE_COMPLETE", f"same ARN {current.physical_id}")

    def _no_change(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        change.apply_to(state)  # policies change without a resource operation

    def _restore(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        change.apply_to(state)

    def _delete(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        resource = self._current(change)
        self.events(change.logical_id, "DELETE_IN_PROGRESS", resource.physical_id)
        try:
            self.provisioners[resource.type].delete(resource)
        except StackFailure as failure:
            self.events(change.logical_id, "DELETE_FAILED", str(failure))
            raise
        change.apply_to(state)
        self.history["deleted"] += 1
        self.events(change.logical_id, "DELETE_COMPLETE")

    def _retain(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        resource = self._current(change)
        self.events(change.logical_id, "DELETE_SKIPPED", f"Retain: {resource.physical_id}")
        change.apply_to(state)
        self.history["retained"] += 1

    def _import(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        """The resource `change.current` names, READ by its identifier, becomes the stack's with
        the template's properties; READ failing (NotFound) fails the import."""
        identifier = self._current(change).physical_id
        self.events(change.logical_id, "IMPORT_IN_PROGRESS", identifier)
        step = self._resolved(change, change_set, state, "IMPORT")
        resource = step.made(identifier)
        try:
            resource.model = self.provisioners[resource.type].read(resource)
        except StackFailure as failure:
            self.events(change.logical_id, "IMPORT_FAILED", str(failure))
            raise
        journal.record(Done.IMPORTED, resource)
        step.apply_to(state, resource)
        self.history["imported"] += 1
        self.events(change.logical_id, "IMPORT_COMPLETE", identifier)

    def _undo_import(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, journal: Journal
    ) -> None:
        resource = self._current(change)
        self.events(change.logical_id, "IMPORT_ROLLBACK_IN_PROGRESS", resource.physical_id)
        change.apply_to(state)
        self.events(change.logical_id, "IMPORT_ROLLBACK_COMPLETE", "left as it was")

    # ---------------------------------------------------------------- helpers

    def _check(
        self,
        resource: Resource,
        action: str,
        previous: dict[str, object] | None = None,
        desired: dict[str, object] | None = None,
    ) -> None:
        """The stack's hook, if any, before `action` of `resource` (to `desired`, by default its
        properties); a refusal is the operation's failure."""
        if self.hook is None:
            return
        properties = resource.properties if desired is None else desired
        try:
            self.hook.before(resource.logical_id, resource.type, action, properties, previous)
        except StackFailure as failure:
            self.events(resource.logical_id, f"{action}_FAILED", str(failure))
            raise

    @staticmethod
    def _current(change: ResourceChange) -> Resource:
        if change.current is None:
            raise TemplateError(f"{change.logical_id}: {change.kind} needs the current resource")
        return change.current

    def _resolved(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, label: str
    ) -> ResourceChange:
        """The step as it runs: its properties resolved now against the stack (`_properties`)."""
        return dataclasses.replace(
            change, properties=self._properties(change, change_set, state, label)
        )

    def _properties(
        self, change: ResourceChange, change_set: ChangeSet, state: StackState, label: str
    ) -> Json:
        """The properties to send: resolved now against the stack, checked against the schema
        (a rollback sends the ones it carries, unchecked, as CloudFormation does)."""
        bindings = change_set.bindings
        if bindings is None:
            return dict(change.properties)
        try:
            properties, _ = bindings.resolved(change.logical_id, state)
        except TemplateError as error:
            self.events(change.logical_id, f"{label}_FAILED", str(error))
            raise
        schema = self.provisioners[change.type].schema
        findings = schema.findings(properties)
        if findings:
            reason = schema.validation_failure(change.logical_id, properties)
            self.events(change.logical_id, f"{label}_FAILED", str(reason))
            for finding in findings:
                if finding.hint:
                    self.events.note(f"hint: {finding.hint}")
            raise StackFailure(str(reason))
        return properties

    def _provision(
        self,
        resource: Resource,
        label: str,
        journal: Journal,
        done: Done,
        before: Resource | None = None,
    ) -> None:
        try:
            self.provisioners[resource.type].create(resource, label)
        except StackFailure as failure:
            self.events(resource.logical_id, f"{label}_FAILED", str(failure))
            if failure.left is not None:  # the handler left something: a rollback removes it
                journal.record(done, failure.left, before)
            raise
        journal.record(done, resource, before)
