"""A deploy rehearsal: the `--before` scripts, then every revision applied to one stack in turn
(planned, then executed; a failure rolled back), drift detected after each if asked, the stack
deleted at the end unless kept, and the summary. With `--events` or `--event-pattern`, the
events SageMaker sends are followed throughout (eventbridge.py).

The exit status is 0 when every stack operation succeeded, 1 when one failed (the run goes on
to the next revision and the final delete).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.error import URLError

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

from . import drift, script
from .arguments import Refused
from .environments import Site
from .eventbridge import Pattern, Watch
from .events import Events
from .hook import GuardHook
from .logs import HandlerLogs
from .parameters import Revision
from .stack import Stack
from .state import STUCK
from .summary import summary

# Handler logs: where no build step cleans, under the folder the command runs in
LOG_FOLDER = Path(".local") / "rehearsal-logs"
FAST_WAIT = 0.2


@dataclass(frozen=True)
class Options:
    """How to run the revisions (the command line's options, checked)."""

    stack_name: str
    imports: dict[str, str] = field(default_factory=dict)  # the first revision imports these
    before: list[str] = field(default_factory=list)
    fast: bool = False
    keep: bool = False
    roll_back: bool = True
    drift: bool = False
    verbose: bool = False
    log_file: Path | None = None
    guard: GuardHook | None = None  # --guard: a Guard hook before each create and update
    events: Path | None = None  # --events: where the events SageMaker sends are written
    event_pattern: Pattern | None = None  # --event-pattern: the rule's pattern they meet


def log_path(stack_name: str) -> Path:
    """A new handler log file for this run, under the current folder's `.local/`."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return (LOG_FOLDER / f"{stack_name}-{stamp}.log").absolute()


def handler_logs(
    stream: TextIO, name: str, *, verbose: bool = False, log_file: Path | None = None
) -> HandlerLogs:
    """Inline on `stream` with --verbose; else in `log_file` or a new file for the run `name`,
    whose path is said on `stream` first."""
    if verbose:
        return HandlerLogs(stream=stream)
    try:
        logs = HandlerLogs(path=log_file or log_path(name))
    except OSError as error:  # a folder that cannot be made, a path that is a folder, ...
        where = log_file or log_path(name)
        raise Refused(f"--log-file: cannot write {where}: {error.strerror or error}") from error
    print(f"Handler logs: {logs.path}", file=stream)
    return logs


def watch_events(options: Options, site: Site, events: Events, opened: ExitStack) -> Watch | None:
    """With --events or --event-pattern, the events `site`'s SageMaker sends from now on
    (its --events file opened in `opened`); Refused if they cannot be followed."""
    if options.events is None and options.event_pattern is None:
        return None
    assert site.endpoint is not None, "--aws with --events is refused by the command line"
    file = None
    if options.events is not None:
        try:
            file = opened.enter_context(options.events.open("w", encoding="utf-8"))
        except OSError as error:
            raise Refused(
                f"--events: cannot write {options.events}: {error.strerror or error}"
            ) from error
    try:
        return Watch(
            BackendControl(site.endpoint),
            events,
            site.env.account,
            file=file,
            pattern=options.event_pattern,
        )
    except (URLError, OSError, ValueError, KeyError) as error:
        raise Refused(
            f"the SageMaker at {site.endpoint} does not tell the events it sends (no "
            f"/_local/events, which modelpackage-sagemaker serves): {error}"
        ) from error


def rehearse(revisions: list[Revision], options: Options, site: Site) -> int:
    """Deploy each revision to one stack in `site`, then delete it."""
    with ExitStack() as opened:
        return _rehearse(revisions, options, site, opened)


def _rehearse(revisions: list[Revision], options: Options, site: Site, opened: ExitStack) -> int:
    started = time.monotonic()
    wait: Callable[[float], None] = (
        (lambda s: time.sleep(min(s, FAST_WAIT))) if options.fast else time.sleep
    )
    stack = Stack(
        options.stack_name,
        site.env,
        Events(sys.stdout),
        wait=wait,
        longest_wait=FAST_WAIT if options.fast else None,
        logs=handler_logs(
            sys.stdout, options.stack_name, verbose=options.verbose, log_file=options.log_file
        ),
        hook=options.guard,
    )
    watch = watch_events(options, site, stack.events, opened)
    if not script.run_all(options.before, site.env, site.endpoint, sys.stdout):
        return 1
    if watch is not None:
        watch.follow()  # what the scripts made SageMaker send, under their output
        stack.events.listeners.append(watch.follow)
    outcomes = apply_revisions(stack, revisions, options)
    if not options.keep and stack.status:  # no status: every revision was refused, no stack
        outcomes.append(stack.delete())
    calls = site.calls_made()
    print(summary(stack, len(revisions), started, calls, kept=options.keep))
    if watch is not None:
        watch.follow()
        print("\n".join(f"  {line}" for line in watch.summary()))
    if options.keep:
        print(f"  {site.kept()}")
    if not all(outcomes):
        print(f"\n{outcomes.count(False)} stack operation(s) failed", file=sys.stderr)
    return 0 if all(outcomes) else 1


def apply_revisions(stack: Stack, revisions: list[Revision], options: Options) -> list[bool]:
    """Each revision in turn (and drift after it, if asked); whether each operation succeeded."""
    outcomes: list[bool] = []
    for index, revision in enumerate(revisions):
        imports = options.imports if index == 0 else None
        outcomes.append(
            stack.deploy_revision(revision, roll_back=options.roll_back, imports=imports)
        )
        deployed = stack.revisions[-1].status != "refused"
        if imports and not outcomes[-1]:
            # the later revisions were written for the imported packages: applied to a stack
            # without them they would create new ones
            stack.story.append(
                "later revisions not applied: the import failed, and they would create"
            )
            stack.story.append("  the packages they were written to adopt")
            break
        if deployed and options.drift and stack.status not in STUCK:
            outcomes.append(drift.detect(stack))
    return outcomes
