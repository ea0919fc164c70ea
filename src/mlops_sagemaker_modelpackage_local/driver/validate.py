"""`--validate`: every revision planned in turn, each change set printed with what it does to
approvals (approvals.py), nothing run.

Each revision is planned against the state the previous ones leave (a failing revision's
rollback included), as a deploy would meet it; every error of every revision is reported.
"""

from __future__ import annotations

from . import approvals, planner
from .parameters import Revision
from .provisioners import Environment
from .report import planned_output_lines
from .resolution import Identity
from .state import StackState

REFUSED = "  (refused before any change: the stack stays as it was)"
ROLLED_BACK = "  (would fail and roll back: the next revision starts from the same stack)"
# as a deploy stops (deploy.apply_revisions): the later revisions were written for the imports
IMPORT_FAILED = (
    "  (the import fails: the later revisions are not planned, as a deploy does not apply "
    "them: without the imported resources they would create new ones)"
)


def identity_for(stack_name: str, account: Environment | None) -> Identity:
    """The stack as planned: in `account` (--aws: its account and region, so that
    AWS::AccountId, AWS::Region and the maps keyed by them resolve as a deploy there would),
    else in the embedded SageMaker's."""
    if account is None:
        return Identity.planned(stack_name)
    return Identity.of(stack_name, account.account, account.region)


def validate(
    revisions: list[Revision],
    stack_name: str,
    imports: dict[str, str] | None = None,
    account: Environment | None = None,
) -> int:
    """Print each revision's change set; the exit status (1 on any error). `imports`: the first
    revision is an IMPORT change set."""
    identity = identity_for(stack_name, account)
    state = StackState()
    errors = 0
    for index, revision in enumerate(revisions):
        print(revision.name)
        change_set = planner.plan_revision(
            revision, state, identity, imports if index == 0 else None
        )
        for line in [*(f"  {s}" for s in change_set.settings), *change_set.lines()]:
            print(line)
        if not change_set.valid:
            errors += len(change_set.errors) + len(change_set.failures)
            print(REFUSED if change_set.errors else ROLLED_BACK)
            if imports and index == 0:
                print(IMPORT_FAILED)
                break
            continue
        shown = [*approvals.lines(change_set), *planned_output_lines(change_set)]
        print("\n".join(f"  {line}" for line in shown))
        state = planner.simulate(change_set, state)
    if state.resources:
        print("stack delete")
        deletion = planner.deletion(state)
        shown = [f"{c.logical_id:<28} {c.describe()}" for c in deletion.changes]
        print("\n".join(f"  {line}" for line in [*shown, *approvals.lines(deletion)]))
    print(f"\n{errors} error(s) in {len(revisions)} template revision(s)")
    return 1 if errors else 0
