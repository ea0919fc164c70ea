"""The real cfn-guard, run as a subprocess: where its binary comes from, and its JSON report read
back as findings (rule, resource, path, line, message).

The binary: `$CFN_GUARD` if set; else the one the pinned `cdklabs-cdk-validator-cfnguard` wheel
ships (the npm package's tarball, with Guard's statically linked Linux and macOS builds),
unpacked once into the user's cache folder; else `cfn-guard` on PATH. Guard is not
re-implemented here: every PASS, FAIL and SKIP is cfn-guard's.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlops_sagemaker_modelpackage.json_types import Json

ENV_BINARY = "CFN_GUARD"
BUNDLE = "cdklabs.cdk_validator_cfnguard"  # its jsii tarball carries bin/<os>/<arch>/cfn-guard
BUNDLED_BUILDS = {
    ("Linux", "x86_64"): "ubuntu/x86_64",
    ("Linux", "aarch64"): "ubuntu/aarch64",
    ("Darwin", "x86_64"): "macos/x86_64",
    ("Darwin", "arm64"): "macos/aarch64",
}
NON_COMPLIANT = 19  # cfn-guard validate's exit status when a rule fails
NOT_CHECKABLE = "Not checkable here"
TIMEOUT = 120
LOCATION = r"\[L:(\d+),C:(\d+)\]"


class GuardUnavailable(Exception):
    """cfn-guard cannot be found or run, or refused its input (a rule or data file that does not
    parse): the message says which and what to do."""


@dataclass(frozen=True)
class GuardFinding:
    """One failed clause of a rule: what the rule says, where in the input."""

    rule: str
    resource: str  # the logical id under Resources ('' when the clause is about no resource)
    message: str  # the rule's own message: "Violation: ... Fix: ..." or "Not checkable here: ..."
    path: str  # e.g. /Resources/Version/Properties/ApprovalDescription
    line: int | None = None
    column: int | None = None

    @property
    def not_checkable(self) -> bool:
        return self.message.startswith(NOT_CHECKABLE)


@dataclass(frozen=True)
class Report:
    """cfn-guard's verdict on one data file."""

    data: str
    status: str  # PASS, FAIL or SKIP
    failed: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    findings: list[GuardFinding] = field(default_factory=list)


def binary() -> Path:
    """The cfn-guard to run (see the module's docstring for the order)."""
    explicit = os.environ.get(ENV_BINARY)
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise GuardUnavailable(f"{ENV_BINARY}={explicit}: not an executable file")
        return path
    bundled = _bundled()
    if bundled is not None:
        return bundled
    on_path = shutil.which("cfn-guard")
    if on_path:
        return Path(on_path)
    raise GuardUnavailable(
        "cfn-guard not found: install the pinned package (pip install "
        "'cdklabs-cdk-validator-cfnguard==0.0.62'; make venv does), put cfn-guard 3 on PATH, "
        f"or set {ENV_BINARY} to its path"
    )


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlops-sagemaker-modelpackage"


@functools.cache
def _bundled() -> Path | None:
    """The wheel's cfn-guard for this machine, unpacked into the cache on first use; None if the
    wheel is not installed or has no build for this platform. The package is located, not
    imported: importing it starts jsii (Node.js)."""
    spec = importlib.util.find_spec(BUNDLE)
    build = BUNDLED_BUILDS.get((platform.system(), platform.machine()))
    if spec is None or not spec.submodule_search_locations or build is None:
        return None
    archives = sorted(
        archive
        for location in spec.submodule_search_locations
        for archive in Path(location, "_jsii").glob("*.jsii.tgz")
    )
    if not archives:
        return None
    archive = archives[-1]
    target = cache_folder() / archive.name.removesuffix(".jsii.tgz") / build / "cfn-guard"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as bundle:
            member = bundle.extractfile(f"package/bin/{build}/cfn-guard")
            if member is None:
                return None
            # written aside, then renamed: a concurrent run never sees half a binary
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as unpacked:
                shutil.copyfileobj(member, unpacked)
        Path(unpacked.name).chmod(0o755)
        os.replace(unpacked.name, target)
    return target


def version() -> str:
    """`cfn-guard --version`'s answer, e.g. 'cfn-guard 3.1.1'."""
    return _run([str(binary()), "--version"]).stdout.strip()


