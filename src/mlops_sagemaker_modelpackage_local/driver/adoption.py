"""`--generate ARN ...`: print the template that adopts existing packages (generate.py reads
them and writes it), optionally with the file `create-change-set --resources-to-import` takes.

The template goes to stdout and everything else to stderr, so that it can be redirected.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import generate, script
from .arguments import Refused
from .deploy import handler_logs
from .environments import Place, site


@dataclass(frozen=True)
class AdoptionRequest:
    """What to adopt and how (the command line's options, checked)."""

    arns: list[str]
    before: list[str] = field(default_factory=list)
    resources_to_import: Path | None = None
    place: Place = field(default_factory=Place)
    verbose: bool = False
    log_file: Path | None = None


def check_destination(destination: Path | None) -> None:
    """Refuse, before anything runs, a --resources-to-import path that cannot be written."""
    if destination and (destination.is_dir() or not destination.parent.is_dir()):
        raise Refused(
            f"--resources-to-import: cannot write {destination} "
            f"({'a folder' if destination.is_dir() else 'its folder does not exist'})"
        )


def print_template(request: AdoptionRequest) -> int:
    """The exit status: 0, or 1 if a `--before` script fails or a package cannot be read."""
    check_destination(request.resources_to_import)
    doing = "--generate only reads packages (and --before runs your scripts)."
    with site(request.place, doing) as where:
        try:  # every ARN in the region read, before anything runs
            for arn in request.arns:
                generate.check_arn(arn, where.env.region)
        except generate.GenerateError as error:
            raise Refused(f"--generate: {error}") from error
        logs = handler_logs(
            sys.stderr, "generate", verbose=request.verbose, log_file=request.log_file
        )
        if not script.run_all(request.before, where.env, where.endpoint, sys.stderr):
            return 1
        try:
            adopted = generate.adopt(where.env, request.arns, logs)
        except generate.GenerateError as error:
            local = (
                " (the embedded SageMaker holds what --before registered)" if where.embedded else ""
            )
            print(f"--generate: {error}{local}", file=sys.stderr)
            return 1
    destination = request.resources_to_import
    if destination:
        try:  # before the template, so that a failure leaves nothing half done
            destination.write_text(
                json.dumps(generate.resources_to_import(adopted), indent=2) + "\n"
            )
        except OSError as error:
            print(f"--resources-to-import: cannot write {destination}: {error}", file=sys.stderr)
            return 1
        print(f"Resources to import: {destination}", file=sys.stderr)
    sys.stdout.write(generate.render(generate.template_for(adopted)))
    print(f"Import locally: {import_command(request, adopted)}", file=sys.stderr)
    return 0


def import_command(request: AdoptionRequest, adopted: list[generate.Adopted]) -> str:
    """The rehearsal that imports what was adopted: where it was read (--aws, --endpoint-url,
    --account-id), what made it (--before: locally the packages exist only once the scripts
    ran), and the imports."""
    place = request.place
    words = ["modelpackage-rehearse", "FOLDER", *(["--aws"] if place.aws else [])]
    if place.endpoint_url:
        words += ["--endpoint-url", place.endpoint_url]
    if place.account_id:
        words += ["--account-id", place.account_id]
    for command in request.before:
        words += ["--before", command]
    if request.resources_to_import:
        words += ["--import-file", str(request.resources_to_import)]
    else:
        for item in adopted:
            words += ["--import", f"{item.logical_id}={item.arn}"]
    return shlex.join(words)
