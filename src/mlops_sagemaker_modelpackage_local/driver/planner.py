"""The one place that decides what changes: (template revision, parameters, stack state) → a
change set, with every error of the revision collected. Pure: nothing runs, nothing is called.

A resource the stack lacks is created; one whose create-only properties change is replaced (and
what refers to it changes too: its `Ref` and attributes are new; followed until nothing more
changes); one whose other properties change is updated in place; one the revision leaves out is
deleted (or retained, by its `DeletionPolicy`) in the cleanup phase. `simulate` is the state a
successful change set leaves, which `--validate` plans the next revision against.
"""

from __future__ import annotations

import dataclasses
from contextlib import suppress
from typing import Any

from mlops_sagemaker_modelpackage.json_types import Json

from . import adopt, parameters
from .changes import ChangeSet, Kind, ResourceChange
from .intrinsics import STAND_IN, TemplateError, Unknown
from .journal import Done, Journal
from .resolution import Bindings, Identity, placeholder
from .schema import changed_properties, type_schema
from .state import Resource, StackState
from .supported import OUR_TYPE
from .template import Template, TemplateErrors


def errors_of(error: TemplateError) -> list[str]:
    return error.errors if isinstance(error, TemplateErrors) else [str(error)]


def plan_revision(
    revision: parameters.Revision,
    state: StackState,
    identity: Identity,
    imports: dict[str, str] | None = None,
) -> ChangeSet:
    """A revision with what it is deployed with (its parameter file, the command line, the
    values the stack keeps: parameters.py), loaded and planned against `state`."""
    previous = None if state.is_new else state.parameters
    values = revision.values(previous)
    tags = revision.stack_tags(None if state.is_new else state.tags)
    loading: list[str] = []
    try:
        template = Template.load(revision.path, values.given, previous=values.kept)
    except TemplateErrors as error:
        if error.template is None:  # not readable as a template at all
            return ChangeSet(revision.name, errors=values.errors + error.errors)
        # every error at once, as a linter reports them: go on with what could be read
        template, loading = error.template, error.errors
    change_set = plan(template, state, identity, imports, stack_tags=tags)
    change_set.errors[:0] = values.errors + loading
    change_set.warnings[:0] = list(revision.given.warnings)
    declarations: dict[str, Any] = template.body.get("Parameters") or {}
    for key, value in values.kept.items():
        default = declarations.get(key, {}).get("Default")
        if default is not None and parameters.text(default) != value:
            change_set.warnings.append(
                f"parameter {key} keeps the stack's previous value "
                f"{parameters.shown(value, declarations[key])} (UsePreviousValue, as `aws "
                f"cloudformation deploy` does): this revision's Default "
                f"{parameters.shown(parameters.text(default), declarations[key])} is not used; "
                f"give the value in {parameters.file_for(revision.path).name} or with --parameter"
            )
    change_set.settings = _settings(change_set, declarations, values.sources, state)
    return change_set


def _settings(
    change_set: ChangeSet, declarations: Json, sources: dict[str, str], state: StackState
) -> list[str]:
    """How the revision's parameter values (and where each comes from) and the stack's tags
    are shown: `Stage=prod (2-prod.parameters.json)`, a NoEcho value as `****`."""
    lines = []
    if change_set.parameters:
        shown = [
            f"{key}={parameters.shown(value, declarations.get(key))} "
            f"({sources.get(key, parameters.DEFAULT)})"
            for key, value in change_set.parameters.items()
        ]
        lines.append(f"parameters: {', '.join(shown)}")
    tags = change_set.stack_tags or {}
    if tags or (not state.is_new and state.tags):
        listed = ", ".join(f"{k}={v}" for k, v in tags.items()) or "(none)"
        changed = "" if state.is_new or tags == state.tags else " (changed)"
        lines.append(f"stack tags: {listed}{changed}")
    return lines


