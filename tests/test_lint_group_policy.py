"""cfn-lint rule W9101 (cfn-lint-rules/.../rules/group_policy.py): a model package group policy
that grants `*` as principal. Run as users run cfn-lint (the README's command, .cfnlintrc) on a
bad and a good template: it warns at each line marked `# W9101`, and nowhere else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.support.lint import lint
from tests.support.schema import ROOT

FIXTURES = Path(__file__).parent / "lint_fixtures" / "group_policy"
RULES = ROOT / "cfn-lint-rules" / "mlops_sagemaker_modelpackage_cfnlint" / "rules"


def marked(template: Path) -> list[int]:
    """The lines of `template` marked `# W9101`."""
    lines = template.read_text().splitlines()
    return [n for n, line in enumerate(lines, 1) if line.rstrip().endswith("# W9101")]


def test_it_warns_at_every_marked_line_of_the_bad_template() -> None:
    code, found = lint(FIXTURES / "bad.yaml")
    assert code != 0
    got = sorted(f["Location"]["Start"]["LineNumber"] for f in found)
    assert {f["Rule"]["Id"] for f in found} == {"W9101"}
    assert {f["Level"] for f in found} == {"Warning"}
    assert got == marked(FIXTURES / "bad.yaml")
    messages = [f["Message"] for f in found]
    assert messages[0].startswith(
        "ModelPackageGroupPolicy: statement 'Everyone' allows '*' as principal: every AWS "
        "account could act on this group's model versions"
    ), messages[0]
    assert any("allows everyone but its NotPrincipal" in m for m in messages)


def test_it_is_quiet_on_the_good_template() -> None:
    assert lint(FIXTURES / "good.yaml") == (0, [])


def test_the_rule_has_an_id_and_descriptions_of_its_own() -> None:
    spec = importlib.util.spec_from_file_location("group_policy_rule", RULES / "group_policy.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rule = module.GroupPolicyGrantsEveryone
    assert rule.id == "W9101"
    assert rule.shortdesc
    assert len(rule.description) > len(rule.shortdesc)
