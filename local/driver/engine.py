"""CloudFormation's side of a stack: a series of templates deployed in turn, then a delete.

Each revision is checked as a whole first (types, references, `Fn::GetAtt`, conditions); a
template error starts nothing. Then every resource is converged in dependency order: created,
updated in place, or replaced when a create-only property changes (the new one is created, the
old one deleted in the cleanup phase unless `UpdateReplacePolicy: Retain`). What each step did
is journaled, so that a failure rolls back exactly that (see `rollback`).
"""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import rollback
from .checks import get_att_check, pseudo_parameters, resolve_statically
from .intrinsics import TemplateError
from .logs import HandlerLogs
from .provision import OUR_TYPE, Environment, Events, Provisioner, Resource, StackFailure
from .schema import changed_properties, type_schema
from .template import Template

Json = dict[str, Any]
NEW_STACK = ("", "ROLLBACK_COMPLETE", "DELETE_COMPLETE")
STUCK = ("ROLLBACK_FAILED", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED")


@dataclass
class Change:
    """One step of a stack operation: `kind` create, update or replace.

    create: `after` is the new resource. update: `before` a copy from before the update, `after`
    the resource with the properties it was being updated to. replace: `before` the old
    resource, `after` the replacement."""

    kind: str
    after: Resource
    before: Resource | None = None


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
    ) -> None:
        self.name = name
        self.id = (
            f"arn:aws:cloudformation:{environment.region}:{environment.account}:"
            f"stack/{name}/{uuid.uuid4()}"
        )
        self.env = environment
        self.events = events
        self.provisioner = Provisioner(
            name,
            self.id,
            environment,
            events,
            logs or HandlerLogs(stream=io.StringIO()),
            wait,
            dict(tags or {}),
        )
        self.status = ""
        self.resources: dict[str, Resource] = {}
        self.leftovers: list[Resource] = []  # old physical resources awaiting a cleanup phase
        self.retained: list[Resource] = []  # left in the account by a Retain policy
        self.history: Counter[str] = Counter()
        self.story: list[str] = []

    @property
    def invocations(self) -> int:
        return self.provisioner.invocations

    # ---------------------------------------------------------------- deploy

    def deploy(self, template: Template, *, roll_back: bool = True) -> bool:
        """Create or update the stack to `template`; False if the revision failed."""
        if self.status in STUCK:
            self.story.append(f"{template.path.name}: not applied, the stack is {self.status}")
            print(
                f"Stack {self.name} is {self.status}: CloudFormation accepts no update to it "
                f"(continue-update-rollback or delete); {template.path.name} skipped",
                file=self.events.stream,
            )
            return False
        try:
            resolve_statically(template, self.name)
        except TemplateError as error:
            self.events(self.name, "VALIDATION_FAILED", str(error))
            self.story.append(f"{template.path.name}: refused before starting: {error}")
            return False
        action = "CREATE" if self.status in NEW_STACK else "UPDATE"
        self.events(self.name, f"{action}_IN_PROGRESS", f"User Initiated ({template.path.name})")
        journal: list[Change] = []
        resolver = self._resolver(template)
        included = template.resources(resolver.condition)
        failure: Exception | None = None
        try:
            for logical_id in template.order(included):
                self._converge(logical_id, included[logical_id], resolver.resolve, journal)
        except (StackFailure, TemplateError) as error:
            failure = error
        if failure is not None:  # outside `except`: rollback errors are not chained to this one
            self.status = rollback.after_failure(
                self,
                action,
                journal,
                failed=self._failed_resource(),
                reason=str(failure),
                roll_back=roll_back,
            )
            self._tell(template, self.status)
            return False
        if action == "CREATE":
            self.status = "CREATE_COMPLETE"
            self.events(self.name, self.status)
        else:
            self.events(self.name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
            replaced = [c.before for c in journal if c.kind == "replace" and c.before]
            self._clean_up(replaced, [r for r in self.resources if r not in included])
            self.status = "UPDATE_COMPLETE"
            self.events(self.name, self.status)
        self._tell(template, self.status)
        return True

    def _failed_resource(self) -> str:
        failed = [name for name, status, _ in self.events.lines if status.endswith("_FAILED")]
        return failed[-1] if failed else self.name

    def _tell(self, template: Template, status: str) -> None:
        self.story += [f"after {template.path.name} ({status}): {line}" for line in self.describe()]

    def _clean_up(self, replaced: list[Resource], removed: list[str]) -> None:
        """The cleanup phase: old physical resources of replacements, then removed resources."""
        for old in [*self.leftovers, *replaced]:
            self.remove(old, policy=old.update_replace_policy)
        self.leftovers = []
        for logical_id in reversed([r for r in self.resources if r in removed]):
            resource = self.resources.pop(logical_id)
            self.remove(resource, policy=resource.deletion_policy)

    def _converge(
        self, logical_id: str, spec: Json, resolve: Callable[[Any], Any], journal: list[Change]
    ) -> None:
        properties = resolve(spec.get("Properties", {}))
        desired = Resource(
            logical_id,
            spec["Type"],
            properties,
            deletion_policy=spec.get("DeletionPolicy", "Delete"),
            update_replace_policy=spec.get("UpdateReplacePolicy", "Delete"),
        )
        current = self.resources.get(logical_id)
        if current is None:
            self.events(logical_id, "CREATE_IN_PROGRESS")
            self._create(desired, journal, "create", label="CREATE")
            self.history["created"] += 1
            self.events(logical_id, "CREATE_COMPLETE", desired.physical_id)
            return
        current.deletion_policy = desired.deletion_policy
        current.update_replace_policy = desired.update_replace_policy
        if current.properties == properties:
            return
        changed = changed_properties(current.properties, properties)
        fixed = type_schema(desired.type).replacing(current.properties, properties)
        if fixed:
            self.events(
                logical_id,
                "UPDATE_IN_PROGRESS",
                f"Requested update requires the creation of a new physical resource "
                f"({', '.join(fixed)} changed); hence creating one.",
            )
            self._create(desired, journal, "replace", before=current, label="UPDATE")
            self.resources[logical_id] = desired
            self.history["replaced"] += 1
            self.story.append(
                f"{logical_id} replaced: {current.physical_id} -> {desired.physical_id}"
            )
            self.events(logical_id, "UPDATE_COMPLETE", desired.physical_id)
            return
        self.events(logical_id, "UPDATE_IN_PROGRESS", f"in place: {', '.join(changed)}")
        self.provisioner.check(Resource(logical_id, desired.type, properties), "UPDATE")
        before = current.copy()
        journal.append(Change("update", current, before))
        current.properties = properties
        self.provisioner.update(current, properties, before.properties)
        self.history["updated in place"] += 1
        self.events(logical_id, "UPDATE_COMPLETE", f"same ARN {current.physical_id}")

    def _create(
        self,
        resource: Resource,
        journal: list[Change],
        kind: str,
        label: str,
        before: Resource | None = None,
    ) -> None:
        try:
            self.provisioner.create(resource, label)
        except StackFailure as failure:
            if failure.left is not None:  # the handler left something: rollback removes it
                journal.append(Change(kind, failure.left, before))
            raise
        journal.append(Change(kind, resource, before))
        if kind == "create":
            self.resources[resource.logical_id] = resource

    # ---------------------------------------------------------------- delete

    def remove(self, resource: Resource, policy: str) -> bool:
        """Delete one physical resource, or keep it under a Retain policy; False on failure."""
        if policy == "Retain":
            self.events(resource.logical_id, "DELETE_SKIPPED", f"Retain: {resource.physical_id}")
            self.retained.append(resource)
            self.history["retained"] += 1
            return True
        self.events(resource.logical_id, "DELETE_IN_PROGRESS", resource.physical_id)
        try:
            self.provisioner.delete(resource)
        except StackFailure:
            return False
        self.history["deleted"] += 1
        self.events(resource.logical_id, "DELETE_COMPLETE")
        return True

    def delete(self) -> bool:
        """Delete the stack: every resource in reverse order; False if one could not be."""
        self.events(self.name, "DELETE_IN_PROGRESS", "User Initiated")
        ok = all([self.remove(old, old.update_replace_policy) for old in self.leftovers])  # noqa: C419 - every one
        self.leftovers = []
        for logical_id in reversed(list(self.resources)):
            resource = self.resources[logical_id]
            if self.remove(resource, resource.deletion_policy):
                del self.resources[logical_id]
            else:
                ok = False
        self.status = "DELETE_COMPLETE" if ok else "DELETE_FAILED"
        self.events(
            self.name, self.status, "" if ok else "The following resource(s) failed to delete"
        )
        return ok

    # ---------------------------------------------------------------- state

    def describe(self) -> list[str]:
        """One line per model package of the stack: where it stands now."""
        lines = []
        for resource in self.resources.values():
            if resource.type != OUR_TYPE:
                continue
            model = resource.model
            details = [str(model.get("ModelPackageStatus", "?"))]
            if "ModelApprovalStatus" in model:
                details.append(str(model["ModelApprovalStatus"]))
            if "Tags" in model:
                details.append(
                    "tags " + ",".join(f"{t['Key']}={t['Value']}" for t in model["Tags"])
                )
            specs = [s["Name"] for s in model.get("AdditionalInferenceSpecifications", [])]
            if specs:
                details.append("additional specifications " + ",".join(specs))
            lines.append(f"{resource.logical_id} {resource.physical_id} ({'; '.join(details)})")
        return lines

    def _resolver(self, template: Template) -> Any:
        types = {name: spec["Type"] for name, spec in template.declared.items()}
        check_get_att = get_att_check(types)

        def ref(name: str) -> str:
            if name not in self.resources:
                raise TemplateError(f"Ref to {name}, which is not a parameter or created resource")
            return self.resources[name].physical_id

        def get_att(name: str, attribute: str) -> Any:
            check_get_att(name, attribute)
            resource = self.resources.get(name)
            if resource is None or attribute not in resource.model:
                raise TemplateError(f"Fn::GetAtt {name}.{attribute}: no value yet")
            return resource.model[attribute]

        pseudo = pseudo_parameters(self.name, self.id, self.env.account, self.env.region)
        return template.resolver(pseudo, ref, get_att)
