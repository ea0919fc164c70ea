"""W9001 (rules/resources/properties/ModelPackageReadOnlyProperties.py): a read-only property set
in a template, which CloudFormation ignores: the warning names the `!GetAtt` that reads it."""

from __future__ import annotations

from pathlib import Path

from tests.support.lint import Finding, check_rule_fixtures, fixture, marked
from tests.support.schema import our_schema, top_properties


def test_it_warns_at_each_marked_line_and_is_quiet_on_the_good_template(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    check_rule_fixtures("W9001", fixture_findings)


def test_only_the_schemas_read_only_properties_are_warned_about(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    bad = fixture("bad", "W9001")
    lines = bad.read_text().splitlines()
    warned = {lines[n - 1].split(":")[0].strip() for n in marked(bad, "W9001")}
    assert warned <= top_properties(our_schema(), "readOnlyProperties")
    assert all(f["Level"] == "Warning" for f in fixture_findings[bad])
