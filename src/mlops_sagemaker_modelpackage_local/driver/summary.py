"""The end of a run: what happened to the stack, and what is left where."""

from __future__ import annotations

import time

from .stack import Stack


def summary(
    stack: Stack,
    revisions: int,
    started: float,
    calls: int | None,
    *,
    kept: bool = False,
) -> str:
    """`revisions` run since `started` (time.monotonic); `calls`: SageMaker API calls served,
    if known; `kept`: --keep, the stack was not deleted (where that leaves things:
    environments.Site.kept)."""
    history = stack.history
    lines = [
        "",
        f"Summary of stack {stack.name}: {revisions} template revision(s) in "
        f"{time.monotonic() - started:.1f} s, final status {stack.status or '(never created)'}",
        f"  resources created {history['created']}, "
        f"updated in place {history['updated in place']}, "
        f"replaced {history['replaced']}, deleted {history['deleted']}"
        + "".join(
            f", {key} {history[key]}"
            for key in ("imported", "retained", "rolled back", "failed, kept (rollback disabled)")
            if history[key]
        ),
        f"  handler invocations {stack.invocations}"
        + (f", SageMaker API calls {calls}" if calls is not None else ""),
        *(f"  {line}" for line in stack.story),
        *(
            f"  left in the account (Retain): {r.logical_id} {r.physical_id}"
            for r in stack.retained
        ),
        *(
            f"  left in the account (a delete failed): {r.logical_id} {r.physical_id}"
            for r in [*stack.state.leftovers, *([] if kept else stack.resources.values())]
        ),
        *(
            f"  left in the stack (--keep): {r.logical_id} {r.physical_id}"
            for r in (stack.resources.values() if kept else [])
        ),
    ]
    return "\n".join(lines)