def plan(
    template: Template,
    state: StackState,
    identity: Identity,
    imports: dict[str, str] | None = None,
    *,
    stack_tags: dict[str, str] | None = None,
) -> ChangeSet:
    """`imports` (logical id → identifier) makes it an IMPORT change set (see adopt.py);
    `stack_tags`: the stack's tags from this revision on (default: as they are)."""
    change_set = ChangeSet(
        template.path.name,
        warnings=list(template.warnings),
        parameters={k: parameters.text(v) for k, v in template.parameters.items()},
        stack_tags=dict(state.tags if stack_tags is None else stack_tags),
    )
    # Every error of the revision at once: the template as a whole, then each resource and
    # output that can be resolved, then each resolved resource against its type's schema.
    bindings, errors = Bindings.check(template, identity)
    change_set.errors += errors
    desired, replacing, fresh, ignored, partly = _desired(bindings, state, change_set.errors)
    change_set.outputs = {
        name: {"Value": value, "Export": export}
        for name, value, export in bindings.outputs(
            _after(bindings, state, fresh), planning=True, errors=change_set.errors
        )
    }
    change_set.bindings = bindings
    retag = not state.is_new and change_set.stack_tags != state.tags
    for logical_id in bindings.order:
        if logical_id not in desired:
            continue  # its error is in change_set.errors
        change = _change(
            bindings, state, logical_id, desired[logical_id], replacing.get(logical_id), retag=retag
        )
        change_set.changes.append(change)
        if ignored[logical_id]:
            change_set.warnings.append(
                f"{logical_id}: read-only propert{'ies' if len(ignored[logical_id]) > 1 else 'y'} "
                f"{', '.join(ignored[logical_id])} ignored: CloudFormation does not send "
                "read-only properties to the handler "
                # cfn-lint's E3040 sees AWS's types only; this type's rules (cfn-lint-rules/) warn
                f"(cfn-lint: {'W9001' if change.type == OUR_TYPE else 'E3040'})"
            )
        if change.kind in (Kind.CREATE, Kind.UPDATE, Kind.REPLACE):
            _check(change_set, change.type, logical_id, change.properties)
    for logical_id, properties in partly.items():  # what can be known of them
        _check(change_set, bindings.types[logical_id], logical_id, properties, STAND_IN)
    change_set.cleanup = [
        ResourceChange.removal(current, "removed from the template")
        for logical_id, current in reversed(state.resources.items())
        if logical_id not in bindings.included
    ]
    if imports:
        change_set = adopt.as_import(change_set, template, state, imports, identity.stack_id)
        if change_set.valid:
            _resolve_imported(change_set, bindings, state)
    return change_set


def _resolve_imported(change_set: ChangeSet, bindings: Bindings, state: StackState) -> None:
    """An imported resource's identifier is known before the import: what refers to it (a
    version's `Ref` to its imported group) is planned with it, not with a placeholder."""
    known = state.copy()
    for change in change_set.changes:
        if change.kind == Kind.IMPORT and change.current is not None:
            known.resources[change.logical_id] = change.current
    fresh = {n: 0 for n in bindings.order if n not in known.resources and n in bindings.types}
    change_set.changes = [
        dataclasses.replace(
            change,
            properties=bindings.resolved(change.logical_id, known, fresh, planning=True)[0],
        )
        if change.kind == Kind.IMPORT
        else change
        for change in change_set.changes
    ]


def _check(
    change_set: ChangeSet,
    type_name: str,
    logical_id: str,
    properties: Json,
    unknown: str | None = None,
) -> None:
    """A resource's properties against its type's schema: CloudFormation fails it when it
    reaches it (`change_set.failures`: the reason, then hints)."""
    schema = type_schema(type_name)
    findings = schema.findings(properties, unknown)
    if findings:
        change_set.failures[logical_id] = [
            str(schema.validation_failure(logical_id, properties, unknown)),
            *(f"hint: {f.hint}" for f in findings if f.hint),
        ]


Replacing = dict[str, tuple[str, ...]]


def _desired(
    bindings: Bindings, state: StackState, errors: list[str]
) -> tuple[dict[str, Json], Replacing, dict[str, int], dict[str, list[str]], dict[str, Json]]:
    """Each resource's properties, with placeholders for new and replaced resources; a resource
    that cannot be resolved is left out, its error added to `errors` (once). Then the one
    decision of what is replaced: each replaced resource's create-only properties that change
    (its properties are final: a replacement's placeholder changes what refers to it, which is
    resolved again until nothing more is replaced). The last: what can be known of the
    resources that need a parameter without a value (STAND_IN for it)."""
    fresh = {
        name: 0 for name in bindings.order if name not in state.resources and name in bindings.types
    }
    partly: dict[str, Json] = {}
    while True:  # each resource is replaced at most once: this ends
        desired: dict[str, Json] = {}
        ignored: dict[str, list[str]] = {}
        for name in bindings.order:
            if name in bindings.broken or name not in bindings.types:
                continue  # wrong references or an unsupported type: said by Bindings.check
            try:
                desired[name], ignored[name] = bindings.resolved(name, state, fresh, planning=True)
            except Unknown:  # a parameter without a value (said already): check the rest
                with suppress(TemplateError):  # if it decides more than a property: no check
                    partly[name], _ = bindings.resolved(
                        name, state, fresh, planning=True, stand_in=True
                    )
            except TemplateError as error:
                if f"{name}: {error}" not in errors:
                    errors.append(f"{name}: {error}")
        replacing = {
            name: tuple(forced)
            for name in desired
            if name in state.resources
            and (
                forced := type_schema(bindings.types[name]).replacing(
                    state.resources[name].properties, desired[name]
                )
            )
        }
        replaced = set(replacing) - set(fresh)
        if not replaced:
            return desired, replacing, fresh, ignored, partly
        for name in replaced:
            fresh[name] = state.resources[name].successor