def validate(
    rules: Sequence[Path], data: Sequence[Path], input_parameters: Sequence[Path] = ()
) -> list[Report]:
    """`cfn-guard validate` of every data file against every rule file or folder, with the input
    parameters merged into each; one report per data file, in `data`'s order."""
    command = [str(binary()), "validate", "--structured", "--output-format", "json"]
    command += ["--show-summary", "none"]
    for rule in rules:
        command += ["--rules", str(rule)]
    for each in data:
        command += ["--data", str(each)]
    for parameters in input_parameters:
        command += ["--input-params", str(parameters)]
    run = _run(command)
    if run.returncode not in (0, NON_COMPLIANT):
        said = (run.stderr or run.stdout).strip() or f"exit status {run.returncode}"
        raise GuardUnavailable(f"cfn-guard failed: {said}")
    try:
        listed = json.loads(run.stdout)
        by_name = {str(Path(r["name"]).resolve()): r for r in listed}
        wanted = [str(Path(each).resolve()) for each in data]
        if not all(name in by_name for name in wanted) and len(listed) == len(data):
            return [report_of(r) for r in listed]  # cfn-guard reads them in the order given
        return [report_of(by_name[name]) for name in wanted]
    except (ValueError, KeyError, TypeError) as error:
        raise GuardUnavailable(f"cfn-guard's report could not be read: {error}") from error


def validate_document(
    rules: Sequence[Path], document: Json, input_parameters: Sequence[Path] = ()
) -> Report:
    """`validate` of one in-memory document (a Guard hook's input), written to a file first."""
    with tempfile.TemporaryDirectory(prefix="guard-input-") as folder:
        path = Path(folder) / "input.json"
        path.write_text(json.dumps(document, indent=1, default=str))
        return validate(rules, [path], input_parameters)[0]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GuardUnavailable(f"cannot run {command[0]}: {error}") from error


def report_of(report: Json) -> Report:
    """One data file's entry of cfn-guard's structured JSON report."""
    failed = [entry["Rule"] for entry in report.get("not_compliant", []) if "Rule" in entry]
    return Report(
        data=report["name"],
        status=report["status"],
        failed=[rule["name"] for rule in failed],
        passed=list(report.get("compliant", [])),
        skipped=list(report.get("not_applicable", [])),
        findings=[finding for rule in failed for finding in _findings(rule)],
    )


def _findings(rule: Json) -> list[GuardFinding]:
    """A failed rule's clauses: those carrying the rule's own message (its `<<` block); if none
    does, every failed clause with cfn-guard's words. Each once."""
    clauses = list(_clauses(rule.get("checks", [])))
    described = [c for c in clauses if (c["messages"].get("custom_message") or "").strip()]
    found: dict[tuple[str, str, str], GuardFinding] = {}
    for clause in described or clauses:
        messages = clause["messages"]
        message = _message(messages.get("custom_message") or messages.get("error_message") or "")
        path = next(_paths(clause.get("check")), "")
        line = column = None
        where = re.search(re.escape(path) + LOCATION, messages.get("error_message") or "")
        if path and where:
            line, column = int(where[1]), int(where[2])
        parts = path.split("/")
        resource = parts[2] if len(parts) > 2 and parts[1] == "Resources" else ""
        found.setdefault(
            (path, message, resource),
            GuardFinding(rule["name"], resource, message, path, line, column),
        )
    return list(found.values())


def _clauses(node: object) -> Iterator[Json]:
    """Every clause report (a dict with cfn-guard's `messages`) under `node`, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("messages"), dict) and node["messages"].get("error_message"):
            yield node
            return
        for value in node.values():
            yield from _clauses(value)
    elif isinstance(node, list):
        for value in node:
            yield from _clauses(value)


def _paths(node: object) -> Iterator[str]:
    """The data paths a clause's check traversed, the value compared first."""
    if isinstance(node, dict):
        path = node.get("path")
        if isinstance(path, str) and path.startswith("/"):
            yield path
        for value in node.values():
            yield from _paths(value)
    elif isinstance(node, list):
        for value in node:
            yield from _paths(value)


def _message(text: str) -> str:
    """A `<<` block as one paragraph per part ("Violation: ...", "Fix: ...")."""
    flat = " ".join(textwrap.dedent(text).split())
    return re.sub(r" (?=(?:Fix|Violation):)", "\n", flat)
