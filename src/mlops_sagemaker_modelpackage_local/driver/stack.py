"""A stack's life as CloudFormation runs it: each revision planned, then executed; a failure
rolled back (the change set undoing the journal, run by the same executor); a final delete.

`Stack` only sequences: the planner decides what changes, the executor does it, `rollback` says
how to undo it, and the stack statuses and events are CloudFormation's.
"""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from mlops_sagemaker_modelpackage.json_types import Json

from . import parameters, planner, rollback
from .changes import ChangeSet
from .events import Events
from .executor import Executor, Failure
from .hook import GuardHook, HookPoint
from .intrinsics import TemplateError
from .journal import Journal
from .logs import HandlerLogs
from .provisioners import Context, Environment, Provisioner, provisioners
from .report import describe, output_lines
from .resolution import Identity
from .state import STUCK, Resource, StackState
from .template import Template


@dataclass
class Revision:
    """How one revision ended, for the summary."""

    name: str
    status: str
    reason: str = ""


class Stack:
    def __init__(
        self,
        name: str,
        environment: Environment,
        events: Events,
        *,
        wait: Callable[[float], None] = time.sleep,
        logs: HandlerLogs | None = None,
        tags: dict[str, str] | None = None,
        longest_wait: float | None = None,
        hook: GuardHook | None = None,
    ) -> None:
        """`tags`: the stack's tags when a template is deployed without a revision's own
        (`deploy`; `deploy_revision` takes the revision's)."""
        self.name = name
        self.default_tags = dict(tags or {})
        self.identity = Identity.of(
            name, environment.account, environment.region, str(uuid.uuid4())
        )
        self.id = self.identity.stack_id
        self.env = environment
        self.events = events
        events.fit(name)
        self.context = Context(
            name,
            self.id,
            environment,
            events,
            logs or HandlerLogs(stream=io.StringIO()),
            wait,
            dict(tags or {}),
            longest_wait=longest_wait,
        )
        self.provisioners: dict[str, Provisioner] = provisioners(self.context)
        self.hook = HookPoint(hook, events, self.id, environment.account) if hook else None
        self.executor = Executor(self.provisioners, events, hook=self.hook)
        self.state = StackState()
        self.outputs: dict[str, Json] = {}
        self.revisions: list[Revision] = []
        self.story: list[str] = []

    # ---------------------------------------------------------------- what tests and reports read

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def resources(self) -> dict[str, Resource]:
        return self.state.resources

    @property
    def retained(self) -> list[Resource]:
        return self.state.retained

    @property
    def history(self) -> Counter[str]:
        return self.executor.history

    @property
    def invocations(self) -> int:
        return self.context.invocations

    @property
    def requests(self) -> list[Json]:
        return self.context.requests

    # ---------------------------------------------------------------- operations

    def plan(self, template: Template, imports: dict[str, str] | None = None) -> ChangeSet:
        tags = self.default_tags if self.state.is_new else None
        return planner.plan(template, self.state, self.identity, imports, stack_tags=tags)

    def deploy(
        self,
        template: Template,
        *,
        roll_back: bool = True,
        imports: dict[str, str] | None = None,
    ) -> bool:
        """Create or update the stack to `template` (import `imports`, logical id → identifier,
        instead: adopt.py); False if the revision failed."""
        return self.execute(self.plan(template, imports), roll_back=roll_back)

    def deploy_revision(
        self,
        revision: parameters.Revision,
        *,
        roll_back: bool = True,
        imports: dict[str, str] | None = None,
    ) -> bool:
        """Create or update the stack to `revision`, with its parameter values and stack tags
        (parameters.py); False if it was refused or failed."""
        change_set = planner.plan_revision(revision, self.state, self.identity, imports)
        if change_set.errors and change_set.bindings is None:  # not loaded: name the file
            return self.refuse(revision.name, [f"{revision.path}: {e}" for e in change_set.errors])
        return self.execute(change_set, roll_back=roll_back)

    def refuse(self, name: str, errors: list[str]) -> bool:
        """A revision CloudFormation refuses before any stack operation: the stack is untouched."""
        for error in errors:
            self.events(self.name, "VALIDATION_FAILED", error)
        self.revisions.append(Revision(name, "refused", "; ".join(errors)))
        self.story.append(f"{name}: refused before starting, the stack is untouched: {errors[0]}")
        return False

    def execute(self, change_set: ChangeSet, *, roll_back: bool = True) -> bool:
        """Execute a change set planned against this stack; False if it failed."""
        name = change_set.name
        if self.status in STUCK:
            self.story.append(f"{name}: not applied, the stack is {self.status}")
            print(
                f"Stack {self.name} is {self.status}: CloudFormation accepts no update to it "
                f"(continue-update-rollback or delete); {name} skipped",
                file=self.events.stream,
            )
            self.revisions.append(Revision(name, "skipped", f"the stack is {self.status}"))
            return False
        if change_set.errors:
            return self.refuse(name, change_set.errors)
        self.events.fit(*(c.logical_id for c in change_set.changes))
        for warning in change_set.warnings:
            print(f"WARNING {warning}", file=self.events.stream)
        action = change_set.action(self.state)
        self.events(self.name, f"{action}_IN_PROGRESS", f"User Initiated ({name})")
        for line in change_set.settings:
            self.events.note(line)
        previous_tags = None if self.state.is_new else dict(self.state.tags)
        tags = change_set.stack_tags
        self._tag(self.state.tags if tags is None else tags, previous_tags)
        journal = Journal()
        failures = self.executor.apply(change_set, self.state, journal)
        if not failures:
            failures = self._complete(action, change_set, journal)
        if failures:
            failure = failures[0]
            self.state.status = self._after_failure(action, journal, failure, roll_back)
            if not roll_back and action != "IMPORT":  # the stack keeps what the update set
                change_set.settle(self.state)
            failed = failure.change.logical_id
            verb = rollback.VERBS.get(failure.change.kind, "update")
            reason = f"{failed} failed to {verb}: {failure.reason}"
            self.revisions.append(Revision(name, self.status, reason))
            self._tell(name, self.status, reason)
            return False
        change_set.settle(self.state)
        self.revisions.append(Revision(name, self.status))
        self._tell(name, self.status)
        return True

    def _tag(self, tags: dict[str, str], previous: dict[str, str] | None) -> None:
        """The stack's tags the handlers are sent from now on (stackTags, previousStackTags)."""
        self.context.stack_tags = dict(tags)
        self.context.previous_stack_tags = None if previous is None else dict(previous)

    def _complete(self, action: str, change_set: ChangeSet, journal: Journal) -> list[Failure]:
        try:
            outputs = (
                change_set.bindings.outputs(self.state) if change_set.bindings is not None else []
            )
        except TemplateError as error:
            return [Failure(change_set.changes[-1], str(error))]
        self.outputs = {n: {"Value": v, "Export": e} for n, v, e in outputs}
        if action in ("CREATE", "IMPORT"):
            self.state.status = f"{action}_COMPLETE"
            self.events(self.name, self.status)
            return []
        self.events(self.name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        cleanup = planner.cleanup(change_set, journal, self.state)
        self.state.leftovers = []
        for failure in self.executor.apply(cleanup, self.state, journal, keep_going=True):
            self._leave(failure)
        self.state.status = "UPDATE_COMPLETE"
        self.events(self.name, self.status)
        return []

    def _leave(self, failure: Failure) -> None:
        """A resource a cleanup could not delete: out of the stack's template, still in the
        account; the next cleanup or the stack's delete tries again."""
        resource = failure.change.current
        if resource is not None:
            self.state.forget(resource)
        rollback.leave_behind(self.state, [resource])

    def _after_failure(
        self, action: str, journal: Journal, failure: Failure, roll_back: bool
    ) -> str:
        """CloudFormation's response to a failed `action`; returns the stack's final status."""
        cause = rollback.failed_to([failure.change])
        if not roll_back and action != "IMPORT":  # an import always rolls back
            rollback.leave_behind(self.state, rollback.left_by(journal))
            self.events(
                self.name, f"{action}_FAILED", f"{cause} Rollback disabled: {failure.reason}"
            )
            self.history["failed, kept (rollback disabled)"] += 1
            return f"{action}_FAILED"
        self.history["rolled back"] += 1
        undo, statuses = rollback.UNDO[action]
        change_set = undo(journal)
        # the rollback puts the stack's tags back: sent as stackTags, the failed ones previous
        failed_tags = self.context.stack_tags
        if not self.state.is_new and failed_tags != self.state.tags:
            self._tag(self.state.tags, failed_tags)
            change_set.changes = [planner.retagged(c) for c in change_set.changes]
        self.events(self.name, statuses.in_progress, cause + statuses.requested)
        failed = self.executor.apply(change_set, self.state, journal, keep_going=True)
        if failed:  # what could not be undone stays until the stack is deleted
            rollback.leave_behind(
                self.state,
                [f.change.current for f in failed] + [c.current for c in change_set.cleanup],
            )
            self.events(self.name, statuses.failed, rollback.failed_to(f.change for f in failed))
            return statuses.failed
        if statuses.cleanup:
            self.events(self.name, statuses.cleanup)
            for change in change_set.cleanup:  # out of the stack first: a failed delete leaves it
                if change.current is not None:
                    self.state.forget(change.current)
            for left in self.executor.apply(
                change_set, self.state, journal, cleanup=True, keep_going=True
            ):
                self._leave(left)
        self.events(self.name, statuses.complete)
        return statuses.complete

    def _tell(self, name: str, status: str, reason: str = "") -> None:
        if reason:
            self.story.append(f"{name}: {status}, because {reason}")
        self.story += [f"after {name} ({status}): {line}" for line in describe(self.state)]
        self.story += [f"after {name}: {line}" for line in output_lines(self.outputs)]

    def delete(self) -> bool:
        """Delete the stack: every resource in reverse order; False if one could not be."""
        self.events(self.name, "DELETE_IN_PROGRESS", "User Initiated")
        self._tag(self.state.tags, None)
        change_set = planner.deletion(self.state)
        failures = self.executor.apply(change_set, self.state, Journal(), keep_going=True)
        ok = not failures
        self.state.status = "DELETE_COMPLETE" if ok else "DELETE_FAILED"
        if ok:
            self.outputs = {}
        names = ", ".join(f.change.logical_id for f in failures)
        self.events(
            self.name,
            self.status,
            "" if ok else f"The following resource(s) failed to delete: [{names}].",
        )
        return ok
