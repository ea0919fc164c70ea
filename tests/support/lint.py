"""cfn-lint as users run it in CI: the README's "Linting templates" command, from the project root
where .cfnlintrc is; and the rules package as cfn-lint lays rules out (one class per file in
category folders, each with a good and a bad template and a snapshot of its findings)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from tests.support.schema import ROOT

CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))
PACKAGE = ROOT / "cfn-lint-rules" / "mlops_sagemaker_modelpackage_cfnlint"
RULES_DIR = PACKAGE / "rules"
FIXTURES = ROOT / "tests" / "lint" / "fixtures"
# `LINT_SNAPSHOTS=update pytest tests/lint` rewrites the snapshots of the bad templates' findings
# (cfn-lint's scripts/update_snapshot_results.sh); review the diff before committing it.
UPDATE = os.environ.get("LINT_SNAPSHOTS") == "update"

Finding = Json


def readme_command() -> str:
    """The CI command of the README's "Linting templates" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Linting templates", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"^(cfn-lint .*)$", section, flags=re.MULTILINE)
    return str(command)


def lint(*templates: Path) -> tuple[int, list[Finding]]:
    """Run the README's command (templates in place of its glob) and cfn-lint's JSON findings."""
    args = readme_command().split()
    args = [CFN_LINT, *args[1 : args.index("--")], "--format", "json", "--"]
    result = subprocess.run(
        [*args, *map(str, templates)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout or "[]")


def lint_in_process(text: str) -> list[tuple[str, int]]:
    """(rule id, line) of every finding on `text`, linted in this process (so a test can patch
    cfn-lint), with the package's schema and rules as the README's command loads them."""
    from cfnlint.api import lint as cfn_lint  # noqa: PLC0415
    from cfnlint.config import ManualArgs  # noqa: PLC0415

    config = ManualArgs(
        regions=["us-east-1"],
        registry_schemas=[str(PACKAGE / "schemas")],
        append_rules=[str(RULES_DIR)],
    )
    return sorted((m.rule.id, m.linenumber) for m in cfn_lint(text, config=config))


def rule_class(path: Path) -> Any:
    """The one rule class a rule file defines, loaded as cfn-lint loads it (by its path)."""
    from cfnlint.rules import CloudFormationLintRule  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (found,) = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CloudFormationLintRule)
        and value.__module__ == module.__name__
    ]
    return found


@cache
def rule_files() -> dict[str, Path]:
    """Every rule file of the package, by the id of its rule."""
    files = [p for p in sorted(RULES_DIR.rglob("*.py")) if not p.name.startswith("_")]
    return {rule_class(path).id: path for path in files}


def fixture(kind: str, rule_id: str) -> Path:
    """A rule's good or bad template: its file's place below rules/, as cfn-lint's test fixtures
    mirror its rule folders (`templates/good/resources/properties/X.yaml`)."""
    place = rule_files()[rule_id].relative_to(RULES_DIR).with_suffix(".yaml")
    return FIXTURES / "templates" / kind / place


def snapshot(rule_id: str) -> Path:
    place = rule_files()[rule_id].relative_to(RULES_DIR).with_suffix(".json")
    return FIXTURES / "results" / place


def marked(template: Path, rule_id: str) -> list[int]:
    """The lines of `template` marked `# <rule id>`: where the rule must report, and only there."""
    lines = template.read_text().splitlines()
    return [n for n, line in enumerate(lines, 1) if line.rstrip().endswith(f"# {rule_id}")]


def _recorded(finding: Finding) -> Finding:
    """What a snapshot keeps of a cfn-lint JSON finding: what a user reads, and where."""
    start = finding["Location"]["Start"]
    return {
        "Rule": finding["Rule"]["Id"],
        "Level": finding["Level"],
        "Line": start["LineNumber"],
        "Column": start["ColumnNumber"],
        "Path": finding["Location"]["Path"],
        "Message": finding["Message"],
    }


def check_rule_fixtures(rule_id: str, findings: dict[Path, list[Finding]]) -> None:
    """The rule's good template lints clean; its bad one reports exactly at the lines marked with
    the rule's id, nothing of another rule, and what the snapshot of its findings says."""
    good, bad = fixture("good", rule_id), fixture("bad", rule_id)
    assert findings[good] == [], findings[good]
    got = [_recorded(f) for f in findings[bad]]
    assert {f["Rule"] for f in got} == {rule_id}, got
    assert sorted(f["Line"] for f in got) == marked(bad, rule_id), got
    recorded = snapshot(rule_id)
    if UPDATE:
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(json.dumps(got, indent=2) + "\n")
    assert recorded.exists(), "no snapshot: run LINT_SNAPSHOTS=update pytest tests/lint"
    assert got == json.loads(recorded.read_text())


def lint_fixtures() -> dict[Path, list[Finding]]:
    """Every fixture template linted in one cfn-lint run (its start-up dominates), by template."""
    templates = sorted((FIXTURES / "templates").rglob("*.yaml"))
    _, found = lint(*templates)
    by_template: dict[Path, list[Finding]] = {template: [] for template in templates}
    for finding in found:
        by_template[Path(finding["Filename"])].append(finding)
    return by_template


def cfn_lint_sees_the_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make cfn-lint list the type where its own E3002 and E1010 look (as a cfn-lint release
    that checks registry types would): E9001 and E9003 must then stand aside."""
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER  # noqa: PLC0415

    original = PROVIDER_SCHEMA_MANAGER.get_resource_schemas_by_regions

    def with_registry_types(resource_type: str, regions: list[str]) -> Any:
        if resource_type == "MLOps::SageMaker::ModelPackage":
            yield regions, PROVIDER_SCHEMA_MANAGER.get_resource_schema(regions[0], resource_type)
            return
        yield from original(resource_type, regions)

    monkeypatch.setattr(
        PROVIDER_SCHEMA_MANAGER, "get_resource_schemas_by_regions", with_registry_types
    )
