"""A Guard hook, as CloudFormation runs one before it provisions a resource (`--guard DIR`).

Before each create or update of a targeted type (ours and AWS::SageMaker::ModelPackageGroup, the
targets of deploy/guard-hook.yml), the rules are evaluated by the real cfn-guard on the input a
Guard hook gets: `HookContext` (account, stack id, invocation point, target), the proposed
properties, resolved, under `Resources.<id>.ResourceType/ResourceProperties`, and on update the
properties before under `Previous.<id>`; the input parameters are merged in as a hook's
`Options.InputParams` are. The events are CloudFormation's: the resource's IN_PROGRESS with
HOOK_IN_PROGRESS "Invoking hook", then HOOK_COMPLETE_SUCCEEDED, or HOOK_COMPLETE_FAILED and the
resource's FAILED "The following hook(s) failed: [name]" (failure mode FAIL): the handler is never
called, so nothing is created or changed, and the stack rolls back as usual. A rollback's own
operations are not evaluated, so a hook cannot leave a stack half rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.guard import engine

from .arguments import Refused, existing
from .events import Events
from .provisioners import StackFailure
from .supported import GROUP_TYPE, OUR_TYPE

HOOK_NAME = "Private::Guard::ModelRegistry"  # deploy/guard-hook.yml's default Alias
HOOK_VERSION = "00000001"


@dataclass(frozen=True)
class GuardHook:
    """The rules (files or folders) and input parameters of one Guard hook."""

    rules: Sequence[Path]
    input_parameters: Sequence[Path] = ()
    name: str = HOOK_NAME
    targets: frozenset[str] = field(default_factory=lambda: frozenset({OUR_TYPE, GROUP_TYPE}))


def guard_hook(
    rules: Path | None, input_parameters: Sequence[Path], *, validate: bool = False
) -> GuardHook | None:
    """`--guard` and `--guard-input-parameters`, checked: the files exist and cfn-guard runs."""
    if rules is None:
        if input_parameters:
            raise Refused("--guard-input-parameters goes with --guard RULES")
        return None
    if validate:
        raise Refused("--guard runs as a hook before each resource operation: not with --validate")
    existing([rules, *input_parameters], "--guard")
    try:
        engine.version()
    except engine.GuardUnavailable as error:
        raise Refused(f"--guard: {error}") from error
    return GuardHook([rules], list(input_parameters))


@dataclass
class HookPoint:
    """Where a stack's resource operations meet its hook: called before each provisioning."""

    hook: GuardHook
    events: Events
    stack_id: str
    account: str
    invocations: list[Json] = field(default_factory=list)  # each input, for tests and reports

    def before(
        self,
        logical_id: str,
        type_name: str,
        action: str,
        properties: Json,
        previous: Json | None = None,
    ) -> None:
        """Run the hook before `action` (CREATE or UPDATE) of a targeted resource; a violation
        raises StackFailure with CloudFormation's status reason."""
        if type_name not in self.hook.targets:
            return
        document = hook_input(
            logical_id,
            type_name,
            action,
            properties,
            previous,
            stack_id=self.stack_id,
            account=self.account,
            hook=self.hook.name,
        )
        self.invocations.append(document)
        status = f"{action}_IN_PROGRESS"
        self.events(logical_id, status, f"{self.hook.name} HOOK_IN_PROGRESS: Invoking hook")
        try:
            report = engine.validate_document(self.hook.rules, document, self.hook.input_parameters)
        except engine.GuardUnavailable as error:
            # a hook that cannot run fails the operation (HOOK_FAILED), as in an account
            self.events(logical_id, status, f"{self.hook.name} HOOK_FAILED: {error}")
            raise StackFailure(f"The following hook(s) failed: [{self.hook.name}]") from error
        if report.status != "FAIL":
            self.events(
                logical_id,
                status,
                f"{self.hook.name} HOOK_COMPLETE_SUCCEEDED: "
                "Hook succeeded with message: Successful validation",
            )
            return
        rules = ", ".join(report.failed)
        self.events(
            logical_id,
            status,
            f"{self.hook.name} HOOK_COMPLETE_FAILED: Hook failed with message: "
            f"Template failed validation, the following rule(s) failed: {rules}.",
        )
        for finding in report.findings:
            for number, line in enumerate(finding.message.splitlines()):
                self.events.note(f"{finding.rule}: {line}" if number == 0 else f"  {line}")
        raise StackFailure(f"The following hook(s) failed: [{self.hook.name}]")


def hook_input(
    logical_id: str,
    type_name: str,
    action: str,
    properties: Json,
    previous: Json | None,
    *,
    stack_id: str,
    account: str,
    hook: str = HOOK_NAME,
) -> Json:
    """A Guard hook's resource input (the Hooks User Guide's "Guard resource input syntax")."""
    document: Json = {
        "HookContext": {
            "AWSAccountID": account,
            "StackId": stack_id,
            "HookTypeName": hook,
            "HookTypeVersion": HOOK_VERSION,
            "InvocationPoint": f"{action}_PRE_PROVISION",
            "TargetName": type_name,
            "TargetType": "RESOURCE",
            "TargetLogicalId": logical_id,
            "ChangeSetId": "",
        },
        "Resources": {logical_id: {"ResourceType": type_name, "ResourceProperties": properties}},
    }
    if previous is not None:
        document["Previous"] = {
            logical_id: {"ResourceType": type_name, "ResourceProperties": previous}
        }
    return document