def _change(
    bindings: Bindings,
    state: StackState,
    logical_id: str,
    properties: Json,
    replacing: tuple[str, ...] | None,
    *,
    retag: bool = False,
) -> ResourceChange:
    """`replacing`: the create-only properties that force its replacement (`_desired`), None
    when it is not replaced. `retag`: the stack's tags change (`retagged`)."""
    deletion, replace_policy = bindings.policies(logical_id)
    kind_of = bindings.types[logical_id]
    current = state.resources.get(logical_id)
    common: Json = {
        "type": kind_of,
        "properties": properties,
        "deletion_policy": deletion,
        "update_replace_policy": replace_policy,
    }
    if current is None:
        return ResourceChange(logical_id, Kind.CREATE, **common)
    documents = type_schema(kind_of).documents
    changed = tuple(changed_properties(current.properties, properties, documents))
    if replacing:
        return ResourceChange(
            logical_id,
            Kind.REPLACE,
            previous=current.properties,
            current=current,
            changed=changed,
            replacing=replacing,
            **common,
        )
    change = ResourceChange(
        logical_id,
        Kind.UPDATE if changed else Kind.NO_CHANGE,
        previous=current.properties,
        current=current,
        changed=changed,
        **common,
    )
    return retagged(change) if retag else change


def retagged(change: ResourceChange) -> ResourceChange:
    """`change` when the stack's tags change (a revision's, or a rollback's putting them back):
    CloudFormation passes them to every resource of a type that takes tags with an update (its
    schema's `tagging`), even one whose properties do not change. Creates, replacements and
    deletes are left as they are."""
    if change.kind not in (Kind.UPDATE, Kind.NO_CHANGE):
        return change
    if not type_schema(change.type).tags_updatable:
        return change
    return dataclasses.replace(change, kind=Kind.UPDATE, stack_tags=True)


def cleanup(change_set: ChangeSet, journal: Journal, state: StackState) -> ChangeSet:
    """After a successful update: what earlier failures left, the old physical resources of
    replacements (by `UpdateReplacePolicy`), then the removed resources (by `DeletionPolicy`)."""
    # in reverse dependency order: a version before the group that holds it
    superseded = [e.before for e in reversed(journal.of(Done.REPLACED)) if e.before is not None]
    changes = [
        ResourceChange.removal(old, "superseded", old.update_replace_policy)
        for old in [*state.leftovers, *superseded]
    ]
    return ChangeSet(f"{change_set.name} cleanup", changes=changes + change_set.cleanup)


def deletion(state: StackState) -> ChangeSet:
    """Delete the stack: leftovers first, then every resource in reverse order."""
    changes = [
        ResourceChange.removal(old, "left over", old.update_replace_policy)
        for old in state.leftovers
    ]
    changes += [ResourceChange.removal(r, "") for r in reversed(state.resources.values())]
    return ChangeSet("stack delete", changes=changes)


def _after(bindings: Bindings, state: StackState, fresh: dict[str, int]) -> StackState:
    """The state with placeholders for new and replaced resources (to resolve outputs)."""
    after = StackState(state.status, dict(state.resources))
    for name, generation in fresh.items():
        kind = bindings.types[name]
        after.resources[name] = Resource(
            name,
            kind,
            {},
            physical_id=placeholder(bindings.identity, kind, name, None, generation),
            generation=generation,
        )
    return after


def simulate(change_set: ChangeSet, state: StackState) -> StackState:
    """The state a successful `change_set` leaves, with placeholders for what it creates: each
    step applied as the executor applies it (`ResourceChange.apply_to`), then an update's
    cleanup phase as the stack runs it (`cleanup`: what it replaced, by its
    UpdateReplacePolicy, and what it removed)."""
    after = state.copy()
    bindings = change_set.bindings
    if bindings is None or not change_set.valid:
        return after
    action = change_set.action(state)
    journal = Journal()
    for change in change_set.changes:
        made = None
        if change.kind == Kind.IMPORT and change.current is not None:
            made = change.made(change.current.physical_id)
        elif change.kind in (Kind.CREATE, Kind.REPLACE):
            made = change.made()
            made.physical_id = placeholder(
                bindings.identity, change.type, change.logical_id, None, made.generation
            )
        before = after.resources.get(change.logical_id)
        change.apply_to(after, made)
        if change.kind == Kind.REPLACE and made is not None and before is not None:
            journal.record(Done.REPLACED, made, before)
    if action == "UPDATE":  # a create or an import has no cleanup phase (Stack._complete)
        for change in cleanup(change_set, journal, after).changes:
            change.apply_to(after)
    change_set.settle(after)
    after.status = f"{action}_COMPLETE"
    return after
