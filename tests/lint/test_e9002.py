"""E9002 (rules/resources/properties/ModelPackageCrossPropertyRules.py): the rules across
properties of the schema's root `allOf`, each message with the rule's reason, under conditions."""

from __future__ import annotations

from pathlib import Path

from tests.support.lint import Finding, check_rule_fixtures, fixture
from tests.support.schema import our_schema


def test_it_reports_at_each_marked_line_and_is_quiet_on_the_good_template(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    check_rule_fixtures("E9002", fixture_findings)


def test_every_rule_across_properties_of_the_schema_has_a_case(
    fixture_findings: dict[Path, list[Finding]],
) -> None:
    """A rule added to the schema's root allOf fails here until the bad template breaks it."""
    messages = {f["Message"] for f in fixture_findings[fixture("bad", "E9002")]}
    for rule in our_schema()["allOf"]:
        reason = rule["description"]
        for trigger, dependency in rule["dependencies"].items():
            if isinstance(dependency, list):
                expected = [f"{trigger} needs {' and '.join(dependency)}: {reason}"]
            else:
                expected = [
                    f"{ruled_out} cannot be set together with {trigger}: {reason}"
                    for ruled_out in dependency["properties"]
                ]
            for message in expected:
                assert message in messages, message
